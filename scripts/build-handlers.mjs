#!/usr/bin/env node
// Bundles each rule's Lambda entry (handlers/<rule-id>.ts) into dist/handlers/<rule-id>/index.js (CommonJS, so
// that `osls invoke local` can require it too) and
// writes dist/deploy/manifest.json: the rules' metadata (core/rules/index.ts RULES) and their IAM actions
// (aws/load/permissions.ts), which serverless.yml's generated resources read. One bundle per function keeps
// each zip to what that rule loads; the SDK is bundled (not the runtime's copy) so the code that ran in
// the tests is the code that runs in Lambda, and its ESM builds ("module" first) let esbuild drop the
// commands a rule never sends.
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { tsImport } from 'tsx/esm/api';
import { pureSdkSchemas } from './esbuild-sdk-schemas.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const HANDLERS_OUT_DIR = join(ROOT, 'dist', 'handlers');
export const MANIFEST_PATH = join(ROOT, 'dist', 'deploy', 'manifest.json');
/**
 * Each bundle must stay under this: a cold start reads and compiles all of it. The build fails past it,
 * so a dependency that stops tree-shaking is caught here. Two measures keep the bundles under it: the
 * SDK's schema modules are made shakable (scripts/esbuild-sdk-schemas.mjs), and the
 * Lambda path uses zod/mini rather than classic zod (which adds ~440 KB).
 */
export const MAX_BUNDLE_BYTES = 600_000;
/** The Lambda runtime serverless.yml deploys; esbuild targets the same Node major. */
const TARGET = 'node22';

export class BuildHandlersError extends Error {
  constructor(message) {
    super(message);
    this.name = 'BuildHandlersError';
  }
}

async function exists(path) {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Deploy only some rules: a comma-separated list of rule ids (default: every registered rule). */
export const DEPLOY_RULES_ENV = 'EFSGUARD_DEPLOY_RULES';

function selectRules(registered, selection) {
  const wanted = (selection ?? '')
    .split(',')
    .map((id) => id.trim())
    .filter(Boolean);
  if (wanted.length === 0) return registered;
  const known = registered.map((rule) => rule.id);
  const unknown = wanted.filter((id) => !known.includes(id));
  if (unknown.length > 0) {
    throw new BuildHandlersError(
      `${DEPLOY_RULES_ENV} names unknown rules ${unknown.join(', ')}; known: ${known.join(', ')}`,
    );
  }
  return registered.filter((rule) => wanted.includes(rule.id));
}

/** The rules to deploy and their IAM actions, from the TypeScript sources of truth. */
export async function loadDeploymentModel({ selection = process.env[DEPLOY_RULES_ENV] } = {}) {
  const { RULES } = await tsImport(join(ROOT, 'core/rules/index.ts'), import.meta.url);
  const permissions = await tsImport(join(ROOT, 'aws/load/permissions.ts'), import.meta.url);
  const instrumentation = await tsImport(join(ROOT, 'handlers/runtime/instrumentation.ts'), import.meta.url);
  if (!Array.isArray(RULES) || RULES.length === 0) {
    throw new BuildHandlersError('core/rules/index.ts registers no rules: there is nothing to deploy');
  }
  const rules = selectRules(RULES, selection).map((rule) => ({
    id: rule.id,
    title: rule.title,
    resourceTypes: [...rule.resourceTypes],
    triggerResourceTypes: [...rule.triggerResourceTypes],
    triggers: [...rule.triggers],
    // The topology parts the rule reads: its IAM actions follow from them, and a rule reading 'iam'
    // (global resources) is deployed in the iamRegion only (deploy/serverless/resources.cjs).
    requires: [...rule.requires],
    parameters: rule.parameters.map((parameter) => ({ name: parameter.name, default: parameter.default })),
    // Throws UnknownPermissionsError naming the rule when aws/load/permissions.ts has no entry for it.
    readActions: permissions.readActionsFor(rule.id),
    functionActions: Object.fromEntries(
      permissions.DEPLOYMENT_MODES.map((mode) => [mode, permissions.functionActionsFor(rule.id, mode)]),
    ),
  }));
  return {
    rules,
    evaluationActions: [...permissions.EVALUATION_ACTIONS],
    assumeRoleAction: permissions.ASSUME_ROLE_ACTION,
    logActions: [...permissions.LOG_ACTIONS],
    memberRoleActions: permissions.memberRoleActions(rules.map((rule) => rule.id)),
    metrics: { namespace: instrumentation.METRICS_NAMESPACE, service: instrumentation.SERVICE_NAME },
  };
}

/**
 * Lambda bundles take their credentials from the environment only (scripts/lambda-credential-provider.mjs
 * says why); the SDK's clients and @aws-sdk/credential-providers both reach the default chain through
 * @aws-sdk/credential-provider-node.
 */
const lambdaCredentials = {
  name: 'lambda-credentials',
  setup(build) {
    build.onResolve({ filter: /^@aws-sdk\/credential-provider-node$/ }, () => ({
      path: join(ROOT, 'scripts', 'lambda-credential-provider.mjs'),
    }));
  },
};

/**
 * A rule that reads no IAM gets no IAM client: @aws-sdk/client-iam resolves to scripts/lambda-without-iam.mjs,
 * whose client refuses every call (about 34 KB and 14 ms of cold start less per bundle).
 */
const withoutIamClient = {
  name: 'without-iam-client',
  setup(build) {
    build.onResolve({ filter: /^@aws-sdk\/client-iam$/ }, () => ({
      path: join(ROOT, 'scripts', 'lambda-without-iam.mjs'),
    }));
  },
};

/**
 * One Lambda bundle: minified CommonJS (esbuild tree-shakes the ES module inputs all the same, Lambda
 * loads it as is, and `osls invoke local` can require() it, which it cannot do with .mjs), with the
 * SDK's schemas marked pure and the environment-only credential provider. Returns its size.
 */
async function bundle(entry, outfile, ruleId, extraPlugins = []) {
  const result = await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    minify: true,
    platform: 'node',
    target: TARGET,
    format: 'cjs',
    mainFields: ['module', 'main'],
    sourcemap: false,
    legalComments: 'none',
    metafile: true,
    plugins: [pureSdkSchemas, lambdaCredentials, ...extraPlugins],
    logLevel: 'warning',
  });
  const bytes =
    result.metafile.outputs[relative(process.cwd(), outfile)]?.bytes ?? (await stat(outfile)).size;
  return { ruleId, file: relative(ROOT, outfile), bytes };
}

