// Stage settings and naming for the generated deployment: the constants every part shares, the
// stage parameters (readSettings), the manifest and its checks, and the names and logical ids of
// functions and roles.
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

module.exports = {
  ROOT,
  CHANGE_MESSAGE_TYPES,
  SCHEDULED_MESSAGE_TYPE,
  REGION_PATTERN,
  IAM_REGION_CONDITION,
  IAM_REGION_PARAMETER,
  FUNCTION_ROLE_PATH,
  ORGANIZATION_ID_PATTERN,
  DeploymentConfigError,
  readManifest,
  pascal,
  slsFunctionLogicalId,
  slsLogGroupLogicalId,
  roleLogicalId,
  readSettings,
  inputParametersFor,
  validateManifestRules,
  roleNameFor,
  functionName,
  load,
};
