import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IamStateNotLoadedError } from '../../../../core/iam';
import {
  ALL,
  type Evaluation,
  type IamPrincipal,
  type IamState,
  type Topology,
} from '../../../../core/model';
import { efsApiLeastPrivilege } from '../../../../core/rules/efs-api-least-privilege';
import { topology } from '../../../fixtures/topology-builder';
import { ACCOUNT } from '../../../helpers/accounts';

const fixture = (name: string): string =>
  readFileSync(join(__dirname, '../../../fixtures/policies', name), 'utf8');
const doc = (statement: unknown): string => JSON.stringify({ Version: '2012-10-17', Statement: statement });

function withIam(iam: IamState): Topology {
  return { ...topology().build(), iam };
}
function managed(policyId: string, policyName: string, document: string) {
  return { policyId, policyName, arn: `arn:aws:iam::${ACCOUNT}:policy/${policyName}`, document };
}
function principal(
  kind: IamPrincipal['kind'],
  id: string,
  name: string,
  options: Partial<IamPrincipal> = {},
): IamPrincipal {
  return {
    kind,
    id,
    name,
    arn: `arn:aws:iam::${ACCOUNT}:${kind}/${name}`,
    inlinePolicies: [],
    attachedPolicyArns: [],
    ...options,
  };
}
function judgePolicy(document: string, params: Record<string, unknown> = {}): Evaluation {
  const [evaluation] = efsApiLeastPrivilege.evaluate(
    withIam({ policies: [managed('ANPA1', 'p', document)], principals: [] }),
    ALL,
    params,
  ) as [Evaluation];
  return evaluation;
}

