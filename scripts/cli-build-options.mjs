// How the `efsguard` command is bundled: scripts/build-cli.mjs builds it, and
// test/unit/cli/startup-graph.test.ts checks what it loads at startup.
//
// The command is an ES module split into chunks: what only some commands need (the AWS SDK and the
// live loaders, the report formats, the Lambda handlers `invoke` runs) is imported when a command asks
// for it, so that `efsguard scan --snapshot FILE` or `--help` does not read, compile and initialise
// the SDK first. dist/cli.js, the `bin`, only imports dist/cli.mjs. Chunks sit beside it in dist/, so
// that paths found from a chunk's directory (the docs folder, one level up) stay right.
import { pureSdkSchemas } from './esbuild-sdk-schemas.mjs';

export const CLI_BUILD_OPTIONS = {
  entryPoints: { cli: 'cli/main.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  outExtension: { '.js': '.mjs' },
  chunkNames: 'cli-chunk-[hash]',
  mainFields: ['module', 'main'],
  sourcemap: true,
  // CommonJS dependencies call require(), and two modules read __dirname: an ES module has neither.
  banner: {
    js: [
      "import { createRequire as __efsguardCreateRequire } from 'node:module';",
      "import { dirname as __efsguardDirname } from 'node:path';",
      "import { fileURLToPath as __efsguardFileURLToPath } from 'node:url';",
      'const require = __efsguardCreateRequire(import.meta.url);',
      'const __filename = __efsguardFileURLToPath(import.meta.url);',
      'const __dirname = __efsguardDirname(__filename);',
    ].join('\n'),
  },
  plugins: [pureSdkSchemas],
  logLevel: 'warning',
};
