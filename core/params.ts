// Rule-parameter parsing with zod. Config's console sends every InputParameters value as a string,
// while templates and the CLI may send JSON values, so each parser accepts both. Absent, null or
// empty values take the default; unknown keys are an error naming the key and the known keys.
import { z } from 'zod';
import { InvalidParametersError } from './errors';
import type { PortRange } from './model';
import { canonicaliseCidr, InvalidCidrError } from './net/cidr';

type ParamSchema<T> = z.ZodType<T, unknown>;

function fail(ctx: z.RefinementCtx, message: string): never {
  ctx.addIssue({ code: 'custom', message });
  return z.NEVER;
}

/** 'true'/'false' in any case, or a JSON boolean. */
export function booleanParam(defaultValue: boolean): ParamSchema<boolean> {
  return z.unknown().transform((value, ctx): boolean => {
    if (isAbsent(value)) return defaultValue;
    if (typeof value === 'boolean') return value;
    if (typeof value === 'string') {
      const text = value.trim().toLowerCase();
      if (text === 'true') return true;
      if (text === 'false') return false;
    }
    return fail(ctx, `expected true or false, got ${JSON.stringify(value)}`);
  });
}

/**
 * Adds the issue and returns an empty list, so that callers can keep iterating: the issue alone fails the
 * parse. (Returning z.NEVER from here would make the callers' for-of loops throw a TypeError.)
 */
function failList(ctx: z.RefinementCtx, message: string): string[] {
  ctx.addIssue({ code: 'custom', message });
  return [];
}

/**
 * Splits a comma-separated string or takes a JSON array (or a JSON array written as a string). Numbers,
 * alone or as items, are taken as their text (a template may write approvedUids as [1000, 1001]).
 */
function toList(value: unknown, ctx: z.RefinementCtx): string[] {
  if (isAbsent(value)) return [];
  let items: unknown = typeof value === 'number' ? [value] : value;
  if (typeof value === 'string') {
    const text = value.trim();
    if (text.startsWith('[')) {
      try {
        items = JSON.parse(text);
      } catch {
        return failList(ctx, `not a valid JSON array: ${text}`);
      }
    } else {
      items = text.split(',');
    }
  }
  if (!Array.isArray(items))
    return failList(ctx, `expected a comma-separated list or a JSON array, got ${JSON.stringify(value)}`);
  const list: string[] = [];
  for (const item of items) {
    const text = typeof item === 'number' ? String(item) : typeof item === 'string' ? item.trim() : undefined;
    if (text === undefined) return failList(ctx, `list items must be strings, got ${JSON.stringify(item)}`);
    if (text) list.push(text);
  }
  return list;
}

/**
 * A list whose items `parseItem` checks: it returns the item's value or throws an Error whose message
 * names the problem (the message becomes the parameter error).
 */
export function listParam<T>(parseItem: (item: string) => T): ParamSchema<T[]> {
  return z.unknown().transform((value, ctx): T[] => {
    const result: T[] = [];
    for (const item of toList(value, ctx)) {
      try {
        result.push(parseItem(item));
      } catch (error) {
        return fail(ctx, error instanceof Error ? error.message : String(error));
      }
    }
    return result;
  });
}

/** A list of strings, taken as written (trimmed, empty items dropped). */
export function stringListParam(): ParamSchema<string[]> {
  return listParam((item) => item);
}

/** A list of CIDRs, each validated and canonicalised. */
export function cidrListParam(): ParamSchema<string[]> {
  return z.unknown().transform((value, ctx): string[] => {
    const list = toList(value, ctx);
    const cidrs: string[] = [];
    for (const item of list) {
      try {
        cidrs.push(canonicaliseCidr(item));
      } catch (error) {
        return fail(ctx, error instanceof InvalidCidrError ? error.message : `invalid CIDR "${item}"`);
      }
    }
    return cidrs;
  });
}

const GROUP_ID = /^sg-[0-9a-f]{8,17}$/;
const ACCOUNT_ID = /^\d{12}$/;

/** A security group listed by a user: 'sg-…' (any account) or '123456789012/sg-…'. */
export interface GroupSelector {
  readonly groupId: string;
  readonly userId?: string;
}

export function groupListParam(): ParamSchema<GroupSelector[]> {
  return z.unknown().transform((value, ctx): GroupSelector[] => {
    const selectors: GroupSelector[] = [];
    for (const item of toList(value, ctx)) {
      const [first, second, ...rest] = item.split('/');
      if (second === undefined && first && GROUP_ID.test(first)) {
        selectors.push({ groupId: first });
      } else if (rest.length === 0 && first && second && ACCOUNT_ID.test(first) && GROUP_ID.test(second)) {
        selectors.push({ userId: first, groupId: second });
      } else {
        return fail(ctx, `"${item}" is not a security group id (sg-…) or account/group (123456789012/sg-…)`);
      }
    }
    return selectors;
  });
}

/** An inclusive port range '32768-60999' (or a single port), each 0-65535, from <= to. */
export function portRangeParam(defaultValue: PortRange): ParamSchema<PortRange> {
  return z.unknown().transform((value, ctx): PortRange => {
    if (isAbsent(value)) return defaultValue;
    const text =
      typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : undefined;
    const match = text === undefined ? null : /^(\d{1,5})(?:\s*-\s*(\d{1,5}))?$/.exec(text);
    if (!match) return fail(ctx, `expected a port range such as 32768-60999, got ${JSON.stringify(value)}`);
    const from = Number(match[1]);
    const to = Number(match[2] ?? match[1]);
    if (from > 65535 || to > 65535) return fail(ctx, `ports must be 0-65535, got ${text}`);
    if (from > to) return fail(ctx, `from-port ${from} exceeds to-port ${to}`);
    return { from, to };
  });
}

function isAbsent(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

export type ParamShape = Record<string, ParamSchema<unknown>>;
export type ParsedParams<S extends ParamShape> = { [K in keyof S]: z.output<S[K]> };

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
    const schema = shape[key] as ParamSchema<unknown>;
    const result = schema.safeParse(raw[key]);
    if (!result.success) {
      throw new InvalidParametersError(
        ruleId,
        key,
        result.error.issues.map((issue) => issue.message).join('; '),
      );
    }
    parsed[key] = result.data;
  }
  return parsed as ParsedParams<S>;
}
