// Waivers: accepted risks, each with an owner, a reason and an expiry, applied to a rule's verdicts.
// Pure: the adapters read the document (a file, an SSM parameter) and pass today's date in; nothing
// here reads a clock. A waived NON_COMPLIANT verdict becomes COMPLIANT with an annotation that says who
// waived it, why and until when (the convention of the AWS managed rules' exception parameters); the
// finding itself stays on the evaluation (`waived.finding`), so every output can still show it.
//
// What a waiver never does: turn a verdict that rests on something efsguard could not see (an
// `unresolved` evaluation) COMPLIANT, touch a COMPLIANT or NOT_APPLICABLE verdict, or outlive its
// expiry date. A run that failed produced no verdict, so there is nothing a waiver could turn.
import { en } from 'zod/locales';
import * as z from 'zod/mini';
import { truncateAnnotation, waiverHeadline } from './annotation';
import { EfsguardError } from './errors';
import type { AppliedWaiver, Evaluation, ResourceRef } from './model';

/** The default and the usual maximum lifetime of a waiver, in days from today. */
export const DEFAULT_MAX_WAIVER_DAYS = 365;

/** Every field of a waiver fits the 256-character Config annotation's prefix with room to spare. */
export const MAX_OWNER_LENGTH = 64;
export const MAX_REASON_LENGTH = 160;

const TAG_SELECTOR = /^tag:([^=]+)=(.*)$/;

const text = (description: string, ...checks: Parameters<ReturnType<typeof z.string>['check']>) =>
  z.string().check(...checks, z.describe(description));

// zod/mini: the Lambda bundles carry only the checks used here (classic zod adds about 440 KB).
export const waiverSchema = z
  .strictObject({
    rule: text(
      'The rule id the waiver applies to, or "*" for every rule.',
      z.regex(/^(\*|[a-z0-9][a-z0-9-]*)$/, 'expected a rule id or "*"'),
    ),
    resource: text(
      'The resource: its Config resource id (sg-…, eni-…, acl-…, fs-…, fsap-…, an IAM policy, role, user or group id), its ARN, or a tag selector tag:Key=Value.',
      z.regex(
        /^(tag:[^=\s]+=.*|arn:[^\s]+|[^\s:]+)$/,
        'expected a resource id (sg-…, fs-…), an ARN (arn:…) or a tag selector (tag:Key=Value)',
      ),
    ),
    account: z.optional(
      text('Limit the waiver to this account.', z.regex(/^\d{12}$/, 'expected a 12-digit AWS account id')),
    ),
    region: z.optional(
      text(
        'Limit the waiver to this region.',
        z.regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'expected an AWS region such as eu-west-1'),
      ),
    ),
    reason: text(
      'Why the risk is accepted.',
      z.trim(),
      z.minLength(1, 'must not be empty'),
      z.maxLength(MAX_REASON_LENGTH, `at most ${MAX_REASON_LENGTH} characters`),
    ),
    owner: text(
      'Who accepted the risk (a person or team).',
      z.trim(),
      z.minLength(1, 'must not be empty'),
      z.maxLength(MAX_OWNER_LENGTH, `at most ${MAX_OWNER_LENGTH} characters`),
    ),
    expires: text(
      'The last day (UTC) the waiver applies, YYYY-MM-DD; at most the configured maximum (365 days by default) from today.',
      z.regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD'),
      z.refine((value: string) => isCalendarDate(value), 'not a calendar date'),
    ),
  })
  .check(z.describe('One accepted risk.'));

export const waiverDocumentSchema = z
  .strictObject({
    $schema: z.optional(text('The JSON schema of this document (ignored).')),
    waivers: z.array(waiverSchema).check(z.describe('The waivers, each applying until its expiry date.')),
  })
  .check(z.describe('efsguard waivers: accepted risks, each with an owner, a reason and an expiry date.'));

// zod/mini ships no messages by default; English ones name what was expected and what came.
z.config(en());

export type Waiver = z.output<typeof waiverSchema>;
export type WaiverDocument = z.output<typeof waiverDocumentSchema>;

/** A waiver document is malformed; the message names the entry and the field. */
export class InvalidWaiversError extends EfsguardError {
  override readonly name = 'InvalidWaiversError';
}

export interface WaiverValidationOptions {
  /** Today, YYYY-MM-DD (UTC), from the adapter's clock. */
  readonly today: string;
  /** The longest allowed lifetime in days from today (default 365). */
  readonly maxDays?: number;
  /** The rule ids a waiver may name ("*" is always allowed). */
  readonly knownRules?: readonly string[];
}

