// Builds Snapshots (recorded SDK output) for tests that serve them through test/helpers/fake-aws.ts.
// Defaults follow AWS: a mount target's interface is requester-managed, InterfaceType 'efs', with the
// description `EFS mount target for fs-… (fsmt-…)`; each subnet is associated with exactly one ACL.
import type { IpPermission, NetworkAclEntry, NetworkInterface, SecurityGroup } from '@aws-sdk/client-ec2';
import type { AccessPointDescription } from '@aws-sdk/client-efs';
import { emptySnapshot, type Snapshot, type SnapshotFileSystem } from '../../aws/snapshot/format';
import type { SnapshotRouting } from '../../aws/snapshot/format-routing';
import { ACCOUNT, MOTO_ACCOUNT_ID, MOTO_REGION, REGION } from './accounts';

/** Inbound or outbound rule sources/destinations, in SDK shape. */
export const fromGroup = (groupId: string, userId?: string): Partial<IpPermission> => ({
  UserIdGroupPairs: [{ GroupId: groupId, ...(userId ? { UserId: userId } : {}) }],
});
export const fromCidr = (cidr: string): Partial<IpPermission> =>
  cidr.includes(':') ? { Ipv6Ranges: [{ CidrIpv6: cidr }] } : { IpRanges: [{ CidrIp: cidr }] };
export const fromPrefixList = (prefixListId: string): Partial<IpPermission> => ({
  PrefixListIds: [{ PrefixListId: prefixListId }],
});
export const tcpPort = (from: number, to: number, peer: Partial<IpPermission>): IpPermission => ({
  IpProtocol: 'tcp',
  FromPort: from,
  ToPort: to,
  ...peer,
});
export const nfs = (peer: Partial<IpPermission>): IpPermission => tcpPort(2049, 2049, peer);
export const allTraffic = (peer: Partial<IpPermission>): IpPermission => ({ IpProtocol: '-1', ...peer });

export interface AclRule {
  readonly rule: number;
  readonly egress: boolean;
  readonly action: 'allow' | 'deny';
  readonly protocol: '-1' | '6';
  readonly cidr: string;
  readonly ports?: readonly [number, number];
}

/** Allow everything both ways, like a default ACL. */
export const ALLOW_ALL_ACL: readonly AclRule[] = [
  { rule: 100, egress: false, action: 'allow', protocol: '-1', cidr: '0.0.0.0/0' },
  { rule: 100, egress: true, action: 'allow', protocol: '-1', cidr: '0.0.0.0/0' },
];

/** The address families of an interface: IPv4 only, both, or IPv6 only. */
export type AddressStack = 'ipv4' | 'dual' | 'ipv6';

export class FakeAccount {
  private readonly snap: Snapshot;
  private ipCounter = 10;

  constructor(
    readonly accountId: string = ACCOUNT,
    readonly region: string = REGION,
  ) {
    this.snap = emptySnapshot(accountId, region);
  }

  vpc(vpcId: string, cidr: string): this {
    this.snap.vpcs.push({
      VpcId: vpcId,
      OwnerId: this.accountId,
      CidrBlock: cidr,
      CidrBlockAssociationSet: [{ CidrBlock: cidr, CidrBlockState: { State: 'associated' } }],
    });
    return this;
  }

  /** Adds an associated IPv6 block (e.g. '2600:1f18:0:a00::/56') to a VPC. */
  vpcIpv6(vpcId: string, cidr: string): this {
    const vpc = this.snap.vpcs.find((v) => v.VpcId === vpcId);
    if (!vpc) throw new Error(`no VPC ${vpcId}`);
    vpc.Ipv6CidrBlockAssociationSet = [
      ...(vpc.Ipv6CidrBlockAssociationSet ?? []),
      { Ipv6CidrBlock: cidr, Ipv6CidrBlockState: { State: 'associated' } },
    ];
    return this;
  }

  /**
   * A subnet. `cidr` null makes an IPv6-only subnet (its interfaces have no IPv4 address); `ipv6Cidr`
   * (a /64 ending in '::/64') gives it an IPv6 block.
   */
  subnet(
    subnetId: string,
    vpcId: string,
    cidr: string | null,
    az = `${this.region}a`,
    ipv6Cidr?: string,
  ): this {
    if (!cidr && !ipv6Cidr) throw new Error(`subnet ${subnetId}: give an IPv4 or IPv6 block`);
    this.snap.subnets.push({
      SubnetId: subnetId,
      VpcId: vpcId,
      ...(cidr ? { CidrBlock: cidr } : { Ipv6Native: true }),
      ...(ipv6Cidr
        ? {
            Ipv6CidrBlockAssociationSet: [
              { Ipv6CidrBlock: ipv6Cidr, Ipv6CidrBlockState: { State: 'associated' } },
            ],
          }
        : {}),
      AvailabilityZone: az,
      OwnerId: this.accountId,
    });
    return this;
  }

