// The whole-region load of a scheduled sweep of the network rules, one batch of VPCs at a time, so that
// a Lambda function's memory follows the largest group of connected VPCs instead of the whole account
// (docs/performance.md, "The scheduled sweep in batches of VPCs").
//
// The network rules only ever join resources of one VPC, except through a security-group reference to
// a group of another VPC (across a peering connection or a Transit Gateway, or a stale reference): an
// interface carries groups of its own VPC, a mount target sits in its file system's one VPC, a subnet
// and its network ACL belong to one VPC. So VPCs linked by such references (in either direction) form
// connected groups; every group goes whole into one batch, and each batch is loaded, judged and
// released before the next. A compact first pass reads every security group page by page, keeping
// only its VPC and the groups it references, to find those groups.
import type { SecurityGroup } from '@aws-sdk/client-ec2';
import { paginateDescribeSecurityGroups } from '@aws-sdk/client-ec2';
import { routeLinks } from '../../core/routing/fan-out';
import type { AwsClients } from '../sdk/clients';
import { callAws } from '../sdk/errors';
import {
  emptySnapshot,
  type Snapshot,
  type SnapshotFileSystem,
  type SnapshotPrefixList,
} from '../snapshot/format';
import { normaliseRouting } from '../snapshot/normalise-routing';
import {
  DEFAULT_CONCURRENCY,
  describeNetworkAcls,
  describeNetworkInterfaces,
  describeSecurityGroups,
  describeSubnets,
  describeVpcs,
} from './describe';
import { collectReferencedPrefixListIds, loadFileSystems, loadPrefixLists } from './region';
import { loadRouting, routingPrefixListIds } from './routing';

/** A batch holds connected groups of VPCs with at most this many security groups, unless one group alone has more. */
export const DEFAULT_MAX_GROUPS_PER_BATCH = 5_000;

export interface VpcBatch {
  readonly vpcIds: readonly string[];
  /** Security groups in these VPCs, as the first pass counted them. */
  readonly securityGroups: number;
}

export interface GroupReference {
  /** The VPC of the group holding the permission. */
  readonly vpcId: string;
  /** The group the permission references (any account; only those of this region's listing link VPCs). */
  readonly groupId: string;
}

/**
 * Connected groups of VPCs (linked by security-group references in either direction), packed whole into
 * batches of at most `maxGroups` security groups; the largest groups first, batches in a stable order.
 */
export function planVpcBatches(
  vpcIds: readonly string[],
  groupVpcs: ReadonlyMap<string, string>,
  references: readonly GroupReference[],
  maxGroups = DEFAULT_MAX_GROUPS_PER_BATCH,
  routeLinks: readonly (readonly [string, string])[] = [],
): VpcBatch[] {
  const parent = new Map<string, string>();
  const find = (vpcId: string): string => {
    let root = vpcId;
    while (parent.get(root) !== root) root = parent.get(root) as string;
    // Path compression: point every VPC on the way straight at the root.
    let node = vpcId;
    while (node !== root) {
      const next = parent.get(node) as string;
      parent.set(node, root);
      node = next;
    }
    return root;
  };
  const add = (vpcId: string) => {
    if (!parent.has(vpcId)) parent.set(vpcId, vpcId);
  };
  const join = (a: string, b: string) => {
    add(a);
    add(b);
    const ra = find(a);
    const rb = find(b);
    // The smaller id becomes the root, so the plan does not depend on the order of the links.
    if (ra < rb) parent.set(rb, ra);
    else if (rb < ra) parent.set(ra, rb);
  };
  for (const vpcId of vpcIds) add(vpcId);
  for (const vpcId of groupVpcs.values()) add(vpcId);
  for (const reference of references) {
    const other = groupVpcs.get(reference.groupId);
    if (other !== undefined && other !== reference.vpcId) join(reference.vpcId, other);
  }
  // VPCs that routing joins (a peering, a shared Transit Gateway: core/routing/fan-out.ts routeLinks)
  // go in one batch too, so that no batch splits a routed pair.
  for (const [a, b] of routeLinks) if (a !== b) join(a, b);
  const groupsPerVpc = new Map<string, number>();
  for (const vpcId of groupVpcs.values()) groupsPerVpc.set(vpcId, (groupsPerVpc.get(vpcId) ?? 0) + 1);
  const components = new Map<string, { vpcIds: string[]; securityGroups: number }>();
  for (const vpcId of [...parent.keys()].sort()) {
    const root = find(vpcId);
    let component = components.get(root);
    if (!component) {
      component = { vpcIds: [], securityGroups: 0 };
      components.set(root, component);
    }
    component.vpcIds.push(vpcId);
    component.securityGroups += groupsPerVpc.get(vpcId) ?? 0;
  }
  const sorted = [...components.values()].sort(
    (a, b) =>
      b.securityGroups - a.securityGroups || (a.vpcIds[0] as string).localeCompare(b.vpcIds[0] as string),
  );
  const batches: { vpcIds: string[]; securityGroups: number }[] = [];
  let current: { vpcIds: string[]; securityGroups: number } | undefined;
  for (const component of sorted) {
    if (current && current.securityGroups + component.securityGroups > maxGroups) current = undefined;
    if (!current) {
      current = { vpcIds: [], securityGroups: 0 };
      batches.push(current);
    }
    current.vpcIds.push(...component.vpcIds);
    current.securityGroups += component.securityGroups;
  }
  return batches.map((batch) => ({ vpcIds: batch.vpcIds.sort(), securityGroups: batch.securityGroups }));
}

