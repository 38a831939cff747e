import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidParametersError } from '../../../../core/errors';
import { ALL, type Evaluation } from '../../../../core/model';
import { efsFileSystemPolicy } from '../../../../core/rules/efs-file-system-policy';
import { topology } from '../../../fixtures/topology-builder';
import { ACCOUNT, REGION } from '../../../helpers/accounts';

const FIXTURES = join(__dirname, '../../../fixtures/policies');
const FS_ARN = `arn:aws:elasticfilesystem:${REGION}:${ACCOUNT}:file-system/fs-1`;
// Fixtures name a documentation file system; point them at the one under test.
const fixture = (name: string): string =>
  readFileSync(join(FIXTURES, name), 'utf8').replaceAll(
    'arn:aws:elasticfilesystem:us-east-1:111122223333:file-system/fs-0123456789abcdef0',
    FS_ARN,
  );

function judge(policy: string | null, params: Record<string, unknown> = {}): Evaluation {
  const evaluations = efsFileSystemPolicy.evaluate(
    topology().fileSystem('fs-1', policy).build(),
    ALL,
    params,
  );
  expect(evaluations).toHaveLength(1);
  const [evaluation] = evaluations as [Evaluation];
  if (evaluation.annotation !== undefined) expect(evaluation.annotation.length).toBeLessThanOrEqual(256);
  return evaluation;
}

const TLS_DENY = {
  Sid: 'DenyNonTls',
  Effect: 'Deny',
  Principal: { AWS: '*' },
  Action: '*',
  Condition: { Bool: { 'aws:SecureTransport': 'false' } },
};
const policy = (...statements: unknown[]): string =>
  JSON.stringify({ Version: '2012-10-17', Statement: statements });

describe('efs-file-system-policy metadata', () => {
  it('states the compliant state and documents every parameter with its default', () => {
    expect(efsFileSystemPolicy.id).toBe('efs-file-system-policy');
    expect(efsFileSystemPolicy.resourceTypes).toEqual(['AWS::EFS::FileSystem']);
    expect(efsFileSystemPolicy.triggers).toEqual(['configurationChange', 'periodic']);
    expect(efsFileSystemPolicy.parameters.map((p) => [p.name, p.default])).toEqual([
      ['requireSecureTransport', 'true'],
      ['allowAnonymousAccess', 'false'],
      ['allowRootAccess', 'false'],
    ]);
    expect(efsFileSystemPolicy.remediation).toMatch(/access point/);
  });

  it('rejects unknown and malformed parameters by name', () => {
    expect(() => efsFileSystemPolicy.parseParameters({ requireTls: 'true' })).toThrow(InvalidParametersError);
    expect(() => efsFileSystemPolicy.parseParameters({ allowRootAccess: 'yes' })).toThrow(/allowRootAccess/);
  });
});

describe('efs-file-system-policy without a policy', () => {
  it('is NON_COMPLIANT: any client mounts read-write as root', () => {
    const evaluation = judge(null);
    expect(evaluation.complianceType).toBe('NON_COMPLIANT');
    expect(evaluation.annotation).toBe(
      'No file system policy: any client that reaches a mount target mounts read-write as root, without TLS. ' +
        'Add a policy that denies clients without TLS and grants client actions to named roles or access points.',
    );
  });

  it('is COMPLIANT only when every check is relaxed', () => {
    expect(
      judge(null, { requireSecureTransport: 'false', allowAnonymousAccess: 'true' }).complianceType,
    ).toBe('NON_COMPLIANT');
    expect(
      judge(null, { requireSecureTransport: 'false', allowAnonymousAccess: 'true', allowRootAccess: 'true' })
        .complianceType,
    ).toBe('COMPLIANT');
  });
});

