// Each rule's function holds only its own IAM actions (aws/load/permissions.ts, derived from the rule's
// `requires`). This proves the loaders keep to them: for every rule, the sweep and the neighbourhood
// of every resource type the rule triggers on are loaded with the rule's parts against the
// snapshot-backed fake, every command sent is mapped to its IAM action and must be one the rule's
// function holds, and the rule evaluates that load (no TopologyPartMissingError) to exactly the
// verdicts it gives on a full load of the account.
import { EC2Client } from '@aws-sdk/client-ec2';
import { EFSClient } from '@aws-sdk/client-efs';
import { IAMClient } from '@aws-sdk/client-iam';
import { STSClient } from '@aws-sdk/client-sts';
import { loadNeighbourhood, type NeighbourhoodSeed } from '../../../aws/load/neighbourhood';
import { PART_READ_ACTIONS, readActionsFor } from '../../../aws/load/permissions';
import { loadRegion } from '../../../aws/load/region';
import type { AwsClients } from '../../../aws/sdk/clients';
import type { IamSnapshot, Snapshot } from '../../../aws/snapshot/format';
import { normaliseSnapshot } from '../../../aws/snapshot/normalise';
import { ALL, type ResourceType, TOPOLOGY_PARTS, type Topology } from '../../../core/model';
import { RULES } from '../../../core/rules';
import { TopologyPartMissingError } from '../../../core/rules/types';
import { ACCOUNT, REGION } from '../../helpers/accounts';
import { buildRoutedAccount, buildTypicalAccount } from '../../helpers/fake-account';
import { type FakeAws, installFakeAws } from '../../helpers/fake-aws';

const doc = (statement: object) => JSON.stringify({ Version: '2012-10-17', Statement: [statement] });
const ADMIN = doc({ Effect: 'Allow', Action: 'elasticfilesystem:*', Resource: '*' });
const READ = doc({ Effect: 'Allow', Action: 'elasticfilesystem:Describe*', Resource: '*' });
const DELETE = doc({ Effect: 'Allow', Action: 'elasticfilesystem:DeleteFileSystem', Resource: '*' });
const policyArn = (name: string) => `arn:aws:iam::${ACCOUNT}:policy/${name}`;

/** IAM as GetAccountAuthorizationDetails returns it: documents URL-encoded, as AWS sends them. */
const IAM: IamSnapshot = {
  RoleDetailList: [
    {
      RoleName: 'app',
      RoleId: 'AROAAPP0000000000001',
      Arn: `arn:aws:iam::${ACCOUNT}:role/app`,
      RolePolicyList: [{ PolicyName: 'efs-admin', PolicyDocument: encodeURIComponent(ADMIN) }],
      AttachedManagedPolicies: [{ PolicyName: 'read', PolicyArn: policyArn('read') }],
    },
    {
      RoleName: 'reader',
      RoleId: 'AROAREADER0000000002',
      Arn: `arn:aws:iam::${ACCOUNT}:role/reader`,
      RolePolicyList: [{ PolicyName: 'read', PolicyDocument: READ }],
      AttachedManagedPolicies: [],
    },
  ],
  UserDetailList: [
    {
      UserName: 'alice',
      UserId: 'AIDAALICE00000000003',
      Arn: `arn:aws:iam::${ACCOUNT}:user/alice`,
      UserPolicyList: [],
      AttachedManagedPolicies: [{ PolicyName: 'delete', PolicyArn: policyArn('delete') }],
    },
  ],
  GroupDetailList: [
    {
      GroupName: 'ops',
      GroupId: 'AGPAOPS0000000000004',
      Arn: `arn:aws:iam::${ACCOUNT}:group/ops`,
      GroupPolicyList: [{ PolicyName: 'admin', PolicyDocument: ADMIN }],
      AttachedManagedPolicies: [],
    },
  ],
  Policies: [
    {
      PolicyName: 'read',
      PolicyId: 'ANPAREAD000000000005',
      Arn: policyArn('read'),
      DefaultVersionId: 'v1',
      AttachmentCount: 1,
      IsAttachable: true,
      PolicyVersionList: [{ VersionId: 'v1', IsDefaultVersion: true, Document: encodeURIComponent(READ) }],
    },
    {
      PolicyName: 'delete',
      PolicyId: 'ANPADELETE0000000006',
      Arn: policyArn('delete'),
      DefaultVersionId: 'v2',
      AttachmentCount: 1,
      IsAttachable: true,
      PolicyVersionList: [
        { VersionId: 'v1', IsDefaultVersion: false, Document: READ },
        { VersionId: 'v2', IsDefaultVersion: true, Document: DELETE },
      ],
    },
  ],
};

