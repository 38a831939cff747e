// efs-nfs-network-acl: network ACLs pass NFS and its return traffic between clients and mount targets.
import { composeAnnotation } from '../annotation';
import { fanOutNetworkAcl } from '../fan-out';
import {
  type NetworkAcl,
  NFS_PORT,
  type PortRange,
  type ResourceRef,
  ROUTING_RESOURCE_TYPES,
  type Topology,
} from '../model';
import { type AclDecision, evaluateAclTcp } from '../net/network-acl';
import { listNfsPairs, type NfsPair } from '../net/nfs-paths';
import type { Direction } from '../net/security-groups';
import { parameter, portRangeParam } from '../params';
import { pairRouteCheck } from '../routing/pair-routes';
import { indexTopology } from '../topology-index';
import { compliant, defineRule, nonCompliant, notApplicable, type Verdict } from './define';

export const RULE_ID = 'efs-nfs-network-acl';

/** The clients' source ports (the replies' destination ports): shared by every rule and `explain` that trace NFS replies. */
export const CLIENT_PORT_RANGE = parameter(portRangeParam(), {
  description:
    'Source ports clients use for NFS: 32768-60999 for Linux with noresvport (EFS recommends it); 665-1023 for a ' +
    'plain mount without noresvport.',
  default: '32768-60999',
});

export interface NetworkAclParameters {
  readonly clientPortRange: PortRange;
}

const ADVICE = 'ACLs are stateless: allow NFS and its return traffic in both subnets, before any deny.';

/** One of the four flows a pair needs, as seen by one ACL. */
export interface AclCheck {
  readonly acl: NetworkAcl;
  readonly side: 'client' | 'mount-target';
  readonly direction: Direction;
  readonly peerAddress: string;
  readonly ports: PortRange;
}

/** The four checks of docs/rules-network.md#efs-nfs-network-acl for one pair, given both subnets' ACLs (either may be missing). */
export function checksOfPair(
  pair: NfsPair,
  clientAcl: NetworkAcl | undefined,
  mountTargetAcl: NetworkAcl | undefined,
  clientPorts: PortRange,
): AclCheck[] {
  const nfs = { from: NFS_PORT, to: NFS_PORT };
  const checks: AclCheck[] = [];
  if (clientAcl) {
    checks.push({
      acl: clientAcl,
      side: 'client',
      direction: 'egress',
      peerAddress: pair.mountTargetAddress,
      ports: nfs,
    });
    checks.push({
      acl: clientAcl,
      side: 'client',
      direction: 'ingress',
      peerAddress: pair.mountTargetAddress,
      ports: clientPorts,
    });
  }
  if (mountTargetAcl) {
    checks.push({
      acl: mountTargetAcl,
      side: 'mount-target',
      direction: 'ingress',
      peerAddress: pair.clientAddress,
      ports: nfs,
    });
    checks.push({
      acl: mountTargetAcl,
      side: 'mount-target',
      direction: 'egress',
      peerAddress: pair.clientAddress,
      ports: clientPorts,
    });
  }
  return checks;
}

function describeBlock(pair: NfsPair, check: AclCheck, decision: AclDecision): string {
  const rule = decision.ruleNumber === '*' ? 'rule *' : `rule ${decision.ruleNumber}`;
  const ports =
    check.ports.from === check.ports.to ? `${check.ports.from}` : `${check.ports.from}-${check.ports.to}`;
  const flow = check.ports.from === NFS_PORT && check.ports.to === NFS_PORT ? 'NFS' : 'return';
  const way = check.direction === 'egress' ? `outbound tcp ${ports} to` : `inbound tcp ${ports} from`;
  const port = check.ports.from === check.ports.to ? '' : ` (port ${decision.deniedPort})`;
  const who = `${pair.client.networkInterfaceId}->${pair.mountTarget.mountTargetId}`;
  return `${rule} denies ${flow} ${way} ${check.peerAddress}${port} for ${who}`;
}

/**
 * The judge of ACLs: which of the targets lie on an NFS path, and which flows they block, worked out
 * once over every NFS pair in different subnets.
 */
