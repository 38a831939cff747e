// The Security Hub deployment option (deploy/serverless/security-hub.cjs) through the generator:
// off by default, on it adds the environment, the sidecar bundle and one least-privilege statement.
import { createRequire } from 'node:module';

const requireCjs = createRequire(__filename);
type Settings = Record<string, unknown>;
interface Fn {
  environment: Record<string, string>;
  package: { patterns: string[] };
}
const { internals } = requireCjs('../../deploy/serverless/resources.cjs') as {
  internals: {
    readSettings(resolveVariable: (name: string) => Promise<unknown>): Promise<Settings>;
    buildFunctions(input: { manifest: unknown; settings: Settings }): Record<string, Fn>;
    buildResources(input: { manifest: unknown; settings: Settings }): {
      Resources: Record<
        string,
        {
          Type: string;
          Properties: { Policies?: { PolicyName: string; PolicyDocument: { Statement: unknown[] } }[] };
        }
      >;
    };
  };
};

const RULE = {
  id: 'efs-mount-target-nfs-ingress',
  title: 'EFS mount targets admit NFS only from intended clients',
  resourceTypes: ['AWS::EC2::SecurityGroup'],
  triggerResourceTypes: ['AWS::EC2::SecurityGroup'],
  triggers: ['configurationChange', 'periodic'],
  parameters: [],
  requires: ['network'],
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
const MANIFEST = { rules: [RULE], metrics: { namespace: 'efsguard', service: 'efsguard' } };

function resolverFor(params: Record<string, string>) {
  const all: Record<string, string> = {
    'param:mode': 'account',
    'param:maximumExecutionFrequency': 'TwentyFour_Hours',
    'param:ruleParameters': '{}',
    'param:executionRoleName': 'efsguard-execution',
    'param:excludedAccounts': '',
    'param:orgSourceAccounts': '',
    'param:automaticRemediation': 'false',
    'param:notificationEmail': '',
    'param:memorySize': '512',
    ...Object.fromEntries(Object.entries(params).map(([k, v]) => [`param:${k}`, v])),
    'self:service': 'efsguard',
    'sls:stage': 'dev',
  };
  return async (name: string) => all[name];
}

async function generate(params: Record<string, string>) {
  const settings = await internals.readSettings(resolverFor(params));
  const functions = internals.buildFunctions({ manifest: MANIFEST, settings });
  const role = Object.values(internals.buildResources({ manifest: MANIFEST, settings }).Resources).find(
    (resource) =>
      resource.Type === 'AWS::IAM::Role' &&
      resource.Properties.Policies?.some((p) => p.PolicyName === 'efsguard-rule'),
  );
  return { fn: functions[RULE.id] as Fn, policies: role?.Properties.Policies ?? [] };
}

describe('Security Hub deployment option', () => {
  it('is off by default: no environment switch, no sidecar in the zip, no Security Hub permission', async () => {
    const { fn, policies } = await generate({});
    expect(fn.environment?.EFSGUARD_SECURITY_HUB).toBeUndefined();
    expect(fn.package.patterns).toEqual(['!**', `dist/handlers/${RULE.id}/index.js`]);
    expect(policies.map((p) => p.PolicyName)).toEqual(['efsguard-rule']);
  });

  it('turns the sink on with BatchImportFindings on the account default product ARN only', async () => {
    const { fn, policies } = await generate({ securityHub: 'true' });
    expect(fn.environment.EFSGUARD_SECURITY_HUB).toBe('true');
    expect(fn.package.patterns).toContain(`dist/handlers/${RULE.id}/securityhub.js`);
    const hub = policies.find((p) => p.PolicyName === 'efsguard-security-hub');
    expect(hub?.PolicyDocument.Statement).toEqual([
      {
        Sid: 'ImportOwnFindings',
        Effect: 'Allow',
        Action: 'securityhub:BatchImportFindings',
        Resource: {
          'Fn::Sub': `arn:\${AWS::Partition}:securityhub:\${AWS::Region}:\${AWS::AccountId}:product/\${AWS::AccountId}/default`,
        },
      },
    ]);
  });

  it('names the parameter when it is not a boolean, and refuses organization mode', async () => {
    await expect(generate({ securityHub: 'yes' })).rejects.toThrow(
      'param securityHub must be true or false, got "yes"',
    );
    await expect(generate({ securityHub: 'true', mode: 'organization' })).rejects.toThrow(
      'param securityHub=true is supported in account mode only',
    );
  });
});
