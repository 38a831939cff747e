// Generates the per-rule parts of serverless.yml (functions, roles, Config rules, permissions,
// remediation, notifications, dashboard) from dist/deploy/manifest.json, which
// scripts/build-handlers.mjs writes from core/rules/index.ts (rule metadata) and aws/permissions.ts
// (IAM actions). serverless.yml pulls these in with ${file(./deploy/serverless/resources.cjs):…}; the
// osls variable resolver calls each export with { resolveVariable }.
'use strict';

const { readFileSync, existsSync } = require('node:fs');
const { join } = require('node:path');
const {
  SUPPORTED_REGIONS,
  REMEDIATION_CONFIGURATION_REGIONS,
  LONGEST_REGION_LENGTH,
} = require('./regions.cjs');
const { MAX_INPUT_PARAMETERS } = require('./limits.cjs');
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

/**
 * Function roles live under this IAM path with deterministic names (<stage>-<region>-<rule id>): the
 * member execution role trusts every role under the path in the central account (ArnLike on
 * aws:PrincipalArn), so it admits the functions of every region and stays valid when a stack is deleted
 * and created again. No other efsguard role may use the path.
 */
const FUNCTION_ROLE_PATH = '/efsguard/';
// IAM role names are at most 64 characters (IAM API Reference, "CreateRole").
const MAX_ROLE_NAME = 64;
/** OrganizationConfigRule ExcludedAccounts holds at most 1,000 ids (AWS Config API Reference). */
const MAX_EXCLUDED_ACCOUNTS = 1000;
const ORGANIZATION_ID_PATTERN = /^o-[a-z0-9]{10,32}$/;
/**
 * Asynchronous invocation (Lambda Developer Guide, "Configuring error handling for asynchronous
 * invocation"): the handlers report deterministic failures instead of throwing (handlers/factory.ts,
 * isDeterministicFailure), so what Lambda retries is transient; one retry, then the on-failure queue.
 * An event older than an hour is stale: the next trigger or sweep re-evaluates the resource anyway.
 */
