// Evaluation helpers shared by every rule: annotation length, construction and stable order.
import type { AppliedWaiver, ComplianceType, Evaluation, ResourceRef } from './model';

/**
 * PutEvaluations accepts annotations of 1-256 characters ("Annotation: Length Constraints: Minimum
 * length of 1. Maximum length of 256.", AWS Config API Reference, Evaluation). The one limit: the rules,
 * the waiver notes and the sink (aws/config/evaluation-sink.ts) all cut with truncateAnnotation.
 */
export const MAX_ANNOTATION_LENGTH = 256;
const ELLIPSIS = '…';

/**
 * Cuts `text` to at most 256 UTF-16 code units, ending in '…' when cut: trailing spaces before the
 * marker are dropped, and a surrogate pair (an emoji, say) is never split, which would post half a
 * character.
 */
export function truncateAnnotation(text: string): string {
  if (text.length <= MAX_ANNOTATION_LENGTH) return text;
  let cut = MAX_ANNOTATION_LENGTH - ELLIPSIS.length;
  const last = text.charCodeAt(cut - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut -= 1;
  return `${text.slice(0, cut).trimEnd()}${ELLIPSIS}`;
}

/** Room kept for the advice before findings are dropped in its favour. */
const MIN_ADVICE_ROOM = 40;

/**
 * Joins findings with '; ' and appends the advice. When that is too long: findings come first (they
 * name what is wrong), so the advice is cut with '…' if at least 40 characters of it still fit;
 * otherwise trailing findings are replaced by '(+N more)' to keep the advice readable. Without
 * advice, the text is simply cut with '…'.
 */
export function composeAnnotation(findings: readonly string[], advice = ''): string {
  const head = `${findings.join('; ')}.`;
  const full = advice ? `${head} ${advice}` : head;
  if (full.length <= MAX_ANNOTATION_LENGTH || !advice || findings.length <= 1)
    return truncateAnnotation(full);
  if (head.length + 1 + MIN_ADVICE_ROOM <= MAX_ANNOTATION_LENGTH) return truncateAnnotation(full);
  for (let kept = findings.length - 1; kept >= 1; kept--) {
    const text = `${findings.slice(0, kept).join('; ')}; (+${findings.length - kept} more). ${advice}`;
    if (text.length <= MAX_ANNOTATION_LENGTH) return text;
  }
  return truncateAnnotation(`${findings[0]}; (+${findings.length - 1} more). ${advice}`);
}

/**
 * The wording every rule uses for a finding about something it could not see or read. A verdict with
 * such a finding is marked `unresolved` (core/model.ts), so that no waiver can turn it COMPLIANT.
 */
const UNRESOLVED_FINDING = /\bcannot be (?:resolved|parsed)\b|\bcannot check\b/;

/** True when a finding says that something could not be resolved, read or checked. */
export function isUnresolvedFinding(finding: string): boolean {
  return UNRESOLVED_FINDING.test(finding);
}

export function makeEvaluation(
  rule: string,
  ref: ResourceRef,
  complianceType: ComplianceType,
  annotation?: string,
  unresolved?: boolean,
): Evaluation {
  if (unresolved && complianceType === 'NON_COMPLIANT') {
    return { ...makeEvaluation(rule, ref, complianceType, annotation), unresolved: true };
  }
  // Config rejects an empty annotation: leave it out instead. (One literal per case: a sweep builds
  // hundreds of thousands of these.)
  return annotation
    ? {
        rule,
        resourceType: ref.resourceType,
        resourceId: ref.resourceId,
        complianceType,
        annotation: truncateAnnotation(annotation),
      }
    : { rule, resourceType: ref.resourceType, resourceId: ref.resourceId, complianceType };
}

/** Deterministic order: by resourceType, then resourceId. */
export function sortEvaluations(evaluations: Evaluation[]): Evaluation[] {
  return evaluations.sort(
    (a, b) =>
      compareText(a.resourceType, b.resourceType) ||
      compareText(a.resourceId, b.resourceId) ||
      compareText(a.rule, b.rule),
  );
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * `Waived until 2027-01-31 by team-storage: legacy NFS clients outside the VPC`: why a finding is
 * waived, as Config's annotation starts and as every report states it (core/waivers.ts).
 */
export function waiverHeadline(waiver: Pick<AppliedWaiver, 'expires' | 'owner' | 'reason'>): string {
  return `Waived until ${waiver.expires} by ${waiver.owner}: ${waiver.reason}`;
}

/**
 * The waiver of a waived verdict as the JSON and OCSF reports give it: which waiver of the document,
 * whose, why and until when. The finding it waived is reported on its own.
 */
export function waiverFields(waived: AppliedWaiver): Omit<AppliedWaiver, 'finding'> {
  return { index: waived.index, owner: waived.owner, reason: waived.reason, expires: waived.expires };
}