  /** An ACL with its rules, associated with `subnetIds` (moved from any other ACL). */
  acl(
    aclId: string,
    vpcId: string,
    subnetIds: readonly string[],
    rules: readonly AclRule[],
    isDefault = false,
  ): this {
    for (const other of this.snap.networkAcls) {
      other.Associations = (other.Associations ?? []).filter((a) => !subnetIds.includes(a.SubnetId ?? ''));
    }
    const entries: NetworkAclEntry[] = [
      ...rules.map((r) => ({
        RuleNumber: r.rule,
        Egress: r.egress,
        RuleAction: r.action,
        Protocol: r.protocol,
        CidrBlock: r.cidr,
        ...(r.ports ? { PortRange: { From: r.ports[0], To: r.ports[1] } } : {}),
      })),
      { RuleNumber: 32767, Egress: false, RuleAction: 'deny', Protocol: '-1', CidrBlock: '0.0.0.0/0' },
      { RuleNumber: 32767, Egress: true, RuleAction: 'deny', Protocol: '-1', CidrBlock: '0.0.0.0/0' },
    ];
    this.snap.networkAcls.push({
      NetworkAclId: aclId,
      VpcId: vpcId,
      OwnerId: this.accountId,
      IsDefault: isDefault,
      Entries: entries,
      Associations: subnetIds.map((subnetId, i) => ({
        NetworkAclAssociationId: `aclassoc-${aclId.slice(4)}${i}`,
        NetworkAclId: aclId,
        SubnetId: subnetId,
      })),
    });
    return this;
  }

  /** A security group; egress defaults to AWS's allow-all for a new group. */
  group(
    groupId: string,
    vpcId: string,
    rules: { ingress?: IpPermission[]; egress?: IpPermission[] } = {},
  ): this {
    const group: SecurityGroup = {
      GroupId: groupId,
      GroupName: groupId,
      VpcId: vpcId,
      OwnerId: this.accountId,
      Description: groupId,
      IpPermissions: rules.ingress ?? [],
      IpPermissionsEgress: rules.egress ?? [allTraffic(fromCidr('0.0.0.0/0'))],
    };
    this.snap.securityGroups.push(group);
    return this;
  }

  /** Replaces one group's rules (the account's state after a change). */
  setRules(groupId: string, rules: { ingress?: IpPermission[]; egress?: IpPermission[] }): this {
    const group = this.snap.securityGroups.find((g) => g.GroupId === groupId);
    if (!group) throw new Error(`no group ${groupId}`);
    if (rules.ingress) group.IpPermissions = rules.ingress;
    if (rules.egress) group.IpPermissionsEgress = rules.egress;
    return this;
  }

  private subnetOf(subnetId: string) {
    const subnet = this.snap.subnets.find((s) => s.SubnetId === subnetId);
    if (!subnet) throw new Error(`no subnet ${subnetId}`);
    return subnet;
  }

  /** A private IP in the subnet (its /24 prefix plus a counter). */
  nextIp(subnetId: string): string {
    const block = this.subnetOf(subnetId).CidrBlock;
    if (!block) throw new Error(`subnet ${subnetId} is IPv6-only: it has no IPv4 address to give`);
    const base = block.split('/')[0]?.split('.') ?? [];
    this.ipCounter += 1;
    return `${base[0]}.${base[1]}.${base[2]}.${(this.ipCounter % 250) + 4}`;
  }

  /** An IPv6 address in the subnet's /64 block (its prefix plus a counter). */
  nextIpv6(subnetId: string): string {
    const block = this.subnetOf(subnetId).Ipv6CidrBlockAssociationSet?.[0]?.Ipv6CidrBlock;
    if (!block?.endsWith('::/64')) throw new Error(`subnet ${subnetId} has no IPv6 block ending in ::/64`);
    this.ipCounter += 1;
    return `${block.slice(0, -'/64'.length)}${((this.ipCounter % 250) + 4).toString(16)}`;
  }

  /**
   * An interface. `stack` says which address families it has: by default IPv4 only, or IPv6 only in an
   * IPv6-only subnet (no PrivateIpAddress at all, as EC2 reports such interfaces).
   */
  eni(
    eniId: string,
    subnetId: string,
    groupIds: readonly string[],
    extra: Partial<NetworkInterface> & { ip?: string; ipv6?: string; stack?: AddressStack } = {},
  ): this {
    const subnet = this.subnetOf(subnetId);
    const { ip, ipv6, stack = subnet.CidrBlock ? 'ipv4' : 'ipv6', ...rest } = extra;
    const address = stack === 'ipv6' ? undefined : (ip ?? this.nextIp(subnetId));
    const address6 = stack === 'ipv4' ? undefined : (ipv6 ?? this.nextIpv6(subnetId));
    this.snap.networkInterfaces.push({
      NetworkInterfaceId: eniId,
      SubnetId: subnetId,
      VpcId: subnet.VpcId,
      AvailabilityZone: subnet.AvailabilityZone,
      OwnerId: this.accountId,
      InterfaceType: 'interface',
      RequesterManaged: false,
      Description: '',
      Status: 'in-use',
      ...(address
        ? { PrivateIpAddress: address, PrivateIpAddresses: [{ PrivateIpAddress: address, Primary: true }] }
        : { PrivateIpAddresses: [] }),
      ...(address6 ? { Ipv6Addresses: [{ Ipv6Address: address6, IsPrimaryIpv6: true }] } : {}),
      Groups: groupIds.map((id) => ({ GroupId: id, GroupName: id })),
      Attachment: { InstanceId: `i-${eniId.slice(4)}`, Status: 'attached' },
      ...rest,
    });
    return this;
  }

  setInterfaceGroups(eniId: string, groupIds: readonly string[]): this {
    const eni = this.snap.networkInterfaces.find((e) => e.NetworkInterfaceId === eniId);
    if (!eni) throw new Error(`no interface ${eniId}`);
    eni.Groups = groupIds.map((id) => ({ GroupId: id, GroupName: id }));
    return this;
  }

