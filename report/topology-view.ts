// What the HTML picture of one file system shows: its mount targets, their security groups, the
// clients they admit and the source networks their groups let NFS in from, and for each client and
// mount target whether NFS gets through, and if not which rule and which group or ACL entry stops it.
// Every answer comes from core (nfs-paths, the ACL rule's checks, CIDR math): this file only collects.
import type { MountTarget, NetworkInterface, Topology } from '../core/model';
import { cidrContainsCidr, isWorldOpen } from '../core/net/cidr';
import { type AclDecision, evaluateAclTcp } from '../core/net/network-acl';
import { buildNfsGraph, listNfsPairs, type NfsPair, sharedAddressFamilies } from '../core/net/nfs-paths';
import { coversNfs } from '../core/net/protocol';
import { describePeer } from '../core/net/security-groups';
import { RULE_ID as EGRESS_RULE } from '../core/rules/efs-client-nfs-egress';
import {
  efsMountTargetNfsIngress,
  RULE_ID as INGRESS_RULE,
  type IngressParameters,
} from '../core/rules/efs-mount-target-nfs-ingress';
import {
  RULE_ID as ACL_RULE,
  checksOfPair,
  efsNfsNetworkAcl,
  type NetworkAclParameters,
} from '../core/rules/efs-nfs-network-acl';
import { indexTopology } from '../core/topology-index';

export interface MountTargetView {
  readonly id: string;
  readonly subnetId: string;
  readonly availabilityZone: string;
  readonly address: string;
  readonly groups: readonly { readonly id: string; readonly name: string }[];
}

export interface ClientView {
  readonly id: string;
  readonly subnetId: string;
  readonly availabilityZone: string;
  readonly address: string;
  readonly groupIds: readonly string[];
  /** The instance, or the interface's description (e.g. a Lambda or ECS interface). */
  readonly label: string;
}

/** A network that a mount-target group admits NFS from by address (a CIDR or a prefix list entry). */
export interface SourceView {
  readonly id: string;
  readonly label: string;
  /** 'exposing': the ingress rule judges it NON_COMPLIANT; 'allowed': inside the VPC or allowedCidrs. */
  readonly status: 'exposing' | 'allowed';
  readonly mountTargetIds: readonly string[];
  /** What the picture writes on the edge: the rule and the group that admits it. */
  readonly reason: string;
}

export interface PathView {
  readonly clientId: string;
  readonly mountTargetId: string;
  readonly status: 'allowed' | 'blocked';
  /** For a blocked path: the rule and the group or ACL entry that stops it. */
  readonly reasons: readonly string[];
}

export interface FileSystemView {
  readonly id: string;
  readonly name?: string;
  readonly mountTargets: readonly MountTargetView[];
  readonly clients: readonly ClientView[];
  readonly sources: readonly SourceView[];
  readonly paths: readonly PathView[];
}

