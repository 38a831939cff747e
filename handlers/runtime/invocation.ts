// One invocation, around the pipeline: the event is parsed once, at the edge; the invocation's clients,
// time budget, sink and waivers are set up; the outcome is logged and counted; a failure is classified
// and either thrown or reported (docs/lambda.md, "Failures").
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { createEvaluationSink, type PostedEvaluation } from '../../aws/config/evaluation-sink';
import { type ConfigRuleEvent, parseConfigEvent, type Trigger } from '../../aws/config/event';
import { splitWaiverParameters } from '../../aws/config/waiver-source';
import { AssumeRoleError } from '../../aws/sdk/credentials';
import type { Evaluation } from '../../core/model';
import type { Rule } from '../../core/rules/types';
import { createClientsFor } from './clients';
import { createDeadline } from './deadline';
import { isDeterministicFailure } from './errors';
import {
  type ApiCallCounter,
  countApiCalls,
  countByComplianceType,
  countEvaluations,
  countFailure,
} from './instrumentation';
import { evaluateTrigger } from './pipeline';
import type { FailureReport, RuleHandlerPorts, RuleHandlerResult } from './ports';
import { readWaiverStage } from './waivers';

export async function handleInvocation(
  rule: Rule,
  ports: RuleHandlerPorts,
  apiCalls: ApiCallCounter,
  event: ConfigRuleEvent,
  context: Context,
): Promise<RuleHandlerResult> {
  const { logger, metrics } = ports;
  const started = ports.now();
  logger.appendKeys({ rule: rule.id });
  let posted: readonly PostedEvaluation[] = [];
  let triggerKind: Trigger['kind'] | undefined;
  try {
    const parsed = parseConfigEvent(event, {
      ruleId: rule.id,
      ...(ports.defaultRegion ? { defaultRegion: ports.defaultRegion } : {}),
    });
    // The waiver parameters are the handler's, like executionRoleName: the rule never sees them.
    const waiverSplit = splitWaiverParameters(rule.id, parsed.ruleParameters);
    const trigger: Trigger = { ...parsed, ruleParameters: waiverSplit.ruleParameters };
    triggerKind = trigger.kind;
    logger.appendKeys({
      configRuleName: trigger.configRuleName,
      trigger: trigger.kind,
      accountId: trigger.accountId,
      region: trigger.awsRegion,
      ...(trigger.kind === 'scheduled'
        ? {}
        : { resourceType: trigger.resourceType, resourceId: trigger.resourceId }),
    });
    // Parsed once, here: unknown or malformed parameters fail before any AWS call (nothing is posted),
    // and every batch of a sweep evaluates with the same parsed parameters.
    const evaluate = rule.withParameters(trigger.ruleParameters);
    // Read with the function's own role before any member-account call.
    const waivers = await readWaiverStage(ports, waiverSplit.settings, trigger);

    const clients = await createClientsFor(trigger, ports, context);
    countApiCalls(clients, apiCalls);
    const deadline = createDeadline(context, ports.safetyMarginMs);
    const sink = createEvaluationSink(clients.config, {
      resultToken: trigger.resultToken,
      testMode: trigger.testMode,
      orderingTimestamp: trigger.orderingTimestamp,
      retries: ports.putRetries,
      backoffMs: ports.putBackoffMs,
      sleep: ports.sleep,
      beforeBatch: () => deadline.checkPostTime(sink.posted.length),
    });
    posted = sink.posted;
    await evaluateTrigger(rule, ports, trigger, { evaluate, clients, deadline, sink, waivers });

    // Test invocations only preview (TestMode): nothing goes to Security Hub either.
    if (ports.securityHub && !trigger.testMode) {
      const hub = await ports.securityHub.forward({
        rule,
        accountId: trigger.accountId,
        region: trigger.awsRegion,
        evaluations: sink.posted as readonly Evaluation[],
        now: ports.now(),
        configClient: clients.config,
      });
      logger.info('findings imported into Security Hub', { imported: hub.imported });
    }
    countEvaluations(metrics, sink.posted);
    metrics.addMetric('ApiCalls', MetricUnit.Count, apiCalls.count);
    logger.info('evaluations posted', {
      counts: countByComplianceType(sink.posted),
      posted: sink.posted.length,
      apiCalls: apiCalls.count,
      testMode: trigger.testMode,
      durationMs: ports.now() - started,
    });
    return {
      rule: rule.id,
      configRuleName: trigger.configRuleName,
      trigger: trigger.kind,
      evaluations: sink.posted,
    };
  } catch (error) {
    const accountId = eventAccountOf(event);
    countFailure(metrics, 'Errors', accountId);
    countEvaluations(metrics, posted);
    metrics.addMetric('ApiCalls', MetricUnit.Count, apiCalls.count);
    const deterministic = isDeterministicFailure(error);
    if (error instanceof AssumeRoleError && deterministic) {
      // One line that names the member and the role, and a metric per account: a member without the
      // execution role fails on every event until the role is deployed there.
      countFailure(metrics, 'MissingExecutionRole', accountId);
      logger.error('member account has no usable efsguard execution role', {
        memberAccountId: accountId,
        roleArn: error.roleArn,
      });
    }
    // The error's message names what failed; it never holds credentials or policy documents.
    logger.error('rule evaluation failed', {
      error: error instanceof Error ? { name: error.name, message: error.message } : String(error),
      retryable: !deterministic,
      posted: posted.length,
      durationMs: ports.now() - started,
    });
    if (!deterministic || ports.deterministicFailures === 'throw') throw error;
    const failure: FailureReport = {
      name: error instanceof Error ? error.name : 'Error',
      message: error instanceof Error ? error.message : String(error),
      ...(accountId ? { accountId } : {}),
      retryable: false,
    };
    return {
      rule: rule.id,
      configRuleName: typeof event?.configRuleName === 'string' ? event.configRuleName : rule.id,
      trigger: triggerKind ?? 'unknown',
      evaluations: posted,
      failure,
    };
  }
}

/** The event's account id when it is a 12-digit string (malformed events may lack it). */
function eventAccountOf(event: ConfigRuleEvent | undefined): string | undefined {
  const account = (event as { accountId?: unknown } | undefined)?.accountId;
  return typeof account === 'string' && /^\d{12}$/.test(account) ? account : undefined;
}
