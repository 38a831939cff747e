// IAM loading against a real moto server: the IAM resources are created through the API, loaded by the
// sweep and by the neighbourhood loader, normalised, and judged by efs-api-least-privilege.
import {
  AttachRolePolicyCommand,
  AttachUserPolicyCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { loadIamNeighbourhood, loadIamSweep } from '../../aws/load/iam';
import { type AwsClients, createAwsClients } from '../../aws/sdk/clients';
import { destroyAwsClients } from '../../aws/sdk/destroy-clients';
import type { IamSnapshot } from '../../aws/snapshot/format';
import { normaliseIam } from '../../aws/snapshot/normalise-iam';
import type { Evaluation, Scope, Topology } from '../../core/model';
import { efsApiLeastPrivilege } from '../../core/rules/efs-api-least-privilege';
import { MOTO_ACCOUNT_ID, MOTO_REGION } from '../helpers/accounts';
import { type MotoServer, startMoto } from '../helpers/moto';

const RULE = 'efs-api-least-privilege';
const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});
const EFS_ALL_ON_STAR = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Sid: 'EfsEverything', Effect: 'Allow', Action: 'elasticfilesystem:*', Resource: '*' }],
});
const EFS_ONE_FILE_SYSTEM = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'OneFileSystem',
      Effect: 'Allow',
      Action: ['elasticfilesystem:PutFileSystemPolicy', 'elasticfilesystem:DeleteFileSystemPolicy'],
      Resource: `arn:aws:elasticfilesystem:${MOTO_REGION}:${MOTO_ACCOUNT_ID}:file-system/fs-0123456789abcdef0`,
    },
  ],
});

let moto: MotoServer;
let clients: AwsClients;
let roleId: string;
let scopedPolicy: { id: string; arn: string };
let broadPolicy: { id: string; arn: string };

function evaluate(iam: IamSnapshot, scope: Scope, params: Record<string, unknown> = {}): Evaluation[] {
  const topology: Topology = {
    accountId: MOTO_ACCOUNT_ID,
    region: MOTO_REGION,
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
    iam: normaliseIam(iam),
  };
  return efsApiLeastPrivilege.evaluate(topology, scope, params);
}

const verdicts = (evaluations: Evaluation[]) =>
  evaluations.map((e) => [e.resourceType, e.resourceId, e.complianceType, e.annotation ?? '']);

async function createPolicy(name: string, document: string) {
  const out = await clients.iam.send(new CreatePolicyCommand({ PolicyName: name, PolicyDocument: document }));
  return { id: out.Policy?.PolicyId as string, arn: out.Policy?.Arn as string };
}

beforeAll(async () => {
  moto = await startMoto();
  clients = createAwsClients({ endpoint: moto.endpoint, region: MOTO_REGION });
  const role = await clients.iam.send(
    new CreateRoleCommand({ RoleName: 'app', AssumeRolePolicyDocument: TRUST }),
  );
  roleId = role.Role?.RoleId as string;
  await clients.iam.send(
    new PutRolePolicyCommand({
      RoleName: 'app',
      PolicyName: 'efs-everything',
      PolicyDocument: EFS_ALL_ON_STAR,
    }),
  );
  scopedPolicy = await createPolicy('efs-one-file-system', EFS_ONE_FILE_SYSTEM);
  await clients.iam.send(new AttachRolePolicyCommand({ RoleName: 'app', PolicyArn: scopedPolicy.arn }));
  // A broad managed policy held by a break-glass role and by a user.
  broadPolicy = await createPolicy('efs-admin', EFS_ALL_ON_STAR);
  await clients.iam.send(new CreateRoleCommand({ RoleName: 'breakglass', AssumeRolePolicyDocument: TRUST }));
  await clients.iam.send(new AttachRolePolicyCommand({ RoleName: 'breakglass', PolicyArn: broadPolicy.arn }));
  await clients.iam.send(new CreateUserCommand({ UserName: 'alice' }));
  await clients.iam.send(new AttachUserPolicyCommand({ UserName: 'alice', PolicyArn: broadPolicy.arn }));
}, 60_000);

afterAll(async () => {
  if (clients) destroyAwsClients(clients);
  await moto?.stop();
});

