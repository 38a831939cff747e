// One sweep measurement in a fresh process, so that peak RSS belongs to this scale alone.
// Usage: node --import tsx bench/sweep-worker.ts <snapshot.json>
// Prints one JSON line: { parseMs, loadMs, evaluateMs, peakRssMb, evaluations }.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { normaliseSnapshot } from '../aws/normalise';
import type { Snapshot } from '../aws/snapshot';
import { ALL } from '../core/model';
import { RULES } from '../core/rules/index';

const file = process.argv[2];
if (!file) throw new Error('usage: sweep-worker <snapshot.json>');
const text = readFileSync(file, 'utf8');

let start = performance.now();
const snapshot = JSON.parse(text) as Snapshot;
const parseMs = performance.now() - start;

start = performance.now();
const topology = normaliseSnapshot(snapshot);
const loadMs = performance.now() - start;

start = performance.now();
let evaluations = 0;
for (const rule of RULES) evaluations += rule.evaluate(topology, ALL).length;
const evaluateMs = performance.now() - start;

const peakRssMb = process.resourceUsage().maxRSS / 1024;
process.stdout.write(`${JSON.stringify({ parseMs, loadMs, evaluateMs, peakRssMb, evaluations })}\n`);
