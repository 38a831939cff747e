// What every section of `npm run bench` shares: the command line (--only=, --json, --quick) and the sizes
// it chooses, the working folder, progress on stderr, and running a child process.
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..');
export const WORK = join(ROOT, '.bench');
export const json = process.argv.includes('--json');
export const quick = process.argv.includes('--quick');
const onlyArg = process.argv.find((arg) => arg.startsWith('--only='));
const only = onlyArg ? new Set(onlyArg.slice('--only='.length).split(',')) : undefined;
export const wanted = (section: string): boolean => !only || only.has(section);
export const COLD_START_RUNS = quick ? 5 : 15;
export const SCALES = quick ? [1, 2, 4] : [1, 4, 16];
export const SCAN_RUNS = quick ? 1 : 3;
export const E2E_PAIRS = quick ? 2 : 5;
/** The sweep is measured at the largest scale, with the heap capped as in a 512 MB function. */
export const SWEEP_HEAP_MB = 400;
export const SWEEP_RULES = quick
  ? ['efs-client-nfs-egress']
  : ['efs-client-nfs-egress', 'efs-nfs-network-acl', 'efs-mount-target-nfs-ingress', 'efs-nfs-exposure'];

export const log = (message: string): void => {
  process.stderr.write(`bench: ${message}\n`);
};

export function run(command: string, args: string[], options: { cwd?: string } = {}): string {
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

export const round = (value: number, digits = 1): number => Number(value.toFixed(digits));

/** The smallest and largest of paired ratios, e.g. '1.61-1.76': the noise of this machine. */
export const ratioRange = (ratios: readonly number[]): string =>
  `${round(Math.min(...ratios), 2)}-${round(Math.max(...ratios), 2)}`;

/**
 * Pair `i` of a paired measurement: `a` and `b` back to back, `a` first in even pairs and `b` first in
 * odd ones, so that the load of this shared machine at that moment weighs on both alike.
 */
export function alternating<T>(i: number, a: () => T, b: () => T): [T, T] {
  if (i % 2 === 0) {
    const first = a();
    return [first, b()];
  }
  const second = b();
  return [a(), second];
}
