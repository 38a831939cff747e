// Fan-out: which resources' verdicts a change to some seed resources can alter, per rule
// (docs/architecture.md#nfs-paths-and-the-fan-out-graph). A rule evaluated with scope 'seeds' reports exactly the fan-out of its seeds; the handler can
// call the same helper to know what a trigger reaches.
//
// efs-mount-target-nfs-ingress (SecurityGroup, FileSystem):
//   SecurityGroup seed -> the group; the file systems whose mount targets carry it; mount-target groups
//     whose inbound rules reference it (a deleted group makes them unresolvable) and their file systems.
//   FileSystem seed -> the file system and its mount targets' groups.
//   NetworkInterface seed of a mount target -> that mount target's groups and its file system.
// efs-client-nfs-egress (NetworkInterface):
//   NetworkInterface seed -> itself; if it is a mount target's, the clients that mount target admits.
//   SecurityGroup seed -> every non-mount-target interface carrying it; if it is a mount-target group,
//     the interfaces carrying the groups its NFS inbound rules reference.
//   FileSystem seed -> the clients its mount targets admit.
// efs-nfs-network-acl (NetworkAcl):
//   NetworkAcl seed -> itself.
//   SecurityGroup / NetworkInterface / FileSystem seeds -> the ACLs of both subnets of every NFS pair
//     whose client is in the egress fan-out above or whose mount target is affected (carries the group,
//     is the interface's, or belongs to the file system).
// Routing seeds (RouteTable, VPCPeeringConnection, TransitGatewayAttachment/RouteTable, VPNGateway): the
//   VPCs they touch and their peering/TGW neighbours (core/routing/fan-out.ts); egress -> the clients of
//   cross-VPC pairs there; network-acl -> both ACLs of those pairs; efs-nfs-exposure -> their file systems.
// A seed of the rule's own resource types that is missing from the topology (deleted) is reported
// NOT_APPLICABLE. A pair that a change removed is not found from current state; the periodic sweep
// marks its ACLs NOT_APPLICABLE.
import type { MountTarget, ResourceRef, ResourceType, Topology } from './model';
import { buildNfsGraph, listNfsPairs } from './net/nfs-paths';
import { pairsAffectedByRouting, vpcsAffectedByRouting } from './routing/fan-out';
import { indexTopology, isMountTargetInterface, type TopologyIndex } from './topology-index';

export type FanOut = (topology: Topology, seeds: readonly ResourceRef[]) => ResourceRef[];

const SG: ResourceType = 'AWS::EC2::SecurityGroup';
const ENI: ResourceType = 'AWS::EC2::NetworkInterface';
const FS: ResourceType = 'AWS::EFS::FileSystem';
const ACL: ResourceType = 'AWS::EC2::NetworkAcl';

class RefSet {
  private readonly keys = new Set<string>();
  readonly refs: ResourceRef[] = [];
  add(resourceType: ResourceType, resourceId: string): void {
    const key = `${resourceType}|${resourceId}`;
    if (this.keys.has(key)) return;
    this.keys.add(key);
    this.refs.push({ resourceType, resourceId });
  }
}

export function fanOutIngress(topology: Topology, seeds: readonly ResourceRef[]): ResourceRef[] {
  const index = indexTopology(topology);
  const out = new RefSet();
  const addMountTargetFileSystem = (mt: MountTarget): void => {
    if (index.fileSystemsById.has(mt.fileSystemId)) out.add(FS, mt.fileSystemId);
  };
  const addGroupIfPresent = (groupId: string): void => {
    if (index.groupsById.has(groupId)) out.add(SG, groupId);
  };
  for (const seed of seeds) {
    if (seed.resourceType === SG) {
      out.add(SG, seed.resourceId);
      for (const mt of index.mountTargetsByGroup.get(seed.resourceId) ?? []) addMountTargetFileSystem(mt);
      for (const referencing of index.groupsReferencing.get(seed.resourceId) ?? []) {
        const mountTargets = index.mountTargetsByGroup.get(referencing.groupId);
        if (!mountTargets) continue;
        out.add(SG, referencing.groupId);
        for (const mt of mountTargets) addMountTargetFileSystem(mt);
      }
    } else if (seed.resourceType === FS) {
      out.add(FS, seed.resourceId);
      for (const mt of index.mountTargetsByFileSystem.get(seed.resourceId) ?? []) {
        for (const groupId of mt.securityGroupIds) addGroupIfPresent(groupId);
      }
    } else if (seed.resourceType === ENI) {
      const mt = index.mountTargetsByInterface.get(seed.resourceId);
      if (!mt) continue;
      for (const groupId of mt.securityGroupIds) addGroupIfPresent(groupId);
      addMountTargetFileSystem(mt);
    }
  }
  return out.refs;
}

function addNonMountTargetInterfaces(index: TopologyIndex, groupId: string, add: (id: string) => void): void {
  for (const eni of index.interfacesByGroup.get(groupId) ?? []) {
    if (!isMountTargetInterface(index, eni)) add(eni.networkInterfaceId);
  }
}

