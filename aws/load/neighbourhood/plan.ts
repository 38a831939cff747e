// Planning: which Describe calls the next round of a neighbourhood load sends. Every decision about
// what a change can reach is a question core answers over what was read so far (core/neighbourhood.ts);
// this file only turns the answers into lookups, in stages (docs/neighbourhood.md, "The pipeline"):
// the first stage with work is sent, carrying the same kinds' later values.

import {
  inboundGroupReferences,
  judgedAgainstVpcCidrs,
  prefixListIdsOf,
} from '../../../core/group-references';
import {
  admittingMountTargets,
  directReach,
  isFileSystemInNeighbourhood,
  mountTargetSources,
  NeighbourhoodView,
  noUnknowns,
  reportedIngressFileSystems,
  subnetsOfAclsOnPaths,
  type Unknowns,
} from '../../../core/neighbourhood';
import { BATCHED, emptyWork, isEmpty, type NeighbourhoodState, type Work, type WorkKind } from './state';

/** The stages of one round's plan, in the order they are sent. */
export interface Stages {
  /** The seeds, their direct reach, which interfaces are mount targets, the ACLs of the VPCs involved. */
  readonly seedsAndDirectReach: Work;
  /** The groups referencing the directly reached clients' groups (and a seed group): who admits them. */
  readonly admittersOfDirectReach: Work;
  /** Every interface in the subnets of the ACLs on the direct reach's paths. */
  readonly aclSubnetInterfaces: Work;
  /** Forward lookups for those interfaces' pairs; the remaining mount targets of file systems. */
  readonly aclSubnetPairs: Work;
  /** The groups referencing those interfaces' groups. */
  readonly aclSubnetAdmitters: Work;
  /** What the rules read but that leads nowhere further: groups, VPC CIDRs, prefix lists, file systems. */
  readonly leaves: Work;
}

const STAGE_ORDER: readonly (keyof Stages)[] = [
  'seedsAndDirectReach',
  'admittersOfDirectReach',
  'aclSubnetInterfaces',
  'aclSubnetPairs',
  'aclSubnetAdmitters',
  'leaves',
];

export function plan(state: NeighbourhoodState): Stages {
  const view = new NeighbourhoodView(state.partial());
  const stages: Stages = {
    seedsAndDirectReach: emptyWork(),
    admittersOfDirectReach: emptyWork(),
    aclSubnetInterfaces: emptyWork(),
    aclSubnetPairs: emptyWork(),
    aclSubnetAdmitters: emptyWork(),
    leaves: emptyWork(),
  };
  const { seedsAndDirectReach: direct, admittersOfDirectReach, aclSubnetPairs, leaves } = stages;
  const askOnce = (work: Work, kind: WorkKind, id: string | undefined) => {
    if (id && !state.asked[kind].has(id)) work[kind].add(id);
  };
  const askUnknowns = (work: Work, unknowns: Unknowns) => {
    for (const id of unknowns.groups) askOnce(work, 'groups', id);
    for (const id of unknowns.carriers) askOnce(work, 'carriers', id);
    for (const id of unknowns.interfaces) askOnce(work, 'interfaces', id);
  };

  // Seeds.
  const seedGroupIds = new Set(view.seedIds('AWS::EC2::SecurityGroup'));
  for (const id of seedGroupIds) {
    askOnce(direct, 'groups', id);
    askOnce(direct, 'carriers', id);
    askOnce(admittersOfDirectReach, 'reverse', id);
    // fanOutIngress re-evaluates every mount-target group that references the seed group, by an
    // inbound or an outbound rule, and their file systems.
    askOnce(admittersOfDirectReach, 'reverseEgress', id);
  }
  for (const id of view.seedIds('AWS::EC2::NetworkInterface')) askOnce(direct, 'interfaces', id);
  for (const id of view.seedIds('AWS::EC2::NetworkAcl')) askOnce(direct, 'aclIds', id);
  for (const id of view.seedIds('AWS::EFS::FileSystem')) {
    askOnce(direct, 'mountTargets', id);
    askOnce(direct, 'fileSystems', id);
  }

  // Which interfaces are mount targets: DescribeMountTargets of the file system a description names,
  // or a listing of every file system when an interface may be one but does not say of which.
  for (const eni of state.interfaces.values()) {
    askOnce(direct, 'mountTargets', view.fileSystemToAsk(eni));
    if (view.needsEveryFileSystem(eni)) direct.scan = true;
  }

  // Groups that reference a seed group (fanOutIngress), once all were read: are they on mount targets?
  const referencesRead = [...seedGroupIds].every(
    (id) => state.asked.reverse.has(id) && state.asked.reverseEgress.has(id),
  );
  if (seedGroupIds.size > 0 && referencesRead) {
    for (const group of view.groupsReferencing(seedGroupIds)) askOnce(direct, 'carriers', group.groupId);
  }

  // The direct reach, and the subnets of its pairs.
  const directUnknowns = noUnknowns();
  const reach = directReach(view, directUnknowns);
  askUnknowns(direct, directUnknowns);
  for (const id of reach.clients) {
    for (const groupId of state.interfaces.get(id)?.groupIds ?? [])
      askOnce(admittersOfDirectReach, 'reverse', groupId);
  }
  for (const vpcId of reach.pairVpcs) askOnce(direct, 'aclVpcs', vpcId);
  for (const subnetId of subnetsOfAclsOnPaths(view, reach))
    askOnce(stages.aclSubnetInterfaces, 'subnetInterfaces', subnetId);

  // The pairs of every interface in those subnets (their ACLs' verdicts need all of them).
  const pairUnknowns = noUnknowns();
  for (const eni of state.interfaces.values()) {
    if (!state.asked.subnetInterfaces.has(eni.subnetId)) continue;
    const role = view.roleOf(eni);
    if (role === 'mount-target') mountTargetSources(view, eni, pairUnknowns);
    else if (role === 'client') {
      for (const groupId of eni.groupIds) askOnce(stages.aclSubnetAdmitters, 'reverse', groupId);
      admittingMountTargets(view, eni, pairUnknowns);
    }
  }
  askUnknowns(aclSubnetPairs, pairUnknowns);

  planFileSystems(state, view, askOnce, aclSubnetPairs, leaves);
  planLeaves(state, view, reach.clients, askOnce, leaves);

  // A group seen only through a reverse lookup is already described; never ask for it again.
  for (const stage of STAGE_ORDER) {
    const work = stages[stage];
    for (const id of [...work.groups]) if (state.groups.has(id)) work.groups.delete(id);
  }
  return stages;
}

