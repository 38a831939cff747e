// Builds the `efsguard` command (run by `npm ci` through the prepare script); how it is split is
// described in cli-build-options.mjs.
import { chmodSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { build } from 'esbuild';
import { CLI_BUILD_OPTIONS } from './cli-build-options.mjs';

const result = await build({ ...CLI_BUILD_OPTIONS, metafile: true });
// Chunks are named by content: drop those an earlier build left. (Files are replaced, never removed
// first, so that a command started from dist/ meanwhile, by a test running beside the build, still runs.)
const written = new Set(Object.keys(result.metafile.outputs).map((path) => basename(path)));
for (const name of readdirSync('dist')) {
  if (/^cli-chunk-.*\.mjs(\.map)?$/.test(name) && !written.has(name)) rmSync(`dist/${name}`);
}
rmSync('dist/cli.js.map', { force: true }); // from the single-file build before this one
writeFileSync('dist/cli.js.tmp', "#!/usr/bin/env node\n'use strict';\nimport('./cli.mjs');\n");
chmodSync('dist/cli.js.tmp', 0o755);
renameSync('dist/cli.js.tmp', 'dist/cli.js');
