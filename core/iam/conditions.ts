// Evaluates Condition clauses against a concrete request context, following "IAM JSON policy elements:
// Condition operators" and "Single-valued vs. multivalued context keys" (IAM User Guide):
// - a key absent from the request makes a clause false, except that negated operators (StringNotLike,
//   ArnNotLike, …) are then true, …IfExists is then true, and ForAllValues is then (vacuously) true;
// - several policy values for one key are ORed for positive operators and ANDed for negated ones;
// - clauses (operators and keys) are ANDed.
// Policy variables (${aws:username}) are compared literally; no rule here depends on them.
import { cidrContainsAddress } from '../net/cidr';
import { type ConditionClause, type ConditionOperator, NEGATED_OPERATORS } from './policy-document';
import { matchesWildcard } from './wildcard';

/** Request context: lower-cased condition key -> its value(s). Absent keys are simply missing. */
export type RequestContext = ReadonlyMap<string, readonly string[]>;

/** Builds a RequestContext from plain key/value pairs (keys in any case). */
export function createRequestContext(
  entries: Readonly<Record<string, string | boolean | readonly string[]>>,
): RequestContext {
  const context = new Map<string, readonly string[]>();
  for (const [key, value] of Object.entries(entries)) {
    context.set(
      key.toLowerCase(),
      typeof value === 'boolean' ? [String(value)] : typeof value === 'string' ? [value] : value,
    );
  }
  return context;
}

/** Whether every clause holds for the request. */
export function evaluateConditions(clauses: readonly ConditionClause[], context: RequestContext): boolean {
  return clauses.every((clause) => evaluateClause(clause, context));
}

export function evaluateClause(clause: ConditionClause, context: RequestContext): boolean {
  const requestValues = context.get(clause.keyLower);
  const present = requestValues !== undefined && requestValues.length > 0;
  if (clause.operator === 'Null') {
    // Null: true means "the key is absent". Several values are ORed.
    return clause.values.some((value) => (value.toLowerCase() === 'true') !== present);
  }
  if (!present) {
    if (clause.ifExists) return true;
    if (clause.qualifier === 'ForAllValues') return true;
    if (clause.qualifier === 'ForAnyValue') return false;
    return NEGATED_OPERATORS.has(clause.operator);
  }
  const holdsFor = (requestValue: string): boolean => {
    const positive = positiveOperatorOf(clause.operator);
    const matchesAny = clause.values.some((policyValue) => matchesValue(positive, policyValue, requestValue));
    return NEGATED_OPERATORS.has(clause.operator) ? !matchesAny : matchesAny;
  };
  if (clause.qualifier === 'ForAllValues') return requestValues.every(holdsFor);
  // ForAnyValue, and a single-valued key (a multivalued key without a qualifier is compared per value).
  return requestValues.some(holdsFor);
}

const POSITIVE_OF: Partial<Record<ConditionOperator, ConditionOperator>> = {
  StringNotEquals: 'StringEquals',
  StringNotEqualsIgnoreCase: 'StringEqualsIgnoreCase',
  StringNotLike: 'StringLike',
  NumericNotEquals: 'NumericEquals',
  DateNotEquals: 'DateEquals',
  NotIpAddress: 'IpAddress',
  ArnNotEquals: 'ArnEquals',
  ArnNotLike: 'ArnLike',
};

export function positiveOperatorOf(operator: ConditionOperator): ConditionOperator {
  return POSITIVE_OF[operator] ?? operator;
}

function matchesValue(operator: ConditionOperator, policyValue: string, requestValue: string): boolean {
  switch (operator) {
    case 'StringEquals':
    case 'BinaryEquals':
      return policyValue === requestValue;
    case 'StringEqualsIgnoreCase':
      return policyValue.toLowerCase() === requestValue.toLowerCase();
    case 'StringLike':
      return matchesWildcard(policyValue, requestValue);
    case 'Bool':
      return policyValue.toLowerCase() === requestValue.toLowerCase();
    case 'NumericEquals':
    case 'NumericLessThan':
    case 'NumericLessThanEquals':
    case 'NumericGreaterThan':
    case 'NumericGreaterThanEquals':
      return compareNumbers(operator, Number(requestValue), Number(policyValue));
    case 'DateEquals':
    case 'DateLessThan':
    case 'DateLessThanEquals':
    case 'DateGreaterThan':
    case 'DateGreaterThanEquals':
      return compareNumbers(operator, parseIamDate(requestValue), parseIamDate(policyValue));
    case 'IpAddress':
      return ipMatches(policyValue, requestValue);
    case 'ArnEquals':
    case 'ArnLike':
      // "Each of the six colon-delimited components of the ARN is checked separately and each can include
      // multi-character match wildcards (*) or single-character match wildcards (?)." ArnEquals and ArnLike
      // behave alike.
      return arnMatches(policyValue, requestValue);
    default:
      return false;
  }
}

function compareNumbers(operator: ConditionOperator, request: number, policy: number): boolean {
  if (Number.isNaN(request) || Number.isNaN(policy)) return false;
  if (operator.endsWith('LessThanEquals')) return request <= policy;
  if (operator.endsWith('LessThan')) return request < policy;
  if (operator.endsWith('GreaterThanEquals')) return request >= policy;
  if (operator.endsWith('GreaterThan')) return request > policy;
  return request === policy;
}

function ipMatches(policyCidr: string, requestAddress: string): boolean {
  const cidr = policyCidr.includes('/') ? policyCidr : `${policyCidr}/${policyCidr.includes(':') ? 128 : 32}`;
  try {
    return cidrContainsAddress(cidr, requestAddress);
  } catch {
    return false;
  }
}

function splitArn(arn: string): string[] | undefined {
  const parts = arn.split(':');
  if (parts.length < 6) return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(':')];
}

export function arnMatches(pattern: string, arn: string): boolean {
  if (pattern === '*') return true;
  const p = splitArn(pattern);
  const a = splitArn(arn);
  if (!p || !a) return false;
  return p.every((segment, index) => matchesWildcard(segment, a[index] ?? ''));
}

/**
 * IAM dates: ISO 8601 (2026-01-31, 2026-01-31T12:00:00Z, with an optional fraction and offset) or epoch
 * seconds. Returns epoch milliseconds, or NaN. (core/ does not use Date: see biome.json.)
 */
export function parseIamDate(text: string): number {
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const match =
    /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:?\d{2})?)?$/.exec(text);
  if (!match) return Number.NaN;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '0', zone = 'Z'] = match;
  const days = daysFromCivil(Number(y), Number(mo), Number(d));
  let ms =
    ((days * 24 + Number(h)) * 60 + Number(mi)) * 60_000 +
    Number(s) * 1000 +
    Math.round(Number(`0.${frac}`) * 1000);
  if (zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  return ms;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}
