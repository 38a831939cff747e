// Scanning many accounts and regions: `--accounts ID1,ID2|org --regions R1,R2|all --role-name NAME`.
// The caller's credentials list the organization's accounts (org); in each account the CLI assumes
// arn:<partition>:iam::<id>:role/<NAME> (the member execution role of the organization deployment,
// deploy/member-execution-role.yml) and lists its enabled regions (all). Account-regions load with bounded
// parallelism; one that fails (the role is missing, access is denied) becomes a failure row naming the
// account, the region and what was refused, and nothing is judged there.
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { type Command, Option } from 'commander';
import { mapWithConcurrency } from '../aws/load/describe';
import { listActiveAccounts, listEnabledRegions } from '../aws/load/organizations';
import { loadRegion } from '../aws/load/region';
import {
  type AwsClients,
  destroyAwsClients,
  getAccountId,
  resolveRegion,
  sharedClientConfig,
} from '../aws/sdk/clients';
import { createCredentialCache, type RoleCredentials, roleArnFor } from '../aws/sdk/credentials';
import type { Snapshot } from '../aws/snapshot/format';
import { partitionOf } from '../core/arn';
import type { TopologyPart } from '../core/model';
import type { AwsCliOptions, CliContext, OutputStream } from './context';
import { createClientsFromOptions } from './context';
import { UsageError } from './errors';
import type { LoadedTarget, TargetFailure, TargetResult } from './targets';

/** Default account-regions loaded at once: each load runs its own Describe calls in parallel too. */
export const DEFAULT_TARGET_CONCURRENCY = 4;

export interface MultiAccountOptions extends AwsCliOptions {
  /** Account ids, or 'org' for the organization's ACTIVE accounts. */
  readonly accounts?: readonly string[] | 'org';
  /** Regions, or 'all' for the regions enabled in each account. */
  readonly regions?: readonly string[] | 'all';
  readonly roleName?: string;
  readonly concurrency?: number;
  readonly progress?: boolean;
}

function parseAccounts(value: string): string[] | 'org' {
  if (value.trim() === 'org') return 'org';
  const ids = value
    .split(',')
    .map((id) => id.trim())
    .filter(Boolean);
  const bad = ids.filter((id) => !/^\d{12}$/.test(id));
  if (ids.length === 0 || bad.length > 0)
    throw new UsageError(`--accounts takes 12-digit account ids or org, got ${bad.join(', ') || 'nothing'}`);
  return [...new Set(ids)];
}

function parseRegions(value: string): string[] | 'all' {
  if (value.trim() === 'all') return 'all';
  const regions = value
    .split(',')
    .map((region) => region.trim())
    .filter(Boolean);
  const bad = regions.filter((region) => !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region));
  if (regions.length === 0 || bad.length > 0)
    throw new UsageError(`--regions takes region names or all, got ${bad.join(', ') || 'nothing'}`);
  return [...new Set(regions)];
}

function parseConcurrency(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 64)
    throw new UsageError(`--concurrency must be an integer 1-64, got ${value}`);
  return Number(value);
}

/** Adds --accounts, --regions, --role-name and --concurrency. */
export function addMultiAccountOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--accounts <ids>',
        'comma-separated account ids, or org for every ACTIVE account',
      ).argParser(parseAccounts),
    )
    .addOption(
      new Option(
        '--regions <regions>',
        'comma-separated regions, or all for those enabled in each account',
      ).argParser(parseRegions),
    )
    .option('--role-name <name>', 'the role to assume in each account (e.g. the member execution role)')
    .addOption(
      new Option(
        '--concurrency <n>',
        `account-regions loaded at once (default ${DEFAULT_TARGET_CONCURRENCY})`,
      ).argParser(parseConcurrency),
    );
}

export function isMultiTarget(options: MultiAccountOptions): boolean {
  return options.accounts !== undefined || options.regions !== undefined;
}

/** Progress of a multi-target load on stderr: a bar on a terminal, else one quiet line per account-region. */
export interface TargetProgress {
  start(total: number): void;
  done(target: TargetResult): void;
}

export function createTargetProgress(stderr: OutputStream, enabled: boolean | undefined): TargetProgress {
  const tty = Boolean(stderr.isTTY);
  const show = enabled ?? true;
  let total = 0;
  let done = 0;
  let failed = 0;
  const width = 24;
  const draw = () => {
    const filled = total === 0 ? width : Math.round((done / total) * width);
    stderr.write(
      `\r\x1b[2K[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total} account-regions, ${failed} failed`,
    );
  };
  return {
    start(count) {
      total = count;
      if (show && tty) draw();
    },
    done(target) {
      done += 1;
      const failure = 'error' in target;
      if (failure) failed += 1;
      if (!show) return;
      if (tty) {
        draw();
        if (done === total) stderr.write('\n');
        return;
      }
      stderr.write(
        `efsguard: ${target.accountId} ${target.region}: ${failure ? `failed: ${(target as TargetFailure).error}` : 'loaded'}\n`,
      );
    },
  };
}

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
