// Where the topologies of scanned accounts meet: the snapshots of one region, from several accounts,
// merged into one, so that the rules see what each account alone cannot. A shared VPC's subnets, network
// ACLs and the interfaces of every participant are in one topology (participants cannot describe the
// owner's ACLs, the owner cannot describe participants' groups); a security group that references a
// group of another scanned account finds that group. Each resource is seen once (deduplicated by id)
// and each verdict is credited to the account that owns the resource (its OwnerId).
// IAM is per account and is never merged.
import { type ResourceRef, type ResourceType, refKey } from '../../core/model';
import { emptySnapshot, type Snapshot, snapshotParts } from './format';
import { ROUTING_LISTS, type SnapshotRouting } from './format-routing';

export interface MergedRegion {
  readonly snapshot: Snapshot;
  /** The account a verdict on this resource belongs to: its owner, else the account whose load held it. */
  accountOf(ref: ResourceRef): string | undefined;
}

function uniqueBy<T>(lists: readonly (readonly T[])[], key: (item: T) => string | undefined): T[] {
  const seen = new Set<string>();
  const out: T[] = [];
  for (const list of lists) {
    for (const item of list) {
      const id = key(item);
      if (id === undefined || seen.has(id)) continue;
      seen.add(id);
      out.push(item);
    }
  }
  return out;
}

/** Merges one region's snapshots of several accounts (without IAM). */
export function mergeRegionSnapshots(snapshots: readonly Snapshot[]): MergedRegion {
  const [first] = snapshots;
  if (!first) throw new Error('mergeRegionSnapshots needs at least one snapshot');
  const scanned = new Set(snapshots.map((snapshot) => snapshot.accountId));
  const parts = snapshotParts(first)
    .filter((part) => part !== 'iam')
    .filter((part) => snapshots.every((snapshot) => snapshotParts(snapshot).includes(part)));
  const all = <K extends keyof Snapshot>(key: K) =>
    snapshots.map((snapshot) => (snapshot[key] ?? []) as NonNullable<Snapshot[K]>);
  const merged = emptySnapshot(first.accountId, first.region, {
    parts,
    vpcs: uniqueBy(all('vpcs'), (vpc) => vpc.VpcId),
    subnets: uniqueBy(all('subnets'), (subnet) => subnet.SubnetId),
    securityGroups: uniqueBy(all('securityGroups'), (group) => group.GroupId),
    networkInterfaces: uniqueBy(all('networkInterfaces'), (eni) => eni.NetworkInterfaceId),
    networkAcls: uniqueBy(all('networkAcls'), (acl) => acl.NetworkAclId),
    managedPrefixLists: uniqueBy(all('managedPrefixLists'), (list) => list.PrefixListId),
    fileSystems: uniqueBy(all('fileSystems'), (fs) => fs.FileSystemId),
    accessPoints: uniqueBy(all('accessPoints'), (ap) => ap.AccessPointId),
  });
  // Routing is merged like the network: a peering or TGW route table seen from both sides is one resource.
  if (parts.includes('routing')) merged.routing = mergeRouting(snapshots.map((s) => s.routing));

  const owners = new Map<string, string>();
  const note = (
    resourceType: ResourceType,
    resourceId: string | undefined,
    owner: string | undefined,
    loadedBy: string,
  ) => {
    if (!resourceId) return;
    const key = refKey({ resourceType, resourceId });
    if (owners.has(key)) return;
    owners.set(key, owner && scanned.has(owner) ? owner : loadedBy);
  };
  for (const snapshot of snapshots) {
    const by = snapshot.accountId;
    for (const group of snapshot.securityGroups)
      note('AWS::EC2::SecurityGroup', group.GroupId, group.OwnerId, by);
    for (const eni of snapshot.networkInterfaces)
      note('AWS::EC2::NetworkInterface', eni.NetworkInterfaceId, eni.OwnerId, by);
    for (const acl of snapshot.networkAcls) note('AWS::EC2::NetworkAcl', acl.NetworkAclId, acl.OwnerId, by);
    for (const fs of snapshot.fileSystems) note('AWS::EFS::FileSystem', fs.FileSystemId, fs.OwnerId, by);
    for (const ap of snapshot.accessPoints) note('AWS::EFS::AccessPoint', ap.AccessPointId, ap.OwnerId, by);
  }
  return { snapshot: merged, accountOf: (ref) => owners.get(refKey(ref)) };
}

function mergeRouting(sections: readonly (SnapshotRouting | undefined)[]): SnapshotRouting {
  const present = sections.filter((section): section is SnapshotRouting => section !== undefined);
  const merged = {} as Record<keyof SnapshotRouting, unknown[]>;
  for (const [key, field] of ROUTING_LISTS) {
    merged[key] = uniqueBy(
      present.map((section) => section[key] as unknown as readonly Record<string, unknown>[]),
      (item) => item[field] as string | undefined,
    );
  }
  return merged as unknown as SnapshotRouting;
}
