// The pipeline: from a parsed trigger to the evaluations posted for it (docs/lambda.md, "Triggers").
//   change or deletion -> load the neighbourhood -> normalise -> rule (seeds scope) -> waivers -> post
//   scheduled          -> sweep the region batch by batch, each -> normalise -> rule -> waivers -> post;
//                         then clear stale results
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { EvaluationSink, PostedEvaluation } from '../../aws/config/evaluation-sink';
import type { ResourceTrigger, Trigger } from '../../aws/config/event';
import { findStaleResults, listReportedResources } from '../../aws/config/stale-results';
import { isIamResourceType } from '../../aws/load/iam';
import type { NeighbourhoodSeed } from '../../aws/load/neighbourhood';
import type { Evaluation, ResourceRef, ResourceType, Seed } from '../../core/model';
import type { Evaluator, Rule } from '../../core/rules/types';
import type { Deadline } from './deadline';
import { StaleResultsError, SweepMemoryError } from './errors';
import type { HandlerClients, RuleHandlerPorts } from './ports';
import { formerSeedsFor, outsideTriggerScope } from './seed-verdicts';
import type { WaiverStage } from './waivers';

/** Share of the heap limit above which a sweep stops (SweepMemoryError) rather than risk being killed. */
const HEAP_LIMIT_FRACTION = 0.85;

/** What one invocation has set up for the pipeline: its clients, time budget, sink and waivers. */
interface PipelineRun {
  /** The rule with this invocation's parameters, parsed once. */
  readonly evaluate: Evaluator;
  readonly clients: HandlerClients;
  readonly deadline: Deadline;
  readonly sink: EvaluationSink;
  readonly waivers: WaiverStage;
}

/** Evaluates the trigger and posts the verdicts; returns everything posted, in order. */
export async function evaluateTrigger(
  rule: Rule,
  ports: RuleHandlerPorts,
  trigger: Trigger,
  run: PipelineRun,
): Promise<readonly PostedEvaluation[]> {
  const { sink, deadline, waivers } = run;
  if (trigger.kind === 'scheduled') {
    await evaluateRegion(rule, ports, trigger, run);
    waivers.report(ports.logger, ports.metrics);
    deadline.check('listing previous results for stale-result cleanup', sink.posted.length);
    // What the sweep posted is what it judged: anything else Config still reports is stale.
    await sink.post(await findStale(rule, ports, run.clients, trigger, sink.posted));
  } else {
    await sink.post(await evaluateResource(rule, ports, trigger, run));
    waivers.report(ports.logger, ports.metrics);
  }
  return sink.posted;
}

/** A change or deletion: the neighbourhood of the resource, evaluated with a seeds scope. */
async function evaluateResource(
  rule: Rule,
  ports: RuleHandlerPorts,
  trigger: ResourceTrigger,
  { evaluate, clients, deadline, waivers }: PipelineRun,
): Promise<Evaluation[]> {
  const seed: ResourceRef = {
    resourceType: trigger.resourceType as ResourceType,
    resourceId: trigger.resourceId,
  };
  if (!rule.triggerResourceTypes.includes(seed.resourceType)) {
    const reportable = rule.resourceTypes.includes(seed.resourceType);
    ports.logger.info('resource type outside the rule scope', { reportable });
    return outsideTriggerScope(rule, seed);
  }

  const context = { accountId: trigger.accountId, region: trigger.awsRegion, parts: rule.requires };
  // IAM resources are looked up by the item's name (and a policy's ARN): IAM's Get calls take no ids.
  const loadSeed: NeighbourhoodSeed = isIamResourceType(seed.resourceType)
    ? {
        ...seed,
        ...(trigger.resourceName ? { resourceName: trigger.resourceName } : {}),
        ...(trigger.arn ? { arn: trigger.arn } : {}),
      }
    : seed;
  const former = formerSeedsFor(rule, trigger, seed);
  if (former.length > 0) ports.logger.info('re-evaluating removed references', { formerReferences: former });
  const snapshot = await deadline.race(
    () => ports.loadNeighbourhood(clients.aws, [loadSeed, ...former], context),
    'loading the neighbourhood',
  );
  // The scope says what the event knows: a deleted seed (or one that left scope, or is no longer
  // recorded) is NOT_APPLICABLE and its neighbours get fresh verdicts (docs/lambda.md, "Deleted
  // resources"); a former reference is only a hint, reported while it exists and never as deleted (its
  // own deletion event does that).
  const seeds: Seed[] = [
    trigger.kind === 'deleted' ? { ...seed, deleted: true } : seed,
    ...former.map((ref) => ({ ...ref, hint: true as const })),
  ];
  return waivers.prepare(evaluate(ports.normaliseSnapshot(snapshot), { kind: 'seeds', seeds }), snapshot);
}

/**
 * The scheduled sweep: each batch of the region is normalised, judged, posted and released before the
 * next is read, and the heap is checked against its limit between batches (SweepMemoryError, with the
 * SweepHeapUsedMB metric, rather than death by heap exhaustion). The sink keeps what was posted, for
 * the stale-result cleanup.
 */
async function evaluateRegion(
  rule: Rule,
  ports: RuleHandlerPorts,
  trigger: Trigger,
  { evaluate, clients, deadline, sink, waivers }: PipelineRun,
): Promise<void> {
  let batches = 0;
  let peakUsed = 0;
  const checkHeap = (stage: string): void => {
    const { usedBytes, limitBytes } = ports.heapUsage();
    peakUsed = Math.max(peakUsed, usedBytes);
    if (usedBytes > HEAP_LIMIT_FRACTION * limitBytes) {
      ports.metrics.addMetric('SweepHeapUsedMB', MetricUnit.Megabytes, Math.round(usedBytes / 2 ** 20));
      ports.metrics.addMetric('SweepMemoryExceeded', MetricUnit.Count, 1);
      throw new SweepMemoryError(stage, usedBytes, limitBytes, sink.posted.length);
    }
  };
  await deadline.race(
    () =>
      ports.sweepRegion(
        clients.aws,
        { accountId: trigger.accountId, region: trigger.awsRegion, parts: rule.requires },
        async (snapshot) => {
          batches += 1;
          checkHeap(`after loading batch ${batches} of the region`);
          const evaluations = waivers.prepare(
            evaluate(ports.normaliseSnapshot(snapshot), { kind: 'all' }),
            snapshot,
          );
          await sink.post(evaluations);
          checkHeap(`after evaluating batch ${batches} of the region`);
        },
      ),
    'sweeping the region',
  );
  ports.metrics.addMetric('SweepBatches', MetricUnit.Count, batches);
  ports.metrics.addMetric('SweepHeapUsedMB', MetricUnit.Megabytes, Math.round(peakUsed / 2 ** 20));
}

/** The previous results the sweep did not re-post: NOT_APPLICABLE now (docs/lambda.md, "Stale results"). */
async function findStale(
  rule: Rule,
  ports: RuleHandlerPorts,
  clients: HandlerClients,
  trigger: Trigger,
  sweep: readonly PostedEvaluation[],
): Promise<Evaluation[]> {
  try {
    const reported = await listReportedResources(clients.config, trigger.configRuleName);
    return findStaleResults(rule.id, reported, sweep);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    if (trigger.testMode) {
      // Test invocations only preview; moto does not implement GetComplianceDetailsByConfigRule.
      ports.logger.warn('stale-result cleanup skipped in test mode', { error: detail });
      return [];
    }
    throw new StaleResultsError(
      `the sweep was posted, but the previous results of ${trigger.configRuleName} could not be listed to clear stale ones: ${detail}`,
      { cause: error },
    );
  }
}
