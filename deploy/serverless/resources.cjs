// Generates the per-rule parts of serverless.yml (functions, roles, Config rules, permissions,
// remediation, notifications, dashboard) from dist/deploy/manifest.json, which
// scripts/build-handlers.mjs writes from core/rules/index.ts (rule metadata) and aws/permissions.ts
// (IAM actions). serverless.yml pulls these in with ${file(./deploy/serverless/resources.cjs):…}; the
// osls variable resolver calls each export with { resolveVariable }.
'use strict';

const { readFileSync, existsSync } = require('node:fs');
const { join } = require('node:path');
const securityHub = require('./security-hub.cjs');

const ROOT = join(__dirname, '..', '..');
const MANIFEST_PATH = join(ROOT, 'dist', 'deploy', 'manifest.json');
const REMEDIATION_SCRIPT_PATH = join(ROOT, 'deploy', 'remediation', 'revoke_world_open_nfs.py');

const MODES = ['account', 'organization'];
// Config's allowed periods (AWS Config API Reference, "SourceDetail" MaximumExecutionFrequency).
const FREQUENCIES = ['One_Hour', 'Three_Hours', 'Six_Hours', 'Twelve_Hours', 'TwentyFour_Hours'];
const CHANGE_MESSAGE_TYPES = [
  'ConfigurationItemChangeNotification',
  'OversizedConfigurationItemChangeNotification',
];
const SCHEDULED_MESSAGE_TYPE = 'ScheduledNotification';
// Lambda function names are at most 64 characters (Lambda API Reference, "CreateFunction").
const MAX_FUNCTION_NAME = 64;
// IAM role names: [\w+=,.@-]{1,64} (IAM API Reference, "CreateRole").
const ROLE_NAME_PATTERN = /^[\w+=,.@-]{1,64}$/;
// Config records global resources (IAM) in one region only, so a rule that evaluates them is deployed
// there alone ("Selecting Which Resources AWS Config Records", AWS Config Developer Guide): the stage
// parameter iamRegion names it, and the CloudFormation condition IAM_REGION_CONDITION compares it with
// the stack's region, so one template serves every region (a StackSet, or a deploy per region).
const DEFAULT_IAM_REGION = 'us-east-1';
const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const IAM_REGION_CONDITION = 'IsIamRegion';
const IAM_REGION_PARAMETER = 'IamRegion';

/** The rule whose NON_COMPLIANT security groups the SSM document can fix. */
const REMEDIATED_RULE_ID = 'efs-mount-target-nfs-ingress';
const REMEDIATED_RESOURCE_TYPE = 'AWS::EC2::SecurityGroup';

/**
 * The handlers' Powertools metrics (EMF), as the dashboard reads them (handlers/factory.ts): namespace
 * and service from METRICS_NAMESPACE and SERVICE_NAME (the manifest carries them), default dimensions
 * service and rule on every metric, and Evaluations emitted as a single metric that adds ComplianceType.
 * CloudWatch matches a metric by its whole dimension set, so every dimension is listed.
 */
const METRIC_NAMES = {
  evaluations: 'Evaluations',
  errors: 'Errors',
  apiCalls: 'ApiCalls',
  ruleDimension: 'rule',
  serviceDimension: 'service',
  complianceTypeDimension: 'ComplianceType',
  complianceTypes: ['COMPLIANT', 'NON_COMPLIANT', 'NOT_APPLICABLE'],
};

class DeploymentConfigError extends Error {
  constructor(message) {
    super(`efsguard deployment: ${message}`);
    this.name = 'DeploymentConfigError';
  }
}

function readManifest() {
  if (!existsSync(MANIFEST_PATH)) {
    throw new DeploymentConfigError(
      `${MANIFEST_PATH} is missing; build the handlers first (node scripts/build-handlers.mjs, or npm run package)`,
    );
  }
  return JSON.parse(readFileSync(MANIFEST_PATH, 'utf8'));
}

/** "efs-mount-target-nfs-ingress" -> "EfsMountTargetNfsIngress", for our own logical ids. */
function pascal(id) {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join('');
}

