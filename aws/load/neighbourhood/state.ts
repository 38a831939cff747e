// The state of one neighbourhood load: what has been asked (so nothing is asked twice), what came back
// as recorded (for the snapshot), and the same items normalised as they arrive (for core's questions,
// core/neighbourhood.ts). Also the shape of one round's work.
import type { NetworkAcl, NetworkInterface, SecurityGroup, Subnet, Vpc } from '@aws-sdk/client-ec2';
import type { FileSystemDescription, MountTargetDescription } from '@aws-sdk/client-efs';
import type * as core from '../../../core/model';
import { refKey } from '../../../core/model';
import type { MountTargetRecord, PartialTopology } from '../../../core/neighbourhood';
import type { SnapshotPrefixList } from '../../snapshot/format';
import { normaliseNetworkAcl, normaliseNetworkInterface } from '../../snapshot/normalise';
import { StringPool } from '../../snapshot/normalise-fields';
import { normaliseSecurityGroup, PermissionPool } from '../../snapshot/normalise-security-groups';

/**
 * A changed resource. IAM resources carry the configuration item's resourceName and ARN: IAM's Get calls
 * take names (and a policy's ARN), never the ids Config uses (aws/load/iam.ts).
 */
export interface NeighbourhoodSeed extends core.ResourceRef {
  readonly resourceName?: string;
  readonly arn?: string;
}

/** One round's lookups: batched EC2 requests (one per kind) and per-resource EFS calls. */
export interface Work {
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

export const BATCHED = [
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
export const PER_RESOURCE = ['mountTargets', 'fileSystems', 'prefixLists', 'mountTargetGroups'] as const;

export type WorkKind = (typeof BATCHED)[number] | (typeof PER_RESOURCE)[number];

function emptySets(): Record<WorkKind, Set<string>> {
  return Object.fromEntries([...BATCHED, ...PER_RESOURCE].map((kind) => [kind, new Set<string>()])) as Record<
    WorkKind,
    Set<string>
  >;
}

export function emptyWork(): Work {
  return { ...emptySets(), scan: false };
}

export function isEmpty(work: Work): boolean {
  return !work.scan && [...BATCHED, ...PER_RESOURCE].every((kind) => work[kind].size === 0);
}

/** DescribeMountTargets' answer, as core's questions read it. */
function mountTargetRecord(mt: MountTargetDescription): MountTargetRecord {
  return {
    ...(mt.MountTargetId ? { mountTargetId: mt.MountTargetId } : {}),
    ...(mt.FileSystemId ? { fileSystemId: mt.FileSystemId } : {}),
    ...(mt.NetworkInterfaceId ? { networkInterfaceId: mt.NetworkInterfaceId } : {}),
    ...(mt.SubnetId ? { subnetId: mt.SubnetId } : {}),
    ...(mt.VpcId ? { vpcId: mt.VpcId } : {}),
  };
}

/**
 * What one load has read. Each EC2 item is normalised as it arrives (aws/snapshot/normalise.ts, which refuses a
 * malformed one naming it, as the snapshot's normalisation would); the recorded item is kept for the
 * snapshot. Across rounds, the first description of a resource is kept: the plan of every later round
 * was built on it (within one call, aws/sdk/unique-by-id.ts merges identical copies and refuses differing
 * ones).
 */
export class NeighbourhoodState {
  /** As recorded, for the snapshot. */
  readonly raw = {
    groups: new Map<string, SecurityGroup>(),
    interfaces: new Map<string, NetworkInterface>(),
    acls: new Map<string, NetworkAcl>(),
  };
  readonly groups = new Map<string, core.SecurityGroup>();
  /** The groups loaded share their permissions and peers (normalise-security-groups.ts PermissionPool). */
  private readonly permissionPool = new PermissionPool();
  /** The interfaces loaded share the ids they repeat (normalise-fields.ts StringPool). */
  private readonly strings = new StringPool();
  readonly interfaces = new Map<string, core.NetworkInterface>();
  readonly acls = new Map<string, core.NetworkAcl>();
  readonly vpcs = new Map<string, Vpc>();
  readonly subnets = new Map<string, Subnet>();
  /** DescribeMountTargets per file system; null: FileSystemNotFound. */
  readonly mountTargets = new Map<string, MountTargetDescription[] | null>();
  private readonly mountTargetRecords = new Map<string, MountTargetRecord[] | null>();
  readonly fileSystems = new Map<string, FileSystemDescription | null>();
  readonly prefixLists = new Map<string, SnapshotPrefixList | null>();
  readonly mountTargetGroups = new Map<string, string[] | null>();
  readonly asked: Record<WorkKind, Set<string>> = emptySets();
  scanned = false;

  private readonly seedList: core.ResourceRef[];

  constructor(
    seeds: readonly core.ResourceRef[],
    readonly probeUnlabelled: boolean,
    private readonly context: { readonly accountId: string; readonly region: string },
  ) {
    this.seedList = [...seeds];
  }

  /** The changed resources, and those added since (addSeeds). */
  get seeds(): readonly core.ResourceRef[] {
    return this.seedList;
  }

  /** Adds the seeds not there yet; answers how many were new. */
  addSeeds(refs: readonly core.ResourceRef[]): number {
    const have = new Set(this.seedList.map(refKey));
    let added = 0;
    for (const ref of refs) {
      const key = refKey(ref);
      if (have.has(key)) continue;
      have.add(key);
      this.seedList.push(ref);
      added++;
    }
    return added;
  }

  addGroups(groups: readonly SecurityGroup[]): void {
    for (const group of groups) {
      const id = group.GroupId;
      if (!id || this.raw.groups.has(id)) continue;
      this.groups.set(id, normaliseSecurityGroup(group, this.permissionPool));
      this.raw.groups.set(id, group);
    }
  }

  addInterfaces(enis: readonly NetworkInterface[]): void {
    for (const eni of enis) {
      const id = eni.NetworkInterfaceId;
      if (!id || this.raw.interfaces.has(id)) continue;
      this.interfaces.set(id, normaliseNetworkInterface(eni, this.strings));
      this.raw.interfaces.set(id, eni);
    }
  }

  addAcls(acls: readonly NetworkAcl[]): void {
    for (const acl of acls) {
      const id = acl.NetworkAclId;
      if (!id || this.raw.acls.has(id)) continue;
      this.acls.set(id, normaliseNetworkAcl(acl, this.context));
      this.raw.acls.set(id, acl);
    }
  }

  addVpcs(vpcs: readonly Vpc[]): void {
    for (const vpc of vpcs) if (vpc.VpcId && !this.vpcs.has(vpc.VpcId)) this.vpcs.set(vpc.VpcId, vpc);
  }

  addSubnets(subnets: readonly Subnet[]): void {
    for (const subnet of subnets)
      if (subnet.SubnetId && !this.subnets.has(subnet.SubnetId)) this.subnets.set(subnet.SubnetId, subnet);
  }

  setMountTargets(fileSystemId: string, mountTargets: MountTargetDescription[] | null): void {
    this.mountTargets.set(fileSystemId, mountTargets);
    this.mountTargetRecords.set(
      fileSystemId,
      mountTargets === null ? null : mountTargets.map(mountTargetRecord),
    );
  }

  /** What was read so far, as core's neighbourhood questions take it. */
  partial(): PartialTopology {
    return {
      seeds: this.seeds,
      groups: this.groups,
      interfaces: this.interfaces,
      networkAcls: this.acls,
      mountTargets: this.mountTargetRecords,
      everyFileSystemListed: this.scanned,
      probeUnlabelled: this.probeUnlabelled,
      referencesAsked: this.asked.reverse,
    };
  }
}