/** The first pass: every group's VPC and the groups its permissions reference, read page by page. */
export async function readGroupReferences(
  clients: Pick<AwsClients, 'ec2'>,
): Promise<{ groupVpcs: Map<string, string>; references: GroupReference[] }> {
  const groupVpcs = new Map<string, string>();
  const references: GroupReference[] = [];
  const seen = new Set<string>();
  const note = (group: SecurityGroup) => {
    if (!group.GroupId || !group.VpcId) return;
    groupVpcs.set(group.GroupId, group.VpcId);
    // Every group a rule names links two VPCs, whatever its protocol, direction or account: no rule's
    // judgement is involved, so the field is read as recorded. Normalising each group here to ask core
    // instead measured 2.7 s more per 40,000 groups (scale 16), for the same answer.
    for (const permission of [...(group.IpPermissions ?? []), ...(group.IpPermissionsEgress ?? [])]) {
      for (const pair of permission.UserIdGroupPairs ?? []) {
        if (!pair.GroupId) continue;
        // One entry per (VPC, referenced group): the list stays as small as the links between VPCs.
        const key = `${group.VpcId} ${pair.GroupId}`;
        if (seen.has(key)) continue;
        seen.add(key);
        references.push({ vpcId: group.VpcId, groupId: pair.GroupId });
      }
    }
  };
  await callAws('ec2:DescribeSecurityGroups', async () => {
    for await (const page of paginateDescribeSecurityGroups({ client: clients.ec2, pageSize: 1000 }, {})) {
      for (const group of page.SecurityGroups ?? []) note(group);
    }
  });
  return { groupVpcs, references };
}

export interface BatchInfo {
  readonly index: number;
  readonly count: number;
  readonly batch: VpcBatch;
}

export interface SweepInBatchesOptions {
  readonly accountId: string;
  readonly region: string;
  readonly maxGroupsPerBatch?: number;
  readonly concurrency?: number;
  readonly capturedAt?: Date;
  readonly onProgress?: (message: string) => void;
  /**
   * Also read the part 'routing' (the routing-aware rules): the region's routing is read once, VPCs it
   * joins go in the same batch, and every batch's snapshot carries it.
   */
  readonly routing?: boolean;
}

/**
 * Loads the 'network' part of a region one batch of connected VPCs at a time and hands each batch's
 * snapshot to `visit`, awaiting it before the next batch is read, so that nothing of a batch needs to
 * outlive its visit. File systems and their mount targets (one VPC each) are read once and handed to the
 * batch of their VPC; those with no mount target go with the first batch.
 */
