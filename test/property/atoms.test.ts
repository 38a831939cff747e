// atomsOf's contract, checked on random cut sets: the atoms partition the range, and every cut holds
// either every address of an atom or none of them, so the atom's representative decides it.
import fc from 'fast-check';
import { cidrContainsAddress, cidrContainsCidr, parseCidr } from '../../core/net/cidr';
import { atomsOf, SortedCuts } from '../../core/routing/ranges';
import { addressAt, cidrArb, offsetArb } from '../helpers/cidr-arbitrary';

const RANGE = '10.0.0.0/16';

/** `within` as atomsOf takes it: each block parsed, by its canonical text. */
const blocksOf = (cidrs: readonly string[]) =>
  new Map(cidrs.map((cidr) => [parseCidr(cidr).canonical, parseCidr(cidr)] as const));

function atomHolding(atoms: ReturnType<typeof atomsOf>, address: string) {
  return atoms.filter(
    (atom) =>
      cidrContainsAddress(atom.cidr, address) &&
      !atom.holes.some((hole) => cidrContainsAddress(hole, address)),
  );
}

describe('atomsOf (property)', () => {
  it('puts every address of the range in exactly one atom, which every cut holds wholly or not at all', () => {
    fc.assert(
      fc.property(
        fc.array(cidrArb, { maxLength: 40 }),
        fc.array(offsetArb, { minLength: 1, maxLength: 20 }),
        (cuts, offsets) => {
          const atoms = atomsOf(RANGE, cuts);
          for (const offset of offsets) {
            const address = addressAt(offset);
            const holding = atomHolding(atoms, address);
            expect(holding).toHaveLength(1);
            const atom = holding[0];
            if (!atom) return;
            // The representative is an address of the atom itself.
            expect(atomHolding(atoms, atom.representative)).toEqual([atom]);
            for (const cut of cuts) {
              expect(cidrContainsAddress(cut, address)).toBe(cidrContainsAddress(cut, atom.representative));
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
  it('with `within`, gives exactly the atoms inside those blocks, unchanged, with inline or shared cuts', () => {
    fc.assert(
      fc.property(
        fc.array(cidrArb, { maxLength: 40 }),
        fc.array(cidrArb, { maxLength: 6 }),
        (cuts, within) => {
          const all = atomsOf(RANGE, [...cuts, ...within]);
          const wanted = all.filter((atom) => within.some((block) => cidrContainsCidr(block, atom.cidr)));
          expect(atomsOf(RANGE, [...cuts, ...within], blocksOf(within))).toEqual(wanted);
          // Cuts shared as a SortedCuts (parsed and sorted once) cut exactly as the same cuts given inline.
          expect(atomsOf(RANGE, within, blocksOf(within), new SortedCuts(cuts))).toEqual(wanted);
          expect(atomsOf(RANGE, [], undefined, new SortedCuts([...cuts, ...within]))).toEqual(all);
        },
      ),
      { numRuns: 300 },
    );
  });
  it('with `skip`, leaves out exactly the atoms of the pieces it skips, the others unchanged', () => {
    fc.assert(
      fc.property(
        fc.array(cidrArb, { maxLength: 40 }),
        fc.array(cidrArb, { maxLength: 6 }),
        cidrArb,
        (cuts, within, skipped) => {
          const all = atomsOf(RANGE, [...cuts, ...within], blocksOf(within));
          const kept = all.filter((atom) => !cidrContainsCidr(skipped, atom.cidr));
          const skip = (piece: { canonical: string }) => cidrContainsCidr(skipped, piece.canonical);
          expect(atomsOf(RANGE, [...cuts, ...within], blocksOf(within), undefined, skip)).toEqual(kept);
          // Cuts given parsed cut exactly as their text does.
          expect(
            atomsOf(RANGE, [...cuts.map((cidr) => parseCidr(cidr)), ...within], blocksOf(within)),
          ).toEqual(all);
        },
      ),
      { numRuns: 300 },
    );
  });
});