/** `waivers[2].expires` */
function issuePath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else text += text === '' ? String(key) : `.${String(key)}`;
  }
  return text === '' ? '(top level)' : text;
}

/**
 * Validates a parsed waiver document (JSON or YAML, already parsed by the adapter). Rejects it with
 * InvalidWaiversError naming each bad entry and field, e.g. `waivers[1].expires: 2031-01-01 is more
 * than 365 days from 2026-11-30`. An expired waiver is valid: it is reported, not rejected.
 */
export function parseWaiverDocument(
  value: unknown,
  options: WaiverValidationOptions,
  source = 'waivers',
): WaiverDocument {
  const result = waiverDocumentSchema.safeParse(value);
  const problems: string[] = result.success
    ? []
    : result.error.issues.map((issue) => `${issuePath(issue.path)}: ${issue.message}`);
  if (result.success) {
    const maxDays = options.maxDays ?? DEFAULT_MAX_WAIVER_DAYS;
    const latest = addDays(options.today, maxDays);
    result.data.waivers.forEach((waiver, index) => {
      if (waiver.expires > latest) {
        problems.push(
          `waivers[${index}].expires: ${waiver.expires} is more than ${maxDays} days from ${options.today} (latest ${latest})`,
        );
      }
      if (options.knownRules && waiver.rule !== '*' && !options.knownRules.includes(waiver.rule)) {
        problems.push(
          `waivers[${index}].rule: unknown rule ${waiver.rule}; known rules: ${options.knownRules.join(', ')}, or *`,
        );
      }
    });
  }
  if (problems.length > 0) {
    const shown = problems.slice(0, 5).join('; ');
    const more = problems.length > 5 ? `; (+${problems.length - 5} more)` : '';
    throw new InvalidWaiversError(`${source}: invalid waivers: ${shown}${more}`);
  }
  return (result as { data: WaiverDocument }).data;
}

// ---- dates, without a clock: proleptic Gregorian day numbers (days since 1970-01-01) ----

