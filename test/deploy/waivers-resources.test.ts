// Waivers in the generated deployment (deploy/serverless/resources.cjs): the waiversParameter stage
// parameter reaches every rule's InputParameters, and each function role may read that one SSM parameter
// of its own account, in both modes (never through the member role).
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

async function generate(params: Record<string, string> = {}) {
  const settings = await internals.readSettings(resolverFor(params));
  internals.validateManifestRules(MANIFEST, settings);
  return internals.buildResources({ manifest: MANIFEST, settings });
}

type Statement = { Sid: string; Action: string | string[]; Resource: unknown };

function statementsOf(template: Awaited<ReturnType<typeof generate>>): Statement[] {
  const role = template.Resources.EfsMountTargetNfsIngressRole as unknown as {
    Properties: { Policies: { PolicyDocument: { Statement: Statement[] } }[] };
  };
  return role.Properties.Policies.flatMap((policy) => policy.PolicyDocument.Statement);
}

describe('waivers in the deployment', () => {
  it('adds nothing without waiversParameter', async () => {
    const template = await generate();
    expect(statementsOf(template).map((statement) => statement.Sid)).not.toContain('ReadWaivers');
    expect(
      template.Resources.EfsMountTargetNfsIngressConfigRule?.Properties.InputParameters,
    ).not.toHaveProperty('waiversParameter');
  });

  it.each(['account', 'organization'])(
    'in %s mode, passes the parameter to the rule and lets the function role read only it',
    async (mode) => {
      const template = await generate({ mode, waiversParameter: '/efsguard/waivers' });
      const read = statementsOf(template).find((statement) => statement.Sid === 'ReadWaivers');
      expect(read).toEqual({
        Sid: 'ReadWaivers',
        Effect: 'Allow',
        Action: 'ssm:GetParameter',
        Resource: {
          'Fn::Sub': `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter/efsguard/waivers`,
        },
      });
      const properties =
        mode === 'account'
          ? template.Resources.EfsMountTargetNfsIngressConfigRule?.Properties.InputParameters
          : JSON.parse(
              (
                template.Resources.EfsMountTargetNfsIngressOrganizationConfigRule?.Properties
                  .OrganizationCustomRuleMetadata as { InputParameters: string } | undefined
              )?.InputParameters ?? '{}',
            );
      expect(properties).toMatchObject({ waiversParameter: '/efsguard/waivers', allowTagWaivers: 'false' });
    },
  );

  it.each([
    [{ waiversParameter: 'bad name' }, /param waiversParameter must be an SSM parameter name/],
    [{ waiversParameter: '/w', allowTagWaivers: 'yes' }, /param allowTagWaivers must be true or false/],
  ])('rejects %j with an error naming the parameter', async (params, message) => {
    await expect(generate(params)).rejects.toThrow(message);
  });
});
