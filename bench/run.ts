// `npm run bench`: bundle sizes, cold start, the CLI scan end to end and by phase at organization scale,
// the Lambda sweep under a memory cap, and API calls per change event.
// `npm run bench -- --only=scan,sweep` runs only the named sections (bundles, cold, scan, sweep, api,
// routing).
// `npm run bench -- --json` prints exactly one JSON object on stdout; progress goes to stderr.
// Targets are checked and reported here (never in timed tests); see the README's Performance section.

import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { build } from 'esbuild';
import { RULES } from '../core/rules/index';
import { type ApiCallsRow, measureApiCallsPerEvent } from './api-calls';
import { measurePaired, median, type PairedRow } from './end-to-end';
import { measureRouting } from './routing';
import { measureTableRender } from './table-render';

// Child processes inherit this: the SDK's one-time Node 22 notice would only add noise to stderr.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// The handlers' Powertools metrics (EMF on stdout) would mix with the tables; the sweep worker reads its own.
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';

const ROOT = resolve(__dirname, '..');
const WORK = join(ROOT, '.bench');
const json = process.argv.includes('--json');
const quick = process.argv.includes('--quick');
const onlyArg = process.argv.find((arg) => arg.startsWith('--only='));
const only = onlyArg ? new Set(onlyArg.slice('--only='.length).split(',')) : undefined;
const wanted = (section: string): boolean => !only || only.has(section);
const COLD_START_RUNS = quick ? 5 : 15;
const SCALES = quick ? [1, 2, 4] : [1, 4, 16];
const SCAN_RUNS = quick ? 1 : 3;
const E2E_PAIRS = quick ? 2 : 5;
/** The sweep is measured at the largest scale, with the heap capped as in a 512 MB function. */
const SWEEP_HEAP_MB = 400;
const SWEEP_RULES = quick
  ? ['efs-client-nfs-egress']
  : ['efs-client-nfs-egress', 'efs-nfs-network-acl', 'efs-mount-target-nfs-ingress'];

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

async function measureColdStart(): Promise<{ nodeBaselineMs: number; rules: ColdStartRow[] }> {
  log(
    `cold start: ${COLD_START_RUNS} paired runs of each rule's bundle with \`node -e 0\`, and its unbundled build`,
  );
  const unbundledDir = await buildUnbundled();
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
      // One pair: the bundle and `node -e 0` back to back, the order alternating, so that the load of
      // this shared machine at that moment weighs on both; the target is the median of the ratios.
      let baseline: number;
      let loaded: number;
      if (i % 2 === 0) {
        baseline = timeProcess(baselineArgs);
        loaded = timeProcess(bundledArgs);
      } else {
        loaded = timeProcess(bundledArgs);
        baseline = timeProcess(baselineArgs);
      }
      baselines.push(baseline);
      samples.bundled.push(loaded);
      samples.ratios.push(loaded / baseline);
      samples.unbundled.push(timeProcess(['-e', `require(${JSON.stringify(unbundled)})`]));
    }
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
        pairedRatioRange: `${round(Math.min(...samples.ratios), 2)}-${round(Math.max(...samples.ratios), 2)}`,
      };
    }),
  };
}

// ---- the scan, end to end and by phase ----
interface ScanRow {
  scale: number;
  fileSystems: number;
  mountTargets: number;
  securityGroups: number;
  rules: number;
  networkInterfaces: number;
  fileMb: number;
  /** Median ms of each phase (bench/scan-phases-worker.ts). */
  phases: Record<string, number>;
  phasesPeakRssMb: number;
  endToEnd: PairedRow;
}

function writeAccount(scale: number): { file: string; counts: Record<string, number> } {
  const file = join(WORK, `account-scale-${scale}.json`);
  log(`scan: generating scale ${scale}`);
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
  return { file, counts };
}

