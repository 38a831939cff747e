// What the handler does to core's verdicts after the fact, for a change or a deletion: the one place
// where it filters or relabels them. Each patch says what the seeds scope cannot yet say itself: "this
// seed was deleted" and "this seed is only a hint: don't report it if it no longer exists".
import type { ResourceTrigger } from '../../aws/config-event';
import { notApplicable } from '../../aws/evaluation-sink';
import { SEED_PARTS } from '../../aws/neighbourhood';
import { resourceExists } from '../../core/fan-out';
import type { Evaluation, ResourceRef, Topology } from '../../core/model';
import type { Rule } from '../../core/rules/types';
import { indexTopology } from '../../core/topology-index';

export const DELETED_ANNOTATION = 'The resource was deleted or left the rule scope.';

/**
 * The verdict for a resource outside the rule's trigger scope: the rule cannot judge it. Config only
 * sends such an item when the deployed scope is wider than the rule's; NOT_APPLICABLE if the rule owns
 * the type, nothing otherwise.
 */
export function outsideTriggerScope(rule: Rule, seed: ResourceRef): Evaluation[] {
  return rule.resourceTypes.includes(seed.resourceType)
    ? [notApplicable(rule.id, seed.resourceType, seed.resourceId, DELETED_ANNOTATION)]
    : [];
}

/**
 * The trigger's former references (from the item's diff) that the rule's load can expand (a network
 * rule's), other than the changed resource itself. Live state no longer leads to what they reached, e.g.
 * the interfaces of a client group a mount-target group stopped admitting, so they are seeds too. Rules
 * that read no network (policies, access points, IAM) take none: an SG seed would be an
 * UnsupportedSeedError there, and nothing of theirs depends on groups.
 */
export function formerSeedsFor(rule: Rule, trigger: ResourceTrigger, seed: ResourceRef): ResourceRef[] {
  const expandable = new Set(rule.requires.flatMap((part) => SEED_PARTS[part]));
  return trigger.formerReferences.filter(
    (ref) =>
      expandable.has(ref.resourceType) &&
      !(ref.resourceType === seed.resourceType && ref.resourceId === seed.resourceId),
  );
}

/**
 * Drops the verdicts of former references (hints) that no longer exist. The core answers
 * NOT_APPLICABLE for a missing seed of its own types, right for the resource the event names, but a
 * group the diff merely mentions and that was deleted since gets that from its own deletion event,
 * not from this one.
 */
export function withoutVanishedFormerSeeds(
  evaluations: Evaluation[],
  topology: Topology,
  former: readonly ResourceRef[],
): Evaluation[] {
  if (former.length === 0) return evaluations;
  const index = indexTopology(topology);
  const vanished = new Set(
    former.filter((ref) => !resourceExists(index, ref)).map((ref) => `${ref.resourceType}|${ref.resourceId}`),
  );
  if (vanished.size === 0) return evaluations;
  return evaluations.filter(
    (evaluation) => !vanished.has(`${evaluation.resourceType}|${evaluation.resourceId}`),
  );
}

/**
 * A deletion (or left scope, or no longer recorded): the resource itself is NOT_APPLICABLE with
 * DELETED_ANNOTATION, if the rule reports on its type, and its neighbours keep their fresh verdicts.
 * The loader cannot find a deleted resource, so the fan-out is what can still be reached from its id
 * (docs/lambda.md, "Deleted resources").
 */
export function asDeletion(rule: Rule, seed: ResourceRef, evaluations: readonly Evaluation[]): Evaluation[] {
  const isSeed = (evaluation: Evaluation) =>
    evaluation.resourceType === seed.resourceType && evaluation.resourceId === seed.resourceId;
  const neighbours = evaluations.filter((evaluation) => !isSeed(evaluation));
  return rule.resourceTypes.includes(seed.resourceType)
    ? [notApplicable(rule.id, seed.resourceType, seed.resourceId, DELETED_ANNOTATION), ...neighbours]
    : neighbours;
}