  /** A file system; `extra` sets other DescribeFileSystems fields (Tags, Encrypted, ...). */
  fileSystem(
    fsId: string,
    policy: string | null = null,
    extra: Partial<Omit<SnapshotFileSystem, 'Policy' | 'MountTargets'>> = {},
  ): this {
    const fs: SnapshotFileSystem = {
      FileSystemId: fsId,
      FileSystemArn: `arn:aws:elasticfilesystem:${this.region}:${this.accountId}:file-system/${fsId}`,
      OwnerId: this.accountId,
      CreationToken: fsId,
      CreationTime: new Date('2024-01-01T00:00:00Z'),
      LifeCycleState: 'available',
      NumberOfMountTargets: 0,
      SizeInBytes: { Value: 6144 },
      PerformanceMode: 'generalPurpose',
      Tags: [],
      ...extra,
      Policy: policy,
      MountTargets: [],
    };
    this.snap.fileSystems.push(fs);
    return this;
  }

  /**
   * A mount target and its interface, as EFS creates them. `style: 'moto'` makes the interface as moto
   * does: plain type, not requester-managed, no description, not attached. `ipAddressType` is
   * CreateMountTarget's: an IPV6_ONLY mount target has no IpAddress, a DUAL_STACK one has both.
   */
  mountTarget(
    fsId: string,
    mtId: string,
    subnetId: string,
    groupIds: readonly string[],
    style: 'aws' | 'moto' = 'aws',
    ipAddressType: 'IPV4_ONLY' | 'DUAL_STACK' | 'IPV6_ONLY' = 'IPV4_ONLY',
  ): this {
    const fs = this.snap.fileSystems.find((f) => f.FileSystemId === fsId);
    if (!fs) throw new Error(`no file system ${fsId}`);
    const subnet = this.subnetOf(subnetId);
    const eniId = `eni-${mtId.slice(5)}`;
    const ip = ipAddressType === 'IPV6_ONLY' ? undefined : this.nextIp(subnetId);
    const ipv6 = ipAddressType === 'IPV4_ONLY' ? undefined : this.nextIpv6(subnetId);
    const stack: AddressStack = !ipv6 ? 'ipv4' : ip ? 'dual' : 'ipv6';
    this.eni(eniId, subnetId, groupIds, {
      ...(ip ? { ip } : {}),
      ...(ipv6 ? { ipv6 } : {}),
      stack,
      Attachment: undefined,
      ...(style === 'aws'
        ? {
            InterfaceType: 'efs' as NetworkInterface['InterfaceType'],
            RequesterManaged: true,
            RequesterId: '641247547298',
            Description: `EFS mount target for ${fsId} (${mtId})`,
          }
        : {}),
    });
    fs.MountTargets.push({
      OwnerId: this.accountId,
      MountTargetId: mtId,
      FileSystemId: fsId,
      SubnetId: subnetId,
      VpcId: subnet.VpcId,
      LifeCycleState: 'available',
      ...(ip ? { IpAddress: ip } : {}),
      ...(ipv6 ? { Ipv6Address: ipv6 } : {}),
      NetworkInterfaceId: eniId,
      AvailabilityZoneName: subnet.AvailabilityZone,
      SecurityGroups: [...groupIds],
    });
    fs.NumberOfMountTargets = fs.MountTargets.length;
    return this;
  }

  prefixList(prefixListId: string, cidrs: readonly string[]): this {
    this.snap.managedPrefixLists.push({
      PrefixListId: prefixListId,
      PrefixListName: prefixListId,
      OwnerId: this.accountId,
      Entries: cidrs.map((cidr) => ({ Cidr: cidr })),
    });
    return this;
  }

  accessPoint(accessPointId: string, fsId: string, extra: Partial<AccessPointDescription> = {}): this {
    this.snap.accessPoints.push({
      AccessPointId: accessPointId,
      AccessPointArn: `arn:aws:elasticfilesystem:${this.region}:${this.accountId}:access-point/${accessPointId}`,
      FileSystemId: fsId,
      OwnerId: this.accountId,
      LifeCycleState: 'available',
      ...extra,
    });
    return this;
  }

  /** Records routing (the part 'routing'), replacing any recorded before. */
  routing(section: SnapshotRouting): this {
    this.snap.routing = structuredClone(section);
    return this;
  }

  /** A deep copy of the account as recorded output. */
  snapshot(): Snapshot {
    return structuredClone(this.snap);
  }
}

const APP_ACL: readonly AclRule[] = [
  { rule: 100, egress: true, action: 'allow', protocol: '6', cidr: '10.0.0.0/16', ports: [2049, 2049] },
  { rule: 110, egress: true, action: 'allow', protocol: '6', cidr: '0.0.0.0/0', ports: [443, 443] },
  { rule: 100, egress: false, action: 'allow', protocol: '6', cidr: '10.0.0.0/16', ports: [32768, 60999] },
];
const DATA_ACL: readonly AclRule[] = [
  // Blocks NFS from the second app subnet: a NON_COMPLIANT ACL.
  { rule: 90, egress: false, action: 'deny', protocol: '6', cidr: '10.0.2.0/24', ports: [2049, 2049] },
  { rule: 100, egress: false, action: 'allow', protocol: '6', cidr: '10.0.0.0/16', ports: [2049, 2049] },
  { rule: 100, egress: true, action: 'allow', protocol: '6', cidr: '10.0.0.0/16', ports: [32768, 60999] },
];

