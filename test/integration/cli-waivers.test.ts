// Waivers in the CLI, on the demo snapshot: `scan --waivers` shows a waived finding as WAIVED (table and
// JSON, never hidden) and does not count it for --exit-code; `efsguard waivers` lists every waiver with
// its status and what it suppresses; bad files are rejected naming the entry and the field.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ScanReport } from '../../cli/output';
import { runCli as runCliWith } from '../helpers/cli';

const SNAPSHOT = join(__dirname, '../../demo/demo-snapshot.json');
const dir = mkdtempSync(join(tmpdir(), 'efsguard-waivers-'));
const NOW = new Date('2026-11-30T12:00:00Z');
const OPEN_GROUP = 'sg-4acda023c155fbd5b';

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const runCli = (argv: string[]) => runCliWith(argv, { now: () => NOW });

const WAIVERS_YAML = `# accepted risks
waivers:
  - rule: efs-mount-target-nfs-ingress
    resource: ${OPEN_GROUP}
    reason: partner NFS clients until the VPN lands (OPS-12)
    owner: team-storage
    expires: 2027-01-31
  - rule: "*"
    resource: fs-00000000
    reason: nothing matches this
    owner: team-storage
    expires: 2027-01-31
  - rule: efs-nfs-network-acl
    resource: acl-8d376a6635c46ddad
    reason: was temporary
    owner: team-net
    expires: 2026-11-29
`;

