// One offline `npm run package` run (both modes, no AWS credentials), then checks on what it produced:
// cfn-lint, least-privilege roles against aws/permissions.ts, Config rules against the rules' metadata,
// remediation, notifications, dashboard and the function zips.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { functionActionsFor, LOG_ACTIONS, memberRoleActions } from '../../aws/permissions';
import { RULES as REGISTERED_RULES } from '../../core/rules/index';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');
const OUT = join(ROOT, 'dist', 'serverless');
const MODES = ['account', 'organization'] as const;
type Mode = (typeof MODES)[number];

interface Resource {
  Type: string;
  Properties: Record<string, unknown>;
  DependsOn?: string[];
  Condition?: string;
}
interface Template {
  Resources: Record<string, Resource>;
  Outputs?: Record<string, unknown>;
  Conditions?: Record<string, unknown>;
}
interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

// The rules being packaged: every registered rule, or those EFSGUARD_DEPLOY_RULES selects (as the build does).
const SELECTION = (process.env.EFSGUARD_DEPLOY_RULES ?? '')
  .split(',')
  .map((id) => id.trim())
  .filter(Boolean);
const RULES =
  SELECTION.length > 0 ? REGISTERED_RULES.filter((rule) => SELECTION.includes(rule.id)) : REGISTERED_RULES;

const templates = {} as Record<Mode, Template>;
let packageOutput = '';
let packageSeconds = 0;

/** The environment with every AWS_* variable removed and a fresh HOME, so no credentials can be found. */
function credentialFreeEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('AWS_')) env[key] = value;
  env.HOME = mkdtempSync(join(tmpdir(), 'efsguard-package-home-'));
  return env;
}

function resourcesOfType(template: Template, type: string): [string, Resource][] {
  return Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
}

function statementsOf(role: Resource): Statement[] {
  const policies = role.Properties.Policies as { PolicyDocument: { Statement: Statement[] } }[];
  return policies.flatMap((policy) => policy.PolicyDocument.Statement);
}

function actionsOf(statements: Statement[]): string[] {
  return [...new Set(statements.flatMap((statement) => [statement.Action].flat()))].sort();
}

function functionLogicalId(ruleId: string): string {
  return `${ruleId.replace(/-/g, 'Dash').replace(/^./, (c) => c.toUpperCase())}LambdaFunction`;
}

function roleOfFunction(template: Template, ruleId: string): [string, Resource] {
  const fn = template.Resources[functionLogicalId(ruleId)];
  if (!fn) throw new Error(`no function for ${ruleId}`);
  const roleRef = fn.Properties.Role as { 'Fn::Sub': string };
  const roleId = /^\$\{(\w+)\.Arn\}$/.exec(roleRef['Fn::Sub'])?.[1] as string;
  const role = template.Resources[roleId];
  if (!role) throw new Error(`function ${ruleId} names missing role ${roleId}`);
  return [roleId, role];
}

function expectedMessageTypes(triggers: readonly string[]): string[] {
  return [
    ...(triggers.includes('configurationChange')
      ? ['ConfigurationItemChangeNotification', 'OversizedConfigurationItemChangeNotification']
      : []),
    ...(triggers.includes('periodic') ? ['ScheduledNotification'] : []),
  ];
}

beforeAll(async () => {
  const started = Date.now();
  const { stdout, stderr } = await run(process.execPath, [join(ROOT, 'scripts', 'package.mjs')], {
    cwd: ROOT,
    env: credentialFreeEnv(),
    maxBuffer: 16 * 1024 * 1024,
  });
  packageSeconds = (Date.now() - started) / 1000;
  packageOutput = `${stdout}\n${stderr}`;
  for (const mode of MODES) {
    templates[mode] = JSON.parse(
      readFileSync(join(OUT, mode, 'cloudformation-template-update-stack.json'), 'utf8'),
    ) as Template;
  }
}, 240_000);

