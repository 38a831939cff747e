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

// IPv4 blocks are compared by their numbers (ipv4First, ipv4Last): a BigInt comparison costs many times
// more, and an exposure sweep makes millions of them.
function inside(inner: ParsedCidr, outer: ParsedCidr): boolean {
  if (inner.family !== outer.family) return false;
  if (inner.ipv4First !== undefined && outer.ipv4First !== undefined)
    return outer.ipv4First <= inner.ipv4First && (inner.ipv4Last as number) <= (outer.ipv4Last as number);
  return outer.first <= inner.first && inner.last <= outer.last;
}

/** Address order within a family: by first address, a holding block before the blocks it holds. */
function byAddress(a: ParsedCidr, b: ParsedCidr): number {
  if (a.ipv4First !== undefined && b.ipv4First !== undefined)
    return a.ipv4First - b.ipv4First || a.prefixLength - b.prefixLength;
  return a.first < b.first ? -1 : a.first > b.first ? 1 : a.prefixLength - b.prefixLength;
}

/** The same block: one family, one first address, one prefix length (so one canonical text). */
function sameBlock(a: ParsedCidr, b: ParsedCidr): boolean {
  return a.family === b.family && a.prefixLength === b.prefixLength && a.first === b.first;
}

/** The blocks of `within` inside `outer` and inside no other of them, in address order. */
function largestBlocks(within: readonly ParsedCidr[], outer: ParsedCidr): ParsedCidr[] {
  const sorted = within.filter((block) => inside(block, outer));
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

/** A cut: a CIDR's text, or the CIDR parsed once for many calls (a group's member addresses). */
export type Cut = string | ParsedCidr;

const NO_HOLES: readonly ParsedCidr[] = Object.freeze([]);

/**
 * The atoms of `range` under `cuts` (and `shared`, the same as more cuts), in address order. A cut that
 * holds the whole range, or misses it, cuts nothing; CIDRs nest or are disjoint, so each overlapping cut
 * is either inside the range or holds it, and the pieces form a tree: one sweep in address order (outer
 * before inner) finds each piece's holes, its children, in O(k log k) for k cuts. With `within`
 * (each block parsed, by its canonical text; each holding the range or among the cuts), only the atoms
 * inside one of those blocks. With `skip`, not the atoms of the pieces it answers true for: a caller
 * that would drop every address of a piece says so, and the atom is never made (the other atoms, holes
 * included, are unchanged).
 */
export function atomsOf(
  range: string,
  cuts: Iterable<Cut>,
  within?: ReadonlyMap<string, ParsedCidr>,
  shared?: SortedCuts,
  skip?: (piece: ParsedCidr) => boolean,
): Atom[] {
  const outer = parseCidr(range);
  const withinBlocks = within && [...within.values()];
  // Only cuts inside a wanted block can shape a wanted atom (a cut holding one cuts nothing in it).
  const wholeRange = !withinBlocks || withinBlocks.some((block) => inside(outer, block));
  const blocks = withinBlocks && !wholeRange ? largestBlocks(withinBlocks, outer) : undefined;
  const found: ParsedCidr[] = [outer];
  for (const cut of cuts) {
    const block = typeof cut === 'string' ? parseCidr(cut) : cut;
    if (inside(block, outer) && (!blocks || insideAny(block, blocks))) found.push(block);
  }
  for (const block of blocks ?? [outer]) {
    for (const cut of shared?.inside(block) ?? []) found.push(cut);
  }
  // Sorted, a block given twice (or the range itself among the cuts) is adjacent: one piece each.
  found.sort(byAddress);
  const list: ParsedCidr[] = [];
  for (const block of found) {
    const last = list[list.length - 1];
    if (!last || !sameBlock(last, block)) list.push(block);
  }
  // Per piece, by its position in `list`: its holes (its children in the tree), and whether it is wanted.
  const holesOf: (ParsedCidr[] | undefined)[] = new Array(list.length);
  const wanted = new Uint8Array(list.length);
  const enclosing: number[] = [];
  for (let i = 0; i < list.length; i++) {
    const piece = list[i] as ParsedCidr;
    while (
      enclosing.length > 0 &&
      !inside(piece, list[enclosing[enclosing.length - 1] as number] as ParsedCidr)
    )
      enclosing.pop();
    const parent = enclosing[enclosing.length - 1];
    if (parent !== undefined) {
      const holes = holesOf[parent];
      if (holes) holes.push(piece);
      else holesOf[parent] = [piece];
    }
    if (wholeRange || within?.has(piece.canonical) || (parent !== undefined && wanted[parent] === 1))
      wanted[i] = 1;
    enclosing.push(i);
  }
  const atoms: Atom[] = [];
  for (let i = 0; i < list.length; i++) {
    const piece = list[i] as ParsedCidr;
    if (wanted[i] !== 1 || skip?.(piece)) continue;
    const holes = holesOf[i] ?? NO_HOLES;
    const representative = firstOutside(piece, holes);
    if (representative === undefined) continue;
    atoms.push({ cidr: piece.canonical, holes: holes.map((hole) => hole.canonical), representative });
  }
  return atoms;
}

/** The text of the first address of `piece` in none of `holes` (in address order), if any. */
function firstOutside(piece: ParsedCidr, holes: readonly ParsedCidr[]): string | undefined {
  if (piece.ipv4First !== undefined) {
    let candidate = piece.ipv4First;
    for (const hole of holes) {
      if ((hole.ipv4First as number) <= candidate && candidate <= (hole.ipv4Last as number))
        candidate = (hole.ipv4Last as number) + 1;
    }
    return candidate > (piece.ipv4Last as number) ? undefined : ipv4Text(candidate);
  }
  let candidate = piece.first;
  for (const hole of holes) {
    if (hole.first <= candidate && candidate <= hole.last) candidate = hole.last + 1n;
  }
  return candidate > piece.last ? undefined : addressText(piece.family, candidate);
}

/** '10.0.0.0/16' or '10.0.0.0/16 except 10.0.1.0/24, 10.0.2.0/24'. */
export function describeAtom(atom: Atom): string {
  return atom.holes.length ? `${atom.cidr} except ${atom.holes.join(', ')}` : atom.cidr;
}