/**
 * A rich account for neighbourhood tests: two VPCs, file systems with several mount targets, mount-target
 * groups that admit client groups, a shared self-referencing group, an outbound reference from a
 * mount-target group, prefix lists, a reference to a deleted group, a forged mount-target description, a
 * Lambda interface, compliant and blocking ACLs, and unrelated resources in the same VPC.
 */
export function buildRichAccount(style: 'aws' | 'moto' = 'aws'): FakeAccount {
  const a = new FakeAccount();
  a.vpc('vpc-0a', '10.0.0.0/16').vpc('vpc-0b', '10.1.0.0/16');
  a.subnet('subnet-0appa', 'vpc-0a', '10.0.1.0/24')
    .subnet('subnet-0appb', 'vpc-0a', '10.0.2.0/24', `${REGION}b`)
    .subnet('subnet-0dataa', 'vpc-0a', '10.0.11.0/24')
    .subnet('subnet-0datab', 'vpc-0a', '10.0.12.0/24', `${REGION}b`)
    .subnet('subnet-0misc', 'vpc-0a', '10.0.20.0/24', `${REGION}c`)
    .subnet('subnet-0iso', 'vpc-0a', '10.0.30.0/24', `${REGION}c`)
    .subnet('subnet-0far', 'vpc-0a', '10.0.40.0/24')
    .subnet('subnet-0bapp', 'vpc-0b', '10.1.1.0/24')
    .subnet('subnet-0bdata', 'vpc-0b', '10.1.11.0/24', `${REGION}b`);
  a.acl('acl-0adefault', 'vpc-0a', ['subnet-0misc', 'subnet-0iso'], ALLOW_ALL_ACL, true)
    .acl('acl-0app', 'vpc-0a', ['subnet-0appa', 'subnet-0appb'], APP_ACL)
    .acl('acl-0data', 'vpc-0a', ['subnet-0dataa', 'subnet-0datab'], DATA_ACL)
    .acl('acl-0far', 'vpc-0a', ['subnet-0far'], [])
    .acl('acl-0bdefault', 'vpc-0b', ['subnet-0bapp', 'subnet-0bdata'], ALLOW_ALL_ACL, true);
  a.prefixList('pl-0aa', ['10.0.0.0/16', '192.168.0.0/16']).prefixList('pl-0bb', [
    '10.0.11.0/24',
    '10.0.12.0/24',
  ]);
  a.group('sg-0mt1', 'vpc-0a', { ingress: [nfs(fromGroup('sg-0c1')), nfs(fromGroup('sg-0c2'))] })
    .group('sg-0mt2', 'vpc-0a', {
      ingress: [nfs(fromGroup('sg-0c2')), allTraffic(fromCidr('0.0.0.0/0')), nfs(fromPrefixList('pl-0aa'))],
    })
    .group('sg-0shared', 'vpc-0a', { ingress: [allTraffic(fromGroup('sg-0shared'))] })
    .group('sg-0mte', 'vpc-0a', { ingress: [nfs(fromGroup('sg-0c3'))], egress: [nfs(fromGroup('sg-0c1'))] })
    .group('sg-0ghost', 'vpc-0a', { ingress: [nfs(fromGroup('sg-0deleted'))] })
    .group('sg-0orphan', 'vpc-0a', { ingress: [nfs(fromGroup('sg-0c2'))] })
    .group('sg-0c1', 'vpc-0a', { egress: [nfs(fromGroup('sg-0mt1'))] })
    .group('sg-0c2', 'vpc-0a')
    .group('sg-0c3', 'vpc-0a', { egress: [tcpPort(443, 443, fromCidr('0.0.0.0/0'))] })
    .group('sg-0c4', 'vpc-0a', { egress: [nfs(fromPrefixList('pl-0bb'))] })
    .group('sg-0web', 'vpc-0a', {
      ingress: [tcpPort(443, 443, fromCidr('0.0.0.0/0')), tcpPort(8080, 8080, fromGroup('sg-0c1'))],
    })
    .group('sg-0idle', 'vpc-0a', { ingress: [nfs(fromGroup('sg-0c2'))] })
    .group('sg-0mt6a', 'vpc-0a', { ingress: [nfs(fromGroup('sg-0c4'))] })
    // Referenced by nothing and on a mount target in a subnet no NFS path crosses.
    .group('sg-0mt6b', 'vpc-0a', { ingress: [nfs(fromCidr('10.9.0.0/16'))] })
    .group('sg-0bmt', 'vpc-0b', { ingress: [nfs(fromGroup('sg-0bc'))] })
    .group('sg-0bc', 'vpc-0b');
  a.fileSystem('fs-0001', '{"Version":"2012-10-17","Statement":[]}')
    .mountTarget('fs-0001', 'fsmt-0001a', 'subnet-0dataa', ['sg-0mt1'], style)
    .mountTarget('fs-0001', 'fsmt-0001b', 'subnet-0datab', ['sg-0mt1'], style)
    .mountTarget('fs-0001', 'fsmt-0001c', 'subnet-0misc', ['sg-0mt2'], style);
  a.fileSystem('fs-0002').mountTarget(
    'fs-0002',
    'fsmt-0002a',
    'subnet-0dataa',
    ['sg-0mt2', 'sg-0shared'],
    style,
  );
  a.fileSystem('fs-0003').mountTarget('fs-0003', 'fsmt-0003a', 'subnet-0datab', ['sg-0mte'], style);
  a.fileSystem('fs-0004');
  a.fileSystem('fs-0006')
    .mountTarget('fs-0006', 'fsmt-0006a', 'subnet-0dataa', ['sg-0mt6a'], style)
    .mountTarget('fs-0006', 'fsmt-0006b', 'subnet-0far', ['sg-0mt6b'], style);
  a.fileSystem('fs-0005').mountTarget('fs-0005', 'fsmt-0005a', 'subnet-0misc', ['sg-0ghost'], style);
  a.fileSystem('fs-00b1').mountTarget('fs-00b1', 'fsmt-00b1a', 'subnet-0bdata', ['sg-0bmt'], style);
  a.eni('eni-0c1a', 'subnet-0appa', ['sg-0c1'])
    .eni('eni-0c1b', 'subnet-0appb', ['sg-0c1', 'sg-0c2'])
    .eni('eni-0c2a', 'subnet-0dataa', ['sg-0c2'])
    .eni('eni-0c3a', 'subnet-0appa', ['sg-0c3'])
    .eni('eni-0c4a', 'subnet-0appb', ['sg-0c4', 'sg-0c2'])
    .eni('eni-0sh1', 'subnet-0misc', ['sg-0shared'])
    .eni('eni-0web', 'subnet-0misc', ['sg-0web'])
    .eni('eni-0iso', 'subnet-0iso', ['sg-0web'])
    .eni('eni-0far', 'subnet-0far', ['sg-0c2'])
    .eni('eni-0b1', 'subnet-0bapp', ['sg-0bc']);
  // A plain interface whose description claims to be a mount target: DescribeMountTargets says no.
  a.eni('eni-0forged', 'subnet-0appb', ['sg-0c2'], {
    Description: 'EFS mount target for fs-0001 (fsmt-0001a)',
    Attachment: undefined,
  });
  a.eni('eni-0lambda', 'subnet-0appa', ['sg-0c1'], {
    InterfaceType: 'lambda',
    RequesterManaged: true,
    Description: 'AWS Lambda VPC ENI-reporting-1a2b3c',
    Attachment: undefined,
  });
  a.accessPoint('fsap-0001', 'fs-0001', {
    PosixUser: { Uid: 1000, Gid: 1000 },
    RootDirectory: { Path: '/app' },
  });
  return a;
}

