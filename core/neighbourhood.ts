// The questions a neighbourhood load asks while it reads: over the part of the topology read so far
// (a PartialTopology), which resources a change can reach and what must still be read to know more.
// The same fan-out graph as core/fan-out.ts and core/net/nfs-paths.ts, asked of an incomplete topology:
// which groups reference a group for NFS, which interfaces carry it, which mount targets admit them,
// which subnets' ACLs lie on their paths. The loader (aws/load/neighbourhood/) only turns the answers into
// Describe calls (docs/neighbourhood.md).

import { referencesAnyGroup, referencesAnyGroupAtAll } from './group-references';
import type { NetworkAcl, NetworkInterface, ResourceRef, ResourceType, SecurityGroup } from './model';
import {
  isUnlabelledInterface,
  isUnnamedEfsInterface,
  parseMountTargetDescription,
} from './mount-target-interface';
import { nfsSourceGroupIds } from './net/nfs-paths';

/** What DescribeMountTargets told of one mount target, before its security groups are read. */
export interface MountTargetRecord {
  readonly mountTargetId?: string;
  readonly fileSystemId?: string;
  readonly networkInterfaceId?: string;
  readonly subnetId?: string;
  readonly vpcId?: string;
}

/** The part of a topology a neighbourhood load has read so far, normalised. */
export interface PartialTopology {
  /** The changed resources whose fan-out is being loaded. */
  readonly seeds: readonly ResourceRef[];
  readonly groups: ReadonlyMap<string, SecurityGroup>;
  readonly interfaces: ReadonlyMap<string, NetworkInterface>;
  readonly networkAcls: ReadonlyMap<string, NetworkAcl>;
  /** The mount targets of each file system asked about; null: the file system no longer exists. */
  readonly mountTargets: ReadonlyMap<string, readonly MountTargetRecord[] | null>;
  /** Every file system's mount targets were listed: no interface is left to recognise. */
  readonly everyFileSystemListed: boolean;
  /** Treat interfaces with nothing that identifies them as possible mount targets (emulators). */
  readonly probeUnlabelled: boolean;
  /** Groups for which every group referencing them by an inbound rule was asked for. */
  readonly referencesAsked: ReadonlySet<string>;
}

/**
 * What an interface is, as far as what was read tells: a mount target (DescribeMountTargets lists it),
 * pending (it may be one: its file system's mount targets are still to be read), an `efs` interface no
 * mount target lists (never a client: core/topology-index.ts isMountTargetInterface), or a client.
 */
export type InterfaceRole = 'mount-target' | 'client' | 'efs-unmatched' | 'pending';

/** The ids still to read that an answer depends on; the loader asks for each once. */
export interface Unknowns {
  /** Security groups to describe. */
  readonly groups: Set<string>;
  /** Groups whose carrying interfaces to read. */
  readonly carriers: Set<string>;
  /** Interfaces to describe. */
  readonly interfaces: Set<string>;
}

export function noUnknowns(): Unknowns {
  return { groups: new Set(), carriers: new Set(), interfaces: new Set() };
}

// ---------------------------------------------------------------------------------------------
// Questions about interfaces, over what was read so far.

/** Lookups over one PartialTopology; build a new one when more was read. */
export class NeighbourhoodView {
  private readonly mountTargetByInterface = new Map<string, MountTargetRecord>();
  private readonly carriersByGroup = new Map<string, NetworkInterface[]>();

  constructor(readonly partial: PartialTopology) {
    for (const records of partial.mountTargets.values()) {
      for (const mt of records ?? []) {
        if (mt.networkInterfaceId) this.mountTargetByInterface.set(mt.networkInterfaceId, mt);
      }
    }
    for (const eni of partial.interfaces.values()) {
      for (const groupId of new Set(eni.groupIds)) {
        const list = this.carriersByGroup.get(groupId);
        if (list) list.push(eni);
        else this.carriersByGroup.set(groupId, [eni]);
      }
    }
  }

  seedIds(type: ResourceType): string[] {
    return [
      ...new Set(
        this.partial.seeds.filter((seed) => seed.resourceType === type).map((seed) => seed.resourceId),
      ),
    ];
  }

  /** The mount target DescribeMountTargets lists for this interface, if read. */
  mountTargetOf(networkInterfaceId: string): MountTargetRecord | undefined {
    return this.mountTargetByInterface.get(networkInterfaceId);
  }