const ASYNC_INVOKE_CONFIG = { MaximumRetryAttempts: 1, MaximumEventAgeInSeconds: 3600 };
/** 14 days, SQS's maximum: failed events stay long enough to be read after a holiday. */
const FAILED_EVENTS_RETENTION_SECONDS = 1209600;

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
  missingExecutionRole: 'MissingExecutionRole',
  apiCalls: 'ApiCalls',
  ruleDimension: 'rule',
  serviceDimension: 'service',
  accountDimension: 'account',
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
  const orgSourceAccounts = await param(resolveVariable, 'orgSourceAccounts');
  if (orgSourceAccounts.trim() !== '') {
    throw new DeploymentConfigError(
      'param orgSourceAccounts is no longer supported: one Lambda permission per member account exceeds Lambda\'s 20 KB function policy at about 57 accounts and CloudFormation\'s 500 resources at about 80; organization mode grants config.amazonaws.com one permission per function (docs/deploy.md, "The invoke permission")',
    );
  }
  const organizationId = await param(resolveVariable, 'organizationId');
  if (organizationId !== '' && !ORGANIZATION_ID_PATTERN.test(organizationId)) {
    throw new DeploymentConfigError(
      `param organizationId must be an AWS Organizations id such as o-a1b2c3d4e5, got "${organizationId}"`,
    );
  }
  // serverless.yml: provider.region is --region, else us-east-1.
  const region = String((await resolveVariable('self:provider.region')) ?? 'us-east-1');
  if (!SUPPORTED_REGIONS.includes(region)) {
    throw new DeploymentConfigError(
      `region ${region} is not one efsguard supports; supported: ${SUPPORTED_REGIONS.join(', ')}`,
    );
  }
  const remediationParam = (await param(resolveVariable, 'remediation')) || 'auto';
  if (!['auto', 'true', 'false'].includes(remediationParam)) {
    throw new DeploymentConfigError(
      `param remediation must be auto, true or false, got "${remediationParam}"`,
    );
  }
  const remediationAvailable = REMEDIATION_CONFIGURATION_REGIONS.includes(region);
  if (remediationParam === 'true' && !remediationAvailable) {
    throw new DeploymentConfigError(
      `param remediation=true, but CloudFormation in ${region} has no AWS::Config::RemediationConfiguration; use remediation=false (or auto) there. Regions that have it: ${REMEDIATION_CONFIGURATION_REGIONS.join(', ')}`,
    );
  }
  const automaticRemediation = await param(resolveVariable, 'automaticRemediation');
  if (!['true', 'false'].includes(automaticRemediation)) {
    throw new DeploymentConfigError(
      `param automaticRemediation must be true or false, got "${automaticRemediation}"`,
    );
  }
  const excludedAccounts = await accountListParam('excludedAccounts');
  if (excludedAccounts.length > MAX_EXCLUDED_ACCOUNTS) {
    throw new DeploymentConfigError(
      `param excludedAccounts lists ${excludedAccounts.length} accounts, over AWS Config's limit of ${MAX_EXCLUDED_ACCOUNTS} ExcludedAccounts per organization rule`,
    );
  }
  // Waivers (docs/waivers.md): an SSM parameter of this account and region, read by the functions' own roles.
  const waiversParameter = await param(resolveVariable, 'waiversParameter');
  if (waiversParameter !== '' && !/^\/?[\w.-]+(\/[\w.-]+)*$/.test(waiversParameter)) {
    throw new DeploymentConfigError(
      `param waiversParameter must be an SSM parameter name such as /efsguard/waivers, got "${waiversParameter}"`,
    );
  }
  const allowTagWaivers = (await param(resolveVariable, 'allowTagWaivers')) || 'false';
  if (!['true', 'false'].includes(allowTagWaivers)) {
    throw new DeploymentConfigError(`param allowTagWaivers must be true or false, got "${allowTagWaivers}"`);
  }
  return {
    mode,
    frequency,
    executionRoleName,
    waiversParameter,
    allowTagWaivers,
    excludedAccounts,
    organizationId,
    region,
    // Account mode only: organization rules take no RemediationConfiguration (PutRemediationConfigurations
    // names a rule of the calling account); organization-wide remediation is in the member template.
    remediation:
      mode === 'account' &&
      (remediationParam === 'true' || (remediationParam === 'auto' && remediationAvailable)),
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
  if (settings.waiversParameter) {
    values.waiversParameter = settings.waiversParameter;
    values.allowTagWaivers = settings.allowTagWaivers;
  }
  const length = JSON.stringify(values).length;
  if (length > MAX_INPUT_PARAMETERS) {
    throw new DeploymentConfigError(
      `InputParameters of ${rule.id} would be ${length} characters, over AWS Config's limit of ${MAX_INPUT_PARAMETERS} characters (ConfigRule InputParameters); shorten param ruleParameters.${rule.id}`,
    );
  }
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
    const longestRoleName = roleNameFor(settings, rule.id, 'x'.repeat(LONGEST_REGION_LENGTH));
    if (longestRoleName.length > MAX_ROLE_NAME) {
      throw new DeploymentConfigError(
        `role name ${roleNameFor(settings, rule.id, '<region>')} can reach ${longestRoleName.length} characters in a ${LONGEST_REGION_LENGTH}-character region, over IAM's ${MAX_ROLE_NAME}; use a shorter stage`,
      );
    }
  }
}

