// efs-client-nfs-egress: intended clients can send NFS to their mount targets.
import { composeAnnotation, makeEvaluation, sortEvaluations } from '../annotation';
import { fanOutEgress, type ResolvedScope, resolveScope } from '../fan-out';
import type { Evaluation, NetworkInterface, ResourceType, Topology } from '../model';
import { isWorldOpen } from '../net/cidr';
import { buildNfsGraph, matchClientEgressToMountTarget, type NfsGraph } from '../net/nfs-paths';
import { coversNfs } from '../net/protocol';
import { booleanParam, parseRuleParameters } from '../params';
import { isMountTargetInterface } from '../topology-index';
import { defineRule } from './types';

export const RULE_ID = 'efs-client-nfs-egress';

const RESOURCE_TYPES: readonly ResourceType[] = ['AWS::EC2::NetworkInterface'];

const PARAMETERS = { requireScopedEgress: booleanParam(false) };

export interface EgressParameters {
  readonly requireScopedEgress: boolean;
}

const ADVICE =
  "Add an outbound rule for tcp 2049 to the mount targets' security group on one of the client's groups.";
const SCOPE_ADVICE = "Scope outbound NFS to the mount targets' security group.";

/** Findings against one client interface; empty when it reaches every file system that admits it. */
export function findEgressIssues(
  graph: NfsGraph,
  client: NetworkInterface,
  params: EgressParameters,
): string[] {
  const { index } = graph;
  const findings: string[] = [];
  const byFs = graph.admittedBy.get(client.networkInterfaceId);
  const missing = client.groupIds.filter((groupId) => !index.groupsById.has(groupId));
  for (const fsId of [...(byFs?.keys() ?? [])].sort()) {
    const mountTargets = byFs?.get(fsId) ?? [];
    const unresolved = new Set<string>();
    let reached = false;
    for (const mt of mountTargets) {
      const match = matchClientEgressToMountTarget(index, client, mt);
      if (match.allowed) {
        reached = true;
        break;
      }
      for (const peer of match.unresolved) unresolved.add(`${peer.groupId} -> ${peer.reference}`);
    }
    if (reached) continue;
    const targets = mountTargets.map((mt) => mt.ipAddress).join(', ');
    let finding = `egress of ${client.groupIds.join(', ') || 'no groups'} does not allow tcp 2049 to ${fsId} (${targets})`;
    if (unresolved.size) finding += `; prefix lists cannot be resolved: ${[...unresolved].join(', ')}`;
    if (missing.length) finding += `; groups cannot be resolved: ${missing.join(', ')}`;
    findings.push(finding);
  }
  if (params.requireScopedEgress) {
    if (missing.length)
      findings.push(`cannot check egress scope: groups cannot be resolved: ${missing.join(', ')}`);
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
          if (!list) {
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
  return findings;
}

export function evaluateEgress(
  topology: Topology,
  refs: ResolvedScope,
  params: EgressParameters,
): Evaluation[] {
  const graph = buildNfsGraph(topology);
  const { index } = graph;
  const evaluations: Evaluation[] = [];
  for (const ref of refs.present) {
    const client = index.interfacesById.get(ref.resourceId);
    if (!client) continue;
    if (isMountTargetInterface(index, client)) {
      evaluations.push(
        makeEvaluation(RULE_ID, ref, 'NOT_APPLICABLE', 'An EFS mount target interface, not a client.'),
      );
      continue;
    }
    if (!graph.admittedBy.has(client.networkInterfaceId)) {
      evaluations.push(
        makeEvaluation(
          RULE_ID,
          ref,
          'NOT_APPLICABLE',
          'Not an NFS client: no mount-target security group admits its groups.',
        ),
      );
      continue;
    }
    const findings = findEgressIssues(graph, client, params);
    const onlyScope = findings.every(
      (finding) => finding.includes('outbound NFS to') || finding.startsWith('cannot check'),
    );
    evaluations.push(
      findings.length
        ? makeEvaluation(
            RULE_ID,
            ref,
            'NON_COMPLIANT',
            composeAnnotation(findings, onlyScope ? SCOPE_ADVICE : ADVICE),
          )
        : makeEvaluation(RULE_ID, ref, 'COMPLIANT'),
    );
  }
  for (const ref of refs.deleted) {
    evaluations.push(makeEvaluation(RULE_ID, ref, 'NOT_APPLICABLE', 'The resource no longer exists.'));
  }
  return sortEvaluations(evaluations);
}

export const efsClientNfsEgress = defineRule<EgressParameters>({
  id: RULE_ID,
  title: 'EFS clients can send NFS to the mount targets that admit them',
  description:
    "Checks every network interface that a mount target's security group admits for NFS (a client). The union of " +
    "the client's security groups' outbound rules must allow TCP 2049 to at least one mount target of each file " +
    'system that admits it. Otherwise mounts hang or fail, often only after someone tightens the default ' +
    'allow-all outbound rule. Optionally flags outbound NFS open to the whole internet.',
  resourceTypes: RESOURCE_TYPES,
  triggerResourceTypes: ['AWS::EC2::NetworkInterface', 'AWS::EC2::SecurityGroup', 'AWS::EFS::FileSystem'],
  triggers: ['configurationChange', 'periodic'],
  requires: ['network'],
  severity: 'medium',
  risk:
    'Intended clients cannot mount the file system (an availability failure), or, with requireScopedEgress, they ' +
    'may send NFS anywhere.',
  remediation:
    "Add an outbound rule allowing TCP 2049 to the mount targets' security group to one of the client's security " +
    'groups (security groups are stateful: no inbound rule is needed for the replies).',
  parameters: [
    {
      name: 'requireScopedEgress',
      description: 'true to also flag outbound NFS (or all traffic) open to 0.0.0.0/0 or ::/0.',
      default: 'false',
    },
  ],
  parseParameters: (raw) => parseRuleParameters(RULE_ID, PARAMETERS, raw),
  evaluate: (topology, scope, params) =>
    evaluateEgress(topology, resolveScope(topology, scope, RESOURCE_TYPES, fanOutEgress), params),
});
