// Builds the `efsguard` command into dist/cli.js (run by `npm ci` through the prepare script).
import { chmodSync } from 'node:fs';
import { build } from 'esbuild';
import { pureSdkSchemas } from './esbuild-sdk-schemas.mjs';

await build({
  entryPoints: ['cli/main.ts'],
  outfile: 'dist/cli.js',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  mainFields: ['module', 'main'],
  sourcemap: true,
  banner: { js: '#!/usr/bin/env node' },
  plugins: [pureSdkSchemas],
  logLevel: 'warning',
});
chmodSync('dist/cli.js', 0o755);