const V6_ACL: readonly AclRule[] = [
  // IPv6 NFS and replies within the VPC's IPv6 block; nothing for IPv4.
  {
    rule: 100,
    egress: false,
    action: 'allow',
    protocol: '6',
    cidr: '2600:1f18:0:a00::/56',
    ports: [2049, 2049],
  },
  {
    rule: 100,
    egress: true,
    action: 'allow',
    protocol: '6',
    cidr: '2600:1f18:0:a00::/56',
    ports: [32768, 60999],
  },
  {
    rule: 110,
    egress: true,
    action: 'allow',
    protocol: '6',
    cidr: '2600:1f18:0:a00::/56',
    ports: [2049, 2049],
  },
  {
    rule: 110,
    egress: false,
    action: 'allow',
    protocol: '6',
    cidr: '2600:1f18:0:a00::/56',
    ports: [32768, 60999],
  },
];

/**
 * Adds IPv6 to buildRichAccount's vpc-0a: IPv6-only and dual-stack subnets, IPv6-only and dual-stack
 * clients, an IPV6_ONLY and a DUAL_STACK mount target, and clients admitted by mount targets they share
 * no address family with (an IPv6-only client of fs-0001's IPv4-only mount targets, an IPv4-only client
 * of the IPV6_ONLY one).
 */
export function addIpv6Resources(account: FakeAccount, style: 'aws' | 'moto' = 'aws'): FakeAccount {
  const a = account.vpcIpv6('vpc-0a', '2600:1f18:0:a00::/56');
  a.subnet('subnet-0v6app', 'vpc-0a', null, `${REGION}a`, '2600:1f18:0:a01::/64')
    .subnet('subnet-0v6data', 'vpc-0a', null, `${REGION}b`, '2600:1f18:0:a02::/64')
    .subnet('subnet-0dual', 'vpc-0a', '10.0.50.0/24', `${REGION}c`, '2600:1f18:0:a03::/64');
  // The IPv6-only subnets share an IPv6-only ACL; the dual-stack subnet's ACL allows all IPv4 and no
  // IPv6, so IPv6 NFS through it is blocked.
  a.acl('acl-0v6', 'vpc-0a', ['subnet-0v6app', 'subnet-0v6data'], V6_ACL).acl(
    'acl-0dual',
    'vpc-0a',
    ['subnet-0dual'],
    ALLOW_ALL_ACL,
  );
  a.group('sg-0mt7', 'vpc-0a', { ingress: [nfs(fromGroup('sg-0c6')), nfs(fromGroup('sg-0c1'))] })
    .group('sg-0c6', 'vpc-0a', { egress: [nfs(fromCidr('2600:1f18:0:a00::/56'))] })
    // Reaches fs-0008's IPV6_ONLY mount target only by an IPv4 block: never.
    .group('sg-0c7', 'vpc-0a', { egress: [nfs(fromGroup('sg-0mt7')), nfs(fromCidr('10.0.0.0/16'))] });
  a.group('sg-0mt1v6', 'vpc-0a', { ingress: [nfs(fromGroup('sg-0c7')), nfs(fromGroup('sg-0c1'))] });
  a.fileSystem('fs-0007')
    .mountTarget('fs-0007', 'fsmt-0007a', 'subnet-0v6data', ['sg-0mt7'], style, 'IPV6_ONLY')
    .mountTarget('fs-0007', 'fsmt-0007b', 'subnet-0dual', ['sg-0mt7'], style, 'DUAL_STACK');
  a.fileSystem('fs-0008').mountTarget(
    'fs-0008',
    'fsmt-0008a',
    'subnet-0v6data',
    ['sg-0mt1v6'],
    style,
    'IPV6_ONLY',
  );
  a.eni('eni-0v6c6', 'subnet-0v6app', ['sg-0c6'])
    .eni('eni-0v6c7', 'subnet-0v6app', ['sg-0c7'])
    // An IPv6-only client of sg-0mt1, whose mount targets (fs-0001) are IPv4-only: no common family.
    .eni('eni-0v6c2', 'subnet-0v6app', ['sg-0c2'])
    .eni('eni-0dualc6', 'subnet-0dual', ['sg-0c6'], { stack: 'dual' })
    .eni('eni-0dualc7', 'subnet-0dual', ['sg-0c7'], { stack: 'dual' });
  return a;
}