/** The function role's name: deterministic, and unique per stage, region and rule (IAM is global). */
function roleNameFor(settings, ruleId, region) {
  return `${settings.stage}-${region}-${ruleId}`;
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
  if (settings.waiversParameter) {
    // The waiver document, in this (central) account: read with the function's own role in both modes,
    // never through a member role, so a member account cannot waive its own findings.
    statements.push({
      Sid: 'ReadWaivers',
      Effect: 'Allow',
      Action: 'ssm:GetParameter',
      Resource: {
        'Fn::Sub': `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter/${settings.waiversParameter.replace(/^\//, '')}`,
      },
    });
  }
  const logActions = logStatement.Action;
  const declared = new Set([
    ...rule.functionActions[settings.mode],
    ...logActions,
    ...(settings.waiversParameter ? ['ssm:GetParameter'] : []),
  ]);
  const granted = new Set(statements.flatMap((statement) => [statement.Action].flat()));
  // Lambda sends failed asynchronous events to the destination with the function's own role.
  statements.push({
    Sid: 'OnFailureDestination',
    Effect: 'Allow',
    Action: 'sqs:SendMessage',
    Resource: { 'Fn::GetAtt': ['FailedEventsQueue', 'Arn'] },
  });
  if (declared.size !== granted.size || [...declared].some((action) => !granted.has(action))) {
    throw new DeploymentConfigError(`role of ${rule.id} does not match aws/permissions.ts`);
  }
  return {
    Type: 'AWS::IAM::Role',
    Properties: {
      RoleName: { 'Fn::Sub': roleNameFor(settings, rule.id, `\${AWS::Region}`) },
      Path: FUNCTION_ROLE_PATH,
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
  const permission = `${pascal(rule.id)}ConfigPermission`;
  // One statement per function, whatever the size of the organization. Config calls from every member
  // account, and AddPermission has nothing narrower that holds at that scale: SourceAccount takes one
  // account (so one statement each, and Lambda's 20 KB policy holds about 57), SourceArn must name a
  // 12-digit account (no wildcard), and PrincipalOrgID becomes aws:PrincipalOrgID, which a service
  // principal's request does not carry (Lambda API Reference, "AddPermission"; IAM User Guide, "AWS
  // global condition context keys"). docs/deploy.md, "The invoke permission", says what bounds it.
  const resources = {
    [permission]: {
      Type: 'AWS::Lambda::Permission',
      Properties: {
        FunctionName: { 'Fn::GetAtt': [fn, 'Arn'] },
        Action: 'lambda:InvokeFunction',
        Principal: 'config.amazonaws.com',
      },
    },
  };
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
    DependsOn: [permission],
    Properties: {
      OrganizationConfigRuleName: rule.id,
      OrganizationCustomRuleMetadata: metadata,
      ...(settings.excludedAccounts.length > 0 ? { ExcludedAccounts: settings.excludedAccounts } : {}),
    },
  };
  return conditionFor(rule, resources);
}

// ---------------------------------------------------------------------------------------------- remediation

/**
 * The runtime of the remediation step. Lambda ended support for python3.11 on 2026-06-30 ("Lambda
 * runtimes", Lambda Developer Guide), and aws:executeScript runs on Lambda's runtimes; python3.12 is the
 * newest Python that aws:executeScript is known to accept (Systems Manager User Guide,
 * "aws:executeScript – Run a script"). Check that page before raising it.
 */
const REMEDIATION_RUNTIME = 'python3.12';
/** The SSM document's name in member accounts (the EventBridge target names it). */
const MEMBER_REMEDIATION_DOCUMENT_NAME = 'efsguard-revoke-world-open-nfs';

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
          Runtime: REMEDIATION_RUNTIME,
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

/** The remediation role's permissions: read a group, revoke its ingress in this account. */
function remediationPolicy(regionPattern) {
  return {
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
            'Fn::Sub': `arn:\${AWS::Partition}:ec2:${regionPattern}:\${AWS::AccountId}:security-group/*`,
          },
        },
      ],
    },
  };
}

/** Trusted by Systems Manager Automation of this account only (confused-deputy prevention). */
function automationTrustPolicy(regionPattern) {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: 'ssm.amazonaws.com' },
        Action: 'sts:AssumeRole',
        // Systems Manager User Guide, "Cross-service confused deputy prevention".
        Condition: {
          StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
          ArnLike: {
            'aws:SourceArn': {
              'Fn::Sub': `arn:\${AWS::Partition}:ssm:${regionPattern}:\${AWS::AccountId}:automation-execution/*`,
            },
          },
        },
      },
    ],
  };
}