async function measureScans(): Promise<ScanRow[]> {
  log('building the CLI');
  run(process.execPath, ['scripts/build-cli.mjs']);
  // The phase worker is bundled as the CLI is (tsx would add a name-keeping wrapper around every
  // closure, which makes the hot loops of the normaliser look several times slower than the CLI's).
  const phasesWorker = join(WORK, 'scan-phases-worker.cjs');
  await build({
    entryPoints: [join(ROOT, 'bench', 'scan-phases-worker.ts')],
    outfile: phasesWorker,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    mainFields: ['module', 'main'],
    logLevel: 'warning',
  });
  const rows: ScanRow[] = [];
  for (const scale of SCALES) {
    const { file, counts } = writeAccount(scale);
    // Phases: each run in a fresh process; medians of SCAN_RUNS, since one run on a shared 2-core VM
    // can be off by a third either way (JSON.parse most of all).
    const runs: { phases: Record<string, number>; peakRssMb: number }[] = [];
    for (let i = 0; i < SCAN_RUNS; i++) {
      log(`scan phases: scale ${scale} in a fresh process (${i + 1}/${SCAN_RUNS})`);
      runs.push(
        JSON.parse(run(process.execPath, [phasesWorker, file, join(WORK, `phases-report-${scale}.json`)])),
      );
    }
    const phases: Record<string, number> = {};
    for (const name of Object.keys(runs[0]?.phases ?? {})) {
      phases[name] = round(median(runs.map((r) => r.phases[name] ?? 0)));
    }
    rows.push({
      scale,
      ...(counts as Omit<ScanRow, 'scale' | 'fileMb' | 'phases' | 'phasesPeakRssMb' | 'endToEnd'>),
      fileMb: round(statSync(file).size / 1e6),
      phases,
      phasesPeakRssMb: round(Math.max(...runs.map((r) => r.peakRssMb))),
      endToEnd: measurePaired(ROOT, WORK, scale, file, E2E_PAIRS, log),
    });
  }
  return rows;
}

/** log(b/a) / log(scale b / scale a) between the smallest and the largest scale. */
function exponent(rows: readonly ScanRow[], value: (row: ScanRow) => number): number {
  const first = rows[0];
  const last = rows[rows.length - 1];
  return first && last && last.scale !== first.scale
    ? round(Math.log(value(last) / value(first)) / Math.log(last.scale / first.scale), 3)
    : Number.NaN;
}

/** In-process work of the scan: every phase but reading the file and JSON.parse. */
const scanWorkMs = (row: ScanRow): number =>
  Object.entries(row.phases)
    .filter(([name]) => name !== 'read' && name !== 'parse')
    .reduce((sum, [, ms]) => sum + ms, 0);

// ---- the Lambda sweep under a memory cap ----
interface SweepRow {
  scale: number;
  rule: string;
  ok: boolean;
  wallMs: number;
  heapLimitMb: number;
  peakRssMb: number;
  sweepHeapUsedMb: number | string;
  batches: number | string;
  posted: number | string;
  error?: string;
}

/** Starts bench/fake-endpoint.ts on a snapshot file; resolves with its port and a stop function. */
function startEndpoint(file: string): Promise<{ port: number; stop: () => void }> {
  const child = spawn(
    process.execPath,
    ['--max-old-space-size=4096', '--import', 'tsx', 'bench/fake-endpoint.ts', file],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((resolvePort, reject) => {
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
      const match = /listening (\d+)/.exec(out);
      if (match) resolvePort({ port: Number(match[1]), stop: () => child.kill() });
    });
    child.on('exit', (code) => reject(new Error(`fake endpoint exited (${code})`)));
  });
}