function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function civilFromDays(days: number): string {
  const z0 = days + 719468;
  const era = Math.floor(z0 / 146097);
  const doe = z0 - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function dayNumber(date: string): number {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return daysFromCivil(year, month, day);
}

/** True for a real YYYY-MM-DD date (2026-02-29 is not one). */
export function isCalendarDate(date: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(date) && civilFromDays(dayNumber(date)) === date;
}

/** `date` plus `days` days, YYYY-MM-DD. */
export function addDays(date: string, days: number): string {
  return civilFromDays(dayNumber(date) + days);
}

// ---- applying ----

/** What a waiver may match on besides the id: the resource's ARN and tags, when the adapter knows them. */
export interface ResourceFacts {
  readonly arn?: string;
  readonly tags?: Readonly<Record<string, string>>;
}

/** One account-region's verdicts, with what the adapter knows of their resources. */
export interface WaiverScope {
  readonly accountId: string;
  readonly region: string;
  readonly evaluations: readonly Evaluation[];
  /** The ARN and tags of a resource; undefined when unknown (an ARN or tag waiver then does not match). */
  readonly describe?: (ref: ResourceRef) => ResourceFacts | undefined;
}

export interface ApplyWaiverOptions {
  /** Today, YYYY-MM-DD (UTC). A waiver applies up to and including its `expires` day. */
  readonly today: string;
  /**
   * Whether `tag:Key=Value` selectors apply. Off by default: whoever can tag a resource could waive
   * its own finding (docs/waivers.md, "Trust model").
   */
  readonly allowTagSelectors?: boolean;
}

/**
 * - active: in force and suppressing at least one finding
 * - unused: in force, but matching no NON_COMPLIANT verdict it may waive
 * - expired: past its expiry date; it no longer applies
 * - disabled: a tag selector while tag selectors are off
 */
export type WaiverStatus = 'active' | 'unused' | 'expired' | 'disabled';

export interface WaiverMatch {
  readonly accountId: string;
  readonly region: string;
  readonly evaluation: Evaluation;
}

export interface WaiverReport {
  readonly index: number;
  readonly waiver: Waiver;
  readonly status: WaiverStatus;
  /** The NON_COMPLIANT verdicts it turned COMPLIANT (as the rule gave them). */
  readonly suppressed: readonly WaiverMatch[];
  /** NON_COMPLIANT verdicts it matches but may not waive: they rest on something unresolved. */
  readonly refused: readonly WaiverMatch[];
  /** Findings it would match if it had not expired (or if tag selectors were on). */
  readonly dormant: readonly WaiverMatch[];
}

export interface WaiverResult {
  /** The scopes' evaluations with waivers applied, in the same order and grouping. */
  readonly scopes: readonly (readonly Evaluation[])[];
  readonly reports: readonly WaiverReport[];
}

/** The annotation Config receives for a waived finding: the headline, then the finding, within 256 characters. */
export function waivedAnnotation(
  waiver: Pick<Waiver, 'expires' | 'owner' | 'reason'>,
  finding?: string,
): string {
  const head = waiverHeadline(waiver);
  return truncateAnnotation(finding ? `${head} | ${finding}` : head);
}

function arnMatches(pattern: string, arn: string | undefined): boolean {
  return arn !== undefined && arn === pattern;
}

function matchesResource(waiver: Waiver, ref: ResourceRef, facts: ResourceFacts | undefined): boolean {
  const tag = TAG_SELECTOR.exec(waiver.resource);
  if (tag) return facts?.tags?.[tag[1] as string] === tag[2];
  if (waiver.resource.startsWith('arn:')) return arnMatches(waiver.resource, facts?.arn);
  return waiver.resource === ref.resourceId;
}

function matchesScope(waiver: Waiver, scope: WaiverScope, evaluation: Evaluation): boolean {
  return (
    (waiver.rule === '*' || waiver.rule === evaluation.rule) &&
    (waiver.account === undefined || waiver.account === scope.accountId) &&
    (waiver.region === undefined || waiver.region === scope.region)
  );
}

/** True when the waiver uses a tag selector. */
export function isTagWaiver(waiver: Pick<Waiver, 'resource'>): boolean {
  return waiver.resource.startsWith('tag:');
}

/**
 * Applies the waivers to each scope's evaluations. A NON_COMPLIANT verdict matched by a waiver in force
 * (the first in document order) becomes COMPLIANT, annotated `Waived until … by …: …`, with `waived`
 * holding the waiver and the finding. Unresolved verdicts, COMPLIANT and NOT_APPLICABLE stay as they are.
 */
export function applyWaivers(
  waivers: readonly Waiver[],
  scopes: readonly WaiverScope[],
  options: ApplyWaiverOptions,
): WaiverResult {
  const allowTags = options.allowTagSelectors ?? false;
  const state = waivers.map((waiver, index) => ({
    index,
    waiver,
    expired: waiver.expires < options.today,
    disabled: isTagWaiver(waiver) && !allowTags,
    suppressed: [] as WaiverMatch[],
    refused: [] as WaiverMatch[],
    dormant: [] as WaiverMatch[],
  }));
  const out = scopes.map((scope) =>
    scope.evaluations.map((evaluation) => {
      if (evaluation.complianceType !== 'NON_COMPLIANT' || evaluation.waived) return evaluation;
      let facts: ResourceFacts | undefined;
      let factsRead = false;
      const factsOf = () => {
        if (!factsRead) {
          facts = scope.describe?.(evaluation);
          factsRead = true;
        }
        return facts;
      };
      let applied: Evaluation | undefined;
      for (const entry of state) {
        if (!matchesScope(entry.waiver, scope, evaluation)) continue;
        if (!matchesResource(entry.waiver, evaluation, factsOf())) continue;
        const match = { accountId: scope.accountId, region: scope.region, evaluation };
        if (entry.expired || entry.disabled) entry.dormant.push(match);
        else if (evaluation.unresolved) entry.refused.push(match);
        else if (!applied) {
          entry.suppressed.push(match);
          applied = waive(evaluation, entry.index, entry.waiver);
        }
      }
      return applied ?? evaluation;
    }),
  );
  const reports: WaiverReport[] = state.map((entry) => ({
    index: entry.index,
    waiver: entry.waiver,
    status: entry.expired
      ? 'expired'
      : entry.disabled
        ? 'disabled'
        : entry.suppressed.length > 0
          ? 'active'
          : 'unused',
    suppressed: entry.suppressed,
    refused: entry.refused,
    dormant: entry.dormant,
  }));
  return { scopes: out, reports };
}

function waive(evaluation: Evaluation, index: number, waiver: Waiver): Evaluation {
  const applied: AppliedWaiver = {
    index,
    owner: waiver.owner,
    reason: waiver.reason,
    expires: waiver.expires,
    ...(evaluation.annotation ? { finding: evaluation.annotation } : {}),
  };
  return {
    rule: evaluation.rule,
    resourceType: evaluation.resourceType,
    resourceId: evaluation.resourceId,
    complianceType: 'COMPLIANT',
    annotation: waivedAnnotation(waiver, evaluation.annotation),
    waived: applied,
  };
}
