// The scan section: generated accounts at each scale, the scan by phase in fresh processes
// (bench/scan-phases-worker.ts) and end to end against JSON.parse (bench/end-to-end.ts).
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { measurePaired, median, type PairedRow } from './end-to-end';
import { E2E_PAIRS, log, ROOT, round, run, SCALES, SCAN_RUNS, WORK } from './options';

export interface ScanRow {
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

export function writeAccount(scale: number): { file: string; counts: Record<string, number> } {
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

export async function measureScans(): Promise<ScanRow[]> {
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
export function exponent(rows: readonly ScanRow[], value: (row: ScanRow) => number): number {
  const first = rows[0];
  const last = rows[rows.length - 1];
  return first && last && last.scale !== first.scale
    ? round(Math.log(value(last) / value(first)) / Math.log(last.scale / first.scale), 3)
    : Number.NaN;
}

/**
 * In-process work of the scan: every phase. The file is read as it is parsed (the "pieces" phase), so
 * reading it is part of the work.
 */
export const scanWorkMs = (row: ScanRow): number =>
  Object.values(row.phases).reduce((sum, ms) => sum + ms, 0);