describe('efsguard scan --waivers', () => {
  const waivers = file('waivers.yaml', WAIVERS_YAML);

  it('writes the same JSON to --output as on stdout, the waivers list included', async () => {
    const args = ['scan', '--snapshot', SNAPSHOT, '--waivers', waivers, '--format', 'json'];
    const printed = await runCli(args);
    const output = join(dir, 'report.json');
    const written = await runCli([...args, '--output', output]);
    expect(written.code).toBe(printed.code);
    expect(written.stdout).toBe('');
    const text = readFileSync(output, 'utf8');
    expect(JSON.parse(text).waivers.map((waiver: { status: string }) => waiver.status)).toEqual([
      'active',
      'unused',
      'expired',
    ]);
    expect(text).toBe(printed.stdout);
  });

  it('shows a waived finding as WAIVED in JSON, with its finding and waiver, and counts it apart', async () => {
    const result = await runCli(['scan', '--snapshot', SNAPSHOT, '--waivers', waivers, '--format', 'json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as ScanReport & { waivers: { status: string }[] };
    const waived = report.evaluations.filter((evaluation) => evaluation.complianceType === 'WAIVED');
    expect(waived).toEqual([
      {
        rule: 'efs-mount-target-nfs-ingress',
        resourceType: 'AWS::EC2::SecurityGroup',
        resourceId: OPEN_GROUP,
        complianceType: 'WAIVED',
        annotation: expect.stringMatching(/allows tcp 2049 from 0\.0\.0\.0\/0/),
        waiver: {
          index: 0,
          owner: 'team-storage',
          reason: 'partner NFS clients until the VPN lands (OPS-12)',
          expires: '2027-01-31',
          postedAnnotation: expect.stringMatching(
            /^Waived until 2027-01-31 by team-storage: partner NFS clients until the VPN lands \(OPS-12\) \| /,
          ),
        },
      },
    ]);
    // 10: the demo snapshot records routing, so efs-nfs-exposure judges its file systems (one exposed).
    expect(report.summary.byComplianceType).toMatchObject({ NON_COMPLIANT: 10, WAIVED: 1 });
    expect(report.waivers.map((waiver) => waiver.status)).toEqual(['active', 'unused', 'expired']);
    // The expired waiver's finding is back.
    expect(
      report.evaluations.find((evaluation) => evaluation.resourceId === 'acl-8d376a6635c46ddad')
        ?.complianceType,
    ).toBe('NON_COMPLIANT');
    expect(result.stderr).toMatch(/waivers\[1\] .* is unused/);
    expect(result.stderr).toMatch(/waivers\[2\] .* is expired/);
  });

  it('shows WAIVED rows and the waiver table in the table format', async () => {
    const result = await runCli([
      'scan',
      '--snapshot',
      SNAPSHOT,
      '--waivers',
      waivers,
      '--rules',
      'efs-mount-target-nfs-ingress',
    ]);
    expect(result.stdout).toMatch(new RegExp(`WAIVED +│ AWS::EC2::SecurityGroup │ ${OPEN_GROUP}`));
    expect(result.stdout).toMatch(/1 non-compliant, 1 waived, 4 compliant/);
    expect(result.stdout).toMatch(/3 waivers: 1 active, 1 unused, 1 expired/);
  });

  it('does not fail --exit-code for waived findings alone', async () => {
    const all = file(
      'all.json',
      JSON.stringify({
        waivers: ['sg-4acda023c155fbd5b', 'fs-0a2aba14'].map((resource) => ({
          rule: 'efs-mount-target-nfs-ingress',
          resource,
          reason: 'accepted',
          owner: 'team-storage',
          expires: '2027-01-31',
        })),
      }),
    );
    const args = [
      'scan',
      '--snapshot',
      SNAPSHOT,
      '--rules',
      'efs-mount-target-nfs-ingress',
      '--exit-code',
      '3',
    ];
    expect((await runCli(args)).code).toBe(3);
    expect((await runCli([...args, '--waivers', all])).code).toBe(0);
  });

  it.each([
    [
      'a missing expiry',
      'waivers:\n  - rule: "*"\n    resource: sg-1\n    reason: r\n    owner: o\n',
      /waivers\[0\]\.expires: /,
    ],
    [
      'an expiry past the maximum',
      'waivers:\n  - {rule: "*", resource: sg-1, reason: r, owner: o, expires: 2028-01-01}\n',
      /waivers\[0\]\.expires: 2028-01-01 is more than 365 days from 2026-11-30/,
    ],
    ['a YAML syntax error', 'waivers:\n  - rule: [\n', /not valid YAML or JSON at line \d+, column \d+/],
  ])('rejects %s with one line naming the entry and field, exit 2', async (_name, content, message) => {
    const result = await runCli(['scan', '--snapshot', SNAPSHOT, '--waivers', file('bad.yaml', content)]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^efsguard: [^\n]+\n$/);
    expect(result.stderr).toMatch(message);
  });

  it('honours --max-waiver-days', async () => {
    const result = await runCli([
      'scan',
      '--snapshot',
      SNAPSHOT,
      '--waivers',
      waivers,
      '--max-waiver-days',
      '30',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/waivers\[0\]\.expires: 2027-01-31 is more than 30 days/);
  });
});

describe('efsguard waivers', () => {
  const waivers = file('list.yaml', WAIVERS_YAML);

  it('lists each waiver with its status and what it suppresses', async () => {
    const result = await runCli([
      'waivers',
      '--waivers',
      waivers,
      '--snapshot',
      SNAPSHOT,
      '--format',
      'json',
    ]);
    expect(result.code).toBe(0);
    const { waivers: listed } = JSON.parse(result.stdout) as {
      waivers: { index: number; status: string; suppresses: { resourceId: string; accountId: string }[] }[];
    };
    expect(listed.map((waiver) => [waiver.index, waiver.status])).toEqual([
      [0, 'active'],
      [1, 'unused'],
      [2, 'expired'],
    ]);
    expect(listed[0]?.suppresses).toEqual([
      {
        accountId: '123456789012',
        region: 'eu-west-1',
        rule: 'efs-mount-target-nfs-ingress',
        resourceType: 'AWS::EC2::SecurityGroup',
        resourceId: OPEN_GROUP,
      },
    ]);
  });

  it('prints a table by default', async () => {
    const result = await runCli(['waivers', '--waivers', waivers, '--snapshot', SNAPSHOT]);
    expect(result.stdout).toMatch(/│ 0 +│ active +│ efs-mount-target-nfs-ingress/);
    expect(result.stdout).toMatch(/│ 2 +│ expired +│ efs-nfs-network-acl/);
    expect(result.stdout).toMatch(/3 waivers: 1 active, 1 unused, 1 expired/);
  });

  it('prints the validated document as JSON for the Lambda rules with --format document', async () => {
    const result = await runCli(['waivers', '--waivers', waivers, '--format', 'document']);
    expect(JSON.parse(result.stdout).waivers[0]).toEqual({
      rule: 'efs-mount-target-nfs-ingress',
      resource: OPEN_GROUP,
      reason: 'partner NFS clients until the VPN lands (OPS-12)',
      owner: 'team-storage',
      expires: '2027-01-31',
    });
  });

  it('refuses AWS options with --snapshot rather than ignore them', async () => {
    const result = await runCli([
      'waivers',
      '--waivers',
      waivers,
      '--snapshot',
      SNAPSHOT,
      '--region',
      'eu-west-1',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--region cannot be used with --snapshot/);
  });

  it('needs --waivers', async () => {
    const result = await runCli(['waivers', '--snapshot', SNAPSHOT]);
    expect(result).toMatchObject({ code: 2, stderr: 'efsguard: efsguard waivers needs --waivers <file>\n' });
  });
});