function judgeNetworkAcls(
  topology: Topology,
  params: NetworkAclParameters,
  targets: readonly ResourceRef[],
): (acl: NetworkAcl) => Verdict {
  const index = indexTopology(topology);
  const wanted = new Set(targets.map((ref) => ref.resourceId));
  const onPath = new Set<string>();
  const findings = new Map<string, string[]>();
  // ACLs judged on a path whose routes efsguard cannot check (cross-VPC, routing not recorded or not visible).
  const unroutedNotes = new Map<string, string[]>();
  for (const pair of listNfsPairs(topology)) {
    // ACLs filter traffic only where it crosses a subnet boundary.
    if (pair.client.subnetId === pair.mountTarget.subnetId) continue;
    // Only pairs that routes connect (or may connect): the ACLs of a pair no route joins are on no path.
    const routes = pairRouteCheck(topology, pair.client, pair.mountTarget);
    if (routes.verdict === 'deny') continue;
    const clientAcl = index.networkAclBySubnet.get(pair.client.subnetId);
    const mountTargetAcl = index.networkAclBySubnet.get(pair.mountTarget.subnetId);
    for (const check of checksOfPair(pair, clientAcl, mountTargetAcl, params.clientPortRange)) {
      const aclId = check.acl.networkAclId;
      if (!wanted.has(aclId)) continue;
      onPath.add(aclId);
      if (routes.finding && !unroutedNotes.get(aclId)?.includes(routes.finding)) {
        unroutedNotes.set(aclId, [...(unroutedNotes.get(aclId) ?? []), routes.finding]);
      }
      const decision = evaluateAclTcp(check.acl, check.direction, check.peerAddress, check.ports);
      if (decision.allowed) continue;
      const list = findings.get(aclId) ?? [];
      list.push(describeBlock(pair, check, decision));
      findings.set(aclId, list);
    }
  }
  return (acl) => {
    const aclId = acl.networkAclId;
    // Entries that could not be read (a malformed CIDR) are left out of the evaluation; one of them
    // might deny a flow, so an ACL on an NFS path is never COMPLIANT with them, and one on no path says
    // so in its NOT_APPLICABLE annotation. Either way the other ACLs are still judged.
    const unreadable = (acl.malformedEntries ?? []).map(
      (entry) => `${entry} (efsguard cannot read this entry)`,
    );
    // The unreadable entries first: the annotation (at most 256 characters) must name them.
    const blocked = [...(onPath.has(aclId) ? unreadable : []), ...(findings.get(aclId) ?? [])];
    if (!onPath.has(aclId) && unreadable.length) {
      return notApplicable(
        composeAnnotation(
          ['Not on the path of any NFS client and mount target in different subnets', ...unreadable],
          'Fix the entry: it would be judged if an NFS path crossed this ACL.',
        ),
      );
    }
    if (blocked.length) return nonCompliant(composeAnnotation(blocked, ADVICE));
    if (onPath.has(aclId)) {
      const notes = unroutedNotes.get(aclId);
      return compliant(notes ? composeAnnotation(notes, 'Judged as if routed.') : undefined);
    }
    return notApplicable('Not on the path of any NFS client and mount target in different subnets.');
  };
}

export const efsNfsNetworkAcl = defineRule({
  id: RULE_ID,
  title: 'Network ACLs pass NFS and its return traffic between EFS clients and mount targets',
  description:
    'For every client and mount target that security groups let talk NFS, that sit in different subnets and that ' +
    'routes connect (or may connect: docs/routing.md), checks ' +
    "both subnets' network ACLs: the client's subnet must let TCP 2049 out and the replies (to the client's ports) " +
    "in; the mount target's subnet must let TCP 2049 in and the replies out. ACLs are stateless, so a missing " +
    'return rule silently breaks mounts.',
  resourceTypes: ['AWS::EC2::NetworkAcl'],
  triggerResourceTypes: [
    'AWS::EC2::NetworkAcl',
    'AWS::EC2::SecurityGroup',
    'AWS::EC2::NetworkInterface',
    'AWS::EFS::FileSystem',
    ...ROUTING_RESOURCE_TYPES,
  ],
  triggers: ['configurationChange', 'periodic'],
  requires: ['network', 'routing'],
  // A snapshot recorded before routing: cross-VPC paths say 'routing was not recorded'.
  judgesWithout: ['routing'],
  severity: 'medium',
  risk: 'Intended clients cannot mount the file system, or mounts hang when replies are dropped.',
  remediation:
    'Add ACL rules, numbered below any deny that matches: in the client subnet, outbound TCP 2049 to the mount ' +
    "target and inbound TCP on the client port range from it; in the mount target's subnet, inbound TCP 2049 from " +
    'the client and outbound TCP on the client port range to it.',
  parameters: {
    // The Linux ephemeral range, used by clients mounting with `noresvport` as EFS recommends.
    clientPortRange: CLIENT_PORT_RANGE,
  },
  fanOut: fanOutNetworkAcl,
  judge: ({ topology, params, targets }) => ({
    'AWS::EC2::NetworkAcl': judgeNetworkAcls(topology, params, targets),
  }),
});
