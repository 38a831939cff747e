// The serverless.yml generator (deploy/serverless/resources.cjs) as the deploy tests drive it: its
// builders (each required from the file that defines it), a one-rule manifest as
// scripts/build-handlers.mjs writes it, and a resolver for the stage parameters osls would pass.
import { createRequire } from 'node:module';

const requireCjs = createRequire(__filename);
const { readSettings, validateManifestRules } = requireCjs('../../deploy/serverless/settings.cjs') as {
  readSettings(resolveVariable: (name: string) => Promise<unknown>): Promise<Settings>;
  validateManifestRules(manifest: Manifest, settings: Settings): void;
};
const { buildFunctions } = requireCjs('../../deploy/serverless/functions.cjs') as {
  buildFunctions(input: { manifest: Manifest; settings: Settings }): Record<string, GeneratedFunction>;
};
const { buildResources } = requireCjs('../../deploy/serverless/resources.cjs') as {
  buildResources(input: { manifest: Manifest; settings: Settings }): {
    Parameters: Record<string, { Default: string }>;
    Conditions: Record<string, unknown>;
    Resources: Record<
      string,
      { Type: string; Properties: Record<string, unknown>; DependsOn?: string[]; Condition?: string }
    >;
  };
};
export const internals = { readSettings, validateManifestRules, buildFunctions, buildResources };

export type Settings = Record<string, unknown>;
/** A function as the generator writes it into serverless.yml's functions. */
export interface GeneratedFunction {
  environment?: Record<string, string>;
  package: { patterns: string[] };
}
export interface Manifest {
  rules: unknown[];
  metrics: { namespace: string; service: string };
}

export const RULE = {
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
export const MANIFEST: Manifest = { rules: [RULE], metrics: { namespace: 'efsguard', service: 'efsguard' } };

export const DEFAULT_PARAMS: Record<string, string> = {
  mode: 'account',
  maximumExecutionFrequency: 'TwentyFour_Hours',
  ruleParameters: '{}',
  executionRoleName: 'efsguard-execution',
  excludedAccounts: '',
  orgSourceAccounts: '',
  organizationId: '',
  remediation: 'auto',
  automaticRemediation: 'false',
  notificationEmail: '',
  memorySize: '512',
};

export function resolverFor(params: Record<string, string>) {
  const { region = 'us-east-1', stage = 'dev', ...rest } = params;
  const all: Record<string, string> = {
    ...Object.fromEntries(Object.entries({ ...DEFAULT_PARAMS, ...rest }).map(([k, v]) => [`param:${k}`, v])),
    'self:service': 'efsguard',
    'self:provider.region': region,
    'sls:stage': stage,
  };
  return async (name: string) => all[name];
}
