// Rule-parameter parsing. Config's console sends every InputParameters value as a string, while
// templates and the CLI may send JSON values, so each parser accepts both. Absent, null or empty values
// take the default; unknown keys are an error naming the key and the known keys.
//
// Each parameter is one ParameterSpec: its parser, its default (written as a user types it) and its
// description together. The rule parses the default text for an absent value, the deployment writes the
// same text into InputParameters (the build's manifest carries it), and the docs test checks the rule
// pages' tables against it, so no default is written twice.
//
// Each parser is a small coercion with its own message, so the parsers are plain functions: a parser
// returns the value or throws ParameterValueError, and parseRuleParameters turns that into
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

/** One rule parameter: how to parse it, its default and what it means, in one place. */
export interface ParameterSpec<T> {
  /** The default as a user would type it in InputParameters ('' for none): an absent value parses as this. */
  readonly default: string;
  readonly description: string;
  readonly parse: ParamParser<T>;
}

export function parameter<T>(
  parse: ParamParser<T>,
  doc: { readonly description: string; readonly default?: string },
): ParameterSpec<T> {
  return { parse, description: doc.description, default: doc.default ?? '' };
}

/** 'true'/'false' in any case, or a JSON boolean. */
export function booleanParam(): ParamParser<boolean> {
  return (value) => {
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
export function portRangeParam(): ParamParser<PortRange> {
  return (value) => {
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

/** A rule's parameters, one spec per key. */
export type ParameterSpecs<P> = { readonly [K in keyof P]: ParameterSpec<P[K]> };

/**
 * Validates raw ruleParameters against the specs: an absent (or null, or blank) value is the spec's
 * default text, parsed like any other. Throws InvalidParametersError naming the first bad or unknown key.
 */
export function parseRuleParameters<P>(
  ruleId: string,
  specs: ParameterSpecs<P>,
  raw: Readonly<Record<string, unknown>>,
): P {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new InvalidParametersError(ruleId, '(parameters)', 'expected a JSON object of parameters');
  }
  const known = Object.keys(specs);
  for (const key of Object.keys(raw)) {
    if (!Object.hasOwn(specs, key)) {
      throw new InvalidParametersError(
        ruleId,
        key,
        `unknown parameter; known parameters: ${known.length ? known.join(', ') : '(none)'}`,
      );
    }
  }
  const parsed: Record<string, unknown> = {};
  for (const key of known) {
    const spec = specs[key as keyof P] as ParameterSpec<unknown>;
    const value = isAbsent(raw[key]) ? spec.default : raw[key];
    try {
      parsed[key] = spec.parse(value);
    } catch (error) {
      if (!(error instanceof ParameterValueError)) throw error;
      throw new InvalidParametersError(ruleId, key, error.message);
    }
  }
  return parsed as P;
}