describe('efs-api-least-privilege on IAM loaded from moto', () => {
  it('the sweep: the role with the inline elasticfilesystem:* on "*" and the broad policy are NON_COMPLIANT, the scoped policy COMPLIANT', async () => {
    const iam = await loadIamSweep(clients.iam);
    const evaluations = evaluate(iam, { kind: 'all' });
    expect(verdicts(evaluations.filter((e) => e.resourceId === roleId))).toEqual([
      [
        'AWS::IAM::Role',
        roleId,
        'NON_COMPLIANT',
        'inline policy efs-everything: statement "EfsEverything" allows every EFS write action on every resource. ' +
          'Scope Resource to file-system/access-point ARNs or tags, or list the role in exemptPrincipals.',
      ],
    ]);
    const byId = new Map(evaluations.map((e) => [e.resourceId, e.complianceType]));
    expect(byId.get(scopedPolicy.id)).toBe('COMPLIANT');
    expect(byId.get(broadPolicy.id)).toBe('NON_COMPLIANT');
    expect(evaluations.every((e) => e.rule === RULE)).toBe(true);
  });

  it('the neighbourhood of the role gives the same verdict as the sweep', async () => {
    const iam = await loadIamNeighbourhood(clients.iam, [
      { resourceType: 'AWS::IAM::Role', resourceId: roleId, resourceName: 'app' },
    ]);
    expect(iam.RoleDetailList?.[0]?.AttachedManagedPolicies?.map((p) => p.PolicyArn)).toEqual([
      scopedPolicy.arn,
    ]);
    const scope: Scope = { kind: 'seeds', seeds: [{ resourceType: 'AWS::IAM::Role', resourceId: roleId }] };
    expect(verdicts(evaluate(iam, scope))).toEqual([
      ['AWS::IAM::Role', roleId, 'NON_COMPLIANT', expect.stringMatching(/^inline policy efs-everything: /)],
    ]);
  });

  it('the neighbourhood of the scoped managed policy: COMPLIANT (its default version is read and decoded)', async () => {
    const iam = await loadIamNeighbourhood(clients.iam, [
      {
        resourceType: 'AWS::IAM::Policy',
        resourceId: scopedPolicy.id,
        resourceName: 'efs-one-file-system',
        arn: scopedPolicy.arn,
      },
    ]);
    expect(normaliseIam(iam).policies.map((p) => JSON.parse(p.document))).toEqual([
      JSON.parse(EFS_ONE_FILE_SYSTEM),
    ]);
    const scope: Scope = {
      kind: 'seeds',
      seeds: [{ resourceType: 'AWS::IAM::Policy', resourceId: scopedPolicy.id }],
    };
    expect(verdicts(evaluate(iam, scope))).toEqual([['AWS::IAM::Policy', scopedPolicy.id, 'COMPLIANT', '']]);
  });

  it('the broad managed policy is exempt only while every holder is exempt', async () => {
    const seed = {
      resourceType: 'AWS::IAM::Policy' as const,
      resourceId: broadPolicy.id,
      resourceName: 'efs-admin',
      arn: broadPolicy.arn,
    };
    const scope: Scope = {
      kind: 'seeds',
      seeds: [{ resourceType: 'AWS::IAM::Policy', resourceId: broadPolicy.id }],
    };
    const iam = await loadIamNeighbourhood(clients.iam, [seed]);
    expect(evaluate(iam, scope, { exemptPrincipals: 'breakglass' })[0]?.complianceType).toBe('NON_COMPLIANT');
    expect(
      verdicts(
        evaluate(iam, scope, {
          exemptPrincipals: `arn:aws:iam::${MOTO_ACCOUNT_ID}:role/breakglass, alice`,
        }),
      ),
    ).toEqual([
      [
        'AWS::IAM::Policy',
        broadPolicy.id,
        'COMPLIANT',
        'Exempt: attached only to exempt principals (alice, breakglass).',
      ],
    ]);
  });

  it('a deleted role is NOT_APPLICABLE', async () => {
    await clients.iam.send(new DeleteRolePolicyCommand({ RoleName: 'app', PolicyName: 'efs-everything' }));
    await clients.iam.send(new DetachRolePolicyCommand({ RoleName: 'app', PolicyArn: scopedPolicy.arn }));
    await clients.iam.send(new DeleteRoleCommand({ RoleName: 'app' }));
    const iam = await loadIamNeighbourhood(clients.iam, [
      { resourceType: 'AWS::IAM::Role', resourceId: roleId, resourceName: 'app' },
    ]);
    const scope: Scope = { kind: 'seeds', seeds: [{ resourceType: 'AWS::IAM::Role', resourceId: roleId }] };
    expect(verdicts(evaluate(iam, scope))).toEqual([
      ['AWS::IAM::Role', roleId, 'NOT_APPLICABLE', 'The resource no longer exists.'],
    ]);
  });
});
