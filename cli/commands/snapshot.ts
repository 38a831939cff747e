// `efsguard snapshot`: record a region's EFS-relevant API output to a file for offline scans.
import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Command } from 'commander';
import { destroyAwsClients } from '../../aws/clients';
import { loadRegion } from '../../aws/load-region';
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
import { UsageError } from '../errors';

interface SnapshotOptions extends AwsCliOptions {
  readonly out?: string;
  readonly iam: boolean;
  readonly progress?: boolean;
  readonly timeout: string;
}

async function snapshot(context: CliContext, options: SnapshotOptions): Promise<void> {
  const clients = await createClientsFromOptions(context, options);
  let text: string;
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
  addTimeoutOption(addAwsOptions(command))
    .option('--out <file>', 'write the snapshot to this file (default: stdout)')
    .option('--no-iam', 'leave out IAM (GetAccountAuthorizationDetails), even if a rule needs it')
    .option('--progress', 'print load progress on stderr (default: when stderr is a terminal)')
    .option('--no-progress', 'never print load progress')
    .action(async (options: SnapshotOptions) => {
      await withDeadline(context, options.timeout, () => snapshot(context, options));
    });
};
