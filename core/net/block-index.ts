// Which registered CIDR block holds an address, in O(distinct prefix lengths) instead of a scan of
// every block: blocks are bucketed by family and prefix length, keyed by their network address.
// Blocks may overlap (two VPCs can share a range, a route table holds a /16 and a /24 inside it):
// `find` answers the first value registered for any holding block, exactly as `Array.prototype.find`
// over the registration order would; `longest` the value of the longest holding block (a longest
// prefix match), the first registered among equal blocks.
import { type AddressFamily, parseAddress, parseCidr } from './cidr';

interface Bucket<T> {
  readonly shift: bigint;
  readonly byNetwork: Map<bigint, { readonly order: number; readonly value: T }>;
}

export interface BlockIndex<T> {
  /** The value of the first-registered block holding `address`, or undefined. */
  find(address: string): T | undefined;
  /** The value of the longest block holding `address` (the first registered for it), or undefined. */
  longest(address: string): T | undefined;
}

export function blockIndex<T>(entries: Iterable<readonly [cidr: string, value: T]>): BlockIndex<T> {
  const buckets: Record<AddressFamily, Map<number, Bucket<T>>> = { ipv4: new Map(), ipv6: new Map() };
  let order = 0;
  for (const [cidr, value] of entries) {
    const block = parseCidr(cidr);
    const width = block.family === 'ipv4' ? 32 : 128;
    let bucket = buckets[block.family].get(block.prefixLength);
    if (!bucket) {
      bucket = { shift: BigInt(width - block.prefixLength), byNetwork: new Map() };
      buckets[block.family].set(block.prefixLength, bucket);
    }
    const key = block.first >> bucket.shift;
    if (!bucket.byNetwork.has(key)) bucket.byNetwork.set(key, { order, value });
    order++;
  }
  const longestFirst = (family: AddressFamily): Bucket<T>[] =>
    [...buckets[family].entries()].sort(([a], [b]) => b - a).map(([, bucket]) => bucket);
  const byLength: Record<AddressFamily, Bucket<T>[]> = {
    ipv4: longestFirst('ipv4'),
    ipv6: longestFirst('ipv6'),
  };
  return {
    find(address) {
      const parsed = parseAddress(address);
      let best: { readonly order: number; readonly value: T } | undefined;
      for (const bucket of buckets[parsed.family].values()) {
        const hit = bucket.byNetwork.get(parsed.value >> bucket.shift);
        if (hit && (!best || hit.order < best.order)) best = hit;
      }
      return best?.value;
    },
    longest(address) {
      const parsed = parseAddress(address);
      for (const bucket of byLength[parsed.family]) {
        const hit = bucket.byNetwork.get(parsed.value >> bucket.shift);
        if (hit) return hit.value;
      }
      return undefined;
    },
  };
}
