// The NFS path between a source and a mount target, hop by hop: the one function behind the verdicts
// of the route-aware rules and behind `efsguard explain` (never a second implementation).
// Hops, in order: client security groups out, client subnet ACL out, the forward route (each route table
// and TGW route table), the mount target's subnet ACL in, its security groups in, then the return: its
// subnet ACL out, the return route, and the client's subnet ACL in. Security groups are stateful (the
// replies need no rule); ACLs and routes are not (VPC User Guide, "Control subnet traffic with network
// access control lists", https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html).
// A source network (not an interface) has no groups or ACL of its own that efsguard judges: its path
// starts at the forward route.

import { perTopology } from '../memo';
import {
  type MountTarget,
  type NetworkAcl,
  type NetworkInterface,
  NFS_PORT,
  type PortRange,
  type Topology,
} from '../model';
import { evaluateAclTcp } from '../net/network-acl';
import { clientAddressOf, mountTargetAddressOf } from '../net/nfs-paths';
import { describeProtocolAndPorts } from '../net/protocol';
import {
  type Direction,
  describePeer,
  type GroupMatch,
  matchGroupsTcp,
  type PeerTarget,
} from '../net/security-groups';
import { indexTopology, type TopologyIndex } from '../topology-index';
import { forwardHops, pairFamily, pairRoutesCached, returnHops } from './pair-routes';
import { type Arrival, type Hop, indexRouting, type RouteEnd, type RouteStart } from './routing-index';
import { arrivalOf, blockingHop, pathVerdict, subnetHolding, traceRoute } from './trace';

export interface NfsPath {
  /** `eni-… (10.0.1.10)` or a source range. */
  readonly source: string;
  readonly mountTarget: string;
  readonly reachable: boolean | 'unknown';
  readonly hops: readonly Hop[];
  /** Index in `hops` of the first hop that blocks (the first deny, else the first unknown). */
  readonly blockedAt?: number;
}

export interface PathOptions {
  /** The client's source ports, which the replies go back to (the ACL rule's clientPortRange). */
  readonly clientPorts: PortRange;
}

const NFS: PortRange = { from: NFS_PORT, to: NFS_PORT };

function portsText(ports: PortRange): string {
  return ports.from === ports.to ? `${ports.from}` : `${ports.from}-${ports.to}`;
}

function groupHop(
  index: TopologyIndex,
  name: string,
  groupIds: readonly string[],
  direction: Direction,
  target: PeerTarget,
  peerText: string,
): Hop {
  const match: GroupMatch = matchGroupsTcp(index, groupIds, direction, NFS_PORT, target);
  const way = direction === 'egress' ? 'to' : 'from';
  if (match.allowed && match.matched) {
    const { groupId, permission } = match.matched;
    const owner = index.groupsById.get(groupId)?.ownerId;
    return {
      hop: name,
      verdict: 'allow',
      by: `${groupId}: ${direction === 'egress' ? 'outbound' : 'inbound'} ${describeProtocolAndPorts(permission)} ${way} ${describePeer(permission.peer, owner)}`,
      detail: `tcp ${NFS_PORT} ${way} ${peerText} is allowed`,
    };
  }
  const unreadable = groupIds.flatMap((groupId) =>
    (index.groupsById.get(groupId)?.malformed ?? [])
      .filter((rule) => rule.direction === direction)
      .map((rule) => `${groupId} ${rule.detail}`),
  );
  const unknowns = [
    ...match.unresolved.map((peer) => `${peer.groupId} -> ${peer.reference} cannot be resolved`),
    ...match.missingGroups.map((groupId) => `${groupId} cannot be resolved`),
    ...unreadable.map((text) => `${text} (cannot be read)`),
  ];
  if (unknowns.length) {
    return {
      hop: name,
      verdict: 'unknown',
      by: groupIds.join(', ') || 'no groups',
      detail: `no readable rule allows tcp ${NFS_PORT} ${way} ${peerText}; ${unknowns.join('; ')}`,
    };
  }
  return {
    hop: name,
    verdict: 'deny',
    by: groupIds.join(', ') || 'no groups',
    detail: `no ${direction === 'egress' ? 'outbound' : 'inbound'} rule of ${groupIds.join(', ') || 'no groups'} allows tcp ${NFS_PORT} ${way} ${peerText}`,
  };
}