/**
 * The rich account routed to more VPCs (peering, Transit Gateway, VPN gateway), with policies, a second
 * (non-compliant) access point and IAM: every part has data.
 */
function buildAccount(): Snapshot {
  const account = buildRoutedAccount()
    .accessPoint('fsap-0002', 'fs-0002', { RootDirectory: { Path: '/' } })
    .snapshot();
  return { ...account, iam: structuredClone(IAM) };
}

/** Every resource of a type in the account, with the name and ARN a configuration item carries. */
function seedsOfType(snapshot: Snapshot, resourceType: ResourceType): NeighbourhoodSeed[] {
  const iam = snapshot.iam ?? {};
  const seeds = ((): NeighbourhoodSeed[] => {
    switch (resourceType) {
      case 'AWS::EC2::SecurityGroup':
        return snapshot.securityGroups.map((g) => ({ resourceType, resourceId: g.GroupId as string }));
      case 'AWS::EC2::NetworkInterface':
        return snapshot.networkInterfaces.map((e) => ({
          resourceType,
          resourceId: e.NetworkInterfaceId as string,
        }));
      case 'AWS::EC2::NetworkAcl':
        return snapshot.networkAcls.map((a) => ({ resourceType, resourceId: a.NetworkAclId as string }));
      case 'AWS::EFS::FileSystem':
        return snapshot.fileSystems.map((f) => ({ resourceType, resourceId: f.FileSystemId as string }));
      case 'AWS::EFS::AccessPoint':
        return snapshot.accessPoints.map((a) => ({ resourceType, resourceId: a.AccessPointId as string }));
      case 'AWS::IAM::Role':
        return (iam.RoleDetailList ?? []).map((r) => ({
          resourceType,
          resourceId: r.RoleId as string,
          resourceName: r.RoleName as string,
          arn: r.Arn as string,
        }));
      case 'AWS::IAM::User':
        return (iam.UserDetailList ?? []).map((u) => ({
          resourceType,
          resourceId: u.UserId as string,
          resourceName: u.UserName as string,
          arn: u.Arn as string,
        }));
      case 'AWS::IAM::Group':
        return (iam.GroupDetailList ?? []).map((g) => ({
          resourceType,
          resourceId: g.GroupId as string,
          resourceName: g.GroupName as string,
          arn: g.Arn as string,
        }));
      case 'AWS::IAM::Policy':
        return (iam.Policies ?? []).map((p) => ({
          resourceType,
          resourceId: p.PolicyId as string,
          resourceName: p.PolicyName as string,
          arn: p.Arn as string,
        }));
      case 'AWS::EC2::RouteTable':
        return (snapshot.routing?.routeTables ?? []).map((t) => ({
          resourceType,
          resourceId: t.RouteTableId as string,
        }));
      case 'AWS::EC2::VPCPeeringConnection':
        return (snapshot.routing?.vpcPeeringConnections ?? []).map((p) => ({
          resourceType,
          resourceId: p.VpcPeeringConnectionId as string,
        }));
      case 'AWS::EC2::TransitGatewayAttachment':
        return (snapshot.routing?.transitGatewayAttachments ?? []).map((a) => ({
          resourceType,
          resourceId: a.TransitGatewayAttachmentId as string,
        }));
      case 'AWS::EC2::TransitGatewayRouteTable':
        return (snapshot.routing?.transitGatewayRouteTables ?? []).map((t) => ({
          resourceType,
          resourceId: t.TransitGatewayRouteTableId,
        }));
      case 'AWS::EC2::VPNGateway':
        return (snapshot.routing?.vpnGateways ?? []).map((g) => ({
          resourceType,
          resourceId: g.VpnGatewayId as string,
        }));
    }
  })();
  expect(seeds.length).toBeGreaterThan(0);
  // And one that no longer exists: the change event of a deleted resource.
  const gone: NeighbourhoodSeed = {
    resourceType,
    resourceId: `gone-${resourceType.split('::')[2]?.toLowerCase()}`,
    ...(resourceType.startsWith('AWS::IAM::')
      ? { resourceName: 'gone', arn: `arn:aws:iam::${ACCOUNT}:policy/gone` }
      : {}),
  };
  return [...seeds, gone];
}

const clients: AwsClients = {
  ec2: new EC2Client({ region: REGION }),
  efs: new EFSClient({ region: REGION }),
  iam: new IAMClient({ region: REGION }),
  sts: new STSClient({ region: REGION }),
};

let fake: FakeAws;
const account = buildAccount();
const full: Topology = normaliseSnapshot(account);
beforeAll(() => {
  // Pages of two items: paginated follow-up calls are checked too.
  fake = installFakeAws(account, { pageSize: 2 });
});
afterAll(() => fake.restore());

