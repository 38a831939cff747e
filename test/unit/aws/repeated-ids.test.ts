import fc from 'fast-check';
import { repeatedIds } from '../../../aws/snapshot/repeated-ids';

/** What a Map gives: each id seen before, with the index where it was first seen. */
function reference(ids: readonly (string | undefined)[]): [number, number][] {
  const first = new Map<string, number>();
  const repeats: [number, number][] = [];
  ids.forEach((id, index) => {
    if (id === undefined) return;
    const seen = first.get(id);
    if (seen === undefined) first.set(id, index);
    else repeats.push([index, seen]);
  });
  return repeats;
}

describe('repeatedIds', () => {
  it('finds every repeat and its first copy, in list order, as a Map would', () => {
    // Few distinct ids, so that repeats are common, among many that probe past each other.
    const id = fc.oneof(
      fc.constantFrom('sg-1', 'sg-2', 'eni-00000000000000001', '', 'é', 'sg-1 '),
      fc.string({ maxLength: 6 }),
      fc.constant(undefined),
    );
    fc.assert(
      fc.property(fc.array(id, { maxLength: 300 }), (ids) => {
        expect(repeatedIds(ids)).toEqual(reference(ids));
      }),
      { numRuns: 1000 },
    );
  });

  it('tells apart ids that differ only in their last character, across a large list', () => {
    const ids = Array.from({ length: 50_000 }, (_, i) => `eni-${String(i).padStart(17, '0')}`);
    expect(repeatedIds(ids)).toEqual([]);
    expect(repeatedIds([...ids, ids[7], ids[49_999]])).toEqual([
      [50_000, 7],
      [50_001, 49_999],
    ]);
  });
});
