// `scan --format sarif|asff|ocsf|csv` over a multi-account snapshot: every finding keeps its own account
// and region (SARIF one run per account-region; ASFF, OCSF and CSV one list), a failed account-region is
// named on stderr with exit code 4, and HTML is refused for several account-regions.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sarifSchema from '@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { SNAPSHOT_SET_FORMAT, type SnapshotSet } from '../../../aws/snapshot/set';
import { CSV_COLUMNS } from '../../../report/csv';
import { runCli as runCliWith } from '../../helpers/cli';
import { DEMO_SNAPSHOT } from '../../helpers/report-input';

const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats(ajv);
const validateSarif = ajv.compile(sarifSchema);

const dir = mkdtempSync(join(tmpdir(), 'efsguard-multi-report-'));
const A = { accountId: '123456789012', region: 'eu-west-1' };
const B = { accountId: '210987654321', region: 'us-east-1' };
const FAILED = { accountId: '333333333333', region: 'eu-west-1', error: 'AccessDenied: sts:AssumeRole' };

function snapshotSet(): string {
  const demo = JSON.parse(readFileSync(DEMO_SNAPSHOT, 'utf8'));
  const set: SnapshotSet = {
    format: SNAPSHOT_SET_FORMAT,
    snapshots: [
      { ...demo, ...A },
      { ...demo, ...B },
    ],
    failures: [FAILED],
  };
  const path = join(dir, 'set.json');
  writeFileSync(path, JSON.stringify(set));
  return path;
}

const runCli = (argv: string[]) => runCliWith(argv, { now: () => new Date('2026-11-30T10:00:00.000Z') });

describe('scan --format <report> over several account-regions', () => {
  const set = snapshotSet();
  const scan = (format: string, ...more: string[]) =>
    runCli(['scan', '--snapshot', set, '--format', format, ...more]);
  let perTarget: Map<string, { all: number; failing: number }>;

  beforeAll(async () => {
    const { stdout } = await scan('json');
    const report = JSON.parse(stdout) as {
      evaluations: { accountId: string; region: string; complianceType: string }[];
    };
    perTarget = new Map();
    for (const evaluation of report.evaluations) {
      const key = `${evaluation.accountId}/${evaluation.region}`;
      const counts = perTarget.get(key) ?? { all: 0, failing: 0 };
      counts.all += 1;
      if (evaluation.complianceType === 'NON_COMPLIANT') counts.failing += 1;
      perTarget.set(key, counts);
    }
    expect([...perTarget.keys()].sort()).toEqual(['123456789012/eu-west-1', '210987654321/us-east-1']);
  });

  const key = (target: { accountId: string; region: string }) => `${target.accountId}/${target.region}`;

  it('SARIF: one valid run per account-region, each result located in its own account and region', async () => {
    const { code, stdout, stderr } = await scan('sarif');
    expect(code).toBe(4);
    expect(stderr).toContain(
      '333333333333 eu-west-1 could not be scanned (nothing judged there): AccessDenied',
    );
    const log = JSON.parse(stdout);
    expect(validateSarif(log)).toBe(true);
    expect(log.runs).toHaveLength(2);
    for (const [index, target] of [A, B].entries()) {
      const run = log.runs[index];
      expect(run.automationDetails.id).toBe(`efsguard/${target.accountId}/${target.region}/`);
      expect(run.results).toHaveLength(perTarget.get(key(target))?.failing ?? -1);
      for (const result of run.results)
        expect(result.locations[0].logicalLocations[0].properties).toMatchObject(target);
    }
    expect(log.runs[1].results[0].locations[0].logicalLocations[0].fullyQualifiedName).toMatch(
      /^arn:aws:ec2:us-east-1:210987654321:/,
    );
  });

  it('ASFF and OCSF: one array with every verdict of every account-region, each with its account and region', async () => {
    const asff = JSON.parse((await scan('asff')).stdout) as {
      AwsAccountId: string;
      Resources: { Region: string }[];
    }[];
    const ocsf = JSON.parse((await scan('ocsf')).stdout) as {
      cloud: { region: string; account: { uid: string } };
    }[];
    const count = (targets: string[]) => {
      const out = new Map<string, number>();
      for (const target of targets) out.set(target, (out.get(target) ?? 0) + 1);
      return out;
    };
    const expected = new Map([...perTarget].map(([target, counts]) => [target, counts.all]));
    expect(count(asff.map((f) => `${f.AwsAccountId}/${f.Resources[0]?.Region}`))).toEqual(expected);
    expect(count(ocsf.map((f) => `${f.cloud.account.uid}/${f.cloud.region}`))).toEqual(expected);
  });

  it('CSV: one header, then every row with its own account and region, written to --output', async () => {
    const output = join(dir, 'all.csv');
    const { code, stdout, stderr } = await scan('csv', '--output', output);
    expect(code).toBe(4);
    expect(stdout).toBe('');
    expect(stderr).toContain(`wrote csv report to ${output}`);
    const lines = readFileSync(output, 'utf8').trimEnd().split('\r\n');
    expect(lines[0]).toBe(CSV_COLUMNS.join(','));
    expect(lines.filter((line) => line === lines[0])).toHaveLength(1);
    const [, ...rows] = lines;
    expect(rows).toHaveLength([...perTarget.values()].reduce((n, counts) => n + counts.all, 0));
    expect(rows.filter((row) => row.includes(',210987654321,us-east-1,'))).toHaveLength(
      perTarget.get(key(B))?.all ?? -1,
    );
  });

  it('JSON: --output gets the same text as stdout', async () => {
    const output = join(dir, 'all.json');
    const printed = await scan('json');
    const written = await scan('json', '--output', output);
    expect([written.code, written.stdout]).toEqual([4, '']);
    expect(readFileSync(output, 'utf8')).toBe(printed.stdout);
  });

  it('refuses HTML for several account-regions, naming the formats that work', async () => {
    const { code, stderr, stdout } = await scan('html');
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/--format html shows one account-region: for several, use sarif, asff, ocsf, csv/);
  });
});