/** The actions sent since the last reset that the rule's function does not hold. */
function forbiddenActions(ruleId: string): string[] {
  const allowed = new Set(readActionsFor(ruleId));
  return [...new Set(fake.actions())].filter((action) => !allowed.has(action)).sort();
}

describe.each(RULES.map((rule) => [rule.id, rule] as const))('%s', (_id, rule) => {
  it('declares its parts, and holds exactly their read actions', () => {
    expect(rule.requires.length).toBeGreaterThan(0);
    expect(readActionsFor(rule.id)).toEqual(
      [...new Set(rule.requires.flatMap((part) => PART_READ_ACTIONS[part]))].sort(),
    );
  });

  it('the sweep calls only its actions and gives the verdicts of a full load', async () => {
    fake.resetCalls();
    const loaded = await loadRegion(clients, { parts: rule.requires, accountId: ACCOUNT });
    expect(forbiddenActions(rule.id)).toEqual([]);
    expect(fake.count()).toBeGreaterThan(0);
    expect(loaded.parts).toEqual(TOPOLOGY_PARTS.filter((part) => rule.requires.includes(part)));
    const topology = normaliseSnapshot(loaded);
    expect(rule.evaluate(topology, ALL)).toEqual(rule.evaluate(full, ALL));
  });

  describe.each(rule.triggerResourceTypes.map((type) => [type] as const))('a %s change', (resourceType) => {
    it.each(seedsOfType(account, resourceType).map((seed) => [seed.resourceId, seed] as const))(
      '%s: calls only its actions and gives the verdicts of a full load',
      async (_resourceId, seed) => {
        fake.resetCalls();
        const loaded = await loadNeighbourhood(clients, [seed], {
          accountId: ACCOUNT,
          region: REGION,
          parts: rule.requires,
        });
        expect(forbiddenActions(rule.id)).toEqual([]);
        const scope = { kind: 'seeds', seeds: [{ resourceType, resourceId: seed.resourceId }] } as const;
        expect(rule.evaluate(normaliseSnapshot(loaded), scope)).toEqual(rule.evaluate(full, scope));
      },
    );
  });
});

describe('a load for one part cannot answer for another', () => {
  it.each(
    RULES.flatMap((rule) =>
      TOPOLOGY_PARTS.filter((part) => !rule.requires.includes(part)).map(
        (part) => [rule.id, part, rule] as const,
      ),
    ),
  )('%s refuses a topology loaded for %s only', async (_id, part, rule) => {
    const loaded = await loadRegion(clients, { parts: [part], accountId: ACCOUNT });
    const topology = normaliseSnapshot(loaded);
    expect(() => rule.evaluate(topology, ALL)).toThrow(TopologyPartMissingError);
  });

  it.each(
    RULES.filter((rule) => rule.judgesWithout?.includes('routing')).map((rule) => [rule.id, rule] as const),
  )(
    '%s judges a topology loaded without routing (a snapshot recorded before it), naming what it could not see',
    async (_id, rule) => {
      const loaded = await loadRegion(clients, { parts: ['network'], accountId: ACCOUNT });
      const evaluations = rule.evaluate(normaliseSnapshot(loaded), ALL);
      expect(evaluations.length).toBeGreaterThan(0);
      // The cross-VPC paths of the routed account say why they could not be checked.
      const noted = evaluations.filter((e) => e.annotation?.includes('routing was not recorded'));
      expect(noted.length).toBeGreaterThan(0);
    },
  );

  it('a file system loaded for the network part has no policy to judge: efs-file-system-policy throws', async () => {
    const loaded = await loadNeighbourhood(
      clients,
      [{ resourceType: 'AWS::EFS::FileSystem', resourceId: 'fs-0002' }],
      { accountId: ACCOUNT, region: REGION, parts: ['network'] },
    );
    const topology = normaliseSnapshot(loaded);
    // fs-0002 has no policy in the account; loaded without the part, it must not read as "no policy".
    expect(topology.fileSystems.map((fs) => fs.fileSystemId)).toContain('fs-0002');
    const rule = RULES.find((candidate) => candidate.id === 'efs-file-system-policy');
    const scope = {
      kind: 'seeds',
      seeds: [{ resourceType: 'AWS::EFS::FileSystem', resourceId: 'fs-0002' }],
    } as const;
    expect(() => rule?.evaluate(topology, scope)).toThrow(TopologyPartMissingError);
  });
});