/** Account mode, when the region's CloudFormation has RemediationConfiguration (settings.remediation). */
function remediationSection({ manifest, settings }) {
  const hasRule = manifest.rules.some((rule) => rule.id === REMEDIATED_RULE_ID);
  if (!settings.remediation || !hasRule) return {};
  return {
    Parameters: {
      AutomaticRemediation: {
        Type: 'String',
        Default: settings.automaticRemediation,
        AllowedValues: ['true', 'false'],
        Description: 'Run the remediation automatically on NON_COMPLIANT security groups',
      },
    },
    Conditions: {
      AutomaticRemediationEnabled: { 'Fn::Equals': [{ Ref: 'AutomaticRemediation' }, 'true'] },
    },
    Resources: {
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
          AssumeRolePolicyDocument: automationTrustPolicy(`\${AWS::Region}`),
          Policies: [remediationPolicy(`\${AWS::Region}`)],
        },
      },
      RemediationConfiguration: {
        Type: 'AWS::Config::RemediationConfiguration',
        DependsOn: [`${pascal(REMEDIATED_RULE_ID)}ConfigRule`],
        Properties: {
          ConfigRuleName: REMEDIATED_RULE_ID,
          ResourceType: REMEDIATED_RESOURCE_TYPE,
          TargetType: 'SSM_DOCUMENT',
          TargetId: { Ref: 'RemediationDocument' },
          Parameters: {
            GroupId: { ResourceValue: { Value: 'RESOURCE_ID' } },
            AutomationAssumeRole: {
              StaticValue: { Values: [{ 'Fn::GetAtt': ['RemediationRole', 'Arn'] }] },
            },
          },
          Automatic: { 'Fn::If': ['AutomaticRemediationEnabled', true, false] },
          // Config puts a remediation exception on a resource after MaximumAutomaticAttempts failed
          // attempts within RetryAttemptSeconds (AWS Config API Reference, "RemediationConfiguration").
          MaximumAutomaticAttempts: 3,
          RetryAttemptSeconds: 600,
          // At most a tenth of the rule's NON_COMPLIANT groups at once; stop when a tenth fail.
          ExecutionControls: {
            SsmControls: { ConcurrentExecutionRatePercentage: 10, ErrorPercentage: 10 },
          },
        },
      },
    },
    Outputs: {
      RemediationDocumentName: {
        Description: 'SSM Automation document',
        Value: { Ref: 'RemediationDocument' },
      },
      RemediationRoleArn: {
        Description: 'Role the remediation runs as',
        Value: { 'Fn::GetAtt': ['RemediationRole', 'Arn'] },
      },
    },
  };
}

// ---------------------------------------------------------------------------------------------- notifications

/** The central event bus of organization mode: members forward their NON_COMPLIANT events to it. */
function centralEventBusName(settings) {
  return `${settings.service}-${settings.stage}`;
}

/**
 * The NON_COMPLIANT "Config Rules Compliance Change" events of these rules (AWS Config Developer Guide,
 * "Monitoring AWS Config with Amazon EventBridge"). Organization rules run in each member account as
 * OrgConfigRule-<name>-<suffix>. Shared by the central notification rule and the members' forwarding rule.
 */
function complianceChangePattern(ruleIds, mode) {
  return {
    source: ['aws.config'],
    'detail-type': ['Config Rules Compliance Change'],
    detail: {
      messageType: ['ComplianceChangeNotification'],
      configRuleName:
        mode === 'account' ? [...ruleIds] : ruleIds.map((id) => ({ prefix: `OrgConfigRule-${id}-` })),
      newEvaluationResult: { complianceType: ['NON_COMPLIANT'] },
    },
  };
}

