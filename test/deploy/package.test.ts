// One offline `npm run package` run (both modes, no AWS credentials) plus the rollout's other variants
// (account mode where CloudFormation lacks RemediationConfiguration, organization mode in a second
// region with 1,000 excluded accounts), then checks on what they produced: cfn-lint for every supported
// region, quotas, least-privilege roles against aws/load/permissions.ts, the member template's trust of every
// function role of both regions (evaluated with core/iam), failure wiring, notifications and their
// forwarding (patterns tested by moto's EventBridge), and both modes created then updated in moto's
// CloudFormation.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStacksCommand,
  ListStackResourcesCommand,
  type Parameter,
  UpdateStackCommand,
} from '@aws-sdk/client-cloudformation';
import {
  DescribeEventBusCommand,
  EventBridgeClient,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { GetFunctionCommand, GetPolicyCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { functionActionsFor, LOG_ACTIONS, memberRoleActions } from '../../aws/load/permissions';
import { createRequestContext, parsePolicyDocument } from '../../core/iam';
import { RULES as REGISTERED_RULES } from '../../core/rules/index';
import { MOTO_REGION } from '../helpers/accounts';
import { evaluateRequest } from '../helpers/iam-decision';
import { type MotoServer, startMoto } from '../helpers/moto';

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

const requireCjs = createRequire(__filename);
const { SUPPORTED_REGIONS, REMEDIATION_CONFIGURATION_REGIONS } = requireCjs(
  '../../deploy/serverless/regions.cjs',
) as { SUPPORTED_REGIONS: string[]; REMEDIATION_CONFIGURATION_REGIONS: string[] };
const { MAX_RESOURCES, MAX_LAMBDA_POLICY_BYTES } = requireCjs('../../deploy/serverless/limits.cjs') as {
  MAX_RESOURCES: number;
  MAX_LAMBDA_POLICY_BYTES: number;
};

const TEMPLATE_FILE = 'cloudformation-template-update-stack.json';
const MEMBER_TEMPLATE = join(OUT, 'member', 'efsguard-member.json');
/** 1,000 member accounts, as excludedAccounts (the one per-account list the central stack carries). */
const THOUSAND_ACCOUNTS = Array.from({ length: 1000 }, (_, i) => String(200000000000 + i));
const EXTRA_VARIANTS = [
  // remediation=auto: ca-central-1's CloudFormation has no RemediationConfiguration, so none is shipped.
  { name: 'account-ca-central-1', mode: 'account', args: ['--region', 'ca-central-1'] },
  {
    name: 'organization-eu-west-1',
    mode: 'organization',
    args: ['--region', 'eu-west-1', `--param=excludedAccounts=${THOUSAND_ACCOUNTS.join(',')}`],
  },
];
interface Measured {
  resources: number;
  largestLambdaPolicyBytes: number;
  longestInputParameters: number;
}

const templates = {} as Record<Mode, Template>;
let accountCanada: Template;
let organizationIreland: Template;
let member: Template;
let measured: Record<string, { dir: string; measured: Measured }> = {};
let packageOutput = '';
let packageSeconds = 0;
let variantSeconds = 0;

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

function readTemplate(dir: string): Template {
  return JSON.parse(readFileSync(join(dir, TEMPLATE_FILE), 'utf8')) as Template;
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
  for (const mode of MODES) templates[mode] = readTemplate(join(OUT, mode));
  // The other variants, from the bundles just built (packaging once per variant).
  const variantsStarted = Date.now();
  const variants = await run(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `const m = await import(${JSON.stringify(join(ROOT, 'scripts', 'package.mjs'))});
       const packaged = await m.packageVariants(JSON.parse(process.argv[1]), { build: false, quiet: true });
       process.stdout.write(JSON.stringify(packaged));`,
      JSON.stringify(EXTRA_VARIANTS),
    ],
    { cwd: ROOT, env: credentialFreeEnv(), maxBuffer: 16 * 1024 * 1024 },
  );
  variantSeconds = (Date.now() - variantsStarted) / 1000;
  measured = JSON.parse(variants.stdout);
  accountCanada = readTemplate(join(OUT, 'account-ca-central-1'));
  organizationIreland = readTemplate(join(OUT, 'organization-eu-west-1'));
  member = JSON.parse(readFileSync(MEMBER_TEMPLATE, 'utf8')) as Template;
}, 900_000);

