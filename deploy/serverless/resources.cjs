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

const { DeploymentConfigError, load } = require('./settings.cjs');
const { buildFunctions } = require('./functions.cjs');
const { rulesSection } = require('./rules.cjs');
const { remediationSection } = require('./remediation.cjs');
const { notificationSection } = require('./notifications.cjs');
const { failureSection, dashboardSection } = require('./failures.cjs');
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

// For tests: the stack built from an already-loaded manifest and settings. Every other name lives in, and
// is required from, the file that defines it.
module.exports.buildResources = buildResources;
