// The sweep section: the real rule handler sweeping the largest generated account, served by
// bench/fake-endpoint.ts, in one fresh process per rule with the heap capped as in a 512 MB function.
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { log, ROOT, round, SCALES, SWEEP_HEAP_MB, SWEEP_RULES, WORK, wanted } from './options';
import { writeAccount } from './scan';

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

export async function measureSweeps(): Promise<SweepRow[]> {
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