export async function sweepNetworkInBatches(
  clients: Pick<AwsClients, 'ec2' | 'efs'>,
  options: SweepInBatchesOptions,
  visit: (snapshot: Snapshot, info: BatchInfo) => Promise<void>,
): Promise<void> {
  const progress = options.onProgress ?? (() => {});
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  const [vpcs, allSubnets, { groupVpcs, references }, fileSystems, routing] = await Promise.all([
    describeVpcs(clients.ec2),
    describeSubnets(clients.ec2),
    readGroupReferences(clients),
    loadFileSystems(clients, undefined, { mountTargets: true, policies: false }, concurrency),
    options.routing
      ? loadRouting(clients.ec2, undefined, {
          accountId: options.accountId,
          concurrency,
          onProgress: progress,
        })
      : undefined,
  ]);
  const links = routing
    ? routeLinks(normaliseRouting(routing, { accountId: options.accountId, region: options.region }))
    : [];
  const batches = planVpcBatches(
    vpcs.map((vpc) => vpc.VpcId as string),
    groupVpcs,
    references,
    options.maxGroupsPerBatch,
    links,
  );
  // The prefix lists routes name, read once with the rest (addRoutingPrefixLists below adds them).
  const routingLists = routing ? routingPrefixListIds(routing) : [];
  groupVpcs.clear();
  // A region without VPCs still has one (empty) batch: file systems without mount targets are judged too.
  if (batches.length === 0) batches.push({ vpcIds: [], securityGroups: 0 });
  progress(
    `sweeping ${vpcs.length} VPCs (${batches.length} batches of connected VPCs), ${fileSystems.length} file systems`,
  );

  const subnetVpc = new Map(allSubnets.map((subnet) => [subnet.SubnetId as string, subnet.VpcId as string]));
  const vpcOfFileSystem = (fs: SnapshotFileSystem): string | undefined => {
    const mt = fs.MountTargets[0];
    return mt ? (mt.VpcId ?? subnetVpc.get(mt.SubnetId ?? '')) : undefined;
  };
  const fileSystemsByVpc = new Map<string | undefined, SnapshotFileSystem[]>();
  for (const fs of fileSystems) {
    const vpcId = vpcOfFileSystem(fs);
    const list = fileSystemsByVpc.get(vpcId);
    if (list) list.push(fs);
    else fileSystemsByVpc.set(vpcId, [fs]);
  }
  const vpcsById = new Map(vpcs.map((vpc) => [vpc.VpcId as string, vpc]));
  const prefixLists = new Map<string, SnapshotPrefixList | null>();

  for (const [index, batch] of batches.entries()) {
    const filter = [{ name: 'vpc-id', values: batch.vpcIds }];
    const inBatch = new Set(batch.vpcIds);
    const [securityGroups, networkInterfaces, networkAcls] =
      batch.vpcIds.length === 0
        ? [[], [], []]
        : await Promise.all([
            describeSecurityGroups(clients.ec2, filter),
            describeNetworkInterfaces(clients.ec2, filter),
            describeNetworkAcls(clients.ec2, filter),
          ]);
    // Prefix lists are region-wide and few: each is read once, for the first batch that references it.
    const wantedLists = [
      ...new Set([...collectReferencedPrefixListIds(securityGroups), ...routingLists]),
    ].sort();
    const unread = wantedLists.filter((id) => !prefixLists.has(id));
    for (const list of await loadPrefixLists(clients, unread, concurrency, progress)) {
      prefixLists.set(list.PrefixListId, list);
    }
    for (const id of unread) if (!prefixLists.has(id)) prefixLists.set(id, null);
    const batchFileSystems = [
      ...(index === 0 ? (fileSystemsByVpc.get(undefined) ?? []) : []),
      ...batch.vpcIds.flatMap((vpcId) => fileSystemsByVpc.get(vpcId) ?? []),
    ];
    const snapshot = emptySnapshot(options.accountId, options.region, {
      capturedAt: (options.capturedAt ?? new Date()).toISOString(),
      parts: routing ? ['network', 'routing'] : ['network'],
      ...(routing ? { routing } : {}),
      vpcs: batch.vpcIds.flatMap((vpcId) => vpcsById.get(vpcId) ?? []),
      subnets: allSubnets.filter((subnet) => inBatch.has(subnet.VpcId as string)),
      securityGroups,
      networkInterfaces,
      networkAcls,
      managedPrefixLists: wantedLists.flatMap((id) => prefixLists.get(id) ?? []),
      fileSystems: batchFileSystems,
    });
    for (const vpcId of batch.vpcIds) fileSystemsByVpc.delete(vpcId);
    await visit(snapshot, { index, count: batches.length, batch });
  }
}
