// `efsguard snapshot`: record a region's EFS-relevant API output to a file for offline scans.
import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Command } from 'commander';
import { destroyAwsClients } from '../../aws/sdk/destroy-clients';
import { SNAPSHOT_SET_FORMAT, type SnapshotSet } from '../../aws/snapshot/set';
import { partsRequiredBy } from '../../core/rules/types';
import {
  type AwsCliOptions,
  addAwsOptions,
  addTimeoutOption,
  type CliContext,
  createClientsFromOptions,
  createProgress,
  type RegisterCommand,
  withDeadline,
} from '../context';
import { EXIT_TARGETS_FAILED, UsageError } from '../errors';
import { loadMultiTargets, loadRegion } from '../live-aws';
import { addMultiAccountOptions, isMultiTarget, type MultiAccountOptions } from '../multi-account';

interface SnapshotOptions extends AwsCliOptions, MultiAccountOptions {
  readonly out?: string;
  readonly iam: boolean;
  readonly progress?: boolean;
  readonly timeout: string;
}

/** Several account-regions in one file (format efsguard-snapshot/2), failures included. */
async function snapshotTargets(context: CliContext, options: SnapshotOptions): Promise<string> {
  const capturedAt = context.now();
  const targets = await loadMultiTargets(
    context,
    options,
    partsRequiredBy(context.rules).filter((part) => options.iam || part !== 'iam'),
    capturedAt,
  );
  const set: SnapshotSet = {
    format: SNAPSHOT_SET_FORMAT,
    capturedAt: capturedAt.toISOString(),
    snapshots: targets.flatMap((target) => ('snapshot' in target ? [target.snapshot] : [])),
    failures: targets.flatMap((target) => ('error' in target ? [target] : [])),
  };
  if (set.failures.length > 0) context.exitCode = EXIT_TARGETS_FAILED;
  return `${JSON.stringify(set, null, 2)}\n`;
}

async function snapshot(context: CliContext, options: SnapshotOptions): Promise<void> {
  const clients = await createClientsFromOptions(context, options);
  let text: string;
  if (isMultiTarget(options)) {
    destroyAwsClients(clients);
    text = await snapshotTargets(context, options);
  } else
    try {
      const recorded = await loadRegion(clients, {
        // Record what a default `scan` loads, so that `scan --snapshot` can run every rule; the file's
        // `parts` says what it holds.
        parts: partsRequiredBy(context.rules).filter((part) => options.iam || part !== 'iam'),
        onProgress: createProgress(context, options.progress),
        capturedAt: context.now(),
      });
      text = `${JSON.stringify(recorded, null, 2)}\n`;
    } finally {
      destroyAwsClients(clients);
    }
  if (!options.out) {
    context.io.stdout.write(text);
    return;
  }
  await writePrivateFile(options.out, text);
  createProgress(context, options.progress)(`wrote ${options.out}`);
}

/**
 * Writes a snapshot readable by its owner only (0600: it holds account ids, addresses and policies),
 * atomically: a temporary file in the same directory, created 0600, then renamed over the target, so
 * that a reader never sees half a file and an existing world-readable file is replaced, not reused.
 */
async function writePrivateFile(path: string, text: string): Promise<void> {
  const temporary = join(
    dirname(path),
    `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
  try {
    await writeFile(temporary, text, { encoding: 'utf8', mode: 0o600, flag: 'wx' });
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw new UsageError(
      `cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      { cause: error },
    );
  }
}

export const registerSnapshotCommand: RegisterCommand = (program: Command, context: CliContext) => {
  const command = program
    .command('snapshot')
    .description("record a region's EFS-relevant AWS API output as JSON, for `scan --snapshot`");
  addTimeoutOption(addMultiAccountOptions(addAwsOptions(command)))
    .option('--out <file>', 'write the snapshot to this file (default: stdout)')
    .option('--no-iam', 'leave out IAM (GetAccountAuthorizationDetails), even if a rule needs it')
    .option('--progress', 'print load progress on stderr (default: when stderr is a terminal)')
    .option('--no-progress', 'never print load progress')
    .action(async (options: SnapshotOptions) => {
      await withDeadline(context, options.timeout, () => snapshot(context, options));
    });
};
