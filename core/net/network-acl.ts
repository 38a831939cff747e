// Network ACL evaluation. AWS: ACLs are stateless; rules are evaluated in ascending rule-number order,
// the first rule that matches the traffic decides, and the final '*' rule denies. IPv4 and IPv6
// traffic are matched only by rules of their own family. Port ranges apply to the destination port.
// https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html
import type { NetworkAcl, NetworkAclEntry, PortRange } from '../model';
import { cidrContainsAddress, cidrContainsQuad, parseAddress, parseCidr, parseDottedQuad } from './cidr';
import type { Direction } from './security-groups';

/** The rule number that decides, or '*' for the final implicit deny. */
export type AclRuleNumber = number | '*';

export interface AclDecision {
  readonly allowed: boolean;
  readonly ruleNumber: AclRuleNumber;
  /** When denied: the first denied port (a range check reports where it first fails). */
  readonly deniedPort?: number;
}

/**
 * DescribeNetworkAcls reports the final implicit deny as rule 32767; the console and the docs call it
 * '*', and no user-defined rule can have that number (1-32766).
 */
const DEFAULT_RULE_NUMBER = 32767;

function nameRule(ruleNumber: number): AclRuleNumber {
  return ruleNumber >= DEFAULT_RULE_NUMBER ? '*' : ruleNumber;
}

interface OrderedEntries {
  readonly ingress: Record<'ipv4' | 'ipv6', readonly NetworkAclEntry[]>;
  readonly egress: Record<'ipv4' | 'ipv6', readonly NetworkAclEntry[]>;
}

const sortedCache = new WeakMap<NetworkAcl, OrderedEntries>();

function inOrder(acl: NetworkAcl, egress: boolean, family: 'ipv4' | 'ipv6'): readonly NetworkAclEntry[] {
  return acl.entries
    .filter((entry) => entry.egress === egress && parseCidr(entry.cidr).family === family)
    .sort((a, b) => a.ruleNumber - b.ruleNumber);
}

/** Entries of one direction and address family, in evaluation order (memoised per ACL). */
export function entriesInOrder(
  acl: NetworkAcl,
  direction: Direction,
  family: 'ipv4' | 'ipv6',
): readonly NetworkAclEntry[] {
  let ordered = sortedCache.get(acl);
  if (!ordered) {
    // All four at once: a sweep asks for each about every ACL, and a key string per call was garbage.
    ordered = {
      ingress: { ipv4: inOrder(acl, false, 'ipv4'), ipv6: inOrder(acl, false, 'ipv6') },
      egress: { ipv4: inOrder(acl, true, 'ipv4'), ipv6: inOrder(acl, true, 'ipv6') },
    };
    sortedCache.set(acl, ordered);
  }
  return ordered[direction][family];
}

/** Does `cidr` hold the peer: `quad` when it is a dotted quad (read once per evaluation), else the text. */
function holdsPeer(cidr: string, quad: number | undefined, peerAddress: string): boolean {
  return quad !== undefined ? cidrContainsQuad(cidr, quad) : cidrContainsAddress(cidr, peerAddress);
}

const ALL_PORTS: PortRange = Object.freeze({ from: 0, to: 65535 });

function entryTcpPorts(entry: NetworkAclEntry): PortRange | undefined {
  if (entry.protocol === 'all') return ALL_PORTS;
  if (entry.protocol === 'tcp') return entry.ports;
  return undefined;
}

/**
 * Does `acl` let TCP through in `direction` for the peer address (the source for ingress, the
 * destination for egress) on every destination port of `ports`? First match decides each port.
 */
export function evaluateAclTcp(
  acl: NetworkAcl,
  direction: Direction,
  peerAddress: string,
  ports: PortRange,
): AclDecision {
  // A dotted quad is read once here, not again at every entry.
  const quad = parseDottedQuad(peerAddress);
  const family = quad !== undefined ? 'ipv4' : parseAddress(peerAddress).family;
  const entries = entriesInOrder(acl, direction, family);
  if (ports.from === ports.to) return decideOnePort(entries, quad, peerAddress, ports.from);
  // The ports not yet decided, as disjoint ascending intervals; each entry decides its part of them.
  let pending: PortRange[] = [{ from: ports.from, to: ports.to }];
  let lastAllowRule: AclRuleNumber = '*';
  for (const entry of entries) {
    const range = entryTcpPorts(entry);
    if (!range || !holdsPeer(entry.cidr, quad, peerAddress)) continue;
    const next: PortRange[] = [];
    let firstHit: number | undefined;
    for (const interval of pending) {
      const from = Math.max(interval.from, range.from);
      const to = Math.min(interval.to, range.to);
      if (from > to) {
        next.push(interval);
        continue;
      }
      if (firstHit === undefined) firstHit = from;
      if (interval.from < from) next.push({ from: interval.from, to: from - 1 });
      if (to < interval.to) next.push({ from: to + 1, to: interval.to });
    }
    if (firstHit === undefined) continue;
    if (entry.action === 'deny')
      return { allowed: false, ruleNumber: nameRule(entry.ruleNumber), deniedPort: firstHit };
    lastAllowRule = nameRule(entry.ruleNumber);
    pending = next;
    if (pending.length === 0) return { allowed: true, ruleNumber: lastAllowRule };
  }
  const first = pending[0];
  return first
    ? { allowed: false, ruleNumber: '*', deniedPort: first.from }
    : { allowed: true, ruleNumber: lastAllowRule };
}

/**
 * evaluateAclTcp for a single port (NFS itself, 2049): the first entry that matches decides, so no
 * list of pending ports is needed. The sweeps ask this for every client and mount target.
 */
function decideOnePort(
  entries: readonly NetworkAclEntry[],
  quad: number | undefined,
  peerAddress: string,
  port: number,
): AclDecision {
  for (const entry of entries) {
    const range = entryTcpPorts(entry);
    if (!range || port < range.from || port > range.to || !holdsPeer(entry.cidr, quad, peerAddress)) continue;
    return entry.action === 'deny'
      ? { allowed: false, ruleNumber: nameRule(entry.ruleNumber), deniedPort: port }
      : { allowed: true, ruleNumber: nameRule(entry.ruleNumber) };
  }
  return { allowed: false, ruleNumber: '*', deniedPort: port };
}
