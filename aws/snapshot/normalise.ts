// The one normaliser: recorded SDK output (a Snapshot, live or from a file) -> the core Topology.
// Everything optional or polymorphic in the SDK's shapes is settled here, once, so that core never
// sees an absent port, a protocol string or an unflattened permission.

import type {
  NetworkAcl as SdkNetworkAcl,
  NetworkInterface as SdkNetworkInterface,
  Subnet as SdkSubnet,
  Vpc as SdkVpc,
} from '@aws-sdk/client-ec2';
import type { AccessPointDescription } from '@aws-sdk/client-efs';
import { arnFromId } from '../../core/arn';
import type {
  AccessPoint,
  FileSystem,
  ManagedPrefixList,
  MountTarget,
  NetworkAcl,
  NetworkAclEntry,
  NetworkInterface,
  SecurityGroup,
  Subnet,
  Topology,
  Vpc,
} from '../../core/model';
import { isAddress, isValidCidr } from '../../core/net/cidr';
import { normalisePorts, normaliseProtocol } from '../../core/net/protocol';
import { SnapshotError } from '../sdk/errors';
import { type Snapshot, type SnapshotFileSystem, type SnapshotPrefixList, snapshotParts } from './format';
import { byKey, checkAddress, inIdOrder, required, StringPool, within } from './normalise-fields';
import { normaliseIam } from './normalise-iam';
import { normaliseRouting } from './normalise-routing';
import { normaliseSecurityGroups } from './normalise-security-groups';

export interface SnapshotContext {
  readonly accountId: string;
  readonly region: string;
}

// States in which a VPC or subnet CIDR block is in use (EC2 API Reference, VpcCidrBlockState).
const ASSOCIATED = 'associated';

export function normaliseVpc(vpc: SdkVpc, context?: SnapshotContext): Vpc {
  const vpcId = required(vpc.VpcId, 'VPC', 'VpcId');
  const name = `VPC ${vpcId}`;
  const cidrBlocks: string[] = [];
  for (const association of vpc.CidrBlockAssociationSet ?? []) {
    const state = association.CidrBlockState?.State;
    if (association.CidrBlock && (state === undefined || state === ASSOCIATED))
      cidrBlocks.push(association.CidrBlock);
  }
  // Older responses (and some emulators) carry only the primary block.
  if (vpc.CidrBlock && !cidrBlocks.includes(vpc.CidrBlock)) cidrBlocks.unshift(vpc.CidrBlock);
  for (const association of vpc.Ipv6CidrBlockAssociationSet ?? []) {
    const state = association.Ipv6CidrBlockState?.State;
    if (association.Ipv6CidrBlock && (state === undefined || state === ASSOCIATED)) {
      cidrBlocks.push(association.Ipv6CidrBlock);
    }
  }
  // OwnerId is optional in the EC2 API (Vpc) and absent from old recordings; no rule reads it, so the
  // snapshot's account stands in.
  // An unreadable block is left out: sources then count as outside the VPC, the safer reading.
  return {
    vpcId,
    ownerId: required(vpc.OwnerId ?? context?.accountId, name, 'OwnerId'),
    cidrBlocks: cidrBlocks.filter(isValidCidr),
  };
}

export function normaliseSubnet(subnet: SdkSubnet): Subnet {
  const subnetId = required(subnet.SubnetId, 'subnet', 'SubnetId');
  const name = `subnet ${subnetId}`;
  const cidrBlocks: string[] = [];
  if (subnet.CidrBlock) cidrBlocks.push(subnet.CidrBlock);
  for (const association of subnet.Ipv6CidrBlockAssociationSet ?? []) {
    const state = association.Ipv6CidrBlockState?.State;
    if (association.Ipv6CidrBlock && (state === undefined || state === ASSOCIATED)) {
      cidrBlocks.push(association.Ipv6CidrBlock);
    }
  }
  return {
    subnetId,
    vpcId: required(subnet.VpcId, name, 'VpcId'),
    availabilityZone: required(subnet.AvailabilityZone, name, 'AvailabilityZone'),
    cidrBlocks,
  };
}

