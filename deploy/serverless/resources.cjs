// Generates the per-rule parts of serverless.yml (functions, roles, Config rules, permissions,
// remediation, notifications, dashboard) from dist/deploy/manifest.json, which
// scripts/build-handlers.mjs writes from core/rules/index.ts (rule metadata) and aws/load/permissions.ts
// (IAM actions). serverless.yml pulls these in with ${file(./deploy/serverless/resources.cjs):…}; the
// osls variable resolver calls each export with { resolveVariable }.
// This file only assembles the stack; each concern lives in its own file beside it: settings.cjs (stage
// parameters, manifest checks, naming), functions.cjs (functions and their roles), rules.cjs (Config
// rules), remediation.cjs, notifications.cjs, failures.cjs (failure queue, alarms, dashboard) and
// organization-view.cjs (the aggregator).
'use strict';

const {
  IAM_REGION_CONDITION,
  IAM_REGION_PARAMETER,
  FUNCTION_ROLE_PATH,
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
  load,
} = require('./settings.cjs');
const { ASYNC_INVOKE_CONFIG, buildFunctions } = require('./functions.cjs');
const { rulesSection } = require('./rules.cjs');
const {
  REMEDIATED_RULE_ID,
  REMEDIATED_RESOURCE_TYPE,
  REMEDIATION_RUNTIME,
  MEMBER_REMEDIATION_DOCUMENT_NAME,
  remediationDocumentContent,
  remediationPolicy,
  automationTrustPolicy,
  remediationSection,
} = require('./remediation.cjs');
const { centralEventBusName, complianceChangePattern, notificationSection } = require('./notifications.cjs');
const { METRIC_NAMES, failureSection, dashboardSection } = require('./failures.cjs');
const { organizationViewSection } = require('./organization-view.cjs');

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
