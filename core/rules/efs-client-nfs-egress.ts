// efs-client-nfs-egress: intended clients can send NFS to their mount targets.
import { composeAnnotation, isUnresolvedFinding } from '../annotation';
import { fanOutEgress } from '../fan-out';
import { type MountTarget, type NetworkInterface, ROUTING_RESOURCE_TYPES, type Topology } from '../model';
import { isWorldOpen } from '../net/cidr';
import {
  buildNfsGraph,
  fileSystemsAdmitting,
  matchClientEgressToMountTarget,
  mountTargetAddressOf,
  type NfsGraph,
  preferredFamily,
} from '../net/nfs-paths';
import { coversNfs } from '../net/protocol';
import { booleanParam, parameter } from '../params';
import { pairRouteCheck } from '../routing/pair-routes';
import { isMountTargetInterface, nonClientReason } from '../topology-index';
import { compliant, defineRule, nonCompliant, notApplicable, type Verdict } from './define';

export const RULE_ID = 'efs-client-nfs-egress';

export interface EgressParameters {
  readonly requireScopedEgress: boolean;
}

const ADVICE =
  "Add an outbound rule for tcp 2049 to the mount targets' security group on one of the client's groups.";
const ROUTE_ADVICE =
  "Add routes both ways: in the client subnet's route table to the mount target, and back in the mount target's (and in any TGW route table on the way).";
const SCOPE_ADVICE = "Scope outbound NFS to the mount targets' security group.";
// EFS fixes a mount target's IpAddressType when it is created (EFS API Reference, CreateMountTarget).
const FAMILY_ADVICE =
  'Create dual-stack mount targets (the IP address type is fixed at creation), or give the client an address of their family.';

export interface EgressIssues {
  /** Empty when the client reaches every file system that admits it (and, if asked, egress is scoped). */
  readonly findings: string[];
  /**
   * What the advice should address: 'egress' when some file system is unreachable through the client's
   * outbound rules; else 'route' when outbound rules allow it but no route connects both ways; else
   * 'family' when some shares no address family with it; else 'scope'.
   */
  readonly cause: 'egress' | 'route' | 'family' | 'scope';
}

/**
 * The client's groups that the topology does not hold, and the outbound rules of its groups that could
 * not be read: one of those might be the path (union of allow rules), so a client they might let
 * through is never COMPLIANT on their account.
 */
interface UnreadGroups {
  readonly missing: string[];
  readonly unreadable: string[];
}

function unreadGroupsOf(graph: NfsGraph, client: NetworkInterface): UnreadGroups {
  return {
    missing: client.groupIds.filter((groupId) => !graph.index.groupsById.has(groupId)),
    unreadable: client.groupIds.flatMap((groupId) =>
      (graph.index.groupsById.get(groupId)?.malformed ?? [])
        .filter((rule) => rule.direction === 'egress')
        .map((rule) => `${groupId} ${rule.detail}`),
    ),
  };
}

/**
 * Findings against one client interface. Most clients reach every file system that admits them: the
 * lists below are made only for a finding (at scale 16 this runs for 31,000 clients).
 */
