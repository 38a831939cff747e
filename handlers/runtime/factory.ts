// The one factory behind every rule's Lambda handler: middy wiring only. Powertools' own middlewares
// wrap the invocation (handlers/runtime/invocation.ts), as Powertools documents them: injectLambdaContext
// adds the Lambda context to every log line and clears the invocation's keys afterwards; logMetrics
// emits ColdStart once per instance and flushes the EMF metrics after each invocation, failed ones included. The design: docs/architecture.md, "Handlers".
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy, { type MiddyfiedHandler } from '@middy/core';
import type { Context } from 'aws-lambda';
import type { ConfigRuleEvent } from '../../aws/config/event';
import type { Rule } from '../../core/rules/types';
import type { ApiCallCounter } from './instrumentation';
import { handleInvocation } from './invocation';
import { type ClientOptions, createPorts, type RuleHandlerPorts, type RuleHandlerResult } from './ports';

export type RuleHandler = MiddyfiedHandler<ConfigRuleEvent, RuleHandlerResult, Error, Context>;

/**
 * What the Lambda entries (handlers/<rule-id>.ts) override: deterministic failures are reported, not
 * thrown, so that Lambda's asynchronous retries replay only what may pass on a later attempt.
 */
export const LAMBDA_PORTS: Partial<RuleHandlerPorts> = { deterministicFailures: 'report' };

/**
 * Builds the Lambda handler of one rule. `handlers/<rule-id>.ts` is one line:
 * `export const handler = createRuleHandler(efsClientNfsEgress, LAMBDA_PORTS);` (its own rule module,
 * not the registry, so the bundle carries that rule alone).
 */
export function createRuleHandler(
  rule: Rule,
  overrides: Partial<RuleHandlerPorts> = {},
  clientOptions: ClientOptions = {},
): RuleHandler {
  const ports = createPorts(overrides, clientOptions);
  const apiCalls: ApiCallCounter = { count: 0 };
  // Once per instance: logMetrics' defaultDimensions option would set it again (with a warning) on each invocation.
  ports.metrics.setDefaultDimensions({ rule: rule.id });
  return middy<ConfigRuleEvent, RuleHandlerResult, Error, Context>()
    .use(injectLambdaContext(ports.logger, { resetKeys: true }))
    .use(logMetrics(ports.metrics, { captureColdStartMetric: true }))
    .handler((event, context) => {
      apiCalls.count = 0;
      return handleInvocation(rule, ports, apiCalls, event, context);
    });
}