/** serverless's own logical ids for a function key (lib/plugins/aws/lib/naming.js: normalizeName). */
function slsFunctionLogicalId(key) {
  const normalized = key.replace(/-/g, 'Dash').replace(/_/g, 'Underscore');
  return `${normalized[0].toUpperCase()}${normalized.slice(1)}LambdaFunction`;
}

function slsLogGroupLogicalId(key) {
  return slsFunctionLogicalId(key).replace(/LambdaFunction$/, 'LogGroup');
}

function roleLogicalId(ruleId) {
  return `${pascal(ruleId)}Role`;
}

function splitList(value) {
  return String(value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

async function param(resolveVariable, name) {
  const value = await resolveVariable(`param:${name}`);
  return value === null || value === undefined ? '' : String(value);
}

/** Reads and validates the stage parameters; every bad value is an error naming the parameter. */
async function readSettings(resolveVariable) {
  const mode = await param(resolveVariable, 'mode');
  if (!MODES.includes(mode))
    throw new DeploymentConfigError(`param mode must be one of ${MODES.join(', ')}, got "${mode}"`);
  const frequency = await param(resolveVariable, 'maximumExecutionFrequency');
  if (!FREQUENCIES.includes(frequency)) {
    throw new DeploymentConfigError(
      `param maximumExecutionFrequency must be one of ${FREQUENCIES.join(', ')}, got "${frequency}"`,
    );
  }
  const executionRoleName = await param(resolveVariable, 'executionRoleName');
  if (!ROLE_NAME_PATTERN.test(executionRoleName)) {
    throw new DeploymentConfigError(
      `param executionRoleName must be an IAM role name, got "${executionRoleName}"`,
    );
  }
  const accountListParam = async (name) => {
    const accounts = splitList(await param(resolveVariable, name));
    const bad = accounts.filter((account) => !/^\d{12}$/.test(account));
    if (bad.length > 0)
      throw new DeploymentConfigError(`param ${name} holds non-account ids: ${bad.join(', ')}`);
    return accounts;
  };
  const rawRuleParameters = (await param(resolveVariable, 'ruleParameters')) || '{}';
  let ruleParameters;
  try {
    ruleParameters = JSON.parse(rawRuleParameters);
  } catch (error) {
    throw new DeploymentConfigError(`param ruleParameters is not JSON: ${error.message}`);
  }
  if (ruleParameters === null || typeof ruleParameters !== 'object' || Array.isArray(ruleParameters)) {
    throw new DeploymentConfigError('param ruleParameters must be a JSON object keyed by rule id');
  }
  const iamRegion = (await param(resolveVariable, 'iamRegion')) || DEFAULT_IAM_REGION;
  if (!REGION_PATTERN.test(iamRegion)) {
    throw new DeploymentConfigError(
      `param iamRegion must be an AWS region such as us-east-1, got "${iamRegion}"`,
    );
  }
  // provider.memorySize reads the same parameter; checked here so a typo fails with its name.
  const memorySize = Number(await param(resolveVariable, 'memorySize'));
  if (!Number.isInteger(memorySize) || memorySize < 128 || memorySize > 10240) {
    throw new DeploymentConfigError('param memorySize must be a whole number of MB from 128 to 10240');
  }
  const automaticRemediation = await param(resolveVariable, 'automaticRemediation');
  if (!['true', 'false'].includes(automaticRemediation)) {
    throw new DeploymentConfigError(
      `param automaticRemediation must be true or false, got "${automaticRemediation}"`,
    );
  }
  return {
    mode,
    frequency,
    executionRoleName,
    excludedAccounts: await accountListParam('excludedAccounts'),
    orgSourceAccounts: await accountListParam('orgSourceAccounts'),
    ruleParameters,
    automaticRemediation,
    iamRegion,
    notificationEmail: await param(resolveVariable, 'notificationEmail'),
    ...(await securityHub.securityHubSettings(resolveVariable, mode, DeploymentConfigError)),
    service: String(await resolveVariable('self:service')),
    stage: String(await resolveVariable('sls:stage')),
  };
}

/**
 * A rule's InputParameters: its non-empty defaults overlaid by the stage's overrides, all as strings
 * (the console sends only strings; the rules accept both). Unknown rules or keys are errors here, at
 * package time, rather than an error on every evaluation.
 */
function inputParametersFor(rule, settings) {
  const overrides = settings.ruleParameters[rule.id] ?? {};
  if (typeof overrides !== 'object' || overrides === null || Array.isArray(overrides)) {
    throw new DeploymentConfigError(`param ruleParameters.${rule.id} must be an object`);
  }
  const known = rule.parameters.map((parameter) => parameter.name);
  const unknown = Object.keys(overrides).filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    throw new DeploymentConfigError(
      `param ruleParameters.${rule.id} has unknown keys ${unknown.join(', ')}; known: ${known.join(', ') || 'none'}`,
    );
  }
  const values = {};
  for (const parameter of rule.parameters) {
    const override = overrides[parameter.name];
    const value =
      override === undefined
        ? parameter.default
        : typeof override === 'string'
          ? override
          : JSON.stringify(override);
    // Config rejects empty values; an absent key means "the default" to the rule.
    if (value !== '') values[parameter.name] = value;
  }
  if (settings.mode === 'organization') values.executionRoleName = settings.executionRoleName;
  return values;
}

function validateManifestRules(manifest, settings) {
  const ids = manifest.rules.map((rule) => rule.id);
  const unknown = Object.keys(settings.ruleParameters).filter((id) => !ids.includes(id));
  if (unknown.length > 0) {
    throw new DeploymentConfigError(
      `param ruleParameters names unknown rules ${unknown.join(', ')}; known: ${ids.join(', ')}`,
    );
  }
  for (const rule of manifest.rules) {
    const name = functionName(settings, rule.id);
    if (name.length > MAX_FUNCTION_NAME) {
      throw new DeploymentConfigError(
        `function name ${name} exceeds ${MAX_FUNCTION_NAME} characters; use a shorter stage`,
      );
    }
  }
}

function functionName(settings, ruleId) {
  return `${settings.service}-${settings.stage}-${ruleId}`;
}

async function load(resolveVariable) {
  const manifest = readManifest();
  const settings = await readSettings(resolveVariable);
  validateManifestRules(manifest, settings);
  return { manifest, settings };
}

// ---------------------------------------------------------------------------------------------- functions

function buildFunctions({ manifest, settings }) {
  const functions = {};
  for (const rule of manifest.rules) {
    functions[rule.id] = {
      name: functionName(settings, rule.id),
      handler: `dist/handlers/${rule.id}/index.handler`,
      // Lambda descriptions are at most 256 characters.
      description: `efsguard ${rule.id}: ${rule.title}`.slice(0, 256),
      // A Fn::Sub reference: osls adds a DependsOn for a bare logical id, which the GetAtt-implied
      // dependency makes redundant (cfn-lint W3005).
      role: { 'Fn::Sub': `\${${roleLogicalId(rule.id)}.Arn}` },
      package: { patterns: ['!**', `dist/handlers/${rule.id}/index.js`] },
      environment: { EFSGUARD_RULE_ID: rule.id },
    };
    securityHub.applySecurityHubToFunction(functions[rule.id], rule.id, settings);
  }
  return functions;
}

// ---------------------------------------------------------------------------------------------- IAM

function functionRole(rule, settings) {
  // Every statement is cut from this mode's list in aws/permissions.ts, so a mode that needs no reads
  // or Config calls of its own (the function acting only through the member role) grants none.
  const modeActions = rule.functionActions[settings.mode];
  const reads = modeActions.filter((action) => rule.readActions.includes(action));
  const evaluations = modeActions.filter((action) => action.startsWith('config:'));
  const logStatement = {
    Sid: 'WriteOwnLogs',
    Effect: 'Allow',
    Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
    Resource: {
      'Fn::Sub': `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:/aws/lambda/${functionName(settings, rule.id)}:*`,
    },
  };
  const statements = [
    ...(reads.length > 0 ? [{ Sid: 'ReadTopology', Effect: 'Allow', Action: reads, Resource: '*' }] : []),
    ...(evaluations.length > 0
      ? [{ Sid: 'PostEvaluations', Effect: 'Allow', Action: evaluations, Resource: '*' }]
      : []),
    logStatement,
  ];
  if (settings.mode === 'organization') {
    statements.push({
      Sid: 'AssumeMemberExecutionRole',
      Effect: 'Allow',
      Action: 'sts:AssumeRole',
      Resource: { 'Fn::Sub': `arn:\${AWS::Partition}:iam::*:role/${settings.executionRoleName}` },
      // Only roles of accounts in this function's own organization (IAM User Guide, "AWS global condition
      // context keys": aws:ResourceOrgID, and the ${aws:PrincipalOrgID} policy variable).
      // Fn::Join keeps osls from reading the IAM policy variable as one of its own ${aws:…} variables.
      Condition: {
        StringEquals: { 'aws:ResourceOrgID': { 'Fn::Join': ['', ['$', '{aws:PrincipalOrgID}']] } },
      },
    });
  }
  const logActions = logStatement.Action;
  const declared = new Set([...rule.functionActions[settings.mode], ...logActions]);
  const granted = new Set(statements.flatMap((statement) => [statement.Action].flat()));
  if (declared.size !== granted.size || [...declared].some((action) => !granted.has(action))) {
    throw new DeploymentConfigError(`role of ${rule.id} does not match aws/permissions.ts`);
  }
  return {
    Type: 'AWS::IAM::Role',
    Properties: {
      Description: `efsguard ${rule.id} (${settings.mode} mode): read-only topology, PutEvaluations, own logs`,
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
        ],
      },
      Policies: [
        { PolicyName: 'efsguard-rule', PolicyDocument: { Version: '2012-10-17', Statement: statements } },
        ...securityHub.securityHubPolicies(settings),
      ],
    },
  };
}

