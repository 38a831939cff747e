// What the handler tells operators: Powertools' structured logs and EMF metrics, and the SDK calls it
// counts (docs/lambda.md, "Logs and metrics"; the dashboard and alarms read these names).
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MetadataBearer, Pluggable } from '@smithy/types';
import type { PostedEvaluation } from '../../aws/config/evaluation-sink';
import type { ComplianceType } from '../../core/model';
import type { HandlerClients } from './ports';

export const METRICS_NAMESPACE = 'efsguard';
export const SERVICE_NAME = 'efsguard';

/** The production logger: Powertools' JSON lines on stdout, the level from POWERTOOLS_LOG_LEVEL. */
export function createLogger(): Logger {
  return new Logger({ serviceName: SERVICE_NAME });
}

/**
 * The production metrics: EMF on stdout in the efsguard namespace, dimension service. Powertools'
 * POWERTOOLS_METRICS_DISABLED turns them off (the CLI and the tests set it; the EMF tests unset it).
 */
export function createMetrics(): Metrics {
  return new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME });
}

/** SDK calls (retries included) sent through the instrumented clients since the invocation began. */
export interface ApiCallCounter {
  count: number;
}

/**
 * A typed SDK plugin that counts every request the client sends, retries included (the finalizeRequest
 * step runs once per attempt). It reads neither input nor output, so one plugin fits every client.
 */
function apiCallCounter(counter: ApiCallCounter): Pluggable<object, MetadataBearer> {
  return {
    applyToStack(stack) {
      stack.add(
        (next) => (args) => {
          counter.count += 1;
          return next(args);
        },
        { step: 'finalizeRequest', name: 'efsguardApiCallCounter' },
      );
    },
  };
}

const INSTRUMENTED = new WeakSet<object>();

/** Counts the SDK calls of these clients in `counter`, for the ApiCalls metric; each client once, however often it is reused. */
export function countApiCalls(clients: HandlerClients, counter: ApiCallCounter): void {
  const plugin = apiCallCounter(counter);
  for (const client of [clients.aws.ec2, clients.aws.efs, clients.aws.iam, clients.aws.sts, clients.config]) {
    if (INSTRUMENTED.has(client)) continue;
    INSTRUMENTED.add(client);
    client.middlewareStack.use(plugin);
  }
}

export function countByComplianceType(
  evaluations: readonly PostedEvaluation[],
): Record<ComplianceType, number> {
  const counts: Record<ComplianceType, number> = { COMPLIANT: 0, NON_COMPLIANT: 0, NOT_APPLICABLE: 0 };
  for (const evaluation of evaluations) counts[evaluation.complianceType] += 1;
  return counts;
}

/** Evaluations, one metric per ComplianceType that occurred (dimension ComplianceType). */
export function countEvaluations(metrics: Metrics, posted: readonly PostedEvaluation[]): void {
  for (const [complianceType, count] of Object.entries(countByComplianceType(posted))) {
    if (count === 0) continue;
    const single = metrics.singleMetric();
    single.addDimension('ComplianceType', complianceType);
    single.addMetric('Evaluations', MetricUnit.Count, count);
  }
}

/**
 * A failure counter twice: with the default dimensions (service, rule), which the alarms watch, and
 * with the event's account added, which the dashboard charts per account.
 */
export function countFailure(metrics: Metrics, name: string, accountId: string | undefined): void {
  metrics.addMetric(name, MetricUnit.Count, 1);
  if (!accountId) return;
  const single = metrics.singleMetric();
  single.addDimension('account', accountId);
  single.addMetric(name, MetricUnit.Count, 1);
}
