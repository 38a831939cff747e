// Assembling a neighbourhood's snapshot: the network part from what the rounds read, then each flat
// part the load asked for. A snapshot of the same shape as a whole-region load (docs/architecture.md,
// "The snapshot contract"), whose `parts` says what was read.
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { EFSClient } from '@aws-sdk/client-efs';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { ResourceRef, TopologyPart } from '../../../core/model';
import { isFileSystemInNeighbourhood } from '../../../core/neighbourhood';
import { routeConnectedVpcs } from '../../../core/routing/fan-out';
import {
  SNAPSHOT_FORMAT,
  type Snapshot,
  type SnapshotFileSystem,
  type SnapshotPrefixList,
} from '../../snapshot/format';
import { normaliseRouting } from '../../snapshot/normalise-routing';
import { describeSubnets, describeVpcs } from '../describe';
import { addRoutingPrefixLists } from '../region';
import { loadRouting, vpcsOfRoutingSeeds, vpcsOfSnapshot } from '../routing';
import { loadIamSeeds, loadSeedAccessPoints, loadSeedPolicies } from './flat-parts';
import type { NeighbourhoodSeed, NeighbourhoodState } from './state';

export interface AssemblyInput {
  readonly clients: { readonly ec2: EC2Client; readonly efs: EFSClient; readonly iam?: IAMClient };
  /** The network part's state after its last round (empty when 'network' was not asked for). */
  readonly network: NeighbourhoodState;
  /** The parts asked for, in canonical order, and the seeds each expands. */
  readonly parts: readonly TopologyPart[];
  readonly seedsOf: (part: TopologyPart) => readonly NeighbourhoodSeed[];
  readonly accountId: string;
  readonly region: string;
  readonly capturedAt: Date;
  readonly concurrency: number;
  readonly onProgress?: (message: string) => void;
}

/**
 * The neighbourhood's snapshot: the network part's resources, then every flat part read in parallel
 * into it. Any failed call rejects the whole assembly: there is never a partial snapshot.
 */
export async function assembleNeighbourhood(input: AssemblyInput): Promise<Snapshot> {
  const { clients, network, parts, concurrency } = input;
  const snapshot = networkSnapshot(input);
  const idsOf = (list: readonly ResourceRef[]) => [...new Set(list.map((seed) => seed.resourceId))].sort();
  await Promise.all([
    loadSeedPolicies(
      clients.efs,
      network.fileSystems,
      snapshot,
      idsOf(input.seedsOf('fileSystemPolicies')),
      concurrency,
    ),
    loadSeedAccessPoints(clients.efs, snapshot, idsOf(input.seedsOf('accessPoints')), concurrency),
    parts.includes('iam')
      ? loadIamSeeds(clients.iam, snapshot, input.seedsOf('iam'), {
          concurrency,
          ...(input.onProgress ? { onProgress: input.onProgress } : {}),
        })
      : undefined,
    // Routing of the neighbourhood's VPCs and of the VPCs routed to them, with those VPCs' network.
    parts.includes('routing') ? loadRoutingPart(input, snapshot) : undefined,
  ]);
  return snapshot;
}

/**
 * The part 'routing' of a neighbourhood (docs/neighbourhood.md, "Routing"): the routing of the VPCs the
 * network part holds and of the routing seeds (aws/load/routing.ts), then, with the network part, the
 * VPCs routed to those (core/routing/fan-out.ts routeConnectedVpcs: a peering or a shared Transit
 * Gateway): their routing too, and the subnets and CIDRs of every one of these VPCs, which decide where
 * a source address starts its path and which source ranges a mount target's exposure tells apart. Then
 * the prefix lists the routes name.
 */
async function loadRoutingPart(input: AssemblyInput, snapshot: Snapshot): Promise<void> {
  const { clients, concurrency } = input;
  const options = { accountId: input.accountId, concurrency };
  const base = new Set([
    ...vpcsOfSnapshot(snapshot),
    ...(await vpcsOfRoutingSeeds(clients.ec2, input.seedsOf('routing'))),
  ]);
  let routing = await loadRouting(clients.ec2, [...base].sort(), options);
  if (input.parts.includes('network') && base.size > 0) {
    const normalised = normaliseRouting(routing, { accountId: input.accountId, region: input.region });
    const connected = routeConnectedVpcs(normalised, base);
    if (connected.size > base.size) routing = await loadRouting(clients.ec2, [...connected].sort(), options);
    const vpcIds = [...connected].sort();
    const [vpcs, subnets] = await Promise.all([
      describeVpcs(clients.ec2, [{ name: 'vpc-id', values: vpcIds }]),
      describeSubnets(clients.ec2, [{ name: 'vpc-id', values: vpcIds }]),
    ]);
    snapshot.vpcs = mergeById(snapshot.vpcs, vpcs, (vpc) => vpc.VpcId);
    snapshot.subnets = mergeById(snapshot.subnets, subnets, (subnet) => subnet.SubnetId);
  }
  snapshot.routing = routing;
  await addRoutingPrefixLists(clients, snapshot, concurrency);
}

function mergeById<T>(have: readonly T[], more: readonly T[], id: (item: T) => string | undefined): T[] {
  const byKey = new Map<string, T>();
  for (const item of [...have, ...more]) byKey.set(id(item) ?? '', item);
  return byId(byKey.values(), id);
}

const byId = <T>(items: Iterable<T>, id: (item: T) => string | undefined): T[] =>
  [...items].sort((a, b) => ((id(a) ?? '') < (id(b) ?? '') ? -1 : (id(a) ?? '') > (id(b) ?? '') ? 1 : 0));

/** The network part as read: every resource the rounds kept, file systems of the neighbourhood only. */
function networkSnapshot(input: AssemblyInput): Snapshot {
  const state = input.network;
  const partial = state.partial();
  const fileSystems: SnapshotFileSystem[] = [];
  for (const [fsId, mts] of [...state.mountTargets].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const description = state.fileSystems.get(fsId);
    if (!mts || !description || !isFileSystemInNeighbourhood(partial, fsId)) continue;
    const mountTargets = mts.flatMap((mt) => {
      const eni = mt.NetworkInterfaceId ? state.interfaces.get(mt.NetworkInterfaceId) : undefined;
      // A mount target's groups are its interface's: ModifyMountTargetSecurityGroups "replaces the
      // security groups in effect for the network interface associated with a mount target" (EFS API
      // Reference), and DescribeMountTargetSecurityGroups returns the same set.
      const groups = eni ? [...eni.groupIds] : state.mountTargetGroups.get(mt.MountTargetId ?? '');
      return groups ? [{ ...mt, SecurityGroups: groups }] : [];
    });
    fileSystems.push({ ...description, MountTargets: mountTargets });
  }
  return {
    format: SNAPSHOT_FORMAT,
    accountId: input.accountId,
    region: input.region,
    capturedAt: input.capturedAt.toISOString(),
    parts: [...input.parts],
    vpcs: byId(state.vpcs.values(), (vpc) => vpc.VpcId),
    subnets: byId(state.subnets.values(), (subnet) => subnet.SubnetId),
    securityGroups: byId(state.raw.groups.values(), (group) => group.GroupId),
    networkInterfaces: byId(state.raw.interfaces.values(), (eni) => eni.NetworkInterfaceId),
    networkAcls: byId(state.raw.acls.values(), (acl) => acl.NetworkAclId),
    managedPrefixLists: byId(
      [...state.prefixLists.values()].filter((list): list is SnapshotPrefixList => list !== null),
      (list) => list.PrefixListId,
    ),
    fileSystems,
    accessPoints: [],
  };
}