describe('efs-file-system-policy over the console default policies', () => {
  it('"Enforce in-transit encryption": TLS passes, but the Allow to everyone via mount target grants root and anonymous access', () => {
    const evaluation = judge(fixture('console-enforce-tls.json'));
    expect(evaluation.complianceType).toBe('NON_COMPLIANT');
    expect(evaluation.annotation).toBe(
      'statement "efs-statement-4f3e2b1a-6c5d-4e7f-8a9b-0c1d2e3f4a55" grants ClientMount, ClientWrite and ClientRootAccess ' +
        'to everyone (its AccessedViaMountTarget condition does not limit who). Grant client actions only to named roles or access points.',
    );
  });

  it('"Prevent root access" alone: no TLS Deny and anonymous read-write', () => {
    const evaluation = judge(fixture('console-prevent-root.json'));
    expect(evaluation.complianceType).toBe('NON_COMPLIANT');
    expect(evaluation.annotation).toMatch(
      /^no statement denies clients without TLS \(aws:SecureTransport false\); statement "efs-statement-3b0e4b7e[^"]*" grants ClientMount and ClientWrite to everyone/,
    );
    expect(evaluation.annotation).not.toMatch(/ClientRootAccess to everyone/);
  });

  it('"Prevent root access" is enough when root access is the only concern', () => {
    const params = { requireSecureTransport: 'false', allowAnonymousAccess: 'true' };
    expect(judge(fixture('console-prevent-root.json'), params).complianceType).toBe('COMPLIANT');
    expect(judge(fixture('console-read-only.json'), params).annotation).toMatch(
      /grants ClientRootAccess to everyone/,
    );
  });

  it('"Prevent anonymous access" removes ClientMount: the remaining ClientWrite is not anonymous, ClientRootAccess to everyone still is flagged', () => {
    const evaluation = judge(fixture('console-prevent-anonymous.json'), { requireSecureTransport: 'false' });
    expect(evaluation.complianceType).toBe('NON_COMPLIANT');
    expect(evaluation.annotation).toBe(
      'statement "efs-statement-393829aa-9c67-4a67-8f53-2a668dae4028" grants ClientRootAccess to everyone ' +
        '(its AccessedViaMountTarget condition does not limit who). Grant client actions only to named roles or access points.',
    );
    expect(
      judge(fixture('console-prevent-anonymous.json'), {
        requireSecureTransport: 'false',
        allowRootAccess: 'true',
      }),
    ).toEqual({
      rule: 'efs-file-system-policy',
      resourceType: 'AWS::EFS::FileSystem',
      resourceId: 'fs-1',
      complianceType: 'COMPLIANT',
    });
  });

  it('"Prevent anonymous access" without TLS enforcement names the missing Deny first', () => {
    expect(judge(fixture('console-prevent-anonymous.json')).annotation).toMatch(
      /^no statement denies clients without TLS \(aws:SecureTransport false\); statement "efs-statement-393829aa[^"]*" grants ClientRootAccess to everyone/,
    );
  });

  it('prevent anonymous + TLS: only ClientRootAccess to everyone is left to flag', () => {
    const evaluation = judge(fixture('console-prevent-anonymous-tls.json'));
    expect(evaluation.complianceType).toBe('NON_COMPLIANT');
    expect(evaluation.annotation).toMatch(
      /^statement "efs-statement-8d2b6f4e[^"]*" grants ClientRootAccess to everyone \(its AccessedViaMountTarget condition does not limit who\)\. /,
    );
  });

  it('prevent root + prevent anonymous + TLS is COMPLIANT: ClientWrite to everyone only extends IAM principals that can mount', () => {
    expect(judge(fixture('console-prevent-root-anonymous-tls.json'))).toEqual({
      rule: 'efs-file-system-policy',
      resourceType: 'AWS::EFS::FileSystem',
      resourceId: 'fs-1',
      complianceType: 'COMPLIANT',
    });
  });

  it('every console option selected (only the TLS Deny remains) is COMPLIANT', () => {
    expect(judge(fixture('console-read-only-no-root-no-anonymous-tls.json'))).toEqual({
      rule: 'efs-file-system-policy',
      resourceType: 'AWS::EFS::FileSystem',
      resourceId: 'fs-1',
      complianceType: 'COMPLIANT',
    });
  });

  it('the AWS docs access-point policy with a boolean TLS Deny is COMPLIANT', () => {
    expect(judge(fixture('aws-docs-access-point-roles.json')).complianceType).toBe('COMPLIANT');
  });
});