  /** The file system whose mount targets must be read before the interface can be classified. */
  fileSystemToAsk(eni: NetworkInterface): string | undefined {
    if (this.mountTargetByInterface.has(eni.networkInterfaceId)) return undefined;
    const claim = parseMountTargetDescription(eni.description);
    if (claim && !this.partial.mountTargets.has(claim.fileSystemId) && !this.partial.everyFileSystemListed)
      return claim.fileSystemId;
    return undefined;
  }

  /** Only a listing of every file system's mount targets can tell whether the interface is one. */
  needsEveryFileSystem(eni: NetworkInterface): boolean {
    if (this.partial.everyFileSystemListed || this.mountTargetByInterface.has(eni.networkInterfaceId))
      return false;
    return isUnnamedEfsInterface(eni) || (this.partial.probeUnlabelled && isUnlabelledInterface(eni));
  }

  roleOf(eni: NetworkInterface): InterfaceRole {
    if (this.mountTargetByInterface.has(eni.networkInterfaceId)) return 'mount-target';
    if (this.fileSystemToAsk(eni) || this.needsEveryFileSystem(eni)) return 'pending';
    // The core never counts an `efs` interface as a client, even one no mount target lists.
    if (eni.interfaceType === 'efs') return 'efs-unmatched';
    return 'client';
  }

  /** Interfaces carrying the group; complete only once the group's carriers were asked for. */
  carriers(groupId: string): readonly NetworkInterface[] {
    return this.carriersByGroup.get(groupId) ?? [];
  }

  /** Groups read so far whose NFS-covering inbound rules reference one of the interface's groups. */
  nfsAdmittingGroups(eni: NetworkInterface): SecurityGroup[] {
    const targets = new Set(eni.groupIds);
    return [...this.partial.groups.values()].filter((group) =>
      referencesAnyGroup(group, targets, 'ingress', true),
    );
  }

  /** The groups a mount-target interface's NFS rules admit, for each of its groups that was read. */
  nfsSourcesOf(eni: NetworkInterface): string[] {
    return eni.groupIds.flatMap((groupId) => {
      const group = this.partial.groups.get(groupId);
      return group ? [...nfsSourceGroupIds(group)] : [];
    });
  }

  /** Groups read so far that reference any of `groupIds`, inbound or outbound. */
  groupsReferencing(groupIds: ReadonlySet<string>): SecurityGroup[] {
    return [...this.partial.groups.values()].filter((group) => referencesAnyGroupAtAll(group, groupIds));
  }
}

// ---------------------------------------------------------------------------------------------
// Pairs: which mount targets admit a client, which clients a mount target admits.

/**
 * A mount-target interface's pairs: the NFS source groups its groups admit (as far as read), and what
 * must be read to know its clients: its groups, the carriers of its groups and of their NFS sources.
 */
export function mountTargetSources(
  view: NeighbourhoodView,
  eni: NetworkInterface,
  unknowns: Unknowns,
): string[] {
  for (const groupId of eni.groupIds) {
    if (!view.partial.groups.has(groupId)) {
      unknowns.groups.add(groupId);
      continue;
    }
    // Carriers of the mount target's own group (other mount targets, clients sharing it): a client's
    // reverse lookup needs them later. Asked once the group is known, with its NFS sources' carriers.
    unknowns.carriers.add(groupId);
  }
  const sources = view.nfsSourcesOf(eni);
  for (const sourceId of sources) unknowns.carriers.add(sourceId);
  return sources;
}

/**
 * A client's pairs: the mount-target (or possibly mount-target) interfaces that admit it, once the
 * groups referencing its groups were asked for (none before); the carriers of the admitting groups are
 * still to read.
 */
export function admittingMountTargets(
  view: NeighbourhoodView,
  eni: NetworkInterface,
  unknowns: Unknowns,
): NetworkInterface[] {
  if (eni.groupIds.some((groupId) => !view.partial.referencesAsked.has(groupId))) return [];
  const partners: NetworkInterface[] = [];
  for (const group of view.nfsAdmittingGroups(eni)) {
    unknowns.carriers.add(group.groupId);
    for (const carrier of view.carriers(group.groupId)) {
      const role = view.roleOf(carrier);
      if (role === 'mount-target' || role === 'pending') partners.push(carrier);
    }
  }
  return partners;
}

// ---------------------------------------------------------------------------------------------
// What a change reaches directly.

/** The resources a change reaches directly (its first ring of fan-out) and the subnets of their NFS pairs. */
export interface Reach {
  /** Interfaces of mount targets the change re-evaluates or whose pairs it alters. */
  readonly mountTargetInterfaces: ReadonlySet<string>;
  /** Client interfaces the change re-evaluates. */
  readonly clients: ReadonlySet<string>;
  /** Subnets and VPCs at either end of those resources' NFS pairs: their ACLs lie on the paths. */
  readonly pairSubnets: ReadonlySet<string>;
  readonly pairVpcs: ReadonlySet<string>;
}

/**
 * The seeds' direct reach over what was read (core/fan-out.ts, per rule), adding to `unknowns` what
 * must still be read to complete it.
 */
export function directReach(view: NeighbourhoodView, unknowns: Unknowns): Reach {
  const { partial } = view;
  const mountTargetInterfaces = new Set<string>();
  const seedFileSystemInterfaces: string[] = [];
  const clients = new Set<string>();
  const pairSubnets = new Set<string>();
  const pairVpcs = new Set<string>();
  const touch = (subnetId: string | undefined, vpcId: string | undefined): void => {
    if (subnetId) pairSubnets.add(subnetId);
    if (vpcId) pairVpcs.add(vpcId);
  };
  const addInterface = (eni: NetworkInterface): void => {
    const role = view.roleOf(eni);
    // A seed's interface that may be a mount target counts as one until its file system tells.
    if (role === 'mount-target' || role === 'pending') mountTargetInterfaces.add(eni.networkInterfaceId);
    else if (role === 'client') clients.add(eni.networkInterfaceId);
    touch(eni.subnetId, eni.vpcId);
  };

  const seedInterfaces = view.seedIds('AWS::EC2::NetworkInterface');
  for (const id of seedInterfaces) {
    const eni = partial.interfaces.get(id);
    if (eni) addInterface(eni);
  }
  const seedGroups = view.seedIds('AWS::EC2::SecurityGroup');
  for (const groupId of seedGroups) {
    for (const eni of view.carriers(groupId)) addInterface(eni);
  }
  for (const fsId of view.seedIds('AWS::EFS::FileSystem')) {
    for (const mt of partial.mountTargets.get(fsId) ?? []) {
      seedFileSystemInterfaces.push(mt.networkInterfaceId ?? '');
      touch(mt.subnetId, mt.vpcId);
      const eni = partial.interfaces.get(mt.networkInterfaceId ?? '');
      if (eni) mountTargetInterfaces.add(eni.networkInterfaceId);
      else if (mt.networkInterfaceId) unknowns.interfaces.add(mt.networkInterfaceId);
    }
  }

  // A mount-target group's change re-evaluates the clients its NFS rules admit (fanOutEgress).
  for (const groupId of seedGroups) {
    const group = partial.groups.get(groupId);
    const onMountTarget = view
      .carriers(groupId)
      .some((eni) => mountTargetInterfaces.has(eni.networkInterfaceId));
    if (!group || !onMountTarget) continue;
    for (const sourceId of nfsSourceGroupIds(group)) {
      unknowns.carriers.add(sourceId);
      for (const eni of view.carriers(sourceId))
        if (view.roleOf(eni) === 'client') clients.add(eni.networkInterfaceId);
    }
  }

  // A mount target's pairs: every client its groups admit. For a seed interface or a seed file system
  // these clients are re-evaluated themselves; for a mount target carrying a seed group they are the
  // other end of the pairs whose ACLs the change re-evaluates.
  const seedMountTargets = new Set([...seedInterfaces, ...seedFileSystemInterfaces]);
  for (const id of mountTargetInterfaces) {
    const eni = partial.interfaces.get(id);
    if (!eni) continue;
    for (const source of mountTargetSources(view, eni, unknowns)) {
      for (const client of view.carriers(source)) {
        if (view.roleOf(client) !== 'client') continue;
        touch(client.subnetId, client.vpcId);
        if (seedMountTargets.has(id)) clients.add(client.networkInterfaceId);
      }
    }
  }

  // A client's pairs: every mount target that admits it.
  for (const id of clients) {
    const eni = partial.interfaces.get(id);
    if (!eni) continue;
    for (const partner of admittingMountTargets(view, eni, unknowns)) touch(partner.subnetId, partner.vpcId);
  }
  return { mountTargetInterfaces, clients, pairSubnets, pairVpcs };
}

/**
 * The subnets whose every interface the ACL rule needs: all subnets of each ACL that is a seed or lies
 * on a path of the direct reach (an ACL's verdict depends on every pair crossing any of its subnets).
 */
export function subnetsOfAclsOnPaths(view: NeighbourhoodView, reach: Reach): Set<string> {
  const seedAcls = new Set(view.seedIds('AWS::EC2::NetworkAcl'));
  const wanted = new Set<string>();
  for (const acl of view.partial.networkAcls.values()) {
    if (seedAcls.has(acl.networkAclId) || acl.subnetIds.some((id) => reach.pairSubnets.has(id)))
      for (const id of acl.subnetIds) wanted.add(id);
  }
  return wanted;
}

/** File systems the ingress rule may report for these seeds (fanOutIngress): all their groups matter. */
export function reportedIngressFileSystems(view: NeighbourhoodView): Set<string> {
  const reported = new Set(view.seedIds('AWS::EFS::FileSystem'));
  const addCarriersOf = (groupId: string) => {
    for (const eni of view.carriers(groupId)) {
      const mt = view.mountTargetOf(eni.networkInterfaceId);
      if (mt?.fileSystemId) reported.add(mt.fileSystemId);
    }
  };
  const seedGroups = new Set(view.seedIds('AWS::EC2::SecurityGroup'));
  for (const id of seedGroups) addCarriersOf(id);
  for (const group of view.groupsReferencing(seedGroups)) addCarriersOf(group.groupId);
  for (const id of view.seedIds('AWS::EC2::NetworkInterface')) {
    const mt = view.mountTargetOf(id);
    if (mt?.fileSystemId) reported.add(mt.fileSystemId);
  }
  return reported;
}

/**
 * A file system belongs in the neighbourhood when it is a seed or one of its mount targets' interfaces
 * was read. (A file system named only by a forged description, or listed by the fallback listing of
 * every file system, is left out.)
 */
export function isFileSystemInNeighbourhood(partial: PartialTopology, fileSystemId: string): boolean {
  if (
    partial.seeds.some(
      (seed) => seed.resourceType === 'AWS::EFS::FileSystem' && seed.resourceId === fileSystemId,
    )
  )
    return true;
  const records = partial.mountTargets.get(fileSystemId) ?? [];
  return records.some(
    (mt) => mt.networkInterfaceId !== undefined && partial.interfaces.has(mt.networkInterfaceId),
  );
}

/**
 * More seeds the neighbourhood of a routing-aware load needs (the part 'routing', efs-nfs-exposure): the
 * exposure rule judges every mount target of each file system it reports (core/fan-out.ts
 * fanOutExposure), so each such file system is read as fully as a file-system seed; and it reports for an
 * interface what it reports for the interface's groups, so those count as group seeds. Asked again after
 * every round: the answer grows as more is read.
 */
export function exposureSeeds(view: NeighbourhoodView): ResourceRef[] {
  const { partial } = view;
  const refs: ResourceRef[] = [];
  for (const id of view.seedIds('AWS::EC2::NetworkInterface')) {
    for (const groupId of partial.interfaces.get(id)?.groupIds ?? [])
      refs.push({ resourceType: 'AWS::EC2::SecurityGroup', resourceId: groupId });
  }
  const reported = reportedIngressFileSystems(view);
  const seedAcls = new Set(view.seedIds('AWS::EC2::NetworkAcl'));
  for (const acl of partial.networkAcls.values()) {
    if (!seedAcls.has(acl.networkAclId)) continue;
    const subnets = new Set(acl.subnetIds);
    for (const records of partial.mountTargets.values()) {
      for (const mt of records ?? [])
        if (mt.fileSystemId && mt.subnetId && subnets.has(mt.subnetId)) reported.add(mt.fileSystemId);
    }
  }
  for (const id of [...reported].sort()) refs.push({ resourceType: 'AWS::EFS::FileSystem', resourceId: id });
  return refs;
}
