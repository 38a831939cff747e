// The phases of `efsguard scan --snapshot FILE --format json`, timed one by one in a fresh process, so
// the next hot spot is visible. It runs the same functions, in the same order, as cli/commands/scan.ts
// (the end-to-end wall and peak RSS come from the real CLI; see bench/end-to-end.ts): "pieces" streams
// the file, parsing, checking and normalising each item of its large lists and the rest of the file
// whole (aws/snapshot/piecewise.ts); then the lookup tables ("index"), each rule, and the JSON report.
// Usage: node --import tsx bench/scan-phases-worker.ts <snapshot.json> <report-out.json>
// Prints one JSON line: { phases: { name: ms }, cpuPhases: { name: ms }, peakRssMb, evaluations }.
// cpuPhases is the process's CPU time (user + system, every thread, so GC helpers too) per phase: on
// a shared machine it moves far less with the load than the wall time does.
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { readSnapshotPiecewise } from '../aws/snapshot/piecewise';
import { writeJsonReport } from '../cli/json-report';
import { summarise } from '../cli/output';
import { ALL, type Evaluation } from '../core/model';
import { RULES } from '../core/rules/index';
import { indexTopology } from '../core/topology-index';

const [file, out] = process.argv.slice(2);
if (!file || !out) throw new Error('usage: scan-phases-worker <snapshot.json> <report-out.json>');

const phases: Record<string, number> = {};
const cpuPhases: Record<string, number> = {};
const time = <T>(name: string, fn: () => T): T => {
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  const result = fn();
  const cpu = process.cpuUsage(cpuStart);
  phases[name] = (phases[name] ?? 0) + performance.now() - start;
  cpuPhases[name] = (cpuPhases[name] ?? 0) + (cpu.user + cpu.system) / 1000;
  return result;
};

// Read as the CLI reads (cli/input-files.ts readSnapshotTopology): the file streams through one window
// while each item is parsed, checked and normalised, so reading is not a phase of its own.
const fd = openSync(file, 'r');
const read = time('pieces', () =>
  readSnapshotPiecewise(
    { read: (target, offset, length) => readSync(fd, target, offset, length, null) },
    file,
  ),
);
closeSync(fd);
if (!read) throw new Error(`${file}: the piecewise read declined it; the CLI would read it whole`);
const { topology } = read;
// Shared lookup tables, built by whichever rule runs first: timed on their own so no rule carries them.
time('index', () => indexTopology(topology));
let evaluations: Evaluation[] = [];
for (const rule of RULES) {
  evaluations = evaluations.concat(time(rule.id, () => rule.evaluate(topology, ALL, {})));
}
time('output', () => {
  const summary = summarise(evaluations, RULES, topology.accountId, topology.region);
  const fd = openSync(out, 'w');
  writeJsonReport((chunk) => writeSync(fd, chunk), evaluations, summary);
  closeSync(fd);
});

const peakRssMb = process.resourceUsage().maxRSS / 1024;
process.stdout.write(
  `${JSON.stringify({ phases, cpuPhases, peakRssMb, evaluations: evaluations.length })}\n`,
);