describe('efs-api-least-privilege on customer-managed policies', () => {
  it('flags elasticfilesystem:* on Resource "*"', () => {
    expect(judgePolicy(fixture('iam-efs-full-access.json'))).toEqual({
      rule: 'efs-api-least-privilege',
      resourceType: 'AWS::IAM::Policy',
      resourceId: 'ANPA1',
      complianceType: 'NON_COMPLIANT',
      annotation:
        'policy p: statement "EfsAdmin" allows every EFS write action on every resource. Scope Resource to ' +
        'file-system/access-point ARNs or tags, or list the role in exemptPrincipals.',
    });
  });

  it('names the Create/Modify actions granted on "*"', () => {
    expect(judgePolicy(fixture('iam-efs-create-modify-star.json')).annotation).toMatch(
      /^policy p: statement #1 allows CreateMountTarget and ModifyMountTargetSecurityGroups on every resource\./,
    );
  });

  it.each([
    ['Action "*"', { Effect: 'Allow', Action: '*', Resource: '*' }, 'every EFS write action'],
    [
      'elasticfilesystem:Delete*',
      { Effect: 'Allow', Action: 'elasticfilesystem:Delete*', Resource: '*' },
      'DeleteFileSystem, DeleteMountTarget, DeleteFileSystemPolicy, DeleteAccessPoint, DeleteReplicationConfiguration and DeleteTags',
    ],
    [
      'a mixed-case action',
      { Effect: 'Allow', Action: 'ElasticFileSystem:putfilesystempolicy', Resource: '*' },
      'PutFileSystemPolicy',
    ],
    [
      'every file system of one account',
      {
        Effect: 'Allow',
        Action: 'elasticfilesystem:UpdateFileSystem',
        Resource: 'arn:aws:elasticfilesystem:us-east-1:111122223333:file-system/*',
      },
      'UpdateFileSystem',
    ],
    [
      'every EFS resource in any region',
      {
        Effect: 'Allow',
        Action: 'elasticfilesystem:CreateAccessPoint',
        Resource: 'arn:aws:elasticfilesystem:*:*:*',
      },
      'CreateAccessPoint',
    ],
    [
      'NotResource of one file system',
      {
        Effect: 'Allow',
        Action: 'elasticfilesystem:DeleteFileSystem',
        NotResource: 'arn:aws:elasticfilesystem:us-east-1:111122223333:file-system/fs-1',
      },
      'DeleteFileSystem',
    ],
  ])('flags %s', (_name, statement, named) => {
    const evaluation = judgePolicy(doc([statement]));
    expect(evaluation.complianceType).toBe('NON_COMPLIANT');
    expect(evaluation.annotation).toContain(`statement #1 allows ${named} on every resource`);
  });

  it('flags NotAction that does not exclude EFS writes', () => {
    expect(judgePolicy(fixture('iam-notaction-admin.json')).annotation).toMatch(
      /statement "EverythingButIam" allows every EFS write action/,
    );
    expect(
      judgePolicy(doc({ Effect: 'Allow', NotAction: ['iam:*', 'elasticfilesystem:*'], Resource: '*' }))
        .complianceType,
    ).toBe('COMPLIANT');
  });

  it('accepts scoped resources, read-only wildcards, tag-scoped creation and Deny statements', () => {
    expect(judgePolicy(fixture('iam-efs-scoped.json')).complianceType).toBe('COMPLIANT');
    expect(judgePolicy(fixture('iam-deny-only.json')).complianceType).toBe('COMPLIANT');
    expect(
      judgePolicy(doc({ Effect: 'Allow', Action: 'elasticfilesystem:Client*', Resource: '*' }))
        .complianceType,
    ).toBe('COMPLIANT');
    expect(
      judgePolicy(
        doc({
          Effect: 'Allow',
          Action: 'elasticfilesystem:DeleteFileSystem',
          Resource: '*',
          Condition: { StringEqualsIfExists: { 'aws:ResourceTag/team': 'x' } },
        }),
      ).complianceType,
    ).toBe('NON_COMPLIANT');
  });

  it('does not let a ForAllValues tag condition pass for scoping: it is vacuously true without tags', () => {
    const evaluation = judgePolicy(
      doc({
        Effect: 'Allow',
        Action: 'elasticfilesystem:CreateFileSystem',
        Resource: '*',
        Condition: { 'ForAllValues:StringEquals': { 'aws:RequestTag/team': 'storage' } },
      }),
    );
    expect(evaluation.complianceType).toBe('NON_COMPLIANT');
    expect(evaluation.annotation).toContain('allows CreateFileSystem on every resource');
  });

  it('is NON_COMPLIANT for a document it cannot parse', () => {
    const evaluation = judgePolicy('{"Statement": [');
    expect(evaluation.complianceType).toBe('NON_COMPLIANT');
    expect(evaluation.annotation).toMatch(/^policy p cannot be parsed \(not valid JSON/);
  });

  it('exempts a policy attached only to exempt principals', () => {
    const policy = managed('ANPA1', 'admin', fixture('iam-efs-full-access.json'));
    const breakGlass = principal('role', 'AROA1', 'break-glass', { attachedPolicyArns: [policy.arn] });
    const app = principal('role', 'AROA2', 'app', { attachedPolicyArns: [policy.arn] });
    const only = efsApiLeastPrivilege.evaluate(
      withIam({ policies: [policy], principals: [breakGlass] }),
      ALL,
      { exemptPrincipals: 'break-glass' },
    );
    expect(only.find((e) => e.resourceId === 'ANPA1')?.annotation).toBe(
      'Exempt: attached only to exempt principals (break-glass).',
    );
    const shared = efsApiLeastPrivilege.evaluate(
      withIam({ policies: [policy], principals: [breakGlass, app] }),
      ALL,
      { exemptPrincipals: 'break-glass' },
    );
    expect(shared.find((e) => e.resourceId === 'ANPA1')?.complianceType).toBe('NON_COMPLIANT');
  });
});

describe('efs-api-least-privilege on roles, users and groups', () => {
  const state: IamState = {
    policies: [],
    principals: [
      principal('role', 'AROA2', 'ops', {
        inlinePolicies: [{ policyName: 'efs', document: fixture('iam-efs-full-access.json') }],
      }),
      principal('user', 'AIDA1', 'alice', {
        inlinePolicies: [{ policyName: 'scoped', document: fixture('iam-efs-scoped.json') }],
      }),
      principal('group', 'AGPA1', 'admins', {
        inlinePolicies: [{ policyName: 'admin', document: fixture('iam-notaction-admin.json') }],
      }),
      principal('role', 'AROA1', 'BreakGlass', {
        inlinePolicies: [{ policyName: 'efs', document: fixture('iam-efs-full-access.json') }],
      }),
    ],
  };

  it('judges inline policies, exempts listed principals by name or ARN, in a stable order', () => {
    const evaluations = efsApiLeastPrivilege.evaluate(withIam(state), ALL, {
      exemptPrincipals: `arn:aws:iam::${ACCOUNT}:role/breakglass, nobody`,
    });
    expect(evaluations.map((e) => [e.resourceType, e.resourceId, e.complianceType, e.annotation])).toEqual([
      [
        'AWS::IAM::Group',
        'AGPA1',
        'NON_COMPLIANT',
        expect.stringMatching(
          /^inline policy admin: statement "EverythingButIam" allows every EFS write action/,
        ),
      ],
      ['AWS::IAM::Role', 'AROA1', 'COMPLIANT', 'Exempt: BreakGlass is listed in exemptPrincipals.'],
      [
        'AWS::IAM::Role',
        'AROA2',
        'NON_COMPLIANT',
        expect.stringMatching(/^inline policy efs: statement "EfsAdmin" allows every EFS write action/),
      ],
      ['AWS::IAM::User', 'AIDA1', 'COMPLIANT', undefined],
    ]);
  });

  it('does not judge a principal by its attached managed policies', () => {
    const policy = managed('ANPA1', 'admin', fixture('iam-efs-full-access.json'));
    const role = principal('role', 'AROA9', 'app', { attachedPolicyArns: [policy.arn] });
    const evaluations = efsApiLeastPrivilege.evaluate(
      withIam({ policies: [policy], principals: [role] }),
      ALL,
      {},
    );
    expect(evaluations.map((e) => [e.resourceId, e.complianceType])).toEqual([
      ['ANPA1', 'NON_COMPLIANT'],
      ['AROA9', 'COMPLIANT'],
    ]);
  });

  it('scans the policy and principal lists a constant number of times per sweep, not once per resource', () => {
    // A sweep of an account with thousands of roles must stay linear: count every scan of the lists.
    let scans = 0;
    const counted = <T extends object>(items: T[]): T[] =>
      new Proxy(items, {
        get(target, property, receiver) {
          if (
            property === Symbol.iterator ||
            ['find', 'filter', 'map', 'some', 'every', 'forEach', 'flatMap', 'reduce'].includes(
              String(property),
            )
          ) {
            scans++;
          }
          return Reflect.get(target, property, receiver);
        },
      });
    const broad = fixture('iam-efs-full-access.json');
    const policies = Array.from({ length: 50 }, (_, i) => managed(`ANPA${i}`, `p${i}`, broad));
    const principals = Array.from({ length: 200 }, (_, i) =>
      principal('role', `AROA${i}`, `r${i}`, {
        attachedPolicyArns: [`arn:aws:iam::${ACCOUNT}:policy/p${i % 50}`],
      }),
    );
    const evaluations = efsApiLeastPrivilege.evaluate(
      withIam({ policies: counted(policies), principals: counted(principals) }),
      ALL,
      { exemptPrincipals: 'r0' },
    );
    expect(evaluations).toHaveLength(250);
    expect(evaluations.filter((e) => e.complianceType === 'NON_COMPLIANT')).toHaveLength(50);
    expect(scans).toBeLessThanOrEqual(6);
  });

  it('reports seeds of IAM types only; missing seeds are NOT_APPLICABLE', () => {
    const evaluations = efsApiLeastPrivilege.evaluate(withIam(state), {
      kind: 'seeds',
      seeds: [
        { resourceType: 'AWS::IAM::User', resourceId: 'AIDA1' },
        { resourceType: 'AWS::IAM::Role', resourceId: 'AIDA1' },
        { resourceType: 'AWS::IAM::Policy', resourceId: 'ANPA-gone' },
        { resourceType: 'AWS::EFS::FileSystem', resourceId: 'fs-1' },
      ],
    });
    expect(evaluations.map((e) => [e.resourceType, e.resourceId, e.complianceType])).toEqual([
      ['AWS::IAM::Policy', 'ANPA-gone', 'NOT_APPLICABLE'],
      ['AWS::IAM::Role', 'AIDA1', 'NOT_APPLICABLE'],
      ['AWS::IAM::User', 'AIDA1', 'COMPLIANT'],
    ]);
  });

  it('throws IamStateNotLoadedError rather than answer without IAM state', () => {
    expect(() => efsApiLeastPrivilege.evaluate(topology().build(), ALL)).toThrow(IamStateNotLoadedError);
    expect(() =>
      efsApiLeastPrivilege.evaluate(topology().build(), {
        kind: 'seeds',
        seeds: [{ resourceType: 'AWS::IAM::Role', resourceId: 'AROA1' }],
      }),
    ).toThrow(/IAM state was not loaded/);
  });

  it('documents the IAM region and rejects unknown parameters', () => {
    expect(efsApiLeastPrivilege.description).toMatch(/one region/);
    expect(() => efsApiLeastPrivilege.parseParameters({ exempt: 'x' })).toThrow(/unknown parameter/);
  });
});

describe('efs-api-least-privilege judges what a document effectively allows: Allows minus Denies', () => {
  const FS_ONE = 'arn:aws:elasticfilesystem:us-east-1:111122223333:file-system/fs-0123456789abcdef0';
  const allowAll = { Sid: 'All', Effect: 'Allow', Action: '*', Resource: '*' };
  const allowEfs = { Sid: 'Efs', Effect: 'Allow', Action: 'elasticfilesystem:*', Resource: '*' };

  it.each([
    [
      'Deny elasticfilesystem:* on "*" takes back Allow elasticfilesystem:* on "*"',
      [allowEfs, { Effect: 'Deny', Action: 'elasticfilesystem:*', Resource: '*' }],
    ],
    [
      'Deny with NotResource of one file system leaves writes on that one only',
      [allowAll, { Effect: 'Deny', Action: 'elasticfilesystem:*', NotResource: FS_ONE }],
    ],
    [
      'Deny NotAction of the read actions takes back every write',
      [allowEfs, { Effect: 'Deny', NotAction: ['elasticfilesystem:Describe*', 'elasticfilesystem:List*'] }],
    ],
    ['Deny without Resource (every resource) of every action', [allowAll, { Effect: 'Deny', Action: '*' }]],
    [
      'Deny unless the resource or request carries the team tag (tag-scoped what remains)',
      [
        allowEfs,
        {
          Effect: 'Deny',
          Action: 'elasticfilesystem:*',
          Resource: '*',
          Condition: { StringNotEquals: { 'aws:ResourceTag/team': 'storage' } },
        },
      ],
    ],
    [
      'Denies that together cover both EFS resource types in every account and region',
      [
        allowEfs,
        {
          Effect: 'Deny',
          Action: 'elasticfilesystem:*',
          Resource: 'arn:aws*:elasticfilesystem:*:*:file-system/*',
        },
        {
          Effect: 'Deny',
          Action: 'elasticfilesystem:*',
          Resource: 'arn:*:elasticfilesystem:*:*:access-point/*',
        },
      ],
    ],
  ])('is COMPLIANT when a %s', (_name, statements) => {
    expect(judgePolicy(doc(statements))).toEqual({
      rule: 'efs-api-least-privilege',
      resourceType: 'AWS::IAM::Policy',
      resourceId: 'ANPA1',
      complianceType: 'COMPLIANT',
    });
  });

  it('a partial Deny (Delete*) leaves the rest NON_COMPLIANT and names what remains allowed', () => {
    const evaluation = judgePolicy(
      doc([
        allowAll,
        { Sid: 'NoDeletes', Effect: 'Deny', Action: 'elasticfilesystem:Delete*', Resource: '*' },
      ]),
    );
    expect(evaluation.complianceType).toBe('NON_COMPLIANT');
    expect(evaluation.annotation).toMatch(
      /^policy p: statement "All" allows every EFS write action but DeleteFileSystem, DeleteMountTarget, DeleteFileSystemPolicy, DeleteAccessPoint, DeleteReplicationConfiguration, DeleteTags on every resource\./,
    );
  });

  it('a Deny of most actions names the few that remain', () => {
    const evaluation = judgePolicy(
      doc([
        allowEfs,
        {
          Effect: 'Deny',
          NotAction: ['elasticfilesystem:CreateAccessPoint', 'elasticfilesystem:TagResource'],
          Resource: '*',
        },
      ]),
    );
    expect(evaluation.annotation).toMatch(
      /^policy p: statement "Efs" allows CreateAccessPoint and TagResource on every resource\./,
    );
  });

  it('a Deny scoped to one account leaves every other account NON_COMPLIANT (fail closed)', () => {
    const evaluation = judgePolicy(
      doc([
        allowEfs,
        {
          Effect: 'Deny',
          Action: 'elasticfilesystem:*',
          Resource: 'arn:aws:elasticfilesystem:*:111122223333:*',
        },
      ]),
    );
    expect(evaluation.complianceType).toBe('NON_COMPLIANT');
    expect(evaluation.annotation).toContain(
      'statement "Efs" allows every EFS write action on every resource',
    );
  });

  it.each([
    ['aws:MultiFactorAuthPresent', { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } }],
    ['aws:SourceIp', { NotIpAddress: { 'aws:SourceIp': '192.0.2.0/24' } }],
    ['a tag value "*" (any tagged resource)', { StringNotLike: { 'aws:ResourceTag/team': '*' } }],
    ['ForAnyValue (false when the key is absent)', { 'ForAnyValue:StringNotEquals': { 'aws:TagKeys': 'x' } }],
  ])(
    'does not subtract a Deny conditioned on %s: it cannot be decided for every request',
    (_name, condition) => {
      const evaluation = judgePolicy(
        doc([
          allowEfs,
          {
            Sid: 'Guard',
            Effect: 'Deny',
            Action: 'elasticfilesystem:*',
            Resource: '*',
            Condition: condition,
          },
        ]),
      );
      expect(evaluation.complianceType).toBe('NON_COMPLIANT');
      expect(evaluation.annotation).toMatch(
        /^policy p: statement "Efs" allows every EFS write action on every resource; statement "Guard" denies only under conditions, so it is not counted\./,
      );
    },
  );

  it('judges inline policies of principals the same way', () => {
    const role = principal('role', 'AROA7', 'guarded', {
      inlinePolicies: [
        {
          policyName: 'guardrail',
          document: doc([allowAll, { Effect: 'Deny', Action: 'elasticfilesystem:*', NotResource: FS_ONE }]),
        },
      ],
    });
    const [evaluation] = efsApiLeastPrivilege.evaluate(
      withIam({ policies: [], principals: [role] }),
      ALL,
      {},
    );
    expect(evaluation?.complianceType).toBe('COMPLIANT');
  });
});

