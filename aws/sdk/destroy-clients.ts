// Releasing AWS clients, apart from the factory (clients.ts): code that only closes clients it was
// given, as the CLI's commands do, then does not import the SDK to do it.
import type { AwsClients } from './clients';

/** Releases the clients' sockets (the CLI and tests call this when done). */
export function destroyAwsClients(clients: AwsClients): void {
  clients.ec2.destroy();
  clients.efs.destroy();
  clients.iam.destroy();
  clients.sts.destroy();
}
