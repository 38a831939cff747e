// Fuzzing the edge: whatever Config (or anyone) sends, the parser answers with a Trigger or a typed
// validation error, never a TypeError or any other uncaught failure.
import fc from 'fast-check';
import { InvalidEventError, parseConfigEvent, type Trigger } from '../../aws/config/event';
import { InvalidParametersError } from '../../core/errors';
import { loadEvent } from '../helpers/events';

const SAMPLES = [
  'efs-mount-target-nfs-ingress/security-group-change.json',
  'efs-mount-target-nfs-ingress/security-group-oversized.json',
  'efs-mount-target-nfs-ingress/security-group-deleted.json',
  'efs-mount-target-nfs-ingress/scheduled-cross-account.json',
  'efs-client-nfs-egress/network-interface-left-scope.json',
  'efs-nfs-network-acl/network-acl-not-recorded.json',
];

/** Parses, and fails the property on anything but a trigger or a typed validation error. */
function parseOrTypedError(event: unknown): Trigger | Error {
  try {
    return parseConfigEvent(event);
  } catch (error) {
    if (error instanceof InvalidEventError || error instanceof InvalidParametersError) return error;
    throw error;
  }
}

function assertValidTrigger(result: Trigger | Error): void {
  if (result instanceof Error) {
    expect(result.message).toMatch(/^(invalid AWS Config event: \S|.+: invalid parameter )/);
    return;
  }
  expect(['change', 'deleted', 'scheduled']).toContain(result.kind);
  expect(Number.isNaN(result.orderingTimestamp.getTime())).toBe(false);
  expect(result.accountId).toMatch(/^\d{12}$/);
  expect(result.awsRegion.length).toBeGreaterThan(0);
  expect(result.ruleParameters).not.toHaveProperty('executionRoleName');
  if (result.kind !== 'scheduled') expect(result.resourceId.length).toBeGreaterThan(0);
}

const garbage = fc.oneof(
  fc.anything({ maxDepth: 4 }),
  fc.string({ maxLength: 20_000 }),
  fc.constantFrom(null, undefined, '', '{}', '[]', 'null', '{"messageType":null}', 42, true),
  fc.jsonValue({ maxDepth: 4 }),
  fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value)),
);

/** A JSON path into an object: the keys to walk. */
type Path = readonly string[];

function pathsOf(value: unknown, prefix: Path = []): Path[] {
  if (typeof value !== 'object' || value === null) return [prefix];
  return [prefix, ...Object.entries(value).flatMap(([key, child]) => pathsOf(child, [...prefix, key]))];
}

function mutateAt(value: unknown, path: Path, replacement: unknown, remove: boolean): unknown {
  if (path.length === 0) return remove ? undefined : replacement;
  if (typeof value !== 'object' || value === null) return value;
  const [head, ...rest] = path as [string, ...string[]];
  const copy: Record<string, unknown> = Array.isArray(value) ? ([...value] as never) : { ...value };
  if (rest.length === 0 && remove) delete copy[head];
  else copy[head] = mutateAt(copy[head], rest, replacement, remove);
  return copy;
}

/** A sample event with invokingEvent parsed, so mutations reach inside it, then re-encoded (or not). */
const mutatedEvent = fc
  .record({
    sample: fc.constantFrom(...SAMPLES),
    pick: fc.nat(),
    replacement: garbage,
    remove: fc.boolean(),
    encode: fc.boolean(),
  })
  .map(({ sample, pick, replacement, remove, encode }) => {
    const event = loadEvent(sample) as unknown as Record<string, unknown>;
    const tree = { ...event, invokingEvent: JSON.parse(event.invokingEvent as string) };
    const paths = pathsOf(tree);
    const path = paths[pick % paths.length] ?? [];
    const mutated = mutateAt(tree, path, replacement, remove) as Record<string, unknown> | undefined;
    if (typeof mutated !== 'object' || mutated === null) return mutated;
    // Usually re-encode, as Config does; sometimes leave an object where a string belongs.
    return encode && typeof mutated.invokingEvent === 'object'
      ? { ...mutated, invokingEvent: JSON.stringify(mutated.invokingEvent) }
      : mutated;
  });

describe('Config event parser under fuzzing', () => {
  it('answers random values with a typed error', () => {
    fc.assert(
      fc.property(garbage, (event) => {
        assertValidTrigger(parseOrTypedError(event));
      }),
      { numRuns: 300 },
    );
  });

  it('answers mutated sample events with a valid trigger or a typed error', () => {
    fc.assert(
      fc.property(mutatedEvent, (event) => {
        assertValidTrigger(parseOrTypedError(event));
      }),
      { numRuns: 1500 },
    );
  });

  it('answers random ruleParameters strings with parameters or a typed error', () => {
    const base = loadEvent(SAMPLES[0] as string);
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
        ),
        (ruleParameters) => {
          assertValidTrigger(parseOrTypedError({ ...base, ruleParameters }));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('still parses the unmutated samples', () => {
    for (const sample of SAMPLES) expect(parseOrTypedError(loadEvent(sample))).not.toBeInstanceOf(Error);
  });
});