describe('efs-file-system-policy: the TLS Deny', () => {
  const grantToRole = {
    Sid: 'App',
    Effect: 'Allow',
    Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/app` },
    Action: ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite'],
  };

  it.each([
    ['Bool "false"', { Bool: { 'aws:SecureTransport': 'false' } }],
    ['Bool false (JSON boolean)', { Bool: { 'aws:SecureTransport': false } }],
    ['BoolIfExists "false"', { BoolIfExists: { 'aws:SecureTransport': 'false' } }],
    ['a list ["false"]', { Bool: { 'aws:SecureTransport': ['false'] } }],
    ['a lower-case key', { Bool: { 'aws:securetransport': 'FALSE' } }],
  ])('counts %s', (_name, condition) => {
    expect(judge(policy(grantToRole, { ...TLS_DENY, Condition: condition })).complianceType).toBe(
      'COMPLIANT',
    );
  });

  it.each([
    ['Principal "*" and Action elasticfilesystem:*', { Principal: '*', Action: 'elasticfilesystem:*' }],
    [
      'Action elasticfilesystem:Client* and the file system ARN',
      { Action: 'elasticfilesystem:Client*', Resource: FS_ARN },
    ],
    ['NotAction of an unrelated action', { Action: undefined, NotAction: 's3:GetObject' }],
    [
      'an explicit action list in any case',
      {
        Action: [
          'ELASTICFILESYSTEM:clientmount',
          'elasticfilesystem:ClientWrite',
          'elasticfilesystem:ClientRootAccess',
        ],
      },
    ],
  ])('counts %s', (_name, overrides) => {
    expect(judge(policy(grantToRole, { ...TLS_DENY, ...overrides })).complianceType).toBe('COMPLIANT');
  });

  // Every NFS session starts with a mount, which EFS authorizes as ClientMount ("Using IAM to control file
  // system data access", Amazon EFS User Guide): denying ClientMount without TLS refuses every plaintext client.
  it.each([
    ['Action ClientMount alone', { Action: 'elasticfilesystem:ClientMount' }],
    [
      'ClientMount and ClientWrite',
      { Action: ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite'] },
    ],
    ['NotAction ClientRootAccess', { Action: undefined, NotAction: 'elasticfilesystem:ClientRootAccess' }],
    [
      'ClientMount on the file system ARN, Principal "*"',
      { Action: 'elasticfilesystem:ClientMount', Principal: '*', Resource: FS_ARN },
    ],
  ])('counts a Deny of %s without TLS: it refuses every plaintext mount', (_name, overrides) => {
    const statement = JSON.parse(JSON.stringify({ ...TLS_DENY, ...overrides }));
    expect(judge(policy(grantToRole, statement))).toEqual({
      rule: 'efs-file-system-policy',
      resourceType: 'AWS::EFS::FileSystem',
      resourceId: 'fs-1',
      complianceType: 'COMPLIANT',
    });
  });

  it('names every reason in one plain sentence when a Deny falls short in several ways', () => {
    const statement = {
      ...TLS_DENY,
      Principal: { Service: '*' },
      Action: 'elasticfilesystem:ClientWrite',
      Resource: `arn:aws:elasticfilesystem:${REGION}:${ACCOUNT}:file-system/fs-other`,
      Condition: { Bool: { 'aws:SecureTransport': 'false' }, StringEquals: { 'aws:SourceVpc': 'vpc-1' } },
    };
    expect(judge(policy(grantToRole, statement)).annotation).toBe(
      'statement "DenyNonTls" does not deny every client without TLS: it names only some principals, leaves out ' +
        'ClientMount (which every mount needs), is for another resource (not this file system) and also requires a ' +
        'condition on aws:SourceVpc.',
    );
  });

  it('says plainly when no statement denies plaintext clients', () => {
    expect(judge(policy(grantToRole)).annotation).toBe(
      'no statement denies clients without TLS (aws:SecureTransport false). Add a Deny of Action "*" ' +
        'to Principal "*" if aws:SecureTransport is "false".',
    );
  });

  it('does not count a Deny scoped to one account', () => {
    const evaluation = judge(fixture('deny-scoped-to-one-account.json'));
    expect(evaluation.complianceType).toBe('NON_COMPLIANT');
    expect(evaluation.annotation).toBe(
      'statement "DenyUnencryptedAccessAndUploads" does not deny every client without TLS: it names ' +
        'only some principals. Add a Deny of Action "*" to Principal "*" if aws:SecureTransport is "false".',
    );
  });

  it.each([
    [
      'NotPrincipal (exempts a role)',
      { Principal: undefined, NotPrincipal: { AWS: `arn:aws:iam::${ACCOUNT}:role/x` } },
      'it exempts the principals in NotPrincipal',
    ],
    // "*" names every principal only bare or as {"AWS": "*"}; a service wildcard does not cover NFS clients.
    ['Principal {"Service": "*"}', { Principal: { Service: '*' } }, 'it names only some principals'],
    [
      'ClientWrite only',
      { Action: 'elasticfilesystem:ClientWrite' },
      'it leaves out ClientMount (which every mount needs)',
    ],
    [
      'NotAction excluding ClientMount',
      { Action: undefined, NotAction: 'elasticfilesystem:ClientMount' },
      'it leaves out ClientMount (which every mount needs)',
    ],
    [
      'another file system',
      { Resource: `arn:aws:elasticfilesystem:${REGION}:${ACCOUNT}:file-system/fs-other` },
      'it is for another resource (not this file system)',
    ],
    [
      'an extra condition',
      {
        Condition: {
          Bool: { 'aws:SecureTransport': 'false' },
          StringEquals: { 'aws:PrincipalAccount': ACCOUNT },
        },
      },
      'it also requires a condition on aws:PrincipalAccount',
    ],
    [
      'Bool "true" (denies TLS clients)',
      { Condition: { Bool: { 'aws:SecureTransport': 'true' } } },
      'it does not apply when aws:SecureTransport is false',
    ],
  ])('does not count a Deny with %s', (_name, overrides, reason) => {
    const statement = JSON.parse(JSON.stringify({ ...TLS_DENY, ...overrides }));
    const evaluation = judge(policy(grantToRole, statement));
    expect(evaluation.complianceType).toBe('NON_COMPLIANT');
    expect(evaluation.annotation).toBe(
      `statement "DenyNonTls" does not deny every client without TLS: ${reason}. ` +
        'Add a Deny of Action "*" to Principal "*" if aws:SecureTransport is "false".',
    );
  });

  it('does not take an Allow conditioned on aws:SecureTransport "true" for a Deny', () => {
    const evaluation = judge(fixture('allow-with-secure-transport-true.json'));
    expect(evaluation.annotation).toMatch(
      /^no statement denies clients without TLS \(aws:SecureTransport false\); statement "ExampleStatement01" grants ClientMount and ClientWrite to everyone/,
    );
  });

  it('the check is relaxed by requireSecureTransport false', () => {
    expect(judge(policy(grantToRole), { requireSecureTransport: 'false' }).complianceType).toBe('COMPLIANT');
    expect(judge(policy(grantToRole), { requireSecureTransport: false }).complianceType).toBe('COMPLIANT');
    expect(judge(policy(grantToRole)).complianceType).toBe('NON_COMPLIANT');
  });
});

describe('efs-file-system-policy: grants to everyone', () => {
  const allowAll = (extra: Record<string, unknown> = {}) => ({
    Effect: 'Allow',
    Principal: { AWS: '*' },
    Action: 'elasticfilesystem:Client*',
    ...extra,
  });

  it.each([
    ['aws:PrincipalOrgID', { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } }],
    ['aws:PrincipalAccount', { StringEquals: { 'aws:PrincipalAccount': ACCOUNT } }],
    [
      'aws:PrincipalArn with a fixed account',
      { ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:role/app-*` } },
    ],
    ['aws:SourceVpc', { StringEquals: { 'aws:SourceVpc': 'vpc-0123456789abcdef0' } }],
    ['aws:SourceVpce', { StringEquals: { 'aws:SourceVpce': 'vpce-0123456789abcdef0' } }],
    [
      'elasticfilesystem:AccessPointArn',
      {
        StringEquals: {
          'elasticfilesystem:AccessPointArn': `arn:aws:elasticfilesystem:${REGION}:${ACCOUNT}:access-point/fsap-0123`,
        },
      },
    ],
  ])('accepts an Allow to everyone narrowed by %s', (_name, condition) => {
    expect(judge(policy(allowAll({ Condition: condition }), TLS_DENY)).complianceType).toBe('COMPLIANT');
  });

  it.each([
    [
      'elasticfilesystem:AccessedViaMountTarget alone',
      { Bool: { 'elasticfilesystem:AccessedViaMountTarget': 'true' } },
    ],
    ['aws:SecureTransport alone', { Bool: { 'aws:SecureTransport': 'true' } }],
    [
      'an IfExists form (absent keys pass)',
      { StringEqualsIfExists: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } },
    ],
    ['a StringLike "*" value', { StringLike: { 'aws:PrincipalOrgID': '*' } }],
    ['an ArnLike with a wildcard account', { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/app' } }],
    [
      'ForAllValues (vacuously true)',
      { 'ForAllValues:StringEquals': { 'aws:PrincipalOrgPaths': 'o-a/r-b/' } },
    ],
    ['a negated operator', { StringNotEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } }],
    ['IpAddress 0.0.0.0/0', { IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } }],
  ])('flags an Allow to everyone "narrowed" only by %s', (_name, condition) => {
    const evaluation = judge(policy(allowAll({ Sid: 'Open', Condition: condition }), TLS_DENY));
    expect(evaluation.complianceType).toBe('NON_COMPLIANT');
    expect(evaluation.annotation).toMatch(
      /^statement "Open" grants ClientMount, ClientWrite and ClientRootAccess to everyone/,
    );
  });

  describe('ClientWrite to everyone is anonymous write only when ClientMount is granted to everyone', () => {
    const writeToAll = {
      Sid: 'WriteAll',
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: 'elasticfilesystem:ClientWrite',
      Condition: { Bool: { 'elasticfilesystem:AccessedViaMountTarget': 'true' } },
    };
    const mountToAll = {
      Sid: 'MountAll',
      Effect: 'Allow',
      Principal: '*',
      Action: 'elasticfilesystem:ClientMount',
    };

    it('flags both statements when another statement opens ClientMount to everyone', () => {
      expect(judge(policy(writeToAll, mountToAll, TLS_DENY)).annotation).toBe(
        'statement "WriteAll" grants ClientWrite to everyone (its AccessedViaMountTarget condition does not limit who); ' +
          'statement "MountAll" grants ClientMount to everyone. Grant client actions only to named roles or access points.',
      );
    });

    it.each([
      [
        'ClientMount granted to a named role',
        { ...mountToAll, Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/app` } },
      ],
      [
        'ClientMount to everyone narrowed by aws:PrincipalOrgID',
        { ...mountToAll, Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } } },
      ],
      [
        'ClientMount to everyone for another file system',
        { ...mountToAll, Resource: `arn:aws:elasticfilesystem:${REGION}:${ACCOUNT}:file-system/fs-other` },
      ],
    ])('accepts it with %s', (_name, mount) => {
      expect(judge(policy(writeToAll, mount, TLS_DENY)).complianceType).toBe('COMPLIANT');
    });

    it('accepts it when a Deny without condition takes ClientMount from everyone', () => {
      const denyMount = { Effect: 'Deny', Principal: { AWS: '*' }, Action: 'elasticfilesystem:ClientMount' };
      expect(judge(policy(writeToAll, mountToAll, denyMount, TLS_DENY)).complianceType).toBe('COMPLIANT');
    });

    it('allowAnonymousAccess accepts the pair', () => {
      expect(
        judge(policy(writeToAll, mountToAll, TLS_DENY), { allowAnonymousAccess: 'true' }).complianceType,
      ).toBe('COMPLIANT');
    });
  });

  it('names statements without a Sid by 1-based position', () => {
    expect(judge(policy(TLS_DENY, allowAll())).annotation).toMatch(
      /^statement #2 grants ClientMount, ClientWrite and ClientRootAccess to everyone/,
    );
  });

  it('treats Principal "*", {"AWS": ["*", account]} and NotPrincipal as everyone, and account ARNs as not', () => {
    expect(judge(policy(allowAll({ Principal: '*' }), TLS_DENY)).complianceType).toBe('NON_COMPLIANT');
    expect(
      judge(policy(allowAll({ Principal: { AWS: [`arn:aws:iam::${ACCOUNT}:root`, '*'] } }), TLS_DENY))
        .complianceType,
    ).toBe('NON_COMPLIANT');
    expect(
      judge(
        policy(
          allowAll({ Principal: undefined, NotPrincipal: { AWS: `arn:aws:iam::${ACCOUNT}:role/x` } }),
          TLS_DENY,
        ),
      ).complianceType,
    ).toBe('NON_COMPLIANT');
    expect(
      judge(policy(allowAll({ Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` } }), TLS_DENY))
        .complianceType,
    ).toBe('COMPLIANT');
    expect(judge(policy(allowAll({ Principal: { AWS: ACCOUNT } }), TLS_DENY)).complianceType).toBe(
      'COMPLIANT',
    );
  });

  it('flags Action "*" and NotAction that leaves the client actions granted', () => {
    expect(judge(policy(allowAll({ Sid: 'Star', Action: '*' }), TLS_DENY)).annotation).toMatch(
      /^statement "Star" grants ClientMount, ClientWrite and ClientRootAccess/,
    );
    expect(
      judge(
        policy(
          allowAll({ Sid: 'Not', Action: undefined, NotAction: 'elasticfilesystem:ClientRootAccess' }),
          TLS_DENY,
        ),
      ).annotation,
    ).toMatch(/^statement "Not" grants ClientMount and ClientWrite to everyone/);
  });

  it('ignores Allows for another file system', () => {
    const other = `arn:aws:elasticfilesystem:${REGION}:${ACCOUNT}:file-system/fs-other`;
    expect(judge(policy(allowAll({ Resource: other }), TLS_DENY)).complianceType).toBe('COMPLIANT');
    expect(judge(policy(allowAll({ NotResource: other }), TLS_DENY)).complianceType).toBe('NON_COMPLIANT');
  });

  it('accepts a grant to everyone that a Deny narrows to the organization', () => {
    const orgDeny = {
      Effect: 'Deny',
      Principal: '*',
      Action: 'elasticfilesystem:Client*',
      Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } },
    };
    expect(judge(policy(allowAll(), orgDeny, TLS_DENY)).complianceType).toBe('COMPLIANT');
    const rootDeny = {
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 'elasticfilesystem:ClientRootAccess',
    };
    expect(
      judge(policy(allowAll(), rootDeny, TLS_DENY), { allowAnonymousAccess: 'true' }).complianceType,
    ).toBe('COMPLIANT');
  });

  it('accepts the org-scoped single-statement policy when TLS is not required', () => {
    expect(judge(fixture('org-scoped-tls.json'), { requireSecureTransport: 'false' }).complianceType).toBe(
      'COMPLIANT',
    );
  });

  it('lets allowRootAccess and allowAnonymousAccess relax their checks', () => {
    const open = policy(allowAll({ Sid: 'Open' }), TLS_DENY);
    expect(judge(open, { allowRootAccess: 'true' }).annotation).toMatch(
      /grants ClientMount and ClientWrite to everyone/,
    );
    expect(judge(open, { allowAnonymousAccess: 'true' }).annotation).toMatch(
      /grants ClientRootAccess to everyone/,
    );
    expect(judge(open, { allowAnonymousAccess: 'true', allowRootAccess: 'true' }).complianceType).toBe(
      'COMPLIANT',
    );
  });
});