// ---------------------------------------------------------------------------------------------- Config

/** A rule that reads IAM evaluates global resources: its Config rule exists only in iamRegion. */
function isGlobalRule(rule) {
  return (rule.requires ?? []).includes('iam');
}

/** Puts a rule's Config resources under the iamRegion condition when the rule evaluates global resources. */
function conditionFor(rule, resources) {
  if (!isGlobalRule(rule)) return resources;
  for (const resource of Object.values(resources)) resource.Condition = IAM_REGION_CONDITION;
  return resources;
}

function sourceDetails(rule, settings) {
  const details = [];
  if (rule.triggers.includes('configurationChange')) {
    for (const MessageType of CHANGE_MESSAGE_TYPES) details.push({ EventSource: 'aws.config', MessageType });
  }
  if (rule.triggers.includes('periodic')) {
    details.push({
      EventSource: 'aws.config',
      MessageType: SCHEDULED_MESSAGE_TYPE,
      MaximumExecutionFrequency: settings.frequency,
    });
  }
  return details;
}

function accountResources(rule, settings) {
  const fn = slsFunctionLogicalId(rule.id);
  const permission = `${pascal(rule.id)}ConfigPermission`;
  const properties = {
    ConfigRuleName: rule.id,
    Description: rule.title.slice(0, 256),
    InputParameters: inputParametersFor(rule, settings),
    Source: {
      Owner: 'CUSTOM_LAMBDA',
      SourceIdentifier: { 'Fn::GetAtt': [fn, 'Arn'] },
      SourceDetails: sourceDetails(rule, settings),
    },
  };
  // Scope only narrows change-triggered evaluations (AWS Config API Reference, "Scope").
  if (rule.triggers.includes('configurationChange')) {
    properties.Scope = { ComplianceResourceTypes: rule.triggerResourceTypes };
  }
  return conditionFor(rule, {
    [permission]: {
      Type: 'AWS::Lambda::Permission',
      Properties: {
        FunctionName: { 'Fn::GetAtt': [fn, 'Arn'] },
        Action: 'lambda:InvokeFunction',
        Principal: 'config.amazonaws.com',
        // Only this account's Config may invoke it (confused-deputy prevention, Lambda Developer Guide,
        // "Working with resource-based IAM policies in Lambda").
        SourceAccount: { Ref: 'AWS::AccountId' },
      },
    },
    [`${pascal(rule.id)}ConfigRule`]: {
      Type: 'AWS::Config::ConfigRule',
      DependsOn: [permission],
      Properties: properties,
    },
  });
}