/**
 * The calls each rule's function makes per event type, in the typical account (the
 * benchmark's API calls per change event): the network rules' events are asserted command by command in
 * load-neighbourhood.test.ts; here, the totals of every rule, and the other rules' exact calls.
 */
describe('calls per event, per rule', () => {
  const typical = { ...buildTypicalAccount().accessPoint('fsap-0001', 'fs-0001').snapshot(), iam: IAM };
  const EVENTS: Readonly<Record<string, NeighbourhoodSeed>> = {
    'security group': { resourceType: 'AWS::EC2::SecurityGroup', resourceId: 'sg-0mt' },
    'network interface': { resourceType: 'AWS::EC2::NetworkInterface', resourceId: 'eni-0client1' },
    'network ACL': { resourceType: 'AWS::EC2::NetworkAcl', resourceId: 'acl-0data' },
    'file system': { resourceType: 'AWS::EFS::FileSystem', resourceId: 'fs-0001' },
    'access point': { resourceType: 'AWS::EFS::AccessPoint', resourceId: 'fsap-0001' },
    'IAM role': {
      resourceType: 'AWS::IAM::Role',
      resourceId: 'AROAAPP0000000000001',
      resourceName: 'app',
      arn: `arn:aws:iam::${ACCOUNT}:role/app`,
    },
    'IAM policy': {
      resourceType: 'AWS::IAM::Policy',
      resourceId: 'ANPADELETE0000000006',
      resourceName: 'delete',
      arn: policyArn('delete'),
    },
  };
  /** The exact calls of the rules outside the network pipeline. */
  const EXACT: Readonly<Record<string, readonly string[]>> = {
    'efs-file-system-policy/file system': ['DescribeFileSystems', 'DescribeFileSystemPolicy'],
    'efs-access-point-posix-identity/access point': ['DescribeAccessPoints'],
    'efs-api-least-privilege/IAM role': [
      'GetRole',
      'ListRolePolicies',
      'ListAttachedRolePolicies',
      'GetRolePolicy',
    ],
    // The policy, its default version, its holders and each holder's ARN.
    'efs-api-least-privilege/IAM policy': [
      'GetPolicy',
      'GetPolicyVersion',
      'ListEntitiesForPolicy',
      'GetUser',
    ],
  };
  /** At most this many calls per network event in the typical account (load-neighbourhood.test.ts). */
  const NETWORK_EVENT_BUDGET = 12;
  /** At most this many for the routing-aware rules (measured: see docs/neighbourhood.md, Routing). */
  const ROUTED_EVENT_BUDGET = 20;

  it('each rule makes only the calls of its own parts for each event it triggers on', async () => {
    // Whole pages, as AWS answers a typical account: the counts are the real per-event cost.
    fake.restore();
    fake = installFakeAws(typical);
    const table: string[] = [];
    try {
      for (const rule of RULES) {
        for (const [event, seed] of Object.entries(EVENTS)) {
          if (!rule.triggerResourceTypes.includes(seed.resourceType)) continue;
          fake.resetCalls();
          await loadNeighbourhood(clients, [seed], {
            accountId: ACCOUNT,
            region: REGION,
            parts: rule.requires,
          });
          expect(forbiddenActions(rule.id)).toEqual([]);
          const commands = fake.calls().map((call) => call.command);
          const exact = EXACT[`${rule.id}/${event}`];
          if (exact) expect([...commands].sort()).toEqual([...exact].sort());
          else if (rule.requires.includes('routing')) {
            // Routing-aware rules: the network pipeline's calls, plus the routing of the VPCs involved
            // and of the VPCs routed to them (their subnets and CIDRs), whatever the account's size.
            expect(rule.requires).toEqual(['network', 'routing']);
            expect(commands.length).toBeLessThanOrEqual(ROUTED_EVENT_BUDGET);
          } else {
            expect(rule.requires).toEqual(['network']);
            expect(commands.length).toBeLessThanOrEqual(NETWORK_EVENT_BUDGET);
          }
          table.push(`${rule.id} | ${event} | ${commands.length}`);
        }
        fake.resetCalls();
        await loadRegion(clients, { parts: rule.requires, accountId: ACCOUNT });
        expect(forbiddenActions(rule.id)).toEqual([]);
        table.push(`${rule.id} | scheduled sweep | ${fake.count()}`);
      }
    } finally {
      fake.restore();
      fake = installFakeAws(account, { pageSize: 2 });
    }
    // Every rule has its sweep and at least one change event in the table.
    expect(table.filter((row) => row.includes('scheduled sweep'))).toHaveLength(RULES.length);
    if (process.env.EFSGUARD_PRINT_CALLS) process.stdout.write(`rule | event | calls\n${table.join('\n')}\n`);
  });
});
