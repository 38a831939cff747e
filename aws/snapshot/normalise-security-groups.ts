// Security groups, from the SDK's shapes to core's: every IpPermission flattened into one permission per
// peer (CIDR, prefix list or group), all-traffic and port-less rules settled, and a rule that cannot be
// read kept as a malformed rule so that the rules fail closed locally (docs/architecture.md).
import type { IpPermission, SecurityGroup as SdkSecurityGroup } from '@aws-sdk/client-ec2';
import type { MalformedRule, Peer, Permission, SecurityGroup } from '../../core/model';
import { isValidCidr } from '../../core/net/cidr';
import { normalisePorts, normaliseProtocol } from '../../core/net/protocol';
import { SnapshotError } from '../sdk/errors';
import { inIdOrder, type Mutable, required } from './normalise-fields';

/**
 * One shared (immutable) peer per CIDR text: an account repeats a few thousand CIDRs across hundreds
 * of thousands of permissions. Bounded, so that a stream of distinct CIDRs cannot grow it for ever.
 */
const cidrPeers = new Map<string, Peer>();
const MAX_SHARED_CIDR_PEERS = 50_000;

function cidrPeer(cidr: string): Peer {
  let peer = cidrPeers.get(cidr);
  if (!peer) {
    peer = { kind: 'cidr', cidr };
    if (cidrPeers.size < MAX_SHARED_CIDR_PEERS) cidrPeers.set(cidr, peer);
  }
  return peer;
}

/**
 * One IpPermission -> one Permission per peer (IPv4 range, IPv6 range, prefix list, group pair). A
 * range whose CIDR cannot be parsed becomes no Permission: `onMalformed` receives where it is and what
 * is wrong (without it, the permission is refused), so that the rules can fail closed on that one group.
 * `resource` names the permission in errors; as a function it is only called when there is an error
 * (a scale-16 account has about 430,000 permissions). The permissions are pushed onto `into` (a new
 * list by default): a group's rules go straight onto its list, with no list per IpPermission between.
 */
export function flattenIpPermission(
  permission: IpPermission,
  groupOwnerId: string,
  resource: string | (() => string) = 'permission',
  onMalformed?: (detail: string) => void,
  into: Permission[] = [],
  pool?: PermissionPool,
): Permission[] {
  // No closure per call: this runs once per permission.
  const protocol = normaliseProtocol(need(permission.IpProtocol, resource, 'IpProtocol'));
  const ports = normalisePorts(protocol, permission.FromPort, permission.ToPort);
  const permissions = into;
  const ipRanges = permission.IpRanges;
  if (ipRanges) {
    for (let i = 0; i < ipRanges.length; i++) {
      const range = ipRanges[i] as NonNullable<IpPermission['IpRanges']>[number];
      const cidr = need(range.CidrIp, resource, 'IpRanges[].CidrIp');
      // A CIDR with a shared peer was valid when the peer was made: one lookup instead of two.
      const peer = cidrPeers.get(cidr) ?? (isValidCidr(cidr) ? cidrPeer(cidr) : undefined);
      if (peer) permissions.push(makePermission(protocol, ports, peer, range.Description, pool));
      else
        malformedCidr(
          `IpRanges[${i}].CidrIp ${JSON.stringify(cidr)} is not a valid CIDR`,
          resource,
          onMalformed,
        );
    }
  }
  const ipv6Ranges = permission.Ipv6Ranges;
  if (ipv6Ranges) {
    for (let i = 0; i < ipv6Ranges.length; i++) {
      const range = ipv6Ranges[i] as NonNullable<IpPermission['Ipv6Ranges']>[number];
      const cidr = need(range.CidrIpv6, resource, 'Ipv6Ranges[].CidrIpv6');
      const peer = cidrPeers.get(cidr) ?? (isValidCidr(cidr) ? cidrPeer(cidr) : undefined);
      if (peer) permissions.push(makePermission(protocol, ports, peer, range.Description, pool));
      else
        malformedCidr(
          `Ipv6Ranges[${i}].CidrIpv6 ${JSON.stringify(cidr)} is not a valid CIDR`,
          resource,
          onMalformed,
        );
    }
  }
  const lists = permission.PrefixListIds;
  if (lists) {
    for (const list of lists) {
      const prefixListId = need(list.PrefixListId, resource, 'PrefixListIds[].PrefixListId');
      permissions.push(
        makePermission(protocol, ports, { kind: 'prefixList', prefixListId }, list.Description, pool),
      );
    }
  }
  const pairs = permission.UserIdGroupPairs;
  if (pairs) {
    for (const pair of pairs) {
      const groupId = need(pair.GroupId, resource, 'UserIdGroupPairs[].GroupId');
      // AWS omits UserId for a reference to a group of the same account.
      const userId = pair.UserId || groupOwnerId;
      let peer: GroupPeer;
      if (pool && !pair.VpcPeeringConnectionId && !pair.PeeringStatus) peer = pool.groupPeer(groupId, userId);
      else {
        const made: Mutable<GroupPeer> = { kind: 'group', groupId, userId };
        if (pair.VpcPeeringConnectionId) made.vpcPeeringConnectionId = pair.VpcPeeringConnectionId;
        if (pair.PeeringStatus) made.peeringStatus = pair.PeeringStatus;
        peer = made;
      }
      permissions.push(makePermission(protocol, ports, peer, pair.Description, pool));
    }
  }
  return permissions;
}

