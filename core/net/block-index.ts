// Which registered CIDR block holds an address, in O(distinct prefix lengths) instead of a scan of
// every block: blocks are bucketed by family and prefix length, keyed by their network address.
// Blocks may overlap (two VPCs can share a range); the first value registered for a holding block wins,
// exactly as `Array.prototype.find` over the registration order would answer.
import { type AddressFamily, parseAddress, parseCidr } from './cidr';

interface Bucket<T> {
  readonly shift: bigint;
  readonly byNetwork: Map<bigint, { readonly order: number; readonly value: T }>;
}

export interface BlockIndex<T> {
  /** The value of the first-registered block holding `address`, or undefined. */
  find(address: string): T | undefined;
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
  };
}
