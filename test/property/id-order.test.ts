// inIdOrder's contract, checked on random id lists: the items come out exactly as a stable sort by the
// id string would put them, whether the ids take the numeric path (one prefix, the same number of
// lowercase hex digits) or the string path (anything else).
import fc from 'fast-check';
import { distinctIdOrder, hexDigitKeys, idOrder, inIdOrder } from '../../aws/snapshot/normalise-fields';

interface Item {
  readonly id: string | undefined;
  readonly at: number;
}

/** The order byKey gives: a stable sort by the id string, a missing id as ''. */
function byString(items: readonly Item[]): Item[] {
  return [...items].sort((a, b) => {
    const x = a.id ?? '';
    const y = b.id ?? '';
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

const items = (ids: readonly (string | undefined)[]): Item[] => ids.map((id, at) => ({ id, at }));

const hexDigits = (length: number) =>
  fc
    .array(fc.constantFrom(...'0123456789abcdef'), { minLength: length, maxLength: length })
    .map((d) => d.join(''));

/** Ids of one kind: a prefix and a fixed number of hex digits, repeats included (so ties are checked). */
const idsOfOneKind = fc
  .tuple(fc.constantFrom('eni-', 'sg-', 'fs-', 'x-y-', ''), fc.integer({ min: 1, max: 26 }))
  .chain(([prefix, length]) =>
    fc.array(
      hexDigits(length).map((digits) => prefix + digits),
      { maxLength: 60 },
    ),
  );

/** Ids AWS would not write, or a mix of kinds: every one must take the string path and sort the same. */
const mixedIds = fc.array(
  fc.oneof(
    fc.constant(undefined),
    fc.constant(''),
    hexDigits(8).map((d) => `eni-${d}`),
    hexDigits(17).map((d) => `eni-${d}`),
    hexDigits(17).map((d) => `eni-${d.toUpperCase()}`),
    hexDigits(27).map((d) => `eni-${d}`),
    fc.string({ maxLength: 12 }),
  ),
  { maxLength: 60 },
);

describe('inIdOrder (property)', () => {
  it('orders ids of one kind as the id strings order, stably', () => {
    fc.assert(
      fc.property(idsOfOneKind, (ids) => {
        expect(inIdOrder(items(ids), (item) => item.id)).toEqual(byString(items(ids)));
      }),
      { numRuns: 400 },
    );
  });

  it('orders any other ids as the id strings order, stably', () => {
    fc.assert(
      fc.property(mixedIds, (ids) => {
        expect(inIdOrder(items(ids), (item) => item.id)).toEqual(byString(items(ids)));
      }),
      { numRuns: 400 },
    );
  });
});

describe('distinctIdOrder (property)', () => {
  it('is idOrder when no id repeats, and undefined when one does, on either path', () => {
    fc.assert(
      fc.property(fc.oneof(idsOfOneKind, mixedIds), (ids) => {
        const keys = ids.map((id) => id ?? '');
        const repeats = new Set(keys).size < keys.length;
        expect(distinctIdOrder(keys)).toEqual(repeats ? undefined : idOrder(keys));
      }),
      { numRuns: 400 },
    );
  });
});

describe('distinctIdOrder', () => {
  it('tells ids apart by every digit, those before the last 13 too', () => {
    const low = '0123456789abc';
    expect(distinctIdOrder([`eni-0001${low}`, `eni-0000${low}`])).toEqual([1, 0]);
    expect(distinctIdOrder([`eni-0001${low}`, `eni-0001${low}`])).toBeUndefined();
  });
});

describe('hexDigitKeys', () => {
  it('reads the digits after the prefix as numbers, split after the 13th digit from the end', () => {
    const keys = hexDigitKeys(['eni-0123456789abcdef0', 'eni-00000000000000001']);
    expect(keys && [...keys.high]).toEqual([0x0123, 0]);
    expect(keys && [...keys.low]).toEqual([0x456789abcdef0, 1]);
  });

  it('takes only one prefix with the same number of lowercase hex digits', () => {
    expect(hexDigitKeys(['sg-12', 'sg-123'])).toBeUndefined();
    expect(hexDigitKeys(['sg-12', 'fs-12'])).toBeUndefined();
    expect(hexDigitKeys(['sg-12', 'sg-1A'])).toBeUndefined();
    expect(hexDigitKeys(['sg-12', 'sg-1g'])).toBeUndefined();
    expect(hexDigitKeys(['sg-', 'sg-'])).toBeUndefined();
    expect(hexDigitKeys([`sg-${'1'.repeat(27)}`])).toBeUndefined();
    expect(hexDigitKeys([])).toBeUndefined();
  });
});
