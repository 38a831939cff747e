// Security-group matching: does the union of a set of groups allow TCP to a port to/from a peer?
// AWS: security groups are allow-only and the groups on an interface are unioned; a group reference
// means the private IPs of interfaces carrying that group, never public or Elastic IPs, and across a
// VPC peering connection only while it is active.
// https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html
import type { Peer, Permission } from '../model';
import type { TopologyIndex } from '../topology-index';
import { cidrContainsAddress } from './cidr';
import { coversTcpPort } from './protocol';

export type Direction = 'ingress' | 'egress';

/** The other end of the traffic: its addresses and the groups on its interface. */
export interface PeerTarget {
  readonly addresses: readonly string[];
  readonly groupIds: readonly string[];
}

export interface PermissionRef {
  readonly groupId: string;
  readonly permission: Permission;
}

export interface UnresolvedPeer extends PermissionRef {
  /** The id that could not be resolved, e.g. a prefix list missing from the topology. */
  readonly reference: string;
}

export interface GroupMatch {
  readonly allowed: boolean;
  /** The first permission (by group order, then permission order) that allows the traffic. */
  readonly matched?: PermissionRef;
  /** Permissions covering the port whose peer could not be resolved: they might allow it. */
  readonly unresolved: readonly UnresolvedPeer[];
  /** Group ids asked about that the topology does not hold: their rules are unknown. */
  readonly missingGroups: readonly string[];
}

export type PeerMatch = 'match' | 'no-match' | 'unresolved';

/** Whether one peer designates any of the target's addresses (or, for a group reference, its interface). */
export function matchPeer(index: TopologyIndex, peer: Peer, target: PeerTarget): PeerMatch {
  switch (peer.kind) {
    case 'cidr':
      return target.addresses.some((address) => cidrContainsAddress(peer.cidr, address))
        ? 'match'
        : 'no-match';
    case 'prefixList': {
      const list = index.prefixListsById.get(peer.prefixListId);
      // A list with an entry that could not be read might contain the target: unresolved, as if missing.
      if (!list || list.malformed?.length) return 'unresolved';
      return list.entries.some((entry) =>
        target.addresses.some((address) => cidrContainsAddress(entry, address)),
      )
        ? 'match'
        : 'no-match';
    }
    case 'group':
      // A reference across a peering connection works only while the peering is active.
      if (peer.peeringStatus !== undefined && peer.peeringStatus !== 'active') return 'no-match';
      return target.groupIds.includes(peer.groupId) ? 'match' : 'no-match';
  }
}

/** Does the union of `groupIds`' `direction` permissions allow TCP `port` to/from `target`? */
export function matchGroupsTcp(
  index: TopologyIndex,
  groupIds: readonly string[],
  direction: Direction,
  port: number,
  target: PeerTarget,
): GroupMatch {
  // Allocated only when needed: sweeps call this hundreds of thousands of times.
  let unresolved: UnresolvedPeer[] | undefined;
  let missingGroups: string[] | undefined;
  for (const groupId of groupIds) {
    const group = index.groupsById.get(groupId);
    if (!group) {
      missingGroups ??= [];
      missingGroups.push(groupId);
      continue;
    }
    for (const permission of group[direction]) {
      if (!coversTcpPort(permission, port)) continue;
      const match = matchPeer(index, permission.peer, target);
      if (match === 'match') {
        return {
          allowed: true,
          matched: { groupId, permission },
          unresolved: unresolved ?? NONE,
          missingGroups: missingGroups ?? NONE,
        };
      }
      if (match === 'unresolved' && permission.peer.kind === 'prefixList') {
        unresolved ??= [];
        unresolved.push({ groupId, permission, reference: permission.peer.prefixListId });
      }
    }
  }
  return { allowed: false, unresolved: unresolved ?? NONE, missingGroups: missingGroups ?? NONE };
}

const NONE: readonly never[] = Object.freeze([]);

/** Short text for a peer, e.g. '0.0.0.0/0', 'pl-0abc', 'sg-0abc', '111122223333/sg-0abc'. */
export function describePeer(peer: Peer, ownerId?: string): string {
  switch (peer.kind) {
    case 'cidr':
      return peer.cidr;
    case 'prefixList':
      return peer.prefixListId;
    case 'group':
      return ownerId !== undefined && peer.userId !== ownerId
        ? `${peer.userId}/${peer.groupId}`
        : peer.groupId;
  }
}
