// A multi-account, multi-region snapshot: one file holding a snapshot per account-region that loaded
// and the error of each that did not (`efsguard snapshot --accounts … --regions …`). A single-account
// snapshot file (format efsguard-snapshot/1, or none) still loads: it is a set of one.
import * as z from 'zod/mini';
import { SnapshotError } from '../sdk/errors';
import type { Snapshot } from './format';
import { formatIssuePath, parseSnapshot } from './schema';

export const SNAPSHOT_SET_FORMAT = 'efsguard-snapshot/2';

/** An account-region that could not be loaded: nothing is judged there. */
export interface TargetFailure {
  readonly accountId: string;
  readonly region: string;
  /** What failed, naming the missing permission when AWS said which. */
  readonly error: string;
}

export interface SnapshotSet {
  format: typeof SNAPSHOT_SET_FORMAT;
  capturedAt?: string;
  snapshots: Snapshot[];
  failures: TargetFailure[];
}

const setSchema = z.looseObject({
  format: z.literal(SNAPSHOT_SET_FORMAT),
  capturedAt: z.optional(z.string()),
  snapshots: z.array(z.unknown()),
  failures: z.array(
    z.looseObject({
      accountId: z.string().check(z.regex(/^\d{12}$/, 'expected a 12-digit AWS account id')),
      region: z.string().check(z.minLength(1)),
      error: z.string(),
    }),
  ),
});

/** True when the parsed JSON is a multi-account set rather than one snapshot. */
export function isSnapshotSet(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { format?: unknown }).format === SNAPSHOT_SET_FORMAT
  );
}

/** Validates a parsed file: a set (each snapshot checked, errors naming snapshots[i]) or one snapshot. */
export function parseSnapshotSet(value: unknown, source = 'snapshot'): SnapshotSet {
  if (!isSnapshotSet(value))
    return { format: SNAPSHOT_SET_FORMAT, snapshots: [parseSnapshot(value, source)], failures: [] };
  const result = setSchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new SnapshotError(
      `${source}: invalid snapshot set at ${issue ? formatIssuePath(issue.path) : '(top level)'}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return {
    format: SNAPSHOT_SET_FORMAT,
    ...(result.data.capturedAt ? { capturedAt: result.data.capturedAt } : {}),
    snapshots: result.data.snapshots.map((entry, index) =>
      parseSnapshot(entry, `${source}: snapshots[${index}]`),
    ),
    failures: result.data.failures.map(({ accountId, region, error }) => ({ accountId, region, error })),
  };
}
