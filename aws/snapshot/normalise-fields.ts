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
 */
export function inIdOrder<T>(items: readonly T[], id: (item: T) => string | undefined): T[] {
  return [...items].sort(byKey((item) => id(item) ?? ''));
}

/** A model type under construction: its fields are filled in before it is handed out read-only. */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };
