// Address ranges cut into atoms: the pieces of a CIDR inside which every address is treated alike by a
// given set of CIDRs (route destinations, ACL entries, security-group peers, allowed ranges). Every
// decision efsguard makes about a source address depends only on which of those CIDRs hold it, so one
// representative address per atom decides the whole atom exactly.
import ipaddr from 'ipaddr.js';
import { type AddressFamily, ipv4Text, type ParsedCidr, parseCidr } from '../net/cidr';

export interface Atom {
  /** The smallest cut (or the range itself) holding the atom. */
  readonly cidr: string;
  /** The largest cuts inside `cidr`: the atom is `cidr` without them. */
  readonly holes: readonly string[];
  /** An address of the atom (its first). */
  readonly representative: string;
}

/** The text of an address given as an unsigned integer. */
export function addressText(family: AddressFamily, value: bigint): string {
  if (family === 'ipv4') return ipv4Text(Number(value));
  const bytes: number[] = [];
  let rest = value;
  for (let i = 0; i < 16; i++) {
    bytes.unshift(Number(rest & 0xffn));
    rest >>= 8n;
  }
  return ipaddr.fromByteArray(bytes).toString();
}

function inside(inner: ParsedCidr, outer: ParsedCidr): boolean {
  return inner.family === outer.family && outer.first <= inner.first && inner.last <= outer.last;
}

function byAddress(a: ParsedCidr, b: ParsedCidr): number {
  return a.first < b.first ? -1 : a.first > b.first ? 1 : a.prefixLength - b.prefixLength;
}

/** The blocks of `within` inside `outer` and inside no other of them, in address order. */
function largestBlocks(within: ReadonlySet<string>, outer: ParsedCidr): ParsedCidr[] {
  const sorted = [...within].map((cidr) => parseCidr(cidr)).filter((block) => inside(block, outer));
  sorted.sort(byAddress);
  const largest: ParsedCidr[] = [];
  for (const block of sorted) {
    const last = largest[largest.length - 1];
    if (!last || !inside(block, last)) largest.push(block);
  }
  return largest;
}

/** Is `block` inside one of `largest` (disjoint, in address order)? Binary search on the first address. */
function insideAny(block: ParsedCidr, largest: readonly ParsedCidr[]): boolean {
  let low = 0;
  let high = largest.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const candidate = largest[middle] as ParsedCidr;
    if (candidate.first > block.first) high = middle - 1;
    else if (candidate.last < block.first) low = middle + 1;
    else return inside(block, candidate);
  }
  return false;
}

/**
 * Cuts parsed and sorted once, to share between many atomsOf calls (every mount target of a VPC shares
 * its routing and neighbour cuts): the cuts inside a block are found by binary search, not by a scan.
 */
export class SortedCuts {
  private readonly byFamily: Record<AddressFamily, ParsedCidr[]> = { ipv4: [], ipv6: [] };

  constructor(cuts: Iterable<string>) {
    const seen = new Set<string>();
    for (const cut of cuts) {
      const block = parseCidr(cut);
      if (seen.has(block.canonical)) continue;
      seen.add(block.canonical);
      this.byFamily[block.family].push(block);
    }
    this.byFamily.ipv4.sort(byAddress);
    this.byFamily.ipv6.sort(byAddress);
  }

  /** The cuts inside `block` (itself included, if it is one). */
  inside(block: ParsedCidr): ParsedCidr[] {
    const list = this.byFamily[block.family];
    let low = 0;
    let high = list.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((list[middle] as ParsedCidr).first < block.first) low = middle + 1;
      else high = middle;
    }
    const found: ParsedCidr[] = [];
    for (let i = low; i < list.length; i++) {
      const cut = list[i] as ParsedCidr;
      if (cut.first > block.last) break;
      if (inside(cut, block)) found.push(cut);
    }
    return found;
  }
}

/**
 * The atoms of `range` under `cuts` (and `shared`, the same as more cuts), in address order. A cut that
 * holds the whole range, or misses it, cuts nothing; CIDRs nest or are disjoint, so each overlapping cut
 * is either inside the range or holds it, and the pieces form a tree: one sweep in address order (outer
 * before inner) finds each piece's holes, its children, in O(k log k) for k cuts. With `within`
 * (canonical CIDRs, each holding the range or among the cuts), only the atoms inside one of those blocks.
 */
export function atomsOf(
  range: string,
  cuts: Iterable<string>,
  within?: ReadonlySet<string>,
  shared?: SortedCuts,
): Atom[] {
  const outer = parseCidr(range);
  const pieces = new Map<string, ParsedCidr>([[outer.canonical, outer]]);
  // Only cuts inside a wanted block can shape a wanted atom (a cut holding one cuts nothing in it).
  const wholeRange = !within || [...within].some((cidr) => inside(outer, parseCidr(cidr)));
  const blocks = within && !wholeRange ? largestBlocks(within, outer) : undefined;
  for (const cut of cuts) {
    const block = parseCidr(cut);
    if (inside(block, outer) && (!blocks || insideAny(block, blocks))) pieces.set(block.canonical, block);
  }
  for (const block of blocks ?? [outer]) {
    for (const cut of shared?.inside(block) ?? []) pieces.set(cut.canonical, cut);
  }
  const list = [...pieces.values()].sort(byAddress);
  const holesOf = new Map<ParsedCidr, ParsedCidr[]>(list.map((piece) => [piece, []]));
  const wanted = new Set<ParsedCidr>();
  const enclosing: ParsedCidr[] = [];
  for (const piece of list) {
    while (enclosing.length > 0 && !inside(piece, enclosing[enclosing.length - 1] as ParsedCidr))
      enclosing.pop();
    const parent = enclosing[enclosing.length - 1];
    if (parent) holesOf.get(parent)?.push(piece);
    if (wholeRange || within?.has(piece.canonical) || (parent && wanted.has(parent))) wanted.add(piece);
    enclosing.push(piece);
  }
  const atoms: Atom[] = [];
  for (const piece of list) {
    if (!wanted.has(piece)) continue;
    const holes = holesOf.get(piece) ?? [];
    let candidate = piece.first;
    for (const hole of holes) {
      if (hole.first <= candidate && candidate <= hole.last) candidate = hole.last + 1n;
    }
    if (candidate > piece.last) continue;
    atoms.push({
      cidr: piece.canonical,
      holes: holes.map((hole) => hole.canonical),
      representative: addressText(piece.family, candidate),
    });
  }
  return atoms;
}

/** '10.0.0.0/16' or '10.0.0.0/16 except 10.0.1.0/24, 10.0.2.0/24'. */
export function describeAtom(atom: Atom): string {
  return atom.holes.length ? `${atom.cidr} except ${atom.holes.join(', ')}` : atom.cidr;
}
