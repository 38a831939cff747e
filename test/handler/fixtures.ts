// A small recorded region (SDK shapes, as the loaders return them) for handler tests:
// fs-good's mount target admits NFS only from sg-client (COMPLIANT); fs-open's mount target carries
// sg-open, which admits NFS from 0.0.0.0/0 (NON_COMPLIANT). sg-client is on a client interface.
import type { SecurityGroup } from '@aws-sdk/client-ec2';
import type { Snapshot } from '../../aws/snapshot';
import { MOTO_ACCOUNT_ID } from '../helpers/accounts';

const VPC = 'vpc-0a1b2c3d4e5f60718';
const SUBNET = 'subnet-0a1a2a3a4a5a6a7a8';

export function securityGroup(groupId: string, ingress: SecurityGroup['IpPermissions'] = []): SecurityGroup {
  return {
    GroupId: groupId,
    GroupName: groupId,
    VpcId: VPC,
    OwnerId: MOTO_ACCOUNT_ID,
    Description: groupId,
    IpPermissions: ingress,
    IpPermissionsEgress: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
  };
}

function mountTarget(fileSystemId: string, index: number, groupId: string) {
  return {
    MountTargetId: `fsmt-0${index}`,
    FileSystemId: fileSystemId,
    OwnerId: MOTO_ACCOUNT_ID,
    SubnetId: SUBNET,
    VpcId: VPC,
    AvailabilityZoneName: 'us-east-1a',
    IpAddress: `10.0.1.${100 + index}`,
    NetworkInterfaceId: `eni-0mt${index}`,
    LifeCycleState: 'available' as const,
    SecurityGroups: [groupId],
  };
}

function fileSystem(fileSystemId: string, index: number, groupId: string) {
  return {
    FileSystemId: fileSystemId,
    FileSystemArn: `arn:aws:elasticfilesystem:us-east-1:${MOTO_ACCOUNT_ID}:file-system/${fileSystemId}`,
    OwnerId: MOTO_ACCOUNT_ID,
    CreationToken: fileSystemId,
    CreationTime: new Date('2025-01-01T00:00:00Z'),
    LifeCycleState: 'available' as const,
    NumberOfMountTargets: 1,
    SizeInBytes: { Value: 0 },
    PerformanceMode: 'generalPurpose' as const,
    Tags: [],
    Policy: null,
    MountTargets: [mountTarget(fileSystemId, index, groupId)],
  };
}

const NFS_FROM_CLIENT = [
  {
    IpProtocol: 'tcp',
    FromPort: 2049,
    ToPort: 2049,
    UserIdGroupPairs: [{ GroupId: 'sg-client', UserId: MOTO_ACCOUNT_ID }],
  },
];
const NFS_FROM_WORLD = [
  { IpProtocol: 'tcp', FromPort: 2049, ToPort: 2049, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
];

/** The region; `extraGroups` adds that many open groups on mount targets of extra file systems. */
export function regionSnapshot(options: { extraFileSystems?: number; accountId?: string } = {}): Snapshot {
  const extra = Array.from({ length: options.extraFileSystems ?? 0 }, (_, i) => i);
  return {
    accountId: options.accountId ?? MOTO_ACCOUNT_ID,
    region: 'us-east-1',
    vpcs: [{ VpcId: VPC, OwnerId: MOTO_ACCOUNT_ID, CidrBlock: '10.0.0.0/16' }],
    subnets: [{ SubnetId: SUBNET, VpcId: VPC, AvailabilityZone: 'us-east-1a', CidrBlock: '10.0.1.0/24' }],
    securityGroups: [
      securityGroup('sg-mt', NFS_FROM_CLIENT),
      securityGroup('sg-open', NFS_FROM_WORLD),
      securityGroup('sg-client'),
      ...extra.map((i) => securityGroup(`sg-extra-${i}`, NFS_FROM_WORLD)),
    ],
    networkInterfaces: [
      {
        NetworkInterfaceId: 'eni-client',
        SubnetId: SUBNET,
        VpcId: VPC,
        OwnerId: MOTO_ACCOUNT_ID,
        AvailabilityZone: 'us-east-1a',
        InterfaceType: 'interface',
        RequesterManaged: false,
        Description: 'web',
        PrivateIpAddress: '10.0.1.10',
        PrivateIpAddresses: [{ PrivateIpAddress: '10.0.1.10', Primary: true }],
        Groups: [{ GroupId: 'sg-client', GroupName: 'sg-client' }],
      },
    ],
    networkAcls: [],
    managedPrefixLists: [],
    fileSystems: [
      fileSystem('fs-good', 1, 'sg-mt'),
      fileSystem('fs-open', 2, 'sg-open'),
      ...extra.map((i) => fileSystem(`fs-extra-${i}`, 10 + i, `sg-extra-${i}`)),
    ],
    accessPoints: [],
  };
}

/** The neighbourhood slice of a snapshot: only what mentions one of the ids (a crude stand-in loader). */
export function sliceSnapshot(snapshot: Snapshot, ids: readonly string[]): Snapshot {
  const wanted = new Set(ids);
  const fileSystems = snapshot.fileSystems.filter(
    (fs) =>
      wanted.has(fs.FileSystemId ?? '') ||
      fs.MountTargets.some((mt) => mt.SecurityGroups.some((g) => wanted.has(g))),
  );
  const groupIds = new Set([
    ...wanted,
    ...fileSystems.flatMap((fs) => fs.MountTargets.flatMap((mt) => mt.SecurityGroups)),
  ]);
  // Groups that the selected groups reference must resolve too.
  for (const group of snapshot.securityGroups.filter((g) => groupIds.has(g.GroupId ?? ''))) {
    for (const permission of group.IpPermissions ?? []) {
      for (const pair of permission.UserIdGroupPairs ?? []) if (pair.GroupId) groupIds.add(pair.GroupId);
    }
  }
  return {
    ...snapshot,
    securityGroups: snapshot.securityGroups.filter((group) => groupIds.has(group.GroupId ?? '')),
    fileSystems,
  };
}