type GroupPeer = Extract<Peer, { kind: 'group' }>;

/** `required`, with the resource named lazily. */
function need<T>(value: T | undefined | null, resource: string | (() => string), field: string): T {
  if (value === undefined || value === null || (value as unknown) === '')
    return required(value, typeof resource === 'string' ? resource : resource(), field);
  return value;
}

function makePermission(
  protocol: Permission['protocol'],
  ports: Permission['ports'],
  peer: Peer,
  description: string | undefined,
  pool: PermissionPool | undefined,
): Permission {
  if (pool) return pool.permission(protocol, ports, peer, description || undefined);
  return description ? { protocol, ports, peer, description } : { protocol, ports, peer };
}

/**
 * The permissions and group peers of one topology's groups, each distinct one made once: groups repeat
 * the same rules (at scale 16, 428,000 permissions are 97,000 distinct ones, and 135,000 group peers
 * 27,000), and both are immutable. A permission is found through its peer and port range, which are
 * shared objects themselves (cidrPeer, normalisePorts): a short list per peer, compared by identity,
 * with no key to build. One pool serves one normalisation, so nothing in it outlives the topology.
 */
export class PermissionPool {
  private readonly groupPeers = new Map<string, Map<string, GroupPeer>>();
  private readonly byPeer = new Map<Peer, Permission[]>();

  /** The peer of a reference to `groupId` of account `userId` (not across a peering). */
  groupPeer(groupId: string, userId: string): GroupPeer {
    let ofOwner = this.groupPeers.get(userId);
    if (!ofOwner) {
      ofOwner = new Map();
      this.groupPeers.set(userId, ofOwner);
    }
    let peer = ofOwner.get(groupId);
    if (!peer) {
      peer = { kind: 'group', groupId, userId };
      ofOwner.set(groupId, peer);
    }
    return peer;
  }

  permission(
    protocol: Permission['protocol'],
    ports: Permission['ports'],
    peer: Peer,
    description: string | undefined,
  ): Permission {
    const known = this.byPeer.get(peer);
    if (known) {
      for (const permission of known) {
        if (
          permission.ports === ports &&
          permission.protocol === protocol &&
          permission.description === description
        )
          return permission;
      }
    }
    const made: Permission = description ? { protocol, ports, peer, description } : { protocol, ports, peer };
    if (known) known.push(made);
    else this.byPeer.set(peer, [made]);
    return made;
  }
}

function malformedCidr(
  detail: string,
  resource: string | (() => string),
  onMalformed: ((detail: string) => void) | undefined,
): void {
  if (!onMalformed)
    throw new SnapshotError(`${typeof resource === 'string' ? resource : resource()}: ${detail}`);
  onMalformed(detail);
}

/** `pool` shares permissions and peers with the other groups normalised through it. */
export function normaliseSecurityGroup(group: SdkSecurityGroup, pool?: PermissionPool): SecurityGroup {
  const groupId = required(group.GroupId, 'security group', 'GroupId');
  const name = `security group ${groupId}`;
  const ownerId = required(group.OwnerId, name, 'OwnerId');
  const malformed: MalformedRule[] = [];
  const ingress = flattenGroupPermissions(
    name,
    ownerId,
    group.IpPermissions,
    'IpPermissions',
    'ingress',
    malformed,
    pool,
  );
  const egress = flattenGroupPermissions(
    name,
    ownerId,
    group.IpPermissionsEgress,
    'IpPermissionsEgress',
    'egress',
    malformed,
    pool,
  );
  return {
    groupId,
    groupName: group.GroupName ?? '',
    vpcId: required(group.VpcId, name, 'VpcId'),
    ownerId,
    ingress,
    egress,
    ...(malformed.length > 0 ? { malformed } : {}),
  };
}

/** One direction of a group's rules, flattened; an unreadable CIDR is recorded in `malformed`. */
function flattenGroupPermissions(
  name: string,
  ownerId: string,
  permissions: IpPermission[] | undefined,
  field: string,
  direction: MalformedRule['direction'],
  malformed: MalformedRule[],
  pool: PermissionPool | undefined,
): Permission[] {
  const flat: Permission[] = [];
  if (!permissions) return flat;
  let index = 0;
  // Formed only on an error, so that a valid permission costs no string or closure.
  const where = () => `${name} ${field}[${index}]`;
  const onMalformed = (detail: string) => {
    malformed.push({ direction, detail: `${field}[${index}].${detail}` });
  };
  for (; index < permissions.length; index++) {
    try {
      flattenIpPermission(permissions[index] as IpPermission, ownerId, where, onMalformed, flat, pool);
    } catch (error) {
      if (error instanceof SnapshotError) throw error;
      throw new SnapshotError(`${where()}: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
      });
    }
  }
  return flat;
}

/** A topology's groups, sharing one PermissionPool, in id order. */
export function normaliseSecurityGroups(groups: readonly SdkSecurityGroup[]): SecurityGroup[] {
  const pool = new PermissionPool();
  return inIdOrder(groups, (group) => group.GroupId).map((group) => normaliseSecurityGroup(group, pool));
}