/** The address list of an interface without an address of a family: one, shared and frozen. */
const NO_ADDRESSES: readonly string[] = Object.freeze([]);

/** `strings` shares the ids many interfaces repeat with the rest of the normalisation. */
export function normaliseNetworkInterface(eni: SdkNetworkInterface, strings?: StringPool): NetworkInterface {
  const networkInterfaceId = required(eni.NetworkInterfaceId, 'network interface', 'NetworkInterfaceId');
  const name = `network interface ${networkInterfaceId}`;
  // Plain loops: this runs once per interface, 160,000 times at scale 16.
  const addresses = eni.PrivateIpAddresses ?? [];
  const ipv4: string[] = [];
  let primaryFromList: string | undefined;
  let primaryFound = false;
  for (const address of addresses) {
    if (address.PrivateIpAddress) ipv4.push(address.PrivateIpAddress);
    if (!primaryFound && address.Primary) {
      primaryFound = true;
      primaryFromList = address.PrivateIpAddress;
    }
  }
  const ipv6Addresses: string[] = [];
  for (const address of eni.Ipv6Addresses ?? []) {
    if (address.Ipv6Address) ipv6Addresses.push(address.Ipv6Address);
  }
  const primaryPrivateIp = eni.PrivateIpAddress || primaryFromList || undefined;
  // An interface in an IPv6-only subnet has no IPv4 address at all (Amazon VPC User Guide, "IPv6-only
  // subnets"), and an efa-only interface has no IP address of either family (Amazon EC2 User Guide,
  // "Elastic Fabric Adapter"): it is kept, and the rules report it as neither client nor mount target
  // (core/topology-index.ts nonClientReason). IPv4 addresses without a primary are malformed.
  if (!primaryPrivateIp && ipv4.length > 0) throw new SnapshotError(`${name}: missing PrivateIpAddress`);
  // Addresses are compared with every CIDR a rule names: a malformed one is refused here, naming it.
  if (primaryPrivateIp) checkAddress(primaryPrivateIp, name, 'PrivateIpAddress');
  for (let i = 0; i < ipv4.length; i++) {
    if (!isAddress(ipv4[i] as string))
      checkAddress(ipv4[i] as string, name, `PrivateIpAddresses[${i}].PrivateIpAddress`);
  }
  for (let i = 0; i < ipv6Addresses.length; i++) {
    if (!isAddress(ipv6Addresses[i] as string))
      checkAddress(ipv6Addresses[i] as string, name, `Ipv6Addresses[${i}].Ipv6Address`);
  }
  // Lists are made at their exact size (a list grown by push keeps room for 17), and interfaces without
  // an address of a family share one frozen empty list: at scale 16 the 160,000 interfaces took 518
  // bytes each, most of it spare room in one-element lists.
  let privateIpAddresses: readonly string[] = NO_ADDRESSES;
  if (primaryPrivateIp) {
    const list = [primaryPrivateIp];
    for (const ip of ipv4) {
      if (ip !== primaryPrivateIp && !list.includes(ip)) list.push(ip);
    }
    privateIpAddresses = list;
  }
  const groups = eni.Groups ?? [];
  const groupIds = groups.map((group, index) => {
    const groupId = group?.GroupId || required(group?.GroupId, name, `Groups[${index}].GroupId`);
    return strings ? strings.get(groupId) : groupId;
  });
  const subnetId = required(eni.SubnetId, name, 'SubnetId');
  const vpcId = required(eni.VpcId, name, 'VpcId');
  const ownerId = required(eni.OwnerId, name, 'OwnerId');
  // One literal with every member, the optional ones undefined when absent: every interface then has
  // the same hidden class, so the rules' reads of its members stay monomorphic.
  return {
    networkInterfaceId,
    subnetId: strings ? strings.get(subnetId) : subnetId,
    vpcId: strings ? strings.get(vpcId) : vpcId,
    ownerId: strings ? strings.get(ownerId) : ownerId,
    availabilityZone: eni.AvailabilityZone ?? '',
    interfaceType: eni.InterfaceType ?? 'interface',
    requesterManaged: eni.RequesterManaged ?? false,
    requesterId: eni.RequesterId || undefined,
    description: eni.Description ?? '',
    primaryPrivateIp,
    privateIpAddresses,
    // Most interfaces have no IPv6 address: they share one empty list rather than keep one each.
    ipv6Addresses: ipv6Addresses.length > 0 ? ipv6Addresses.slice() : NO_ADDRESSES,
    groupIds,
    attachedInstanceId: eni.Attachment?.InstanceId || undefined,
  };
}

