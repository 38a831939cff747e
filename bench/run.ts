// `npm run bench`: bundle sizes, cold start, sweeps at organization scale and API calls per event.
// `npm run bench -- --json` prints exactly one JSON object on stdout; progress goes to stderr.
// Targets are checked and reported here (never in timed tests); see the README's Performance section.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { build } from 'esbuild';
import { RULES } from '../core/rules/index';
import { type ApiCallsRow, measureApiCallsPerEvent } from './api-calls';
import { measureTableRender } from './table-render';

// Child processes inherit this: the SDK's one-time Node 22 notice would only add noise to stderr.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const ROOT = resolve(__dirname, '..');
const WORK = join(ROOT, '.bench');
const json = process.argv.includes('--json');
const quick = process.argv.includes('--quick');
const COLD_START_RUNS = quick ? 5 : 15;
const SCALES = quick ? [1, 2, 4] : [1, 4, 16];
const SWEEP_RUNS = quick ? 1 : 3;

const log = (message: string): void => {
  process.stderr.write(`bench: ${message}\n`);
};

function run(command: string, args: string[], options: { cwd?: string } = {}): string {
  const result = spawnSync(command, args, {
    cwd: options.cwd ?? ROOT,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} failed (${result.status}): ${result.stderr || result.stdout}`,
    );
  }
  return result.stdout;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

const round = (value: number, digits = 1): number => Number(value.toFixed(digits));

// ---- bundles ----
interface BundleRow {
  rule: string;
  bytes: number;
}

function bundlePath(rule: string): string {
  return join(ROOT, 'dist', 'handlers', rule, 'index.js');
}

function measureBundles(): BundleRow[] {
  log('building handler bundles');
  run(process.execPath, ['scripts/build-handlers.mjs']);
  return RULES.map((rule) => ({ rule: rule.id, bytes: statSync(bundlePath(rule.id)).size }));
}

// ---- cold start ----
interface ColdStartRow {
  rule: string;
  bundledMs: number;
  unbundledMs: number;
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

async function measureColdStart(): Promise<{ nodeBaselineMs: number; rules: ColdStartRow[] }> {
  log(`cold start: ${COLD_START_RUNS} interleaved runs of each variant`);
  const unbundledDir = await buildUnbundled();
  const variants: { key: string; args: string[] }[] = [{ key: 'baseline', args: ['-e', '0'] }];
  for (const rule of RULES) {
    const bundled = `./${relative(ROOT, bundlePath(rule.id))}`;
    const unbundled = `./${relative(ROOT, join(unbundledDir, 'handlers', `${rule.id}.js`))}`;
    variants.push({ key: `bundled:${rule.id}`, args: ['-e', `require(${JSON.stringify(bundled)})`] });
    variants.push({ key: `unbundled:${rule.id}`, args: ['-e', `require(${JSON.stringify(unbundled)})`] });
  }
  const samples = new Map<string, number[]>(variants.map((variant) => [variant.key, []]));
  for (let i = 0; i < COLD_START_RUNS; i++) {
    // Round-robin, so drift on this shared machine hits every variant alike.
    for (const variant of variants) samples.get(variant.key)?.push(timeProcess(variant.args));
  }
  const med = (key: string): number => round(median(samples.get(key) ?? []));
  return {
    nodeBaselineMs: med('baseline'),
    rules: RULES.map((rule) => ({
      rule: rule.id,
      bundledMs: med(`bundled:${rule.id}`),
      unbundledMs: med(`unbundled:${rule.id}`),
    })),
  };
}

// ---- sweeps ----
interface SweepRow {
  scale: number;
  fileSystems: number;
  mountTargets: number;
  securityGroups: number;
  rules: number;
  networkInterfaces: number;
  loadMs: number;
  evaluateMs: number;
  parseMs: number;
  peakRssMb: number;
}

function measureSweeps(): SweepRow[] {
  const rows: SweepRow[] = [];
  for (const scale of SCALES) {
    const file = join(WORK, `account-scale-${scale}.json`);
    log(`sweep: generating scale ${scale}`);
    const counts = JSON.parse(
      run(process.execPath, [
        '--max-old-space-size=4096',
        '--import',
        'tsx',
        'bench/write-account.ts',
        String(scale),
        file,
      ]),
    );
    // Each run in a fresh process; medians of SWEEP_RUNS, since one run on a shared 2-core VM can be
    // off by a third either way (JSON.parse most of all). Peak RSS is the largest seen.
    const runs: { parseMs: number; loadMs: number; evaluateMs: number; peakRssMb: number }[] = [];
    for (let i = 0; i < SWEEP_RUNS; i++) {
      log(`sweep: evaluating scale ${scale} in a fresh process (${i + 1}/${SWEEP_RUNS})`);
      runs.push(JSON.parse(run(process.execPath, ['--import', 'tsx', 'bench/sweep-worker.ts', file])));
    }
    rows.push({
      scale,
      ...counts,
      loadMs: round(median(runs.map((r) => r.loadMs))),
      evaluateMs: round(median(runs.map((r) => r.evaluateMs))),
      parseMs: round(median(runs.map((r) => r.parseMs))),
      peakRssMb: round(Math.max(...runs.map((r) => r.peakRssMb))),
    });
  }
  return rows;
}

// ---- report ----
interface Target {
  name: string;
  ok: boolean;
  detail: string;
}

function checkTargets(
  bundles: BundleRow[],
  coldStart: Awaited<ReturnType<typeof measureColdStart>>,
  sweep: SweepRow[],
  scalingExponent: number,
  apiCalls: ApiCallsRow[],
): Target[] {
  const largest = sweep[sweep.length - 1];
  const targets: Target[] = [
    ...bundles.map((b) => ({
      name: `bundle ${b.rule} <= 600 KB`,
      ok: b.bytes <= 600_000,
      detail: `${round(b.bytes / 1000)} KB`,
    })),
    ...coldStart.rules.flatMap((r) => [
      {
        name: `cold start ${r.rule} bundled <= 60% unbundled`,
        ok: r.bundledMs <= 0.6 * r.unbundledMs,
        detail: `${r.bundledMs} vs ${r.unbundledMs} ms`,
      },
      {
        name: `cold start ${r.rule} bundled <= 2.0 x node baseline`,
        ok: r.bundledMs <= 2 * coldStart.nodeBaselineMs,
        detail: `${r.bundledMs} vs ${coldStart.nodeBaselineMs} ms`,
      },
    ]),
    ...(largest
      ? [
          {
            name: `scale ${largest.scale} evaluateMs <= parseMs`,
            ok: largest.evaluateMs <= largest.parseMs,
            detail: `${largest.evaluateMs} vs ${largest.parseMs} ms`,
          },
          {
            name: `scale ${largest.scale} peak RSS <= 1536 MB`,
            ok: largest.peakRssMb <= 1536,
            detail: `${largest.peakRssMb} MB`,
          },
        ]
      : []),
    { name: 'scaling exponent <= 1.15', ok: scalingExponent <= 1.15, detail: String(scalingExponent) },
    ...apiCalls.map((a) => ({
      name: `API calls ${a.event}: large == small <= 12`,
      ok: a.largeAccount === a.smallAccount && a.smallAccount <= 12,
      detail: `${a.smallAccount} / ${a.largeAccount}`,
    })),
  ];
  return targets;
}

function printTables(result: Record<string, unknown>, targets: Target[]): void {
  const out: string[] = [];
  const table = (title: string, rows: Record<string, unknown>[]): void => {
    out.push(`\n${title}`);
    if (rows.length === 0) return;
    const keys = Object.keys(rows[0] as object);
    const widths = keys.map((key) => Math.max(key.length, ...rows.map((row) => String(row[key]).length)));
    const line = (cells: string[]): string =>
      cells.map((cell, i) => cell.padStart(widths[i] ?? 0)).join('  ');
    out.push(line(keys));
    for (const row of rows) out.push(line(keys.map((key) => String(row[key]))));
  };
  table('Bundles (minified bytes)', result.bundles as Record<string, unknown>[]);
  const cold = result.coldStart as { nodeBaselineMs: number; rules: Record<string, unknown>[] };
  table(`Cold start (median ms; node baseline ${cold.nodeBaselineMs} ms)`, cold.rules);
  table('Sweep', result.sweep as Record<string, unknown>[]);
  out.push(
    `\nScaling exponent (evaluateMs, scale 1 -> ${SCALES[SCALES.length - 1]}): ${result.scalingExponent}`,
  );
  table('API calls per change event', result.apiCallsPerEvent as Record<string, unknown>[]);
  table(
    'Table rendering (ms; every row with --max-rows 0, and capped by default)',
    result.tableRender as Record<string, unknown>[],
  );
  out.push(`Table rendering exponent (every row): ${result.tableExponent}`);
  out.push('\nTargets');
  for (const target of targets)
    out.push(`${target.ok ? 'PASS' : 'MISS'}  ${target.name}  (${target.detail})`);
  process.stdout.write(`${out.join('\n')}\n`);
}

async function main(): Promise<void> {
  mkdirSync(WORK, { recursive: true });
  const bundles = measureBundles();
  const coldStart = await measureColdStart();
  const sweep = measureSweeps();
  const first = sweep[0];
  const last = sweep[sweep.length - 1];
  const scalingExponent =
    first && last && last.scale !== first.scale
      ? round(Math.log(last.evaluateMs / first.evaluateMs) / Math.log(last.scale / first.scale), 3)
      : Number.NaN;
  log('API calls per change event');
  const apiCallsPerEvent = await measureApiCallsPerEvent();
  log('table rendering');
  const tableRender = measureTableRender(quick ? [2_500, 5_000, 10_000] : [5_000, 10_000, 20_000]);
  const firstTable = tableRender[0];
  const lastTable = tableRender[tableRender.length - 1];
  const tableExponent =
    firstTable && lastTable
      ? round(
          Math.log(lastTable.allRowsMs / firstTable.allRowsMs) / Math.log(lastTable.rows / firstTable.rows),
          3,
        )
      : Number.NaN;
  const result = { bundles, coldStart, sweep, scalingExponent, apiCallsPerEvent, tableRender, tableExponent };
  const targets = checkTargets(bundles, coldStart, sweep, scalingExponent, apiCallsPerEvent);
  targets.push({
    name: 'table rendering exponent (every row) <= 1.15',
    ok: tableExponent <= 1.15,
    detail: String(tableExponent),
  });
  if (json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else printTables(result, targets);
  const missed = targets.filter((target) => !target.ok);
  if (missed.length > 0) log(`${missed.length} target(s) missed: ${missed.map((t) => t.name).join('; ')}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
