// Rule-parameter parsing. Config's console sends every InputParameters value as a string, while
// templates and the CLI may send JSON values, so each parser accepts both. Absent, null or empty values
// take the default; unknown keys are an error naming the key and the known keys.
//
// Each parameter is a small coercion with its own message, so the parsers are plain functions: a
// parser returns the value or throws ParameterValueError, and parseRuleParameters turns that into
// InvalidParametersError naming the rule and the key. (A schema library adds nothing here but weight in
// every Lambda bundle.)
import { InvalidParametersError } from './errors';
import type { PortRange } from './model';
import { canonicaliseCidr, InvalidCidrError } from './net/cidr';

/** Parses one raw parameter value; throws ParameterValueError naming the problem. */
export type ParamParser<T> = (value: unknown) => T;

/** A parameter value is malformed; parseRuleParameters adds the rule and the key. */
export class ParameterValueError extends Error {
  override readonly name = 'ParameterValueError';
}

function fail(message: string): never {
  throw new ParameterValueError(message);
}

function isAbsent(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

/** 'true'/'false' in any case, or a JSON boolean. */
export function booleanParam(defaultValue: boolean): ParamParser<boolean> {
  return (value) => {
    if (isAbsent(value)) return defaultValue;
    if (typeof value === 'boolean') return value;
    if (typeof value === 'string') {
      const text = value.trim().toLowerCase();
      if (text === 'true') return true;
      if (text === 'false') return false;
    }
    return fail(`expected true or false, got ${JSON.stringify(value)}`);
  };
}

/**
 * Splits a comma-separated string or takes a JSON array (or a JSON array written as a string). Numbers,
 * alone or as items, are taken as their text (a template may write approvedUids as [1000, 1001]).
 */
function toList(value: unknown): string[] {
  if (isAbsent(value)) return [];
  let items: unknown = typeof value === 'number' ? [value] : value;
  if (typeof value === 'string') {
    const text = value.trim();
    if (text.startsWith('[')) {
      try {
        items = JSON.parse(text);
      } catch {
        return fail(`not a valid JSON array: ${text}`);
      }
    } else {
      items = text.split(',');
    }
  }
  if (!Array.isArray(items)) {
    return fail(`expected a comma-separated list or a JSON array, got ${JSON.stringify(value)}`);
  }
  const list: string[] = [];
  for (const item of items) {
    const text = typeof item === 'number' ? String(item) : typeof item === 'string' ? item.trim() : undefined;
    if (text === undefined) return fail(`list items must be strings, got ${JSON.stringify(item)}`);
    if (text) list.push(text);
  }
  return list;
}

/**
 * A list whose items `parseItem` checks: it returns the item's value or throws an Error whose message
 * names the problem (the message becomes the parameter error).
 */
export function listParam<T>(parseItem: (item: string) => T): ParamParser<T[]> {
  return (value) =>
    toList(value).map((item) => {
      try {
        return parseItem(item);
      } catch (error) {
        return fail(error instanceof Error ? error.message : String(error));
      }
    });
}

/** A list of strings, taken as written (trimmed, empty items dropped). */
export function stringListParam(): ParamParser<string[]> {
  return listParam((item) => item);
}

/** A list of CIDRs, each validated and canonicalised. */
export function cidrListParam(): ParamParser<string[]> {
  return listParam((item) => {
    try {
      return canonicaliseCidr(item);
    } catch (error) {
      return fail(error instanceof InvalidCidrError ? error.message : `invalid CIDR "${item}"`);
    }
  });
}

const GROUP_ID = /^sg-[0-9a-f]{8,17}$/;
const ACCOUNT_ID = /^\d{12}$/;

/** A security group listed by a user: 'sg-…' (any account) or '123456789012/sg-…'. */
export interface GroupSelector {
  readonly groupId: string;
  readonly userId?: string;
}

export function groupListParam(): ParamParser<GroupSelector[]> {
  return listParam((item): GroupSelector => {
    const [first, second, ...rest] = item.split('/');
    if (second === undefined && first && GROUP_ID.test(first)) return { groupId: first };
    if (rest.length === 0 && first && second && ACCOUNT_ID.test(first) && GROUP_ID.test(second)) {
      return { userId: first, groupId: second };
    }
    return fail(`"${item}" is not a security group id (sg-…) or account/group (123456789012/sg-…)`);
  });
}

/** An inclusive port range '32768-60999' (or a single port), each 0-65535, from <= to. */
export function portRangeParam(defaultValue: PortRange): ParamParser<PortRange> {
  return (value) => {
    if (isAbsent(value)) return defaultValue;
    const text =
      typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : undefined;
    const match = text === undefined ? null : /^(\d{1,5})(?:\s*-\s*(\d{1,5}))?$/.exec(text);
    if (!match) return fail(`expected a port range such as 32768-60999, got ${JSON.stringify(value)}`);
    const from = Number(match[1]);
    const to = Number(match[2] ?? match[1]);
    if (from > 65535 || to > 65535) return fail(`ports must be 0-65535, got ${text}`);
    if (from > to) return fail(`from-port ${from} exceeds to-port ${to}`);
    return { from, to };
  };
}

export type ParamShape = Record<string, ParamParser<unknown>>;
export type ParsedParams<S extends ParamShape> = { [K in keyof S]: ReturnType<S[K]> };

/**
 * Validates raw ruleParameters against `shape`. Throws InvalidParametersError naming the first bad
 * or unknown key.
 */
export function parseRuleParameters<S extends ParamShape>(
  ruleId: string,
  shape: S,
  raw: Readonly<Record<string, unknown>>,
): ParsedParams<S> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new InvalidParametersError(ruleId, '(parameters)', 'expected a JSON object of parameters');
  }
  const known = Object.keys(shape);
  for (const key of Object.keys(raw)) {
    if (!Object.hasOwn(shape, key)) {
      throw new InvalidParametersError(
        ruleId,
        key,
        `unknown parameter; known parameters: ${known.length ? known.join(', ') : '(none)'}`,
      );
    }
  }
  const parsed: Record<string, unknown> = {};
  for (const key of known) {
    const parse = shape[key] as ParamParser<unknown>;
    try {
      parsed[key] = parse(raw[key]);
    } catch (error) {
      if (!(error instanceof ParameterValueError)) throw error;
      throw new InvalidParametersError(ruleId, key, error.message);
    }
  }
  return parsed as ParsedParams<S>;
}
