// IPv4 addresses are checked as numbers (ParsedCidr.ipv4First/ipv4Last, blockIndex's numeric buckets,
// evaluateAclTcp's one-port path), where they were BigInts. Each is checked here against a reference
// that shares none of that code: ipaddr.js's own `match`, a linear scan, and a port-by-port ACL.
import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import type { NetworkAclEntry } from '../../core/model';
import { blockIndex } from '../../core/net/block-index';
import { cidrContainsAddress, parseCidr } from '../../core/net/cidr';
import { evaluateAclTcp } from '../../core/net/network-acl';
import { addressText } from '../../core/routing/ranges';
import { aclEntry, aclOf } from '../fixtures/topology-builder';
import { addressAt, cidrArbFrom, offsetArb } from '../helpers/cidr-arbitrary';

/** ipaddr.js alone: does `cidr` hold `address`? Families never mix. */
function holds(cidr: string, address: string): boolean {
  const parsed = ipaddr.parse(address);
  const [network, length] = ipaddr.parseCIDR(cidr);
  return parsed.kind() === network.kind() && parsed.match(network, length);
}

/** Any prefix length, /0 to /32, so that the buckets of the shortest blocks are exercised too. */
const anyLengthCidrArb = cidrArbFrom(0);

const ipv6CidrArb = fc.constantFrom('::/0', '2001:db8::/32', '2001:db8:0:1::/64', '2001:db8::1/128');
const cidrArb = fc.oneof({ weight: 6, arbitrary: anyLengthCidrArb }, { weight: 1, arbitrary: ipv6CidrArb });

/** Mostly addresses in 10.0.0.0/16, with some far away (high first octet) and some IPv6. */
const addressArb = fc.oneof(
  { weight: 6, arbitrary: offsetArb.map(addressAt) },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 0, max: 2 ** 32 - 1 }).map((v) => addressText('ipv4', BigInt(v))),
  },
  { weight: 1, arbitrary: fc.constantFrom('2001:db8::5', '2001:db8:0:1::9', 'fe80::1') },
);

describe('IPv4 checked as numbers, against references that do not', () => {
  it('cidrContainsAddress agrees with ipaddr.js', () => {
    fc.assert(
      fc.property(cidrArb, addressArb, (cidr, address) => {
        expect(cidrContainsAddress(cidr, address)).toBe(holds(cidr, address));
      }),
      { numRuns: 2000 },
    );
  });

  it('parseCidr reads any IPv4 CIDR, host bits set or not, as ipaddr.js does', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        fc.integer({ min: 0, max: 32 }),
        fc.boolean(),
        (value, length, padded) => {
          const text = `${addressText('ipv4', BigInt(value))}/${padded ? String(length).padStart(3, '0') : length}`;
          const network = ipaddr.IPv4.networkAddressFromCIDR(text).toString();
          const first = ipaddr.IPv4.networkAddressFromCIDR(text)
            .toByteArray()
            .reduce((a, b) => a * 256 + b, 0);
          const last = ipaddr.IPv4.broadcastAddressFromCIDR(text)
            .toByteArray()
            .reduce((a, b) => a * 256 + b, 0);
          expect(parseCidr(text)).toEqual({
            family: 'ipv4',
            canonical: `${network}/${length}`,
            prefixLength: length,
            first: BigInt(first),
            last: BigInt(last),
            ipv4First: first,
            ipv4Last: last,
          });
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('blockIndex answers as a scan of the registrations in order', () => {
    fc.assert(
      fc.property(
        fc.array(cidrArb, { maxLength: 30 }),
        fc.array(addressArb, { maxLength: 20 }),
        (cidrs, addresses) => {
          const registered = cidrs.map((cidr, i) => [cidr, i] as const);
          const index = blockIndex(registered);
          for (const address of addresses) {
            const holding = registered.filter(([cidr]) => holds(cidr, address));
            expect(index.find(address)).toBe(holding[0]?.[1]);
            const longest = Math.max(-1, ...holding.map(([cidr]) => Number(cidr.split('/')[1])));
            expect(index.longest(address)).toBe(
              holding.find(([cidr]) => Number(cidr.split('/')[1]) === longest)?.[1],
            );
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  /** AWS's rule, one port at a time: the lowest-numbered matching entry decides; none matching denies. */
  function decidePort(entries: readonly NetworkAclEntry[], egress: boolean, address: string, port: number) {
    const family = ipaddr.parse(address).kind();
    const decider = [...entries]
      .sort((a, b) => a.ruleNumber - b.ruleNumber)
      .find(
        (entry) =>
          entry.egress === egress &&
          ipaddr.parseCIDR(entry.cidr)[0].kind() === family &&
          (entry.protocol === 'all' ||
            (entry.protocol === 'tcp' && entry.ports.from <= port && port <= entry.ports.to)) &&
          holds(entry.cidr, address),
      );
    return decider ? { allowed: decider.action === 'allow', ruleNumber: decider.ruleNumber } : undefined;
  }

  const entryArb = fc
    .record({
      ruleNumber: fc.integer({ min: 1, max: 300 }),
      direction: fc.constantFrom('in' as const, 'out' as const),
      action: fc.constantFrom('allow' as const, 'deny' as const),
      protocol: fc.constantFrom('tcp' as const, 'udp' as const, 'all' as const),
      cidr: cidrArb,
      from: fc.integer({ min: 2040, max: 2060 }),
      width: fc.integer({ min: 0, max: 15 }),
    })
    .map((e) =>
      aclEntry(e.ruleNumber, e.direction, e.action, e.protocol, e.cidr, [e.from, e.from + e.width]),
    );

  it('evaluateAclTcp decides one port as the lowest-numbered matching entry does, and a range port by port', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(entryArb, {
          maxLength: 12,
          selector: (entry) => `${entry.ruleNumber}:${entry.egress}`,
        }),
        addressArb,
        fc.constantFrom('ingress' as const, 'egress' as const),
        fc.integer({ min: 2035, max: 2065 }),
        fc.integer({ min: 0, max: 10 }),
        (entries, address, direction, port, width) => {
          const table = aclOf(entries);
          const egress = direction === 'egress';
          const one = decidePort(entries, egress, address, port);
          expect(evaluateAclTcp(table, direction, address, { from: port, to: port })).toEqual(
            one?.allowed
              ? { allowed: true, ruleNumber: one.ruleNumber }
              : { allowed: false, ruleNumber: one ? one.ruleNumber : '*', deniedPort: port },
          );
          const ports = Array.from({ length: width + 1 }, (_, i) => port + i);
          const everyAllowed = ports.every((p) => decidePort(entries, egress, address, p)?.allowed === true);
          const range = evaluateAclTcp(table, direction, address, { from: port, to: port + width });
          expect(range.allowed).toBe(everyAllowed);
          if (!range.allowed)
            expect(decidePort(entries, egress, address, range.deniedPort as number)?.allowed).not.toBe(true);
        },
      ),
      { numRuns: 1500 },
    );
  });
});
