#!/usr/bin/env node
// npm run package: bundles the handlers, then runs `osls package` for each deployment mode into
// dist/serverless/<mode>/ (CloudFormation templates + one zip per function), checks each template
// against the AWS quotas it must fit (deploy/serverless/limits.cjs) and writes the organization
// mode's member template to dist/serverless/member/efsguard-member.json. Works offline with no AWS
// credentials: packaging resolves no AWS variables. Extra arguments go to osls, e.g.
//   npm run package -- --stage prod --region eu-west-1
//   npm run package -- --mode organization --param="excludedAccounts=111122223333"
import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildHandlers, MANIFEST_PATH } from './build-handlers.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const PACKAGE_OUT_DIR = join(ROOT, 'dist', 'serverless');
export const MEMBER_TEMPLATE_PATH = join(PACKAGE_OUT_DIR, 'member', 'efsguard-member.json');
export const TEMPLATE_FILE = 'cloudformation-template-update-stack.json';
const MODES = ['account', 'organization'];
const require = createRequire(import.meta.url);
const OSLS = require.resolve('osls/bin/serverless.js');
const { checkTemplateLimits } = require('../deploy/serverless/limits.cjs');
const { buildMemberTemplate } = require('../deploy/serverless/member-template.cjs');

/** osls's own chatter (telemetry, update checks) would reach for the network; packaging needs none. */
const OFFLINE_ENV = {
  SLS_TELEMETRY_DISABLED: '1',
  SLS_TRACKING_DISABLED: '1',
  SLS_NOTIFICATIONS_MODE: 'off',
  SLS_DEPRECATION_DISABLE: '*',
};

function runOsls(args, { quiet = false } = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [OSLS, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...OFFLINE_ENV },
      stdio: ['ignore', quiet ? 'ignore' : 'inherit', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      if (!quiet) process.stderr.write(chunk);
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolvePromise()
        : reject(
            new Error(`osls ${args.join(' ')} exited with ${code}${quiet ? `\n${stderr.slice(-4000)}` : ''}`),
          ),
    );
  });
}

/** Runs the jobs with at most `limit` at a time (the machine has two cores). */
async function inParallel(jobs, limit = 2) {
  const results = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const index = next++;
      results[index] = await jobs[index]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
  return results;
}

/**
 * Packages variants: { name, mode, args } each, into dist/serverless/<name>/, and checks each template's
 * limits. Resolves to { name: { dir, measured } }. Builds the handlers first unless told not to.
 */
export async function packageVariants(variants, { build = true, quiet = false } = {}) {
  if (build) await buildHandlers({ log: quiet ? () => {} : console.log });
  const packaged = await inParallel(
    variants.map((variant) => async () => {
      const dir = join(PACKAGE_OUT_DIR, variant.name);
      await runOsls(['package', '--package', dir, `--param=mode=${variant.mode}`, ...(variant.args ?? [])], {
        quiet,
      });
      const template = JSON.parse(await readFile(join(dir, TEMPLATE_FILE), 'utf8'));
      return [variant.name, { dir, measured: checkTemplateLimits(template, `${variant.name} template`) }];
    }),
    // One at a time: osls stages every package in the service's own .serverless directory.
    1,
  );
  await writeMemberTemplate();
  return Object.fromEntries(packaged);
}

/** The member template of organization mode, from the manifest the handlers' build wrote. */
export async function writeMemberTemplate() {
  const manifest = JSON.parse(await readFile(MANIFEST_PATH, 'utf8'));
  await mkdir(dirname(MEMBER_TEMPLATE_PATH), { recursive: true });
  await writeFile(MEMBER_TEMPLATE_PATH, `${JSON.stringify(buildMemberTemplate(manifest), null, 2)}\n`);
  return MEMBER_TEMPLATE_PATH;
}

/** Packages the given modes; resolves to { mode: outputDir }. */
export async function packageModes(modes = MODES, extraArgs = []) {
  const packaged = await packageVariants(modes.map((mode) => ({ name: mode, mode, args: extraArgs })));
  for (const [name, { measured }] of Object.entries(packaged)) {
    console.log(
      `${name}: ${measured.resources} resources, largest Lambda policy ~${measured.largestLambdaPolicyBytes} bytes, longest InputParameters ${measured.longestInputParameters} characters`,
    );
  }
  return Object.fromEntries(Object.entries(packaged).map(([name, { dir }]) => [name, dir]));
}

function parseArgs(argv) {
  const modes = [];
  const rest = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--mode') {
      const mode = argv[i + 1];
      if (!MODES.includes(mode)) throw new Error(`--mode must be one of ${MODES.join(', ')}, got ${mode}`);
      modes.push(mode);
      i += 1;
    } else rest.push(arg);
  }
  return { modes: modes.length > 0 ? modes : MODES, rest };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  try {
    const { modes, rest } = parseArgs(process.argv.slice(2));
    const outputs = await packageModes(modes, rest);
    for (const [mode, out] of Object.entries(outputs)) console.log(`${mode}: ${out}`);
    console.log(`member: ${MEMBER_TEMPLATE_PATH}`);
    console.log(`packaged in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } catch (error) {
    console.error(`package: ${error.message}`);
    process.exit(1);
  }
}