describe('npm run package (offline, no credentials)', () => {
  it('packages both modes and reports each bundle within the size budget', () => {
    expect(packageOutput).toContain(`account: ${join(OUT, 'account')}`);
    expect(packageOutput).toContain(`organization: ${join(OUT, 'organization')}`);
    expect(packageOutput).toContain(`member: ${MEMBER_TEMPLATE}`);
    expect(packageOutput).toMatch(/account: \d+ resources, largest Lambda policy ~\d+ bytes/);
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
    console.info(
      `packaging took ${packageSeconds.toFixed(1)} s (build + both modes), ${variantSeconds.toFixed(1)} s for ${EXTRA_VARIANTS.length} more variants\n${JSON.stringify(measured)}`,
    );
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
  }, 300_000);

  it('bundles only the environment credential provider: in Lambda the role credentials are in the environment', () => {
    for (const rule of RULES) {
      const text = readFileSync(join(ROOT, 'dist', 'handlers', rule.id, 'index.js'), 'utf8');
      expect(text).toContain('AWS_SECRET_ACCESS_KEY');
      // The default chain's other links (SSO, shared config files, process, web identity) are left out.
      expect(text).not.toContain('defaultProvider::fromSSO');
      expect(text).not.toContain('defaultProvider::fromIni');
    }
  });

  it('bundles the IAM client only for a rule that reads IAM; the others get one that refuses every call', async () => {
    for (const rule of RULES) {
      const text = readFileSync(join(ROOT, 'dist', 'handlers', rule.id, 'index.js'), 'utf8');
      const readsIam = rule.requires.includes('iam');
      // The SDK's IAM schemas carry the service's namespace.
      expect(text.includes('com.amazonaws.iam')).toBe(readsIam);
      expect(text.includes('built without the IAM client')).toBe(!readsIam);
    }
    const probe = await run(process.execPath, [
      '--input-type=module',
      '-e',
      [
        `const iam = await import(${JSON.stringify(join(ROOT, 'scripts', 'lambda-without-iam.mjs'))});`,
        'const client = new iam.IAMClient({ region: "eu-west-1" });',
        'client.middlewareStack.use({ applyToStack() {} });',
        'client.destroy();',
        'const sent = await client.send(new Object()).then(() => "answered", (error) => error.message);',
        'let built; try { new iam.GetRoleCommand({}); built = "built"; } catch (error) { built = error.message; }',
        'let paged; try { iam.paginateListRolePolicies({}, {}); paged = "paged"; } catch (error) { paged = error.message; }',
        'console.log(JSON.stringify({ sent, built, paged }));',
      ].join('\n'),
    ]);
    const result = JSON.parse(probe.stdout.trim());
    expect(result.sent).toMatch(
      /^IAMClient\.send\(Object\): this Lambda bundle was built without the IAM client because its rule reads no IAM/,
    );
    expect(result.built).toMatch(/^GetRoleCommand: this Lambda bundle was built without the IAM client/);
    expect(result.paged).toMatch(
      /^paginateListRolePolicies: this Lambda bundle was built without the IAM client/,
    );
  });

  it('reports a malformed event once, by its typed name kept through minification', async () => {
    const bundle = join(ROOT, 'dist', 'handlers', 'efs-client-nfs-egress', 'index.js');
    const probe = await run(process.execPath, [
      '--input-type=module',
      '-e',
      [
        `const { handler } = await import(${JSON.stringify(bundle)});`,
        "const context = { getRemainingTimeInMillis: () => 60000, functionName: 'probe', awsRequestId: 'probe' };",
        "const result = await handler({ invokingEvent: '{not json', resultToken: 'TESTMODE' }, context);",
        'console.log(JSON.stringify(result.failure));',
      ].join('\n'),
    ]);
    expect(JSON.parse(probe.stdout.trim().split('\n').pop() as string)).toMatchObject({
      name: 'InvalidEventError',
      retryable: false,
    });
  });

  it('passes cfn-lint in every supported region: both modes, remediation on and off, the member template', async () => {
    const started = Date.now();
    const { stdout } = await run(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const m = await import(${JSON.stringify(join(ROOT, 'scripts', 'lint-templates.mjs'))});
         const results = await m.lintTemplates(JSON.parse(process.argv[1]));
         process.stdout.write(JSON.stringify(results));`,
        JSON.stringify([
          // Remediation on: only where CloudFormation has RemediationConfiguration.
          { file: join(OUT, 'account', TEMPLATE_FILE), regions: REMEDIATION_CONFIGURATION_REGIONS },
          { file: join(OUT, 'account-ca-central-1', TEMPLATE_FILE), regions: SUPPORTED_REGIONS },
          { file: join(OUT, 'organization', TEMPLATE_FILE), regions: SUPPORTED_REGIONS },
          { file: MEMBER_TEMPLATE, regions: SUPPORTED_REGIONS },
        ]),
      ],
      { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 },
    );
    const results = JSON.parse(stdout) as { file: string; code: number; output: string; seconds: number }[];
    console.info(
      `cfn-lint: ${results.map((r) => `${r.file.replace(`${OUT}/`, '')} ${r.seconds.toFixed(1)} s`).join(', ')}; ${((Date.now() - started) / 1000).toFixed(1)} s in all`,
    );
    for (const result of results)
      expect({ file: result.file, output: result.output }).toEqual({ file: result.file, output: '' });
    for (const result of results) expect(result.code).toBe(0);
  }, 600_000);

  it('gives each mode its own stack name, so that deploying one never updates the other', () => {
    const stackName = (dir: string) =>
      (
        JSON.parse(readFileSync(join(OUT, dir, 'serverless-state.json'), 'utf8')) as {
          service: { provider: { stackName: string } };
        }
      ).service.provider.stackName;
    expect(stackName('account')).toBe('efsguard-dev-account');
    expect(stackName('organization')).toBe('efsguard-dev-organization');
  });

  it('leaves remediation out where CloudFormation lacks RemediationConfiguration', () => {
    expect(resourcesOfType(templates.account, 'AWS::Config::RemediationConfiguration')).toHaveLength(1);
    expect(resourcesOfType(accountCanada, 'AWS::Config::RemediationConfiguration')).toEqual([]);
    expect(resourcesOfType(accountCanada, 'AWS::SSM::Document')).toEqual([]);
    expect(resourcesOfType(accountCanada, 'AWS::Config::ConfigRule')).toHaveLength(RULES.length);
  });

  it('stays far under CloudFormation and Lambda limits with 1,000 member accounts configured', () => {
    const ireland = measured['organization-eu-west-1']?.measured as Measured;
    expect(ireland.resources).toBe(Object.keys(organizationIreland.Resources).length);
    expect(ireland.resources).toBeLessThan(MAX_RESOURCES);
    expect(ireland.largestLambdaPolicyBytes).toBeLessThan(MAX_LAMBDA_POLICY_BYTES);
    // Nothing grows per member account: the same resources as without any.
    expect(Object.keys(organizationIreland.Resources).sort()).toEqual(
      Object.keys(templates.organization.Resources).sort(),
    );
    for (const [, rule] of resourcesOfType(organizationIreland, 'AWS::Config::OrganizationConfigRule'))
      expect(rule.Properties.ExcludedAccounts).toEqual(THOUSAND_ACCOUNTS);
    expect(resourcesOfType(organizationIreland, 'AWS::Lambda::Permission')).toHaveLength(RULES.length);
  });

  describe.each(MODES)('%s mode', (mode) => {
    it('gives every function its own role holding exactly its actions from aws/load/permissions.ts', () => {
      const template = templates[mode];
      const roleIds = new Set<string>();
      for (const rule of RULES) {
        const [roleId, role] = roleOfFunction(template, rule.id);
        roleIds.add(roleId);
        expect(role.Properties.Path).toBe('/efsguard/');
        expect(role.Properties.RoleName).toEqual({ 'Fn::Sub': `dev-\${AWS::Region}-${rule.id}` });
        const statements = statementsOf(role);
        expect(actionsOf(statements)).toEqual(
          [...functionActionsFor(rule.id, mode), ...LOG_ACTIONS, 'sqs:SendMessage'].sort(),
        );
        for (const action of actionsOf(statements)) expect(action).not.toContain('*');
        // Logs only to the function's own group.
        const logs = statements.find((statement) => [statement.Action].flat().includes('logs:PutLogEvents'));
        expect(JSON.stringify(logs?.Resource)).toContain(`log-group:/aws/lambda/efsguard-dev-${rule.id}:*`);
        // Failed events only to the stack's queue.
        const send = statements.find((statement) => statement.Action === 'sqs:SendMessage');
        expect(send?.Resource).toEqual({ 'Fn::GetAtt': ['FailedEventsQueue', 'Arn'] });
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

    it('uses nodejs22.x on arm64 with the memorySize parameter and no unused environment', () => {
      for (const [, fn] of resourcesOfType(templates[mode], 'AWS::Lambda::Function')) {
        expect(fn.Properties).toMatchObject({
          Runtime: 'nodejs22.x',
          Architectures: ['arm64'],
          Timeout: 300,
          MemorySize: 512,
        });
        expect(JSON.stringify(fn.Properties.Environment)).not.toContain('EFSGUARD_RULE_ID');
      }
      expect(resourcesOfType(templates[mode], 'AWS::Lambda::Function')).toHaveLength(RULES.length);
    });

    it('keeps the log groups when the stack is deleted', () => {
      const groups = resourcesOfType(templates[mode], 'AWS::Logs::LogGroup');
      expect(groups).toHaveLength(RULES.length);
      for (const [, group] of groups) {
        expect(group).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
        expect(group.Properties.RetentionInDays).toBe(30);
      }
    });

    it('sends failures once: bounded retries, then a kept, alarmed queue; alarms on every failure metric', () => {
      const template = templates[mode];
      const topic = { Ref: 'NotificationTopic' };
      const queue = template.Resources.FailedEventsQueue as Resource & { DeletionPolicy?: string };
      expect(queue.DeletionPolicy).toBe('Retain');
      expect(queue.Properties).toMatchObject({ MessageRetentionPeriod: 1209600, SqsManagedSseEnabled: true });
      expect(JSON.stringify(template.Resources.FailedEventsQueuePolicy?.Properties)).toContain(
        '"aws:SecureTransport":"false"',
      );
      const alarms = resourcesOfType(template, 'AWS::CloudWatch::Alarm').map(([, alarm]) => alarm.Properties);
      for (const alarm of alarms) expect(alarm.AlarmActions).toEqual([topic]);
      expect(alarms).toContainEqual(
        expect.objectContaining({
          Namespace: 'AWS/SQS',
          MetricName: 'ApproximateNumberOfMessagesVisible',
          Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['FailedEventsQueue', 'QueueName'] } }],
        }),
      );
      for (const rule of RULES) {
        const fn = functionLogicalId(rule.id);
        const invokeConfigs = resourcesOfType(template, 'AWS::Lambda::EventInvokeConfig').filter(
          ([, config]) => (config.Properties.FunctionName as { Ref: string }).Ref === fn,
        );
        expect(invokeConfigs).toHaveLength(1);
        const config = invokeConfigs[0]?.[1].Properties as {
          MaximumRetryAttempts: number;
          DestinationConfig: unknown;
        };
        expect(config.MaximumRetryAttempts).toBeGreaterThanOrEqual(0);
        expect(config.MaximumRetryAttempts).toBeLessThanOrEqual(2);
        expect(config.DestinationConfig).toEqual({
          OnFailure: { Destination: { 'Fn::GetAtt': ['FailedEventsQueue', 'Arn'] } },
        });
        // The handlers' own Errors metric, with the dimensions it is emitted with (handlers/runtime/instrumentation.ts).
        expect(alarms).toContainEqual(
          expect.objectContaining({
            Namespace: 'efsguard',
            MetricName: 'Errors',
            Dimensions: [
              { Name: 'service', Value: 'efsguard' },
              { Name: 'rule', Value: rule.id },
            ],
          }),
        );
        for (const metric of ['Errors', 'Throttles', 'AsyncEventsDropped']) {
          expect(alarms).toContainEqual(
            expect.objectContaining({
              Namespace: 'AWS/Lambda',
              MetricName: metric,
              Dimensions: [{ Name: 'FunctionName', Value: { Ref: fn } }],
              Threshold: 1,
              ComparisonOperator: 'GreaterThanOrEqualToThreshold',
            }),
          );
        }
      }
    });

    it('encrypts the notification topic with a key its publishers may use, and refuses plain HTTP', () => {
      const template = templates[mode];
      expect(template.Resources.NotificationTopic?.Properties.KmsMasterKeyId).toEqual({
        Ref: 'NotificationKey',
      });
      const key = template.Resources.NotificationKey as Resource;
      expect(key.Properties.EnableKeyRotation).toBe(true);
      expect(JSON.stringify(key.Properties.KeyPolicy)).toContain(
        '"Service":["events.amazonaws.com","cloudwatch.amazonaws.com"]',
      );
      const policy = template.Resources.NotificationTopicPolicy?.Properties.PolicyDocument as {
        Statement: { Sid: string; Effect: string; Condition?: unknown }[];
      };
      expect(policy.Statement.find((statement) => statement.Sid === 'DenyInsecureTransport')).toMatchObject({
        Effect: 'Deny',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      });
      expect(template.Resources.NotificationEmailSubscription?.Condition).toBe('NotificationEmailGiven');
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
      // Organization mode: the central bus that every member forwards to.
      expect(rule.Properties.EventBusName).toEqual(
        mode === 'organization' ? { Ref: 'CentralEventBus' } : undefined,
      );
    });

    it('charts every rule on the dashboard, and failures per account', () => {
      const dashboard = templates[mode].Resources.Dashboard as Resource;
      const body = JSON.parse((dashboard.Properties.DashboardBody as { 'Fn::Sub': string })['Fn::Sub']) as {
        widgets: { properties: { title: string; metrics: unknown[][] } }[];
      };
      const perAccount = body.widgets.find((widget) =>
        widget.properties.title.startsWith('failures per account'),
      );
      // The dimensions the handlers give the per-account Errors metric (handlers/runtime/instrumentation.ts countFailure).
      expect(JSON.stringify(perAccount?.properties.metrics)).toContain(
        `SEARCH('{efsguard,account,rule,service} MetricName=\\"Errors\\" service=\\"efsguard\\"', 'Sum', 300)`,
      );
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
        for (const name of ['Errors', 'Duration', 'Throttles', 'AsyncEventsDropped']) {
          expect(metrics).toContainEqual(
            expect.arrayContaining(['AWS/Lambda', name, 'FunctionName', `efsguard-dev-${rule.id}`]),
          );
        }
      }
    });

    it('creates a rule that reads IAM (global resources) only where the stack region is the iamRegion', () => {
      const template = templates[mode];
      if (RULES.some((rule) => rule.requires.includes('iam')) || mode === 'organization') {
        expect(template.Conditions?.IsIamRegion).toEqual({
          'Fn::Equals': [{ Ref: 'AWS::Region' }, { Ref: 'IamRegion' }],
        });
      }
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

    it('attaches the rate-limited remediation to efs-mount-target-nfs-ingress, manual by default', () => {
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
        MaximumAutomaticAttempts: 3,
        RetryAttemptSeconds: 600,
        ExecutionControls: { SsmControls: { ConcurrentExecutionRatePercentage: 10, ErrorPercentage: 10 } },
      });
      const parameters = (templates.account as unknown as { Parameters: Record<string, { Default: string }> })
        .Parameters;
      expect(parameters.AutomaticRemediation?.Default).toBe('false');
      const remediationRole = templates.account.Resources.RemediationRole as Resource;
      expect(actionsOf(statementsOf(remediationRole))).toEqual([
        'ec2:DescribeSecurityGroups',
        'ec2:RevokeSecurityGroupIngress',
      ]);
      expect(remediationRole.Properties.Path).toBeUndefined();
    });

    it('embeds the remediation script unchanged, on the python3.12 runtime', () => {
      const script = readFileSync(join(ROOT, 'deploy', 'remediation', 'revoke_world_open_nfs.py'), 'utf8');
      for (const document of [
        templates.account.Resources.RemediationDocument as Resource,
        member.Resources.RemediationDocument as Resource,
      ]) {
        expect(document.Properties.DocumentType).toBe('Automation');
        const content = document.Properties.Content as {
          schemaVersion: string;
          mainSteps: { action: string; inputs: { Runtime: string; Script: string } }[];
        };
        expect(content.schemaVersion).toBe('0.3');
        expect(content.mainSteps[0]).toMatchObject({
          action: 'aws:executeScript',
          inputs: { Runtime: 'python3.12' },
        });
        expect(content.mainSteps[0]?.inputs.Script).toBe(script);
      }
    });
  });

  describe('organization mode', () => {
    it('replaces the account rules with an organization rule per rule, passing executionRoleName', () => {
      const template = templates.organization;
      expect(resourcesOfType(template, 'AWS::Config::ConfigRule')).toEqual([]);
      // No remediation in the central stack: not the document, nor the role that could revoke ingress.
      expect(template.Resources.RemediationConfiguration).toBeUndefined();
      expect(template.Resources.RemediationDocument).toBeUndefined();
      expect(template.Resources.RemediationRole).toBeUndefined();
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
        // One permission per function, for Config of any account: nothing per member account.
        expect(orgRule.DependsOn).toHaveLength(1);
        expect(template.Resources[orgRule.DependsOn?.[0] as string]?.Properties).toEqual({
          FunctionName: { 'Fn::GetAtt': [functionLogicalId(rule.id), 'Arn'] },
          Action: 'lambda:InvokeFunction',
          Principal: 'config.amazonaws.com',
        });
      }
    });

    it('adds an organization-wide Config aggregator in the IAM region', () => {
      const aggregator = templates.organization.Resources.ConfigurationAggregator as Resource;
      expect(aggregator.Condition).toBe('IsIamRegion');
      expect(aggregator.Properties).toEqual({
        ConfigurationAggregatorName: 'efsguard-dev',
        OrganizationAggregationSource: {
          RoleArn: { 'Fn::GetAtt': ['AggregatorRole', 'Arn'] },
          AllAwsRegions: true,
        },
      });
      // Not under the function roles' path: the members' execution role must not trust it.
      expect(templates.organization.Resources.AggregatorRole?.Properties.Path).toBeUndefined();
    });

    it('opens the central bus to the organization only', () => {
      const template = templates.organization;
      expect(template.Resources.CentralEventBus?.Properties).toEqual({ Name: 'efsguard-dev' });
      expect(template.Resources.CentralEventBusPolicy?.Properties).toEqual({
        EventBusName: { Ref: 'CentralEventBus' },
        StatementId: 'AllowOrganizationMembers',
        Statement: {
          Effect: 'Allow',
          Principal: '*',
          Action: 'events:PutEvents',
          Resource: { 'Fn::GetAtt': ['CentralEventBus', 'Arn'] },
          Condition: { StringEquals: { 'aws:PrincipalOrgID': { Ref: 'OrganizationId' } } },
        },
      });
    });
  });

  describe('the member template', () => {
    const CENTRAL = '111122223333';
    const MEMBER = '444455556666';

    /** Resolves Ref, Fn::Sub and Fn::Join against the given values, as CloudFormation would. */
    function resolveIntrinsics(value: unknown, refs: Record<string, string>): unknown {
      if (Array.isArray(value)) return value.map((item) => resolveIntrinsics(item, refs));
      if (value === null || typeof value !== 'object') return value;
      const object = value as Record<string, unknown>;
      if ('Ref' in object) {
        const resolved = refs[object.Ref as string];
        if (resolved === undefined) throw new Error(`no value for Ref ${String(object.Ref)}`);
        return resolved;
      }
      if ('Fn::Sub' in object) {
        return (object['Fn::Sub'] as string).replace(/\$\{([^}!]+)\}/g, (_, name: string) => {
          const resolved = refs[name];
          if (resolved === undefined) throw new Error(`no value for \${${name}}`);
          return resolved;
        });
      }
      if ('Fn::Join' in object) {
        const [separator, parts] = object['Fn::Join'] as [string, unknown[]];
        return parts.map((part) => resolveIntrinsics(part, refs)).join(separator);
      }
      return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, resolveIntrinsics(v, refs)]));
    }

    /** The ARN every function role gets in the central account when the stack is in this region. */
    function functionRoleArns(template: Template, region: string): string[] {
      return RULES.map((rule) => {
        const [, role] = roleOfFunction(template, rule.id);
        const name = resolveIntrinsics(role.Properties.RoleName, { 'AWS::Region': region });
        return `arn:aws:iam::${CENTRAL}:role${role.Properties.Path as string}${name as string}`;
      });
    }

    function memberTrustDecision(principalArn: string, principalAccount = CENTRAL): string {
      const role = member.Resources.ExecutionRole as Resource;
      const trust = parsePolicyDocument(
        resolveIntrinsics(role.Properties.AssumeRolePolicyDocument, {
          'AWS::Partition': 'aws',
          'AWS::AccountId': MEMBER,
          'AWS::Region': 'eu-west-1',
          CentralAccountId: CENTRAL,
        }),
      );
      return evaluateRequest(trust, {
        principal: { kind: 'aws', arn: principalArn, accountId: principalAccount },
        action: 'sts:AssumeRole',
        resource: `arn:aws:iam::${MEMBER}:role/efsguard-execution`,
        context: createRequestContext({
          'aws:PrincipalArn': principalArn,
          'aws:PrincipalAccount': principalAccount,
        }),
      });
    }

    it('admits every function role of both regions, and keeps admitting them when a stack is re-created', () => {
      const arns = [
        ...functionRoleArns(templates.organization, 'us-east-1'),
        ...functionRoleArns(organizationIreland, 'eu-west-1'),
      ];
      // Distinct per region (IAM is global), and fixed by name: a re-created stack gets the same ARNs.
      expect(new Set(arns).size).toBe(2 * RULES.length);
      expect(functionRoleArns(organizationIreland, 'eu-west-1')).toEqual(
        functionRoleArns(templates.organization, 'eu-west-1'),
      );
      for (const arn of arns)
        expect({ arn, decision: memberTrustDecision(arn) }).toEqual({ arn, decision: 'allow' });
    });

    it('refuses roles outside the function path and the same path in another account', () => {
      expect(memberTrustDecision(`arn:aws:iam::${CENTRAL}:role/efsguard-dev-AggregatorRole-1A2B3C`)).toBe(
        'implicitDeny',
      );
      expect(memberTrustDecision(`arn:aws:iam::${CENTRAL}:role/admin`)).toBe('implicitDeny');
      expect(
        memberTrustDecision('arn:aws:iam::999988887777:role/efsguard/dev-us-east-1-x', '999988887777'),
      ).toBe('implicitDeny');
    });

    it('creates the global roles in RoleRegion only and holds only the allowed actions', () => {
      const role = member.Resources.ExecutionRole as Resource;
      expect(role.Condition).toBe('IsRoleRegion');
      expect(role.Properties.RoleName).toEqual({ Ref: 'ExecutionRoleName' });
      expect(actionsOf(statementsOf(role))).toEqual(memberRoleActions());
      for (const [, resource] of resourcesOfType(member, 'AWS::IAM::Role'))
        expect(['IsRoleRegion', 'ForwardInRoleRegion', 'RemediateInRoleRegion']).toContain(
          resource.Condition,
        );
      expect(member.Resources.RemediationRule?.Condition).toBe('Remediate');
      expect(
        (member as unknown as { Parameters: Record<string, { Default?: string }> }).Parameters
          .OrganizationWideRemediation?.Default,
      ).toBe('false');
    });

    it('forwards the NON_COMPLIANT events of these rules to the central bus through a role', () => {
      const rule = member.Resources.ComplianceForwardingRule as Resource;
      expect(rule.Properties.EventPattern).toEqual(
        templates.organization.Resources.ComplianceChangeRule?.Properties.EventPattern,
      );
      const [target] = resolveIntrinsics(rule.Properties.Targets, {
        'AWS::Partition': 'aws',
        'AWS::Region': 'eu-west-1',
        'AWS::AccountId': MEMBER,
        CentralAccountId: CENTRAL,
        CentralEventBusName: 'efsguard-prod',
      }) as { Arn: string; RoleArn: string }[];
      expect(target).toEqual({
        Id: 'CentralEventBus',
        Arn: `arn:aws:events:eu-west-1:${CENTRAL}:event-bus/efsguard-prod`,
        RoleArn: `arn:aws:iam::${MEMBER}:role/efsguard-event-forwarder`,
      });
    });
  });

  describe('in moto', () => {
    let moto: MotoServer;
    const clientConfig = () => ({ endpoint: moto.endpoint, region: MOTO_REGION });
    const EVENT = JSON.parse(
      readFileSync(join(__dirname, 'fixtures', 'config-rules-compliance-change.json'), 'utf8'),
    ) as Record<string, unknown> & {
      detail: Record<string, unknown> & { newEvaluationResult: { complianceType: string } };
    };

    beforeAll(async () => {
      moto = await startMoto();
    });
    afterAll(async () => {
      await moto?.stop();
    });

    let probes = 0;
    /**
     * Whether EventBridge routes the event through a rule with this pattern: a rule on moto's default
     * bus with an SQS target, PutEvents, and a look at the queue (moto's TestEventPattern answers no
     * Result; AWS would refuse PutEvents with an aws.* source, moto does not).
     */
    async function matches(pattern: unknown, event: Record<string, unknown>): Promise<boolean> {
      const events = new EventBridgeClient(clientConfig());
      const sqs = new SQSClient(clientConfig());
      probes += 1;
      const name = `probe-${probes}`;
      try {
        const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
        const { Attributes } = await sqs.send(
          new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
        );
        await events.send(new PutRuleCommand({ Name: name, EventPattern: JSON.stringify(pattern) }));
        await events.send(
          new PutTargetsCommand({ Rule: name, Targets: [{ Id: 'probe', Arn: Attributes?.QueueArn }] }),
        );
        const sent = await events.send(
          new PutEventsCommand({
            Entries: [
              {
                Source: event.source as string,
                DetailType: event['detail-type'] as string,
                Detail: JSON.stringify(event.detail),
                Resources: event.resources as string[],
              },
            ],
          }),
        );
        expect(sent.FailedEntryCount).toBe(0);
        const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
        return (Messages ?? []).length > 0;
      } finally {
        events.destroy();
        sqs.destroy();
      }
    }

    const withDetail = (detail: Record<string, unknown>) => ({
      ...EVENT,
      detail: { ...EVENT.detail, ...detail },
    });

    it('forwards and notifies a real-shaped NON_COMPLIANT event of an efsguard organization rule, and nothing else', async () => {
      const forwarding = member.Resources.ComplianceForwardingRule?.Properties.EventPattern;
      const notifying = templates.organization.Resources.ComplianceChangeRule?.Properties.EventPattern;
      for (const pattern of [forwarding, notifying]) {
        expect(await matches(pattern, EVENT)).toBe(true);
        expect(
          await matches(
            pattern,
            withDetail({
              newEvaluationResult: { ...EVENT.detail.newEvaluationResult, complianceType: 'COMPLIANT' },
            }),
          ),
        ).toBe(false);
        expect(
          await matches(pattern, withDetail({ configRuleName: 'OrgConfigRule-s3-bucket-versioning-a1b2' })),
        ).toBe(false);
        expect(await matches(pattern, withDetail({ messageType: 'ConfigRuleEvaluationStarted' }))).toBe(
          false,
        );
      }
      // The account-mode pattern names rules of this account exactly.
      const accountPattern = templates.account.Resources.ComplianceChangeRule?.Properties.EventPattern;
      expect(
        await matches(accountPattern, withDetail({ configRuleName: 'efs-mount-target-nfs-ingress' })),
      ).toBe(true);
      expect(await matches(accountPattern, EVENT)).toBe(false);
    }, 300_000);

    it('starts the organization-wide remediation for security groups only', async () => {
      const pattern = member.Resources.RemediationRule?.Properties.EventPattern;
      expect(await matches(pattern, EVENT)).toBe(true);
      expect(
        await matches(
          pattern,
          withDetail({
            resourceType: 'AWS::EFS::FileSystem',
            resourceId: 'fs-0123456789abcdef0',
          }),
        ),
      ).toBe(false);
      expect(
        await matches(
          pattern,
          withDetail({ configRuleName: 'OrgConfigRule-efs-client-nfs-egress-a1b2c3d4' }),
        ),
      ).toBe(false);
    }, 300_000);

    /**
     * What moto's CloudFormation needs that AWS does not (test setup only, docs/deploy.md "moto gaps"):
     * the function code in a bucket that exists before the stack (osls's deployment bucket is created by
     * the stack, and moto's Lambda reads the zip at creation), and the bus name rather than a Ref to the
     * bus in a rule's EventBusName (moto's Ref yields its object there), with the DependsOn the Ref implied.
     */
    async function motoReady(template: Template, dir: string): Promise<Template> {
      const s3 = new S3Client({ ...clientConfig(), forcePathStyle: true });
      try {
        await s3.send(new CreateBucketCommand({ Bucket: 'efsguard-code' })).catch(() => undefined);
        const copy = JSON.parse(JSON.stringify(template)) as Template;
        for (const [, fn] of resourcesOfType(copy, 'AWS::Lambda::Function')) {
          const code = fn.Properties.Code as { S3Bucket: unknown; S3Key: string };
          const zip = readdirSync(dir).find((file) => code.S3Key.endsWith(`/${file}`)) as string;
          await s3.send(
            new PutObjectCommand({
              Bucket: 'efsguard-code',
              Key: code.S3Key,
              Body: readFileSync(join(dir, zip)),
            }),
          );
          code.S3Bucket = 'efsguard-code';
        }
        for (const [, rule] of resourcesOfType(copy, 'AWS::Events::Rule')) {
          if ((rule.Properties.EventBusName as { Ref?: string } | undefined)?.Ref === 'CentralEventBus') {
            rule.Properties.EventBusName = copy.Resources.CentralEventBus?.Properties.Name;
            rule.DependsOn = [...(rule.DependsOn ?? []), 'CentralEventBus'];
          }
        }
        return copy;
      } finally {
        s3.destroy();
      }
    }

    async function deploy(
      stackName: string,
      template: Template,
      dir: string,
      parameters: Parameter[],
      update = false,
    ): Promise<string> {
      const cloudformation = new CloudFormationClient(clientConfig());
      try {
        const input = {
          StackName: stackName,
          TemplateBody: JSON.stringify(await motoReady(template, dir)),
          Capabilities: ['CAPABILITY_NAMED_IAM' as const],
          Parameters: parameters,
        };
        await cloudformation.send(update ? new UpdateStackCommand(input) : new CreateStackCommand(input));
        const { Stacks } = await cloudformation.send(new DescribeStacksCommand({ StackName: stackName }));
        return Stacks?.[0]?.StackStatus as string;
      } finally {
        cloudformation.destroy();
      }
    }

    async function stackResources(
      stackName: string,
    ): Promise<Record<string, { type: string; physicalId: string }>> {
      const cloudformation = new CloudFormationClient(clientConfig());
      try {
        const { StackResourceSummaries } = await cloudformation.send(
          new ListStackResourcesCommand({ StackName: stackName }),
        );
        return Object.fromEntries(
          (StackResourceSummaries ?? []).map((resource) => [
            resource.LogicalResourceId,
            { type: resource.ResourceType ?? '', physicalId: resource.PhysicalResourceId ?? '' },
          ]),
        );
      } finally {
        cloudformation.destroy();
      }
    }

    async function stackResourceTypes(stackName: string): Promise<Record<string, string>> {
      const resources = await stackResources(stackName);
      return Object.fromEntries(Object.entries(resources).map(([id, resource]) => [id, resource.type]));
    }

    /** What moto created for the functions: code, role under the path, invoke permission, failure queue. */
    async function expectFunctions(mode: Mode): Promise<Record<string, string>> {
      const lambda = new LambdaClient(clientConfig());
      const iam = new IAMClient(clientConfig());
      const sqs = new SQSClient(clientConfig());
      const roleIds: Record<string, string> = {};
      try {
        for (const rule of RULES) {
          const { Configuration } = await lambda.send(
            new GetFunctionCommand({ FunctionName: `efsguard-dev-${rule.id}` }),
          );
          expect(Configuration?.Role).toBe(
            `arn:aws:iam::123456789012:role/efsguard/dev-${MOTO_REGION}-${rule.id}`,
          );
          const { Role } = await iam.send(new GetRoleCommand({ RoleName: `dev-${MOTO_REGION}-${rule.id}` }));
          expect(Role?.Path).toBe('/efsguard/');
          roleIds[rule.id] = Role?.RoleId as string;
          const { Policy } = await lambda.send(
            new GetPolicyCommand({ FunctionName: `efsguard-dev-${rule.id}` }),
          );
          const statements = (
            JSON.parse(Policy as string) as { Statement: { Principal: unknown; Condition?: unknown }[] }
          ).Statement;
          expect(statements).toHaveLength(1);
          expect(JSON.stringify(statements[0]?.Principal)).toContain('config.amazonaws.com');
          if (mode === 'account') expect(JSON.stringify(statements[0]?.Condition)).toContain('123456789012');
          else expect(statements[0]?.Condition).toBeUndefined();
        }
        // The failure queue keeps events for 14 days.
        const stack = await stackResources(`efsguard-dev-${mode}`);
        const queueName = (stack.FailedEventsQueue?.physicalId ?? '').split('/').pop() as string;
        const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: queueName }));
        const { Attributes } = await sqs.send(
          new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['MessageRetentionPeriod'] }),
        );
        expect(Attributes?.MessageRetentionPeriod).toBe('1209600');
        return roleIds;
      } finally {
        lambda.destroy();
        iam.destroy();
        sqs.destroy();
      }
    }

    it('creates then updates the account-mode stack', async () => {
      await moto.reset();
      expect(await deploy('efsguard-dev-account', templates.account, join(OUT, 'account'), [])).toBe(
        'CREATE_COMPLETE',
      );
      const created = await stackResourceTypes('efsguard-dev-account');
      expect(created.RemediationDocument).toBe('AWS::SSM::Document');
      expect(created.FailedEventsQueue).toBe('AWS::SQS::Queue');
      expect(created.NotificationKey).toBe('AWS::KMS::Key');
      const roleIds = await expectFunctions('account');
      // Re-packaged for a region without RemediationConfiguration: the remediation goes, the roles stay.
      expect(
        await deploy('efsguard-dev-account', accountCanada, join(OUT, 'account-ca-central-1'), [], true),
      ).toBe('UPDATE_COMPLETE');
      const updated = await stackResourceTypes('efsguard-dev-account');
      expect(updated.RemediationDocument).toBeUndefined();
      expect(updated.EfsMountTargetNfsIngressRole).toBe('AWS::IAM::Role');
      expect(await expectFunctions('account')).toEqual(roleIds);
    }, 240_000);

    it('creates then updates the organization-mode stack, with the central bus', async () => {
      await moto.reset();
      const parameters = [{ ParameterKey: 'OrganizationId', ParameterValue: 'o-a1b2c3d4e5' }];
      expect(
        await deploy(
          'efsguard-dev-organization',
          templates.organization,
          join(OUT, 'organization'),
          parameters,
        ),
      ).toBe('CREATE_COMPLETE');
      const roleIds = await expectFunctions('organization');
      const events = new EventBridgeClient(clientConfig());
      try {
        const bus = await events.send(new DescribeEventBusCommand({ Name: 'efsguard-dev' }));
        expect(bus.Arn).toBe(`arn:aws:events:${MOTO_REGION}:123456789012:event-bus/efsguard-dev`);
      } finally {
        events.destroy();
      }
      expect(
        await deploy(
          'efsguard-dev-organization',
          organizationIreland,
          join(OUT, 'organization-eu-west-1'),
          parameters,
          true,
        ),
      ).toBe('UPDATE_COMPLETE');
      // The same roles, by name and id: members' trust never has to change.
      expect(await expectFunctions('organization')).toEqual(roleIds);
    }, 240_000);
  });
});
