// `efsguard waivers`: every waiver of a file, its status (active, unused, expired, disabled) and what it
// suppresses right now, judged against a snapshot or the live account.
import type { Command } from 'commander';
import { Option } from 'commander';
import { partsRequiredBy } from '../../core/rules/types';
import { withDefaultParameters } from '../configured-rules';
import {
  type AwsCliOptions,
  addAwsOptions,
  type CliContext,
  type RegisterCommand,
  refuseAwsOptionsWithSnapshot,
} from '../context';
import { UsageError } from '../errors';
import { addMultiAccountOptions, type MultiAccountOptions } from '../multi-account';
import { shouldColour } from '../output';
import { evaluateTargets, isFailure, type LoadedTarget, loadTargets } from '../targets';
import {
  addWaiverOptions,
  applyCliWaivers,
  formatWaiverReports,
  readWaiversFile,
  type WaiverCliOptions,
  waiverReportJson,
} from '../waivers';

interface WaiversOptions extends AwsCliOptions, WaiverCliOptions, MultiAccountOptions {
  readonly snapshot?: string;
  readonly format: 'table' | 'json' | 'document';
  readonly progress?: boolean;
}

async function listWaivers(context: CliContext, options: WaiversOptions): Promise<void> {
  if (!options.waivers) throw new UsageError('efsguard waivers needs --waivers <file>');
  refuseAwsOptionsWithSnapshot(options);
  const document = await readWaiversFile(context, options.waivers, options);
  if (options.format === 'document') {
    // The validated document as JSON: the form to store in the SSM parameter the Lambda rules read.
    context.io.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
    return;
  }
  const targets = await loadTargets(context, options, partsRequiredBy(context.rules));
  const loaded = targets.filter((target): target is LoadedTarget => !isFailure(target));
  for (const failure of targets.filter(isFailure)) {
    context.io.stderr.write(
      `efsguard: warning: ${failure.accountId} ${failure.region} could not be loaded, so waivers are not judged there: ${failure.error}\n`,
    );
  }
  const evaluated = evaluateTargets(loaded, withDefaultParameters(context.rules));
  const { reports } = applyCliWaivers(context, document, evaluated, options);
  const { io } = context;
  if (options.format === 'json') {
    io.stdout.write(`${JSON.stringify({ waivers: waiverReportJson(reports) }, null, 2)}\n`);
  } else {
    io.stdout.write(
      formatWaiverReports(reports, { colour: shouldColour(io.stdout, io.env), source: options.waivers }),
    );
  }
}

export const registerWaiversCommand: RegisterCommand = (program: Command, context: CliContext) => {
  const command = program
    .command('waivers')
    .description('list each waiver with its status (active, unused, expired) and what it suppresses');
  addAwsOptions(command)
    .option('--waivers <file>', 'the YAML or JSON waiver file (docs/waivers.md)')
    .option('--snapshot <file>', 'judge the waivers against a snapshot file instead of calling AWS')
    .addOption(
      new Option(
        '--format <format>',
        'output format; document prints the validated waivers as JSON (for the SSM parameter of the Lambda rules)',
      )
        .choices(['table', 'json', 'document'])
        .default('table'),
    )
    .option('--progress', 'print load progress on stderr (default: when stderr is a terminal)')
    .option('--no-progress', 'never print load progress');
  addMultiAccountOptions(command);
  addWaiverOptions(command).action(async (options: WaiversOptions) => {
    await listWaivers(context, options);
  });
};
