import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import {
  canonicaliseCidr,
  cidrContainsAddress,
  cidrContainsCidr,
  familiesCoveredBy,
  InvalidCidrError,
  ipv4Text,
  isAddress,
  isValidCidr,
  isWorldOpen,
  parseAddress,
  parseCidr,
} from '../../../../core/net/cidr';

describe('parseCidr', () => {
  it.each([
    ['10.0.0.0/33', 'prefix length must be 0-32'],
    ['10.0.0/16', 'is not an IPv4 or IPv6 address'],
    ['10.0.0.0', 'missing "/prefix-length"'],
    ['2001:db8::/129', 'prefix length must be 0-128'],
    ['10.0.0.0/-1', 'prefix length'],
    ['banana/8', 'is not an IPv4 or IPv6 address'],
    ['0x0a.0.0.0/8', 'is not an IPv4 or IPv6 address'],
  ])('rejects %s naming it', (text, detail) => {
    expect(() => parseCidr(text)).toThrow(InvalidCidrError);
    expect(() => parseCidr(text)).toThrow(`"${text}"`);
    expect(() => parseCidr(text)).toThrow(detail);
    expect(isValidCidr(text)).toBe(false);
  });

  it.each([
    ['10.0.0.1/16', '10.0.0.0/16'],
    ['192.168.1.77/32', '192.168.1.77/32'],
    ['2001:DB8:0:0::1/32', '2001:db8::/32'],
    ['::/0', '::/0'],
  ])('canonicalises %s to %s', (text, canonical) => {
    expect(canonicaliseCidr(text)).toBe(canonical);
  });

  it('writes the network address of any IPv4 CIDR as ipaddr does', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        fc.integer({ min: 0, max: 32 }),
        (value, length) => {
          const address = ipaddr
            .fromByteArray([value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255])
            .toString();
          expect(ipv4Text(value)).toBe(address);
          const text = `${address}/${length}`;
          expect(canonicaliseCidr(text)).toBe(
            `${ipaddr.IPv4.networkAddressFromCIDR(text).toString()}/${length}`,
          );
        },
      ),
    );
  });
});

describe('isAddress', () => {
  it.each([
    ['10.0.1.7', true],
    ['0.0.0.0', true],
    ['2001:db8::1', true],
    ['10.0.1.256', false],
    ['10.01.1.7', false],
    ['10.0.1', false],
    ['10.0.0.0/16', false],
    ['banana', false],
  ])('%s: %s, as parseAddress decides', (text, valid) => {
    expect(isAddress(text)).toBe(valid);
    if (valid) expect(parseAddress(text)).toBeDefined();
    else expect(() => parseAddress(text)).toThrow(InvalidCidrError);
  });
});

describe('containment and overlap', () => {
  it.each([
    ['10.0.0.0/16', '10.0.255.255', true],
    ['10.0.0.0/16', '10.1.0.0', false],
    ['0.0.0.0/0', '203.0.113.9', true],
    ['0.0.0.0/0', '2001:db8::1', false],
    ['::/0', '10.0.0.1', false],
    ['::/0', '2001:db8::1', true],
    ['2001:db8::/32', '2001:db8:ffff::1', true],
    ['2001:db8::/32', '2001:db9::1', false],
    ['::ffff:0:0/96', '10.0.0.1', false],
  ])('%s contains %s: %s', (block, address, expected) => {
    expect(cidrContainsAddress(block, address)).toBe(expected);
  });

  it.each([
    ['10.0.0.0/16', '10.0.1.0/24', true],
    ['10.0.0.0/16', '10.0.0.0/8', false],
    ['10.0.0.0/16', '10.0.0.0/16', true],
    ['0.0.0.0/0', '::/0', false],
    ['2001:db8::/32', '2001:db8:1::/48', true],
  ])('%s contains CIDR %s: %s', (outer, inner, expected) => {
    expect(cidrContainsCidr(outer, inner)).toBe(expected);
  });

  it.each([
    [['0.0.0.0/1', '128.0.0.0/1'], ['ipv4']],
    [['128.0.0.0/1', '10.0.0.0/8', '0.0.0.0/2', '64.0.0.0/2'], ['ipv4']],
    [['0.0.0.0/1', '128.0.0.0/2', '192.0.0.0/2'], ['ipv4']],
    [['0.0.0.0/1', '128.0.0.0/2', '224.0.0.0/3'], []],
    [['0.0.0.0/1', '::/1', '8000::/1'], ['ipv6']],
    [
      ['0.0.0.0/0', '::/0'],
      ['ipv4', 'ipv6'],
    ],
    [[], []],
  ])('the union of %j covers the whole address space of %j', (cidrs, families) => {
    expect(familiesCoveredBy(cidrs)).toEqual(families);
  });

  it('recognises world-open blocks in any spelling', () => {
    expect(isWorldOpen('0.0.0.0/0')).toBe(true);
    expect(isWorldOpen('::/0')).toBe(true);
    expect(isWorldOpen('0:0::/0')).toBe(true);
    expect(isWorldOpen('10.0.0.0/0')).toBe(true);
    expect(isWorldOpen('0.0.0.0/1')).toBe(false);
  });
});

describe('parseAddress reads dotted quads as ipaddr does', () => {
  // The hand-written dotted-quad reader must accept and value exactly what the strict ipaddr check does.
  const viaIpaddr = (text: string): bigint | undefined =>
    ipaddr.IPv4.isValidFourPartDecimal(text)
      ? ipaddr.IPv4.parse(text)
          .toByteArray()
          .reduce((value, byte) => (value << 8n) | BigInt(byte), 0n)
      : undefined;
  const ours = (text: string): bigint | undefined => {
    try {
      const parsed = parseAddress(text);
      return parsed.family === 'ipv4' ? parsed.value : undefined;
    } catch {
      return undefined;
    }
  };

  it.each([
    '0.0.0.0',
    '255.255.255.255',
    '10.0.0.1',
    '256.0.0.1',
    '01.2.3.4',
    '1.2.3.00',
    '1.2.3',
    '1.2.3.4.5',
    '1..2.3',
    '.1.2.3',
    '1.2.3.',
    ' 1.2.3.4',
    '1.2.3.4 ',
    '1.2.3.1000',
    '0x1.2.3.4',
    '१.2.3.4',
  ])('%j', (text) => {
    expect(ours(text)).toBe(viaIpaddr(text));
  });

  it('agrees on generated dotted strings', () => {
    const part = fc.oneof(
      fc.integer({ min: 0, max: 300 }).map(String),
      fc.stringMatching(/^[0-9]{1,4}$/),
      fc.constantFrom('', '00', '007', 'a', '-1'),
    );
    fc.assert(
      fc.property(fc.array(part, { minLength: 1, maxLength: 6 }), (parts) => {
        const text = parts.join('.');
        expect(ours(text)).toBe(viaIpaddr(text));
      }),
      { numRuns: 2000 },
    );
  });
});