describe('efs-file-system-policy on policies it cannot read', () => {
  it.each([
    [
      'truncated JSON',
      fixture('malformed-truncated.txt'),
      /^The file system policy cannot be parsed: not valid JSON/,
    ],
    ['a JSON array', '[]', /a policy must be a JSON object/],
    ['a statement without Effect', policy({ Principal: '*', Action: '*' }), /Statement\[0\]: missing Effect/],
    [
      'an unknown condition operator',
      policy({ ...TLS_DENY, Condition: { BoolEquals: { 'aws:SecureTransport': 'false' } } }),
      /unknown condition operator "BoolEquals"/,
    ],
  ])('is NON_COMPLIANT for %s, never COMPLIANT, even with every check relaxed', (_name, text, message) => {
    for (const params of [
      {},
      { requireSecureTransport: 'false', allowAnonymousAccess: 'true', allowRootAccess: 'true' },
    ]) {
      const evaluation = judge(text, params);
      expect(evaluation.complianceType).toBe('NON_COMPLIANT');
      expect(evaluation.annotation).toMatch(message);
    }
  });
});

describe('efs-file-system-policy scope', () => {
  const topo = topology()
    .fileSystem('fs-b', null)
    .fileSystem('fs-a', fixture('console-read-only-no-root-no-anonymous-tls.json'))
    .build();

  it('sweeps every file system in resource-id order', () => {
    expect(efsFileSystemPolicy.evaluate(topo, ALL).map((e) => [e.resourceId, e.complianceType])).toEqual([
      ['fs-a', 'COMPLIANT'],
      ['fs-b', 'NON_COMPLIANT'],
    ]);
  });

  it('reports only file-system seeds; a missing seed is NOT_APPLICABLE', () => {
    const evaluations = efsFileSystemPolicy.evaluate(topo, {
      kind: 'seeds',
      seeds: [
        { resourceType: 'AWS::EFS::FileSystem', resourceId: 'fs-gone' },
        { resourceType: 'AWS::EFS::FileSystem', resourceId: 'fs-b' },
        { resourceType: 'AWS::EC2::SecurityGroup', resourceId: 'sg-1' },
        { resourceType: 'AWS::EFS::FileSystem', resourceId: 'fs-b' },
      ],
    });
    expect(evaluations.map((e) => [e.resourceId, e.complianceType, e.annotation ?? ''])).toEqual([
      ['fs-b', 'NON_COMPLIANT', expect.stringMatching(/^No file system policy/)],
      ['fs-gone', 'NOT_APPLICABLE', 'The file system no longer exists.'],
    ]);
  });
});
