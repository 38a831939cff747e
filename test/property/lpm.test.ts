// longestPrefixMatch answers from a compiled table (routes grouped by prefix length, one lookup per
// length). Checked here against the rule itself, written as plainly as possible: among the routes whose
// CIDR (or prefix-list entry) holds the address, the longest prefix wins, then the lowest rank, then the
// first in table order; an unreadable prefix list makes every answer 'unknown'.
import fc from 'fast-check';
import type { ManagedPrefixList, RouteDestination } from '../../core/model';
import { cidrContainsAddress, parseCidr } from '../../core/net/cidr';
import { longestPrefixMatch } from '../../core/routing/lpm';
import { addressAt, cidrArb, offsetArb } from '../helpers/cidr-arbitrary';

interface TestRoute {
  readonly destination: RouteDestination;
  readonly rank: number;
  readonly id: number;
}

const LISTS = new Map<string, ManagedPrefixList>([
  ['pl-a', { prefixListId: 'pl-a', name: 'a', entries: ['10.0.0.0/24', '10.0.128.0/17'] }],
  ['pl-b', { prefixListId: 'pl-b', name: 'b', entries: ['10.0.0.0/24', '10.0.1.0/24', '10.0.1.128/25'] }],
  ['pl-bad', { prefixListId: 'pl-bad', name: 'bad', entries: [], malformed: ['not-a-cidr'] }],
]);

const destinationArb: fc.Arbitrary<RouteDestination> = fc.oneof(
  { weight: 6, arbitrary: cidrArb.map((cidr) => ({ kind: 'cidr' as const, cidr })) },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom('pl-a', 'pl-b', 'pl-bad', 'pl-missing')
      .map((prefixListId) => ({ kind: 'prefixList' as const, prefixListId })),
  },
);

const routesArb = fc
  .array(fc.record({ destination: destinationArb, rank: fc.integer({ min: 0, max: 2 }) }), { maxLength: 30 })
  .map((routes) => routes.map((route, id): TestRoute => ({ ...route, id })));

/** The rule, by brute force over every route and entry. */
function reference(routes: readonly TestRoute[], address: string) {
  let best: { route: TestRoute; matched: string; length: number } | undefined;
  for (const route of routes) {
    const { destination } = route;
    const list = destination.kind === 'prefixList' ? LISTS.get(destination.prefixListId) : undefined;
    if (destination.kind === 'prefixList' && (!list || list.malformed?.length)) return { kind: 'unknown' };
    const cidrs = destination.kind === 'cidr' ? [destination.cidr] : (list?.entries ?? []);
    for (const cidr of cidrs) {
      if (!cidrContainsAddress(cidr, address)) continue;
      const length = parseCidr(cidr).prefixLength;
      if (!best || length > best.length || (length === best.length && route.rank < best.route.rank))
        best = { route, matched: cidr, length };
    }
  }
  return best ? { kind: 'match', id: best.route.id, matched: best.matched } : { kind: 'none' };
}

describe('longestPrefixMatch (property)', () => {
  it('answers as the longest prefix, then the lowest rank, then table order, would', () => {
    fc.assert(
      fc.property(routesArb, fc.array(offsetArb, { minLength: 1, maxLength: 10 }), (routes, offsets) => {
        for (const offset of offsets) {
          const address = addressAt(offset);
          const result = longestPrefixMatch(routes, address, LISTS, (route) => route.rank);
          const simple =
            result.kind === 'match'
              ? { kind: 'match', id: result.route.id, matched: result.matched }
              : { kind: result.kind };
          expect(simple).toEqual(reference(routes, address));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('answers again after the prefix lists it was compiled with are replaced', () => {
    const routes: TestRoute[] = [
      { destination: { kind: 'prefixList', prefixListId: 'pl-x' }, rank: 0, id: 0 },
    ];
    const before = new Map([['pl-x', { prefixListId: 'pl-x', name: 'x', entries: ['10.0.0.0/24'] }]]);
    const after = new Map([['pl-x', { prefixListId: 'pl-x', name: 'x', entries: ['10.0.1.0/24'] }]]);
    const rank = () => 0;
    expect(longestPrefixMatch(routes, '10.0.1.5', before, rank).kind).toBe('none');
    expect(longestPrefixMatch(routes, '10.0.1.5', after, rank)).toMatchObject({ matched: '10.0.1.0/24' });
  });
});
