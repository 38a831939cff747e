// The seeds a change or deletion hands to the rule, beyond the changed resource itself. What a seed is
// (deleted, or only a hint) the scope says; core's defineRule then judges it (core/rules/define.ts).
import type { ResourceTrigger } from '../../aws/config/event';
import { SEED_PARTS } from '../../aws/load/neighbourhood';
import type { Evaluation, ResourceRef } from '../../core/model';
import { deletedEvaluation } from '../../core/rules/define';
import type { Rule } from '../../core/rules/types';

/**
 * The verdict for a resource outside the rule's trigger scope: the rule cannot judge it. Config only
 * sends such an item when the deployed scope is wider than the rule's; NOT_APPLICABLE if the rule owns
 * the type, nothing otherwise.
 */
export function outsideTriggerScope(rule: Rule, seed: ResourceRef): Evaluation[] {
  return rule.resourceTypes.includes(seed.resourceType) ? [deletedEvaluation(rule.id, seed)] : [];
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
