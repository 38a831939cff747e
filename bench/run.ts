// `npm run bench`: bundle sizes, cold start, the CLI scan end to end and by phase at organization scale,
// the Lambda sweep under a memory cap, and API calls per change event.
// `npm run bench -- --only=scan,sweep` runs only the named sections (bundles, cold, scan, sweep, api,
// routing).
// `npm run bench -- --json` prints exactly one JSON object on stdout; progress goes to stderr.
// Targets are checked and reported by the bench (bench/report.ts), never in timed tests; see the README's
// Performance section. Each section is a file of its own: cold-start.ts (bundles too), scan.ts, sweep.ts,
// api-calls.ts, routing.ts, table-render.ts; options.ts reads the command line.

import { mkdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { measureApiCallsPerEvent } from './api-calls';
import { measureBundles, measureColdStart } from './cold-start';
import { json, log, quick, round, SWEEP_HEAP_MB, WORK, wanted } from './options';
import { checkTargets, printTables } from './report';
import { measureRouting } from './routing';
import { exponent, measureScans, scanWorkMs } from './scan';
import { measureSweeps } from './sweep';
import { measureTableRender } from './table-render';

// Child processes inherit this: the SDK's one-time Node 22 notice would only add noise to stderr.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// The handlers' Powertools metrics (EMF on stdout) would mix with the tables; the sweep worker reads its own.
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';

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