export function normaliseNetworkAcl(acl: SdkNetworkAcl, context?: SnapshotContext): NetworkAcl {
  const networkAclId = required(acl.NetworkAclId, 'network ACL', 'NetworkAclId');
  const name = `network ACL ${networkAclId}`;
  const malformedEntries: string[] = [];
  const entries = (acl.Entries ?? []).flatMap((entry, index): NetworkAclEntry[] => {
    const where = `${name} Entries[${index}]`;
    const cidr = entry.CidrBlock ?? entry.Ipv6CidrBlock;
    if (cidr !== undefined && cidr !== '' && !isValidCidr(cidr)) {
      // Left out, and the ACL rule fails closed on this ACL alone (it is never COMPLIANT).
      const field = entry.CidrBlock !== undefined ? 'CidrBlock' : 'Ipv6CidrBlock';
      const rule = entry.RuleNumber === 32767 ? '*' : String(entry.RuleNumber ?? '?');
      const direction = entry.Egress ? 'outbound' : 'inbound';
      malformedEntries.push(
        `rule ${rule} ${direction} (Entries[${index}]): ${field} ${JSON.stringify(cidr)} is not a valid CIDR`,
      );
      return [];
    }
    return [
      within(where, () => {
        const action = required(entry.RuleAction, where, 'RuleAction');
        if (action !== 'allow' && action !== 'deny') {
          throw new SnapshotError(
            `${where}: RuleAction must be allow or deny, got ${JSON.stringify(action)}`,
          );
        }
        const protocol = normaliseProtocol(required(entry.Protocol, where, 'Protocol'));
        return {
          ruleNumber: required(entry.RuleNumber, where, 'RuleNumber'),
          egress: required(entry.Egress, where, 'Egress'),
          action,
          protocol,
          cidr: required(entry.CidrBlock ?? entry.Ipv6CidrBlock, where, 'CidrBlock or Ipv6CidrBlock'),
          // PortRange is absent on all-traffic and ICMP entries: it then applies to every port.
          ports: normalisePorts(protocol, entry.PortRange?.From, entry.PortRange?.To),
        };
      }),
    ];
  });
  return {
    networkAclId,
    vpcId: required(acl.VpcId, name, 'VpcId'),
    // Optional in the EC2 API (NetworkAcl); no rule reads it, so the snapshot's account stands in.
    ownerId: required(acl.OwnerId ?? context?.accountId, name, 'OwnerId'),
    isDefault: acl.IsDefault ?? false,
    entries: entries.sort((a, b) => a.ruleNumber - b.ruleNumber || Number(a.egress) - Number(b.egress)),
    subnetIds: (acl.Associations ?? [])
      .map((association) => association.SubnetId)
      .filter((id): id is string => Boolean(id)),
    ...(malformedEntries.length > 0 ? { malformedEntries } : {}),
  };
}

export function normalisePrefixList(list: SnapshotPrefixList): ManagedPrefixList {
  const prefixListId = required(list.PrefixListId, 'prefix list', 'PrefixListId');
  const entries: string[] = [];
  const malformed: string[] = [];
  (list.Entries ?? []).forEach((entry, index) => {
    const cidr = required(entry.Cidr, `prefix list ${prefixListId}`, `Entries[${index}].Cidr`);
    if (isValidCidr(cidr)) entries.push(cidr);
    else malformed.push(`Entries[${index}].Cidr ${JSON.stringify(cidr)} is not a valid CIDR`);
  });
  // A list with an unreadable entry counts as unresolved: the rules fail closed on its references.
  return {
    prefixListId,
    name: list.PrefixListName ?? '',
    entries,
    ...(malformed.length ? { malformed } : {}),
  };
}