function organizationResources(rule, settings) {
  const fn = slsFunctionLogicalId(rule.id);
  const resources = {};
  const permissions = [];
  const addPermission = (logicalId, sourceAccount) => {
    permissions.push(logicalId);
    resources[logicalId] = {
      Type: 'AWS::Lambda::Permission',
      Properties: {
        FunctionName: { 'Fn::GetAtt': [fn, 'Arn'] },
        Action: 'lambda:InvokeFunction',
        Principal: 'config.amazonaws.com',
        ...(sourceAccount ? { SourceAccount: sourceAccount } : {}),
      },
    };
  };
  if (settings.orgSourceAccounts.length > 0) {
    // One statement per account: SourceAccount takes a single account id. This account is evaluated too.
    addPermission(`${pascal(rule.id)}ConfigPermissionSelf`, { Ref: 'AWS::AccountId' });
    for (const account of settings.orgSourceAccounts)
      addPermission(`${pascal(rule.id)}ConfigPermission${account}`, account);
  } else {
    // Config in every member account invokes this function, and Lambda's AddPermission offers no
    // organization condition for a service principal (PrincipalOrgID matches IAM principals only), so
    // without orgSourceAccounts the grant is to config.amazonaws.com in any account. docs/deploy.md says
    // what bounds the exposure: the function acts only through roles inside this organization.
    addPermission(`${pascal(rule.id)}ConfigPermission`);
  }
  const changeTriggered = rule.triggers.includes('configurationChange');
  const triggerTypes = [
    ...(changeTriggered ? CHANGE_MESSAGE_TYPES : []),
    ...(rule.triggers.includes('periodic') ? [SCHEDULED_MESSAGE_TYPE] : []),
  ];
  const metadata = {
    Description: rule.title.slice(0, 256),
    LambdaFunctionArn: { 'Fn::GetAtt': [fn, 'Arn'] },
    OrganizationConfigRuleTriggerTypes: triggerTypes,
    InputParameters: JSON.stringify(inputParametersFor(rule, settings)),
    ...(changeTriggered ? { ResourceTypesScope: rule.triggerResourceTypes } : {}),
    ...(rule.triggers.includes('periodic') ? { MaximumExecutionFrequency: settings.frequency } : {}),
  };
  resources[`${pascal(rule.id)}OrganizationConfigRule`] = {
    Type: 'AWS::Config::OrganizationConfigRule',
    DependsOn: permissions,
    Properties: {
      OrganizationConfigRuleName: rule.id,
      OrganizationCustomRuleMetadata: metadata,
      ...(settings.excludedAccounts.length > 0 ? { ExcludedAccounts: settings.excludedAccounts } : {}),
    },
  };
  return conditionFor(rule, resources);
}

