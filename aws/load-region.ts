// The whole-region load (scheduled sweeps, `efsguard scan`, `efsguard snapshot`): every EFS-relevant
// resource of one account and region, recorded as SDK output. Any failed call fails the load, so a
// caller never receives a partial snapshot presented as complete.
import type { SecurityGroup } from '@aws-sdk/client-ec2';
import { type AwsClients, getAccountId, resolveRegion } from './clients';
import {
  DEFAULT_CONCURRENCY,
  describeAccessPoints,
  describeFileSystemPolicy,
  describeFileSystems,
  describeManagedPrefixLists,
  describeMountTargetSecurityGroups,
  describeMountTargets,
  describeNetworkAcls,
  describeNetworkInterfaces,
  describeSecurityGroups,
  describeSubnets,
  describeVpcs,
  getAccountAuthorizationDetails,
  getManagedPrefixListEntries,
  mapWithConcurrency,
} from './describe';
import { SNAPSHOT_FORMAT, type Snapshot, type SnapshotFileSystem, type SnapshotPrefixList } from './snapshot';

export interface LoadOptions {
  /** Optional data: IAM is global and only the IAM rule needs it. */
  readonly include?: { readonly iam?: boolean };
  /** One line per step, for a progress display (the CLI prints them on stderr). */
  readonly onProgress?: (message: string) => void;
  /** Per-file-system and per-mount-target calls in flight at once. */
  readonly concurrency?: number;
  /** Skip STS GetCallerIdentity when the caller already knows the account (handlers do). */
  readonly accountId?: string;
  /** Recording time; defaults to now. */
  readonly capturedAt?: Date;
}

/** The prefix-list ids that security-group permissions reference (ingress and egress). */
export function collectReferencedPrefixListIds(groups: readonly SecurityGroup[]): string[] {
  const ids = new Set<string>();
  for (const group of groups) {
    for (const permission of [...(group.IpPermissions ?? []), ...(group.IpPermissionsEgress ?? [])]) {
      for (const list of permission.PrefixListIds ?? []) if (list.PrefixListId) ids.add(list.PrefixListId);
    }
  }
  return [...ids].sort();
}

/**
 * The referenced prefix lists with their entries. A list that no longer exists (or is not visible)
 * is left out: the reference then stays unresolved and the rules fail closed on it.
 */
export async function loadPrefixLists(
  clients: Pick<AwsClients, 'ec2'>,
  prefixListIds: readonly string[],
  concurrency = DEFAULT_CONCURRENCY,
  onProgress: (message: string) => void = () => {},
): Promise<SnapshotPrefixList[]> {
  if (prefixListIds.length === 0) return [];
  const metadata = await describeManagedPrefixLists(clients.ec2, [
    { name: 'prefix-list-id', values: prefixListIds },
  ]);
  const byId = new Map(metadata.map((list) => [list.PrefixListId, list]));
  const lists = await mapWithConcurrency(prefixListIds, concurrency, async (prefixListId) => {
    const entries = await getManagedPrefixListEntries(clients.ec2, prefixListId);
    if (entries === null) {
      onProgress(`prefix list ${prefixListId} is referenced but not found; its references stay unresolved`);
      return undefined;
    }
    const meta = byId.get(prefixListId);
    const list: SnapshotPrefixList = {
      PrefixListId: prefixListId,
      ...(meta?.PrefixListName ? { PrefixListName: meta.PrefixListName } : {}),
      ...(meta?.OwnerId ? { OwnerId: meta.OwnerId } : {}),
      Entries: entries,
    };
    return list;
  });
  return lists.filter((list): list is SnapshotPrefixList => list !== undefined);
}

/** File systems with their mount targets (each with its security groups) and policy. */
export async function loadFileSystems(
  clients: Pick<AwsClients, 'efs'>,
  fileSystemId: string | undefined,
  concurrency = DEFAULT_CONCURRENCY,
): Promise<SnapshotFileSystem[]> {
  const fileSystems = await describeFileSystems(clients.efs, fileSystemId ? { fileSystemId } : {});
  return mapWithConcurrency(fileSystems, concurrency, async (fs) => {
    const id = fs.FileSystemId as string;
    const [mountTargets, policy] = await Promise.all([
      describeMountTargets(clients.efs, { fileSystemId: id }),
      describeFileSystemPolicy(clients.efs, id),
    ]);
    // Mount targets are few per file system (one per AZ): their group lookups run side by side.
    const withGroups = await Promise.all(
      mountTargets.map(async (mt) => ({
        ...mt,
        SecurityGroups: await describeMountTargetSecurityGroups(clients.efs, mt.MountTargetId as string),
      })),
    );
    return { ...fs, Policy: policy, MountTargets: withGroups };
  });
}

/** Loads a whole region into a Snapshot. */
export async function loadRegion(clients: AwsClients, options: LoadOptions = {}): Promise<Snapshot> {
  const progress = options.onProgress ?? (() => {});
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  const region = await resolveRegion(clients);
  const accountId = options.accountId ?? (await getAccountId(clients));
  progress(`loading account ${accountId} in ${region}`);

  const [vpcs, subnets, securityGroups, networkInterfaces, networkAcls] = await Promise.all([
    describeVpcs(clients.ec2),
    describeSubnets(clients.ec2),
    describeSecurityGroups(clients.ec2),
    describeNetworkInterfaces(clients.ec2),
    describeNetworkAcls(clients.ec2),
  ]);
  progress(
    `loaded ${vpcs.length} VPCs, ${subnets.length} subnets, ${securityGroups.length} security groups, ` +
      `${networkInterfaces.length} network interfaces, ${networkAcls.length} network ACLs`,
  );

  const [managedPrefixLists, fileSystems, accessPoints] = await Promise.all([
    loadPrefixLists(clients, collectReferencedPrefixListIds(securityGroups), concurrency, progress),
    loadFileSystems(clients, undefined, concurrency),
    describeAccessPoints(clients.efs),
  ]);
  const mountTargetCount = fileSystems.reduce((sum, fs) => sum + fs.MountTargets.length, 0);
  progress(
    `loaded ${fileSystems.length} file systems, ${mountTargetCount} mount targets, ` +
      `${accessPoints.length} access points, ${managedPrefixLists.length} prefix lists`,
  );

  const snapshot: Snapshot = {
    format: SNAPSHOT_FORMAT,
    accountId,
    region,
    capturedAt: (options.capturedAt ?? new Date()).toISOString(),
    vpcs,
    subnets,
    securityGroups,
    networkInterfaces,
    networkAcls,
    managedPrefixLists,
    fileSystems,
    accessPoints,
  };
  if (options.include?.iam) {
    snapshot.iam = await getAccountAuthorizationDetails(clients.iam);
    progress(
      `loaded IAM: ${snapshot.iam.RoleDetailList?.length ?? 0} roles, ${snapshot.iam.UserDetailList?.length ?? 0} users, ` +
        `${snapshot.iam.GroupDetailList?.length ?? 0} groups, ${snapshot.iam.Policies?.length ?? 0} customer-managed policies`,
    );
  }
  return snapshot;
}
