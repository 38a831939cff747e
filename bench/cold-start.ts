// The bundles section (each rule's minified handler bundle) and the cold-start section: each bundle
// loaded in a fresh process, paired with `node -e 0`, and its unbundled build for comparison; and the
// CLI's own start (`efsguard --version`), paired the same way.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { build } from 'esbuild';
import { RULES } from '../core/rules/index';
import { median } from './end-to-end';
import { alternating, COLD_START_RUNS, log, ROOT, ratioRange, round, run, WORK } from './options';

export interface BundleRow {
  rule: string;
  bytes: number;
}

function bundlePath(rule: string): string {
  return join(ROOT, 'dist', 'handlers', rule, 'index.js');
}

export function measureBundles(): BundleRow[] {
  log('building handler bundles');
  run(process.execPath, ['scripts/build-handlers.mjs']);
  return RULES.map((rule) => ({ rule: rule.id, bytes: statSync(bundlePath(rule.id)).size }));
}

// ---- cold start ----
interface ColdStartRow {
  rule: string;
  bundledMs: number;
  unbundledMs: number;
  /** Median of the per-pair ratios bundled / `node -e 0`. */
  pairedRatio: number;
  /** Smallest and largest per-pair ratio: the noise of this machine. */
  pairedRatioRange: string;
}

/** Transpiles the sources file by file (no bundling), so `require` walks node_modules as an unbundled deploy would. */
async function buildUnbundled(): Promise<string> {
  const outdir = join(WORK, 'unbundled');
  const entryPoints: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(join(ROOT, dir))) {
      const path = join(dir, name);
      if (statSync(join(ROOT, path)).isDirectory()) walk(path);
      else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) entryPoints.push(path);
    }
  };
  for (const dir of ['core', 'aws', 'handlers']) walk(dir);
  await build({
    entryPoints,
    outdir,
    outbase: ROOT,
    absWorkingDir: ROOT,
    bundle: false,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'warning',
  });
  return outdir;
}

function timeProcess(args: string[]): number {
  const start = performance.now();
  const result = spawnSync(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  const elapsed = performance.now() - start;
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${result.stderr}`);
  return elapsed;
}

/** The CLI's start: `dist/cli.js --version`, what every command pays before it does anything. */
interface CliStartRow {
  command: string;
  startMs: number;
  pairedRatio: number;
  pairedRatioRange: string;
}

export async function measureColdStart(): Promise<{
  nodeBaselineMs: number;
  rules: ColdStartRow[];
  cli?: CliStartRow;
}> {
  log(
    `cold start: ${COLD_START_RUNS} paired runs of each rule's bundle with \`node -e 0\`, and its unbundled build`,
  );
  const unbundledDir = await buildUnbundled();
  run(process.execPath, ['scripts/build-cli.mjs']);
  const cliArgs = ['dist/cli.js', '--version'];
  const cli = { starts: [] as number[], ratios: [] as number[] };
  const baselineArgs = ['-e', '0'];
  const baselines: number[] = [];
  const perRule = new Map<string, { bundled: number[]; unbundled: number[]; ratios: number[] }>(
    RULES.map((rule) => [rule.id, { bundled: [], unbundled: [], ratios: [] }]),
  );
  for (let i = 0; i < COLD_START_RUNS; i++) {
    for (const rule of RULES) {
      const bundled = `./${relative(ROOT, bundlePath(rule.id))}`;
      const unbundled = `./${relative(ROOT, join(unbundledDir, 'handlers', `${rule.id}.js`))}`;
      const bundledArgs = ['-e', `require(${JSON.stringify(bundled)})`];
      const samples = perRule.get(rule.id);
      if (!samples) continue;
      // One pair: the bundle and `node -e 0` back to back, the order alternating; the target is the
      // median of the ratios.
      const [baseline, loaded] = alternating(
        i,
        () => timeProcess(baselineArgs),
        () => timeProcess(bundledArgs),
      );
      baselines.push(baseline);
      samples.bundled.push(loaded);
      samples.ratios.push(loaded / baseline);
      samples.unbundled.push(timeProcess(['-e', `require(${JSON.stringify(unbundled)})`]));
    }
    const [baseline, started] = alternating(
      i,
      () => timeProcess(baselineArgs),
      () => timeProcess(cliArgs),
    );
    cli.starts.push(started);
    cli.ratios.push(started / baseline);
  }
  return {
    nodeBaselineMs: round(median(baselines)),
    rules: RULES.map((rule) => {
      const samples = perRule.get(rule.id) ?? { bundled: [], unbundled: [], ratios: [] };
      return {
        rule: rule.id,
        bundledMs: round(median(samples.bundled)),
        unbundledMs: round(median(samples.unbundled)),
        pairedRatio: round(median(samples.ratios), 2),
        pairedRatioRange: ratioRange(samples.ratios),
      };
    }),
    cli: {
      command: 'efsguard --version',
      startMs: round(median(cli.starts)),
      pairedRatio: round(median(cli.ratios), 2),
      pairedRatioRange: ratioRange(cli.ratios),
    },
  };
}
