// Address ranges cut into atoms: the pieces of a CIDR inside which every address is treated alike by a
// given set of CIDRs (route destinations, ACL entries, security-group peers, allowed ranges). Every
// decision efsguard makes about a source address depends only on which of those CIDRs hold it, so one
// representative address per atom decides the whole atom exactly.
import ipaddr from 'ipaddr.js';
import { type AddressFamily, type ParsedCidr, parseCidr } from '../net/cidr';

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
  const length = family === 'ipv4' ? 4 : 16;
  const bytes: number[] = [];
  let rest = value;
  for (let i = 0; i < length; i++) {
    bytes.unshift(Number(rest & 0xffn));
    rest >>= 8n;
  }
  return ipaddr.fromByteArray(bytes).toString();
}

function inside(inner: ParsedCidr, outer: ParsedCidr): boolean {
  return inner.family === outer.family && outer.first <= inner.first && inner.last <= outer.last;
}

/**
 * The atoms of `range` under `cuts`, in address order. A cut that holds the whole range, or misses it,
 * cuts nothing; CIDRs nest or are disjoint, so each overlapping cut is either inside the range or holds it.
 */
export function atomsOf(range: string, cuts: Iterable<string>): Atom[] {
  const outer = parseCidr(range);
  const pieces = new Map<string, ParsedCidr>([[outer.canonical, outer]]);
  for (const cut of cuts) {
    const block = parseCidr(cut);
    if (inside(block, outer)) pieces.set(block.canonical, block);
  }
  const list = [...pieces.values()].sort((a, b) =>
    a.first < b.first ? -1 : a.first > b.first ? 1 : a.prefixLength - b.prefixLength,
  );
  const atoms: Atom[] = [];
  for (const piece of list) {
    const inner = list.filter((other) => other !== piece && inside(other, piece));
    const holes = inner.filter((hole) => !inner.some((other) => other !== hole && inside(hole, other)));
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