// ---------------------------------------------------------------------------------------------- remediation

function remediationDocumentContent() {
  const script = readFileSync(REMEDIATION_SCRIPT_PATH, 'utf8');
  return {
    schemaVersion: '0.3',
    description:
      'efsguard: revokes the inbound permissions of a security group that admit NFS (all traffic, or tcp ranges containing 2049) from 0.0.0.0/0 or ::/0. Other ranges, sources and permissions stay.',
    assumeRole: '{{ AutomationAssumeRole }}',
    parameters: {
      GroupId: {
        type: 'String',
        description: 'The security group to fix.',
        allowedPattern: '^sg-[0-9a-f]{8,17}$',
      },
      AutomationAssumeRole: {
        type: 'String',
        description:
          'The role the automation runs as: ec2:DescribeSecurityGroups and ec2:RevokeSecurityGroupIngress only.',
        allowedPattern: '^arn:aws[a-z-]*:iam::\\d{12}:role/[\\w+=,.@/-]+$',
      },
    },
    mainSteps: [
      {
        name: 'RevokeWorldOpenNfs',
        action: 'aws:executeScript',
        timeoutSeconds: 120,
        inputs: {
          Runtime: 'python3.11',
          Handler: 'handler',
          Script: script,
          InputPayload: { GroupId: '{{ GroupId }}' },
        },
        outputs: [
          { Name: 'Removed', Selector: '$.Payload.removed', Type: 'MapList' },
          { Name: 'Summary', Selector: '$.Payload.summary', Type: 'String' },
        ],
      },
    ],
    outputs: ['RevokeWorldOpenNfs.Removed', 'RevokeWorldOpenNfs.Summary'],
  };
}