/** Adds `copies` unrelated VPCs, each with its own mount target, groups, clients and ACL. */
export function addUnrelatedVpcs(account: FakeAccount, copies: number): FakeAccount {
  for (let i = 0; i < copies; i++) {
    const n = String(i).padStart(4, '0');
    const vpcId = `vpc-1${n}`;
    const octet = 16 + (i % 200);
    account.vpc(vpcId, `172.${octet}.0.0/16`);
    account
      .subnet(`subnet-1${n}a`, vpcId, `172.${octet}.1.0/24`)
      .subnet(`subnet-1${n}b`, vpcId, `172.${octet}.2.0/24`);
    account.acl(`acl-1${n}`, vpcId, [`subnet-1${n}a`, `subnet-1${n}b`], ALLOW_ALL_ACL, true);
    account
      .group(`sg-1${n}mt`, vpcId, { ingress: [nfs(fromGroup(`sg-1${n}c`))] })
      .group(`sg-1${n}c`, vpcId)
      .group(`sg-1${n}w`, vpcId, { ingress: [tcpPort(443, 443, fromCidr('0.0.0.0/0'))] });
    account.fileSystem(`fs-1${n}`).mountTarget(`fs-1${n}`, `fsmt-1${n}a`, `subnet-1${n}b`, [`sg-1${n}mt`]);
    account
      .eni(`eni-1${n}c`, `subnet-1${n}a`, [`sg-1${n}c`])
      .eni(`eni-1${n}d`, `subnet-1${n}a`, [`sg-1${n}c`])
      .eni(`eni-1${n}w`, `subnet-1${n}a`, [`sg-1${n}w`]);
  }
  return account;
}

/**
 * The typical neighbourhood of the call-budget tests and the benchmark: one file system with three
 * mount targets (one per data subnet) whose group admits one client group; clients in two app
 * subnets; an app ACL and a data ACL; an unrelated web server beside the clients.
 */
export function buildTypicalAccount(): FakeAccount {
  const a = new FakeAccount();
  a.vpc('vpc-0a', '10.0.0.0/16');
  a.subnet('subnet-0appa', 'vpc-0a', '10.0.1.0/24')
    .subnet('subnet-0appb', 'vpc-0a', '10.0.2.0/24', `${REGION}b`)
    .subnet('subnet-0dataa', 'vpc-0a', '10.0.11.0/24')
    .subnet('subnet-0datab', 'vpc-0a', '10.0.12.0/24', `${REGION}b`)
    .subnet('subnet-0datac', 'vpc-0a', '10.0.13.0/24', `${REGION}c`);
  a.acl('acl-0app', 'vpc-0a', ['subnet-0appa', 'subnet-0appb'], APP_ACL).acl(
    'acl-0data',
    'vpc-0a',
    ['subnet-0dataa', 'subnet-0datab', 'subnet-0datac'],
    DATA_ACL,
  );
  a.group('sg-0mt', 'vpc-0a', { ingress: [nfs(fromGroup('sg-0client'))] })
    .group('sg-0client', 'vpc-0a', {
      egress: [nfs(fromGroup('sg-0mt')), tcpPort(443, 443, fromCidr('0.0.0.0/0'))],
    })
    .group('sg-0web', 'vpc-0a', { ingress: [tcpPort(443, 443, fromCidr('0.0.0.0/0'))] });
  a.fileSystem('fs-0001')
    .mountTarget('fs-0001', 'fsmt-0001a', 'subnet-0dataa', ['sg-0mt'])
    .mountTarget('fs-0001', 'fsmt-0001b', 'subnet-0datab', ['sg-0mt'])
    .mountTarget('fs-0001', 'fsmt-0001c', 'subnet-0datac', ['sg-0mt']);
  a.eni('eni-0client1', 'subnet-0appa', ['sg-0client'])
    .eni('eni-0client2', 'subnet-0appb', ['sg-0client'])
    .eni('eni-0web', 'subnet-0appa', ['sg-0web']);
  return a;
}

/**
 * The small region of the handler tests, in the account and region of the recorded Config events:
 * fs-good's mount target carries sg-mt, which admits NFS only from sg-client (COMPLIANT); fs-open's
 * carries sg-open, which admits NFS from 0.0.0.0/0 (NON_COMPLIANT); sg-client is on a client interface.
 */
