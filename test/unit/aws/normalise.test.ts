import { SnapshotError } from '../../../aws/sdk/errors';
import { emptySnapshot, type Snapshot } from '../../../aws/snapshot/format';
import { normaliseSnapshot } from '../../../aws/snapshot/normalise';
import { normaliseSecurityGroups } from '../../../aws/snapshot/normalise-security-groups';
import { MAX_REPORTED_ISSUES, parseSnapshot } from '../../../aws/snapshot/schema';
import { ALL } from '../../../core/model';
import { efsApiLeastPrivilege } from '../../../core/rules/efs-api-least-privilege';
import { TopologyPartMissingError } from '../../../core/rules/types';
import { ACCOUNT } from '../../helpers/accounts';

function snapshot(overrides: Partial<Snapshot> = {}): Snapshot {
  return emptySnapshot(ACCOUNT, 'eu-west-1', overrides);
}

describe('normaliseSnapshot', () => {
  it('flattens every peer of a permission into its own Permission and fills the owner as userId', () => {
    const topology = normaliseSnapshot(
      snapshot({
        securityGroups: [
          {
            GroupId: 'sg-mt',
            GroupName: 'mt',
            VpcId: 'vpc-1',
            OwnerId: ACCOUNT,
            IpPermissions: [
              {
                IpProtocol: '6',
                FromPort: 2049,
                ToPort: 2049,
                IpRanges: [{ CidrIp: '10.0.0.0/16', Description: 'vpc' }],
                Ipv6Ranges: [{ CidrIpv6: '::/0' }],
                PrefixListIds: [{ PrefixListId: 'pl-1' }],
                UserIdGroupPairs: [{ GroupId: 'sg-a' }, { GroupId: 'sg-x', UserId: '111122223333' }],
              },
            ],
            IpPermissionsEgress: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
          },
        ],
      }),
    );
    const group = topology.securityGroups[0];
    const nfs = { protocol: 'tcp', ports: { from: 2049, to: 2049 } };
    expect(group?.ingress).toEqual([
      { ...nfs, peer: { kind: 'cidr', cidr: '10.0.0.0/16' }, description: 'vpc' },
      { ...nfs, peer: { kind: 'cidr', cidr: '::/0' } },
      { ...nfs, peer: { kind: 'prefixList', prefixListId: 'pl-1' } },
      { ...nfs, peer: { kind: 'group', groupId: 'sg-a', userId: ACCOUNT } },
      { ...nfs, peer: { kind: 'group', groupId: 'sg-x', userId: '111122223333' } },
    ]);
    expect(group?.egress).toEqual([
      { protocol: 'all', ports: { from: 0, to: 65535 }, peer: { kind: 'cidr', cidr: '0.0.0.0/0' } },
    ]);
  });

  it('takes every associated VPC block, IPv6 included, and skips disassociated ones', () => {
    const topology = normaliseSnapshot(
      snapshot({
        vpcs: [
          {
            VpcId: 'vpc-1',
            OwnerId: ACCOUNT,
            CidrBlock: '10.0.0.0/16',
            CidrBlockAssociationSet: [
              { CidrBlock: '10.0.0.0/16', CidrBlockState: { State: 'associated' } },
              { CidrBlock: '10.1.0.0/16', CidrBlockState: { State: 'associated' } },
              { CidrBlock: '10.2.0.0/16', CidrBlockState: { State: 'disassociated' } },
            ],
            Ipv6CidrBlockAssociationSet: [
              { Ipv6CidrBlock: '2001:db8::/56', Ipv6CidrBlockState: { State: 'associated' } },
            ],
          },
        ],
      }),
    );
    expect(topology.vpcs[0]?.cidrBlocks).toEqual(['10.0.0.0/16', '10.1.0.0/16', '2001:db8::/56']);
  });

  it('puts the primary private IP first and normalises ACL entries without PortRange to all ports', () => {
    const topology = normaliseSnapshot(
      snapshot({
        networkInterfaces: [
          {
            NetworkInterfaceId: 'eni-1',
            SubnetId: 'subnet-1',
            VpcId: 'vpc-1',
            OwnerId: ACCOUNT,
            PrivateIpAddresses: [
              { PrivateIpAddress: '10.0.0.9', Primary: false },
              { PrivateIpAddress: '10.0.0.5', Primary: true },
            ],
            Ipv6Addresses: [{ Ipv6Address: '2001:db8::5' }],
            Groups: [{ GroupId: 'sg-a' }],
          },
        ],
        networkAcls: [
          {
            NetworkAclId: 'acl-1',
            VpcId: 'vpc-1',
            OwnerId: ACCOUNT,
            IsDefault: false,
            Entries: [
              {
                RuleNumber: 32767,
                Egress: false,
                RuleAction: 'deny',
                Protocol: '-1',
                CidrBlock: '0.0.0.0/0',
              },
              {
                RuleNumber: 100,
                Egress: false,
                RuleAction: 'allow',
                Protocol: '6',
                CidrBlock: '10.0.0.0/8',
                PortRange: { From: 2049, To: 2049 },
              },
            ],
            Associations: [{ SubnetId: 'subnet-1' }],
          },
        ],
      }),
    );
    expect(topology.networkInterfaces[0]).toMatchObject({
      primaryPrivateIp: '10.0.0.5',
      privateIpAddresses: ['10.0.0.5', '10.0.0.9'],
      ipv6Addresses: ['2001:db8::5'],
      groupIds: ['sg-a'],
    });
    expect(topology.networkAcls[0]?.entries).toEqual([
      {
        ruleNumber: 100,
        egress: false,
        action: 'allow',
        protocol: 'tcp',
        cidr: '10.0.0.0/8',
        ports: { from: 2049, to: 2049 },
      },
      {
        ruleNumber: 32767,
        egress: false,
        action: 'deny',
        protocol: 'all',
        cidr: '0.0.0.0/0',
        ports: { from: 0, to: 65535 },
      },
    ]);
    expect(topology.networkAcls[0]?.subnetIds).toEqual(['subnet-1']);
  });

  it('keeps customer-managed policies only and URL-decodes IAM documents', () => {
    const doc = encodeURIComponent(
      '{"Statement":[{"Effect":"Allow","Action":"elasticfilesystem:*","Resource":"*"}]}',
    );
    const topology = normaliseSnapshot(
      snapshot({
        iam: {
          Policies: [
            {
              PolicyName: 'mine',
              PolicyId: 'P1',
              Arn: `arn:aws:iam::${ACCOUNT}:policy/mine`,
              DefaultVersionId: 'v2',
              PolicyVersionList: [
                { VersionId: 'v1', Document: '%7B%7D', IsDefaultVersion: false },
                { VersionId: 'v2', Document: doc, IsDefaultVersion: true },
              ],
            },
            {
              PolicyName: 'AmazonElasticFileSystemFullAccess',
              PolicyId: 'P2',
              Arn: 'arn:aws:iam::aws:policy/AmazonElasticFileSystemFullAccess',
              PolicyVersionList: [{ VersionId: 'v1', Document: doc, IsDefaultVersion: true }],
            },
          ],
          RoleDetailList: [
            {
              RoleId: 'AROA1',
              RoleName: 'app',
              Arn: `arn:aws:iam::${ACCOUNT}:role/app`,
              RolePolicyList: [{ PolicyName: 'inline', PolicyDocument: doc }],
              AttachedManagedPolicies: [{ PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/mine` }],
            },
          ],
        },
      }),
    );
    expect(topology.iam?.policies.map((policy) => policy.arn)).toEqual([
      `arn:aws:iam::${ACCOUNT}:policy/mine`,
    ]);
    expect(JSON.parse(topology.iam?.policies[0]?.document ?? '')).toHaveProperty('Statement');
    expect(topology.iam?.principals[0]).toMatchObject({
      kind: 'role',
      id: 'AROA1',
      attachedPolicyArns: [`arn:aws:iam::${ACCOUNT}:policy/mine`],
    });
    expect(topology.iam?.principals[0]?.inlinePolicies[0]?.document).toContain('elasticfilesystem:*');
  });

  it('fills access-point root directory and mount-target groups from the snapshot', () => {
    const topology = normaliseSnapshot(
      snapshot({
        subnets: [
          { SubnetId: 'subnet-1', VpcId: 'vpc-1', AvailabilityZone: 'eu-west-1a', CidrBlock: '10.0.0.0/24' },
        ],
        fileSystems: [
          {
            FileSystemId: 'fs-1',
            FileSystemArn: 'arn:fs-1',
            OwnerId: ACCOUNT,
            Policy: null,
            MountTargets: [
              {
                MountTargetId: 'fsmt-1',
                FileSystemId: 'fs-1',
                OwnerId: ACCOUNT,
                SubnetId: 'subnet-1',
                IpAddress: '10.0.0.4',
                NetworkInterfaceId: 'eni-mt',
                LifeCycleState: 'available',
                SecurityGroups: ['sg-mt'],
              },
            ],
          },
        ] as never,
        accessPoints: [
          { AccessPointId: 'fsap-1', AccessPointArn: 'arn:fsap-1', FileSystemId: 'fs-1', OwnerId: ACCOUNT },
        ],
      }),
    );
    expect(topology.fileSystems[0]?.policy).toBeNull();
    expect(topology.mountTargets[0]).toMatchObject({ vpcId: 'vpc-1', securityGroupIds: ['sg-mt'] });
    expect(topology.accessPoints[0]).toEqual({
      accessPointId: 'fsap-1',
      accessPointArn: 'arn:fsap-1',
      fileSystemId: 'fs-1',
      ownerId: ACCOUNT,
      rootDirectory: '/',
    });
  });

  it('normalises an interface of an IPv6-only subnet: no primary IPv4 address, its IPv6 addresses kept', () => {
    const topology = normaliseSnapshot(
      snapshot({
        networkInterfaces: [
          {
            NetworkInterfaceId: 'eni-v6',
            SubnetId: 'subnet-v6',
            VpcId: 'vpc-1',
            OwnerId: ACCOUNT,
            PrivateIpAddresses: [],
            Ipv6Addresses: [{ Ipv6Address: '2001:db8:0:1::5' }, { Ipv6Address: '2001:db8:0:1::6' }],
            Groups: [{ GroupId: 'sg-a' }],
          },
        ],
      }),
    );
    const eni = topology.networkInterfaces[0];
    expect(eni).toMatchObject({
      networkInterfaceId: 'eni-v6',
      privateIpAddresses: [],
      ipv6Addresses: ['2001:db8:0:1::5', '2001:db8:0:1::6'],
      groupIds: ['sg-a'],
    });
    expect(eni?.primaryPrivateIp).toBeUndefined();
  });

  it('gives every interface the same members, and one shared empty list for a missing family', () => {
    const topology = normaliseSnapshot(
      snapshot({
        networkInterfaces: [
          {
            NetworkInterfaceId: 'eni-plain',
            SubnetId: 'subnet-1',
            VpcId: 'vpc-1',
            OwnerId: ACCOUNT,
            PrivateIpAddress: '10.0.0.5',
            PrivateIpAddresses: [{ PrivateIpAddress: '10.0.0.5', Primary: true }],
            Groups: [{ GroupId: 'sg-a' }, { GroupId: 'sg-b' }],
          },
          {
            NetworkInterfaceId: 'eni-full',
            SubnetId: 'subnet-1',
            VpcId: 'vpc-1',
            OwnerId: ACCOUNT,
            RequesterId: 'amazon-elb',
            RequesterManaged: true,
            PrivateIpAddress: '10.0.0.6',
            PrivateIpAddresses: [
              { PrivateIpAddress: '10.0.0.6', Primary: true },
              { PrivateIpAddress: '10.0.0.7', Primary: false },
            ],
            Ipv6Addresses: [{ Ipv6Address: '2001:db8::6' }],
            Groups: [{ GroupId: 'sg-a' }],
            Attachment: { InstanceId: 'i-1' },
          },
          { NetworkInterfaceId: 'eni-none', SubnetId: 'subnet-1', VpcId: 'vpc-1', OwnerId: ACCOUNT },
        ],
      }),
    );
    const byId = (id: string) => topology.networkInterfaces.find((eni) => eni.networkInterfaceId === id);
    const [plain, full, none] = [byId('eni-plain'), byId('eni-full'), byId('eni-none')];
    // The same members in the same order (one hidden class), whatever the interface carries.
    expect(Object.keys(plain ?? {})).toEqual(Object.keys(full ?? {}));
    expect(Object.keys(none ?? {})).toEqual(Object.keys(full ?? {}));
    expect(full).toMatchObject({
      requesterId: 'amazon-elb',
      primaryPrivateIp: '10.0.0.6',
      privateIpAddresses: ['10.0.0.6', '10.0.0.7'],
      ipv6Addresses: ['2001:db8::6'],
      groupIds: ['sg-a'],
      attachedInstanceId: 'i-1',
    });
    expect(plain).toMatchObject({ privateIpAddresses: ['10.0.0.5'], groupIds: ['sg-a', 'sg-b'] });
    expect(plain?.requesterId).toBeUndefined();
    expect(plain?.attachedInstanceId).toBeUndefined();
    // No address of a family: the one shared, frozen empty list.
    expect(plain?.ipv6Addresses).toBe(none?.privateIpAddresses);
    expect(Object.isFrozen(none?.privateIpAddresses)).toBe(true);
    expect(none?.privateIpAddresses).toEqual([]);
  });

  it('normalises IPV6_ONLY (no IpAddress) and DUAL_STACK mount targets', () => {
    const mountTarget = (id: string, addresses: Record<string, string>) => ({
      MountTargetId: id,
      FileSystemId: 'fs-1',
      OwnerId: ACCOUNT,
      SubnetId: 'subnet-1',
      VpcId: 'vpc-1',
      NetworkInterfaceId: `eni-${id}`,
      SecurityGroups: ['sg-mt'],
      ...addresses,
    });
    const topology = normaliseSnapshot(
      snapshot({
        fileSystems: [
          {
            FileSystemId: 'fs-1',
            FileSystemArn: 'arn:fs-1',
            OwnerId: ACCOUNT,
            Policy: null,
            MountTargets: [
              mountTarget('fsmt-1', { Ipv6Address: '2001:db8:0:1::4' }),
              mountTarget('fsmt-2', {
                IpAddress: '10.0.2.4',
                Ipv6Address: '2001:db8:0:2::4',
              }),
            ],
          },
        ] as never,
      }),
    );
    expect(topology.mountTargets[0]).toMatchObject({
      mountTargetId: 'fsmt-1',
      ipv6Address: '2001:db8:0:1::4',
    });
    expect(topology.mountTargets[0]).not.toHaveProperty('ipAddress');
    expect(topology.mountTargets[1]).toMatchObject({ ipAddress: '10.0.2.4', ipv6Address: '2001:db8:0:2::4' });
  });

  it('keeps an interface with no address (efa-only) but refuses a mount target with none, naming it', () => {
    const eni = snapshot({
      networkInterfaces: [
        {
          NetworkInterfaceId: 'eni-efa',
          SubnetId: 'subnet-1',
          VpcId: 'vpc-1',
          OwnerId: ACCOUNT,
          InterfaceType: 'efa-only' as never,
          PrivateIpAddresses: [],
          Ipv6Addresses: [],
          Groups: [{ GroupId: 'sg-1' }],
        },
      ],
    });
    expect(normaliseSnapshot(eni).networkInterfaces[0]).toMatchObject({
      networkInterfaceId: 'eni-efa',
      interfaceType: 'efa-only',
      privateIpAddresses: [],
      ipv6Addresses: [],
    });
    expect(normaliseSnapshot(eni).networkInterfaces[0]?.primaryPrivateIp).toBeUndefined();
    const mt = snapshot({
      fileSystems: [
        {
          FileSystemId: 'fs-1',
          FileSystemArn: 'arn:fs-1',
          OwnerId: ACCOUNT,
          MountTargets: [
            {
              MountTargetId: 'fsmt-bare',
              FileSystemId: 'fs-1',
              OwnerId: ACCOUNT,
              SubnetId: 'subnet-1',
              VpcId: 'vpc-1',
              NetworkInterfaceId: 'eni-mt',
              SecurityGroups: ['sg-mt'],
            },
          ],
        },
      ] as never,
    });
    expect(() => normaliseSnapshot(mt)).toThrow(
      'mount target fsmt-bare: missing IpAddress or Ipv6Address (it has no address)',
    );
  });

  it('still refuses IPv4 addresses of which none is marked primary', () => {
    const eni = snapshot({
      networkInterfaces: [
        {
          NetworkInterfaceId: 'eni-1',
          SubnetId: 'subnet-1',
          VpcId: 'vpc-1',
          OwnerId: ACCOUNT,
          PrivateIpAddresses: [{ PrivateIpAddress: '10.0.0.9', Primary: false }],
          Ipv6Addresses: [{ Ipv6Address: '2001:db8::5' }],
        },
      ],
    });
    expect(() => normaliseSnapshot(eni)).toThrow('network interface eni-1: missing PrivateIpAddress');
  });

  it('accepts IAM documents saved as JSON objects (AWS CLI, boto3) as well as text', () => {
    const statement = { Effect: 'Allow', Action: 'elasticfilesystem:*', Resource: '*' };
    const recorded = {
      ...snapshot(),
      iam: {
        Policies: [
          {
            PolicyName: 'mine',
            PolicyId: 'P1',
            Arn: `arn:aws:iam::${ACCOUNT}:policy/mine`,
            DefaultVersionId: 'v1',
            PolicyVersionList: [
              {
                VersionId: 'v1',
                IsDefaultVersion: true,
                Document: { Version: '2012-10-17', Statement: [statement] },
              },
            ],
          },
        ],
        RoleDetailList: [
          {
            RoleId: 'AROA1',
            RoleName: 'app',
            Arn: `arn:aws:iam::${ACCOUNT}:role/app`,
            RolePolicyList: [{ PolicyName: 'inline', PolicyDocument: { Statement: statement } }],
          },
        ],
      },
    };
    const topology = normaliseSnapshot(parseSnapshot(recorded, 'cli.json'));
    expect(JSON.parse(topology.iam?.policies[0]?.document ?? '')).toEqual({
      Version: '2012-10-17',
      Statement: [statement],
    });
    expect(JSON.parse(topology.iam?.principals[0]?.inlinePolicies[0]?.document ?? '')).toEqual({
      Statement: statement,
    });
  });

  it('accepts absent VPC and ACL OwnerId, FileSystemArn and AccessPointArn, deriving the ARNs', () => {
    const recorded = {
      ...emptySnapshot(ACCOUNT, 'cn-north-1'),
      vpcs: [{ VpcId: 'vpc-1', CidrBlock: '10.0.0.0/16' }],
      networkAcls: [{ NetworkAclId: 'acl-1', VpcId: 'vpc-1', Entries: [] }],
      fileSystems: [{ FileSystemId: 'fs-1', OwnerId: '210987654321', MountTargets: [] }],
      accessPoints: [{ AccessPointId: 'fsap-1', FileSystemId: 'fs-1', OwnerId: ACCOUNT }],
    };
    const topology = normaliseSnapshot(parseSnapshot(recorded, 'old.json'));
    expect(topology.vpcs[0]?.ownerId).toBe(ACCOUNT);
    expect(topology.networkAcls[0]?.ownerId).toBe(ACCOUNT);
    expect(topology.fileSystems[0]?.fileSystemArn).toBe(
      'arn:aws-cn:elasticfilesystem:cn-north-1:210987654321:file-system/fs-1',
    );
    expect(topology.accessPoints[0]?.accessPointArn).toBe(
      `arn:aws-cn:elasticfilesystem:cn-north-1:${ACCOUNT}:access-point/fsap-1`,
    );
  });

  it('fills the parts of a snapshot recorded before parts existed, so a rule still refuses what it lacks', () => {
    const legacy = snapshot();
    expect(legacy.parts).toBeUndefined();
    const topology = normaliseSnapshot(legacy);
    // Every part but IAM, which such a file holds only when it recorded `iam`.
    expect(topology.parts).toEqual(['network', 'fileSystemPolicies', 'accessPoints']);
    expect(() => efsApiLeastPrivilege.evaluate(topology, ALL)).toThrow(TopologyPartMissingError);
    expect(() => efsApiLeastPrivilege.evaluate(topology, ALL)).toThrow(/needs iam loaded/);
  });

  it('names the resource when a shape is bad', () => {
    const bad = snapshot({
      securityGroups: [
        { GroupId: 'sg-1', VpcId: 'vpc-1', OwnerId: ACCOUNT, IpPermissions: [{ IpProtocol: 'banana' }] },
      ],
    });
    expect(() => normaliseSnapshot(bad)).toThrow(SnapshotError);
    expect(() => normaliseSnapshot(bad)).toThrow(
      /security group sg-1 IpPermissions\[0\]: invalid protocol "banana"/,
    );
  });
});

describe('parseSnapshot', () => {
  it('accepts a valid snapshot and keeps fields it does not read', () => {
    const parsed = parseSnapshot({
      ...snapshot(),
      vpcs: [{ VpcId: 'vpc-1', OwnerId: ACCOUNT, Tags: [{ Key: 'a' }] }],
    });
    expect(parsed.vpcs[0]).toEqual({ VpcId: 'vpc-1', OwnerId: ACCOUNT, Tags: [{ Key: 'a' }] });
  });

  it('accepts an IPV6_ONLY mount target, which has no IpAddress', () => {
    const parsed = parseSnapshot({
      ...snapshot(),
      fileSystems: [
        {
          FileSystemId: 'fs-1',
          FileSystemArn: 'arn:fs-1',
          OwnerId: ACCOUNT,
          MountTargets: [
            {
              MountTargetId: 'fsmt-1',
              FileSystemId: 'fs-1',
              OwnerId: ACCOUNT,
              SubnetId: 'subnet-1',
              Ipv6Address: '2001:db8::4',
              NetworkInterfaceId: 'eni-mt',
              SecurityGroups: ['sg-mt'],
            },
          ],
        },
      ],
    });
    expect(parsed.fileSystems[0]?.MountTargets[0]?.Ipv6Address).toBe('2001:db8::4');
  });

  const group = (id: string, cidr = '10.0.0.0/8') => ({
    GroupId: id,
    VpcId: 'vpc-1',
    OwnerId: ACCOUNT,
    IpPermissions: [{ IpProtocol: 'tcp', FromPort: 2049, ToPort: 2049, IpRanges: [{ CidrIp: cidr }] }],
  });
  const fileSystem = (id: string, mountTargetId: string, groups: string[]) => ({
    FileSystemId: id,
    OwnerId: ACCOUNT,
    MountTargets: [
      {
        MountTargetId: mountTargetId,
        FileSystemId: id,
        OwnerId: ACCOUNT,
        SubnetId: 'subnet-1',
        IpAddress: '10.0.0.4',
        NetworkInterfaceId: `eni-${mountTargetId}`,
        SecurityGroups: groups,
      },
    ],
  });

  it('refuses a duplicate resource id, naming the id and both positions', () => {
    const value = {
      ...snapshot(),
      securityGroups: [group('sg-1'), group('sg-2'), group('sg-1', '0.0.0.0/0')],
    };
    expect(() => parseSnapshot(value, 'merged.json')).toThrow(
      'merged.json: invalid snapshot at securityGroups[2].GroupId: duplicate security group id sg-1: also at securityGroups[0]',
    );
  });

  it('refuses a mount-target id that two file systems list', () => {
    const value = {
      ...snapshot(),
      fileSystems: [fileSystem('fs-1', 'fsmt-1', ['sg-1']), fileSystem('fs-2', 'fsmt-1', ['sg-1'])],
    };
    expect(() => parseSnapshot(value, 'x.json')).toThrow(
      'at fileSystems[1].MountTargets[0].MountTargetId: duplicate mount target id fsmt-1: also at fileSystems[0].MountTargets[0]',
    );
  });

  it('refuses a mount target with an empty SecurityGroups list, naming its path and id', () => {
    const value = { ...snapshot(), fileSystems: [fileSystem('fs-1', 'fsmt-1', [])] };
    expect(() => parseSnapshot(value, 'x.json')).toThrow(
      /x\.json: invalid snapshot at fileSystems\[0\]\.MountTargets\[0\]\.SecurityGroups: empty: AWS requires 1-5 security groups per mount target.*\(mount target fsmt-1\)/,
    );
  });

  it(`reports every invalid item up to ${MAX_REPORTED_ISSUES}, each with its path and resource id`, () => {
    const groups = Array.from({ length: 25 }, (_, i) => ({ ...group(`sg-${i}`), VpcId: 7 }));
    let message = '';
    try {
      parseSnapshot({ ...snapshot(), securityGroups: groups }, 'big.json');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message.match(/ at securityGroups\[\d+\]\.VpcId: /g)).toHaveLength(MAX_REPORTED_ISSUES);
    expect(message).toContain('(security group sg-0)');
    expect(message).toContain('(security group sg-19)');
    expect(message).not.toContain('sg-20)');
    expect(message).toMatch(/\(and 5 more problems\)$/);
  });

  it.each([
    [{ ...snapshot(), accountId: '42' }, 'accountId'],
    [{ ...snapshot(), fileSystems: [{ FileSystemId: 'fs-1' }] }, 'fileSystems[0].OwnerId'],
    [{ ...snapshot(), networkAcls: undefined }, 'networkAcls'],
  ])('names the bad field %#', (value, path) => {
    expect(() => parseSnapshot(value, 'x.json')).toThrow(`x.json: invalid snapshot at ${path}:`);
  });
});

describe('normaliseSecurityGroups', () => {
  const nfs = (peer: Record<string, unknown>, description?: string) => ({
    IpProtocol: 'tcp',
    FromPort: 2049,
    ToPort: 2049,
    ...peer,
    ...(description ? { Description: description } : {}),
  });
  const group = (groupId: string, IpPermissions: unknown[]) =>
    ({ GroupId: groupId, GroupName: groupId, VpcId: 'vpc-1', OwnerId: ACCOUNT, IpPermissions }) as never;

  it('makes each distinct permission and group peer once, shared by the groups that repeat it', () => {
    const [a, b] = normaliseSecurityGroups([
      group('sg-b', [
        nfs({ IpRanges: [{ CidrIp: '10.0.0.0/16' }] }),
        nfs({ UserIdGroupPairs: [{ GroupId: 'sg-client' }] }),
      ]),
      group('sg-a', [
        nfs({ UserIdGroupPairs: [{ GroupId: 'sg-client', UserId: ACCOUNT }] }),
        nfs({ IpRanges: [{ CidrIp: '10.0.0.0/16' }] }),
      ]),
    ]);
    expect([a?.groupId, b?.groupId]).toEqual(['sg-a', 'sg-b']);
    expect(a?.ingress[0]).toBe(b?.ingress[1]);
    expect(a?.ingress[1]).toBe(b?.ingress[0]);
    expect(a?.ingress[0]).toEqual({
      protocol: 'tcp',
      ports: { from: 2049, to: 2049 },
      peer: { kind: 'group', groupId: 'sg-client', userId: ACCOUNT },
    });
  });

  it('keeps apart permissions that differ in ports, protocol, description, peer or peering', () => {
    const [only] = normaliseSecurityGroups([
      group('sg-a', [
        nfs({ IpRanges: [{ CidrIp: '10.0.0.0/16' }] }),
        nfs({ IpRanges: [{ CidrIp: '10.0.0.0/16', Description: 'app servers' }] }),
        { ...nfs({ IpRanges: [{ CidrIp: '10.0.0.0/16' }] }), FromPort: 2048 },
        { ...nfs({ IpRanges: [{ CidrIp: '10.0.0.0/16' }] }), IpProtocol: 'udp' },
        nfs({ IpRanges: [{ CidrIp: '10.1.0.0/16' }] }),
        nfs({ UserIdGroupPairs: [{ GroupId: 'sg-client' }] }),
        nfs({ UserIdGroupPairs: [{ GroupId: 'sg-client', UserId: '444455556666' }] }),
        nfs({
          UserIdGroupPairs: [
            { GroupId: 'sg-client', VpcPeeringConnectionId: 'pcx-1', PeeringStatus: 'active' },
          ],
        }),
      ]),
    ]);
    const permissions = only?.ingress ?? [];
    expect(new Set(permissions).size).toBe(8);
    expect(permissions[1]?.description).toBe('app servers');
    expect(permissions[7]?.peer).toEqual({
      kind: 'group',
      groupId: 'sg-client',
      userId: ACCOUNT,
      vpcPeeringConnectionId: 'pcx-1',
      peeringStatus: 'active',
    });
  });
});