type AskOnce = (work: Work, kind: WorkKind, id: string | undefined) => void;

/**
 * File systems in the neighbourhood: all their mount targets' interfaces (whose groups are the mount
 * targets' groups), and the groups of those on file systems the ingress rule reports.
 */
function planFileSystems(
  state: NeighbourhoodState,
  view: NeighbourhoodView,
  askOnce: AskOnce,
  pairs: Work,
  leaves: Work,
): void {
  const reported = reportedIngressFileSystems(view);
  const partial = view.partial;
  for (const [fsId, mts] of state.mountTargets) {
    if (!mts || !isFileSystemInNeighbourhood(partial, fsId)) continue;
    askOnce(leaves, 'fileSystems', fsId);
    for (const mt of mts) {
      const eniId = mt.NetworkInterfaceId;
      const eni = eniId ? state.interfaces.get(eniId) : undefined;
      if (mt.VpcId === undefined) askOnce(leaves, 'subnets', mt.SubnetId);
      if (!eni) {
        if (eniId && !state.asked.interfaces.has(eniId)) pairs.interfaces.add(eniId);
        else askOnce(leaves, 'mountTargetGroups', mt.MountTargetId);
        continue;
      }
      if (reported.has(fsId)) for (const groupId of eni.groupIds) askOnce(pairs, 'groups', groupId);
    }
  }
}

/**
 * Leaves: every group on a client in the neighbourhood (their egress), the groups mount-target rules
 * reference (a missing one is unresolvable), VPC CIDRs of mount-target groups, prefix-list entries.
 */
function planLeaves(
  state: NeighbourhoodState,
  view: NeighbourhoodView,
  reachedClients: ReadonlySet<string>,
  askOnce: AskOnce,
  leaves: Work,
): void {
  const sourceGroups = new Set<string>();
  const askGroupLeaves = (groupId: string, sources?: Set<string>) => {
    const group = state.groups.get(groupId);
    if (!group) return;
    if (judgedAgainstVpcCidrs(group)) askOnce(leaves, 'vpcs', group.vpcId);
    for (const id of inboundGroupReferences(group)) {
      askOnce(leaves, 'groups', id);
      sources?.add(id);
    }
    for (const id of prefixListIdsOf(group, 'ingress')) askOnce(leaves, 'prefixLists', id);
  };
  for (const eni of state.interfaces.values()) {
    if (view.roleOf(eni) !== 'mount-target') continue;
    for (const groupId of eni.groupIds) askGroupLeaves(groupId, sourceGroups);
  }
  for (const id of view.seedIds('AWS::EC2::SecurityGroup')) askGroupLeaves(id);
  for (const eni of state.interfaces.values()) {
    if (view.roleOf(eni) !== 'client') continue;
    const admitted = eni.groupIds.some((id) => sourceGroups.has(id));
    // Egress matters only for a client some mount target admits, or one the change re-evaluates.
    if (!admitted && !reachedClients.has(eni.networkInterfaceId)) continue;
    for (const groupId of eni.groupIds) {
      const group = state.groups.get(groupId);
      if (!group) askOnce(leaves, 'groups', groupId);
      else if (admitted)
        for (const id of prefixListIdsOf(group, 'egress')) askOnce(leaves, 'prefixLists', id);
    }
  }
}

/** The work of the first stage that has any, carrying the later stages' values of kinds it sends. */
export function firstStageWithWork(stages: Stages): Work | undefined {
  const tiers = STAGE_ORDER.map((stage) => stages[stage]);
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
