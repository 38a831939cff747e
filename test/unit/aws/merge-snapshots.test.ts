// One region's snapshots of several accounts, merged where they meet: a shared VPC seen by its owner and a
// participant is one VPC, the owner's network ACL is in view of the participant's mount target and
// client, and each verdict goes to the account that owns the resource.

import { emptySnapshot, type Snapshot } from '../../../aws/snapshot/format';
import { mergeRegionSnapshots } from '../../../aws/snapshot/merge';
import { withDefaultParameters } from '../../../cli/configured-rules';
import { evaluateTargets } from '../../../cli/targets';
import { efsMountTargetNfsIngress } from '../../../core/rules/efs-mount-target-nfs-ingress';
import { efsNfsNetworkAcl } from '../../../core/rules/efs-nfs-network-acl';
import { ACCOUNT, OTHER_ACCOUNT } from '../../helpers/accounts';

const REGION = 'eu-west-1';
const VPC = { VpcId: 'vpc-shared', OwnerId: ACCOUNT, CidrBlock: '10.0.0.0/16' };
const SUBNETS = [
  { SubnetId: 'subnet-1', VpcId: 'vpc-shared', AvailabilityZone: 'eu-west-1a', CidrBlock: '10.0.1.0/24' },
  { SubnetId: 'subnet-2', VpcId: 'vpc-shared', AvailabilityZone: 'eu-west-1b', CidrBlock: '10.0.2.0/24' },
];
const nfs = (peer: object) => ({ IpProtocol: 'tcp', FromPort: 2049, ToPort: 2049, ...peer });
const allOut = { IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] };

/** The VPC owner: the VPC, its subnets and the network ACL of both subnets, which blocks NFS. */
const owner: Snapshot = emptySnapshot(ACCOUNT, REGION, {
  parts: ['network'],
  vpcs: [VPC],
  subnets: SUBNETS,
  networkAcls: [
    {
      NetworkAclId: 'acl-owner',
      VpcId: 'vpc-shared',
      OwnerId: ACCOUNT,
      IsDefault: false,
      Entries: [
        { RuleNumber: 100, Egress: false, RuleAction: 'deny', Protocol: '-1', CidrBlock: '0.0.0.0/0' },
        { RuleNumber: 100, Egress: true, RuleAction: 'allow', Protocol: '-1', CidrBlock: '0.0.0.0/0' },
      ],
      Associations: [{ SubnetId: 'subnet-1' }, { SubnetId: 'subnet-2' }],
    },
  ],
});

/** A participant: a client in subnet-1 and a mount target in subnet-2 of the shared VPC; it cannot see the ACL. */
const participant: Snapshot = emptySnapshot(OTHER_ACCOUNT, REGION, {
  parts: ['network'],
  vpcs: [VPC],
  subnets: SUBNETS,
  securityGroups: [
    {
      GroupId: 'sg-client',
      VpcId: 'vpc-shared',
      OwnerId: OTHER_ACCOUNT,
      IpPermissions: [],
      IpPermissionsEgress: [allOut],
    },
    {
      GroupId: 'sg-mt',
      VpcId: 'vpc-shared',
      OwnerId: OTHER_ACCOUNT,
      IpPermissions: [nfs({ UserIdGroupPairs: [{ GroupId: 'sg-client', UserId: OTHER_ACCOUNT }] })],
      IpPermissionsEgress: [allOut],
    },
  ],
  networkInterfaces: [
    {
      NetworkInterfaceId: 'eni-client',
      SubnetId: 'subnet-1',
      VpcId: 'vpc-shared',
      OwnerId: OTHER_ACCOUNT,
      AvailabilityZone: 'eu-west-1a',
      InterfaceType: 'interface',
      PrivateIpAddress: '10.0.1.10',
      PrivateIpAddresses: [{ PrivateIpAddress: '10.0.1.10', Primary: true }],
      Groups: [{ GroupId: 'sg-client' }],
    },
    {
      NetworkInterfaceId: 'eni-mt',
      SubnetId: 'subnet-2',
      VpcId: 'vpc-shared',
      OwnerId: OTHER_ACCOUNT,
      AvailabilityZone: 'eu-west-1b',
      InterfaceType: 'interface',
      RequesterManaged: true,
      PrivateIpAddress: '10.0.2.10',
      PrivateIpAddresses: [{ PrivateIpAddress: '10.0.2.10', Primary: true }],
      Groups: [{ GroupId: 'sg-mt' }],
    },
  ],
  fileSystems: [
    {
      FileSystemId: 'fs-p',
      FileSystemArn: `arn:aws:elasticfilesystem:${REGION}:${OTHER_ACCOUNT}:file-system/fs-p`,
      OwnerId: OTHER_ACCOUNT,
      MountTargets: [
        {
          MountTargetId: 'fsmt-p',
          FileSystemId: 'fs-p',
          OwnerId: OTHER_ACCOUNT,
          SubnetId: 'subnet-2',
          VpcId: 'vpc-shared',
          AvailabilityZoneName: 'eu-west-1b',
          IpAddress: '10.0.2.10',
          NetworkInterfaceId: 'eni-mt',
          LifeCycleState: 'available',
          SecurityGroups: ['sg-mt'],
        },
      ],
    },
  ] as Snapshot['fileSystems'],
});

describe('mergeRegionSnapshots', () => {
  it('holds each resource once and credits it to its owner', () => {
    const merged = mergeRegionSnapshots([owner, participant]);
    expect(merged.snapshot.vpcs).toHaveLength(1);
    expect(merged.snapshot.subnets).toHaveLength(2);
    expect(merged.snapshot.parts).toEqual(['network']);
    expect(merged.accountOf({ resourceType: 'AWS::EC2::NetworkAcl', resourceId: 'acl-owner' })).toBe(ACCOUNT);
    expect(merged.accountOf({ resourceType: 'AWS::EC2::SecurityGroup', resourceId: 'sg-mt' })).toBe(
      OTHER_ACCOUNT,
    );
  });
});

describe('evaluateTargets across a shared VPC', () => {
  const targets = [owner, participant].map((snapshot) => ({
    accountId: snapshot.accountId,
    region: snapshot.region,
    snapshot,
  }));

  it("judges the owner's network ACL on the participant's NFS path, and credits the verdict to the owner", () => {
    const [ownerResult, participantResult] = evaluateTargets(
      targets,
      withDefaultParameters([efsNfsNetworkAcl, efsMountTargetNfsIngress]),
    );
    expect(ownerResult?.evaluations).toContainEqual(
      expect.objectContaining({ resourceId: 'acl-owner', complianceType: 'NON_COMPLIANT' }),
    );
    expect(participantResult?.evaluations.map((evaluation) => evaluation.resourceId)).not.toContain(
      'acl-owner',
    );
    expect(participantResult?.evaluations).toContainEqual(
      expect.objectContaining({ resourceId: 'sg-mt', complianceType: 'COMPLIANT' }),
    );
  });

  it('without the owner scanned, the participant alone has no ACL to judge', () => {
    const [alone] = evaluateTargets(
      [targets[1] as (typeof targets)[number]],
      withDefaultParameters([efsNfsNetworkAcl]),
    );
    expect(alone?.evaluations.map((evaluation) => evaluation.resourceId)).not.toContain('acl-owner');
  });
});