function remediationResources(manifest, settings) {
  const resources = {
    RemediationDocument: {
      Type: 'AWS::SSM::Document',
      Properties: {
        DocumentType: 'Automation',
        DocumentFormat: 'JSON',
        UpdateMethod: 'NewVersion',
        Content: remediationDocumentContent(),
      },
    },
    RemediationRole: {
      Type: 'AWS::IAM::Role',
      Properties: {
        Description: 'efsguard remediation: revoke world-open NFS ingress from a security group',
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: 'ssm.amazonaws.com' },
              Action: 'sts:AssumeRole',
              // Only Automation executions of this account (Systems Manager User Guide, "Cross-service
              // confused deputy prevention").
              Condition: {
                StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
                ArnLike: {
                  'aws:SourceArn': {
                    'Fn::Sub':
                      // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub placeholder
                      'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:automation-execution/*',
                  },
                },
              },
            },
          ],
        },
        Policies: [
          {
            PolicyName: 'efsguard-remediation',
            PolicyDocument: {
              Version: '2012-10-17',
              Statement: [
                // DescribeSecurityGroups supports no resource-level permissions.
                { Sid: 'ReadGroup', Effect: 'Allow', Action: 'ec2:DescribeSecurityGroups', Resource: '*' },
                {
                  Sid: 'RevokeIngress',
                  Effect: 'Allow',
                  Action: 'ec2:RevokeSecurityGroupIngress',
                  Resource: {
                    // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub placeholder
                    'Fn::Sub': 'arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:security-group/*',
                  },
                },
              ],
            },
          },
        ],
      },
    },
  };
  // A RemediationConfiguration attaches to a rule of this account by name; organization rules get
  // generated names in each member account, so organization mode ships only the document and role.
  const hasRule = manifest.rules.some((rule) => rule.id === REMEDIATED_RULE_ID);
  if (settings.mode === 'account' && hasRule) {
    resources.RemediationConfiguration = {
      Type: 'AWS::Config::RemediationConfiguration',
      DependsOn: [`${pascal(REMEDIATED_RULE_ID)}ConfigRule`],
      Properties: {
        ConfigRuleName: REMEDIATED_RULE_ID,
        ResourceType: REMEDIATED_RESOURCE_TYPE,
        TargetType: 'SSM_DOCUMENT',
        TargetId: { Ref: 'RemediationDocument' },
        Parameters: {
          GroupId: { ResourceValue: { Value: 'RESOURCE_ID' } },
          AutomationAssumeRole: { StaticValue: { Values: [{ 'Fn::GetAtt': ['RemediationRole', 'Arn'] }] } },
        },
        Automatic: { 'Fn::If': ['AutomaticRemediationEnabled', true, false] },
        MaximumAutomaticAttempts: 3,
        RetryAttemptSeconds: 60,
      },
    };
  }
  return resources;
}

// ---------------------------------------------------------------------------------------------- notifications

