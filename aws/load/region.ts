// The whole-region load (scheduled sweeps, `efsguard scan`, `efsguard snapshot`): the EFS-relevant
// resources of one account and region, recorded as SDK output, for exactly the topology parts asked for
// (aws/load/permissions.ts PART_READ_ACTIONS lists the actions each part takes). The parts not asked for stay
// empty and are left out of `parts`, so no rule can mistake them for "none". Any failed call fails the
// load, so a caller never receives a partial snapshot presented as complete.
import type { SecurityGroup } from '@aws-sdk/client-ec2';
import type { EFSClient, MountTargetDescription } from '@aws-sdk/client-efs';
import { EfsguardError } from '../../core/errors';
import { TOPOLOGY_PARTS, type TopologyPart } from '../../core/model';
import { type AwsClients, getAccountId, resolveRegion } from '../sdk/clients';
import { isNotFound } from '../sdk/errors';
import {
  emptySnapshot,
  type Snapshot,
  type SnapshotFileSystem,
  type SnapshotPrefixList,
} from '../snapshot/format';
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
  getManagedPrefixListEntries,
  mapWithConcurrency,
} from './describe';
import { loadIamSweep } from './iam';
import { loadRouting, routingPrefixListIds } from './routing';

export interface LoadOptions {
  /**
   * What to read: the union of the `requires` of the rules to evaluate (core/rules/types.ts
   * partsRequiredBy). Nothing else is called, so a function holding only its rule's actions can run it.
   */
  readonly parts: readonly TopologyPart[];
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
 * is left out: the reference then stays unresolved and the rules fail closed on it. A list that
 * DescribeManagedPrefixLists does not show is taken as missing without asking for its entries: some
 * endpoints (moto among them) answer GetManagedPrefixListEntries for a missing list with no entries
 * instead of an error, and an empty list would pass for one that allows nothing.
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
    const entries = byId.has(prefixListId)
      ? await getManagedPrefixListEntries(clients.ec2, prefixListId)
      : null;
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

/**
 * File systems with, per part: their mount targets and each one's security groups ('network'), and their
 * policy ('fileSystemPolicies'). A part not asked for is not read: MountTargets stays empty and Policy
 * absent.
 */
export async function loadFileSystems(
  clients: Pick<AwsClients, 'efs'>,
  fileSystemId: string | undefined,
  parts: { readonly mountTargets: boolean; readonly policies: boolean },
  concurrency = DEFAULT_CONCURRENCY,
): Promise<SnapshotFileSystem[]> {
  const fileSystems = await describeFileSystems(clients.efs, fileSystemId ? { fileSystemId } : {});
  return mapWithConcurrency(fileSystems, concurrency, async (fs) => {
    const id = fs.FileSystemId as string;
    const [mountTargets, policy] = await Promise.all([
      parts.mountTargets ? describeMountTargets(clients.efs, { fileSystemId: id }) : [],
      parts.policies ? describeFileSystemPolicy(clients.efs, id) : undefined,
    ]);
    // Mount targets are few per file system (one per AZ): their group lookups run side by side.
    const withGroups = await Promise.all(
      mountTargets.map(async (mt) => {
        const groups = await describeGroupsUnlessTransient(clients.efs, mt);
        return groups === undefined ? [] : [{ ...mt, SecurityGroups: groups }];
      }),
    );
    return { ...fs, ...(policy !== undefined ? { Policy: policy } : {}), MountTargets: withGroups.flat() };
  });
}

/** Lifecycle states in which a mount target has no interface yet, or is going away. */
const TRANSIENT_MOUNT_TARGET_STATES = new Set(['creating', 'deleting', 'deleted']);

/**
 * A mount target's groups; undefined when it was deleted since the listing (MountTargetNotFound) or, while
 * the listing shows it being created or deleted, refused (IncorrectMountTargetState): the call "requires
 * that the network interface of the mount target has been created and the lifecycle state of the mount
 * target is not deleted" (EFS API Reference, DescribeMountTargetSecurityGroups). Such a mount target
 * carries no traffic; its interface's own change event, or the next sweep, judges it. Any other failure
 * fails the load.
 */
async function describeGroupsUnlessTransient(
  efs: EFSClient,
  mt: MountTargetDescription,
): Promise<string[] | undefined> {
  try {
    return await describeMountTargetSecurityGroups(efs, mt.MountTargetId as string);
  } catch (error) {
    if (isNotFound(error, ['MountTargetNotFound'])) return undefined;
    if (
      isNotFound(error, ['IncorrectMountTargetState']) &&
      TRANSIENT_MOUNT_TARGET_STATES.has(mt.LifeCycleState ?? '')
    )
      return undefined;
    throw error;
  }
}

/** The parts in their canonical order, deduplicated; an unknown part is an error (a typo would read nothing). */
export function orderParts(parts: readonly TopologyPart[]): TopologyPart[] {
  for (const part of parts) {
    if (!TOPOLOGY_PARTS.includes(part))
      throw new EfsguardError(`unknown topology part ${String(part)}; known: ${TOPOLOGY_PARTS.join(', ')}`);
  }
  return TOPOLOGY_PARTS.filter((part) => parts.includes(part));
}

/** Loads the asked-for parts of a whole region into a Snapshot. */
export async function loadRegion(clients: AwsClients, options: LoadOptions): Promise<Snapshot> {
  const progress = options.onProgress ?? (() => {});
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  const parts = orderParts(options.parts);
  const wants = (part: TopologyPart) => parts.includes(part);
  const region = await resolveRegion(clients);
  const accountId = options.accountId ?? (await getAccountId(clients));
  progress(`loading ${parts.join(', ') || 'nothing'} of account ${accountId} in ${region}`);

  const snapshot = emptySnapshot(accountId, region, {
    capturedAt: (options.capturedAt ?? new Date()).toISOString(),
    parts,
  });

  const tasks: Promise<void>[] = [];
  if (wants('network')) {
    tasks.push(
      (async () => {
        const [vpcs, subnets, securityGroups, networkInterfaces, networkAcls] = await Promise.all([
          describeVpcs(clients.ec2),
          describeSubnets(clients.ec2),
          describeSecurityGroups(clients.ec2),
          describeNetworkInterfaces(clients.ec2),
          describeNetworkAcls(clients.ec2),
        ]);
        Object.assign(snapshot, { vpcs, subnets, securityGroups, networkInterfaces, networkAcls });
        progress(
          `loaded ${vpcs.length} VPCs, ${subnets.length} subnets, ${securityGroups.length} security groups, ` +
            `${networkInterfaces.length} network interfaces, ${networkAcls.length} network ACLs`,
        );
        snapshot.managedPrefixLists = await loadPrefixLists(
          clients,
          collectReferencedPrefixListIds(securityGroups),
          concurrency,
          progress,
        );
      })(),
    );
  }
  if (wants('network') || wants('fileSystemPolicies')) {
    tasks.push(
      (async () => {
        snapshot.fileSystems = await loadFileSystems(
          clients,
          undefined,
          { mountTargets: wants('network'), policies: wants('fileSystemPolicies') },
          concurrency,
        );
        const mountTargetCount = snapshot.fileSystems.reduce((sum, fs) => sum + fs.MountTargets.length, 0);
        progress(`loaded ${snapshot.fileSystems.length} file systems, ${mountTargetCount} mount targets`);
      })(),
    );
  }
  if (wants('accessPoints')) {
    tasks.push(
      (async () => {
        // One paginated listing of the region. Both AccessPointId and FileSystemId are optional
        // (EFS API Reference, DescribeAccessPoints); with neither, the call lists every access point of
        // the region, as `aws efs describe-access-points` does. Listing per file system instead would
        // need elasticfilesystem:DescribeFileSystems, which this part does not otherwise take.
        snapshot.accessPoints = await describeAccessPoints(clients.efs);
        progress(`loaded ${snapshot.accessPoints.length} access points`);
      })(),
    );
  }
  if (wants('iam')) {
    tasks.push(
      (async () => {
        const iam = await loadIamSweep(clients.iam, { concurrency, onProgress: progress });
        snapshot.iam = iam;
        progress(
          `loaded IAM: ${iam.RoleDetailList?.length ?? 0} roles, ${iam.UserDetailList?.length ?? 0} users, ` +
            `${iam.GroupDetailList?.length ?? 0} groups, ${iam.Policies?.length ?? 0} customer-managed policies`,
        );
      })(),
    );
  }
  if (wants('routing')) {
    tasks.push(
      (async () => {
        snapshot.routing = await loadRouting(clients.ec2, undefined, {
          accountId,
          concurrency,
          onProgress: progress,
        });
      })(),
    );
  }
  await Promise.all(tasks);
  if (wants('network')) fillUnreadMountTargetGroups(snapshot, progress);
  if (snapshot.routing) await addRoutingPrefixLists(clients, snapshot, concurrency, progress);
  return snapshot;
}

/** The prefix lists that routes name as destinations, added to those the groups reference. */
export async function addRoutingPrefixLists(
  clients: Pick<AwsClients, 'ec2'>,
  snapshot: Snapshot,
  concurrency = DEFAULT_CONCURRENCY,
  progress: (message: string) => void = () => {},
): Promise<void> {
  if (!snapshot.routing) return;
  const have = new Set(snapshot.managedPrefixLists.map((list) => list.PrefixListId));
  const wanted = routingPrefixListIds(snapshot.routing).filter((id) => !have.has(id));
  if (wanted.length === 0) return;
  snapshot.managedPrefixLists = [
    ...snapshot.managedPrefixLists,
    ...(await loadPrefixLists(clients, wanted, concurrency, progress)),
  ].sort((a, b) => (a.PrefixListId < b.PrefixListId ? -1 : a.PrefixListId > b.PrefixListId ? 1 : 0));
}

/**
 * AWS requires 1-5 security groups per mount target, so DescribeMountTargetSecurityGroups answering
 * none means they could not be seen. The mount target's interface carries the same groups
 * (ModifyMountTargetSecurityGroups "replaces the security groups in effect for the network interface
 * associated with a mount target", EFS API Reference): take them from there. When the interface shows
 * none either, the list stays empty and efs-mount-target-nfs-ingress reports the file system
 * NON_COMPLIANT, naming the mount target.
 */
export function fillUnreadMountTargetGroups(
  snapshot: Snapshot,
  progress: (message: string) => void = () => {},
): void {
  const interfaceGroups = new Map(
    snapshot.networkInterfaces.map((eni) => [
      eni.NetworkInterfaceId,
      (eni.Groups ?? []).map((group) => group.GroupId).filter((id): id is string => Boolean(id)),
    ]),
  );
  for (const fs of snapshot.fileSystems) {
    for (const mt of fs.MountTargets) {
      if (mt.SecurityGroups.length > 0) continue;
      const groups = interfaceGroups.get(mt.NetworkInterfaceId) ?? [];
      progress(
        groups.length > 0
          ? `mount target ${mt.MountTargetId} showed no security groups; using its interface's (${groups.join(', ')})`
          : `mount target ${mt.MountTargetId} showed no security groups, nor did its interface: its file system is reported NON_COMPLIANT`,
      );
      mt.SecurityGroups = groups;
    }
  }
}
