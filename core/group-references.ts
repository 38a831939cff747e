// What a security group's rules reference (groups, prefix lists, CIDRs), read from the normalised
// rules so that every loader asks the same questions the rules answer (core/net/protocol.ts coversNfs).
// Used by the neighbourhood load's planning (core/neighbourhood.ts).
import type { SecurityGroup } from './model';
import { coversNfs } from './net/protocol';
import type { Direction } from './net/security-groups';

/** Does the group reference any of `targets` in its `direction` rules (NFS-covering ones only, if asked)? */
export function referencesAnyGroup(
  group: SecurityGroup,
  targets: ReadonlySet<string>,
  direction: Direction,
  nfsOnly: boolean,
): boolean {
  return group[direction].some(
    (permission) =>
      permission.peer.kind === 'group' &&
      targets.has(permission.peer.groupId) &&
      (!nfsOnly || coversNfs(permission)),
  );
}

/** Does the group reference any of `targets`, inbound or outbound, by any rule? */
export function referencesAnyGroupAtAll(group: SecurityGroup, targets: ReadonlySet<string>): boolean {
  return (
    referencesAnyGroup(group, targets, 'ingress', false) ||
    referencesAnyGroup(group, targets, 'egress', false)
  );
}

/** Same-account groups the group's inbound rules reference, by any protocol. */
export function inboundGroupReferences(group: SecurityGroup): string[] {
  const ids = new Set<string>();
  for (const permission of group.ingress) {
    const peer = permission.peer;
    if (peer.kind === 'group' && peer.userId === group.ownerId) ids.add(peer.groupId);
  }
  return [...ids];
}

/** Prefix lists the group's `direction` rules name. */
export function prefixListIdsOf(group: SecurityGroup, direction: Direction): string[] {
  return group[direction].flatMap((permission) =>
    permission.peer.kind === 'prefixList' ? [permission.peer.prefixListId] : [],
  );
}

/**
 * Does judging this mount-target group need its VPC's CIDR blocks? Only an NFS-covering inbound rule
 * from a CIDR or a prefix list is compared with them (efs-mount-target-nfs-ingress); group references
 * are not.
 */
export function judgedAgainstVpcCidrs(group: SecurityGroup): boolean {
  return group.ingress.some(
    (permission) =>
      coversNfs(permission) && (permission.peer.kind === 'cidr' || permission.peer.kind === 'prefixList'),
  );
}