function notificationResources(manifest, settings) {
  // Organization rules run in each member account as OrgConfigRule-<name>-<suffix>; their events land on
  // that account's default bus, so this rule sees this account's (AWS Config Developer Guide,
  // "Monitoring AWS Config with Amazon EventBridge"). docs/deploy.md covers forwarding.
  const ruleNames =
    settings.mode === 'account'
      ? manifest.rules.map((rule) => rule.id)
      : manifest.rules.map((rule) => ({ prefix: `OrgConfigRule-${rule.id}-` }));
  return {
    NotificationTopic: { Type: 'AWS::SNS::Topic', Properties: { DisplayName: 'efsguard NON_COMPLIANT' } },
    NotificationTopicPolicy: {
      Type: 'AWS::SNS::TopicPolicy',
      Properties: {
        Topics: [{ Ref: 'NotificationTopic' }],
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'AllowComplianceChangeRule',
              Effect: 'Allow',
              Principal: { Service: 'events.amazonaws.com' },
              Action: 'sns:Publish',
              Resource: { Ref: 'NotificationTopic' },
              Condition: {
                ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': ['ComplianceChangeRule', 'Arn'] } },
              },
            },
          ],
        },
      },
    },
    ComplianceChangeRule: {
      Type: 'AWS::Events::Rule',
      Properties: {
        Description: 'efsguard: a resource became NON_COMPLIANT with an efsguard rule',
        State: 'ENABLED',
        EventPattern: {
          source: ['aws.config'],
          'detail-type': ['Config Rules Compliance Change'],
          detail: {
            messageType: ['ComplianceChangeNotification'],
            configRuleName: ruleNames,
            newEvaluationResult: { complianceType: ['NON_COMPLIANT'] },
          },
        },
        Targets: [{ Id: 'NotificationTopic', Arn: { Ref: 'NotificationTopic' } }],
      },
    },
    NotificationEmailSubscription: {
      Type: 'AWS::SNS::Subscription',
      Condition: 'NotificationEmailGiven',
      Properties: {
        TopicArn: { Ref: 'NotificationTopic' },
        Protocol: 'email',
        Endpoint: { Ref: 'NotificationEmail' },
      },
    },
  };
}

// ---------------------------------------------------------------------------------------------- dashboard

function dashboardBody(manifest, settings) {
  const { namespace, service } = manifest.metrics;
  const M = METRIC_NAMES;
  const widgets = [];
  const width = 6;
  const height = 6;
  manifest.rules.forEach((rule, row) => {
    const fnName = functionName(settings, rule.id);
    const y = row * height;
    const metricWidget = (x, title, metrics, stat) => ({
      type: 'metric',
      x,
      y,
      width,
      height,
      properties: {
        title,
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub placeholder
        region: '${AWS::Region}',
        view: 'timeSeries',
        stacked: false,
        stat,
        period: 300,
        metrics,
      },
    });
    widgets.push(
      metricWidget(
        0,
        `${rule.id}: evaluations`,
        M.complianceTypes.map((complianceType) => [
          namespace,
          M.evaluations,
          M.serviceDimension,
          service,
          M.ruleDimension,
          rule.id,
          M.complianceTypeDimension,
          complianceType,
          { label: complianceType },
        ]),
        'Sum',
      ),
      metricWidget(
        width,
        `${rule.id}: errors`,
        [
          [
            namespace,
            M.errors,
            M.serviceDimension,
            service,
            M.ruleDimension,
            rule.id,
            { label: 'rule errors' },
          ],
          ['AWS/Lambda', 'Errors', 'FunctionName', fnName, { label: 'Lambda errors' }],
        ],
        'Sum',
      ),
      metricWidget(
        2 * width,
        `${rule.id}: duration (ms)`,
        [
          ['AWS/Lambda', 'Duration', 'FunctionName', fnName, { stat: 'Average', label: 'average' }],
          ['AWS/Lambda', 'Duration', 'FunctionName', fnName, { stat: 'Maximum', label: 'maximum' }],
        ],
        'Average',
      ),
      metricWidget(
        3 * width,
        `${rule.id}: throttles and invocations`,
        [
          ['AWS/Lambda', 'Throttles', 'FunctionName', fnName, { label: 'throttles' }],
          ['AWS/Lambda', 'Invocations', 'FunctionName', fnName, { label: 'invocations' }],
        ],
        'Sum',
      ),
    );
  });
  return { widgets };
}