export function findEgressIssues(
  graph: NfsGraph,
  client: NetworkInterface,
  params: EgressParameters,
): EgressIssues {
  const { index } = graph;
  const findings: string[] = [];
  let egressFindings = 0;
  let familyFindings = 0;
  let routeFindings = 0;
  // Worked out once, on the first finding or scope check that names them.
  let unread: UnreadGroups | undefined;
  const admitting = graph.admittedBy.get(client.networkInterfaceId) ?? [];
  for (const mountTargets of fileSystemsAdmitting(admitting)) {
    const fsId = (mountTargets[0] as MountTarget).fileSystemId;
    let unresolved: Set<string> | undefined;
    // Mount targets the client shares an address family with, by the address it would send to
    // (IPv4 preferred), and those it cannot send a single packet to.
    let targets: string[] | undefined;
    let foreign: MountTarget[] | undefined;
    // Mount targets the outbound rules reach but routes do not connect (or cannot be checked).
    let unrouted: string[] | undefined;
    let reached = false;
    for (const mt of mountTargets) {
      const family = preferredFamily(client, mt);
      if (!family) {
        foreign ??= [];
        foreign.push(mt);
        continue;
      }
      const match = matchClientEgressToMountTarget(index, client, mt);
      if (match.allowed) {
        // Route-aware: the outbound rules let it out, and routes must connect both ways (core/routing).
        const route = pairRouteCheck(index.topology, client, mt);
        if (route.verdict === 'allow') {
          reached = true;
          break;
        }
        if (route.finding) {
          unrouted ??= [];
          unrouted.push(route.finding);
        }
        continue;
      }
      targets ??= [];
      targets.push(mountTargetAddressOf(mt, family) ?? mt.mountTargetId);
      for (const peer of match.unresolved) {
        unresolved ??= new Set();
        unresolved.add(`${peer.groupId} -> ${peer.reference}`);
      }
    }
    if (reached) continue;
    if (targets) {
      unread ??= unreadGroupsOf(graph, client);
      const { missing, unreadable } = unread;
      let finding = `egress of ${client.groupIds.join(', ') || 'no groups'} does not allow tcp 2049 to ${fsId} (${targets.join(', ')})`;
      if (unresolved) finding += `; prefix lists cannot be resolved: ${[...unresolved].join(', ')}`;
      if (missing.length) finding += `; groups cannot be resolved: ${missing.join(', ')}`;
      if (unreadable.length) finding += `; outbound rules efsguard cannot read: ${unreadable.join(', ')}`;
      egressFindings++;
      findings.push(finding);
    }
    if (unrouted) {
      routeFindings++;
      findings.push(`${fsId}: ${unrouted.join('; ')}`);
    }
    if (foreign) {
      familyFindings++;
      findings.push(describeNoSharedFamily(client, fsId, foreign));
    }
  }
  if (params.requireScopedEgress) {
    unread ??= unreadGroupsOf(graph, client);
    const { missing, unreadable } = unread;
    if (missing.length)
      findings.push(`cannot check egress scope: groups cannot be resolved: ${missing.join(', ')}`);
    if (unreadable.length)
      findings.push(
        `cannot check egress scope: outbound rules efsguard cannot read: ${unreadable.join(', ')}`,
      );
    for (const groupId of client.groupIds) {
      const group = index.groupsById.get(groupId);
      for (const permission of group?.egress ?? []) {
        if (!coversNfs(permission)) continue;
        const peer = permission.peer;
        if (peer.kind === 'cidr' && isWorldOpen(peer.cidr)) {
          findings.push(`${groupId} allows outbound NFS to ${peer.cidr}`);
        } else if (peer.kind === 'prefixList') {
          const list = index.prefixListsById.get(peer.prefixListId);
          // An unreadable list may hold 0.0.0.0/0: the scope cannot be checked, so never COMPLIANT.
          if (!list || list.malformed?.length) {
            findings.push(
              `cannot check egress scope: ${groupId} allows outbound NFS to prefix list ${peer.prefixListId}, which cannot be resolved`,
            );
            continue;
          }
          const open = list.entries.find(isWorldOpen);
          if (open) findings.push(`${groupId} allows outbound NFS to ${open} (via ${peer.prefixListId})`);
        }
      }
    }
  }
  const cause = egressFindings ? 'egress' : routeFindings ? 'route' : familyFindings ? 'family' : 'scope';
  return { findings, cause };
}

/** 'IPv4-only', 'IPv6-only' or 'dual-stack'. */
function describeStack(hasIpv4: boolean, hasIpv6: boolean): string {
  return hasIpv4 && hasIpv6 ? 'dual-stack' : hasIpv4 ? 'IPv4-only' : 'IPv6-only';
}