describe('npm run package (offline, no credentials)', () => {
  it('packages both modes and reports each bundle within the size budget', () => {
    expect(packageOutput).toContain(`account: ${join(OUT, 'account')}`);
    expect(packageOutput).toContain(`organization: ${join(OUT, 'organization')}`);
    const manifest = JSON.parse(readFileSync(join(ROOT, 'dist', 'deploy', 'manifest.json'), 'utf8')) as {
      bundles: { ruleId: string; bytes: number }[];
      budget: { maxBytes: number };
    };
    expect(manifest.bundles.map((bundle) => bundle.ruleId).sort()).toEqual(
      RULES.map((rule) => rule.id).sort(),
    );
    for (const bundle of manifest.bundles) expect(bundle.bytes).toBeLessThanOrEqual(manifest.budget.maxBytes);
    console.info(
      manifest.bundles
        .map((bundle) => `${bundle.ruleId}: ${(bundle.bytes / 1024).toFixed(0)} KiB`)
        .join('\n'),
    );
    // Kept visible in the test log: the lead tracks packaging time.
    console.info(`packaging took ${packageSeconds.toFixed(1)} s`);
  });

  it('zips each function with only its own bundle, which loads and exports a handler', async () => {
    for (const rule of RULES) {
      const zip = join(OUT, 'account', `${rule.id}.zip`);
      const { stdout } = await run('python3', [
        '-c',
        'import sys, zipfile; print("\\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))',
        zip,
      ]);
      expect(stdout.trim().split('\n')).toEqual([`dist/handlers/${rule.id}/index.js`]);
      const bundle = join(ROOT, 'dist', 'handlers', rule.id, 'index.js');
      const probe = await run(process.execPath, [
        '--input-type=module',
        '-e',
        `const m = await import(${JSON.stringify(bundle)}); console.log(typeof m.handler);`,
      ]);
      expect(probe.stdout.trim()).toBe('function');
    }
  });

  it('keeps typed error names through minification (what Config and the logs show)', async () => {
    const bundle = join(ROOT, 'dist', 'handlers', 'efs-client-nfs-egress', 'index.js');
    const probe = await run(process.execPath, [
      '--input-type=module',
      '-e',
      [
        `const { handler } = await import(${JSON.stringify(bundle)});`,
        "const context = { getRemainingTimeInMillis: () => 60000, functionName: 'probe', awsRequestId: 'probe' };",
        "try { await handler({ invokingEvent: '{not json', resultToken: 'TESTMODE' }, context); console.log('no error'); }",
        'catch (error) { console.log(error.name); }',
      ].join('\n'),
    ]);
    expect(probe.stdout.trim().split('\n').pop()).toBe('InvalidEventError');
  });

  it('passes cfn-lint: both packaged templates and the member execution role', async () => {
    const files = [
      ...MODES.map((mode) => join(OUT, mode, 'cloudformation-template-update-stack.json')),
      join(ROOT, 'deploy', 'member-execution-role.yml'),
    ];
    const result = await run('cfn-lint', files).then(
      ({ stdout }) => ({ code: 0, stdout }),
      (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
    );
    expect(result.stdout).toBe('');
    expect(result.code).toBe(0);
  });

  describe.each(MODES)('%s mode', (mode) => {
    it('gives every function its own role holding exactly its actions from aws/permissions.ts', () => {
      const template = templates[mode];
      const roleIds = new Set<string>();
      for (const rule of RULES) {
        const [roleId, role] = roleOfFunction(template, rule.id);
        roleIds.add(roleId);
        const statements = statementsOf(role);
        expect(actionsOf(statements)).toEqual([...functionActionsFor(rule.id, mode), ...LOG_ACTIONS].sort());
        for (const action of actionsOf(statements)) expect(action).not.toContain('*');
        // Logs only to the function's own group.
        const logs = statements.find((statement) => [statement.Action].flat().includes('logs:PutLogEvents'));
        expect(JSON.stringify(logs?.Resource)).toContain(`log-group:/aws/lambda/efsguard-dev-${rule.id}:*`);
        const assume = statements.filter((statement) => [statement.Action].flat().includes('sts:AssumeRole'));
        if (mode === 'organization') {
          expect(assume).toHaveLength(1);
          expect(JSON.stringify(assume[0]?.Resource)).toContain(':iam::*:role/efsguard-execution');
          // Joined to the IAM policy variable ${aws:PrincipalOrgID} by CloudFormation.
          expect(assume[0]?.Condition).toEqual({
            StringEquals: { 'aws:ResourceOrgID': { 'Fn::Join': ['', ['$', '{aws:PrincipalOrgID}']] } },
          });
        } else {
          expect(assume).toEqual([]);
        }
      }
      expect(roleIds.size).toBe(RULES.length);
      // No shared default role from the framework.
      expect(template.Resources.IamRoleLambdaExecution).toBeUndefined();
    });

    it('uses nodejs22.x on arm64 with the memorySize parameter for every function', () => {
      for (const [, fn] of resourcesOfType(templates[mode], 'AWS::Lambda::Function')) {
        expect(fn.Properties).toMatchObject({
          Runtime: 'nodejs22.x',
          Architectures: ['arm64'],
          Timeout: 300,
          MemorySize: 512,
        });
      }
      expect(resourcesOfType(templates[mode], 'AWS::Lambda::Function')).toHaveLength(RULES.length);
    });

    it('embeds the remediation script unchanged in the SSM Automation document', () => {
      const script = readFileSync(join(ROOT, 'deploy', 'remediation', 'revoke_world_open_nfs.py'), 'utf8');
      const document = templates[mode].Resources.RemediationDocument as Resource;
      expect(document.Properties.DocumentType).toBe('Automation');
      const content = document.Properties.Content as {
        schemaVersion: string;
        mainSteps: { action: string; inputs: { Runtime: string; Script: string } }[];
      };
      expect(content.schemaVersion).toBe('0.3');
      expect(content.mainSteps[0]).toMatchObject({
        action: 'aws:executeScript',
        inputs: { Runtime: 'python3.11' },
      });
      expect(content.mainSteps[0]?.inputs.Script).toBe(script);
      const remediationRole = templates[mode].Resources.RemediationRole as Resource;
      expect(actionsOf(statementsOf(remediationRole))).toEqual([
        'ec2:DescribeSecurityGroups',
        'ec2:RevokeSecurityGroupIngress',
      ]);
    });

    it('sends NON_COMPLIANT compliance changes of these rules to the SNS topic', () => {
      const template = templates[mode];
      const rule = template.Resources.ComplianceChangeRule as Resource;
      const pattern = rule.Properties.EventPattern as {
        source: string[];
        'detail-type': string[];
        detail: { configRuleName: unknown[]; newEvaluationResult: { complianceType: string[] } };
      };
      expect(pattern.source).toEqual(['aws.config']);
      expect(pattern['detail-type']).toEqual(['Config Rules Compliance Change']);
      expect(pattern.detail.newEvaluationResult.complianceType).toEqual(['NON_COMPLIANT']);
      expect(pattern.detail.configRuleName).toEqual(
        RULES.map((r) => (mode === 'account' ? r.id : { prefix: `OrgConfigRule-${r.id}-` })),
      );
      expect(rule.Properties.Targets).toEqual([
        { Id: 'NotificationTopic', Arn: { Ref: 'NotificationTopic' } },
      ]);
      const policy = template.Resources.NotificationTopicPolicy as Resource;
      expect(JSON.stringify(policy.Properties.PolicyDocument)).toContain('events.amazonaws.com');
      expect(template.Resources.NotificationEmailSubscription?.Condition).toBe('NotificationEmailGiven');
    });

    it('charts every rule on the dashboard: evaluations by compliance type, errors, duration, throttles', () => {
      const dashboard = templates[mode].Resources.Dashboard as Resource;
      const body = JSON.parse((dashboard.Properties.DashboardBody as { 'Fn::Sub': string })['Fn::Sub']) as {
        widgets: { properties: { title: string; metrics: unknown[][] } }[];
      };
      for (const rule of RULES) {
        const titles = body.widgets
          .map((widget) => widget.properties.title)
          .filter((t) => t.startsWith(`${rule.id}:`));
        expect(titles).toHaveLength(4);
        const metrics = body.widgets.flatMap((widget) =>
          widget.properties.title.startsWith(`${rule.id}:`) ? widget.properties.metrics : [],
        );
        for (const complianceType of ['COMPLIANT', 'NON_COMPLIANT', 'NOT_APPLICABLE']) {
          expect(metrics).toContainEqual(
            expect.arrayContaining([
              'efsguard',
              'Evaluations',
              'rule',
              rule.id,
              'ComplianceType',
              complianceType,
            ]),
          );
        }
        for (const name of ['Errors', 'Duration', 'Throttles']) {
          expect(metrics).toContainEqual(
            expect.arrayContaining(['AWS/Lambda', name, 'FunctionName', `efsguard-dev-${rule.id}`]),
          );
        }
      }
    });

    it('creates a rule that reads IAM (global resources) only where the stack region is the iamRegion', () => {
      const template = templates[mode];
      expect(template.Conditions?.IsIamRegion).toEqual(
        RULES.some((rule) => rule.requires.includes('iam'))
          ? { 'Fn::Equals': [{ Ref: 'AWS::Region' }, { Ref: 'IamRegion' }] }
          : undefined,
      );
      const type = mode === 'account' ? 'AWS::Config::ConfigRule' : 'AWS::Config::OrganizationConfigRule';
      const nameKey = mode === 'account' ? 'ConfigRuleName' : 'OrganizationConfigRuleName';
      for (const rule of RULES) {
        const [, configRule] = resourcesOfType(template, type).find(
          ([, resource]) => resource.Properties[nameKey] === rule.id,
        ) as [string, Resource];
        const expected = rule.requires.includes('iam') ? 'IsIamRegion' : undefined;
        expect({ rule: rule.id, condition: configRule.Condition }).toEqual({
          rule: rule.id,
          condition: expected,
        });
        for (const permissionId of configRule.DependsOn ?? [])
          expect(template.Resources[permissionId]?.Condition).toBe(expected);
      }
    });
  });

  describe('account mode', () => {
    it('has a CUSTOM_LAMBDA Config rule per rule with its scope, triggers and parameters', () => {
      const template = templates.account;
      expect(resourcesOfType(template, 'AWS::Config::OrganizationConfigRule')).toEqual([]);
      const configRules = resourcesOfType(template, 'AWS::Config::ConfigRule');
      expect(configRules).toHaveLength(RULES.length);
      for (const rule of RULES) {
        const found = configRules.find(([, resource]) => resource.Properties.ConfigRuleName === rule.id);
        expect(found).toBeDefined();
        const [, configRule] = found as [string, Resource];
        const source = configRule.Properties.Source as {
          Owner: string;
          SourceIdentifier: unknown;
          SourceDetails: { MessageType: string; MaximumExecutionFrequency?: string }[];
        };
        expect(source.Owner).toBe('CUSTOM_LAMBDA');
        expect(source.SourceIdentifier).toEqual({ 'Fn::GetAtt': [functionLogicalId(rule.id), 'Arn'] });
        expect(source.SourceDetails.map((detail) => detail.MessageType)).toEqual(
          expectedMessageTypes(rule.triggers),
        );
        for (const detail of source.SourceDetails) {
          if (detail.MessageType === 'ScheduledNotification') {
            expect(detail.MaximumExecutionFrequency).toBe('TwentyFour_Hours');
          }
        }
        if (rule.triggers.includes('configurationChange')) {
          expect(configRule.Properties.Scope).toEqual({
            ComplianceResourceTypes: [...rule.triggerResourceTypes],
          });
        }
        const expectedParameters = Object.fromEntries(
          rule.parameters.filter((p) => p.default !== '').map((p) => [p.name, p.default]),
        );
        expect(configRule.Properties.InputParameters).toEqual(expectedParameters);
        // Config checks the permission when the rule is created.
        const [permissionId] = configRule.DependsOn ?? [];
        const permission = template.Resources[permissionId as string] as Resource;
        expect(permission.Properties).toEqual({
          FunctionName: { 'Fn::GetAtt': [functionLogicalId(rule.id), 'Arn'] },
          Action: 'lambda:InvokeFunction',
          Principal: 'config.amazonaws.com',
          SourceAccount: { Ref: 'AWS::AccountId' },
        });
      }
    });

    it('attaches the remediation to efs-mount-target-nfs-ingress for security groups, manual by default', () => {
      const remediation = templates.account.Resources.RemediationConfiguration as Resource;
      expect(remediation.Properties).toMatchObject({
        ConfigRuleName: 'efs-mount-target-nfs-ingress',
        ResourceType: 'AWS::EC2::SecurityGroup',
        TargetType: 'SSM_DOCUMENT',
        TargetId: { Ref: 'RemediationDocument' },
        Parameters: {
          GroupId: { ResourceValue: { Value: 'RESOURCE_ID' } },
          AutomationAssumeRole: { StaticValue: { Values: [{ 'Fn::GetAtt': ['RemediationRole', 'Arn'] }] } },
        },
        Automatic: { 'Fn::If': ['AutomaticRemediationEnabled', true, false] },
      });
      const parameters = (templates.account as unknown as { Parameters: Record<string, { Default: string }> })
        .Parameters;
      expect(parameters.AutomaticRemediation?.Default).toBe('false');
    });
  });

  describe('organization mode', () => {
    it('replaces the account rules with an organization rule per rule, passing executionRoleName', () => {
      const template = templates.organization;
      expect(resourcesOfType(template, 'AWS::Config::ConfigRule')).toEqual([]);
      expect(template.Resources.RemediationConfiguration).toBeUndefined();
      const orgRules = resourcesOfType(template, 'AWS::Config::OrganizationConfigRule');
      expect(orgRules).toHaveLength(RULES.length);
      for (const rule of RULES) {
        const found = orgRules.find(
          ([, resource]) => resource.Properties.OrganizationConfigRuleName === rule.id,
        );
        expect(found).toBeDefined();
        const [, orgRule] = found as [string, Resource];
        const metadata = orgRule.Properties.OrganizationCustomRuleMetadata as {
          LambdaFunctionArn: unknown;
          OrganizationConfigRuleTriggerTypes: string[];
          ResourceTypesScope?: string[];
          InputParameters: string;
          MaximumExecutionFrequency?: string;
        };
        expect(metadata.LambdaFunctionArn).toEqual({ 'Fn::GetAtt': [functionLogicalId(rule.id), 'Arn'] });
        expect(metadata.OrganizationConfigRuleTriggerTypes).toEqual(expectedMessageTypes(rule.triggers));
        if (rule.triggers.includes('configurationChange')) {
          expect(metadata.ResourceTypesScope).toEqual([...rule.triggerResourceTypes]);
        }
        if (rule.triggers.includes('periodic'))
          expect(metadata.MaximumExecutionFrequency).toBe('TwentyFour_Hours');
        expect(JSON.parse(metadata.InputParameters)).toMatchObject({
          executionRoleName: 'efsguard-execution',
        });
        for (const permissionId of orgRule.DependsOn ?? []) {
          expect(template.Resources[permissionId]?.Properties).toMatchObject({
            Principal: 'config.amazonaws.com',
          });
        }
      }
      expect(template.Outputs?.MemberTrustedRoleArns).toBeDefined();
    });

    it('ships a member execution role that trusts only the central roles and holds only the allowed actions', async () => {
      const { stdout } = await run('python3', [
        '-c',
        'import json, sys\nfrom cfnlint.decode import cfn_yaml\nprint(json.dumps(cfn_yaml.load(sys.argv[1])))',
        join(ROOT, 'deploy', 'member-execution-role.yml'),
      ]);
      const memberTemplate = JSON.parse(stdout) as Template;
      const role = memberTemplate.Resources.ExecutionRole as Resource;
      expect(actionsOf(statementsOf(role))).toEqual(memberRoleActions());
      const trust = (role.Properties.AssumeRolePolicyDocument as { Statement: Statement[] }).Statement;
      expect(trust).toHaveLength(1);
      expect(trust[0]?.Condition).toEqual({ ArnEquals: { 'aws:PrincipalArn': { Ref: 'CentralRoleArns' } } });
      expect(role.Properties.RoleName).toEqual({ Ref: 'ExecutionRoleName' });
    });
  });
});
