#!/usr/bin/env node
// npm run package: bundles the handlers, then runs `osls package` for each deployment mode into
// dist/serverless/<mode>/ (CloudFormation templates + one zip per function). Works offline with no AWS
// credentials: packaging resolves no AWS variables. Extra arguments go to osls, e.g.
//   npm run package -- --stage prod --region eu-west-1
//   npm run package -- --mode organization --param="excludedAccounts=111122223333"
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildHandlers } from './build-handlers.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const PACKAGE_OUT_DIR = join(ROOT, 'dist', 'serverless');
const MODES = ['account', 'organization'];
const require = createRequire(import.meta.url);
const OSLS = require.resolve('osls/bin/serverless.js');

/** osls's own chatter (telemetry, update checks) would reach for the network; packaging needs none. */
const OFFLINE_ENV = {
  SLS_TELEMETRY_DISABLED: '1',
  SLS_TRACKING_DISABLED: '1',
  SLS_NOTIFICATIONS_MODE: 'off',
  SLS_DEPRECATION_DISABLE: '*',
};

function runOsls(args) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [OSLS, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...OFFLINE_ENV },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolvePromise() : reject(new Error(`osls ${args.join(' ')} exited with ${code}`)),
    );
  });
}

/** Packages the given modes; resolves to { mode: outputDir }. */
export async function packageModes(modes = MODES, extraArgs = []) {
  await buildHandlers();
  const outputs = {};
  for (const mode of modes) {
    const out = join(PACKAGE_OUT_DIR, mode);
    await runOsls(['package', '--package', out, `--param=mode=${mode}`, ...extraArgs]);
    outputs[mode] = out;
  }
  return outputs;
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
    console.log(`packaged in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } catch (error) {
    console.error(`package: ${error.message}`);
    process.exit(1);
  }
}
