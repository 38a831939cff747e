// efs-mount-target-nfs-ingress: mount targets admit NFS only from intended clients, and nothing else.
import { composeAnnotation, isUnresolvedFinding } from '../annotation';
import { fanOutIngress } from '../fan-out';
import type { FileSystem, Permission, SecurityGroup, Topology } from '../model';
import { cidrContainsCidr, cidrFamilyOf, familiesCoveredBy, isWorldOpen } from '../net/cidr';
import { coversNfs, describeProtocolAndPorts, isExactlyNfs } from '../net/protocol';
import { describePeer } from '../net/security-groups';
import {
  booleanParam,
  cidrListParam,
  type GroupSelector,
  groupListParam,
  ParameterValueError,
  parameter,
} from '../params';
import { indexTopology, type TopologyIndex } from '../topology-index';
import { compliant, defineRule, type Judges, nonCompliant, notApplicable } from './define';

export const RULE_ID = 'efs-mount-target-nfs-ingress';

const parseCidrList = cidrListParam();

/**
 * allowedCidrs, without world-open blocks: NFS from 0.0.0.0/0 or ::/0 is NON_COMPLIANT whatever the
 * parameters say, so listing one would be silently ignored. Refuse it instead, and refuse blocks whose
 * union is the whole address space of a family too, or they would get round that refusal.
 */
function parseAllowedCidrs(value: unknown): string[] {
  const cidrs = parseCidrList(value);
  const open = cidrs.find(isWorldOpen);
  if (open !== undefined) {
    throw new ParameterValueError(
      `${open} is world-open; NFS from 0.0.0.0/0 or ::/0 is always NON_COMPLIANT, so list narrower CIDRs`,
    );
  }
  // Split into blocks, the whole space is just as world-open (0.0.0.0/1 with 128.0.0.0/1).
  for (const family of familiesCoveredBy(cidrs)) {
    const blocks = cidrs.filter((cidr) => cidrFamilyOf(cidr) === family);
    throw new ParameterValueError(
      `${blocks.join(', ')} together cover every ${family === 'ipv4' ? 'IPv4' : 'IPv6'} address, which is ` +
        'world-open; NFS from 0.0.0.0/0 or ::/0 is always NON_COMPLIANT, so list narrower CIDRs',
    );
  }
  return cidrs;
}

export interface IngressParameters {
  readonly allowedCidrs: readonly string[];
  readonly allowedSourceSecurityGroups: readonly GroupSelector[];
  readonly allowUnusedIngress: boolean;
}

const ADVICE = 'Allow only tcp 2049 from client security groups of this account; remove other inbound rules.';

/** Findings against one mount-target group; empty when it is compliant. */
export function findIngressIssues(
  index: TopologyIndex,
  group: SecurityGroup,
  params: IngressParameters,
): string[] {
  const findings: string[] = [];
  const vpc = index.vpcsById.get(group.vpcId);
  const isInside = (cidr: string): boolean =>
    (vpc?.cidrBlocks ?? []).some((block) => cidrContainsCidr(block, cidr)) ||
    params.allowedCidrs.some((allowed) => cidrContainsCidr(allowed, cidr));
  const judgeCidr = (cidr: string, via: string, what: string): void => {
    if (isWorldOpen(cidr)) findings.push(`${group.groupId} allows ${what} from ${cidr}${via}`);
    else if (!isInside(cidr)) {
      if (!vpc)
        findings.push(
          `${group.groupId} allows ${what} from ${cidr}${via} and VPC ${group.vpcId} cannot be resolved`,
        );
      else
        findings.push(`${group.groupId} allows ${what} from ${cidr}${via} outside the VPC and allowedCidrs`);
    }
  };
  // An inbound rule that could not be read might admit NFS from anywhere: never COMPLIANT on it.
  for (const rule of group.malformed ?? []) {
    if (rule.direction === 'ingress')
      findings.push(`${group.groupId} has an inbound rule efsguard cannot read: ${rule.detail}`);
  }
  for (const permission of group.ingress) {
    const what = describeProtocolAndPorts(permission);
    const source = describePeer(permission.peer, group.ownerId);
    if (!coversNfs(permission)) {
      if (!params.allowUnusedIngress)
        findings.push(`${group.groupId} has unused inbound ${what} from ${source}`);
      continue;
    }
    if (!isExactlyNfs(permission) && !params.allowUnusedIngress) {
      findings.push(`${group.groupId} allows ${what} from ${source}, wider than tcp 2049`);
    }
    judgeNfsSource(index, group, permission, params, what, judgeCidr, findings);
  }
  return findings;
}

function judgeNfsSource(
  index: TopologyIndex,
  group: SecurityGroup,
  permission: Permission,
  params: IngressParameters,
  what: string,
  judgeCidr: (cidr: string, via: string, what: string) => void,
  findings: string[],
): void {
  const peer = permission.peer;
  switch (peer.kind) {
    case 'cidr':
      judgeCidr(peer.cidr, '', what);
      return;
    case 'prefixList': {
      const list = index.prefixListsById.get(peer.prefixListId);
      if (!list) {
        findings.push(
          `${group.groupId} allows ${what} from prefix list ${peer.prefixListId}, which cannot be resolved`,
        );
        return;
      }
      for (const bad of list.malformed ?? []) {
        findings.push(`${group.groupId} allows ${what} from prefix list ${peer.prefixListId}, whose ${bad}`);
      }
      for (const entry of list.entries) judgeCidr(entry, ` (via ${peer.prefixListId})`, what);
      return;
    }
    case 'group': {
      if (peer.userId !== group.ownerId) {
        const listed = params.allowedSourceSecurityGroups.some(
          (selector) => selector.groupId === peer.groupId && (selector.userId ?? peer.userId) === peer.userId,
        );
        if (!listed) {
          findings.push(
            `${group.groupId} allows ${what} from ${peer.userId}/${peer.groupId} of another account`,
          );
        }
        return;
      }
      // The loaders load every referenced group, so a missing one does not exist or was not visible.
      if (!index.groupsById.has(peer.groupId)) {
        findings.push(`${group.groupId} allows ${what} from ${peer.groupId}, which cannot be resolved`);
      }
      return;
    }
  }
}