export function normaliseFileSystem(fs: SnapshotFileSystem, context?: SnapshotContext): FileSystem {
  const fileSystemId = required(fs.FileSystemId, 'file system', 'FileSystemId');
  const name = `file system ${fileSystemId}`;
  if (fs.Policy !== undefined && fs.Policy !== null && typeof fs.Policy !== 'string') {
    throw new SnapshotError(`${name}: Policy must be the policy text or null`);
  }
  const ownerId = required(fs.OwnerId, name, 'OwnerId');
  // FileSystemArn is optional in the EFS API (FileSystemDescription); old recordings lack it.
  const fileSystemArn =
    fs.FileSystemArn ||
    (context ? arnFromId(context.region, ownerId, 'AWS::EFS::FileSystem', fileSystemId) : undefined);
  return {
    fileSystemId,
    fileSystemArn: required(fileSystemArn, name, 'FileSystemArn'),
    ownerId,
    ...(fs.Name ? { name: fs.Name } : {}),
    // Absent: not read. The rule that reads policies requires the part 'fileSystemPolicies', so a
    // topology without it is refused (TopologyPartMissingError) before null can pass for "no policy".
    policy: fs.Policy ?? null,
  };
}

export function normaliseMountTargets(
  fs: SnapshotFileSystem,
  subnetVpcs: ReadonlyMap<string, string>,
): MountTarget[] {
  const fileSystemId = required(fs.FileSystemId, 'file system', 'FileSystemId');
  return (fs.MountTargets ?? []).map((mt, index) => {
    const mountTargetId = required(
      mt.MountTargetId,
      `file system ${fileSystemId} MountTargets[${index}]`,
      'MountTargetId',
    );
    const name = `mount target ${mountTargetId}`;
    const subnetId = required(mt.SubnetId, name, 'SubnetId');
    // IpAddressType IPV6_ONLY mount targets have no IpAddress, only Ipv6Address (EFS API Reference,
    // CreateMountTarget and MountTargetDescription); DUAL_STACK ones have both.
    if (!mt.IpAddress && !mt.Ipv6Address) {
      throw new SnapshotError(`${name}: missing IpAddress or Ipv6Address (it has no address)`);
    }
    if (mt.IpAddress) checkAddress(mt.IpAddress, name, 'IpAddress');
    if (mt.Ipv6Address) checkAddress(mt.Ipv6Address, name, 'Ipv6Address');
    if (!Array.isArray(mt.SecurityGroups)) {
      throw new SnapshotError(`${name}: missing SecurityGroups (DescribeMountTargetSecurityGroups output)`);
    }
    return {
      mountTargetId,
      fileSystemId,
      ownerId: required(mt.OwnerId, name, 'OwnerId'),
      subnetId,
      // VpcId is in newer DescribeMountTargets output; otherwise the subnet tells.
      vpcId: required(
        mt.VpcId ?? subnetVpcs.get(subnetId),
        name,
        'VpcId (and its subnet is not in the snapshot)',
      ),
      availabilityZone: mt.AvailabilityZoneName ?? '',
      ...(mt.IpAddress ? { ipAddress: mt.IpAddress } : {}),
      ...(mt.Ipv6Address ? { ipv6Address: mt.Ipv6Address } : {}),
      networkInterfaceId: required(mt.NetworkInterfaceId, name, 'NetworkInterfaceId'),
      securityGroupIds: [...mt.SecurityGroups],
      lifeCycleState: mt.LifeCycleState ?? 'available',
    };
  });
}