function aclHop(
  index: TopologyIndex,
  name: string,
  subnetId: string,
  direction: Direction,
  peerAddress: string,
  ports: PortRange,
  crossesSubnet: boolean,
): Hop {
  if (!crossesSubnet) {
    return {
      hop: name,
      verdict: 'allow',
      by: subnetId,
      detail: 'both ends are in the same subnet: network ACLs do not filter traffic within a subnet',
    };
  }
  const acl: NetworkAcl | undefined = index.networkAclBySubnet.get(subnetId);
  if (!acl)
    return {
      hop: name,
      verdict: 'unknown',
      by: subnetId,
      detail: `the network ACL of ${subnetId} was not recorded`,
    };
  const decision = evaluateAclTcp(acl, direction, peerAddress, ports);
  const rule = decision.ruleNumber === '*' ? 'rule *' : `rule ${decision.ruleNumber}`;
  const way =
    direction === 'egress' ? `outbound tcp ${portsText(ports)} to` : `inbound tcp ${portsText(ports)} from`;
  if (!decision.allowed) {
    const port = ports.from === ports.to ? '' : ` (port ${decision.deniedPort})`;
    return {
      hop: name,
      verdict: 'deny',
      by: `${acl.networkAclId} ${rule}`,
      detail: `${rule} denies ${way} ${peerAddress}${port}`,
    };
  }
  if (acl.malformedEntries?.length) {
    return {
      hop: name,
      verdict: 'unknown',
      by: `${acl.networkAclId} ${rule}`,
      detail: `${rule} allows ${way} ${peerAddress}, but entries efsguard cannot read may come first: ${acl.malformedEntries.join(', ')}`,
    };
  }
  return {
    hop: name,
    verdict: 'allow',
    by: `${acl.networkAclId} ${rule}`,
    detail: `${rule} allows ${way} ${peerAddress}`,
  };
}

function finish(source: string, mountTarget: string, hops: Hop[]): NfsPath {
  const blockedAt = blockingHop(hops);
  return {
    source,
    mountTarget,
    reachable: pathVerdict(hops),
    hops,
    ...(blockedAt === undefined ? {} : { blockedAt }),
  };
}

/** Every hop from a client interface to a mount target and back. */
export function explainClientPath(
  topology: Topology,
  client: NetworkInterface,
  mt: MountTarget,
  options: PathOptions,
): NfsPath {
  const index = indexTopology(topology);
  const family = pairFamily(index, client, mt);
  const label = (address?: string) =>
    address ? `${client.networkInterfaceId} (${address})` : client.networkInterfaceId;
  if (!family) {
    return finish(label(client.primaryPrivateIp ?? client.ipv6Addresses[0]), mt.mountTargetId, [
      {
        hop: 'address family',
        verdict: 'deny',
        by: `${client.networkInterfaceId}, ${mt.mountTargetId}`,
        detail: 'the client and the mount target have no address family in common',
      },
    ]);
  }
  const clientAddress = clientAddressOf(client, family) ?? '';
  const mtAddress = mountTargetAddressOf(mt, family) ?? '';
  const crosses = client.subnetId !== mt.subnetId;
  const routes = pairRoutesCached(topology, client, mt, family);
  const hops: Hop[] = [
    groupHop(
      index,
      'client security groups out',
      client.groupIds,
      'egress',
      { addresses: [mtAddress], groupIds: mt.securityGroupIds },
      `${mt.mountTargetId} (${mtAddress})`,
    ),
    aclHop(index, 'client subnet ACL out', client.subnetId, 'egress', mtAddress, NFS, crosses),
    ...forwardHops(routes.forward),
    aclHop(index, 'mount target subnet ACL in', mt.subnetId, 'ingress', clientAddress, NFS, crosses),
    groupHop(
      index,
      'mount target security groups in',
      mt.securityGroupIds,
      'ingress',
      { addresses: [clientAddress], groupIds: client.groupIds },
      `${client.networkInterfaceId} (${clientAddress})`,
    ),
    aclHop(
      index,
      'mount target subnet ACL out (return)',
      mt.subnetId,
      'egress',
      clientAddress,
      options.clientPorts,
      crosses,
    ),
    ...returnHops(routes.back),
    aclHop(
      index,
      'client subnet ACL in (return)',
      client.subnetId,
      'ingress',
      mtAddress,
      options.clientPorts,
      crosses,
    ),
  ];
  return finish(label(clientAddress), mt.mountTargetId, hops);
}

/**
 * The groups of the interfaces efsguard sees at each address, for the interfaces that carry a group some
 * mount target's group names as an inbound peer: only those groups can match a mount target's inbound
 * rules, the one use of this map. At scale 16 that leaves out most of 160,000 interfaces.
 */