type IngressType = 'AWS::EC2::SecurityGroup' | 'AWS::EFS::FileSystem';

/** The judges of mount-target groups and file systems; each group's findings are worked out once. */
function judgeIngress(topology: Topology, params: IngressParameters): Judges<IngressType> {
  const index = indexTopology(topology);
  const groupFindings = new Map<string, string[]>();
  const findingsOf = (groupId: string): string[] | undefined => {
    let findings = groupFindings.get(groupId);
    if (!findings) {
      const group = index.groupsById.get(groupId);
      if (!group) return undefined;
      findings = findIngressIssues(index, group, params);
      groupFindings.set(groupId, findings);
    }
    return findings;
  };
  const judgeGroup = (group: SecurityGroup) => {
    if (!index.mountTargetsByGroup.has(group.groupId))
      return notApplicable('Not attached to any EFS mount target.');
    const findings = findingsOf(group.groupId) ?? [];
    return findings.length
      ? nonCompliant(composeAnnotation(findings, ADVICE), findings.some(isUnresolvedFinding))
      : compliant();
  };
  const judgeFileSystem = (fileSystem: FileSystem) => {
    const mountTargets = index.mountTargetsByFileSystem.get(fileSystem.fileSystemId) ?? [];
    if (mountTargets.length === 0) return notApplicable('The file system has no mount targets.');
    const offending: string[] = [];
    const unresolved: string[] = [];
    // AWS requires 1-5 groups per mount target (EFS API Reference, CreateMountTarget): none means
    // they could not be read, and no groups would admit nothing. Never COMPLIANT on that.
    const unread = mountTargets
      .filter((mt) => mt.securityGroupIds.length === 0)
      .map((mt) => mt.mountTargetId);
    const groupIds = [...new Set(mountTargets.flatMap((mt) => mt.securityGroupIds))].sort();
    for (const groupId of groupIds) {
      const findings = findingsOf(groupId);
      if (findings === undefined) unresolved.push(groupId);
      else if (findings.length) offending.push(groupId);
    }
    const issues = [
      ...(offending.length
        ? [`mount-target groups ${offending.join(', ')} admit more than NFS from intended clients`]
        : []),
      ...(unresolved.length ? [`mount-target groups ${unresolved.join(', ')} cannot be resolved`] : []),
      ...(unread.length
        ? [
            `the security groups of ${unread.sort().join(', ')} could not be read (AWS showed none; every mount target has 1-5)`,
          ]
        : []),
    ];
    return issues.length
      ? nonCompliant(
          composeAnnotation(issues, "See those groups' evaluations."),
          unresolved.length > 0 ||
            offending.some((groupId) => findingsOf(groupId)?.some(isUnresolvedFinding)),
        )
      : compliant();
  };
  return { 'AWS::EC2::SecurityGroup': judgeGroup, 'AWS::EFS::FileSystem': judgeFileSystem };
}

export const efsMountTargetNfsIngress = defineRule({
  id: RULE_ID,
  title: 'EFS mount targets admit NFS only from intended clients, and nothing else',
  description:
    'Checks the security groups attached to EFS mount targets. Each should allow only TCP 2049 (NFS), and only from ' +
    'the security groups of the instances, containers or functions meant to mount the file system. A group that ' +
    'admits NFS from 0.0.0.0/0, ::/0, addresses outside the VPC, unknown prefix lists or other accounts exposes the ' +
    'file system to anyone who can reach it; any other inbound rule is unused by EFS and only widens exposure.',
  resourceTypes: ['AWS::EC2::SecurityGroup', 'AWS::EFS::FileSystem'],
  triggerResourceTypes: ['AWS::EC2::SecurityGroup', 'AWS::EFS::FileSystem', 'AWS::EC2::NetworkInterface'],
  triggers: ['configurationChange', 'periodic'],
  requires: ['network'],
  severity: 'high',
  risk:
    'Anyone who can reach a mount target over NFS can mount the file system; unless a file-system policy says ' +
    'otherwise, as root with read-write access.',
  remediation:
    'On each mount-target security group, keep one inbound rule per client group: TCP 2049 from that security ' +
    'group. Remove CIDR, world-open, cross-account and non-NFS inbound rules, or list the intended ones in the ' +
    'allowedCidrs / allowedSourceSecurityGroups parameters.',
  parameters: {
    allowedCidrs: parameter(parseAllowedCidrs, {
      description:
        'CIDRs outside the VPC that may send NFS (comma-separated or JSON array), e.g. an on-premises range. ' +
        '0.0.0.0/0 and ::/0 are refused, and so are blocks that together cover every address ' +
        '(0.0.0.0/1, 128.0.0.0/1): world-open NFS is always NON_COMPLIANT.',
    }),
    allowedSourceSecurityGroups: parameter(groupListParam(), {
      description:
        "Groups of other accounts that may send NFS: 'sg-…' or '123456789012/sg-…', comma-separated.",
    }),
    allowUnusedIngress: parameter(booleanParam(), {
      description:
        'true to accept inbound rules other than TCP 2049 (all-traffic, wider ranges, other ports).',
      default: 'false',
    }),
  },
  fanOut: fanOutIngress,
  judge: ({ topology, params }) => judgeIngress(topology, params),
});