function clientAddress(eni: NetworkInterface): string {
  return eni.primaryPrivateIp ?? eni.ipv6Addresses[0] ?? '';
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The pictures of every file system in the topology, in file-system id order. */
export function buildFileSystemViews(
  topology: Topology,
  parameters: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {},
): FileSystemView[] {
  if (!topology.parts.includes('network')) return [];
  const index = indexTopology(topology);
  const graph = buildNfsGraph(topology);
  const aclParams = efsNfsNetworkAcl.parseParameters(parameters[ACL_RULE] ?? {}) as NetworkAclParameters;
  const ingressParams = efsMountTargetNfsIngress.parseParameters(
    parameters[INGRESS_RULE] ?? {},
  ) as IngressParameters;
  const pairs = new Map<string, NfsPair>();
  for (const pair of listNfsPairs(topology)) {
    pairs.set(`${pair.client.networkInterfaceId}|${pair.mountTarget.mountTargetId}`, pair);
  }

  const decisions = new Map<string, AclDecision>();
  const blockedByAcl = (pair: NfsPair): string[] => {
    if (pair.client.subnetId === pair.mountTarget.subnetId) return [];
    const clientAcl = index.networkAclBySubnet.get(pair.client.subnetId);
    const mtAcl = index.networkAclBySubnet.get(pair.mountTarget.subnetId);
    const reasons: string[] = [];
    for (const check of checksOfPair(pair, clientAcl, mtAcl, aclParams.clientPortRange)) {
      // Many pairs share an ACL, a direction and a peer address: decide each combination once.
      const key = `${check.acl.networkAclId}|${check.direction}|${check.peerAddress}|${check.ports.from}-${check.ports.to}`;
      let decision = decisions.get(key);
      if (!decision) {
        decision = evaluateAclTcp(check.acl, check.direction, check.peerAddress, check.ports);
        decisions.set(key, decision);
      }
      if (decision.allowed) continue;
      const flow = check.ports.from === 2049 && check.ports.to === 2049 ? 'NFS' : 'the replies';
      const way = check.direction === 'egress' ? 'outbound' : 'inbound';
      reasons.push(
        `${ACL_RULE}: ${check.acl.networkAclId} rule ${decision.ruleNumber} denies ${flow} ${way} (${check.side} subnet)`,
      );
    }
    return reasons;
  };

  const pathOf = (client: NetworkInterface, mt: MountTarget): PathView => {
    const base = { clientId: client.networkInterfaceId, mountTargetId: mt.mountTargetId };
    if (sharedAddressFamilies(client, mt).length === 0) {
      return {
        ...base,
        status: 'blocked',
        reasons: [`${EGRESS_RULE}: no common address family (IPv4/IPv6) with ${mt.mountTargetId}`],
      };
    }
    // listNfsPairs holds exactly the admitted pairs whose egress allows NFS over a shared family.
    const pair = pairs.get(`${client.networkInterfaceId}|${mt.mountTargetId}`);
    if (!pair) {
      return {
        ...base,
        status: 'blocked',
        reasons: [
          `${EGRESS_RULE}: egress of ${client.groupIds.join(', ') || 'no groups'} does not allow tcp 2049`,
        ],
      };
    }
    const acl = blockedByAcl(pair);
    return acl.length > 0
      ? { ...base, status: 'blocked', reasons: acl }
      : { ...base, status: 'allowed', reasons: [] };
  };

  const views: FileSystemView[] = [];
  const fileSystems = [...topology.fileSystems].sort((a, b) => compare(a.fileSystemId, b.fileSystemId));
  for (const fs of fileSystems) {
    const mts = [...(index.mountTargetsByFileSystem.get(fs.fileSystemId) ?? [])].sort((a, b) =>
      compare(a.mountTargetId, b.mountTargetId),
    );
    const clients = new Map<string, NetworkInterface>();
    const paths: PathView[] = [];
    const sources = new Map<
      string,
      { label: string; status: SourceView['status']; mts: Set<string>; reason: string }
    >();
    for (const mt of mts) {
      for (const client of graph.clientsOf.get(mt.mountTargetId) ?? []) {
        clients.set(client.networkInterfaceId, client);
        paths.push(pathOf(client, mt));
      }
      for (const groupId of mt.securityGroupIds) {
        const group = index.groupsById.get(groupId);
        if (!group) continue;
        const vpc = index.vpcsById.get(group.vpcId);
        const judge = (cidr: string, via: string) => {
          const inside =
            (vpc?.cidrBlocks ?? []).some((block) => cidrContainsCidr(block, cidr)) ||
            ingressParams.allowedCidrs.some((allowed) => cidrContainsCidr(allowed, cidr));
          const exposing = isWorldOpen(cidr) || !inside;
          const why = isWorldOpen(cidr) ? 'world-open' : inside ? 'inside the VPC' : 'outside the VPC';
          const key = `${cidr}${via}`;
          const known = sources.get(key);
          if (known) {
            known.mts.add(mt.mountTargetId);
            return;
          }
          sources.set(key, {
            label: `${cidr}${via}`,
            status: exposing ? 'exposing' : 'allowed',
            mts: new Set([mt.mountTargetId]),
            reason: exposing
              ? `${INGRESS_RULE}: ${groupId} admits NFS from ${cidr} (${why})`
              : `${groupId} admits NFS from ${cidr} (${why})`,
          });
        };
        for (const permission of group.ingress) {
          if (!coversNfs(permission)) continue;
          const peer = permission.peer;
          if (peer.kind === 'cidr') judge(peer.cidr, '');
          else if (peer.kind === 'prefixList') {
            const list = index.prefixListsById.get(peer.prefixListId);
            if (list) for (const entry of list.entries) judge(entry, ` via ${peer.prefixListId}`);
            else judge('0.0.0.0/0', ` (unresolved ${peer.prefixListId})`);
          } else if (peer.userId !== group.ownerId) {
            const key = describePeer(peer, group.ownerId);
            const known = sources.get(key);
            if (known) known.mts.add(mt.mountTargetId);
            else
              sources.set(key, {
                label: key,
                status: 'exposing',
                mts: new Set([mt.mountTargetId]),
                reason: `${INGRESS_RULE}: ${groupId} admits NFS from another account's group`,
              });
          }
        }
      }
    }
    views.push({
      id: fs.fileSystemId,
      ...(fs.name ? { name: fs.name } : {}),
      mountTargets: mts.map((mt) => ({
        id: mt.mountTargetId,
        subnetId: mt.subnetId,
        availabilityZone: mt.availabilityZone,
        address: mt.ipAddress ?? mt.ipv6Address ?? '',
        groups: mt.securityGroupIds.map((id) => ({ id, name: index.groupsById.get(id)?.groupName ?? '' })),
      })),
      clients: [...clients.values()]
        .sort((a, b) => compare(a.networkInterfaceId, b.networkInterfaceId))
        .map((eni) => ({
          id: eni.networkInterfaceId,
          subnetId: eni.subnetId,
          availabilityZone: eni.availabilityZone,
          address: clientAddress(eni),
          groupIds: eni.groupIds,
          label: eni.attachedInstanceId ?? (eni.description || eni.interfaceType),
        })),
      sources: [...sources.entries()]
        .sort(([a], [b]) => compare(a, b))
        .map(([id, source]) => ({
          id,
          label: source.label,
          status: source.status,
          mountTargetIds: [...source.mts].sort(compare),
          reason: source.reason,
        })),
      paths,
    });
  }
  return views;
}