async function measureSweeps(): Promise<SweepRow[]> {
  const scale = SCALES[SCALES.length - 1] as number;
  const file = join(WORK, `account-scale-${scale}.json`);
  if (!wanted('scan')) writeAccount(scale);
  log(`sweep: serving scale ${scale} on a loopback endpoint`);
  const endpoint = await startEndpoint(file);
  const rows: SweepRow[] = [];
  try {
    for (const rule of SWEEP_RULES) {
      log(`sweep: ${rule} at scale ${scale}, heap capped at ${SWEEP_HEAP_MB} MB`);
      const result = spawnSync(
        process.execPath,
        [
          `--max-old-space-size=${SWEEP_HEAP_MB}`,
          '--import',
          'tsx',
          'bench/sweep-worker.ts',
          String(endpoint.port),
          rule,
        ],
        { cwd: ROOT, encoding: 'utf8', maxBuffer: 16 << 20 },
      );
      const line = result.stdout.trim().split('\n').pop() ?? '';
      const parsed = line.startsWith('{') ? JSON.parse(line) : undefined;
      rows.push({
        scale,
        rule,
        ok: Boolean(parsed?.ok),
        wallMs: round(parsed?.wallMs ?? Number.NaN),
        heapLimitMb: round(parsed?.heapLimitMb ?? Number.NaN),
        peakRssMb: round(parsed?.peakRssMb ?? Number.NaN),
        sweepHeapUsedMb: parsed?.sweepHeapUsedMb ?? '-',
        batches: parsed?.batches ?? '-',
        posted: parsed?.posted ?? '-',
        ...(parsed?.ok
          ? {}
          : { error: parsed?.error ?? `exit ${result.status}: ${result.stderr.slice(-300)}` }),
      });
    }
  } finally {
    endpoint.stop();
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
  scans: ScanRow[],
  exponents: { endToEnd: number; work: number },
  apiCalls: ApiCallsRow[],
): Target[] {
  const largest = scans[scans.length - 1];
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
        name: `cold start ${r.rule} bundled <= 2.0 x node -e 0 (median of paired runs)`,
        ok: r.pairedRatio <= 2,
        detail: `${r.pairedRatio}; pairs ${r.pairedRatioRange}; ${r.bundledMs} vs ${coldStart.nodeBaselineMs} ms`,
      },
    ]),
    ...(largest
      ? [
          {
            name: `scale ${largest.scale} scan wall <= 1.5 x JSON.parse wall (median of paired runs)`,
            ok: largest.endToEnd.wallRatio <= 1.5,
            detail: `${largest.endToEnd.wallRatio} (${largest.endToEnd.scanWallMs} vs ${largest.endToEnd.parseWallMs} ms; pairs ${largest.endToEnd.wallRatioRange})`,
          },
          {
            name: `scale ${largest.scale} scan peak RSS <= 2 x JSON.parse peak RSS`,
            ok: largest.endToEnd.rssRatio <= 2,
            detail: `${largest.endToEnd.rssRatio} (${largest.endToEnd.scanPeakRssMb} vs ${largest.endToEnd.parsePeakRssMb} MB)`,
          },
        ]
      : []),
    ...(scans.length > 1
      ? [
          {
            name: 'scaling exponent of the scan (end-to-end wall) <= 1.0',
            ok: exponents.endToEnd <= 1,
            detail: String(exponents.endToEnd),
          },
          {
            name: 'scaling exponent of the scan (in-process work after JSON.parse) <= 1.0',
            ok: exponents.work <= 1,
            detail: String(exponents.work),
          },
        ]
      : []),
    // Routing-aware rules also read the routing of the VPCs involved and their neighbours' subnets and CIDRs.
    ...apiCalls.map((a) => ({
      name: `API calls ${a.event} (${a.rule}): large == small <= ${a.routing ? 20 : 12}`,
      ok: a.largeAccount === a.smallAccount && a.smallAccount <= (a.routing ? 20 : 12),
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
  const scans = result.scans as ScanRow[];
  table(
    'Accounts',
    scans.map(({ phases: _p, phasesPeakRssMb: _r, endToEnd: _e, ...counts }) => counts),
  );
  table(
    'Scan phases (median ms of fresh processes; "index" is the lookup tables shared by the rules)',
    scans.map((row) => ({
      scale: row.scale,
      ...row.phases,
      workMs: round(scanWorkMs(row)),
      peakRssMb: row.phasesPeakRssMb,
    })),
  );
  table(
    'End to end: efsguard scan --snapshot FILE --format json vs JSON.parse of FILE (paired child processes)',
    scans.map((row) => ({ ...row.endToEnd })),
  );
  const exponents = result.scalingExponents as { endToEnd: number; work: number };
  out.push(
    `\nScaling exponent, scale ${SCALES[0]} -> ${SCALES[SCALES.length - 1]}: end-to-end wall ${exponents.endToEnd}, in-process work ${exponents.work}`,
  );
  table(
    `Scheduled sweep (real handler, SDK loaders against a loopback endpoint, --max-old-space-size=${SWEEP_HEAP_MB})`,
    result.sweeps as Record<string, unknown>[],
  );
  table('API calls per change event', result.apiCallsPerEvent as Record<string, unknown>[]);
  table(
    'Table rendering (ms; every row with --max-rows 0, and capped by default)',
    result.tableRender as Record<string, unknown>[],
  );
  out.push(`Table rendering exponent (every row): ${result.tableExponent}`);
  out.push(
    `\nLoad average (1 min) before -> after each section, ${cpus().length} cores: ${Object.entries(
      result.loadAverage as Record<string, string>,
    )
      .map(([name, load]) => `${name} ${load}`)
      .join('; ')}`,
  );
  out.push('\nTargets');
  for (const target of targets)
    out.push(`${target.ok ? 'PASS' : 'MISS'}  ${target.name}  (${target.detail})`);
  process.stdout.write(`${out.join('\n')}\n`);
}

/**
 * The machine's 1-minute load average before and after each section: on a shared machine a time means
 * little without it (with load 4 on 2 cores, a process gets about half a core).
 */
const loads: Record<string, string> = {};
async function section<T>(name: string, fn: () => T | Promise<T>): Promise<T> {
  const before = loadavg()[0] ?? Number.NaN;
  const result = await fn();
  loads[name] = `${round(before, 2)} -> ${round(loadavg()[0] ?? Number.NaN, 2)}`;
  return result;
}

async function main(): Promise<void> {
  mkdirSync(WORK, { recursive: true });
  const bundles = wanted('bundles') || wanted('cold') ? measureBundles() : [];
  const coldStart = wanted('cold')
    ? await section('cold', measureColdStart)
    : { nodeBaselineMs: Number.NaN, rules: [] };
  const scans = wanted('scan') ? await section('scan', measureScans) : [];
  const sweeps = wanted('sweep') ? await section('sweep', measureSweeps) : [];
  const scalingExponents = {
    endToEnd: exponent(scans, (row) => row.endToEnd.scanWallMs),
    work: exponent(scans, scanWorkMs),
  };
  const apiCallsPerEvent = wanted('api') ? await measureApiCallsPerEvent() : [];
  // Exposure and explain at scale (bench/routing.ts): 'routing' only when asked for by name or quick.
  const routing = wanted('routing')
    ? await section('routing', () => (quick ? [1] : [1, 4]).map((scale) => measureRouting(scale)))
    : [];
  if (routing.length > 0) log(`routing: ${JSON.stringify(routing)}`);
  if (wanted('table')) log('table rendering');
  const tableRender = wanted('table')
    ? measureTableRender(quick ? [2_500, 5_000, 10_000] : [5_000, 10_000, 20_000])
    : [];
  const firstTable = tableRender[0];
  const lastTable = tableRender[tableRender.length - 1];
  const tableExponent =
    firstTable && lastTable
      ? round(
          Math.log(lastTable.allRowsMs / firstTable.allRowsMs) / Math.log(lastTable.rows / firstTable.rows),
          3,
        )
      : Number.NaN;
  const result = {
    loadAverage: loads,
    bundles,
    coldStart,
    scans,
    scalingExponents,
    sweeps,
    apiCallsPerEvent,
    routing,
    tableRender,
    tableExponent,
  };
  const targets = checkTargets(bundles, coldStart, scans, scalingExponents, apiCallsPerEvent);
  for (const sweep of sweeps) {
    targets.push({
      name: `sweep ${sweep.rule} at scale ${sweep.scale} completes with the heap capped at ${SWEEP_HEAP_MB} MB`,
      ok: sweep.ok,
      detail: sweep.ok ? `${sweep.wallMs} ms, peak RSS ${sweep.peakRssMb} MB` : String(sweep.error),
    });
  }
  if (wanted('table')) {
    targets.push({
      name: 'table rendering exponent (every row) <= 1.15',
      ok: tableExponent <= 1.15,
      detail: String(tableExponent),
    });
  }
  if (json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else printTables(result, targets);
  const missed = targets.filter((target) => !target.ok);
  if (missed.length > 0) log(`${missed.length} target(s) missed: ${missed.map((t) => t.name).join('; ')}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
