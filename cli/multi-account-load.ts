// Loading many accounts and regions (multi-account.ts holds the options): imported only when a
// multi-target run starts, because it needs the AWS SDK (Organizations, STS AssumeRole, the loaders).
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { mapWithConcurrency } from '../aws/load/describe';
import { listActiveAccounts, listEnabledRegions } from '../aws/load/organizations';
import { loadRegion } from '../aws/load/region';
import { type AwsClients, getAccountId, resolveRegion, sharedClientConfig } from '../aws/sdk/clients';
import { createCredentialCache, type RoleCredentials, roleArnFor } from '../aws/sdk/credentials';
import { destroyAwsClients } from '../aws/sdk/destroy-clients';
import type { Snapshot } from '../aws/snapshot/format';
import { partitionOf } from '../core/arn';
import type { TopologyPart } from '../core/model';
import type { CliContext } from './context';
import { createClientsFromOptions } from './context';
import { UsageError } from './errors';
import { createTargetProgress, DEFAULT_TARGET_CONCURRENCY, type MultiAccountOptions } from './multi-account';
import type { LoadedTarget, TargetFailure, TargetResult } from './targets';

interface AccountPlan {
  readonly accountId: string;
  readonly regions: readonly string[];
  readonly credentials?: () => Promise<RoleCredentials>;
}

function errorText(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // An SDK error's name is AWS's error code (AccessDenied): keep it in front of the message.
  const name = error instanceof Error && !(error.name in { Error: 1, EfsguardError: 1 }) ? error.name : '';
  const text = name && !message.startsWith(name) && !/Error$/.test(name) ? `${name}: ${message}` : message;
  return text.replace(/\s*\n\s*/g, ' ');
}

/** Loads every account-region; failures become rows, never exceptions (except bad usage). */
export async function loadMultiTargets(
  context: CliContext,
  options: MultiAccountOptions,
  parts: readonly TopologyPart[],
  capturedAt?: Date,
): Promise<TargetResult[]> {
  const base = await createClientsFromOptions(context, options);
  const clientsToClose: AwsClients[] = [base];
  try {
    const listed = Array.isArray(options.regions) ? (options.regions as string[]) : undefined;
    // The caller's calls (STS, Organizations, AssumeRole) go to --region, else the first listed region,
    // else the configured one.
    const baseRegion = options.region ?? listed?.[0] ?? (await resolveRegion(base));
    const home = track(context.createClients(clientOptions(options, baseRegion)));
    const callerAccount = await getAccountId(home);
    const partition = partitionOf(baseRegion);

    let accounts: string[];
    if (options.accounts === 'org') {
      const organizations = new OrganizationsClient(sharedClientConfig(clientOptions(options, baseRegion)));
      try {
        accounts = await listActiveAccounts(organizations, options.endpointUrl);
      } finally {
        organizations.destroy();
      }
    } else accounts = options.accounts ? [...options.accounts] : [callerAccount];
    const needsRole = accounts.some((account) => account !== callerAccount);
    if (needsRole && !options.roleName)
      throw new UsageError('--role-name is required to scan accounts other than the caller’s own');

    const credentials = createCredentialCache({ sts: home.sts, roleSessionName: 'efsguard-cli' });
    const concurrency = options.concurrency ?? DEFAULT_TARGET_CONCURRENCY;
    const progress = createTargetProgress(context.io.stderr, options.progress);

    // Each account: its credentials (the assumed role, or the caller's own), then its regions.
    const failures: TargetFailure[] = [];
    const plans = await mapWithConcurrency(
      accounts,
      concurrency,
      async (accountId): Promise<AccountPlan | undefined> => {
        let provider: AccountPlan['credentials'];
        // The caller's own account is read with the caller's credentials: the organization deployment
        // installs the member role in member accounts, not in the account that runs it.
        if (accountId !== callerAccount && options.roleName) {
          const roleArn = roleArnFor(partition, accountId, options.roleName);
          try {
            await credentials.credentialsFor(roleArn);
          } catch (error) {
            for (const region of listed ?? ['all'])
              failures.push({
                accountId,
                region,
                error: `sts:AssumeRole on ${roleArn} refused: ${errorText((error as Error).cause ?? error)}`,
              });
            return undefined;
          }
          provider = () => credentials.credentialsFor(roleArn);
        }
        if (listed) return { accountId, regions: listed, ...(provider ? { credentials: provider } : {}) };
        if (options.regions !== 'all')
          return { accountId, regions: [baseRegion], ...(provider ? { credentials: provider } : {}) };
        const clients = track(context.createClients(clientOptions(options, baseRegion, provider)));
        try {
          const regions = await listEnabledRegions(clients.ec2, options.endpointUrl);
          return { accountId, regions, ...(provider ? { credentials: provider } : {}) };
        } catch (error) {
          failures.push({ accountId, region: 'all', error: errorText(error) });
          return undefined;
        }
      },
    );

    const tasks = plans.flatMap((plan) => (plan ? plan.regions.map((region) => ({ plan, region })) : []));
    progress.start(tasks.length + failures.length);
    for (const failure of failures) progress.done(failure);
    const results = await mapWithConcurrency(
      tasks,
      concurrency,
      async ({ plan, region }): Promise<TargetResult> => {
        const clients = track(context.createClients(clientOptions(options, region, plan.credentials)));
        let result: TargetResult;
        try {
          const snapshot: Snapshot = await loadRegion(clients, {
            parts,
            accountId: plan.accountId,
            ...(capturedAt ? { capturedAt } : {}),
          });
          result = { accountId: plan.accountId, region, snapshot } satisfies LoadedTarget;
        } catch (error) {
          result = { accountId: plan.accountId, region, error: errorText(error) };
        }
        progress.done(result);
        return result;
      },
    );
    return [...results, ...failures].sort(
      (a, b) => compare(a.accountId, b.accountId) || compare(a.region, b.region),
    );
  } finally {
    for (const clients of clientsToClose) destroyAwsClients(clients);
  }

  function track(clients: AwsClients): AwsClients {
    clientsToClose.push(clients);
    return clients;
  }
}

function clientOptions(
  options: MultiAccountOptions,
  region: string,
  credentials?: AccountPlan['credentials'],
) {
  return {
    region,
    ...(options.profile ? { profile: options.profile } : {}),
    ...(options.endpointUrl ? { endpoint: options.endpointUrl } : {}),
    ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
    ...(credentials ? { credentials } : {}),
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
