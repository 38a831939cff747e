// Random IPv4 CIDRs and addresses around 10.0.0.0/16 for property tests: host bits cleared, lengths /8
// (holding the whole range) to /32, so that blocks nest, repeat and collide often.
import fc from 'fast-check';
import { addressText } from '../../core/routing/ranges';

/** 10.0.0.0 as an unsigned integer. */
export const BASE = 10 * 2 ** 24;

/** The address `offset` (0-65535) into 10.0.0.0/16. */
export const addressAt = (offset: number): string => addressText('ipv4', BigInt(BASE + offset));

/** A CIDR with its host bits cleared, of a prefix length from `shortest` to /32, around 10.0.0.0/16. */
export const cidrArbFrom = (shortest: number) =>
  fc
    .record({
      offset: fc.integer({ min: 0, max: 2 ** 16 - 1 }),
      length: fc.integer({ min: shortest, max: 32 }),
    })
    .map(({ offset, length }) => {
      const size = 2 ** (32 - length);
      return `${addressText('ipv4', BigInt(Math.floor((BASE + offset) / size) * size))}/${length}`;
    });

/** A CIDR with its host bits cleared, from /8 to /32, mostly inside 10.0.0.0/16. */
export const cidrArb = cidrArbFrom(8);

/** An offset into 10.0.0.0/16, for addressAt. */
export const offsetArb = fc.integer({ min: 0, max: 2 ** 16 - 1 });