export function fanOutEgress(topology: Topology, seeds: readonly ResourceRef[]): ResourceRef[] {
  const graph = buildNfsGraph(topology);
  const { index } = graph;
  const out = new RefSet();
  const add = (id: string): void => out.add(ENI, id);
  const addClientsOf = (mt: MountTarget): void => {
    for (const client of graph.clientsOf.get(mt.mountTargetId) ?? []) add(client.networkInterfaceId);
  };
  for (const seed of seeds) {
    if (seed.resourceType === ENI) {
      add(seed.resourceId);
      const mt = index.mountTargetsByInterface.get(seed.resourceId);
      if (mt) addClientsOf(mt);
    } else if (seed.resourceType === SG) {
      addNonMountTargetInterfaces(index, seed.resourceId, add);
      for (const sourceGroupId of graph.nfsSourceGroups.get(seed.resourceId) ?? []) {
        addNonMountTargetInterfaces(index, sourceGroupId, add);
      }
    } else if (seed.resourceType === FS) {
      for (const mt of index.mountTargetsByFileSystem.get(seed.resourceId) ?? []) addClientsOf(mt);
    }
  }
  // Routing seeds: the clients of cross-VPC pairs whose routes they can change (core/routing/fan-out.ts).
  for (const pair of pairsAffectedByRouting(topology, seeds)) add(pair.client.networkInterfaceId);
  return out.refs;
}

export function fanOutNetworkAcl(topology: Topology, seeds: readonly ResourceRef[]): ResourceRef[] {
  const index = indexTopology(topology);
  const out = new RefSet();
  const otherSeeds: ResourceRef[] = [];
  const affectedMountTargets = new Set<string>();
  for (const seed of seeds) {
    if (seed.resourceType === ACL) {
      out.add(ACL, seed.resourceId);
      continue;
    }
    otherSeeds.push(seed);
    if (seed.resourceType === SG) {
      for (const mt of index.mountTargetsByGroup.get(seed.resourceId) ?? [])
        affectedMountTargets.add(mt.mountTargetId);
    } else if (seed.resourceType === ENI) {
      const mt = index.mountTargetsByInterface.get(seed.resourceId);
      if (mt) affectedMountTargets.add(mt.mountTargetId);
    } else if (seed.resourceType === FS) {
      for (const mt of index.mountTargetsByFileSystem.get(seed.resourceId) ?? []) {
        affectedMountTargets.add(mt.mountTargetId);
      }
    }
  }
  // Routing seeds: both ACLs of every cross-VPC pair whose routes they can change.
  for (const pair of pairsAffectedByRouting(topology, otherSeeds)) {
    for (const subnetId of [pair.client.subnetId, pair.mountTarget.subnetId]) {
      const acl = index.networkAclBySubnet.get(subnetId);
      if (acl) out.add(ACL, acl.networkAclId);
    }
  }
  if (otherSeeds.length === 0) return out.refs;
  const clients = new Set(fanOutEgress(topology, otherSeeds).map((ref) => ref.resourceId));
  for (const pair of listNfsPairs(topology)) {
    if (pair.client.subnetId === pair.mountTarget.subnetId) continue;
    if (
      !clients.has(pair.client.networkInterfaceId) &&
      !affectedMountTargets.has(pair.mountTarget.mountTargetId)
    ) {
      continue;
    }
    for (const subnetId of [pair.client.subnetId, pair.mountTarget.subnetId]) {
      const acl = index.networkAclBySubnet.get(subnetId);
      if (acl) out.add(ACL, acl.networkAclId);
    }
  }
  return out.refs;
}

/**
 * efs-nfs-exposure (FileSystem): a file system itself; SecurityGroup and NetworkInterface seeds -> the file
 * systems whose mount targets carry or reference the groups (as efs-mount-target-nfs-ingress); a NetworkAcl
 * -> the file systems with a mount target in its subnets; routing seeds -> the file systems with a mount
 * target in an affected VPC. A routing seed it no longer sees (deleted) -> every file system.
 */
export function fanOutExposure(topology: Topology, seeds: readonly ResourceRef[]): ResourceRef[] {
  const index = indexTopology(topology);
  const out = new RefSet();
  const all = (): ResourceRef[] =>
    [...index.fileSystemsById.keys()].map((id) => ({ resourceType: FS, resourceId: id }));
  const groupSeeds: ResourceRef[] = [];
  for (const seed of seeds) {
    if (seed.resourceType === FS) out.add(FS, seed.resourceId);
    else if (seed.resourceType === SG) groupSeeds.push(seed);
    else if (seed.resourceType === ENI) {
      for (const groupId of index.interfacesById.get(seed.resourceId)?.groupIds ?? []) {
        groupSeeds.push({ resourceType: SG, resourceId: groupId });
      }
      groupSeeds.push(seed);
    } else if (seed.resourceType === ACL) {
      // A deleted ACL's subnets moved to another ACL: that association is a change of its own.
      const acl = index.networkAclsById.get(seed.resourceId);
      if (!acl) continue;
      for (const mt of topology.mountTargets)
        if (acl.subnetIds.includes(mt.subnetId)) out.add(FS, mt.fileSystemId);
    }
  }
  for (const ref of fanOutIngress(topology, groupSeeds))
    if (ref.resourceType === FS) out.add(FS, ref.resourceId);
  const vpcs = vpcsAffectedByRouting(topology, seeds);
  if (vpcs === 'all') return all();
  for (const mt of topology.mountTargets) if (vpcs.has(mt.vpcId)) out.add(FS, mt.fileSystemId);
  return out.refs;
}