function notificationSection({ manifest, settings }) {
  const ruleIds = manifest.rules.map((rule) => rule.id);
  const organization = settings.mode === 'organization';
  const resources = {
    // A customer managed key: EventBridge and CloudWatch alarms can publish to an encrypted topic only
    // if the key policy lets their service principals use the key (SNS Developer Guide, "Data
    // encryption": enabling compatibility between event sources and encrypted topics).
    NotificationKey: {
      Type: 'AWS::KMS::Key',
      Properties: {
        Description: 'efsguard: encrypts the notification topic',
        EnableKeyRotation: true,
        KeyPolicy: {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'AccountAdministers',
              Effect: 'Allow',
              Principal: { AWS: { 'Fn::Sub': `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:root` } },
              Action: 'kms:*',
              Resource: '*',
            },
            {
              Sid: 'PublishersOfThisAccount',
              Effect: 'Allow',
              Principal: { Service: ['events.amazonaws.com', 'cloudwatch.amazonaws.com'] },
              Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
              Resource: '*',
              Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
            },
          ],
        },
      },
    },
    NotificationTopic: {
      Type: 'AWS::SNS::Topic',
      Properties: {
        DisplayName: 'efsguard NON_COMPLIANT and failures',
        KmsMasterKeyId: { Ref: 'NotificationKey' },
      },
    },
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
            {
              Sid: 'AllowAlarmsOfThisAccount',
              Effect: 'Allow',
              Principal: { Service: 'cloudwatch.amazonaws.com' },
              Action: 'sns:Publish',
              Resource: { Ref: 'NotificationTopic' },
              Condition: {
                StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
                ArnLike: {
                  'aws:SourceArn': {
                    'Fn::Sub': `arn:\${AWS::Partition}:cloudwatch:\${AWS::Region}:\${AWS::AccountId}:alarm:*`,
                  },
                },
              },
            },
            {
              Sid: 'DenyInsecureTransport',
              Effect: 'Deny',
              Principal: '*',
              Action: 'sns:Publish',
              Resource: { Ref: 'NotificationTopic' },
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            },
          ],
        },
      },
    },
    // Account mode: this account's default bus. Organization mode: the central bus, which every
    // member's stack of the member template (this account's too) forwards to.
    ComplianceChangeRule: {
      Type: 'AWS::Events::Rule',
      Properties: {
        Description: 'efsguard: a resource became NON_COMPLIANT with an efsguard rule',
        State: 'ENABLED',
        ...(organization ? { EventBusName: { Ref: 'CentralEventBus' } } : {}),
        EventPattern: complianceChangePattern(ruleIds, settings.mode),
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
  const outputs = {
    NotificationTopicArn: {
      Description: 'SNS topic of NON_COMPLIANT transitions and failure alarms',
      Value: { Ref: 'NotificationTopic' },
    },
  };
  const parameters = {
    NotificationEmail: {
      Type: 'String',
      Default: settings.notificationEmail,
      Description: 'Email address subscribed to NON_COMPLIANT notifications and failure alarms (empty: none)',
    },
  };
  if (organization) {
    resources.CentralEventBus = {
      Type: 'AWS::Events::EventBus',
      Properties: { Name: centralEventBusName(settings) },
    };
    // Any account of the organization may put events on the bus (EventBridge User Guide, "Permissions
    // for Amazon EventBridge event buses": aws:PrincipalOrgID); the members' rules send through a role.
    resources.CentralEventBusPolicy = {
      Type: 'AWS::Events::EventBusPolicy',
      Properties: {
        EventBusName: { Ref: 'CentralEventBus' },
        StatementId: 'AllowOrganizationMembers',
        Statement: {
          Effect: 'Allow',
          Principal: '*',
          Action: 'events:PutEvents',
          Resource: { 'Fn::GetAtt': ['CentralEventBus', 'Arn'] },
          Condition: { StringEquals: { 'aws:PrincipalOrgID': { Ref: 'OrganizationId' } } },
        },
      },
    };
    outputs.CentralEventBusName = {
      Description: 'CentralEventBusName for the member template',
      Value: { Ref: 'CentralEventBus' },
    };
    parameters.OrganizationId = {
      Type: 'String',
      ...(settings.organizationId ? { Default: settings.organizationId } : {}),
      AllowedPattern: ORGANIZATION_ID_PATTERN.source,
      Description: 'The AWS Organizations id whose accounts may forward events to the central bus',
    };
  }
  return {
    Parameters: parameters,
    Conditions: {
      NotificationEmailGiven: { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'NotificationEmail' }, ''] }] },
    },
    Resources: resources,
    Outputs: outputs,
  };
}

// ---------------------------------------------------------------------------------------------- failures