describe('efs-api-least-privilege decides resource coverage from the pattern itself', () => {
  const ARN = 'arn:aws:elasticfilesystem:us-east-1:111122223333';
  const hex = '0123456789abcdef';

  it.each([
    ['every 8-character file-system id', `${ARN}:file-system/fs-????????`],
    ['every 17-character file-system id', `${ARN}:file-system/fs-?????????????????`],
    ['every 8-character id, with a trailing *', `${ARN}:file-system/fs-????????*`],
    ['every access point', `${ARN}:access-point/fsap-*`],
    ['every 17-character access-point id', `${ARN}:access-point/fsap-?????????????????`],
    ['a ? in the region', 'arn:aws:elasticfilesystem:us-east-?:111122223333:file-system/*'],
    ['a ? for every account digit', 'arn:aws:elasticfilesystem:us-east-1:????????????:file-system/fs-*'],
    ['a * across segments', 'arn:aws:elasticfilesystem:*/fs-*'],
    ['a region that efsguard has never heard of', 'arn:aws:elasticfilesystem:xx-west-9:111122223333:*'],
  ])('flags a Resource that matches %s', (_name, resource) => {
    const evaluation = judgePolicy(
      doc({ Effect: 'Allow', Action: 'elasticfilesystem:DeleteFileSystem', Resource: resource }),
    );
    expect(evaluation.complianceType).toBe('NON_COMPLIANT');
    expect(evaluation.annotation).toContain('statement #1 allows DeleteFileSystem on every resource');
  });

  it('flags Resource patterns that only together match every id', () => {
    const resources = [...hex].map((digit) => `${ARN}:file-system/fs-${digit}*`);
    expect(
      judgePolicy(doc({ Effect: 'Allow', Action: 'elasticfilesystem:DeleteFileSystem', Resource: resources }))
        .complianceType,
    ).toBe('NON_COMPLIANT');
    expect(
      judgePolicy(
        doc({ Effect: 'Allow', Action: 'elasticfilesystem:DeleteFileSystem', Resource: resources.slice(1) }),
      ).complianceType,
    ).toBe('COMPLIANT');
  });

  it.each([
    ['one named file system', `${ARN}:file-system/fs-0123456789abcdef0`],
    ['a short id with one ?', `${ARN}:file-system/fs-0123456?`],
    ['a fixed id prefix', `${ARN}:file-system/fs-0123*`],
    ['a file-system id with an impossible character', `${ARN}:file-system/fs-????????g`],
    ['an id too long for EFS', `${ARN}:file-system/fs-${'?'.repeat(41)}`],
    ['a resource of another service', 'arn:aws:s3:::bucket/*'],
    ['a bare id, which is no ARN', 'fs-????????'],
  ])('accepts a Resource that names %s', (_name, resource) => {
    expect(
      judgePolicy(doc({ Effect: 'Allow', Action: 'elasticfilesystem:DeleteFileSystem', Resource: resource }))
        .complianceType,
    ).toBe('COMPLIANT');
  });
});
