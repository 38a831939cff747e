import { ALL_PORTS } from '../../../../core/model';
import {
  coversNfs,
  coversTcpPort,
  describeProtocolAndPorts,
  InvalidPortRangeError,
  InvalidProtocolError,
  normalisePorts,
  normaliseProtocol,
} from '../../../../core/net/protocol';

describe('normaliseProtocol', () => {
  it.each([
    ['-1', 'all'],
    [-1, 'all'],
    ['all', 'all'],
    ['TCP', 'tcp'],
    ['6', 'tcp'],
    [6, 'tcp'],
    ['17', 'udp'],
    ['Udp', 'udp'],
    ['1', 'icmp'],
    ['58', 'icmpv6'],
    ['ICMPv6', 'icmpv6'],
    ['47', 47],
    [0, 0],
    ['255', 255],
  ] as const)('%p -> %p', (raw, expected) => {
    expect(normaliseProtocol(raw)).toBe(expected);
  });

  it.each(['256', 'gre', '', '-2', '6.5'])('rejects %p with a clear error', (raw) => {
    expect(() => normaliseProtocol(raw)).toThrow(InvalidProtocolError);
    expect(() => normaliseProtocol(raw)).toThrow(`invalid protocol ${JSON.stringify(raw)}`);
  });
});

describe('normalisePorts', () => {
  it('gives all-traffic and other protocols every port', () => {
    expect(normalisePorts('all', -1, -1)).toEqual(ALL_PORTS);
    expect(normalisePorts(47, 2049, 2049)).toEqual(ALL_PORTS);
  });
  it('gives tcp/udp with absent ports every port', () => {
    expect(normalisePorts('tcp')).toEqual(ALL_PORTS);
    expect(normalisePorts('udp', -1, -1)).toEqual(ALL_PORTS);
  });
  it('keeps a valid tcp range', () => {
    expect(normalisePorts('tcp', 2000, 2100)).toEqual({ from: 2000, to: 2100 });
  });
  it.each([
    [70000, 70000],
    [2100, 2000],
    [1.5, 3],
  ])('rejects tcp %p-%p', (from, to) => {
    expect(() => normalisePorts('tcp', from, to)).toThrow(InvalidPortRangeError);
  });
});

describe('coversTcpPort / coversNfs', () => {
  const rule = (protocol: Parameters<typeof normalisePorts>[0], from?: number, to?: number) => ({
    protocol,
    ports: normalisePorts(protocol, from, to),
  });
  it.each([
    [rule('all'), true],
    [rule(normaliseProtocol('6'), 2049, 2049), true],
    [rule('tcp', 2000, 2100), true],
    [rule('tcp', 2050, 2100), false],
    [rule('tcp', 0, 2048), false],
    [rule('udp', 2049, 2049), false],
    [rule(47), false],
    [rule('icmp', -1, -1), false],
  ])('%o covers NFS: %p', (permission, expected) => {
    expect(coversNfs(permission)).toBe(expected);
  });
  it('checks the given port', () => {
    expect(coversTcpPort(rule('tcp', 22, 22), 22)).toBe(true);
    expect(coversTcpPort(rule('tcp', 22, 22), 23)).toBe(false);
  });
  it('describes permissions for annotations', () => {
    expect(describeProtocolAndPorts(rule('all'))).toBe('all traffic');
    expect(describeProtocolAndPorts(rule('tcp', 2049, 2049))).toBe('tcp 2049');
    expect(describeProtocolAndPorts(rule('tcp', 0, 65535))).toBe('tcp 0-65535');
    expect(describeProtocolAndPorts(rule(47))).toBe('protocol 47');
  });
});