function bundleHandler(rule) {
  return bundle(
    join(ROOT, 'handlers', `${rule.id}.ts`),
    join(HANDLERS_OUT_DIR, rule.id, 'index.js'),
    rule.id,
    rule.requires.includes('iam') ? [] : [withoutIamClient],
  );
}

/**
 * The optional Security Hub sink, bundled apart beside each handler (aws/config/securityhub-loader.ts requires
 * it only when the deployment turns Security Hub on), so that the handlers stay within their budget.
 */
function bundleSecurityHubSink(ruleId) {
  return bundle(
    join(ROOT, 'aws', 'config', 'securityhub-sink.ts'),
    join(HANDLERS_OUT_DIR, ruleId, 'securityhub.js'),
    ruleId,
  );
}

/** Builds every registered rule's handler; fails naming every rule whose handler file is missing. */
export async function buildHandlers({ log = console.log } = {}) {
  const model = await loadDeploymentModel();
  const missing = [];
  for (const rule of model.rules) {
    if (!(await exists(join(ROOT, 'handlers', `${rule.id}.ts`)))) missing.push(`handlers/${rule.id}.ts`);
  }
  if (missing.length > 0) {
    throw new BuildHandlersError(
      `rules registered in core/rules/index.ts have no Lambda entry: ${missing.join(', ')} missing`,
    );
  }
  await rm(HANDLERS_OUT_DIR, { recursive: true, force: true });
  const bundles = await Promise.all(model.rules.map((rule) => bundleHandler(rule)));
  const sidecars = await Promise.all(model.rules.map((rule) => bundleSecurityHubSink(rule.id)));
  const oversized = [...bundles, ...sidecars].filter((bundle) => bundle.bytes > MAX_BUNDLE_BYTES);
  if (oversized.length > 0) {
    throw new BuildHandlersError(
      `bundles over ${MAX_BUNDLE_BYTES} bytes: ${oversized.map((b) => `${b.file} (${b.bytes})`).join(', ')}`,
    );
  }
  await mkdir(dirname(MANIFEST_PATH), { recursive: true });
  const manifest = {
    ...model,
    bundles,
    securityHubBundles: sidecars,
    budget: { maxBytes: MAX_BUNDLE_BYTES },
  };
  await writeFile(MANIFEST_PATH, `${JSON.stringify(manifest, null, 2)}\n`);
  for (const bundle of [...bundles, ...sidecars])
    log(`${bundle.file.padEnd(56)} ${(bundle.bytes / 1024).toFixed(1).padStart(7)} KiB`);
  return manifest;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildHandlers().catch((error) => {
    console.error(`build-handlers: ${error.message}`);
    process.exit(1);
  });
}
