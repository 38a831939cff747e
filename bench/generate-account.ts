// Synthetic accounts for the benchmark: deterministic (seeded), in the snapshot's own SDK shapes, with
// realistic reference patterns: mount-target groups that admit client groups by reference, some CIDR and
// prefix-list sources, a few world-open or unused rules, clients with default or scoped egress, and custom
// network ACLs on part of the subnets. Routing and IAM are generate-routing.ts and generate-iam.ts.
import type {
  IpPermission,
  NetworkAcl,
  NetworkInterface,
  SecurityGroup,
  Subnet,
  Vpc,
} from '@aws-sdk/client-ec2';
import type { AccessPointDescription } from '@aws-sdk/client-efs';
import {
  SNAPSHOT_FORMAT,
  type Snapshot,
  type SnapshotFileSystem,
  type SnapshotPrefixList,
} from '../aws/snapshot/format';
import { ACCOUNT_ID, AZS, hexId, ipv4, mulberry32, REGION } from './generate-common';
import { generateIam } from './generate-iam';
import { generateRouting } from './generate-routing';

export interface AccountShape {
  vpcs: number;
  subnetsPerVpc: number;
  fileSystemsPerVpc: number;
  mountTargetsPerFileSystem: number;
  clientGroupsPerVpc: number;
  appGroupsPerVpc: number;
  interfacesPerVpc: number;
  roles: number;
}

/** Scale 1 is a mid-sized account; scale 16 is at least 4,000 file systems, 8,000 mount targets,
 *  40,000 groups holding 400,000 permissions and 160,000 interfaces. */
export function shapeForScale(scale: number): AccountShape {
  return {
    vpcs: 10 * scale,
    subnetsPerVpc: 6,
    fileSystemsPerVpc: 25,
    mountTargetsPerFileSystem: 2,
    clientGroupsPerVpc: 50,
    appGroupsPerVpc: 175,
    interfacesPerVpc: 1000,
    roles: 50 * scale,
  };
}

const TLS_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: '*',
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    },
    {
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite'],
      Condition: { Bool: { 'elasticfilesystem:AccessedViaMountTarget': 'true' } },
    },
  ],
});