export function buildSmallRegion(accountId: string = MOTO_ACCOUNT_ID): FakeAccount {
  const a = new FakeAccount(accountId, MOTO_REGION);
  const vpc = 'vpc-0a1b2c3d4e5f60718';
  const subnet = 'subnet-0a1a2a3a4a5a6a7a8';
  a.vpc(vpc, '10.0.0.0/16').subnet(subnet, vpc, '10.0.1.0/24');
  a.acl('acl-0default', vpc, [subnet], ALLOW_ALL_ACL, true);
  a.group('sg-mt', vpc, { ingress: [nfs(fromGroup('sg-client', accountId))] })
    .group('sg-open', vpc, { ingress: [nfs(fromCidr('0.0.0.0/0'))] })
    .group('sg-client', vpc);
  a.eni('eni-client', subnet, ['sg-client'], { Description: 'web' });
  a.fileSystem('fs-good').mountTarget('fs-good', 'fsmt-01', subnet, ['sg-mt']);
  a.fileSystem('fs-open').mountTarget('fs-open', 'fsmt-02', subnet, ['sg-open']);
  return a;
}

type RouteSpec = readonly [
  destination: string,
  target: Record<string, string>,
  state?: 'active' | 'blackhole',
];

function routeTable(
  tableId: string,
  vpcId: string,
  cidr: string,
  routes: readonly RouteSpec[],
  subnetIds: readonly string[] = [],
): NonNullable<SnapshotRouting['routeTables']>[number] {
  return {
    RouteTableId: tableId,
    VpcId: vpcId,
    OwnerId: ACCOUNT,
    Associations:
      subnetIds.length === 0
        ? [{ Main: true, AssociationState: { State: 'associated' } }]
        : subnetIds.map((subnetId) => ({
            Main: false,
            SubnetId: subnetId,
            AssociationState: { State: 'associated' },
          })),
    Routes: [
      { DestinationCidrBlock: cidr, GatewayId: 'local', State: 'active', Origin: 'CreateRouteTable' },
      ...routes.map(([destination, target, state]) => ({
        DestinationCidrBlock: destination,
        ...target,
        State: state ?? 'active',
        Origin: 'CreateRoute' as const,
      })),
    ],
  };
}

/**
 * The rich account routed to more VPCs: vpc-0b peered with vpc-0a (routes both ways, but the far
 * subnet's own route table has none), vpc-0c and vpc-0e spokes of a Transit Gateway with vpc-0a (vpc-0e's
 * range blackholed in the TGW route table), vpc-0d behind a peering still pending acceptance, a virtual
 * private gateway on vpc-0a with an on-premises range. Mount targets in vpc-0a and vpc-0b admit clients
 * of the other VPCs by group and by CIDR, so cross-VPC pairs, reaching, blocked and unknown networks occur.
 */
