// The clients of one invocation: the function's own account, or a member account through its
// execution role (docs/lambda.md, "Organization and cross-account rules").
import type { Context } from 'aws-lambda';
import type { Trigger } from '../../aws/config/event';
import { type AwsClientOptions, createAwsClients, createConfigServiceClient } from '../../aws/sdk/clients';
import { roleArnFor } from '../../aws/sdk/credentials';
import { AccountMismatchError } from './errors';
import type { ClientOptions, HandlerClients, RuleHandlerPorts } from './ports';

/** Production clients: one set per region and role, reused while warm. */
export function createDefaultClientFactory(options: ClientOptions = {}): RuleHandlerPorts['createClients'] {
  const cache = new Map<string, HandlerClients>();
  return (region, credentials) => {
    // One key per role: the provider refreshes through the credential cache, so clients stay valid.
    const key = `${region}|${credentials ? 'assumed' : 'own'}|${credentials ? String(credentials) : ''}`;
    const cached = cache.get(key);
    if (cached) return cached;
    const clientOptions: AwsClientOptions = { ...options, region, ...(credentials ? { credentials } : {}) };
    const created: HandlerClients = {
      aws: createAwsClients(clientOptions),
      config: createConfigServiceClient(clientOptions),
    };
    cache.set(key, created);
    return created;
  };
}

/**
 * The clients for the trigger's account: the function's own role when the event has no
 * executionRoleName (and then the event must be for the function's own account), else the member's
 * execution role, assumed before any Describe call so that a refused role fails first, with AssumeRoleError.
 */
export async function createClientsFor(
  trigger: Trigger,
  ports: RuleHandlerPorts,
  context: Context | undefined,
): Promise<HandlerClients> {
  if (!trigger.executionRoleName) {
    const own = functionAccountOf(context);
    if (own !== undefined && own !== trigger.accountId)
      throw new AccountMismatchError(trigger.accountId, own);
    return ports.createClients(trigger.awsRegion);
  }
  const roleArn = roleArnFor(trigger.partition, trigger.accountId, trigger.executionRoleName);
  await ports.credentials.credentialsFor(roleArn);
  const provider = Object.assign(() => ports.credentials.credentialsFor(roleArn), {
    toString: () => roleArn,
  });
  return ports.createClients(trigger.awsRegion, provider);
}

/** The account of the running function: the fifth field of arn:<partition>:lambda:<region>:<account>:function:… */
function functionAccountOf(context: Context | undefined): string | undefined {
  const account = context?.invokedFunctionArn?.split(':')[4];
  // 000000000000 is the placeholder of local runners and emulators (LocalStack), not a real account.
  return account && /^\d{12}$/.test(account) && account !== '000000000000' ? account : undefined;
}
