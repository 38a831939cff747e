// Which registered CIDR block holds an address, in O(distinct prefix lengths) instead of a scan of
// every block: blocks are bucketed by family and prefix length, keyed by their network address.
// Blocks may overlap (two VPCs can share a range, a route table holds a /16 and a /24 inside it):
// `find` answers the first value registered for any holding block, exactly as `Array.prototype.find`
// over the registration order would; `longest` the value of the longest holding block (a longest
// prefix match), the first registered among equal blocks.
import { parseAddress, parseCidr, parseDottedQuad } from './cidr';

interface Hit<T> {
  readonly order: number;
  readonly value: T;
}

/** IPv4 blocks of one prefix length, keyed by their network address shifted right (a number). */
interface Ipv4Bucket<T> {
  readonly divisor: number;
  readonly byNetwork: Map<number, Hit<T>>;
}

/** IPv6 blocks of one prefix length, keyed by their network address shifted right (a BigInt). */
interface Ipv6Bucket<T> {
  readonly shift: bigint;
  readonly byNetwork: Map<bigint, Hit<T>>;
}

export interface BlockIndex<T> {
  /** The value of the first-registered block holding `address`, or undefined. */
  find(address: string): T | undefined;
  /** The value of the longest block holding `address` (the first registered for it), or undefined. */
  longest(address: string): T | undefined;
}

/** Buckets by prefix length, longest first. */
const longestFirst = <B>(buckets: Map<number, B>): B[] =>
  [...buckets.entries()].sort(([a], [b]) => b - a).map(([, bucket]) => bucket);

export function blockIndex<T>(entries: Iterable<readonly [cidr: string, value: T]>): BlockIndex<T> {
  // IPv4 is keyed by numbers, so that a lookup of a dotted quad allocates nothing (a BigInt shift per
  // bucket did); IPv6 keeps BigInts.
  const ipv4 = new Map<number, Ipv4Bucket<T>>();
  const ipv6 = new Map<number, Ipv6Bucket<T>>();
  let order = 0;
  for (const [cidr, value] of entries) {
    const block = parseCidr(cidr);
    if (block.family === 'ipv4') {
      let bucket = ipv4.get(block.prefixLength);
      if (!bucket) {
        bucket = { divisor: 2 ** (32 - block.prefixLength), byNetwork: new Map() };
        ipv4.set(block.prefixLength, bucket);
      }
      const key = Math.floor((block.ipv4First as number) / bucket.divisor);
      if (!bucket.byNetwork.has(key)) bucket.byNetwork.set(key, { order, value });
    } else {
      let bucket = ipv6.get(block.prefixLength);
      if (!bucket) {
        bucket = { shift: BigInt(128 - block.prefixLength), byNetwork: new Map() };
        ipv6.set(block.prefixLength, bucket);
      }
      const key = block.first >> bucket.shift;
      if (!bucket.byNetwork.has(key)) bucket.byNetwork.set(key, { order, value });
    }
    order++;
  }
  const ipv4Buckets = [...ipv4.values()];
  const ipv6Buckets = [...ipv6.values()];
  const ipv4Longest = longestFirst(ipv4);
  const ipv6Longest = longestFirst(ipv6);
  /**
   * The hit for `address` in the buckets given: the first registered of all the blocks holding it, or
   * with `firstOnly` the first bucket's (the buckets longest first: a longest-prefix match).
   */
  const lookup = (address: string, v4: Ipv4Bucket<T>[], v6: Ipv6Bucket<T>[], firstOnly: boolean) => {
    let best: Hit<T> | undefined;
    // The strict dotted quad without allocating; any other form through parseAddress.
    const parsed = parseDottedQuad(address) ?? parseAddress(address);
    if (typeof parsed === 'number' || parsed.family === 'ipv4') {
      const value = typeof parsed === 'number' ? parsed : Number(parsed.value);
      for (const bucket of v4) {
        const hit = bucket.byNetwork.get(Math.floor(value / bucket.divisor));
        if (hit && firstOnly) return hit;
        if (hit && (!best || hit.order < best.order)) best = hit;
      }
      return best;
    }
    for (const bucket of v6) {
      const hit = bucket.byNetwork.get(parsed.value >> bucket.shift);
      if (hit && firstOnly) return hit;
      if (hit && (!best || hit.order < best.order)) best = hit;
    }
    return best;
  };
  return {
    find: (address) => lookup(address, ipv4Buckets, ipv6Buckets, false)?.value,
    longest: (address) => lookup(address, ipv4Longest, ipv6Longest, true)?.value,
  };
}
