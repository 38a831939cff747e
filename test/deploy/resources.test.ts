// The generator behind serverless.yml (deploy/serverless/resources.cjs), on a small manifest: stage
// parameters are validated with errors that name them, and they shape the generated resources.
import { createRequire } from 'node:module';

const requireCjs = createRequire(__filename);
const { internals } = requireCjs('../../deploy/serverless/resources.cjs') as {
  internals: {
    readSettings(resolveVariable: (name: string) => Promise<unknown>): Promise<Settings>;
    validateManifestRules(manifest: Manifest, settings: Settings): void;
    buildResources(input: { manifest: Manifest; settings: Settings }): {
      Parameters: Record<string, { Default: string }>;
      Conditions: Record<string, unknown>;
      Resources: Record<
        string,
        { Type: string; Properties: Record<string, unknown>; DependsOn?: string[]; Condition?: string }
      >;
    };
  };
};

type Settings = Record<string, unknown>;
interface Manifest {
  rules: unknown[];
  metrics: { namespace: string; service: string };
}

const RULE = {
  id: 'efs-mount-target-nfs-ingress',
  title: 'EFS mount targets admit NFS only from intended clients',
  resourceTypes: ['AWS::EC2::SecurityGroup', 'AWS::EFS::FileSystem'],
  triggerResourceTypes: ['AWS::EC2::SecurityGroup', 'AWS::EFS::FileSystem'],
  triggers: ['configurationChange', 'periodic'],
  parameters: [
    { name: 'allowedCidrs', default: '' },
    { name: 'allowUnusedIngress', default: 'false' },
  ],
  readActions: ['ec2:DescribeSecurityGroups'],
  functionActions: {
    account: [
      'config:GetComplianceDetailsByConfigRule',
      'config:PutEvaluations',
      'ec2:DescribeSecurityGroups',
    ],
    organization: [
      'config:GetComplianceDetailsByConfigRule',
      'config:PutEvaluations',
      'ec2:DescribeSecurityGroups',
      'sts:AssumeRole',
    ],
  },
};
const MANIFEST: Manifest = { rules: [RULE], metrics: { namespace: 'efsguard', service: 'efsguard' } };

const DEFAULT_PARAMS: Record<string, string> = {
  mode: 'account',
  maximumExecutionFrequency: 'TwentyFour_Hours',
  ruleParameters: '{}',
  executionRoleName: 'efsguard-execution',
  excludedAccounts: '',
  orgSourceAccounts: '',
  automaticRemediation: 'false',
  notificationEmail: '',
  memorySize: '512',
};

function resolverFor(params: Record<string, string>) {
  const all: Record<string, string> = {
    ...Object.fromEntries(
      Object.entries({ ...DEFAULT_PARAMS, ...params }).map(([k, v]) => [`param:${k}`, v]),
    ),
    'self:service': 'efsguard',
    'sls:stage': 'dev',
  };
  return async (name: string) => all[name];
}

/** A rule that reads IAM (global resources), as scripts/build-handlers.mjs writes it in the manifest. */
const IAM_RULE = {
  ...RULE,
  id: 'efs-api-least-privilege',
  title: 'IAM policies do not allow EFS control-plane writes on every resource',
  resourceTypes: ['AWS::IAM::Role'],
  triggerResourceTypes: ['AWS::IAM::Role'],
  parameters: [],
  requires: ['iam'],
};

async function generate(params: Record<string, string> = {}, manifest: Manifest = MANIFEST) {
  const settings = await internals.readSettings(resolverFor(params));
  internals.validateManifestRules(manifest, settings);
  return internals.buildResources({ manifest, settings });
}