const groupsByAddress = /* @__PURE__ */ perTopology((topology) => {
  const index = indexTopology(topology);
  const named = new Set<string>();
  for (const groupId of index.mountTargetsByGroup.keys()) {
    for (const permission of index.groupsById.get(groupId)?.ingress ?? []) {
      if (permission.peer.kind === 'group') named.add(permission.peer.groupId);
    }
  }
  const map = new Map<string, readonly string[]>();
  // Most addresses sit on one interface: share its group list, and copy only on a second one.
  const add = (a: string, groupIds: readonly string[]): void => {
    const known = map.get(a);
    if (!known) map.set(a, groupIds);
    else if (groupIds.some((groupId) => !known.includes(groupId)))
      map.set(a, [...new Set([...known, ...groupIds])]);
  };
  for (const eni of topology.networkInterfaces) {
    if (!eni.groupIds.some((groupId) => named.has(groupId))) continue;
    for (const a of eni.privateIpAddresses) add(a, eni.groupIds);
    for (const a of eni.ipv6Addresses) add(a, eni.groupIds);
  }
  return map;
});

/**
 * The groups of the interfaces efsguard sees at an address, for matching a mount target's inbound rules
 * (group references). An interface none of whose groups any mount target's group names is left out:
 * none of its groups could match.
 */
export function groupsAtAddress(topology: Topology, address: string): readonly string[] {
  return groupsByAddress(topology).get(address) ?? [];
}

/**
 * Every hop from one source address (a representative of a source range, `label`) to a mount target and
 * back. Where the address lies in a subnet efsguard sees, the forward route starts from that subnet;
 * otherwise from the network the return route names.
 */
export function explainSourcePath(
  topology: Topology,
  mt: MountTarget,
  address: string,
  label: string,
  options: PathOptions,
): NfsPath {
  const index = indexTopology(topology);
  const family = address.includes(':') ? 'ipv6' : 'ipv4';
  const mtAddress = mountTargetAddressOf(mt, family);
  if (!mtAddress) {
    return finish(label, mt.mountTargetId, [
      {
        hop: 'address family',
        verdict: 'deny',
        by: mt.mountTargetId,
        detail: `${mt.mountTargetId} has no ${family === 'ipv4' ? 'IPv4' : 'IPv6'} address`,
      },
    ]);
  }
  const mtSubnet = index.subnetsById.get(mt.subnetId);
  const sourceSubnet = subnetHolding(topology, address);
  const routing = indexRouting(topology);
  const hops: Hop[] = [];
  let back: Hop[];
  if (sourceSubnet && sourceSubnet.vpcId === mt.vpcId) {
    const local: Hop = {
      hop: 'route (same VPC)',
      verdict: 'allow',
      by: `local route of ${mt.vpcId}`,
      detail: 'the local route covers every VPC CIDR',
    };
    hops.push(...forwardHops([local]));
    back = [local];
  } else if (!routing || !mtSubnet) {
    const unknown: Hop = {
      hop: 'route',
      verdict: 'unknown',
      by: 'routing',
      detail: `cannot check the route from ${address}: ${routing ? `subnet ${mt.subnetId} was not recorded` : 'routing was not recorded in this snapshot'}`,
    };
    hops.push(...forwardHops([unknown]));
    back = [unknown];
  } else {
    const arrival = arrivalOf(routing, mtSubnet, address);
    const startArrival: Arrival =
      arrival === 'none'
        ? {
            kind: 'unknown',
            reason: `no route leads back to ${address}, so efsguard cannot tell how it would arrive`,
          }
        : arrival;
    const start: RouteStart = sourceSubnet
      ? { kind: 'subnet', subnet: sourceSubnet }
      : { kind: 'network', arrival: startArrival };
    hops.push(
      ...forwardHops(traceRoute(routing, start, { kind: 'subnet', subnet: mtSubnet, address: mtAddress })),
    );
    const end: RouteEnd = sourceSubnet
      ? { kind: 'subnet', subnet: sourceSubnet, address }
      : { kind: 'network', arrival: startArrival, address };
    back = traceRoute(routing, { kind: 'subnet', subnet: mtSubnet }, end);
  }
  const crosses = sourceSubnet?.subnetId !== mt.subnetId;
  hops.push(
    aclHop(index, 'mount target subnet ACL in', mt.subnetId, 'ingress', address, NFS, crosses),
    groupHop(
      index,
      'mount target security groups in',
      mt.securityGroupIds,
      'ingress',
      { addresses: [address], groupIds: groupsAtAddress(topology, address) },
      address,
    ),
    aclHop(
      index,
      'mount target subnet ACL out (return)',
      mt.subnetId,
      'egress',
      address,
      options.clientPorts,
      crosses,
    ),
    ...returnHops(back),
  );
  return finish(label, mt.mountTargetId, hops);
}