function dashboardResources(manifest, settings) {
  return {
    Dashboard: {
      Type: 'AWS::CloudWatch::Dashboard',
      Properties: {
        DashboardName: { 'Fn::Sub': `${settings.service}-${settings.stage}-\${AWS::Region}` },
        DashboardBody: { 'Fn::Sub': JSON.stringify(dashboardBody(manifest, settings)) },
      },
    },
  };
}

// ---------------------------------------------------------------------------------------------- stack

function buildResources({ manifest, settings }) {
  const resources = {};
  for (const rule of manifest.rules) {
    resources[roleLogicalId(rule.id)] = functionRole(rule, settings);
    Object.assign(
      resources,
      settings.mode === 'account' ? accountResources(rule, settings) : organizationResources(rule, settings),
    );
  }
  Object.assign(
    resources,
    remediationResources(manifest, settings),
    notificationResources(manifest, settings),
    dashboardResources(manifest, settings),
  );
  const outputs = {
    NotificationTopicArn: {
      Description: 'SNS topic of NON_COMPLIANT transitions',
      Value: { Ref: 'NotificationTopic' },
    },
    RemediationDocumentName: {
      Description: 'SSM Automation document',
      Value: { Ref: 'RemediationDocument' },
    },
    RemediationRoleArn: {
      Description: 'Role the remediation runs as',
      Value: { 'Fn::GetAtt': ['RemediationRole', 'Arn'] },
    },
    DashboardName: { Description: 'CloudWatch dashboard', Value: { Ref: 'Dashboard' } },
  };
  if (settings.mode === 'organization') {
    outputs.MemberTrustedRoleArns = {
      Description: 'CentralRoleArns for deploy/member-execution-role.yml (the StackSet parameter)',
      Value: {
        'Fn::Join': [',', manifest.rules.map((rule) => ({ 'Fn::GetAtt': [roleLogicalId(rule.id), 'Arn'] }))],
      },
    };
  }
  const remediationIsAttached = Boolean(resources.RemediationConfiguration);
  const hasGlobalRule = manifest.rules.some(isGlobalRule);
  return {
    Parameters: {
      ...(hasGlobalRule
        ? {
            [IAM_REGION_PARAMETER]: {
              Type: 'String',
              Default: settings.iamRegion,
              AllowedPattern: REGION_PATTERN.source,
              Description:
                'The region where AWS Config records IAM (global) resources: the IAM rule is deployed there only',
            },
          }
        : {}),
      NotificationEmail: {
        Type: 'String',
        Default: settings.notificationEmail,
        Description: 'Email address subscribed to NON_COMPLIANT notifications (empty: none)',
      },
      ...(remediationIsAttached
        ? {
            AutomaticRemediation: {
              Type: 'String',
              Default: settings.automaticRemediation,
              AllowedValues: ['true', 'false'],
              Description: 'Run the remediation automatically on NON_COMPLIANT security groups',
            },
          }
        : {}),
    },
    Conditions: {
      NotificationEmailGiven: { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'NotificationEmail' }, ''] }] },
      ...(hasGlobalRule
        ? {
            [IAM_REGION_CONDITION]: {
              'Fn::Equals': [{ Ref: 'AWS::Region' }, { Ref: IAM_REGION_PARAMETER }],
            },
          }
        : {}),
      ...(remediationIsAttached
        ? { AutomaticRemediationEnabled: { 'Fn::Equals': [{ Ref: 'AutomaticRemediation' }, 'true'] } }
        : {}),
    },
    Resources: resources,
    Outputs: outputs,
  };
}

module.exports.functions = async ({ resolveVariable }) => buildFunctions(await load(resolveVariable));
module.exports.resources = async ({ resolveVariable }) => buildResources(await load(resolveVariable));

// For tests and docs: pure builders over an already-loaded manifest and settings.
module.exports.internals = {
  METRIC_NAMES,
  REMEDIATED_RULE_ID,
  IAM_REGION_CONDITION,
  IAM_REGION_PARAMETER,
  buildFunctions,
  buildResources,
  readSettings,
  validateManifestRules,
  inputParametersFor,
  remediationDocumentContent,
  slsFunctionLogicalId,
  slsLogGroupLogicalId,
  roleLogicalId,
  pascal,
  DeploymentConfigError,
};