/**
 * Failures are loud, once: every function has an asynchronous-invocation config (bounded retries of the
 * transient failures the handler throws, then the on-failure queue), and alarms on the handlers' Errors
 * metric, Lambda's Errors, Throttles and AsyncEventsDropped, and the queue, all to the topic.
 */
function failureSection({ manifest, settings }) {
  const { namespace, service } = manifest.metrics;
  const resources = {
    FailedEventsQueue: {
      Type: 'AWS::SQS::Queue',
      // Kept when the stack goes: what failed is still there to read.
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        MessageRetentionPeriod: FAILED_EVENTS_RETENTION_SECONDS,
        SqsManagedSseEnabled: true,
      },
    },
    FailedEventsQueuePolicy: {
      Type: 'AWS::SQS::QueuePolicy',
      Properties: {
        Queues: [{ Ref: 'FailedEventsQueue' }],
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'DenyInsecureTransport',
              Effect: 'Deny',
              Principal: '*',
              Action: 'sqs:*',
              Resource: { 'Fn::GetAtt': ['FailedEventsQueue', 'Arn'] },
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            },
          ],
        },
      },
    },
    FailedEventsAlarm: alarm({
      description:
        'efsguard: an evaluation failed after its retries; the event is in the failed-events queue',
      namespace: 'AWS/SQS',
      metricName: 'ApproximateNumberOfMessagesVisible',
      dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['FailedEventsQueue', 'QueueName'] } }],
      statistic: 'Maximum',
    }),
  };
  for (const rule of manifest.rules) {
    const fn = slsFunctionLogicalId(rule.id);
    const id = pascal(rule.id);
    const fnName = functionName(settings, rule.id);
    resources[`${id}EventInvokeConfig`] = {
      Type: 'AWS::Lambda::EventInvokeConfig',
      Properties: {
        FunctionName: { Ref: fn },
        Qualifier: '$LATEST',
        ...ASYNC_INVOKE_CONFIG,
        DestinationConfig: {
          OnFailure: { Destination: { 'Fn::GetAtt': ['FailedEventsQueue', 'Arn'] } },
        },
      },
    };
    const lambdaDimensions = [{ Name: 'FunctionName', Value: { Ref: fn } }];
    resources[`${id}RuleErrorsAlarm`] = alarm({
      description: `efsguard ${rule.id}: an evaluation failed (the dashboard shows the account)`,
      namespace,
      metricName: METRIC_NAMES.errors,
      dimensions: [
        { Name: METRIC_NAMES.serviceDimension, Value: service },
        { Name: METRIC_NAMES.ruleDimension, Value: rule.id },
      ],
    });
    for (const [suffix, metricName, what] of [
      ['LambdaErrors', 'Errors', 'the function failed'],
      ['Throttles', 'Throttles', 'invocations were throttled'],
      ['AsyncEventsDropped', 'AsyncEventsDropped', 'Lambda dropped events without running them'],
    ]) {
      resources[`${id}${suffix}Alarm`] = alarm({
        description: `efsguard ${fnName}: ${what}`,
        namespace: 'AWS/Lambda',
        metricName,
        dimensions: lambdaDimensions,
      });
    }
  }
  return {
    Resources: resources,
    Outputs: {
      FailedEventsQueueUrl: {
        Description: 'Events that failed after their retries',
        Value: { Ref: 'FailedEventsQueue' },
      },
    },
  };
}

/** One alarm to the topic: any datum of at least 1 in a 5-minute period; no data is not a failure. */
function alarm({ description, namespace, metricName, dimensions, statistic = 'Sum' }) {
  return {
    Type: 'AWS::CloudWatch::Alarm',
    Properties: {
      AlarmDescription: description,
      Namespace: namespace,
      MetricName: metricName,
      Dimensions: dimensions,
      Statistic: statistic,
      Period: 300,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: 'NotificationTopic' }],
    },
  };
}

// ---------------------------------------------------------------------------------------------- org view

