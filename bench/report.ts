// What `npm run bench` prints without --json: every section's table, the load average, and each target
// with PASS or MISS.
import { cpus } from 'node:os';
import type { ApiCallsRow } from './api-calls';
import type { BundleRow, measureColdStart } from './cold-start';
import { round, SCALES, SWEEP_HEAP_MB } from './options';
import { type ScanRow, scanWorkMs } from './scan';

interface Target {
  name: string;
  ok: boolean;
  detail: string;
}

export function checkTargets(
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
            name: 'scaling exponent of the scan (in-process work, reading included) <= 1.0',
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

export function printTables(result: Record<string, unknown>, targets: Target[]): void {
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
  const cold = result.coldStart as {
    nodeBaselineMs: number;
    rules: Record<string, unknown>[];
    cli?: Record<string, unknown>;
  };
  table(`Cold start (median ms; node baseline ${cold.nodeBaselineMs} ms)`, cold.rules);
  if (cold.cli) table('CLI start (median ms; paired with node -e 0)', [cold.cli]);
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
