// What `efsguard invoke` does (invoke.ts registers the command): imported when the command runs, as it
// brings the Lambda handlers, Powertools and the AWS SDK with it.
import { writeFile } from 'node:fs/promises';
import { Logger } from '@aws-lambda-powertools/logger';
import type { LogLevel } from '@aws-lambda-powertools/logger/types';
import Table from 'cli-table3';
import type { PostedEvaluation } from '../../aws/config/evaluation-sink';
import { type ConfigRuleEvent, parseConfigEvent } from '../../aws/config/event';
import { createConfigServiceClient } from '../../aws/sdk/clients';
import { destroyAwsClients } from '../../aws/sdk/destroy-clients';
import type { Evaluation } from '../../core/model';
import type { Rule } from '../../core/rules/types';
import { createRuleHandler } from '../../handlers/runtime/factory';
import { SERVICE_NAME } from '../../handlers/runtime/instrumentation';
import { localLambdaContext } from '../../handlers/runtime/local-context';
import type { HandlerClients } from '../../handlers/runtime/ports';
import { version } from '../../package.json';
import { renderReport } from '../../report';
import { type CliContext, checkProfileExists, loadAwsClientFactory } from '../context';
import { UsageError } from '../errors';
import { readText } from '../input-files';
import { defaultDocsBaseUrl } from '../report-output';
import type { InvokeOptions } from './invoke';

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

export async function invoke(context: CliContext, options: InvokeOptions): Promise<void> {
  if (options.endpointUrl !== undefined && !/^https?:\/\/[^\s/]+/.test(options.endpointUrl)) {
    throw new UsageError(`--endpoint-url must be an http:// or https:// URL, got ${options.endpointUrl}`);
  }
  const event = await readEvent(options.event);
  const profile = options.profile ?? context.io.env.AWS_PROFILE;
  if (profile) await checkProfileExists(profile, context.io.env);
  const rule = selectRule(context, event, options.rule, options.event);
  // The handler creates its clients through the context's synchronous port.
  await loadAwsClientFactory();
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