/** Organization mode: a Config aggregator over every account and region, in the IAM region's stack. */
function organizationViewSection({ settings }) {
  if (settings.mode !== 'organization') return {};
  return {
    Resources: {
      AggregatorRole: {
        Type: 'AWS::IAM::Role',
        Condition: IAM_REGION_CONDITION,
        Properties: {
          Description: 'efsguard: lets AWS Config read the organization for the aggregator',
          AssumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              { Effect: 'Allow', Principal: { Service: 'config.amazonaws.com' }, Action: 'sts:AssumeRole' },
            ],
          },
          // AWS Config Developer Guide, "Setting up an aggregator": the organization source's role.
          ManagedPolicyArns: [
            {
              'Fn::Sub': `arn:\${AWS::Partition}:iam::aws:policy/service-role/AWSConfigRoleForOrganizations`,
            },
          ],
        },
      },
      ConfigurationAggregator: {
        Type: 'AWS::Config::ConfigurationAggregator',
        Condition: IAM_REGION_CONDITION,
        Properties: {
          ConfigurationAggregatorName: `${settings.service}-${settings.stage}`,
          OrganizationAggregationSource: {
            RoleArn: { 'Fn::GetAtt': ['AggregatorRole', 'Arn'] },
            AllAwsRegions: true,
          },
        },
      },
    },
    Outputs: {
      ConfigurationAggregatorName: {
        Condition: IAM_REGION_CONDITION,
        Description: 'Config aggregator over the organization',
        Value: { Ref: 'ConfigurationAggregator' },
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
  const metricWidget = (x, y, w, title, properties) => ({
    type: 'metric',
    x,
    y,
    width: w,
    height,
    properties: {
      title,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub placeholder
      region: '${AWS::Region}',
      view: 'timeSeries',
      stacked: false,
      period: 300,
      ...properties,
    },
  });
  // First row: failures per account, every rule (a SEARCH over the account dimension the handlers add).
  const perAccount = (metricName) =>
    `SEARCH('{${namespace},${M.accountDimension},${M.ruleDimension},${M.serviceDimension}} MetricName="${metricName}" ${M.serviceDimension}="${service}"', 'Sum', 300)`;
  widgets.push(
    metricWidget(0, 0, 3 * width, 'failures per account (account, rule)', {
      stat: 'Sum',
      metrics: [[{ expression: perAccount(M.errors), id: 'errors', label: '' }]],
    }),
    metricWidget(3 * width, 0, width, 'member accounts without the execution role', {
      stat: 'Sum',
      metrics: [[{ expression: perAccount(M.missingExecutionRole), id: 'missing', label: '' }]],
    }),
  );
  manifest.rules.forEach((rule, index) => {
    const fnName = functionName(settings, rule.id);
    const y = (index + 1) * height;
    widgets.push(
      metricWidget(0, y, width, `${rule.id}: evaluations`, {
        stat: 'Sum',
        metrics: M.complianceTypes.map((complianceType) => [
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
      }),
      metricWidget(width, y, width, `${rule.id}: errors`, {
        stat: 'Sum',
        metrics: [
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
          ['AWS/Lambda', 'AsyncEventsDropped', 'FunctionName', fnName, { label: 'events dropped' }],
        ],
      }),
      metricWidget(2 * width, y, width, `${rule.id}: duration (ms)`, {
        stat: 'Average',
        metrics: [
          ['AWS/Lambda', 'Duration', 'FunctionName', fnName, { stat: 'Average', label: 'average' }],
          ['AWS/Lambda', 'Duration', 'FunctionName', fnName, { stat: 'Maximum', label: 'maximum' }],
        ],
      }),
      metricWidget(3 * width, y, width, `${rule.id}: throttles and invocations`, {
        stat: 'Sum',
        metrics: [
          ['AWS/Lambda', 'Throttles', 'FunctionName', fnName, { label: 'throttles' }],
          ['AWS/Lambda', 'Invocations', 'FunctionName', fnName, { label: 'invocations' }],
        ],
      }),
    );
  });
  return { widgets };
}

function dashboardSection({ manifest, settings }) {
  return {
    Resources: {
      Dashboard: {
        Type: 'AWS::CloudWatch::Dashboard',
        Properties: {
          DashboardName: { 'Fn::Sub': `${settings.service}-${settings.stage}-\${AWS::Region}` },
          DashboardBody: { 'Fn::Sub': JSON.stringify(dashboardBody(manifest, settings)) },
        },
      },
    },
    Outputs: { DashboardName: { Description: 'CloudWatch dashboard', Value: { Ref: 'Dashboard' } } },
  };
}

// ---------------------------------------------------------------------------------------------- stack

/** The rules: a role, an invoke permission and a Config rule (or organization rule) each. */
function rulesSection({ manifest, settings }) {
  const resources = {};
  for (const rule of manifest.rules) {
    resources[roleLogicalId(rule.id)] = functionRole(rule, settings);
    Object.assign(
      resources,
      settings.mode === 'account' ? accountResources(rule, settings) : organizationResources(rule, settings),
    );
  }
  // Lambda's log groups (generated by osls) stay when the stack goes; recreating the stack in the
  // region then needs them deleted or imported first (docs/deploy.md, "Tear down").
  const extensions = Object.fromEntries(
    manifest.rules.map((rule) => [
      slsLogGroupLogicalId(rule.id),
      { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' },
    ]),
  );
  const hasGlobalRule = manifest.rules.some(isGlobalRule);
  const needsIamRegion = hasGlobalRule || settings.mode === 'organization';
  return {
    Parameters: needsIamRegion
      ? {
          [IAM_REGION_PARAMETER]: {
            Type: 'String',
            Default: settings.iamRegion,
            AllowedPattern: REGION_PATTERN.source,
            Description:
              'The region where AWS Config records IAM (global) resources: the IAM rule (and the organization aggregator) is deployed there only',
          },
        }
      : {},
    Conditions: needsIamRegion
      ? { [IAM_REGION_CONDITION]: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, { Ref: IAM_REGION_PARAMETER }] } }
      : {},
    Resources: resources,
    Outputs:
      settings.mode === 'organization'
        ? {
            FunctionRolePath: {
              Description: 'The IAM path of the function roles, which the member template trusts',
              Value: FUNCTION_ROLE_PATH,
            },
          }
        : {},
    extensions,
  };
}

/**
 * The parts of the stack, each a function of { manifest, settings } returning { Parameters, Conditions,
 * Resources, Outputs, extensions } (any may be missing). A new optional part goes in its own file under
 * deploy/serverless/ and is added here; logical ids must not collide (buildResources checks).
 */
const SECTIONS = [
  rulesSection,
  failureSection,
  remediationSection,
  notificationSection,
  organizationViewSection,
  dashboardSection,
];

function buildResources({ manifest, settings }) {
  const template = { Parameters: {}, Conditions: {}, Resources: {}, Outputs: {}, extensions: {} };
  for (const section of SECTIONS) {
    const part = section({ manifest, settings });
    for (const key of Object.keys(template)) {
      for (const [id, value] of Object.entries(part[key] ?? {})) {
        if (id in template[key])
          throw new DeploymentConfigError(`two parts of the stack define ${key}.${id}`);
        template[key][id] = value;
      }
    }
  }
  return template;
}

module.exports.functions = async ({ resolveVariable }) => buildFunctions(await load(resolveVariable));
module.exports.resources = async ({ resolveVariable }) => buildResources(await load(resolveVariable));

// For tests, the member template and docs: pure builders over an already-loaded manifest and settings.
module.exports.internals = {
  METRIC_NAMES,
  REMEDIATED_RULE_ID,
  REMEDIATED_RESOURCE_TYPE,
  REMEDIATION_RUNTIME,
  MEMBER_REMEDIATION_DOCUMENT_NAME,
  IAM_REGION_CONDITION,
  IAM_REGION_PARAMETER,
  FUNCTION_ROLE_PATH,
  ASYNC_INVOKE_CONFIG,
  SECTIONS,
  buildFunctions,
  buildResources,
  readSettings,
  readManifest,
  validateManifestRules,
  inputParametersFor,
  remediationDocumentContent,
  remediationPolicy,
  automationTrustPolicy,
  complianceChangePattern,
  centralEventBusName,
  slsFunctionLogicalId,
  slsLogGroupLogicalId,
  roleLogicalId,
  roleNameFor,
  pascal,
  DeploymentConfigError,
};
