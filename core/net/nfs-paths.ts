// Who may mount what: which interfaces are NFS clients of which mount targets (by the mount targets'
// groups), and whether a client's egress reaches a given mount target. Shared by the egress and ACL
// rules and by the fan-out helper, memoised per Topology.
import {
  type MountTarget,
  type NetworkInterface,
  NFS_PORT,
  type SecurityGroup,
  type Topology,
} from '../model';
import { indexTopology, isMountTargetInterface, type TopologyIndex } from '../topology-index';
import { coversNfs } from './protocol';
import { type GroupMatch, matchGroupsTcp, targetOfMountTarget } from './security-groups';

export interface NfsGraph {
  readonly index: TopologyIndex;
  /** For each client interface id: file system id -> the mount targets (sorted by id) that admit it. */
  readonly admittedBy: ReadonlyMap<string, ReadonlyMap<string, readonly MountTarget[]>>;
  /** For each mount target id: the client interfaces it admits. */
  readonly clientsOf: ReadonlyMap<string, readonly NetworkInterface[]>;
  /** For each mount-target group id: the same-account groups its NFS-covering ingress references. */
  readonly nfsSourceGroups: ReadonlyMap<string, ReadonlySet<string>>;
}

/** Same-account group ids that the group's NFS-covering inbound permissions reference. */
export function nfsSourceGroupIds(group: SecurityGroup): Set<string> {
  const ids = new Set<string>();
  for (const permission of group.ingress) {
    const peer = permission.peer;
    if (peer.kind === 'group' && peer.userId === group.ownerId && coversNfs(permission))
      ids.add(peer.groupId);
  }
  return ids;
}

const cache = new WeakMap<Topology, NfsGraph>();

function buildGraph(topology: Topology): NfsGraph {
  const index = indexTopology(topology);
  const nfsSourceGroups = new Map<string, Set<string>>();
  for (const groupId of index.mountTargetsByGroup.keys()) {
    const group = index.groupsById.get(groupId);
    if (group) nfsSourceGroups.set(groupId, nfsSourceGroupIds(group));
  }
  const admittedBy = new Map<string, Map<string, MountTarget[]>>();
  const clientsOf = new Map<string, NetworkInterface[]>();
  const mountTargets = [...topology.mountTargets].sort((a, b) => compare(a.mountTargetId, b.mountTargetId));
  for (const mt of mountTargets) {
    const seen = new Set<string>();
    const clients: NetworkInterface[] = [];
    for (const mtGroupId of mt.securityGroupIds) {
      for (const sourceGroupId of nfsSourceGroups.get(mtGroupId) ?? []) {
        for (const eni of index.interfacesByGroup.get(sourceGroupId) ?? []) {
          if (seen.has(eni.networkInterfaceId) || isMountTargetInterface(index, eni)) continue;
          seen.add(eni.networkInterfaceId);
          clients.push(eni);
          let byFs = admittedBy.get(eni.networkInterfaceId);
          if (!byFs) {
            byFs = new Map();
            admittedBy.set(eni.networkInterfaceId, byFs);
          }
          const list = byFs.get(mt.fileSystemId);
          if (list) list.push(mt);
          else byFs.set(mt.fileSystemId, [mt]);
        }
      }
    }
    clientsOf.set(mt.mountTargetId, clients);
  }
  return { index, admittedBy, clientsOf, nfsSourceGroups };
}

/** The NFS admission graph of `topology`, memoised per Topology object. */
export function buildNfsGraph(topology: Topology): NfsGraph {
  let graph = cache.get(topology);
  if (!graph) {
    graph = buildGraph(topology);
    cache.set(topology, graph);
  }
  return graph;
}

/**
 * Does the union of the client's groups' egress allow TCP 2049 to the mount target? Over IPv4, or over
 * IPv6 only when the client has an IPv6 address of its own: without one it cannot send IPv6 packets,
 * so egress to the mount target's IPv6 address reaches nothing (the same test as listNfsPairs).
 */
export function matchClientEgressToMountTarget(
  index: TopologyIndex,
  client: NetworkInterface,
  mt: MountTarget,
): GroupMatch {
  const target = targetOfMountTarget(mt);
  const addresses = client.ipv6Addresses.length > 0 ? target.addresses : [mt.ipAddress];
  return matchGroupsTcp(index, client.groupIds, 'egress', NFS_PORT, { ...target, addresses });
}

/** A client and a mount target that security groups let talk NFS, with the addresses the traffic uses. */
export interface NfsPair {
  readonly client: NetworkInterface;
  readonly mountTarget: MountTarget;
  readonly family: 'ipv4' | 'ipv6';
  readonly clientAddress: string;
  readonly mountTargetAddress: string;
}

const pairCache = new WeakMap<Topology, readonly NfsPair[]>();

/**
 * Every (client, mount target) pair where the mount target admits the client and the client's egress
 * allows TCP 2049 to that mount target, in a stable order. The traffic is IPv4 (the client's primary
 * private IP to the mount target's IPv4 address) when egress reaches the IPv4 address; otherwise IPv6
 * when both ends have an IPv6 address and egress reaches the mount target's.
 */
export function listNfsPairs(topology: Topology): readonly NfsPair[] {
  let pairs = pairCache.get(topology);
  if (pairs) return pairs;
  const graph = buildNfsGraph(topology);
  const { index } = graph;
  const list: NfsPair[] = [];
  const clientIds = [...graph.admittedBy.keys()].sort(compare);
  for (const clientId of clientIds) {
    const client = index.interfacesById.get(clientId);
    const byFs = graph.admittedBy.get(clientId);
    if (!client || !byFs) continue;
    for (const fsId of [...byFs.keys()].sort(compare)) {
      for (const mt of byFs.get(fsId) ?? []) {
        const pair = pairOf(index, client, mt);
        if (pair) list.push(pair);
      }
    }
  }
  pairs = list;
  pairCache.set(topology, pairs);
  return pairs;
}

function pairOf(index: TopologyIndex, client: NetworkInterface, mt: MountTarget): NfsPair | undefined {
  const v4 = matchGroupsTcp(index, client.groupIds, 'egress', NFS_PORT, {
    addresses: [mt.ipAddress],
    groupIds: mt.securityGroupIds,
  });
  if (v4.allowed) {
    return {
      client,
      mountTarget: mt,
      family: 'ipv4',
      clientAddress: client.primaryPrivateIp,
      mountTargetAddress: mt.ipAddress,
    };
  }
  const clientV6 = client.ipv6Addresses[0];
  if (!mt.ipv6Address || !clientV6) return undefined;
  const v6 = matchGroupsTcp(index, client.groupIds, 'egress', NFS_PORT, {
    addresses: [mt.ipv6Address],
    groupIds: mt.securityGroupIds,
  });
  return v6.allowed
    ? { client, mountTarget: mt, family: 'ipv6', clientAddress: clientV6, mountTargetAddress: mt.ipv6Address }
    : undefined;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