export function normaliseAccessPoint(ap: AccessPointDescription, context?: SnapshotContext): AccessPoint {
  const accessPointId = required(ap.AccessPointId, 'access point', 'AccessPointId');
  const name = `access point ${accessPointId}`;
  const posix = ap.PosixUser;
  const ownerId = required(ap.OwnerId, name, 'OwnerId');
  // AccessPointArn is optional in the EFS API (AccessPointDescription); old recordings lack it.
  const accessPointArn =
    ap.AccessPointArn ||
    (context ? arnFromId(context.region, ownerId, 'AWS::EFS::AccessPoint', accessPointId) : undefined);
  return {
    accessPointId,
    accessPointArn: required(accessPointArn, name, 'AccessPointArn'),
    fileSystemId: required(ap.FileSystemId, name, 'FileSystemId'),
    ownerId,
    ...(ap.Name ? { name: ap.Name } : {}),
    ...(posix
      ? {
          posixUser: {
            uid: required(posix.Uid, name, 'PosixUser.Uid'),
            gid: required(posix.Gid, name, 'PosixUser.Gid'),
            secondaryGids: posix.SecondaryGids ?? [],
          },
        }
      : {}),
    // With no RootDirectory the access point exposes the file system's root.
    rootDirectory: ap.RootDirectory?.Path || '/',
  };
}

/**
 * Lists already normalised, in id order, standing in for the snapshot's own (which are then empty): the
 * piecewise reader (piecewise.ts) normalises each item as it parses it.
 */
export interface NormalisedLists {
  readonly securityGroups: readonly SecurityGroup[];
  readonly networkInterfaces: readonly NetworkInterface[];
}

/** Recorded SDK output -> the core Topology. Throws SnapshotError naming the malformed resource. */
export function normaliseSnapshot(snapshot: Snapshot, normalised?: NormalisedLists): Topology {
  if (snapshot.parts?.includes('iam') && !snapshot.iam) {
    throw new SnapshotError("snapshot: parts lists 'iam' but the snapshot has no iam data");
  }
  if (snapshot.parts?.includes('routing') && !snapshot.routing) {
    throw new SnapshotError("snapshot: parts lists 'routing' but the snapshot has no routing data");
  }
  const context: SnapshotContext = {
    accountId: required(snapshot.accountId, 'snapshot', 'accountId'),
    region: required(snapshot.region, 'snapshot', 'region'),
  };
  const strings = new StringPool();
  const subnets = snapshot.subnets.map(normaliseSubnet).sort(byKey((subnet) => subnet.subnetId));
  const subnetVpcs = new Map(subnets.map((subnet) => [subnet.subnetId, subnet.vpcId]));
  return {
    accountId: required(snapshot.accountId, 'snapshot', 'accountId'),
    region: required(snapshot.region, 'snapshot', 'region'),
    // A file without parts predates them: every part but routing (and IAM unless recorded). Spelt out, so
    // that a rule needing routing sees it was not recorded rather than take "absent" for "everything".
    parts: snapshotParts(snapshot),
    vpcs: snapshot.vpcs.map((vpc) => normaliseVpc(vpc, context)).sort(byKey((vpc) => vpc.vpcId)),
    subnets,
    securityGroups: normalised?.securityGroups ?? normaliseSecurityGroups(snapshot.securityGroups),
    prefixLists: snapshot.managedPrefixLists
      .map(normalisePrefixList)
      .sort(byKey((list) => list.prefixListId)),
    networkInterfaces:
      normalised?.networkInterfaces ??
      inIdOrder(snapshot.networkInterfaces, (eni) => eni.NetworkInterfaceId).map((eni) =>
        normaliseNetworkInterface(eni, strings),
      ),
    networkAcls: snapshot.networkAcls
      .map((acl) => normaliseNetworkAcl(acl, context))
      .sort(byKey((acl) => acl.networkAclId)),
    fileSystems: snapshot.fileSystems
      .map((fs) => normaliseFileSystem(fs, context))
      .sort(byKey((fs) => fs.fileSystemId)),
    mountTargets: snapshot.fileSystems
      .flatMap((fs) => normaliseMountTargets(fs, subnetVpcs))
      .sort(byKey((mt) => mt.mountTargetId)),
    accessPoints: snapshot.accessPoints
      .map((ap) => normaliseAccessPoint(ap, context))
      .sort(byKey((ap) => ap.accessPointId)),
    ...(snapshot.iam ? { iam: normaliseIam(snapshot.iam) } : {}),
    ...(snapshot.routing ? { routing: normaliseRouting(snapshot.routing, context) } : {}),
  };
}
