// `efsguard invoke`: runs a rule's real Lambda handler locally on a Config event file, with the local
// Lambda context (handlers/runtime/local-context.ts), and prints exactly what the handler sent with PutEvaluations.
import { writeFile } from 'node:fs/promises';
import { Logger } from '@aws-lambda-powertools/logger';
import type { LogLevel } from '@aws-lambda-powertools/logger/types';
import Table from 'cli-table3';
import { type Command, Option } from 'commander';
import type { PostedEvaluation } from '../../aws/config/evaluation-sink';
import { type ConfigRuleEvent, parseConfigEvent } from '../../aws/config/event';
import { createConfigServiceClient, destroyAwsClients } from '../../aws/sdk/clients';
import type { Evaluation } from '../../core/model';
import type { Rule } from '../../core/rules/types';
import { createRuleHandler } from '../../handlers/runtime/factory';
import { SERVICE_NAME } from '../../handlers/runtime/instrumentation';
import { localLambdaContext } from '../../handlers/runtime/local-context';
import type { HandlerClients } from '../../handlers/runtime/ports';
import { version } from '../../package.json';
import { renderReport } from '../../report';
import {
  type CliContext,
  checkProfileExists,
  DEFAULT_TIMEOUT,
  type RegisterCommand,
  withDeadline,
} from '../context';
import { UsageError } from '../errors';
import { readText } from '../input-files';
import { defaultDocsBaseUrl, parseDocsUrl } from '../report-output';

/** The report formats that make sense for what one handler posted (HTML needs the whole topology). */
const INVOKE_REPORT_FORMATS = ['sarif', 'asff', 'ocsf', 'csv'] as const;

interface InvokeOptions {
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

async function readEvent(path: string): Promise<ConfigRuleEvent> {
  const text = await readText(path, 'event', UsageError);
  try {
    return JSON.parse(text) as ConfigRuleEvent;
  } catch (error) {
    throw new UsageError(`${path}: not valid JSON (${(error as Error).message})`, { cause: error });
  }
}

function selectRule(
  context: CliContext,
  event: ConfigRuleEvent,
  ruleId: string | undefined,
  path: string,
): Rule {
  const known = context.rules.map((rule) => rule.id);
  const id = ruleId ?? (typeof event?.configRuleName === 'string' ? event.configRuleName : undefined);
  const rule = context.rules.find((candidate) => candidate.id === id);
  if (rule) return rule;
  if (ruleId) throw new UsageError(`unknown rule ${ruleId}; known rules: ${known.join(', ')}`);
  throw new UsageError(
    `${path}: configRuleName ${JSON.stringify(id)} is not an efsguard rule id; pass --rule (known rules: ${known.join(', ')})`,
  );
}

/**
 * A local run acts in the event's account with the caller's own credentials (or executionRoleName): the
 * local function lives there too, so the handler's account check holds.
 */
function eventAccountOf(event: ConfigRuleEvent): string | undefined {
  return typeof event?.accountId === 'string' && /^\d{12}$/.test(event.accountId)
    ? event.accountId
    : undefined;
}

async function writeReportFile(path: string, text: string): Promise<void> {
  try {
    await writeFile(path, text, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot write --output ${path}: ${code ?? String(error)}`, { cause: error });
  }
}

function formatTable(evaluations: readonly PostedEvaluation[]): string {
  if (evaluations.length === 0) return 'No evaluations were posted.\n';
  const table = new Table({
    head: ['Compliance', 'Resource type', 'Resource id', 'Annotation'],
    wordWrap: true,
    colWidths: [16, 28, 26, 60],
  });
  for (const evaluation of evaluations) {
    table.push([
      evaluation.complianceType,
      evaluation.resourceType,
      evaluation.resourceId,
      evaluation.annotation ?? '',
    ]);
  }
  return `${table.toString()}\n`;
}

async function invoke(context: CliContext, options: InvokeOptions): Promise<void> {
  if (options.endpointUrl !== undefined && !/^https?:\/\/[^\s/]+/.test(options.endpointUrl)) {
    throw new UsageError(`--endpoint-url must be an http:// or https:// URL, got ${options.endpointUrl}`);
  }
  const event = await readEvent(options.event);
  const profile = options.profile ?? context.io.env.AWS_PROFILE;
  if (profile) await checkProfileExists(profile, context.io.env);
  const rule = selectRule(context, event, options.rule, options.event);
  const env = context.io.env;
  const created: HandlerClients[] = [];
  const handler = createRuleHandler(
    rule,
    {
      // The CLI's own client port, plus a Config client with the same endpoint and credentials.
      createClients: (region, credentials) => {
        const common = {
          region,
          ...(options.endpointUrl ? { endpoint: options.endpointUrl } : {}),
          ...(options.profile ? { profile: options.profile } : {}),
          ...(credentials ? { credentials } : {}),
        };
        const config = createConfigServiceClient(common);
        context.onDeadline(() => config.destroy());
        const clients = { aws: context.createClients(common), config };
        created.push(clients);
        return clients;
      },
      // Logs would mix with the output: silent unless asked for (they go to stdout, as in Lambda). The
      // metrics are Powertools' defaults, off in the CLI (cli/main.ts sets POWERTOOLS_METRICS_DISABLED).
      logger: new Logger({
        serviceName: SERVICE_NAME,
        logLevel: (env.EFSGUARD_LOG_LEVEL ?? 'SILENT') as LogLevel,
      }),
      ...((options.region ?? env.AWS_REGION) ? { defaultRegion: options.region ?? env.AWS_REGION } : {}),
    },
    options.endpointUrl ? { endpoint: options.endpointUrl } : {},
  );

  const started = Date.now();
  const account = eventAccountOf(event);
  try {
    const result = await handler(
      event,
      localLambdaContext({ functionName: `efsguard-${rule.id}`, ...(account ? { accountId: account } : {}) }),
    );
    const evaluations = result.evaluations;
    if (options.format !== 'json' && options.format !== 'table') {
      // The event names the account and region the verdicts are about.
      const trigger = parseConfigEvent(event, {
        ruleId: rule.id,
        ...(env.AWS_REGION ? { defaultRegion: env.AWS_REGION } : {}),
      });
      const text = renderReport(options.format, {
        accountId: trigger.accountId,
        region: trigger.awsRegion,
        evaluations: evaluations as readonly Evaluation[],
        rules: [rule],
        generatedAt: new Date(started).toISOString(),
        toolVersion: version,
        docsBaseUrl: options.docsUrl ?? defaultDocsBaseUrl(),
      });
      if (options.output === undefined) context.io.stdout.write(text);
      else await writeReportFile(options.output, text);
    } else if (options.format === 'json') {
      context.io.stdout.write(`${JSON.stringify({ evaluations }, null, 2)}\n`);
    } else {
      context.io.stdout.write(formatTable(evaluations));
      context.io.stderr.write(
        `${rule.id}: ${result.trigger} trigger, ${evaluations.length} evaluation(s) posted to AWS Config\n`,
      );
    }
  } finally {
    for (const clients of created) {
      destroyAwsClients(clients.aws);
      clients.config.destroy();
    }
  }
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
      await withDeadline(context, options.timeout, () => invoke(context, options));
    });
};
