// The generator behind serverless.yml (deploy/serverless/resources.cjs), on a small manifest: stage
// parameters are validated with errors that name them, and they shape the generated resources.
import { createRequire } from 'node:module';
import { internals, MANIFEST, type Manifest, RULE, resolverFor } from '../helpers/deploy-generator';

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

  it('refuses orgSourceAccounts: one permission per account cannot reach a thousand accounts', async () => {
    await expect(
      generate({ mode: 'organization', orgSourceAccounts: '111122223333, 444455556666' }),
    ).rejects.toThrow(/orgSourceAccounts is no longer supported: .*20 KB function policy/);
  });

  it('in organization mode, grants config.amazonaws.com once per function, with no account pin', async () => {
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
    // aws/load/permissions.ts lists no reads or Config calls for its own role, and the role must hold none.
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
      'OnFailureDestination',
    ]);
    expect(statements.flatMap((statement) => [statement.Action].flat()).sort()).toEqual([
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'sqs:SendMessage',
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

  it('adds no region parameter or condition in account mode without a rule that reads IAM', async () => {
    const template = await generate();
    expect(template.Parameters.IamRegion).toBeUndefined();
    expect(template.Conditions.IsIamRegion).toBeUndefined();
  });

  it('fails on InputParameters over 1,024 characters, naming the rule and the limit', async () => {
    const long = `10.0.0.0/8,${Array.from({ length: 80 }, (_, i) => `10.${i}.0.0/16`).join(',')}`;
    for (const mode of ['account', 'organization']) {
      await expect(
        generate({
          mode,
          ruleParameters: JSON.stringify({ 'efs-mount-target-nfs-ingress': { allowedCidrs: long } }),
        }),
      ).rejects.toThrow(
        /InputParameters of efs-mount-target-nfs-ingress would be 1\d{3} characters, over AWS Config's limit of 1024 characters/,
      );
    }
  });

  it('leaves remediation out where CloudFormation lacks RemediationConfiguration, and says why if forced', async () => {
    const canada = await generate({ region: 'ca-central-1' });
    expect(canada.Resources.RemediationConfiguration).toBeUndefined();
    expect(canada.Resources.RemediationDocument).toBeUndefined();
    expect(canada.Parameters.AutomaticRemediation).toBeUndefined();
    expect((await generate({ region: 'eu-west-1' })).Resources.RemediationConfiguration).toBeDefined();
    expect(
      (await generate({ region: 'eu-west-1', remediation: 'false' })).Resources.RemediationRole,
    ).toBeUndefined();
    await expect(generate({ region: 'ca-central-1', remediation: 'true' })).rejects.toThrow(
      /CloudFormation in ca-central-1 has no AWS::Config::RemediationConfiguration/,
    );
    await expect(generate({ region: 'cn-north-1' })).rejects.toThrow(
      /region cn-north-1 is not one efsguard supports/,
    );
  });

  it('ships no remediation role in organization mode', async () => {
    const template = await generate({ mode: 'organization' });
    expect(
      Object.values(template.Resources).filter(
        (resource) =>
          resource.Type === 'AWS::SSM::Document' || resource.Type.startsWith('AWS::Config::Remediation'),
      ),
    ).toEqual([]);
    expect(template.Resources.RemediationRole).toBeUndefined();
  });

  it('refuses more excluded accounts than an organization rule takes, and a stage too long for role names', async () => {
    const ids = Array.from({ length: 1001 }, (_, i) => String(100000000000 + i)).join(',');
    await expect(generate({ mode: 'organization', excludedAccounts: ids })).rejects.toThrow(
      /excludedAccounts lists 1001 accounts, over AWS Config's limit of 1000/,
    );
    await expect(generate({ stage: 'production-europe-west' })).rejects.toThrow(
      /role name production-europe-west-<region>-efs-mount-target-nfs-ingress can reach \d+ characters .* over IAM's 64/,
    );
  });

  it('names roles <stage>-<region>-<rule> under the /efsguard/ path, the same in every stack of a stage', async () => {
    const role = (await generate()).Resources.EfsMountTargetNfsIngressRole;
    expect(role?.Properties.Path).toBe('/efsguard/');
    expect(role?.Properties.RoleName).toEqual({
      'Fn::Sub': `dev-\${AWS::Region}-efs-mount-target-nfs-ingress`,
    });
  });
});

const requireCjs = createRequire(__filename);

describe('deploy/serverless/limits.cjs', () => {
  const { checkTemplateLimits } = requireCjs('../../deploy/serverless/limits.cjs') as {
    checkTemplateLimits(
      template: unknown,
      name?: string,
    ): { resources: number; largestLambdaPolicyBytes: number };
  };
  const permission = (account: string) => ({
    Type: 'AWS::Lambda::Permission',
    Properties: {
      FunctionName: { 'Fn::GetAtt': ['Fn', 'Arn'] },
      Action: 'lambda:InvokeFunction',
      Principal: 'config.amazonaws.com',
      SourceAccount: account,
    },
  });

  it('fails past 500 resources, naming the limit', () => {
    const resources = Object.fromEntries(
      Array.from({ length: 501 }, (_, i) => [`Queue${i}`, { Type: 'AWS::SQS::Queue', Properties: {} }]),
    );
    expect(() => checkTemplateLimits({ Resources: resources }, 'big')).toThrow(
      "efsguard package: big has 501 resources, over CloudFormation's limit of 500 resources per stack",
    );
  });

  it('fails when one function would hold more permission statements than its 20 KB policy takes', () => {
    // The old per-account pinning: 80 accounts, one statement each.
    const resources: Record<string, unknown> = { Fn: { Type: 'AWS::Lambda::Function', Properties: {} } };
    for (let i = 0; i < 80; i += 1) resources[`Permission${i}`] = permission(String(100000000000 + i));
    expect(() => checkTemplateLimits({ Resources: resources }, 'pinned')).toThrow(
      /resource-based policy of Fn would be about \d+ bytes, over Lambda's limit of 20480 bytes \(20 KB\)/,
    );
    const one = checkTemplateLimits({ Resources: { Fn: resources.Fn, P: permission('111122223333') } });
    expect(one.largestLambdaPolicyBytes).toBeLessThan(1024);
  });

  it('fails on an InputParameters string over 1,024 characters in a packaged template', () => {
    const template = {
      Resources: {
        Rule: {
          Type: 'AWS::Config::OrganizationConfigRule',
          Properties: {
            OrganizationConfigRuleName: 'efs-x',
            OrganizationCustomRuleMetadata: { InputParameters: JSON.stringify({ a: 'x'.repeat(1100) }) },
          },
        },
      },
    };
    expect(() => checkTemplateLimits(template, 'org')).toThrow(
      /org: InputParameters of efs-x is 1108 characters, over AWS Config's limit of 1024 characters/,
    );
  });
});