export function addRoutedVpcs(account: FakeAccount, style: 'aws' | 'moto' = 'aws'): FakeAccount {
  const a = account;
  a.vpc('vpc-0c', '10.2.0.0/16').vpc('vpc-0d', '10.3.0.0/16').vpc('vpc-0e', '10.4.0.0/16');
  a.subnet('subnet-0capp', 'vpc-0c', '10.2.1.0/24')
    .subnet('subnet-0cdata', 'vpc-0c', '10.2.11.0/24', `${REGION}b`)
    .subnet('subnet-0dapp', 'vpc-0d', '10.3.1.0/24')
    .subnet('subnet-0eapp', 'vpc-0e', '10.4.1.0/24');
  a.acl('acl-0cdefault', 'vpc-0c', ['subnet-0capp', 'subnet-0cdata'], ALLOW_ALL_ACL, true)
    .acl('acl-0ddefault', 'vpc-0d', ['subnet-0dapp'], ALLOW_ALL_ACL, true)
    .acl('acl-0edefault', 'vpc-0e', ['subnet-0eapp'], ALLOW_ALL_ACL, true);
  a.group('sg-0cc', 'vpc-0c')
    .group('sg-0dc', 'vpc-0d')
    .group('sg-0ec', 'vpc-0e')
    .group('sg-0xmt', 'vpc-0a', {
      ingress: [
        nfs(fromGroup('sg-0bc')),
        nfs(fromGroup('sg-0cc')),
        nfs(fromCidr('10.3.0.0/16')),
        nfs(fromCidr('10.4.0.0/16')),
        nfs(fromCidr('192.168.0.0/16')),
      ],
    })
    .group('sg-0bmt2', 'vpc-0b', { ingress: [nfs(fromGroup('sg-0c1')), nfs(fromGroup('sg-0c2'))] })
    .group('sg-0cmt', 'vpc-0c', { ingress: [nfs(fromCidr('10.0.0.0/8'))] });
  a.fileSystem('fs-00x1')
    .mountTarget('fs-00x1', 'fsmt-00x1a', 'subnet-0misc', ['sg-0xmt'], style)
    .mountTarget('fs-00x1', 'fsmt-00x1b', 'subnet-0far', ['sg-0xmt'], style);
  a.fileSystem('fs-00b2').mountTarget('fs-00b2', 'fsmt-00b2a', 'subnet-0bdata', ['sg-0bmt2'], style);
  a.fileSystem('fs-00c1').mountTarget('fs-00c1', 'fsmt-00c1a', 'subnet-0cdata', ['sg-0cmt'], style);
  a.eni('eni-0cc1', 'subnet-0capp', ['sg-0cc'])
    .eni('eni-0cc2', 'subnet-0cdata', ['sg-0cc'])
    .eni('eni-0dc1', 'subnet-0dapp', ['sg-0dc'])
    .eni('eni-0ec1', 'subnet-0eapp', ['sg-0ec'])
    .eni('eni-0bc2', 'subnet-0bapp', ['sg-0bc']);
  const tgw = { TransitGatewayId: 'tgw-0' };
  const attachment = (id: string, vpcId: string) => ({
    TransitGatewayAttachmentId: id,
    TransitGatewayId: 'tgw-0',
    TransitGatewayOwnerId: ACCOUNT,
    ResourceOwnerId: ACCOUNT,
    ResourceType: 'vpc' as const,
    ResourceId: vpcId,
    State: 'available' as const,
    Association: { TransitGatewayRouteTableId: 'tgw-rtb-0', State: 'associated' as const },
  });
  const vpcAttachment = (id: string, vpcId: string, subnetIds: string[]) => ({
    TransitGatewayAttachmentId: id,
    TransitGatewayId: 'tgw-0',
    VpcId: vpcId,
    State: 'available' as const,
    SubnetIds: subnetIds,
  });
  const tgwRoute = (cidr: string, id: string, vpcId: string) => ({
    DestinationCidrBlock: cidr,
    TransitGatewayAttachments: [
      { TransitGatewayAttachmentId: id, ResourceId: vpcId, ResourceType: 'vpc' as const },
    ],
    Type: 'static' as const,
    State: 'active' as const,
  });
  const peering = (
    id: string,
    code: 'active' | 'pending-acceptance',
    x: [string, string],
    y: [string, string],
  ) => ({
    VpcPeeringConnectionId: id,
    Status: { Code: code },
    RequesterVpcInfo: { VpcId: x[0], OwnerId: ACCOUNT, Region: REGION, CidrBlock: x[1] },
    AccepterVpcInfo: { VpcId: y[0], OwnerId: ACCOUNT, Region: REGION, CidrBlock: y[1] },
  });
  return a.routing({
    routeTables: [
      routeTable('rtb-0amain', 'vpc-0a', '10.0.0.0/16', [
        ['10.1.0.0/16', { VpcPeeringConnectionId: 'pcx-0ab' }],
        ['10.2.0.0/16', tgw],
        ['10.3.0.0/16', { VpcPeeringConnectionId: 'pcx-0ad' }],
        ['10.4.0.0/16', tgw],
        ['192.168.0.0/16', { GatewayId: 'vgw-0a' }],
        ['0.0.0.0/0', { GatewayId: 'igw-0a' }],
      ]),
      routeTable('rtb-0afar', 'vpc-0a', '10.0.0.0/16', [['10.2.0.0/16', tgw]], ['subnet-0far']),
      routeTable('rtb-0bmain', 'vpc-0b', '10.1.0.0/16', [
        ['10.0.0.0/16', { VpcPeeringConnectionId: 'pcx-0ab' }],
      ]),
      routeTable('rtb-0cmain', 'vpc-0c', '10.2.0.0/16', [['10.0.0.0/8', tgw]]),
      routeTable('rtb-0dmain', 'vpc-0d', '10.3.0.0/16', [
        ['10.0.0.0/16', { VpcPeeringConnectionId: 'pcx-0ad' }],
      ]),
      routeTable('rtb-0emain', 'vpc-0e', '10.4.0.0/16', [['10.0.0.0/16', tgw]]),
    ],
    vpcPeeringConnections: [
      peering('pcx-0ab', 'active', ['vpc-0a', '10.0.0.0/16'], ['vpc-0b', '10.1.0.0/16']),
      peering('pcx-0ad', 'pending-acceptance', ['vpc-0a', '10.0.0.0/16'], ['vpc-0d', '10.3.0.0/16']),
    ],
    transitGatewayAttachments: [
      attachment('tgw-attach-0a', 'vpc-0a'),
      attachment('tgw-attach-0c', 'vpc-0c'),
      attachment('tgw-attach-0e', 'vpc-0e'),
    ],
    transitGatewayVpcAttachments: [
      vpcAttachment('tgw-attach-0a', 'vpc-0a', ['subnet-0appa', 'subnet-0datab', 'subnet-0misc']),
      vpcAttachment('tgw-attach-0c', 'vpc-0c', ['subnet-0capp', 'subnet-0cdata']),
      vpcAttachment('tgw-attach-0e', 'vpc-0e', ['subnet-0eapp']),
    ],
    transitGatewayRouteTables: [
      {
        TransitGatewayRouteTableId: 'tgw-rtb-0',
        TransitGatewayId: 'tgw-0',
        OwnerId: ACCOUNT,
        State: 'available',
        Routes: [
          tgwRoute('10.0.0.0/16', 'tgw-attach-0a', 'vpc-0a'),
          tgwRoute('10.2.0.0/16', 'tgw-attach-0c', 'vpc-0c'),
          { DestinationCidrBlock: '10.4.0.0/16', Type: 'static', State: 'blackhole' },
        ],
        Associations: ['0a', '0c', '0e'].map((v) => ({
          TransitGatewayAttachmentId: `tgw-attach-${v}`,
          ResourceType: 'vpc' as const,
          ResourceId: `vpc-${v}`,
          State: 'associated' as const,
        })),
        Propagations: [],
      },
    ],
    vpnGateways: [
      {
        VpnGatewayId: 'vgw-0a',
        State: 'available',
        Type: 'ipsec.1',
        VpcAttachments: [{ VpcId: 'vpc-0a', State: 'attached' }],
      },
    ],
  });
}

/** The rich account with routing recorded and more VPCs routed to it (addRoutedVpcs). */
export function buildRoutedAccount(style: 'aws' | 'moto' = 'aws'): FakeAccount {
  return addRoutedVpcs(buildRichAccount(style), style);
}
