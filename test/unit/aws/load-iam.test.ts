import {
  GetAccountAuthorizationDetailsCommand,
  GetGroupCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  GetUserCommand,
  IAMClient,
  IAMServiceException,
  ListAttachedRolePoliciesCommand,
  ListAttachedUserPoliciesCommand,
  ListEntitiesForPolicyCommand,
  ListRolePoliciesCommand,
  ListUserPoliciesCommand,
  NoSuchEntityException,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { isIamResourceType, loadIamNeighbourhood, loadIamSweep } from '../../../aws/load/iam';
import { AccessDeniedError } from '../../../aws/sdk/errors';
import type { IamSnapshot } from '../../../aws/snapshot/format';
import { normaliseIam } from '../../../aws/snapshot/normalise-iam';
import type { Evaluation, Scope, Topology } from '../../../core/model';
import { efsApiLeastPrivilege } from '../../../core/rules/efs-api-least-privilege';
import { ACCOUNT } from '../../helpers/accounts';

const iamMock = mockClient(IAMClient);
const iam = new IAMClient({ region: 'us-east-1' });

beforeEach(() => iamMock.reset());

const encode = (document: unknown): string => encodeURIComponent(JSON.stringify(document));
const BROAD = {
  Version: '2012-10-17',
  Statement: [{ Sid: 'EfsAdmin', Effect: 'Allow', Action: 'elasticfilesystem:*', Resource: '*' }],
};
const READ_ONLY = {
  Version: '2012-10-17',
  Statement: { Effect: 'Allow', Action: 'elasticfilesystem:Describe*', Resource: '*' },
};

const noSuchEntity = (message: string) => new NoSuchEntityException({ message, $metadata: {} });
const accessDenied = () =>
  new IAMServiceException({
    name: 'AccessDenied',
    message: 'User is not authorized to perform: iam:ListRolePolicies',
    $fault: 'client',
    $metadata: { httpStatusCode: 403 },
  });

function evaluate(snapshot: IamSnapshot, scope: Scope, params: Record<string, unknown> = {}): Evaluation[] {
  const topology: Topology = {
    accountId: ACCOUNT,
    region: 'us-east-1',
    parts: ['iam'],
    vpcs: [],
    subnets: [],
    securityGroups: [],
    prefixLists: [],
    networkInterfaces: [],
    networkAcls: [],
    fileSystems: [],
    mountTargets: [],
    accessPoints: [],
    iam: normaliseIam(snapshot),
  };
  return efsApiLeastPrivilege.evaluate(topology, scope, params);
}

const ROLE_SEED = {
  resourceType: 'AWS::IAM::Role' as const,
  resourceId: 'AROAAPP',
  resourceName: 'app',
};

/** A role "app" with two inline policies over two pages and three attached policies over two pages. */
function mockAppRole(): void {
  iamMock.on(GetRoleCommand, { RoleName: 'app' }).resolves({
    Role: {
      RoleName: 'app',
      RoleId: 'AROAAPP',
      Arn: `arn:aws:iam::${ACCOUNT}:role/svc/app`,
      Path: '/svc/',
      CreateDate: new Date(0),
    },
  });
  iamMock
    .on(ListRolePoliciesCommand, { RoleName: 'app', Marker: undefined })
    .resolves({ PolicyNames: ['broad'], IsTruncated: true, Marker: 'm1' })
    .on(ListRolePoliciesCommand, { RoleName: 'app', Marker: 'm1' })
    .resolves({ PolicyNames: ['read'], IsTruncated: false });
  iamMock
    .on(GetRolePolicyCommand, { RoleName: 'app', PolicyName: 'broad' })
    .resolves({ RoleName: 'app', PolicyName: 'broad', PolicyDocument: encode(BROAD) })
    .on(GetRolePolicyCommand, { RoleName: 'app', PolicyName: 'read' })
    .resolves({ RoleName: 'app', PolicyName: 'read', PolicyDocument: encode(READ_ONLY) });
  iamMock
    .on(ListAttachedRolePoliciesCommand, { RoleName: 'app', Marker: undefined })
    .resolves({
      AttachedPolicies: [
        { PolicyName: 'scoped', PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/scoped` },
        { PolicyName: 'ReadOnlyAccess', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' },
      ],
      IsTruncated: true,
      Marker: 'a1',
    })
    .on(ListAttachedRolePoliciesCommand, { RoleName: 'app', Marker: 'a1' })
    .resolves({
      AttachedPolicies: [{ PolicyName: 'other', PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/other` }],
    });
}

describe('loadIamSweep', () => {
  it('pages GetAccountAuthorizationDetails for roles, users, groups and local managed policies', async () => {
    iamMock
      .on(GetAccountAuthorizationDetailsCommand, { Marker: undefined })
      .resolves({ RoleDetailList: [{ RoleName: 'a', RoleId: 'AROAA' }], IsTruncated: true, Marker: 'p2' })
      .on(GetAccountAuthorizationDetailsCommand, { Marker: 'p2' })
      .resolves({ RoleDetailList: [{ RoleName: 'b', RoleId: 'AROAB' }], Policies: [{ PolicyName: 'x' }] });
    const snapshot = await loadIamSweep(iam);
    expect(snapshot.RoleDetailList?.map((role) => role.RoleName)).toEqual(['a', 'b']);
    expect(snapshot.Policies?.map((policy) => policy.PolicyName)).toEqual(['x']);
    expect(iamMock).toHaveReceivedCommandTimes(GetAccountAuthorizationDetailsCommand, 2);
    expect(iamMock).toHaveReceivedCommandWith(GetAccountAuthorizationDetailsCommand, {
      Filter: ['Role', 'User', 'Group', 'LocalManagedPolicy'],
    });
  });
});

describe('loadIamSweep on an emulator that omits PolicyId and PolicyName', () => {
  it('fills them from GetPolicy, only for the policies that lack them', async () => {
    const arn = `arn:aws:iam::${ACCOUNT}:policy/p`;
    iamMock.on(GetAccountAuthorizationDetailsCommand).resolves({
      Policies: [
        { Arn: arn, DefaultVersionId: 'v1' },
        { Arn: `${arn}2`, PolicyId: 'ANPA2', PolicyName: 'p2' },
      ],
    });
    iamMock
      .on(GetPolicyCommand, { PolicyArn: arn })
      .resolves({ Policy: { Arn: arn, PolicyId: 'ANPA1', PolicyName: 'p' } });
    const snapshot = await loadIamSweep(iam);
    expect(snapshot.Policies?.map((p) => [p.PolicyId, p.PolicyName])).toEqual([
      ['ANPA1', 'p'],
      ['ANPA2', 'p2'],
    ]);
    expect(iamMock).toHaveReceivedCommandTimes(GetPolicyCommand, 1);
  });
});

describe('loadIamNeighbourhood: a role', () => {
  it('loads the role, every inline policy document and every attached policy over all pages', async () => {
    mockAppRole();
    const snapshot = await loadIamNeighbourhood(iam, [ROLE_SEED]);
    expect(snapshot).toEqual({
      RoleDetailList: [
        {
          RoleName: 'app',
          RoleId: 'AROAAPP',
          Arn: `arn:aws:iam::${ACCOUNT}:role/svc/app`,
          Path: '/svc/',
          RolePolicyList: [
            { PolicyName: 'broad', PolicyDocument: encode(BROAD) },
            { PolicyName: 'read', PolicyDocument: encode(READ_ONLY) },
          ],
          AttachedManagedPolicies: [
            { PolicyName: 'scoped', PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/scoped` },
            { PolicyName: 'ReadOnlyAccess', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' },
            { PolicyName: 'other', PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/other` },
          ],
        },
      ],
      UserDetailList: [],
      GroupDetailList: [],
      Policies: [],
    });
    expect(iamMock).toHaveReceivedCommandTimes(ListRolePoliciesCommand, 2);
    expect(iamMock).toHaveReceivedCommandTimes(ListAttachedRolePoliciesCommand, 2);
    expect(iamMock).toHaveReceivedCommandTimes(GetRolePolicyCommand, 2);
    expect(iamMock).not.toHaveReceivedCommand(GetAccountAuthorizationDetailsCommand);
  });

  it('feeds the normaliser and the rule: the URL-encoded broad inline policy makes the role NON_COMPLIANT', async () => {
    mockAppRole();
    const snapshot = await loadIamNeighbourhood(iam, [ROLE_SEED]);
    const scope: Scope = {
      kind: 'seeds',
      seeds: [{ resourceType: 'AWS::IAM::Role', resourceId: 'AROAAPP' }],
    };
    expect(evaluate(snapshot, scope)).toEqual([
      {
        rule: 'efs-api-least-privilege',
        resourceType: 'AWS::IAM::Role',
        resourceId: 'AROAAPP',
        complianceType: 'NON_COMPLIANT',
        annotation:
          'inline policy broad: statement "EfsAdmin" allows every EFS write action on every resource. Scope ' +
          'Resource to file-system/access-point ARNs or tags, or list the role in exemptPrincipals.',
      },
    ]);
    expect(evaluate(snapshot, scope, { exemptPrincipals: `arn:aws:iam::${ACCOUNT}:role/svc/app` })).toEqual([
      expect.objectContaining({
        complianceType: 'COMPLIANT',
        annotation: 'Exempt: app is listed in exemptPrincipals.',
      }),
    ]);
  });

  it('treats a role that no longer exists as deleted: nothing loaded, the rule answers NOT_APPLICABLE', async () => {
    iamMock.on(GetRoleCommand).rejects(noSuchEntity('The role with name app cannot be found.'));
    const progress: string[] = [];
    const snapshot = await loadIamNeighbourhood(iam, [ROLE_SEED], { onProgress: (m) => progress.push(m) });
    expect(snapshot).toEqual({ RoleDetailList: [], UserDetailList: [], GroupDetailList: [], Policies: [] });
    expect(iamMock).not.toHaveReceivedCommand(ListRolePoliciesCommand);
    expect(progress).toEqual(['AWS::IAM::Role app (AROAAPP) no longer exists']);
    expect(
      evaluate(snapshot, {
        kind: 'seeds',
        seeds: [{ resourceType: 'AWS::IAM::Role', resourceId: 'AROAAPP' }],
      }),
    ).toEqual([expect.objectContaining({ complianceType: 'NOT_APPLICABLE' })]);
  });

  it('treats a namesake with another RoleId (deleted and recreated) as the seed deleted', async () => {
    iamMock.on(GetRoleCommand).resolves({
      Role: {
        RoleName: 'app',
        RoleId: 'AROANEW',
        Arn: `arn:aws:iam::${ACCOUNT}:role/app`,
        Path: '/',
        CreateDate: new Date(0),
      },
    });
    const snapshot = await loadIamNeighbourhood(iam, [ROLE_SEED]);
    expect(snapshot.RoleDetailList).toEqual([]);
    expect(iamMock).not.toHaveReceivedCommand(ListRolePoliciesCommand);
  });

  it('skips an inline policy deleted between the List and the Get', async () => {
    mockAppRole();
    iamMock.on(GetRolePolicyCommand, { RoleName: 'app', PolicyName: 'broad' }).rejects(noSuchEntity('gone'));
    const snapshot = await loadIamNeighbourhood(iam, [ROLE_SEED]);
    expect(snapshot.RoleDetailList?.[0]?.RolePolicyList?.map((p) => p.PolicyName)).toEqual(['read']);
  });

  it('fails with AccessDeniedError naming the IAM action when a call is denied', async () => {
    mockAppRole();
    iamMock.on(ListRolePoliciesCommand).rejects(accessDenied());
    const load = loadIamNeighbourhood(iam, [ROLE_SEED]);
    await expect(load).rejects.toBeInstanceOf(AccessDeniedError);
    await expect(load).rejects.toThrow(/iam:ListRolePolicies/);
  });
});

describe('loadIamNeighbourhood: users and groups', () => {
  it('uses the user calls for AWS::IAM::User', async () => {
    iamMock.on(GetUserCommand).resolves({
      User: {
        UserName: 'ops',
        UserId: 'AIDAOPS',
        Arn: `arn:aws:iam::${ACCOUNT}:user/ops`,
        Path: '/',
        CreateDate: new Date(0),
      },
    });
    iamMock.on(ListUserPoliciesCommand).resolves({ PolicyNames: [] });
    iamMock.on(ListAttachedUserPoliciesCommand).resolves({ AttachedPolicies: [] });
    const snapshot = await loadIamNeighbourhood(iam, [
      { resourceType: 'AWS::IAM::User', resourceId: 'AIDAOPS', resourceName: 'ops' },
    ]);
    expect(snapshot.UserDetailList).toEqual([
      {
        UserName: 'ops',
        UserId: 'AIDAOPS',
        Arn: `arn:aws:iam::${ACCOUNT}:user/ops`,
        Path: '/',
        UserPolicyList: [],
        AttachedManagedPolicies: [],
      },
    ]);
    expect(iamMock).toHaveReceivedCommandWith(GetUserCommand, { UserName: 'ops' });
    expect(iamMock).not.toHaveReceivedCommand(GetRoleCommand);
  });

  it('falls back to the sweep when the item carries no name', async () => {
    iamMock
      .on(GetAccountAuthorizationDetailsCommand)
      .resolves({ GroupDetailList: [{ GroupName: 'g', GroupId: 'AGPAG' }] });
    const progress: string[] = [];
    const snapshot = await loadIamNeighbourhood(
      iam,
      [{ resourceType: 'AWS::IAM::Group', resourceId: 'AGPAG' }],
      { onProgress: (m) => progress.push(m) },
    );
    expect(snapshot.GroupDetailList).toEqual([{ GroupName: 'g', GroupId: 'AGPAG' }]);
    expect(iamMock).not.toHaveReceivedCommand(GetGroupCommand);
    expect(progress).toEqual([
      'AWS::IAM::Group AGPAG has no name in its configuration item; loading every IAM resource',
    ]);
  });
});

describe('loadIamNeighbourhood: a customer-managed policy', () => {
  const ARN = `arn:aws:iam::${ACCOUNT}:policy/admin/efs-admin`;
  const POLICY_SEED = {
    resourceType: 'AWS::IAM::Policy' as const,
    resourceId: 'ANPAEFSADMIN',
    resourceName: 'efs-admin',
    arn: ARN,
  };

  function mockPolicy(holders: { roles?: string[]; users?: string[] }): void {
    iamMock.on(GetPolicyCommand, { PolicyArn: ARN }).resolves({
      Policy: {
        PolicyName: 'efs-admin',
        PolicyId: 'ANPAEFSADMIN',
        Arn: ARN,
        Path: '/admin/',
        DefaultVersionId: 'v3',
        AttachmentCount: 2,
        IsAttachable: true,
      },
    });
    iamMock
      .on(GetPolicyVersionCommand, { PolicyArn: ARN, VersionId: 'v3' })
      .resolves({ PolicyVersion: { VersionId: 'v3', IsDefaultVersion: true, Document: encode(BROAD) } });
    const roles = (holders.roles ?? []).map((name) => ({
      RoleName: name,
      RoleId: `AROA${name.toUpperCase()}`,
    }));
    const users = (holders.users ?? []).map((name) => ({
      UserName: name,
      UserId: `AIDA${name.toUpperCase()}`,
    }));
    iamMock
      .on(ListEntitiesForPolicyCommand, { PolicyArn: ARN, Marker: undefined })
      .resolves({ PolicyRoles: roles, IsTruncated: true, Marker: 'e1' })
      .on(ListEntitiesForPolicyCommand, { PolicyArn: ARN, Marker: 'e1' })
      .resolves({ PolicyUsers: users });
    for (const role of roles) {
      iamMock.on(GetRoleCommand, { RoleName: role.RoleName }).resolves({
        Role: {
          RoleName: role.RoleName,
          RoleId: role.RoleId,
          Arn: `arn:aws:iam::${ACCOUNT}:role/ops/${role.RoleName}`,
          Path: '/ops/',
          CreateDate: new Date(0),
        },
      });
    }
    for (const user of users) {
      iamMock.on(GetUserCommand, { UserName: user.UserName }).resolves({
        User: {
          UserName: user.UserName,
          UserId: user.UserId,
          Arn: `arn:aws:iam::${ACCOUNT}:user/${user.UserName}`,
          Path: '/',
          CreateDate: new Date(0),
        },
      });
    }
  }

  const scope: Scope = {
    kind: 'seeds',
    seeds: [{ resourceType: 'AWS::IAM::Policy', resourceId: 'ANPAEFSADMIN' }],
  };

  it('loads the default version and the holders from every page, with their ARNs', async () => {
    mockPolicy({ roles: ['breakglass'], users: ['alice'] });
    const snapshot = await loadIamNeighbourhood(iam, [POLICY_SEED]);
    expect(iamMock).toHaveReceivedCommandWith(GetPolicyVersionCommand, { PolicyArn: ARN, VersionId: 'v3' });
    expect(snapshot.Policies).toEqual([
      expect.objectContaining({
        PolicyId: 'ANPAEFSADMIN',
        Arn: ARN,
        DefaultVersionId: 'v3',
        PolicyVersionList: [{ VersionId: 'v3', IsDefaultVersion: true, Document: encode(BROAD) }],
      }),
    ]);
    const attached = [{ PolicyName: 'efs-admin', PolicyArn: ARN }];
    expect(snapshot.RoleDetailList).toEqual([
      {
        RoleName: 'breakglass',
        RoleId: 'AROABREAKGLASS',
        Arn: `arn:aws:iam::${ACCOUNT}:role/ops/breakglass`,
        Path: '/ops/',
        RolePolicyList: [],
        AttachedManagedPolicies: attached,
      },
    ]);
    expect(snapshot.UserDetailList?.map((user) => [user.UserName, user.Arn])).toEqual([
      ['alice', `arn:aws:iam::${ACCOUNT}:user/alice`],
    ]);
  });

  it('keeps the exemption of a policy attached only to exempt principals working', async () => {
    mockPolicy({ roles: ['breakglass'] });
    const snapshot = await loadIamNeighbourhood(iam, [POLICY_SEED]);
    expect(evaluate(snapshot, scope)).toEqual([expect.objectContaining({ complianceType: 'NON_COMPLIANT' })]);
    expect(
      evaluate(snapshot, scope, { exemptPrincipals: `arn:aws:iam::${ACCOUNT}:role/ops/breakglass` }),
    ).toEqual([
      expect.objectContaining({
        complianceType: 'COMPLIANT',
        annotation: 'Exempt: attached only to exempt principals (breakglass).',
      }),
    ]);
  });

  it('judges the policy when one holder is not exempt', async () => {
    mockPolicy({ roles: ['breakglass'], users: ['alice'] });
    const snapshot = await loadIamNeighbourhood(iam, [POLICY_SEED]);
    expect(evaluate(snapshot, scope, { exemptPrincipals: 'breakglass' })).toEqual([
      expect.objectContaining({
        complianceType: 'NON_COMPLIANT',
        annotation: expect.stringMatching(
          /^policy efs-admin: statement "EfsAdmin" allows every EFS write action/,
        ),
      }),
    ]);
  });

  it('treats a deleted policy, or a namesake with another PolicyId, as deleted', async () => {
    iamMock.on(GetPolicyCommand).rejects(noSuchEntity('Policy not found'));
    expect((await loadIamNeighbourhood(iam, [POLICY_SEED])).Policies).toEqual([]);
    iamMock.reset();
    mockPolicy({});
    const snapshot = await loadIamNeighbourhood(iam, [{ ...POLICY_SEED, resourceId: 'ANPAOLD' }]);
    expect(snapshot.Policies).toEqual([]);
    expect(iamMock).not.toHaveReceivedCommand(GetPolicyVersionCommand);
  });

  it('does not replace a seed role with a holder entry', async () => {
    mockPolicy({ roles: ['app'] });
    mockAppRole();
    const snapshot = await loadIamNeighbourhood(iam, [POLICY_SEED, ROLE_SEED]);
    expect(snapshot.RoleDetailList).toHaveLength(1);
    expect(snapshot.RoleDetailList?.[0]?.RolePolicyList).toHaveLength(2);
  });

  it('falls back to the sweep when the policy item carries no ARN', async () => {
    iamMock.on(GetAccountAuthorizationDetailsCommand).resolves({});
    await loadIamNeighbourhood(iam, [{ ...POLICY_SEED, arn: undefined }]);
    expect(iamMock).toHaveReceivedCommandTimes(GetAccountAuthorizationDetailsCommand, 1);
    expect(iamMock).not.toHaveReceivedCommand(GetPolicyCommand);
  });
});

describe('isIamResourceType', () => {
  it('accepts the four IAM types only', () => {
    expect(['AWS::IAM::Role', 'AWS::IAM::Policy', 'AWS::EFS::FileSystem'].map(isIamResourceType)).toEqual([
      true,
      true,
      false,
    ]);
  });
});
