// The whole CLI against a bare JSON.parse of the same file, in paired runs: the built dist/cli.js runs
// `scan --snapshot FILE --format json` as a child process (its report written to a file, as a user
// would redirect it), and a child that only reads and parses the file runs right before or after it,
// the order alternating, so that drift on this shared machine hits both alike. Peak RSS is each
// child's own (process.resourceUsage().maxRSS, reported by a preloaded exit hook).
import { spawnSync } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { alternating, ratioRange, round } from './options';

export interface ChildRun {
  wallMs: number;
  peakRssMb: number;
}

export interface PairedRow {
  scale: number;
  runs: number;
  parseWallMs: number;
  scanWallMs: number;
  /** Median of the per-pair ratios scan / parse. */
  wallRatio: number;
  /** Smallest and largest per-pair ratio: the noise of this machine. */
  wallRatioRange: string;
  parsePeakRssMb: number;
  scanPeakRssMb: number;
  rssRatio: number;
}

function runChild(root: string, args: string[], stdoutFile: string): ChildRun {
  const fd = openSync(stdoutFile, 'w');
  try {
    const start = performance.now();
    const result = spawnSync(process.execPath, ['-r', './bench/max-rss.cjs', ...args], {
      cwd: root,
      stdio: ['ignore', fd, 'pipe'],
      encoding: 'utf8',
      maxBuffer: 16 << 20,
    });
    const wallMs = performance.now() - start;
    const rss = /bench-max-rss-kb (\d+)\s*$/.exec(result.stderr ?? '');
    // scan exits 0 (no --exit-code given) even with NON_COMPLIANT verdicts; anything else is a failure.
    if (result.status !== 0 || !rss) {
      throw new Error(`node ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
    }
    return { wallMs, peakRssMb: Number(rss[1]) / 1024 };
  } finally {
    closeSync(fd);
  }
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function measurePaired(
  root: string,
  work: string,
  scale: number,
  file: string,
  runs: number,
  log: (message: string) => void,
): PairedRow {
  const parses: ChildRun[] = [];
  const scans: ChildRun[] = [];
  const parseArgs = ['bench/parse-only.cjs', file];
  const scanArgs = ['dist/cli.js', 'scan', '--snapshot', file, '--format', 'json', '--no-progress'];
  const report = join(work, `report-scale-${scale}.json`);
  const discard = join(work, 'parse-stdout.txt');
  for (let i = 0; i < runs; i++) {
    log(`end to end: scale ${scale}, pair ${i + 1}/${runs}`);
    const [parse, scan] = alternating(
      i,
      () => runChild(root, parseArgs, discard),
      () => runChild(root, scanArgs, report),
    );
    parses.push(parse);
    scans.push(scan);
  }
  const ratios = scans.map((scan, i) => scan.wallMs / (parses[i] as ChildRun).wallMs);
  const parsePeak = Math.max(...parses.map((r) => r.peakRssMb));
  const scanPeak = Math.max(...scans.map((r) => r.peakRssMb));
  return {
    scale,
    runs,
    parseWallMs: round(median(parses.map((r) => r.wallMs))),
    scanWallMs: round(median(scans.map((r) => r.wallMs))),
    wallRatio: round(median(ratios), 2),
    wallRatioRange: ratioRange(ratios),
    parsePeakRssMb: round(parsePeak),
    scanPeakRssMb: round(scanPeak),
    rssRatio: round(scanPeak / parsePeak, 2),
  };
}
