// A snapshot is recorded loader input: AWS API output in the SDK's own PascalCase shapes (docs/architecture.md#the-snapshot-contract).
// Both loaders (whole region, neighbourhood) produce one; `scan --snapshot` reads one from a file; the
// same normaliser turns any of them into a core Topology.
import type {
  ManagedPrefixList,
  NetworkAcl,
  NetworkInterface,
  PrefixListEntry,
  SecurityGroup,
  Subnet,
  Vpc,
} from '@aws-sdk/client-ec2';
import type {
  AccessPointDescription,
  FileSystemDescription,
  MountTargetDescription,
} from '@aws-sdk/client-efs';
import type { GetAccountAuthorizationDetailsCommandOutput } from '@aws-sdk/client-iam';
import { TOPOLOGY_PARTS, type TopologyPart } from '../../core/model';
import type { SnapshotRouting } from './format-routing';

/**
 * The format efsguard writes: routing added (the `routing` section and the part 'routing'). It is /3
 * because /2 already names the multi-account set (aws/snapshot/set.ts SNAPSHOT_SET_FORMAT).
 */
export const SNAPSHOT_FORMAT = 'efsguard-snapshot/3';
/** Files recorded before routing existed: they still load, and never hold the part 'routing'. */
export const SNAPSHOT_FORMAT_BEFORE_ROUTING = 'efsguard-snapshot/1';
/** Every single-account format that loads. */
export const SNAPSHOT_FORMATS = [SNAPSHOT_FORMAT_BEFORE_ROUTING, SNAPSHOT_FORMAT] as const;
export type SnapshotFormat = (typeof SNAPSHOT_FORMATS)[number];

export interface SnapshotMountTarget extends MountTargetDescription {
  /** DescribeMountTargetSecurityGroups output. */
  SecurityGroups: string[];
}

export interface SnapshotFileSystem extends FileSystemDescription {
  /**
   * DescribeFileSystemPolicy's Policy text; null when it answered PolicyNotFound. Absent when the policy
   * was not read (the part 'fileSystemPolicies' was not loaded, or, in a neighbourhood, the file system
   * is not a seed): never read that as "no policy".
   */
  Policy?: string | null;
  /** Empty when the part 'network' was not loaded. */
  MountTargets: SnapshotMountTarget[];
}

export interface SnapshotPrefixList extends Pick<ManagedPrefixList, 'PrefixListName' | 'OwnerId'> {
  PrefixListId: string;
  /** GetManagedPrefixListEntries output. */
  Entries: PrefixListEntry[];
}

/** GetAccountAuthorizationDetails pages, merged (only the lists efsguard reads). */
export type IamSnapshot = Pick<
  GetAccountAuthorizationDetailsCommandOutput,
  'UserDetailList' | 'GroupDetailList' | 'RoleDetailList' | 'Policies'
>;

export interface Snapshot {
  format?: SnapshotFormat;
  accountId: string;
  region: string;
  /** ISO time the snapshot was recorded (informational). */
  capturedAt?: string;
  /**
   * The parts that were loaded (core/model.ts TopologyPart); the arrays of the others are empty. Absent
   * in files recorded before parts existed: every part (IAM only when `iam` is present).
   */
  parts?: TopologyPart[];
  vpcs: Vpc[];
  subnets: Subnet[];
  securityGroups: SecurityGroup[];
  networkInterfaces: NetworkInterface[];
  networkAcls: NetworkAcl[];
  managedPrefixLists: SnapshotPrefixList[];
  fileSystems: SnapshotFileSystem[];
  accessPoints: AccessPointDescription[];
  /** Present only when IAM was loaded (efs-api-least-privilege). */
  iam?: IamSnapshot;
  /** Present only when routing was loaded (the part 'routing'; never in an efsguard-snapshot/1 file). */
  routing?: SnapshotRouting;
}

/** A snapshot holding nothing yet: loaders and test builders fill it. */
export function emptySnapshot(accountId: string, region: string, extra: Partial<Snapshot> = {}): Snapshot {
  return {
    format: SNAPSHOT_FORMAT,
    accountId,
    region,
    vpcs: [],
    subnets: [],
    securityGroups: [],
    networkInterfaces: [],
    networkAcls: [],
    managedPrefixLists: [],
    fileSystems: [],
    accessPoints: [],
    ...extra,
  };
}

/**
 * The parts a snapshot holds: its `parts`, or for an older file without them every part, IAM and routing
 * only when recorded (a file that old never has routing).
 */
export function snapshotParts(snapshot: Pick<Snapshot, 'parts' | 'iam' | 'routing'>): TopologyPart[] {
  if (snapshot.parts) return [...snapshot.parts];
  return TOPOLOGY_PARTS.filter(
    (part) =>
      (part !== 'iam' || snapshot.iam !== undefined) &&
      (part !== 'routing' || snapshot.routing !== undefined),
  );
}
