// Longest prefix match over a VPC route table or a Transit Gateway route table.
//
// AWS, "How route priority works" (VPC User Guide,
// https://docs.aws.amazon.com/vpc/latest/userguide/route-tables-priority.html): the most specific route
// that matches the traffic wins (IPv4 and IPv6 routes are independent); among routes of the same prefix
// length a static route beats a prefix-list route, which beats a propagated route. A prefix-list route
// matches an address when one of the list's entries holds it, with that entry's prefix length.
// Transit Gateway route tables (Transit Gateway Guide, "Transit gateway route tables",
// https://docs.aws.amazon.com/vpc/latest/tgw/tgw-route-tables.html): the most specific route wins and a
// static route beats a propagated route of the same destination.
//
// A prefix list efsguard cannot read (missing, or with an unreadable entry) might hold a more specific
// entry than any route it can read: the answer is then 'unknown', never a guess.
import type { ManagedPrefixList, RouteDestination } from '../model';
import { type BlockIndex, blockIndex } from '../net/block-index';

/** What a route-table lookup for one address decided. */
export type LpmResult<R> =
  | {
      readonly kind: 'match';
      readonly route: R /** The CIDR that matched (a prefix-list entry for a list). */;
      readonly matched: string;
    }
  | { readonly kind: 'none' }
  | { readonly kind: 'unknown'; readonly reason: string };

export interface RouteLike {
  readonly destination: RouteDestination;
}

/** 0 static CIDR, 1 prefix list, 2 propagated: lower wins at equal prefix length. */
export type RouteRank<R> = (route: R) => number;

interface Candidate<R> {
  readonly route: R;
  readonly matched: string;
}

/** A route table ready for lookups: its prefix lists resolved, its CIDRs in a block index. */
interface CompiledTable<R> {
  readonly prefixLists: ReadonlyMap<string, ManagedPrefixList>;
  readonly rank: RouteRank<R>;
  readonly blocks: BlockIndex<Candidate<R>>;
  /** Prefix lists that cannot be read: any lookup is then 'unknown'. */
  readonly unreadable: readonly string[];
}

function compile<R extends RouteLike>(
  routes: readonly R[],
  prefixLists: ReadonlyMap<string, ManagedPrefixList>,
  rank: RouteRank<R>,
): CompiledTable<R> {
  const entries: { cidr: string; rank: number; candidate: Candidate<R> }[] = [];
  const unreadable = new Set<string>();
  for (const route of routes) {
    const destination = route.destination;
    let cidrs: readonly string[];
    if (destination.kind === 'cidr') cidrs = [destination.cidr];
    else {
      const list = prefixLists.get(destination.prefixListId);
      if (!list || list.malformed?.length) {
        unreadable.add(destination.prefixListId);
        continue;
      }
      cidrs = list.entries;
    }
    for (const cidr of cidrs) entries.push({ cidr, rank: rank(route), candidate: { route, matched: cidr } });
  }
  // The block index keeps the first value registered for a block: registered by rank (a stable sort,
  // so table order among equal ranks), the lower rank wins a block that several routes name.
  entries.sort((a, b) => a.rank - b.rank);
  return {
    prefixLists,
    rank,
    blocks: blockIndex(entries.map(({ cidr, candidate }) => [cidr, candidate] as const)),
    unreadable: [...unreadable],
  };
}

// One compiled table per route list: the same tables answer every lookup of a scan.
const compiled = new WeakMap<readonly RouteLike[], CompiledTable<RouteLike>>();

/**
 * The route `address` takes in `routes`, by longest prefix match, then by `rank` (lower first). Prefix
 * lists are resolved through `prefixLists`; one that cannot be read makes the answer 'unknown'.
 */
export function longestPrefixMatch<R extends RouteLike>(
  routes: readonly R[],
  address: string,
  prefixLists: ReadonlyMap<string, ManagedPrefixList>,
  rank: RouteRank<R>,
): LpmResult<R> {
  let table = compiled.get(routes) as CompiledTable<R> | undefined;
  if (!table || table.prefixLists !== prefixLists || table.rank !== rank) {
    table = compile(routes, prefixLists, rank);
    compiled.set(routes, table as unknown as CompiledTable<RouteLike>);
  }
  const best = table.blocks.longest(address);
  if (table.unreadable.length) {
    return {
      kind: 'unknown',
      reason: `prefix list ${table.unreadable.join(', ')} cannot be resolved, and may hold a more specific route to ${address}`,
    };
  }
  return best ? { kind: 'match', route: best.route, matched: best.matched } : { kind: 'none' };
}

/** Every CIDR a route table's destinations name (prefix lists expanded where readable). */
export function destinationCidrs(
  routes: readonly RouteLike[],
  prefixLists: ReadonlyMap<string, ManagedPrefixList>,
): string[] {
  const out: string[] = [];
  for (const route of routes) {
    if (route.destination.kind === 'cidr') out.push(route.destination.cidr);
    else out.push(...(prefixLists.get(route.destination.prefixListId)?.entries ?? []));
  }
  return out;
}
