// Who may mount what: which interfaces are NFS clients of which mount targets (by the mount targets'
// groups), and whether a client's egress reaches a given mount target. Shared by the egress and ACL
// rules and by the fan-out helper, memoised per Topology.
import { perTopology } from '../memo';
import {
  type MountTarget,
  type NetworkInterface,
  NFS_PORT,
  type SecurityGroup,
  type Topology,
} from '../model';
import {
  indexTopology,
  interfacesInIdOrder,
  isMountTargetInterface,
  nonClientReason,
  type TopologyIndex,
} from '../topology-index';
import type { AddressFamily } from './cidr';
import { coversNfs } from './protocol';
import { type GroupMatch, matchGroupsTcp } from './security-groups';

export interface NfsGraph {
  readonly index: TopologyIndex;
  /**
   * For each client interface id: the mount targets that admit it, by file system id and then by mount
   * target id (fileSystemsAdmitting groups them). One list per client, not a map per client: at scale
   * 16 there are 31,000 clients.
   */
  readonly admittedBy: ReadonlyMap<string, readonly MountTarget[]>;
  /**
   * The client interfaces, by id (the keys of admittedBy): the only copy of each when the interfaces
   * are in id order (interfacesInIdOrder); otherwise look them up in the index's interfacesById.
   */
  readonly clientsById: ReadonlyMap<string, NetworkInterface>;
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

function buildGraph(topology: Topology): NfsGraph {
  const index = indexTopology(topology);
  const nfsSourceGroups = new Map<string, Set<string>>();
  for (const groupId of index.mountTargetsByGroup.keys()) {
    const group = index.groupsById.get(groupId);
    if (group) nfsSourceGroups.set(groupId, nfsSourceGroupIds(group));
  }
  const admittedBy = new Map<string, MountTarget[]>();
  const clientsById = new Map<string, NetworkInterface>();
  const clientsOf = new Map<string, NetworkInterface[]>();
  // In this order, each client's list comes out by file system and then by mount target.
  const mountTargets = [...topology.mountTargets].sort(
    (a, b) => compare(a.fileSystemId, b.fileSystemId) || compare(a.mountTargetId, b.mountTargetId),
  );
  for (const mt of mountTargets) {
    const seen = new Set<string>();
    const clients: NetworkInterface[] = [];
    for (const mtGroupId of mt.securityGroupIds) {
      for (const sourceGroupId of nfsSourceGroups.get(mtGroupId) ?? []) {
        for (const eni of index.interfacesByGroup.get(sourceGroupId) ?? []) {
          if (seen.has(eni.networkInterfaceId)) continue;
          seen.add(eni.networkInterfaceId);
          // Mount targets, and interfaces that never mount NFS, are not clients (nonClientReason).
          if (isMountTargetInterface(index, eni) || nonClientReason(eni) !== undefined) continue;
          clients.push(eni);
          const admitting = admittedBy.get(eni.networkInterfaceId);
          if (admitting) admitting.push(mt);
          else {
            admittedBy.set(eni.networkInterfaceId, [mt]);
            clientsById.set(eni.networkInterfaceId, eni);
          }
        }
      }
    }
    clientsOf.set(mt.mountTargetId, clients);
  }
  return { index, admittedBy, clientsById, clientsOf, nfsSourceGroups };
}

/**
 * The mount targets of an admittedBy list, one group per file system: in file-system id order, each
 * group in mount-target id order.
 */
export function fileSystemsAdmitting(admitting: readonly MountTarget[]): (readonly MountTarget[])[] {
  const groups: MountTarget[][] = [];
  let group: MountTarget[] | undefined;
  for (const mt of admitting) {
    if (group && (group[0] as MountTarget).fileSystemId === mt.fileSystemId) group.push(mt);
    else {
      group = [mt];
      groups.push(group);
    }
  }
  return groups;
}

/** The NFS admission graph of `topology`, memoised per Topology object. */
export const buildNfsGraph: (topology: Topology) => NfsGraph = /* @__PURE__ */ perTopology(buildGraph);

/** The client's address of `family` that NFS traffic leaves from, when it has one. */
export function clientAddressOf(client: NetworkInterface, family: AddressFamily): string | undefined {
  return family === 'ipv4' ? client.primaryPrivateIp : client.ipv6Addresses[0];
}

/** The mount target's address of `family`, when it has one. */
export function mountTargetAddressOf(mt: MountTarget, family: AddressFamily): string | undefined {
  return family === 'ipv4' ? mt.ipAddress : mt.ipv6Address;
}

const FAMILIES: readonly AddressFamily[] = ['ipv4', 'ipv6'];

/**
 * The address families the client can send NFS to the mount target over: those both ends have an
 * address of, IPv4 first (the preferred family). An IPv6-only client (an IPv6-only subnet) and an
 * IPV4_ONLY mount target, or the reverse, share none: no packet of either family can pass.
 */
export function sharedAddressFamilies(client: NetworkInterface, mt: MountTarget): AddressFamily[] {
  return FAMILIES.filter((family) => bothHave(client, mt, family));
}

/** The first of sharedAddressFamilies, without making the list: IPv4 when both ends have it. */
export function preferredFamily(client: NetworkInterface, mt: MountTarget): AddressFamily | undefined {
  return FAMILIES.find((family) => bothHave(client, mt, family));
}

/** Do the client and the mount target both have an address of `family`? */
function bothHave(client: NetworkInterface, mt: MountTarget, family: AddressFamily): boolean {
  return clientAddressOf(client, family) !== undefined && mountTargetAddressOf(mt, family) !== undefined;
}

const NOT_ALLOWED: GroupMatch = Object.freeze({ allowed: false, unresolved: [], missingGroups: [] });

/** Does the client's groups' egress allow TCP 2049 to the mount target's address of `family`? */
function matchEgressOverFamily(
  index: TopologyIndex,
  client: NetworkInterface,
  mt: MountTarget,
  family: AddressFamily,
): GroupMatch {
  const address = mountTargetAddressOf(mt, family);
  if (address === undefined || clientAddressOf(client, family) === undefined) return NOT_ALLOWED;
  return matchGroupsTcp(index, client.groupIds, 'egress', NFS_PORT, {
    addresses: [address],
    groupIds: mt.securityGroupIds,
  });
}

/**
 * Does the union of the client's groups' egress allow TCP 2049 to the mount target, over some address
 * family both have? A client cannot send packets of a family it has no address of, so egress to the
 * mount target's address of that family reaches nothing (the same test as listNfsPairs). With no
 * shared family the answer is no, whatever the groups say: see sharedAddressFamilies.
 */
export function matchClientEgressToMountTarget(
  index: TopologyIndex,
  client: NetworkInterface,
  mt: MountTarget,
): GroupMatch {
  const families = sharedAddressFamilies(client, mt);
  if (families.length === 0) return NOT_ALLOWED;
  const addresses = families.flatMap((family) => mountTargetAddressOf(mt, family) ?? []);
  return matchGroupsTcp(index, client.groupIds, 'egress', NFS_PORT, {
    addresses,
    groupIds: mt.securityGroupIds,
  });
}

/** A client and a mount target that security groups let talk NFS, with the addresses the traffic uses. */
export interface NfsPair {
  readonly client: NetworkInterface;
  readonly mountTarget: MountTarget;
  readonly family: AddressFamily;
  readonly clientAddress: string;
  readonly mountTargetAddress: string;
}

/**
 * Every (client, mount target) pair where the mount target admits the client and the client's egress
 * allows TCP 2049 to that mount target, in a stable order. The traffic is IPv4 (the client's primary
 * private IP to the mount target's IPv4 address) when both have IPv4 and egress reaches that address;
 * otherwise IPv6 (the client's first IPv6 address) when both have IPv6 and egress reaches the mount
 * target's. A client and mount target with no address family in common form no pair.
 */
export const listNfsPairs = /* @__PURE__ */ perTopology((topology: Topology): readonly NfsPair[] => {
  const graph = buildNfsGraph(topology);
  const { index } = graph;
  const list: NfsPair[] = [];
  const clientIds = [...graph.admittedBy.keys()].sort(compare);
  // With a repeated interface id, the table by id decides which copy is meant, as everywhere else.
  const clients = interfacesInIdOrder(topology) ? graph.clientsById : index.interfacesById;
  for (const clientId of clientIds) {
    const client = clients.get(clientId);
    const admitting = graph.admittedBy.get(clientId);
    if (!client || !admitting) continue;
    for (const mt of admitting) {
      const pair = pairOf(index, client, mt);
      if (pair) list.push(pair);
    }
  }
  return list;
});

function pairOf(index: TopologyIndex, client: NetworkInterface, mt: MountTarget): NfsPair | undefined {
  for (const family of FAMILIES) {
    const clientAddress = clientAddressOf(client, family);
    const mountTargetAddress = mountTargetAddressOf(mt, family);
    if (clientAddress === undefined || mountTargetAddress === undefined) continue;
    if (matchEgressOverFamily(index, client, mt, family).allowed) {
      return { client, mountTarget: mt, family, clientAddress, mountTargetAddress };
    }
  }
  return undefined;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