describe('deploy/serverless/resources.cjs', () => {
  it.each([
    [{ mode: 'everywhere' }, /param mode must be one of account, organization, got "everywhere"/],
    [{ maximumExecutionFrequency: 'Daily' }, /param maximumExecutionFrequency must be one of .*got "Daily"/],
    [{ ruleParameters: '{not json' }, /param ruleParameters is not JSON/],
    [{ ruleParameters: '{"efs-nope":{}}' }, /param ruleParameters names unknown rules efs-nope/],
    [
      { ruleParameters: '{"efs-mount-target-nfs-ingress":{"allowedCidr":"10.0.0.0/8"}}' },
      /ruleParameters.efs-mount-target-nfs-ingress has unknown keys allowedCidr; known: allowedCidrs, allowUnusedIngress/,
    ],
    [{ excludedAccounts: '111122223333,abc' }, /param excludedAccounts holds non-account ids: abc/],
    [{ automaticRemediation: 'yes' }, /param automaticRemediation must be true or false/],
    [{ executionRoleName: 'bad name!' }, /param executionRoleName must be an IAM role name/],
    [{ iamRegion: 'global' }, /param iamRegion must be an AWS region such as us-east-1, got "global"/],
    [{ memorySize: '64' }, /param memorySize must be a whole number of MB from 128 to 10240/],
    [{ memorySize: '1 GB' }, /param memorySize must be a whole number of MB from 128 to 10240/],
  ])('rejects %j with an error naming the parameter', async (params, message) => {
    await expect(generate(params)).rejects.toThrow(message);
  });

  it('overlays ruleParameters on the defaults and leaves empty defaults out', async () => {
    const template = await generate({
      ruleParameters: '{"efs-mount-target-nfs-ingress":{"allowedCidrs":"10.0.0.0/8,192.168.0.0/16"}}',
    });
    expect(template.Resources.EfsMountTargetNfsIngressConfigRule?.Properties.InputParameters).toEqual({
      allowedCidrs: '10.0.0.0/8,192.168.0.0/16',
      allowUnusedIngress: 'false',
    });
    const defaults = await generate();
    expect(defaults.Resources.EfsMountTargetNfsIngressConfigRule?.Properties.InputParameters).toEqual({
      allowUnusedIngress: 'false',
    });
  });

  it('sets the scheduled frequency from the stage parameter', async () => {
    const template = await generate({ maximumExecutionFrequency: 'Six_Hours' });
    const source = template.Resources.EfsMountTargetNfsIngressConfigRule?.Properties.Source as {
      SourceDetails: { MessageType: string; MaximumExecutionFrequency?: string }[];
    };
    expect(source.SourceDetails).toContainEqual({
      EventSource: 'aws.config',
      MessageType: 'ScheduledNotification',
      MaximumExecutionFrequency: 'Six_Hours',
    });
  });

  it('makes automatic remediation the CloudFormation default when the stage asks for it', async () => {
    expect((await generate({ automaticRemediation: 'true' })).Parameters.AutomaticRemediation?.Default).toBe(
      'true',
    );
    expect((await generate()).Parameters.AutomaticRemediation?.Default).toBe('false');
  });

  it('in organization mode, pins Config invocations to orgSourceAccounts and this account when listed', async () => {
    const template = await generate({
      mode: 'organization',
      orgSourceAccounts: '111122223333, 444455556666',
    });
    const permissions = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Permission');
    expect(permissions.map((p) => p.Properties.SourceAccount)).toEqual([
      { Ref: 'AWS::AccountId' },
      '111122223333',
      '444455556666',
    ]);
    const orgRule = template.Resources.EfsMountTargetNfsIngressOrganizationConfigRule;
    expect(orgRule?.DependsOn).toHaveLength(3);
    expect(template.Parameters.AutomaticRemediation).toBeUndefined();
  });

  it('in organization mode without orgSourceAccounts, grants config.amazonaws.com with no account pin', async () => {
    const template = await generate({ mode: 'organization', excludedAccounts: '111122223333' });
    const permissions = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Permission');
    expect(permissions).toHaveLength(1);
    expect(permissions[0]?.Properties.SourceAccount).toBeUndefined();
    const orgRule = template.Resources.EfsMountTargetNfsIngressOrganizationConfigRule;
    expect(orgRule?.Properties.ExcludedAccounts).toEqual(['111122223333']);
    const metadata = orgRule?.Properties.OrganizationCustomRuleMetadata as { InputParameters: string };
    expect(JSON.parse(metadata.InputParameters)).toEqual({
      allowUnusedIngress: 'false',
      executionRoleName: 'efsguard-execution',
    });
  });

  it("grants each mode's function role exactly that mode's actions, with no read it does not list", async () => {
    // In organization mode a function may act only through the member execution role: then
    // aws/permissions.ts lists no reads or Config calls for its own role, and the role must hold none.
    const assumeOnly = {
      ...MANIFEST,
      rules: [{ ...RULE, functionActions: { ...RULE.functionActions, organization: ['sts:AssumeRole'] } }],
    };
    const template = await generate({ mode: 'organization' }, assumeOnly);
    const role = template.Resources.EfsMountTargetNfsIngressRole as unknown as {
      Properties: {
        Policies: { PolicyDocument: { Statement: { Sid: string; Action: string | string[] }[] } }[];
      };
    };
    const statements = role.Properties.Policies.flatMap((policy) => policy.PolicyDocument.Statement);
    expect(statements.map((statement) => statement.Sid)).toEqual([
      'WriteOwnLogs',
      'AssumeMemberExecutionRole',
    ]);
    expect(statements.flatMap((statement) => [statement.Action].flat()).sort()).toEqual([
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'sts:AssumeRole',
    ]);
  });

  describe.each(['account', 'organization'])('the IAM rule in %s mode', (mode) => {
    const withIam = { ...MANIFEST, rules: [RULE, { ...IAM_RULE, requires: ['iam'] }] };

    it('exists only in the iamRegion: its Config rule and permission carry the region condition', async () => {
      const template = await generate({ mode, iamRegion: 'eu-west-1' }, withIam);
      expect(template.Parameters.IamRegion?.Default).toBe('eu-west-1');
      expect(template.Conditions.IsIamRegion).toEqual({
        'Fn::Equals': [{ Ref: 'AWS::Region' }, { Ref: 'IamRegion' }],
      });
      const configTypes = [
        'AWS::Config::ConfigRule',
        'AWS::Config::OrganizationConfigRule',
        'AWS::Lambda::Permission',
      ];
      const iamResources = Object.entries(template.Resources).filter(
        ([id, resource]) => id.startsWith('EfsApiLeastPrivilege') && configTypes.includes(resource.Type),
      );
      expect(iamResources.length).toBeGreaterThanOrEqual(2);
      for (const [, resource] of iamResources) expect(resource.Condition).toBe('IsIamRegion');
      // The regional rules are deployed everywhere.
      const regional = Object.entries(template.Resources).filter(([id]) => id.startsWith('EfsMountTarget'));
      expect(regional.length).toBeGreaterThan(0);
      for (const [, resource] of regional) expect(resource.Condition).toBeUndefined();
    });

    it('defaults the iamRegion to us-east-1', async () => {
      expect((await generate({ mode }, withIam)).Parameters.IamRegion?.Default).toBe('us-east-1');
    });
  });

  it('adds no region parameter or condition without a rule that reads IAM', async () => {
    const template = await generate();
    expect(template.Parameters.IamRegion).toBeUndefined();
    expect(template.Conditions.IsIamRegion).toBeUndefined();
  });
});
