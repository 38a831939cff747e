// `efsguard scan --format <report format> [--output FILE]` on the demo snapshot, in-process.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli as runCliWith } from '../../helpers/cli';
import { DEMO_SNAPSHOT } from '../../helpers/report-input';

const runCli = (argv: string[]) => runCliWith(argv, { now: () => new Date('2026-11-30T10:00:00.000Z') });

const dir = mkdtempSync(join(tmpdir(), 'efsguard-report-'));

describe('scan --format and --output', () => {
  it('prints SARIF on stdout, with rule links into the installed docs by default', async () => {
    const { code, stdout, stderr } = await runCli(['scan', '--snapshot', DEMO_SNAPSHOT, '--format', 'sarif']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const log = JSON.parse(stdout);
    expect(log.version).toBe('2.1.0');
    expect(log.runs[0].tool.driver.rules[0].helpUri).toMatch(
      /^file:\/\/.*\/docs\/rules-network\.md#efs-mount-target-nfs-ingress$/,
    );
  });

  it('writes to --output and honours --docs-url and --exit-code', async () => {
    const file = join(dir, 'demo.sarif');
    const { code, stdout, stderr } = await runCli([
      'scan',
      '--snapshot',
      DEMO_SNAPSHOT,
      '--format',
      'sarif',
      '--output',
      file,
      '--docs-url',
      'https://example.test/efsguard/docs',
      '--exit-code',
      '3',
    ]);
    expect(stdout).toBe('');
    expect(stderr).toContain(`wrote sarif report to ${file}`);
    expect(code).toBe(3);
    const log = JSON.parse(readFileSync(file, 'utf8'));
    expect(log.runs[0].tool.driver.rules[0].helpUri).toBe(
      'https://example.test/efsguard/docs/rules-network.md#efs-mount-target-nfs-ingress',
    );
  });

  it('writes the JSON report to --output too, the very text it prints on stdout', async () => {
    const file = join(dir, 'demo.json');
    const { code, stdout } = await runCli([
      'scan',
      '--snapshot',
      DEMO_SNAPSHOT,
      '--format',
      'json',
      '--output',
      file,
    ]);
    expect(code).toBe(0);
    expect(stdout).toBe('');
    const printed = await runCli(['scan', '--snapshot', DEMO_SNAPSHOT, '--format', 'json']);
    expect(JSON.parse(printed.stdout).summary.total).toBeGreaterThan(0);
    expect(readFileSync(file, 'utf8')).toBe(printed.stdout);
  });

  it('rejects an unknown format, a relative --docs-url and an unwritable --output', async () => {
    const bad = await runCli(['scan', '--snapshot', DEMO_SNAPSHOT, '--format', 'pdf']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/pdf/);
    const docs = await runCli([
      'scan',
      '--snapshot',
      DEMO_SNAPSHOT,
      '--format',
      'sarif',
      '--docs-url',
      'docs/',
    ]);
    expect(docs.code).toBe(2);
    expect(docs.stderr).toContain('--docs-url is not an absolute URL: docs/');
    const out = await runCli([
      'scan',
      '--snapshot',
      DEMO_SNAPSHOT,
      '--format',
      'sarif',
      '--output',
      join(dir, 'missing', 'x.sarif'),
    ]);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('cannot write --output');
    expect(out.stderr).toContain('ENOENT');
  });
});
