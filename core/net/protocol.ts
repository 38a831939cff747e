// Protocol and port normalisation, shared by the adapters (which call it once per SDK permission or
// ACL entry) and the rules.
// AWS: IpProtocol is a name (tcp, udp, icmp, icmpv6) or an IANA number; -1 means all protocols, and a
// number other than tcp(6), udp(17), icmp(1) or icmpv6(58) allows every port of that protocol.
// See "Security group rules" (https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html)
// and the EC2 API reference for IpPermission.
import { EfsguardError } from '../errors';
import { ALL_PORTS, NFS_PORT, type PortRange, type Protocol } from '../model';

export class InvalidProtocolError extends EfsguardError {
  override readonly name = 'InvalidProtocolError';
  constructor(
    readonly value: unknown,
    detail: string,
  ) {
    super(`invalid protocol ${JSON.stringify(value)}: ${detail}`);
  }
}

export class InvalidPortRangeError extends EfsguardError {
  override readonly name = 'InvalidPortRangeError';
  constructor(detail: string) {
    super(`invalid port range: ${detail}`);
  }
}

const NAMED_PROTOCOLS: Readonly<Record<string, Protocol>> = {
  '-1': 'all',
  all: 'all',
  tcp: 'tcp',
  udp: 'udp',
  icmp: 'icmp',
  icmpv6: 'icmpv6',
  '6': 'tcp',
  '17': 'udp',
  '1': 'icmp',
  '58': 'icmpv6',
};

/** '-1'/'all' -> 'all'; names (any case) and their numbers -> the name; any other 0-255 -> that number. */
export function normaliseProtocol(raw: string | number): Protocol {
  // What the EC2 API reports for nearly every rule, answered without making a new string (this runs
  // once per permission: about 430,000 times at scale 16).
  if (raw === 'tcp' || raw === 'udp') return raw;
  if (raw === '-1') return 'all';
  const text = String(raw).trim().toLowerCase();
  const named = NAMED_PROTOCOLS[text];
  if (named !== undefined) return named;
  if (/^\d{1,3}$/.test(text)) {
    const value = Number(text);
    if (value <= 255) return value;
  }
  throw new InvalidProtocolError(
    raw,
    'expected -1, all, tcp, udp, icmp, icmpv6 or an IANA protocol number 0-255',
  );
}

function isPort(value: number): boolean {
  return Number.isInteger(value) && value >= 0 && value <= 65535;
}

/**
 * The port range a permission or ACL entry applies to. All-traffic and protocols without ports
 * cover 0-65535 of that protocol; tcp/udp with absent ports (an AWS shorthand) cover every port.
 * ICMP keeps type/code as AWS reports them (-1 meaning any), so they are not validated as ports.
 */
export function normalisePorts(protocol: Protocol, fromPort?: number, toPort?: number): PortRange {
  if (protocol === 'icmp' || protocol === 'icmpv6') {
    return { from: fromPort ?? -1, to: toPort ?? -1 };
  }
  if (protocol !== 'tcp' && protocol !== 'udp') return ALL_PORTS;
  if (fromPort === undefined && toPort === undefined) return ALL_PORTS;
  // AWS reports -1 for "all ports" on some tcp/udp rules created through older tooling.
  if (fromPort === -1 && (toPort === -1 || toPort === undefined)) return ALL_PORTS;
  const from = fromPort ?? toPort;
  const to = toPort ?? fromPort;
  if (from === undefined || to === undefined || !isPort(from) || !isPort(to)) {
    throw new InvalidPortRangeError(`${fromPort}-${toPort}: ports must be integers 0-65535`);
  }
  if (from > to) throw new InvalidPortRangeError(`${from}-${to}: from-port exceeds to-port`);
  return portRange(from, to);
}

/**
 * One shared (immutable) range per from-to pair: a large account has hundreds of thousands of
 * permissions but few distinct ranges. Bounded, as the pairs come from input.
 */
const ranges = new Map<number, PortRange>();

function portRange(from: number, to: number): PortRange {
  const key = from * 65536 + to;
  let range = ranges.get(key);
  if (!range) {
    range = { from, to };
    if (ranges.size < 10_000) ranges.set(key, range);
  }
  return range;
}

export interface ProtocolAndPorts {
  readonly protocol: Protocol;
  readonly ports: PortRange;
}

/** The permission (or ACL entry) admits TCP traffic to `port`: all-traffic, or tcp with the port in range. */
export function coversTcpPort(rule: ProtocolAndPorts, port: number): boolean {
  if (rule.protocol === 'all') return true;
  return rule.protocol === 'tcp' && rule.ports.from <= port && port <= rule.ports.to;
}

/** Covers NFS (TCP 2049). A udp or other-protocol rule never does, whatever its ports. */
export function coversNfs(rule: ProtocolAndPorts): boolean {
  return coversTcpPort(rule, NFS_PORT);
}

/** Covers NFS and nothing else: exactly tcp 2049. */
export function isExactlyNfs(rule: ProtocolAndPorts): boolean {
  return rule.protocol === 'tcp' && rule.ports.from === NFS_PORT && rule.ports.to === NFS_PORT;
}

/** Short human text, e.g. 'tcp 2049', 'tcp 0-65535', 'all traffic', 'udp 2049', 'protocol 47'. */
export function describeProtocolAndPorts(rule: ProtocolAndPorts): string {
  const { protocol, ports } = rule;
  if (protocol === 'all') return 'all traffic';
  if (typeof protocol === 'number') return `protocol ${protocol}`;
  if (protocol === 'icmp' || protocol === 'icmpv6') return protocol;
  return ports.from === ports.to ? `${protocol} ${ports.from}` : `${protocol} ${ports.from}-${ports.to}`;
}