/**
 * The client has no address of any family these mount targets have (it is IPv6-only and they IPv4-only,
 * or the reverse): no security-group or ACL rule can make them reachable.
 */
function describeNoSharedFamily(client: NetworkInterface, fsId: string, mountTargets: MountTarget[]): string {
  const clientStack = describeStack(client.primaryPrivateIp !== undefined, client.ipv6Addresses.length > 0);
  // Grouped by stack: 'fsmt-a, fsmt-b are IPv4-only' (they all lack the client's only family).
  const byStack = new Map<string, string[]>();
  for (const mt of mountTargets) {
    const stack = describeStack(mt.ipAddress !== undefined, mt.ipv6Address !== undefined);
    byStack.set(stack, [...(byStack.get(stack) ?? []), mt.mountTargetId]);
  }
  const parts = [...byStack].map(
    ([stack, ids]) => `${ids.join(', ')} ${ids.length > 1 ? 'are' : 'is'} ${stack}`,
  );
  return `no common address family with ${fsId}: the client is ${clientStack} and ${parts.join(', ')}`;
}

/** The judge of client interfaces, over one NFS graph of the topology. */
function judgeEgress(topology: Topology, params: EgressParameters): (client: NetworkInterface) => Verdict {
  const graph = buildNfsGraph(topology);
  const { index } = graph;
  return (client) => {
    if (isMountTargetInterface(index, client))
      return notApplicable('An EFS mount target interface, not a client.');
    const notClient = nonClientReason(client);
    if (notClient !== undefined) return notApplicable(notClient);
    if (!graph.admittedBy.has(client.networkInterfaceId))
      return notApplicable('Not an NFS client: no mount-target security group admits its groups.');
    const { findings, cause } = findEgressIssues(graph, client, params);
    const advice = { egress: ADVICE, route: ROUTE_ADVICE, family: FAMILY_ADVICE, scope: SCOPE_ADVICE }[cause];
    return findings.length
      ? nonCompliant(composeAnnotation(findings, advice), findings.some(isUnresolvedFinding))
      : compliant();
  };
}

export const efsClientNfsEgress = defineRule({
  id: RULE_ID,
  title: 'EFS clients can send NFS to the mount targets that admit them',
  description:
    "Checks every network interface that a mount target's security group admits for NFS (a client). The union of " +
    "the client's security groups' outbound rules must allow TCP 2049 to at least one mount target of each file " +
    'system that admits it, and across VPCs routes must connect the two both ways (docs/routing.md). Otherwise mounts hang or fail, often only after someone tightens the default ' +
    'allow-all outbound rule. Optionally flags outbound NFS open to the whole internet.',
  resourceTypes: ['AWS::EC2::NetworkInterface'],
  triggerResourceTypes: [
    'AWS::EC2::NetworkInterface',
    'AWS::EC2::SecurityGroup',
    'AWS::EFS::FileSystem',
    ...ROUTING_RESOURCE_TYPES,
  ],
  triggers: ['configurationChange', 'periodic'],
  requires: ['network', 'routing'],
  // A snapshot recorded before routing: cross-VPC paths say 'routing was not recorded'.
  judgesWithout: ['routing'],
  severity: 'medium',
  risk:
    'Intended clients cannot mount the file system (an availability failure), or, with requireScopedEgress, they ' +
    'may send NFS anywhere.',
  remediation:
    "Add an outbound rule allowing TCP 2049 to the mount targets' security group to one of the client's security " +
    'groups (security groups are stateful: no inbound rule is needed for the replies).',
  parameters: {
    requireScopedEgress: parameter(booleanParam(), {
      description: 'true to also flag outbound NFS (or all traffic) open to 0.0.0.0/0 or ::/0.',
      default: 'false',
    }),
  },
  fanOut: fanOutEgress,
  judge: ({ topology, params }) => ({ 'AWS::EC2::NetworkInterface': judgeEgress(topology, params) }),
});
