// Field checks the normalisers share: each error names the resource and the field it concerns.
import { isAddress } from '../../core/net/cidr';
import { SnapshotError } from '../sdk/errors';

/** Throws a SnapshotError naming the resource when a required field is absent or empty. */
export function required<T>(value: T | undefined | null, resource: string, field: string): T {
  if (value === undefined || value === null || value === '') {
    throw new SnapshotError(`${resource}: missing ${field}`);
  }
  return value;
}

/** Throws a SnapshotError naming the resource and field when `address` is not an IP address. */
export function checkAddress(address: string, resource: string, field: string): void {
  if (!isAddress(address))
    throw new SnapshotError(`${resource}: ${field} ${JSON.stringify(address)} is not a valid IP address`);
}

/** Runs `fn`, prefixing any error's message with the resource it concerns. */
export function within<T>(resource: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof SnapshotError) throw error;
    throw new SnapshotError(`${resource}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
}

/** The account and region a snapshot was recorded in: they fill fields AWS leaves optional. */
/** A comparator by a string key: normalised lists come out in a stable order. */
export const byKey =
  <T>(key: (item: T) => string) =>
  (a: T, b: T): number => {
    // Each key read once per comparison: a sort of 160,000 items makes millions of them.
    const x = key(a);
    const y = key(b);
    return x < y ? -1 : x > y ? 1 : 0;
  };

/**
 * The recorded items in the order of their ids (a missing id first), stable, before they are
 * normalised: the normalised list comes out in id order, as byKey would sort it, and its items are
 * made in that order too, so they lie in memory in the order every rule walks them. AWS lists items in
 * no id order; at the benchmark's largest scale, given in such an order, the lookup tables and the
 * rules took 190-280 ms less than after sorting the normalised list (docs/performance.md, "Input in
 * AWS's order").
 *
 * Each id is read once. When every id is one prefix and the same number of lowercase hex digits, as
 * AWS ids of one kind are ("eni-" and 17 digits), the digits are compared as numbers, which orders them
 * exactly as the strings would: a sort of 160,000 interfaces then compares numbers in two arrays rather
 * than strings scattered over the parsed file. Any other ids are compared as strings.
 */
export function inIdOrder<T>(items: readonly T[], id: (item: T) => string | undefined): T[] {
  const count = items.length;
  const keys: string[] = new Array(count);
  for (let i = 0; i < count; i++) keys[i] = id(items[i] as T) ?? '';
  const order = idOrder(keys);
  const sorted: T[] = new Array(count);
  for (let i = 0; i < count; i++) sorted[i] = items[order[i] as number] as T;
  return sorted;
}

/** The indices of `ids` in the order of the ids, stable: inIdOrder's sort, on the ids alone. */
export function idOrder(ids: readonly string[]): number[] {
  return sortIds(ids).order;
}

/**
 * idOrder, or undefined when an id is given twice: sorted, a repeated id lies next to its twin, and is
 * found by the numbers the sort compared where it compared numbers.
 */
export function distinctIdOrder(ids: readonly string[]): number[] | undefined {
  const { order, same } = sortIds(ids);
  for (let k = 1; k < order.length; k++)
    if (same(order[k - 1] as number, order[k] as number)) return undefined;
  return order;
}

function sortIds(ids: readonly string[]): { order: number[]; same: (a: number, b: number) => boolean } {
  const order: number[] = new Array(ids.length);
  for (let i = 0; i < ids.length; i++) order[i] = i;
  const digits = hexDigitKeys(ids);
  if (digits) {
    const { high, low } = digits;
    order.sort(
      (a, b) => (high[a] as number) - (high[b] as number) || (low[a] as number) - (low[b] as number),
    );
    return { order, same: (a, b) => high[a] === high[b] && low[a] === low[b] };
  }
  order.sort((a, b) => {
    const x = ids[a] as string;
    const y = ids[b] as string;
    return x < y ? -1 : x > y ? 1 : 0;
  });
  return { order, same: (a, b) => ids[a] === ids[b] };
}

/** 13 hex digits make 52 bits, the most a double holds exactly. */
const DIGITS_PER_NUMBER = 13;

/**
 * Each key's hex digits as two numbers (the digits before the last 13, and the last 13), when every key
 * is the first key's prefix (up to and with its last '-') followed by the same number of lowercase hex
 * digits, at most 26; otherwise undefined. For such keys the numbers order as the strings do: equal
 * prefixes, equal lengths, and '0'-'9' sort before 'a'-'f' in both.
 */
export function hexDigitKeys(keys: readonly string[]): { high: Float64Array; low: Float64Array } | undefined {
  const first = keys[0];
  if (first === undefined) return undefined;
  const start = first.lastIndexOf('-') + 1;
  const length = first.length;
  const digitCount = length - start;
  if (digitCount === 0 || digitCount > 2 * DIGITS_PER_NUMBER) return undefined;
  const split = length - Math.min(digitCount, DIGITS_PER_NUMBER);
  const high = new Float64Array(keys.length);
  const low = new Float64Array(keys.length);
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k] as string;
    if (key.length !== length) return undefined;
    for (let i = 0; i < start; i++) if (key.charCodeAt(i) !== first.charCodeAt(i)) return undefined;
    let value = 0;
    for (let i = start; i < length; i++) {
      if (i === split) {
        high[k] = value;
        value = 0;
      }
      const c = key.charCodeAt(i);
      // '0'-'9' are 48-57, 'a'-'f' are 97-102.
      const digit = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : -1;
      if (digit < 0) return undefined;
      value = value * 16 + digit;
    }
    low[k] = value;
  }
  return { high, low };
}

/**
 * One copy of each distinct string a normalisation keeps many times: the subnet, VPC, owner and group
 * ids of 160,000 interfaces at the benchmark's largest scale are a few thousand distinct strings.
 * JSON.parse makes a new string for each occurrence (it shares only very short ones), and every copy
 * kept is memory the garbage collector copies and the rules hash again. One pool serves one
 * normalisation, so nothing in it outlives the topology.
 */
export class StringPool {
  private readonly strings = new Map<string, string>();

  /** The pool's copy of `value`, which becomes it if the pool has none. */
  get(value: string): string {
    const known = this.strings.get(value);
    if (known !== undefined) return known;
    this.strings.set(value, value);
    return value;
  }
}

/** A model type under construction: its fields are filled in before it is handed out read-only. */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };
