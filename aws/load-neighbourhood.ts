// The neighbourhood load (Config change events): given the resources a change touched (seeds), load
// only what can change their verdicts and the verdicts of their fan-out (docs/neighbourhood.md, core/fan-out.ts),
// with Describe filters, never a whole-account listing. The result is a Snapshot of the same shape as a
// whole-region load, so the same normaliser and rules evaluate it.
//
// The expansion is a fixed pipeline of batched stages. Each round sends, for every kind of lookup that
// has work, ONE filtered request (more only past 200 filter values or past a page), so the number of
// calls follows the shape of the neighbourhood, not the size of the account:
//   0. seeds, the changed resources' direct fan-out (L1: the interfaces and mount targets whose NFS pairs
//      the change alters), which of the interfaces are mount targets (DescribeMountTargets per file
//      system), and the network ACLs of the VPCs involved;
//   1. reverse references of L1 clients' groups (`ip-permission.group-id`): the mount targets that admit them;
//   2. every interface in the subnets of the ACLs on L1's paths (`subnet-id`): an ACL's verdict depends on
//      every client/mount-target pair that crosses its subnets;
//   3-4. the same forward/reverse lookups for those interfaces;
//   5. leaves: the remaining groups, VPC CIDRs, prefix-list entries, file-system descriptions.
// That pipeline is the part 'network'. The other parts are flat: a file-system seed's policy
// ('fileSystemPolicies'), an access-point seed ('accessPoints'), an IAM seed (aws/load-iam.ts, 'iam').
// Only the parts asked for are read (aws/permissions.ts lists the actions each takes), so a rule's
// function needs permission for its own parts alone. docs/neighbourhood.md lists what each seed type
// loads and the calls each event makes.
import type {
  EC2Client,
  IpPermission,
  NetworkAcl,
  NetworkInterface,
  SecurityGroup,
  Subnet,
  Vpc,
} from '@aws-sdk/client-ec2';
import {
  type AccessPointDescription,
  type EFSClient,
  type FileSystemDescription,
  type MountTargetDescription,
  paginateDescribeAccessPoints,
} from '@aws-sdk/client-efs';
import type { IAMClient } from '@aws-sdk/client-iam';
import { EfsguardError } from '../core/errors';
import { NFS_PORT, type ResourceRef, type ResourceType, type TopologyPart } from '../core/model';
import {
  DEFAULT_CONCURRENCY,
  describeFileSystemPolicy,
  describeFileSystems,
  describeManagedPrefixLists,
  describeMountTargetSecurityGroups,
  describeMountTargets,
  describeNetworkAcls,
  describeNetworkAclsById,
  describeNetworkInterfaces,
  describeSecurityGroups,
  describeSubnets,
  describeVpcs,
  getManagedPrefixListEntries,
  mapWithConcurrency,
} from './describe';
import { awsErrorName, callAws } from './errors';
import { type IamSeed, isIamResourceType, loadIamNeighbourhood } from './load-iam';
import { addRoutingPrefixLists, orderParts } from './load-region';
import { fileSystemSeedsForRouting, loadNeighbourhoodRouting, ROUTING_SEED_TYPES } from './load-routing';
import {
  isUnlabelledInterface,
  isUnnamedEfsInterface,
  parseMountTargetDescription,
} from './mount-target-interface';
import { guardPages } from './pagination';
import { SNAPSHOT_FORMAT, type Snapshot, type SnapshotFileSystem, type SnapshotPrefixList } from './snapshot';

export interface NeighbourhoodClients {
  readonly ec2: EC2Client;
  readonly efs: EFSClient;
  /** Needed only for IAM seeds (the part 'iam'). */
  readonly iam?: IAMClient;
}

/**
 * A changed resource. IAM resources carry the configuration item's resourceName and ARN: IAM's Get calls
 * take names (and a policy's ARN), never the ids Config uses (aws/load-iam.ts).
 */
export interface NeighbourhoodSeed extends ResourceRef {
  readonly resourceName?: string;
  readonly arn?: string;
}

export interface NeighbourhoodOptions {
  readonly accountId: string;
  readonly region: string;
  /**
   * What to read: the `requires` of the rule to evaluate. Every seed must be of a type one of these
   * parts expands (SEED_PARTS); nothing outside them is called.
   */
  readonly parts: readonly TopologyPart[];
  /**
   * Also treat interfaces with nothing that identifies them (plain type, not requester-managed, no
   * description, no instance) as possible mount targets, found by listing every file system's mount
   * targets. AWS never creates mount-target interfaces like that; emulators such as moto do. Defaults
   * to true when the EC2 client has a custom endpoint, false against AWS.
   */
  readonly probeUnlabelledInterfaces?: boolean;
  /** Per-file-system calls in flight at once. */
  readonly concurrency?: number;
  /** Recording time; defaults to now. */
  readonly capturedAt?: Date;
  /** Progress lines (e.g. an IAM seed without a name falling back to the sweep). */
  readonly onProgress?: (message: string) => void;
}

/** The seed types each part expands: a change of one of these types can alter that part's verdicts. */
export const SEED_PARTS: Readonly<Record<TopologyPart, readonly ResourceType[]>> = {
  network: [
    'AWS::EC2::SecurityGroup',
    'AWS::EC2::NetworkInterface',
    'AWS::EC2::NetworkAcl',
    'AWS::EFS::FileSystem',
  ],
  fileSystemPolicies: ['AWS::EFS::FileSystem'],
  accessPoints: ['AWS::EFS::AccessPoint'],
  iam: ['AWS::IAM::Role', 'AWS::IAM::User', 'AWS::IAM::Group', 'AWS::IAM::Policy'],
  routing: ROUTING_SEED_TYPES,
};

/** A seed that none of the parts asked for expands: loading would silently read nothing for it. */
export class UnsupportedSeedError extends EfsguardError {
  override readonly name = 'UnsupportedSeedError';
  constructor(
    readonly seed: ResourceRef,
    readonly parts: readonly TopologyPart[],
  ) {
    const expanding = (Object.keys(SEED_PARTS) as TopologyPart[]).filter((part) =>
      SEED_PARTS[part].includes(seed.resourceType),
    );
    super(
      `the neighbourhood load of parts ${parts.join(', ') || '(none)'} cannot expand ${seed.resourceType} seeds (${seed.resourceId}); ` +
        (expanding.length > 0
          ? `the part${expanding.length > 1 ? 's' : ''} ${expanding.join(', ')} would`
          : 'no part does'),
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Small pure helpers over SDK shapes.

const groupIdsOf = (eni: NetworkInterface): string[] =>
  (eni.Groups ?? []).map((group) => group.GroupId).filter((id): id is string => Boolean(id));

/**
 * Does an inbound permission cover TCP 2049? Same test as core/net/protocol.ts `coversNfs`, on the SDK
 * shape: all traffic (`-1`), or TCP (`tcp`/`6`) with FromPort <= 2049 <= ToPort (absent ports: all).
 */
function coversNfsSdk(permission: IpPermission): boolean {
  const protocol = String(permission.IpProtocol ?? '').toLowerCase();
  if (protocol === '-1' || protocol === 'all') return true;
  if (protocol !== 'tcp' && protocol !== '6') return false;
  const from = permission.FromPort ?? 0;
  const to = permission.ToPort ?? 65535;
  return (from === -1 && to === -1) || (from <= NFS_PORT && NFS_PORT <= to);
}

/** Same-account groups referenced by a group's inbound rules (`nfsOnly`: by NFS-covering ones). */
function forwardReferences(group: SecurityGroup, nfsOnly: boolean): string[] {
  const ids = new Set<string>();
  for (const permission of group.IpPermissions ?? []) {
    if (nfsOnly && !coversNfsSdk(permission)) continue;
    for (const pair of permission.UserIdGroupPairs ?? []) {
      // AWS omits UserId for a reference to a group of the same account.
      if (pair.GroupId && (!pair.UserId || pair.UserId === group.OwnerId)) ids.add(pair.GroupId);
    }
  }
  return [...ids];
}

/** Does the group reference any of `targets`, inbound (optionally NFS-covering only) or outbound? */
function referencesAny(
  group: SecurityGroup,
  targets: ReadonlySet<string>,
  where: 'ingress' | 'egress',
  nfsOnly: boolean,
): boolean {
  const permissions = where === 'ingress' ? group.IpPermissions : group.IpPermissionsEgress;
  for (const permission of permissions ?? []) {
    if (nfsOnly && !coversNfsSdk(permission)) continue;
    for (const pair of permission.UserIdGroupPairs ?? []) {
      if (pair.GroupId && targets.has(pair.GroupId)) return true;
    }
  }
  return false;
}

/**
 * Does judging this mount-target group need its VPC's CIDR blocks? Only an NFS-covering inbound rule
 * from a CIDR or a prefix list is compared with them (core efs-mount-target-nfs-ingress); group
 * references are not.
 */
function needsVpcCidrs(group: SecurityGroup): boolean {
  return (group.IpPermissions ?? []).some(
    (permission) =>
      coversNfsSdk(permission) &&
      Boolean(
        permission.IpRanges?.length || permission.Ipv6Ranges?.length || permission.PrefixListIds?.length,
      ),
  );
}

function prefixListsOf(permissions: readonly IpPermission[] | undefined): string[] {
  return (permissions ?? []).flatMap((permission) =>
    (permission.PrefixListIds ?? [])
      .map((list) => list.PrefixListId)
      .filter((id): id is string => Boolean(id)),
  );
}

function isNotFound(error: unknown, codes: readonly string[]): boolean {
  return codes.includes(awsErrorName((error as { cause?: unknown })?.cause ?? error));
}

// ---------------------------------------------------------------------------------------------
// The work one round sends: batched EC2 lookups (one request per kind) and per-resource EFS calls.

interface Work {
  readonly groups: Set<string>; // DescribeSecurityGroups group-id
  readonly reverse: Set<string>; // DescribeSecurityGroups ip-permission.group-id
  readonly reverseEgress: Set<string>; // DescribeSecurityGroups egress.ip-permission.group-id
  readonly carriers: Set<string>; // DescribeNetworkInterfaces group-id
  readonly interfaces: Set<string>; // DescribeNetworkInterfaces network-interface-id
  readonly subnetInterfaces: Set<string>; // DescribeNetworkInterfaces subnet-id
  readonly aclIds: Set<string>; // DescribeNetworkAcls NetworkAclIds
  readonly aclVpcs: Set<string>; // DescribeNetworkAcls vpc-id
  readonly vpcs: Set<string>; // DescribeVpcs vpc-id
  readonly subnets: Set<string>; // DescribeSubnets subnet-id
  readonly mountTargets: Set<string>; // DescribeMountTargets FileSystemId
  readonly fileSystems: Set<string>; // DescribeFileSystems FileSystemId
  readonly prefixLists: Set<string>; // DescribeManagedPrefixLists prefix-list-id + GetManagedPrefixListEntries
  readonly mountTargetGroups: Set<string>; // DescribeMountTargetSecurityGroups (interface not found)
  scan: boolean; // DescribeFileSystems (all) + DescribeMountTargets per file system
}

const BATCHED = [
  'groups',
  'reverse',
  'reverseEgress',
  'carriers',
  'interfaces',
  'subnetInterfaces',
  'aclIds',
  'aclVpcs',
  'vpcs',
  'subnets',
] as const;
const PER_RESOURCE = ['mountTargets', 'fileSystems', 'prefixLists', 'mountTargetGroups'] as const;

type WorkKind = (typeof BATCHED)[number] | (typeof PER_RESOURCE)[number];

function emptySets(): Record<WorkKind, Set<string>> {
  return Object.fromEntries([...BATCHED, ...PER_RESOURCE].map((kind) => [kind, new Set<string>()])) as Record<
    WorkKind,
    Set<string>
  >;
}

function emptyWork(): Work {
  return { ...emptySets(), scan: false };
}

function isEmpty(work: Work): boolean {
  return !work.scan && [...BATCHED, ...PER_RESOURCE].every((kind) => work[kind].size === 0);
}

type InterfaceClass = 'mount-target' | 'client' | 'efs-unmatched' | 'pending';

/** The state of one load: what has been asked (so nothing is asked twice) and what came back. */
class Neighbourhood {
  readonly groups = new Map<string, SecurityGroup>();
  readonly interfaces = new Map<string, NetworkInterface>();
  readonly acls = new Map<string, NetworkAcl>();
  readonly vpcs = new Map<string, Vpc>();
  readonly subnets = new Map<string, Subnet>();
  /** DescribeMountTargets per file system; null: FileSystemNotFound. */
  readonly mountTargets = new Map<string, MountTargetDescription[] | null>();
  readonly fileSystems = new Map<string, FileSystemDescription | null>();
  readonly prefixLists = new Map<string, SnapshotPrefixList | null>();
  readonly mountTargetGroups = new Map<string, string[] | null>();
  readonly asked: Record<WorkKind, Set<string>> = emptySets();
  scanned = false;

  constructor(
    readonly seeds: readonly ResourceRef[],
    readonly probeUnlabelled: boolean,
  ) {}

  seedIds(type: ResourceRef['resourceType']): string[] {
    return [
      ...new Set(this.seeds.filter((seed) => seed.resourceType === type).map((seed) => seed.resourceId)),
    ];
  }
}

/** Derived lookups over the current state, rebuilt each round. */
class View {
  readonly mountTargetByInterface = new Map<string, MountTargetDescription>();
  readonly carriersByGroup = new Map<string, NetworkInterface[]>();

  constructor(readonly state: Neighbourhood) {
    for (const mts of state.mountTargets.values()) {
      for (const mt of mts ?? [])
        if (mt.NetworkInterfaceId) this.mountTargetByInterface.set(mt.NetworkInterfaceId, mt);
    }
    for (const eni of state.interfaces.values()) {
      for (const groupId of new Set(groupIdsOf(eni))) {
        const list = this.carriersByGroup.get(groupId);
        if (list) list.push(eni);
        else this.carriersByGroup.set(groupId, [eni]);
      }
    }
  }

  /** The file system to ask DescribeMountTargets about before the interface can be classified. */
  pendingFileSystem(eni: NetworkInterface): string | undefined {
    if (this.mountTargetByInterface.has(eni.NetworkInterfaceId ?? '')) return undefined;
    const claim = parseMountTargetDescription(eni.Description);
    if (claim && !this.state.mountTargets.has(claim.fileSystemId) && !this.state.scanned)
      return claim.fileSystemId;
    return undefined;
  }

  needsScan(eni: NetworkInterface): boolean {
    if (this.state.scanned || this.mountTargetByInterface.has(eni.NetworkInterfaceId ?? '')) return false;
    return isUnnamedEfsInterface(eni) || (this.state.probeUnlabelled && isUnlabelledInterface(eni));
  }

  classify(eni: NetworkInterface): InterfaceClass {
    if (this.mountTargetByInterface.has(eni.NetworkInterfaceId ?? '')) return 'mount-target';
    if (this.pendingFileSystem(eni) || this.needsScan(eni)) return 'pending';
    // The core never counts an `efs` interface as a client, even one no mount target lists.
    if (String(eni.InterfaceType) === 'efs') return 'efs-unmatched';
    return 'client';
  }

  /** Interfaces carrying the group; complete only once the group's carriers were asked for. */
  carriers(groupId: string): NetworkInterface[] {
    return this.carriersByGroup.get(groupId) ?? [];
  }

  /** Loaded groups whose NFS-covering inbound rules reference one of the interface's groups. */
  admittingGroups(eni: NetworkInterface): SecurityGroup[] {
    const targets = new Set(groupIdsOf(eni));
    return [...this.state.groups.values()].filter((group) => referencesAny(group, targets, 'ingress', true));
  }

  /** The groups a mount-target interface's NFS rules admit, for each of its groups that is loaded. */
  admittedGroups(eni: NetworkInterface): string[] {
    return groupIdsOf(eni).flatMap((groupId) => {
      const group = this.state.groups.get(groupId);
      return group ? forwardReferences(group, true) : [];
    });
  }

  subnetOf(eni: NetworkInterface): string | undefined {
    return eni.SubnetId;
  }
}

// ---------------------------------------------------------------------------------------------
// Planning: which lookups the next round sends.

/** The resources a change reaches directly (L1) and the subnets of their NFS pairs (S1). */
interface Reach {
  readonly mountTargetInterfaces: Set<string>;
  readonly mountTargetRecords: MountTargetDescription[];
  readonly clients: Set<string>;
  readonly pairSubnets: Set<string>;
  readonly pairVpcs: Set<string>;
}

function computeReach(state: Neighbourhood, view: View, work: Work): Reach {
  const mountTargetInterfaces = new Set<string>();
  const mountTargetRecords: MountTargetDescription[] = [];
  const clients = new Set<string>();
  const pairSubnets = new Set<string>();
  const pairVpcs = new Set<string>();
  const touch = (subnetId: string | undefined, vpcId: string | undefined): void => {
    if (subnetId) pairSubnets.add(subnetId);
    if (vpcId) pairVpcs.add(vpcId);
  };
  const addInterface = (eni: NetworkInterface, asMountTarget: boolean): void => {
    const id = eni.NetworkInterfaceId ?? '';
    const kind = view.classify(eni);
    if (kind === 'mount-target' || (kind === 'pending' && asMountTarget)) mountTargetInterfaces.add(id);
    else if (kind === 'client') clients.add(id);
    touch(eni.SubnetId, eni.VpcId);
  };

  // Seeds.
  for (const id of state.seedIds('AWS::EC2::NetworkInterface')) {
    const eni = state.interfaces.get(id);
    if (eni) addInterface(eni, true);
  }
  const seedGroups = state.seedIds('AWS::EC2::SecurityGroup');
  for (const groupId of seedGroups) {
    for (const eni of view.carriers(groupId)) addInterface(eni, true);
  }
  for (const fsId of state.seedIds('AWS::EFS::FileSystem')) {
    for (const mt of state.mountTargets.get(fsId) ?? []) {
      mountTargetRecords.push(mt);
      touch(mt.SubnetId, mt.VpcId);
      const eni = state.interfaces.get(mt.NetworkInterfaceId ?? '');
      if (eni) mountTargetInterfaces.add(eni.NetworkInterfaceId ?? '');
      else if (mt.NetworkInterfaceId && !state.asked.interfaces.has(mt.NetworkInterfaceId)) {
        work.interfaces.add(mt.NetworkInterfaceId);
      }
    }
  }

  // A mount-target group's change re-evaluates the clients its NFS rules admit (core fanOutEgress).
  for (const groupId of seedGroups) {
    const group = state.groups.get(groupId);
    const onMountTarget = view
      .carriers(groupId)
      .some((eni) => mountTargetInterfaces.has(eni.NetworkInterfaceId ?? ''));
    if (!group || !onMountTarget) continue;
    for (const sourceId of forwardReferences(group, true)) {
      if (!state.asked.carriers.has(sourceId)) work.carriers.add(sourceId);
      for (const eni of view.carriers(sourceId))
        if (view.classify(eni) === 'client') clients.add(eni.NetworkInterfaceId ?? '');
    }
  }

  // A mount target's pairs: every client its groups admit. For a seed interface or a seed file system
  // these clients are re-evaluated themselves (L1); for a mount target carrying a seed group they are
  // the other end of the pairs whose ACLs the change re-evaluates.
  const seedMountTargets = new Set([
    ...state.seedIds('AWS::EC2::NetworkInterface'),
    ...mountTargetRecords.map((mt) => mt.NetworkInterfaceId ?? ''),
  ]);
  for (const id of mountTargetInterfaces) {
    const eni = state.interfaces.get(id);
    if (!eni) continue;
    const sources = expandMountTarget(state, view, eni, work);
    for (const source of sources) {
      for (const client of view.carriers(source)) {
        if (view.classify(client) !== 'client') continue;
        touch(client.SubnetId, client.VpcId);
        if (seedMountTargets.has(id)) clients.add(client.NetworkInterfaceId ?? '');
      }
    }
  }

  // A client's pairs: every mount target that admits it.
  for (const id of clients) {
    const eni = state.interfaces.get(id);
    if (!eni) continue;
    for (const partner of expandClient(state, view, eni, work)) touch(partner.SubnetId, partner.VpcId);
  }
  return { mountTargetInterfaces, mountTargetRecords, clients, pairSubnets, pairVpcs };
}

/**
 * A mount-target interface's needs: its groups (to read their NFS sources), and the interfaces carrying
 * its groups or their NFS sources. Returns the NFS source groups known so far.
 */
function expandMountTarget(state: Neighbourhood, view: View, eni: NetworkInterface, work: Work): string[] {
  const sources: string[] = [];
  for (const groupId of groupIdsOf(eni)) {
    if (!state.groups.has(groupId)) {
      if (!state.asked.groups.has(groupId)) work.groups.add(groupId);
      continue;
    }
    // Carriers of the mount target's own group (other mount targets, clients sharing it): a client's
    // reverse lookup needs them later. Asked once the group is known, in the same request as its
    // NFS sources' carriers.
    if (!state.asked.carriers.has(groupId)) work.carriers.add(groupId);
  }
  for (const sourceId of view.admittedGroups(eni)) {
    sources.push(sourceId);
    if (!state.asked.carriers.has(sourceId)) work.carriers.add(sourceId);
  }
  return sources;
}

/**
 * A client's needs: the groups whose NFS rules reference its groups (a reverse lookup, asked by the
 * caller's tier) and the interfaces carrying those groups. Returns the admitting mount targets known.
 */
function expandClient(
  state: Neighbourhood,
  view: View,
  eni: NetworkInterface,
  work: Work,
): NetworkInterface[] {
  const groupIds = groupIdsOf(eni);
  if (groupIds.some((groupId) => !state.asked.reverse.has(groupId))) return [];
  const partners: NetworkInterface[] = [];
  for (const group of view.admittingGroups(eni)) {
    const groupId = group.GroupId ?? '';
    if (!state.asked.carriers.has(groupId)) work.carriers.add(groupId);
    for (const carrier of view.carriers(groupId)) {
      const kind = view.classify(carrier);
      if (kind === 'mount-target' || kind === 'pending') partners.push(carrier);
    }
  }
  return partners;
}

/** The plan of one round, in tiers: the first tier with work is sent (see the file header). */
function plan(state: Neighbourhood): Work[] {
  const view = new View(state);
  const t0 = emptyWork(); // seeds, L1, classification, ACLs of L1's VPCs
  const t1 = emptyWork(); // reverse references of L1 clients and of seed groups
  const t2 = emptyWork(); // interfaces of the subnets of the ACLs on L1's paths
  const t3 = emptyWork(); // forward lookups of those interfaces; file systems' remaining mount targets
  const t4 = emptyWork(); // reverse references of those interfaces
  const t5 = emptyWork(); // leaves

  const askOnce = (
    work: Work,
    kind: (typeof BATCHED)[number] | (typeof PER_RESOURCE)[number],
    id: string | undefined,
  ) => {
    if (id && !state.asked[kind].has(id)) work[kind].add(id);
  };

  // Seeds.
  for (const id of state.seedIds('AWS::EC2::SecurityGroup')) {
    askOnce(t0, 'groups', id);
    askOnce(t0, 'carriers', id);
    askOnce(t1, 'reverse', id);
    // core fanOutIngress re-evaluates every mount-target group that references the seed group, by an
    // inbound or an outbound rule, and their file systems.
    askOnce(t1, 'reverseEgress', id);
  }
  for (const id of state.seedIds('AWS::EC2::NetworkInterface')) askOnce(t0, 'interfaces', id);
  for (const id of state.seedIds('AWS::EC2::NetworkAcl')) askOnce(t0, 'aclIds', id);
  for (const id of state.seedIds('AWS::EFS::FileSystem')) {
    askOnce(t0, 'mountTargets', id);
    askOnce(t0, 'fileSystems', id);
  }

  // Which interfaces are mount targets: DescribeMountTargets of the file system a description names,
  // or a listing of every file system when an interface may be one but does not say of which.
  for (const eni of state.interfaces.values()) {
    askOnce(t0, 'mountTargets', view.pendingFileSystem(eni));
    if (view.needsScan(eni)) t0.scan = true;
  }

  // Mount-target groups that reference a seed group (core fanOutIngress): are they on mount targets?
  const seedGroupIds = new Set(state.seedIds('AWS::EC2::SecurityGroup'));
  if (seedGroupIds.size > 0) {
    for (const group of state.groups.values()) {
      const reversed = [...seedGroupIds].every(
        (id) => state.asked.reverse.has(id) && state.asked.reverseEgress.has(id),
      );
      if (!reversed) break;
      if (
        referencesAny(group, seedGroupIds, 'ingress', false) ||
        referencesAny(group, seedGroupIds, 'egress', false)
      ) {
        askOnce(t0, 'carriers', group.GroupId);
      }
    }
  }

  // L1 and the subnets of its pairs.
  const reach = computeReach(state, view, t0);
  for (const id of reach.clients) {
    const eni = state.interfaces.get(id);
    for (const groupId of eni ? groupIdsOf(eni) : []) askOnce(t1, 'reverse', groupId);
  }
  for (const vpcId of reach.pairVpcs) askOnce(t0, 'aclVpcs', vpcId);

  // S2: every subnet of an ACL on one of L1's paths, and of the seed ACLs.
  const wantedSubnets = new Set<string>();
  for (const acl of state.acls.values()) {
    const subnetIds = (acl.Associations ?? [])
      .map((a) => a.SubnetId)
      .filter((id): id is string => Boolean(id));
    const isSeed = state.seeds.some(
      (s) => s.resourceType === 'AWS::EC2::NetworkAcl' && s.resourceId === acl.NetworkAclId,
    );
    if (isSeed || subnetIds.some((id) => reach.pairSubnets.has(id)))
      for (const id of subnetIds) wantedSubnets.add(id);
  }
  for (const subnetId of wantedSubnets) askOnce(t2, 'subnetInterfaces', subnetId);

  // The pairs of every interface in S2 (their ACLs' verdicts need all of them).
  for (const eni of state.interfaces.values()) {
    if (!eni.SubnetId || !state.asked.subnetInterfaces.has(eni.SubnetId)) continue;
    const kind = view.classify(eni);
    if (kind === 'mount-target') expandMountTarget(state, view, eni, t3);
    else if (kind === 'client') {
      for (const groupId of groupIdsOf(eni)) askOnce(t4, 'reverse', groupId);
      expandClient(state, view, eni, t3);
    }
  }

  // File systems in the neighbourhood: all their mount targets' interfaces (whose groups are the mount
  // targets' groups), and the groups of those on re-evaluated file systems.
  const reportedFileSystems = reportedIngressFileSystems(state, view);
  for (const [fsId, mts] of state.mountTargets) {
    if (!mts || !isRelevantFileSystem(state, fsId)) continue;
    askOnce(t5, 'fileSystems', fsId);
    for (const mt of mts) {
      const eniId = mt.NetworkInterfaceId;
      const eni = eniId ? state.interfaces.get(eniId) : undefined;
      if (!eni) {
        if (eniId && !state.asked.interfaces.has(eniId)) t3.interfaces.add(eniId);
        else askOnce(t5, 'mountTargetGroups', mt.MountTargetId);
        if (mt.VpcId === undefined) askOnce(t5, 'subnets', mt.SubnetId);
        continue;
      }
      if (mt.VpcId === undefined) askOnce(t5, 'subnets', mt.SubnetId);
      if (reportedFileSystems.has(fsId))
        for (const groupId of groupIdsOf(eni)) askOnce(t3, 'groups', groupId);
    }
  }

  // Leaves: every group on a client in the neighbourhood (their egress), the groups mount-target rules
  // reference (a missing one is unresolvable), VPC CIDRs of mount-target groups, prefix-list entries.
  const sourceGroups = new Set<string>();
  const mountTargetGroups = new Set<string>();
  for (const eni of state.interfaces.values()) {
    if (view.classify(eni) !== 'mount-target') continue;
    for (const groupId of groupIdsOf(eni)) {
      mountTargetGroups.add(groupId);
      const group = state.groups.get(groupId);
      if (!group) continue;
      if (needsVpcCidrs(group)) askOnce(t5, 'vpcs', group.VpcId);
      for (const id of forwardReferences(group, false)) {
        askOnce(t5, 'groups', id);
        sourceGroups.add(id);
      }
      for (const id of prefixListsOf(group.IpPermissions)) askOnce(t5, 'prefixLists', id);
    }
  }
  for (const id of seedGroupIds) {
    const group = state.groups.get(id);
    if (!group) continue;
    if (needsVpcCidrs(group)) askOnce(t5, 'vpcs', group.VpcId);
    for (const ref of forwardReferences(group, false)) askOnce(t5, 'groups', ref);
    for (const list of prefixListsOf(group.IpPermissions)) askOnce(t5, 'prefixLists', list);
  }
  for (const eni of state.interfaces.values()) {
    if (view.classify(eni) !== 'client') continue;
    const groupIds = groupIdsOf(eni);
    const admitted = groupIds.some((id) => sourceGroups.has(id));
    // Egress matters only for a client some mount target admits, or one the change re-evaluates.
    if (!admitted && !reach.clients.has(eni.NetworkInterfaceId ?? '')) continue;
    for (const groupId of groupIds) {
      if (!state.groups.has(groupId)) askOnce(t5, 'groups', groupId);
      const group = state.groups.get(groupId);
      if (admitted && group)
        for (const id of prefixListsOf(group.IpPermissionsEgress)) askOnce(t5, 'prefixLists', id);
    }
  }
  // A group seen only through a reverse lookup is already described; never ask for it again.
  for (const work of [t0, t1, t2, t3, t4, t5]) {
    for (const id of [...work.groups]) if (state.groups.has(id)) work.groups.delete(id);
  }
  return [t0, t1, t2, t3, t4, t5];
}

/** File systems the ingress rule may report for these seeds (core fanOutIngress): all their groups matter. */
function reportedIngressFileSystems(state: Neighbourhood, view: View): Set<string> {
  const reported = new Set(state.seedIds('AWS::EFS::FileSystem'));
  const addCarriersOf = (groupId: string) => {
    for (const eni of view.carriers(groupId)) {
      const mt = view.mountTargetByInterface.get(eni.NetworkInterfaceId ?? '');
      if (mt?.FileSystemId) reported.add(mt.FileSystemId);
    }
  };
  const seedGroups = new Set(state.seedIds('AWS::EC2::SecurityGroup'));
  for (const id of seedGroups) addCarriersOf(id);
  for (const group of state.groups.values()) {
    if (
      referencesAny(group, seedGroups, 'ingress', false) ||
      referencesAny(group, seedGroups, 'egress', false)
    ) {
      addCarriersOf(group.GroupId ?? '');
    }
  }
  for (const id of state.seedIds('AWS::EC2::NetworkInterface')) {
    const mt = view.mountTargetByInterface.get(id);
    if (mt?.FileSystemId) reported.add(mt.FileSystemId);
  }
  return reported;
}

/**
 * A file system belongs in the snapshot when it is a seed or one of its mount targets' interfaces is
 * in the neighbourhood. (A file system named only by a forged description, or listed by the fallback
 * listing of every file system, is left out.)
 */
function isRelevantFileSystem(state: Neighbourhood, fsId: string): boolean {
  if (state.seedIds('AWS::EFS::FileSystem').includes(fsId)) return true;
  const mts = state.mountTargets.get(fsId) ?? [];
  return mts.some((mt) => mt.NetworkInterfaceId !== undefined && state.interfaces.has(mt.NetworkInterfaceId));
}

// ---------------------------------------------------------------------------------------------
// Execution.

function mergeTiers(tiers: Work[]): Work | undefined {
  const index = tiers.findIndex((tier) => !isEmpty(tier));
  if (index < 0) return undefined;
  const chosen = tiers[index] as Work;
  // A request that goes out anyway also carries the same kind's later values: same call, fewer rounds.
  for (const later of tiers.slice(index + 1)) {
    for (const kind of BATCHED) {
      if (chosen[kind].size === 0) continue;
      for (const id of later[kind]) chosen[kind].add(id);
    }
    // Per-resource calls cost the same whenever they go; sending them early shortens the load.
    for (const id of later.fileSystems) chosen.fileSystems.add(id);
  }
  return chosen;
}

async function runRound(
  clients: NeighbourhoodClients,
  state: Neighbourhood,
  work: Work,
  concurrency: number,
): Promise<void> {
  const { ec2, efs } = clients;
  for (const kind of [...BATCHED, ...PER_RESOURCE]) for (const id of work[kind]) state.asked[kind].add(id);
  const list = (set: Set<string>) => [...set].sort();
  const tasks: Promise<void>[] = [];
  // Across rounds, the first description of a resource is kept: the plan of every later round was
  // built on it (within one call, aws/unique-by-id.ts UniqueById merges identical copies and refuses
  // differing ones).
  const keepFirst = <T>(map: Map<string, T>, id: string | undefined, item: T) => {
    if (id && !map.has(id)) map.set(id, item);
  };
  const addGroups = (groups: SecurityGroup[]) => {
    for (const group of groups) keepFirst(state.groups, group.GroupId, group);
  };
  const addInterfaces = (enis: NetworkInterface[]) => {
    for (const eni of enis) keepFirst(state.interfaces, eni.NetworkInterfaceId, eni);
  };
  const ec2Lookup = <T>(
    ids: Set<string>,
    filter: string,
    run: (filters: { name: string; values: string[] }[]) => Promise<T[]>,
    add: (items: T[]) => void,
  ) => {
    if (ids.size === 0) return;
    tasks.push(run([{ name: filter, values: list(ids) }]).then(add));
  };
  // Filters, not id parameters: an id that no longer exists matches nothing instead of failing the call
  // (ACLs are the exception: see describeNetworkAclsById).
  ec2Lookup(work.groups, 'group-id', (f) => describeSecurityGroups(ec2, f), addGroups);
  ec2Lookup(work.reverse, 'ip-permission.group-id', (f) => describeSecurityGroups(ec2, f), addGroups);
  ec2Lookup(
    work.reverseEgress,
    'egress.ip-permission.group-id',
    (f) => describeSecurityGroups(ec2, f),
    addGroups,
  );
  ec2Lookup(work.carriers, 'group-id', (f) => describeNetworkInterfaces(ec2, f), addInterfaces);
  ec2Lookup(work.interfaces, 'network-interface-id', (f) => describeNetworkInterfaces(ec2, f), addInterfaces);
  ec2Lookup(work.subnetInterfaces, 'subnet-id', (f) => describeNetworkInterfaces(ec2, f), addInterfaces);
  const addAcls = (acls: NetworkAcl[]) => {
    for (const acl of acls) keepFirst(state.acls, acl.NetworkAclId, acl);
  };
  if (work.aclIds.size > 0) tasks.push(describeNetworkAclsById(ec2, list(work.aclIds)).then(addAcls));
  ec2Lookup(work.aclVpcs, 'vpc-id', (f) => describeNetworkAcls(ec2, f), addAcls);
  ec2Lookup(
    work.vpcs,
    'vpc-id',
    (f) => describeVpcs(ec2, f),
    (vpcs) => {
      for (const vpc of vpcs) keepFirst(state.vpcs, vpc.VpcId, vpc);
    },
  );
  ec2Lookup(
    work.subnets,
    'subnet-id',
    (f) => describeSubnets(ec2, f),
    (subnets) => {
      for (const subnet of subnets) keepFirst(state.subnets, subnet.SubnetId, subnet);
    },
  );

  const efsEach = (ids: Set<string>, fn: (id: string) => Promise<void>) => {
    if (ids.size > 0) tasks.push(mapWithConcurrency(list(ids), concurrency, fn).then(() => undefined));
  };
  const FS_GONE = ['FileSystemNotFound'];
  efsEach(work.mountTargets, async (fsId) => {
    try {
      state.mountTargets.set(fsId, await describeMountTargets(efs, { fileSystemId: fsId }));
    } catch (error) {
      if (!isNotFound(error, FS_GONE)) throw error;
      state.mountTargets.set(fsId, null);
    }
  });
  efsEach(work.fileSystems, async (fsId) => {
    try {
      state.fileSystems.set(fsId, (await describeFileSystems(efs, { fileSystemId: fsId }))[0] ?? null);
    } catch (error) {
      if (!isNotFound(error, FS_GONE)) throw error;
      state.fileSystems.set(fsId, null);
    }
  });
  efsEach(work.mountTargetGroups, async (mountTargetId) => {
    try {
      state.mountTargetGroups.set(mountTargetId, await describeMountTargetSecurityGroups(efs, mountTargetId));
    } catch (error) {
      // Deleted since DescribeMountTargets, or not in a state that has groups: leave it out.
      if (!isNotFound(error, ['MountTargetNotFound', 'IncorrectMountTargetState'])) throw error;
      state.mountTargetGroups.set(mountTargetId, null);
    }
  });
  if (work.prefixLists.size > 0) {
    tasks.push(
      (async () => {
        // One DescribeManagedPrefixLists for all of them first: a list it does not show is missing,
        // whatever GetManagedPrefixListEntries would answer (some endpoints, moto among them, answer a
        // missing list with no entries). A missing list stays unresolved: the rules fail closed on it.
        const ids = list(work.prefixLists);
        const shown = new Set(
          (await describeManagedPrefixLists(ec2, [{ name: 'prefix-list-id', values: ids }])).map(
            (pl) => pl.PrefixListId,
          ),
        );
        await mapWithConcurrency(ids, concurrency, async (prefixListId) => {
          const entries = shown.has(prefixListId)
            ? await getManagedPrefixListEntries(ec2, prefixListId)
            : null;
          state.prefixLists.set(
            prefixListId,
            entries === null ? null : { PrefixListId: prefixListId, Entries: entries },
          );
        });
      })(),
    );
  }
  if (work.scan) {
    tasks.push(
      (async () => {
        // The fallback when an interface may be a mount target without saying of which file system:
        // its cost grows with the number of file systems in the region (docs/neighbourhood.md).
        const all = await describeFileSystems(efs);
        for (const fs of all) if (fs.FileSystemId) state.fileSystems.set(fs.FileSystemId, fs);
        const missing = all
          .map((fs) => fs.FileSystemId)
          .filter((id): id is string => Boolean(id) && !state.mountTargets.has(id as string));
        for (const id of missing) state.asked.mountTargets.add(id);
        await mapWithConcurrency(missing, concurrency, async (fsId) => {
          try {
            state.mountTargets.set(fsId, await describeMountTargets(efs, { fileSystemId: fsId }));
          } catch (error) {
            if (!isNotFound(error, FS_GONE)) throw error;
            state.mountTargets.set(fsId, null);
          }
        });
        state.scanned = true;
      })(),
    );
  }
  await Promise.all(tasks);
}

/** DescribeAccessPoints for one access point; null when it no longer exists. */
async function describeAccessPoint(
  efs: EFSClient,
  accessPointId: string,
): Promise<AccessPointDescription | null> {
  try {
    return await callAws('elasticfilesystem:DescribeAccessPoints', async () => {
      for await (const page of guardPages(
        'elasticfilesystem:DescribeAccessPoints',
        paginateDescribeAccessPoints({ client: efs }, { AccessPointId: accessPointId }),
      )) {
        const found = page.AccessPoints?.find((ap) => ap.AccessPointId === accessPointId);
        if (found) return found;
      }
      return null;
    });
  } catch (error) {
    if (isNotFound(error, ['AccessPointNotFound'])) return null;
    throw error;
  }
}

/**
 * An explicit endpoint, or one the SDK takes from AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_EC2 (which leave
 * `isCustomEndpoint` false): "Service-specific endpoints", AWS SDKs and Tools Reference Guide.
 */
function isCustomEndpoint(ec2: EC2Client): boolean {
  if ((ec2.config as { isCustomEndpoint?: boolean }).isCustomEndpoint) return true;
  const env = process.env;
  if (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS?.toLowerCase() === 'true') return false;
  return Boolean(env.AWS_ENDPOINT_URL_EC2 || env.AWS_ENDPOINT_URL);
}

/** Safety net against a planning bug: no neighbourhood needs anywhere near this many rounds. */
const MAX_ROUNDS = 50;

/**
 * Loads what can change the verdicts of `seeds` and of their fan-out, for the parts asked for, as a
 * Snapshot whose `parts` says what was read. Seeds that no longer exist are simply absent. Any failed
 * call (AccessDenied, throttled past retries) rejects the whole load with the typed error of
 * aws/errors.ts: there is never a partial snapshot.
 *
 * Policies ('fileSystemPolicies') are read for FileSystem seeds only: other file systems in the snapshot
 * carry no Policy field, since no rule that reads a policy reports them for these seeds.
 */
export async function loadNeighbourhood(
  clients: NeighbourhoodClients,
  seeds: readonly NeighbourhoodSeed[],
  options: NeighbourhoodOptions,
): Promise<Snapshot> {
  const parts = orderParts(options.parts);
  for (const seed of seeds) {
    if (!parts.some((part) => SEED_PARTS[part].includes(seed.resourceType)))
      throw new UnsupportedSeedError(seed, parts);
  }
  const seedsOf = (part: TopologyPart) =>
    parts.includes(part) ? seeds.filter((seed) => SEED_PARTS[part].includes(seed.resourceType)) : [];
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  // A routing change is judged on the file systems whose reach it can alter (aws/load-routing.ts).
  const routingSeeds = seedsOf('routing');
  const routingOptions = { accountId: options.accountId, region: options.region, concurrency };
  const fileSystemSeeds = parts.includes('network')
    ? await fileSystemSeedsForRouting(clients, routingSeeds, routingOptions)
    : [];
  const state = new Neighbourhood(
    [...seedsOf('network'), ...fileSystemSeeds],
    options.probeUnlabelledInterfaces ?? isCustomEndpoint(clients.ec2),
  );
  for (let round = 0; state.seeds.length > 0; round++) {
    const work = mergeTiers(plan(state));
    if (!work) break;
    if (round >= MAX_ROUNDS)
      throw new EfsguardError(`the neighbourhood load did not converge after ${MAX_ROUNDS} rounds`);
    await runRound(clients, state, work, concurrency);
  }
  const snapshot = assemble(state, options, parts);
  const idsOf = (list: readonly ResourceRef[]) => [...new Set(list.map((seed) => seed.resourceId))].sort();
  await Promise.all([
    loadSeedPolicies(clients.efs, state, snapshot, idsOf(seedsOf('fileSystemPolicies')), concurrency),
    loadSeedAccessPoints(clients.efs, snapshot, idsOf(seedsOf('accessPoints')), concurrency),
    parts.includes('iam') ? loadIamSeeds(clients, snapshot, seedsOf('iam'), options, concurrency) : undefined,
    parts.includes('routing')
      ? loadNeighbourhoodRouting(clients.ec2, snapshot, routingSeeds, routingOptions).then(() =>
          addRoutingPrefixLists(clients, snapshot, concurrency),
        )
      : undefined,
  ]);
  return snapshot;
}

/**
 * 'fileSystemPolicies': each file-system seed's description (reused when the network part already has
 * it) and policy. A file system deleted meanwhile is left out.
 */
async function loadSeedPolicies(
  efs: EFSClient,
  state: Neighbourhood,
  snapshot: Snapshot,
  fileSystemIds: readonly string[],
  concurrency: number,
): Promise<void> {
  const FS_GONE = ['FileSystemNotFound'];
  const loaded = await mapWithConcurrency(fileSystemIds, concurrency, async (fsId) => {
    try {
      const description = state.fileSystems.has(fsId)
        ? state.fileSystems.get(fsId)
        : (await describeFileSystems(efs, { fileSystemId: fsId }))[0];
      if (!description) return undefined;
      return { description, policy: await describeFileSystemPolicy(efs, fsId) };
    } catch (error) {
      if (isNotFound(error, FS_GONE)) return undefined;
      throw error;
    }
  });
  for (const entry of loaded) {
    if (!entry) continue;
    const existing = snapshot.fileSystems.find((fs) => fs.FileSystemId === entry.description.FileSystemId);
    if (existing) existing.Policy = entry.policy;
    else snapshot.fileSystems.push({ ...entry.description, Policy: entry.policy, MountTargets: [] });
  }
  snapshot.fileSystems.sort((a, b) => ((a.FileSystemId ?? '') < (b.FileSystemId ?? '') ? -1 : 1));
}

/** 'accessPoints': each access-point seed, by id; one deleted meanwhile is left out. */
async function loadSeedAccessPoints(
  efs: EFSClient,
  snapshot: Snapshot,
  accessPointIds: readonly string[],
  concurrency: number,
): Promise<void> {
  const found = await mapWithConcurrency(accessPointIds, concurrency, (id) => describeAccessPoint(efs, id));
  snapshot.accessPoints = found.filter((ap): ap is AccessPointDescription => ap !== null);
}

/** 'iam': the changed IAM resources (aws/load-iam.ts loadIamNeighbourhood). */
async function loadIamSeeds(
  clients: NeighbourhoodClients,
  snapshot: Snapshot,
  seeds: readonly NeighbourhoodSeed[],
  options: NeighbourhoodOptions,
  concurrency: number,
): Promise<void> {
  const iamSeeds: IamSeed[] = seeds.flatMap((seed) =>
    isIamResourceType(seed.resourceType)
      ? [
          {
            resourceType: seed.resourceType,
            resourceId: seed.resourceId,
            ...(seed.resourceName ? { resourceName: seed.resourceName } : {}),
            ...(seed.arn ? { arn: seed.arn } : {}),
          },
        ]
      : [],
  );
  if (iamSeeds.length === 0) {
    snapshot.iam = { UserDetailList: [], GroupDetailList: [], RoleDetailList: [], Policies: [] };
    return;
  }
  if (!clients.iam) throw new EfsguardError('the neighbourhood load of IAM seeds needs an IAM client');
  snapshot.iam = await loadIamNeighbourhood(clients.iam, iamSeeds, {
    concurrency,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
}

function assemble(state: Neighbourhood, options: NeighbourhoodOptions, parts: TopologyPart[]): Snapshot {
  const byId = <T>(items: Iterable<T>, id: (item: T) => string | undefined) =>
    [...items].sort((a, b) => ((id(a) ?? '') < (id(b) ?? '') ? -1 : (id(a) ?? '') > (id(b) ?? '') ? 1 : 0));
  const fileSystems: SnapshotFileSystem[] = [];
  for (const [fsId, mts] of [...state.mountTargets].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const description = state.fileSystems.get(fsId);
    if (!mts || !description || !isRelevantFileSystem(state, fsId)) continue;
    const mountTargets = mts.flatMap((mt) => {
      const eni = mt.NetworkInterfaceId ? state.interfaces.get(mt.NetworkInterfaceId) : undefined;
      // A mount target's groups are its interface's: ModifyMountTargetSecurityGroups "replaces the
      // security groups in effect for the network interface associated with a mount target" (EFS API
      // Reference), and DescribeMountTargetSecurityGroups returns the same set.
      const groups = eni ? groupIdsOf(eni) : state.mountTargetGroups.get(mt.MountTargetId ?? '');
      return groups ? [{ ...mt, SecurityGroups: groups }] : [];
    });
    fileSystems.push({ ...description, MountTargets: mountTargets });
  }
  return {
    format: SNAPSHOT_FORMAT,
    accountId: options.accountId,
    region: options.region,
    capturedAt: (options.capturedAt ?? new Date()).toISOString(),
    parts,
    vpcs: byId(state.vpcs.values(), (vpc) => vpc.VpcId),
    subnets: byId(state.subnets.values(), (subnet) => subnet.SubnetId),
    securityGroups: byId(state.groups.values(), (group) => group.GroupId),
    networkInterfaces: byId(state.interfaces.values(), (eni) => eni.NetworkInterfaceId),
    networkAcls: byId(state.acls.values(), (acl) => acl.NetworkAclId),
    managedPrefixLists: byId(
      [...state.prefixLists.values()].filter((list): list is SnapshotPrefixList => list !== null),
      (list) => list.PrefixListId,
    ),
    fileSystems,
    accessPoints: [],
  };
}
