// `efsguard explain` on snapshot files: the JSON form, the text form, and clear errors.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../helpers/cli';
import { buildRichAccount } from '../../helpers/fake-account';

const dir = mkdtempSync(join(tmpdir(), 'efsguard-explain-'));
const snapshotFile = join(dir, 'rich.json');
writeFileSync(snapshotFile, JSON.stringify(buildRichAccount().snapshot()));

interface JsonPaths {
  paths: {
    source: string;
    mountTarget: string;
    reachable: boolean | 'unknown';
    hops: Record<string, string>[];
  }[];
}

describe('efsguard explain', () => {
  it('prints every hop of a client path as JSON, in the documented shape', async () => {
    const result = await runCli([
      'explain',
      '--file-system',
      'fs-0001',
      '--client',
      'eni-0c1a',
      '--snapshot',
      snapshotFile,
      '--format',
      'json',
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const output = JSON.parse(result.stdout) as JsonPaths;
    expect(Object.keys(output)).toEqual(['paths']);
    expect(output.paths.map((p) => p.mountTarget)).toEqual(['fsmt-0001a', 'fsmt-0001b', 'fsmt-0001c']);
    for (const path of output.paths) {
      expect(Object.keys(path)).toEqual(['source', 'mountTarget', 'reachable', 'hops']);
      expect(path.source).toMatch(/^eni-0c1a \(/);
      for (const hop of path.hops) {
        expect(Object.keys(hop)).toEqual(['hop', 'verdict', 'by', 'detail']);
        expect(['allow', 'deny', 'unknown']).toContain(hop.verdict);
      }
      expect(path.hops[0]?.hop).toBe('client security groups out');
      expect(path.hops.at(-1)?.hop).toBe('client subnet ACL in (return)');
      // The verdict is the hops' verdict: false on any deny, 'unknown' on any unknown, else true.
      const verdicts = path.hops.map((h) => h.verdict);
      expect(path.reachable).toBe(
        verdicts.includes('deny') ? false : verdicts.includes('unknown') ? 'unknown' : true,
      );
    }
  });

  it('marks the first blocking hop in the text form', async () => {
    const json = JSON.parse(
      (await runCli(['explain', '--file-system', 'fs-0001', '--snapshot', snapshotFile, '--format', 'json']))
        .stdout,
    ) as JsonPaths;
    const blocked = json.paths.find((p) => p.reachable === false);
    expect(blocked).toBeDefined();
    const text = (await runCli(['explain', '--file-system', 'fs-0001', '--snapshot', snapshotFile])).stdout;
    expect(text).toContain(`${blocked?.source} -> ${blocked?.mountTarget}: BLOCKED`);
    expect(text).toContain('<- first blocking hop');
  });

  it('explains one source range to every mount target', async () => {
    const result = await runCli([
      'explain',
      '--file-system',
      'fs-0001',
      '--source',
      '203.0.113.0/24',
      '--snapshot',
      snapshotFile,
      '--format',
      'json',
    ]);
    expect(result.code).toBe(0);
    const output = JSON.parse(result.stdout) as JsonPaths;
    expect(new Set(output.paths.map((p) => p.mountTarget))).toEqual(
      new Set(['fsmt-0001a', 'fsmt-0001b', 'fsmt-0001c']),
    );
    // A snapshot without routing: the route from outside the VPC is unknown, never assumed.
    for (const path of output.paths) expect(path.reachable).not.toBe(true);
  });

  it.each([
    [['--file-system', 'fs-nope'], /--file-system fs-nope: no such file system .*known: .*fs-0001/],
    [['--file-system', 'fs-0001', '--client', 'eni-nope'], /--client eni-nope: no such network interface/],
    [
      ['--file-system', 'fs-0001', '--source', '10.0.0.0/33'],
      /--source: invalid CIDR or address "10.0.0.0\/33"/,
    ],
    [['--file-system', 'fs-0001', '--source', '10.0.0.0/8', '--client', 'eni-0c1a'], /cannot be combined/],
    [['--file-system', 'fs-0001', '--region', 'eu-west-1'], /--region cannot be used with --snapshot/],
    [['--file-system', 'fs-0001', '--max-attempts', '3'], /--max-attempts cannot be used with --snapshot/],
  ])('rejects %j with a clear error', async (args, message) => {
    const result = await runCli(['explain', ...args, '--snapshot', snapshotFile]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });
});
