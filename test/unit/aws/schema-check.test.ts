import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { z } from 'zod';
import { parseSnapshot, snapshotSchema } from '../../../aws/snapshot/schema';
import { compileFastCheck } from '../../../aws/snapshot/schema-check';

const DEMO = join(__dirname, '../../../demo/demo-snapshot.json');
const demo = (): Record<string, unknown> => JSON.parse(readFileSync(DEMO, 'utf8'));

/** Every path to a value inside `value` (objects and arrays), the root excluded. */
function paths(value: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []) {
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      out.push([...prefix, i]);
      paths(item, [...prefix, i], out);
    });
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      out.push([...prefix, key]);
      paths(item, [...prefix, key], out);
    }
  }
  return out;
}

function setAt(root: unknown, path: readonly (string | number)[], replacement: unknown): void {
  let node = root as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1] as string | number;
  if (replacement === DELETE) delete node[last];
  else node[last] = replacement;
}

const DELETE = Symbol('delete');

// Values that are wrong somewhere in a snapshot and right elsewhere: the check must agree with zod on each.
const REPLACEMENTS: unknown[] = [
  DELETE,
  undefined,
  null,
  '',
  'x',
  '123456789012',
  0,
  1.5,
  -1,
  Number.NaN,
  true,
  [],
  {},
  [{}],
  'allow',
  'efsguard-snapshot/1',
  'network',
];

describe('compileFastCheck', () => {
  const check = compileFastCheck(snapshotSchema);

  it('compiles the snapshot schema and accepts the demo snapshot without copying it', () => {
    expect(check).toBeDefined();
    const value = demo();
    expect(check?.(value)).toBe(true);
    expect(parseSnapshot(value)).toBe(value);
  });

  it('agrees with zod on every single-field mutation of a valid snapshot', () => {
    const all = paths(demo());
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: all.length - 1 }),
        fc.constantFrom(...REPLACEMENTS),
        (pathIndex, replacement) => {
          const value = demo();
          setAt(value, all[pathIndex] as (string | number)[], replacement);
          expect(check?.(value)).toBe(snapshotSchema.safeParse(value).success);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('still lets zod report the path of what is wrong', () => {
    const value = demo();
    setAt(value, ['securityGroups', 0, 'IpPermissionsEgress', 0, 'IpProtocol'], '');
    expect(check?.(value)).toBe(false);
    expect(() => parseSnapshot(value, 'f.json')).toThrow(
      /f\.json: invalid snapshot at securityGroups\[0\]\.IpPermissionsEgress\[0\]\.IpProtocol/,
    );
  });

  it('agrees with zod on the number, string and literal checks it compiles', () => {
    const schema = z.looseObject({
      n: z.number().int(),
      f: z.number().optional(),
      s: z.string().regex(/^\d{2}$/),
      l: z.literal('a').nullable(),
      e: z.enum(['x', 'y']),
    });
    const fast = compileFastCheck(schema);
    const base = { n: 1, f: 2.5, s: '12', l: null, e: 'x', extra: { anything: 1 } };
    const cases: unknown[] = [
      base,
      { ...base, n: 1.5 },
      { ...base, n: 2 ** 60 },
      { ...base, f: Number.POSITIVE_INFINITY },
      { ...base, f: undefined },
      { ...base, s: '123' },
      { ...base, s: 12 },
      { ...base, l: 'a' },
      { ...base, l: 'b' },
      { ...base, e: 'z' },
      [],
      null,
    ];
    for (const value of cases) expect(fast?.(value)).toBe(schema.safeParse(value).success);
  });

  it('gives up, leaving zod alone to judge, on a construct it does not know', () => {
    expect(compileFastCheck(z.looseObject({ a: z.string().transform((s) => s.length) }))).toBeUndefined();
    expect(compileFastCheck(z.object({ a: z.string() }))).toBeUndefined();
    expect(compileFastCheck(z.looseObject({ a: z.email() }))).toBeUndefined();
    expect(compileFastCheck(z.looseObject({ a: z.string().default('x') }))).toBeUndefined();
  });
});
