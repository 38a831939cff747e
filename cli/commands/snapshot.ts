// `efsguard snapshot`: record a region's EFS-relevant API output to a file for offline scans.
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { destroyAwsClients } from '../../aws/clients';
import { loadRegion } from '../../aws/load-region';
import { partsRequiredBy } from '../../core/rules/types';
import {
  type AwsCliOptions,
  addAwsOptions,
  type CliContext,
  createClientsFromOptions,
  createProgress,
  type RegisterCommand,
} from '../context';
import { UsageError } from '../errors';

interface SnapshotOptions extends AwsCliOptions {
  readonly out?: string;
  readonly iam: boolean;
  readonly progress?: boolean;
}

async function snapshot(context: CliContext, options: SnapshotOptions): Promise<void> {
  const clients = createClientsFromOptions(context, options);
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
  try {
    await writeFile(options.out, text, 'utf8');
  } catch (error) {
    throw new UsageError(
      `cannot write ${options.out}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  createProgress(context, options.progress)(`wrote ${options.out}`);
}

export const registerSnapshotCommand: RegisterCommand = (program: Command, context: CliContext) => {
  const command = program
    .command('snapshot')
    .description("record a region's EFS-relevant AWS API output as JSON, for `scan --snapshot`");
  addAwsOptions(command)
    .option('--out <file>', 'write the snapshot to this file (default: stdout)')
    .option('--no-iam', 'leave out IAM (GetAccountAuthorizationDetails), even if a rule needs it')
    .option('--progress', 'print load progress on stderr (default: when stderr is a terminal)')
    .option('--no-progress', 'never print load progress')
    .action(async (options: SnapshotOptions) => {
      await snapshot(context, options);
    });
};