export function generateAccount(scale: number, seed = 2049): Snapshot {
  const shape = shapeForScale(scale);
  const random = mulberry32(seed + scale);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

  const vpcs: Vpc[] = [];
  const subnets: Subnet[] = [];
  const securityGroups: SecurityGroup[] = [];
  const networkInterfaces: NetworkInterface[] = [];
  const networkAcls: NetworkAcl[] = [];
  const fileSystems: SnapshotFileSystem[] = [];
  const accessPoints: AccessPointDescription[] = [];
  let groupCounter = 0;
  let eniCounter = 0;
  let aclCounter = 0;

  const prefixLists: SnapshotPrefixList[] = Array.from({ length: 5 }, (_, i) => ({
    PrefixListId: hexId('pl', i + 1),
    PrefixListName: `corp-ranges-${i}`,
    OwnerId: ACCOUNT_ID,
    // Most lists hold private ranges; the last one also holds a public range, as real lists sometimes do.
    Entries: [
      { Cidr: `10.${200 + i}.0.0/16`, Description: 'office' },
      { Cidr: `172.16.${i}.0/24`, Description: 'vpn' },
      ...(i === 4 ? [{ Cidr: '203.0.113.0/24', Description: 'partner' }] : []),
    ],
  }));

  const allEgress: IpPermission = { IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] };
  const group = (vpcId: string, name: string, ingress: IpPermission[], egress: IpPermission[]): string => {
    const groupId = hexId('sg', ++groupCounter);
    securityGroups.push({
      GroupId: groupId,
      GroupName: name,
      Description: name,
      VpcId: vpcId,
      OwnerId: ACCOUNT_ID,
      IpPermissions: ingress,
      IpPermissionsEgress: egress,
    });
    return groupId;
  };
  const fromGroups = (protocol: string, from: number, to: number, groupIds: string[]): IpPermission => ({
    IpProtocol: protocol,
    FromPort: from,
    ToPort: to,
    UserIdGroupPairs: groupIds.map((GroupId) => ({ GroupId, UserId: ACCOUNT_ID })),
  });
  const fromCidrs = (protocol: string, from: number, to: number, cidrs: string[]): IpPermission => ({
    IpProtocol: protocol,
    FromPort: from,
    ToPort: to,
    IpRanges: cidrs.map((CidrIp) => ({ CidrIp })),
  });

  for (let v = 0; v < shape.vpcs; v++) {
    const vpcId = hexId('vpc', v + 1);
    const vpcBase = (10 << 24) + v * 4096; // a /20 per VPC: 10.0.0.0/20, 10.0.16.0/20, ...
    const vpcCidr = `${ipv4(vpcBase)}/20`;
    vpcs.push({
      VpcId: vpcId,
      OwnerId: ACCOUNT_ID,
      CidrBlock: vpcCidr,
      CidrBlockAssociationSet: [{ CidrBlock: vpcCidr, CidrBlockState: { State: 'associated' } }],
      IsDefault: false,
      State: 'available',
    });

    const subnetIds: string[] = [];
    for (let s = 0; s < shape.subnetsPerVpc; s++) {
      const subnetId = hexId('subnet', v * shape.subnetsPerVpc + s + 1);
      subnetIds.push(subnetId);
      subnets.push({
        SubnetId: subnetId,
        VpcId: vpcId,
        OwnerId: ACCOUNT_ID,
        AvailabilityZone: AZS[s % AZS.length],
        CidrBlock: `${ipv4(vpcBase + s * 512)}/23`,
        State: 'available',
      });
    }
    const subnetBase = (s: number): number => vpcBase + s * 512;
    const nextHost = new Array<number>(shape.subnetsPerVpc).fill(4);
    const allocate = (s: number): string => {
      const host = nextHost[s] ?? 4;
      nextHost[s] = host + 1;
      return ipv4(subnetBase(s) + host);
    };

    // Network ACLs: the default allows everything; a custom one on the upper half of the subnets allows
    // NFS and the ephemeral return ports, and sometimes (deliberately) forgets the return traffic.
    const half = Math.floor(shape.subnetsPerVpc / 2);
    const aclEntry = (
      RuleNumber: number,
      Egress: boolean,
      RuleAction: 'allow' | 'deny',
      Protocol: string,
      CidrBlock: string,
      from?: number,
      to?: number,
    ) => ({
      RuleNumber,
      Egress,
      RuleAction,
      Protocol,
      CidrBlock,
      ...(from === undefined ? {} : { PortRange: { From: from, To: to } }),
    });
    networkAcls.push({
      NetworkAclId: hexId('acl', ++aclCounter),
      VpcId: vpcId,
      OwnerId: ACCOUNT_ID,
      IsDefault: true,
      Entries: [
        aclEntry(100, false, 'allow', '-1', '0.0.0.0/0'),
        aclEntry(100, true, 'allow', '-1', '0.0.0.0/0'),
      ],
      Associations: subnetIds.slice(0, half).map((SubnetId, i) => ({
        SubnetId,
        NetworkAclAssociationId: `aclassoc-${v}-${i}`,
        NetworkAclId: hexId('acl', aclCounter),
      })),
    });
    const blocksReturn = random() < 0.2;
    networkAcls.push({
      NetworkAclId: hexId('acl', ++aclCounter),
      VpcId: vpcId,
      OwnerId: ACCOUNT_ID,
      IsDefault: false,
      Entries: [
        aclEntry(90, false, 'deny', '6', '0.0.0.0/0', 22, 22),
        aclEntry(100, false, 'allow', '6', vpcCidr, 2049, 2049),
        aclEntry(110, false, 'allow', '6', vpcCidr, 1024, 65535),
        aclEntry(100, true, 'allow', '6', vpcCidr, 2049, 2049),
        ...(blocksReturn ? [] : [aclEntry(110, true, 'allow', '6', vpcCidr, 1024, 65535)]),
        aclEntry(120, true, 'allow', '6', '0.0.0.0/0', 443, 443),
      ],
      Associations: subnetIds.slice(half).map((SubnetId, i) => ({
        SubnetId,
        NetworkAclAssociationId: `aclassoc-${v}-c${i}`,
        NetworkAclId: hexId('acl', aclCounter),
      })),
    });

    // Client groups: egress mostly the default allow-all; some scoped to NFS by CIDR.
    const clientGroups: string[] = [];
    for (let c = 0; c < shape.clientGroupsPerVpc; c++) {
      const roll = random();
      const egress =
        roll < 0.75
          ? [allEgress]
          : roll < 0.95
            ? [fromCidrs('tcp', 2049, 2049, [vpcCidr]), fromCidrs('tcp', 443, 443, ['0.0.0.0/0'])]
            : [fromCidrs('tcp', 443, 443, ['0.0.0.0/0'])]; // forgot NFS
      clientGroups.push(
        group(
          vpcId,
          `client-${v}-${c}`,
          [fromCidrs('tcp', 443, 443, [vpcCidr]), fromCidrs('tcp', 22, 22, ['10.200.0.0/16'])],
          egress,
        ),
      );
    }

    // Application groups: the bulk of the account's rules, unrelated to EFS.
    const appGroups: string[] = [];
    for (let a = 0; a < shape.appGroupsPerVpc; a++) {
      const ingress: IpPermission[] = [];
      const rules = 12 + Math.floor(random() * 3);
      for (let r = 0; r < rules; r++) {
        const port = pick([80, 443, 5432, 6379, 8080, 9090, 3306, 22]);
        ingress.push(
          r % 3 === 0 && appGroups.length > 0
            ? fromGroups('tcp', port, port, [pick(appGroups)])
            : fromCidrs('tcp', port, port, [`${ipv4(vpcBase + Math.floor(random() * 8) * 512)}/23`]),
        );
      }
      appGroups.push(group(vpcId, `app-${v}-${a}`, ingress, [allEgress]));
    }

    // File systems, each with its own mount-target group, mount targets and an access point.
    for (let f = 0; f < shape.fileSystemsPerVpc; f++) {
      const fsIndex = v * shape.fileSystemsPerVpc + f + 1;
      const fileSystemId = `fs-${fsIndex.toString(16).padStart(17, '0')}`;
      const admitted = [pick(clientGroups), ...(random() < 0.4 ? [pick(clientGroups)] : [])];
      const ingress: IpPermission[] = [fromGroups('tcp', 2049, 2049, admitted)];
      const roll = random();
      if (roll < 0.05) ingress.push(fromCidrs('tcp', 2049, 2049, ['0.0.0.0/0']));
      else if (roll < 0.1) ingress.push(fromCidrs('tcp', 22, 22, [vpcCidr]));
      else if (roll < 0.15)
        ingress.push({
          IpProtocol: 'tcp',
          FromPort: 2049,
          ToPort: 2049,
          PrefixListIds: [{ PrefixListId: pick(prefixLists).PrefixListId }],
        });
      else if (roll < 0.25) ingress.push(fromCidrs('tcp', 2049, 2049, [`${ipv4(vpcBase)}/22`]));
      const mtGroup = group(vpcId, `efs-${fsIndex}`, ingress, [allEgress]);

      const mountTargets: SnapshotFileSystem['MountTargets'] = [];
      for (let m = 0; m < shape.mountTargetsPerFileSystem; m++) {
        const subnetIndex = m % shape.subnetsPerVpc;
        const eniId = hexId('eni', ++eniCounter);
        const mountTargetId = `fsmt-${(fsIndex * 8 + m).toString(16).padStart(17, '0')}`;
        const ip = allocate(subnetIndex);
        networkInterfaces.push({
          NetworkInterfaceId: eniId,
          SubnetId: subnetIds[subnetIndex],
          VpcId: vpcId,
          OwnerId: ACCOUNT_ID,
          AvailabilityZone: AZS[subnetIndex % AZS.length],
          InterfaceType: 'interface',
          RequesterManaged: true,
          Description: `EFS mount target for ${fileSystemId} (${mountTargetId})`,
          PrivateIpAddress: ip,
          PrivateIpAddresses: [{ PrivateIpAddress: ip, Primary: true }],
          Ipv6Addresses: [],
          Groups: [{ GroupId: mtGroup, GroupName: `efs-${fsIndex}` }],
          Status: 'in-use',
        });
        mountTargets.push({
          MountTargetId: mountTargetId,
          FileSystemId: fileSystemId,
          OwnerId: ACCOUNT_ID,
          SubnetId: subnetIds[subnetIndex],
          VpcId: vpcId,
          AvailabilityZoneName: AZS[subnetIndex % AZS.length],
          IpAddress: ip,
          NetworkInterfaceId: eniId,
          LifeCycleState: 'available',
          SecurityGroups: [mtGroup],
        });
      }
      fileSystems.push({
        FileSystemId: fileSystemId,
        FileSystemArn: `arn:aws:elasticfilesystem:${REGION}:${ACCOUNT_ID}:file-system/${fileSystemId}`,
        OwnerId: ACCOUNT_ID,
        CreationToken: fileSystemId,
        CreationTime: new Date(Date.UTC(2025, 0, 1)),
        LifeCycleState: 'available',
        NumberOfMountTargets: mountTargets.length,
        SizeInBytes: { Value: 6144 },
        PerformanceMode: 'generalPurpose',
        Tags: [{ Key: 'Name', Value: `data-${fsIndex}` }],
        Name: `data-${fsIndex}`,
        Policy: random() < 0.6 ? TLS_POLICY : null,
        MountTargets: mountTargets,
      });
      accessPoints.push({
        AccessPointId: `fsap-${fsIndex.toString(16).padStart(17, '0')}`,
        AccessPointArn: `arn:aws:elasticfilesystem:${REGION}:${ACCOUNT_ID}:access-point/fsap-${fsIndex.toString(16).padStart(17, '0')}`,
        FileSystemId: fileSystemId,
        OwnerId: ACCOUNT_ID,
        LifeCycleState: 'available',
        ...(random() < 0.8 ? { PosixUser: { Uid: 1000 + f, Gid: 1000 } } : {}),
        RootDirectory: { Path: random() < 0.8 ? `/app-${f}` : '/' },
      });
    }

    // The rest of the interfaces: instances, about 40% of them EFS clients.
    const remaining = shape.interfacesPerVpc - shape.fileSystemsPerVpc * shape.mountTargetsPerFileSystem;
    for (let i = 0; i < remaining; i++) {
      const subnetIndex = i % shape.subnetsPerVpc;
      const ip = allocate(subnetIndex);
      const groups = random() < 0.4 ? [pick(clientGroups), pick(appGroups)] : [pick(appGroups)];
      networkInterfaces.push({
        NetworkInterfaceId: hexId('eni', ++eniCounter),
        SubnetId: subnetIds[subnetIndex],
        VpcId: vpcId,
        OwnerId: ACCOUNT_ID,
        AvailabilityZone: AZS[subnetIndex % AZS.length],
        InterfaceType: 'interface',
        RequesterManaged: false,
        Description: '',
        PrivateIpAddress: ip,
        PrivateIpAddresses: [{ PrivateIpAddress: ip, Primary: true }],
        Ipv6Addresses: [],
        Groups: [...new Set(groups)].map((GroupId) => ({ GroupId })),
        Attachment: { InstanceId: hexId('i', eniCounter), Status: 'attached' },
        Status: 'in-use',
      });
    }
  }

  // AWS lists resources in no id order, so neither does the file. Generated in id order, every sort of
  // the normaliser was linear and every pass over the topology walked memory in order: until
  // 2026-12-01 that made the scale-16 scan about 1.3 s faster than on the same account shuffled.
  const order = mulberry32(seed * 31 + scale);
  const shuffled = <T>(items: T[]): T[] => {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(order() * (i + 1));
      [items[i], items[j]] = [items[j] as T, items[i] as T];
    }
    return items;
  };
  return {
    format: SNAPSHOT_FORMAT,
    accountId: ACCOUNT_ID,
    region: REGION,
    routing: generateRouting(vpcs),
    vpcs: shuffled(vpcs),
    subnets: shuffled(subnets),
    securityGroups: shuffled(securityGroups),
    networkInterfaces: shuffled(networkInterfaces),
    networkAcls: shuffled(networkAcls),
    managedPrefixLists: shuffled(prefixLists),
    fileSystems: shuffled(fileSystems),
    accessPoints: shuffled(accessPoints),
    iam: generateIam(shape.roles),
  };
}
