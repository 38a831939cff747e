// Scanning many accounts and regions: `--accounts ID1,ID2|org --regions R1,R2|all --role-name NAME`.
// The caller's credentials list the organization's accounts (org); in each account the CLI assumes
// arn:<partition>:iam::<id>:role/<NAME> (the member execution role of the organization deployment,
// deploy/member-execution-role.yml) and lists its enabled regions (all). Account-regions load with bounded
// parallelism; one that fails (the role is missing, access is denied) becomes a failure row naming the
// account, the region and what was refused, and nothing is judged there. The options live here; the
// loading, which needs the AWS SDK, in multi-account-load.ts, imported when a multi-target run starts.
import { type Command, Option } from 'commander';
import type { AwsCliOptions, OutputStream } from './context';
import { UsageError } from './errors';
import type { TargetFailure, TargetResult } from './targets';

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
