// `efsguard invoke`: runs a rule's real Lambda handler locally on a Config event file, with the local
// Lambda context (handlers/runtime/local-context.ts), and prints exactly what the handler sent with PutEvaluations.
// The run itself (invoke-run.ts) is imported when the command runs.
import { type Command, Option } from 'commander';
import { type CliContext, DEFAULT_TIMEOUT, type RegisterCommand, withDeadline } from '../context';
import { parseDocsUrl } from '../report-output';

/** The report formats that make sense for what one handler posted (HTML needs the whole topology). */
const INVOKE_REPORT_FORMATS = ['sarif', 'asff', 'ocsf', 'csv'] as const;

export interface InvokeOptions {
  readonly event: string;
  readonly rule?: string;
  readonly endpointUrl?: string;
  readonly profile?: string;
  readonly region?: string;
  readonly format: 'json' | 'table' | (typeof INVOKE_REPORT_FORMATS)[number];
  readonly output?: string;
  readonly docsUrl?: string;
  readonly timeout: string;
}

export const registerInvokeCommand: RegisterCommand = (program: Command, context: CliContext) => {
  program
    .command('invoke')
    .description("run a rule's Lambda handler locally on an AWS Config event file (see events/)")
    .requiredOption(
      '--event <file>',
      'the Config rule event (JSON), e.g. events/efs-client-nfs-egress/scheduled.json',
    )
    .option('--rule <id>', "the rule whose handler runs (default: the event's configRuleName)")
    .option(
      '--endpoint-url <url>',
      'send every AWS call to this endpoint, e.g. a local moto (AWS_ENDPOINT_URL works too)',
    )
    .option('--profile <profile>', 'shared-config profile (default: AWS_PROFILE or the default chain)')
    .option(
      '--region <region>',
      "the function's own region, used where the event names none (default: AWS_REGION, as in Lambda)",
    )
    .addOption(
      new Option('--format <format>', 'output format')
        .choices(['table', 'json', ...INVOKE_REPORT_FORMATS])
        .default('table'),
    )
    .option('--output <file>', 'report formats: write the report to this file instead of stdout')
    .addOption(
      new Option(
        '--timeout <duration>',
        'give up after this long, e.g. 90s, 15m (exit 2 naming the call still waiting)',
      ).default(DEFAULT_TIMEOUT),
    )
    .addOption(
      new Option('--docs-url <url>', 'base URL of the docs folder for rule links in reports').argParser(
        parseDocsUrl,
      ),
    )
    .action(async (options: InvokeOptions) => {
      const { invoke } = await import('./invoke-run');
      await withDeadline(context, options.timeout, () => invoke(context, options));
    });
};
