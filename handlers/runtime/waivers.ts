// Waivers in the handler: the document named by the waiversParameter rule parameter, read with the
// function's own role, applied to each batch before it is posted (docs/waivers.md).
import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Trigger } from '../../aws/config/event';
import { readWaiverDocument, type WaiverSettings } from '../../aws/config/waiver-source';
import { resourceFactsFromSnapshot, todayUtc } from '../../aws/config/waivers';
import type { Snapshot } from '../../aws/snapshot/format';
import type { Evaluation } from '../../core/model';
import { applyWaivers } from '../../core/waivers';
import type { RuleHandlerPorts } from './ports';

/** What happens to a batch's (or a change's) evaluations before they are posted: waivers apply. */
type Prepare = (evaluations: Evaluation[], snapshot: Snapshot | undefined) => Evaluation[];

export interface WaiverStage {
  readonly prepare: Prepare;
  /** Counts (the Waived metric) and logs what the waivers did; nothing when no waiver document is set. */
  report(logger: Logger, metrics: Metrics): void;
}

const NO_WAIVERS: WaiverStage = { prepare: (evaluations) => evaluations, report: () => {} };

/**
 * Reads the document before any member-account call: an unreadable or invalid document fails the
 * invocation rather than post findings it would have waived. What the waivers match on (ARNs, tags)
 * comes from the recorded SDK output of each batch or change.
 */
export async function readWaiverStage(
  ports: Pick<RuleHandlerPorts, 'readWaivers' | 'now'>,
  settings: WaiverSettings | undefined,
  trigger: Trigger,
): Promise<WaiverStage> {
  if (!settings) return NO_WAIVERS;
  const document = await readWaiverDocument(ports.readWaivers, settings, new Date(ports.now()));
  let waivedCount = 0;
  const expired = new Set<number>();
  const refusedUnresolved: string[] = [];
  return {
    prepare(evaluations, snapshot) {
      const result = applyWaivers(
        document.waivers,
        [
          {
            accountId: trigger.accountId,
            region: trigger.awsRegion,
            evaluations,
            ...(snapshot ? { describe: resourceFactsFromSnapshot(snapshot) } : {}),
          },
        ],
        { today: todayUtc(new Date(ports.now())), allowTagSelectors: settings.allowTagSelectors },
      );
      const applied = [...(result.scopes[0] ?? [])];
      waivedCount += applied.filter((evaluation) => evaluation.waived).length;
      for (const report of result.reports) {
        if (report.status === 'expired') expired.add(report.index);
        for (const match of report.refused)
          refusedUnresolved.push(`${report.index}:${match.evaluation.resourceId}`);
      }
      return applied;
    },
    report(logger, metrics) {
      metrics.addMetric('Waived', MetricUnit.Count, waivedCount);
      logger.info('waivers applied', {
        parameter: settings.parameterName,
        waived: waivedCount,
        expired: [...expired].sort((a, b) => a - b),
        refusedUnresolved,
      });
    },
  };
}
