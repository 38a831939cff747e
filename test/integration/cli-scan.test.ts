// `efsguard scan` and `efsguard snapshot` against a real moto server: the account is built through the
// AWS API, one VPC per scenario, and the CLI's JSON verdicts are asserted against the rule pages (docs/rules-network.md, docs/rules-data-plane.md).
import { execFile, spawnSync } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CreateRoleCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { type AwsClients, createAwsClients } from '../../aws/sdk/clients';
import { destroyAwsClients } from '../../aws/sdk/destroy-clients';
import { SNAPSHOT_FORMAT } from '../../aws/snapshot/format';
import type { ScanReport } from '../../cli/output';
import { MOTO_ACCOUNT_ID } from '../helpers/accounts';
import { AccountBuilder } from '../helpers/build-account';
import { runCli } from '../helpers/cli';
import { nfs } from '../helpers/fake-account';
import { type MotoServer, startMoto } from '../helpers/moto';

const execFileAsync = promisify(execFile);
const ROOT = join(__dirname, '..', '..');

let moto: MotoServer;
let clients: AwsClients;
const ids: Record<string, string> = {};
let report: ScanReport;
let live: ScanReport;
const workDir = mkdtempSync(join(tmpdir(), 'efsguard-cli-'));

function verdict(rule: string, resourceId: string) {
  const found = report.evaluations.filter((e) => e.rule === rule && e.resourceId === resourceId);
  if (found.length !== 1) throw new Error(`${found.length} evaluations of ${resourceId} by ${rule}`);
  return found[0] as ScanReport['evaluations'][number];
}

const INGRESS = 'efs-mount-target-nfs-ingress';
const EGRESS = 'efs-client-nfs-egress';
const ACL = 'efs-nfs-network-acl';
const API = 'efs-api-least-privilege';

beforeAll(async () => {
  moto = await startMoto();
  clients = createAwsClients({ endpoint: moto.endpoint, region: 'us-east-1' });
  const b = new AccountBuilder(clients);

  // A: a mount-target group open to the world on NFS.
  const vpcA = await b.vpc('10.1.0.0/16');
  const subnetA = await b.subnet(vpcA, '10.1.1.0/24', 'us-east-1a');
  ids.sgWorld = await b.group(vpcA, 'world-nfs', {
    ingress: [nfs({ IpRanges: [{ CidrIp: '0.0.0.0/0' }] })],
  });
  ids.fsWorld = await b.fileSystem('world');
  await b.mountTarget(ids.fsWorld, subnetA, [ids.sgWorld]);
  ids.sgUnattached = await b.group(vpcA, 'not-on-a-mount-target');

  // B: the intended pattern: the mount target admits a client group; the client is in another subnet.
  const vpcB = await b.vpc('10.2.0.0/16');
  const subnetB1 = await b.subnet(vpcB, '10.2.1.0/24', 'us-east-1a');
  const subnetB2 = await b.subnet(vpcB, '10.2.2.0/24', 'us-east-1b');
  ids.sgClientB = await b.group(vpcB, 'client-b');
  ids.sgMtB = await b.group(vpcB, 'mt-b', {
    ingress: [nfs({ UserIdGroupPairs: [{ GroupId: ids.sgClientB }] })],
  });
  ids.fsB = await b.fileSystem('good');
  await b.mountTarget(ids.fsB, subnetB2, [ids.sgMtB]);
  ids.eniB = await b.client(subnetB1, [ids.sgClientB]);

  // C: an inbound rule mount targets never use (SSH) next to a scoped NFS rule.
  const vpcC = await b.vpc('10.3.0.0/16');
  const subnetC = await b.subnet(vpcC, '10.3.1.0/24', 'us-east-1a');
  ids.sgUnused = await b.group(vpcC, 'mt-c', {
    ingress: [
      nfs({ IpRanges: [{ CidrIp: '10.3.0.0/16' }] }),
      { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '10.3.0.0/16' }] },
    ],
  });
  ids.fsC = await b.fileSystem('unused-rule');
  await b.mountTarget(ids.fsC, subnetC, [ids.sgUnused]);

  // E: a client whose only group has no egress; F: a client whose second group carries the egress.
  const vpcE = await b.vpc('10.5.0.0/16');
  const subnetE1 = await b.subnet(vpcE, '10.5.1.0/24', 'us-east-1a');
  const subnetE2 = await b.subnet(vpcE, '10.5.2.0/24', 'us-east-1b');
  ids.sgClientE = await b.group(vpcE, 'client-e', { egress: [] });
  ids.sgEgressF = await b.group(vpcE, 'egress-f', {
    egress: [nfs({ IpRanges: [{ CidrIp: '10.5.0.0/16' }] })],
  });
  ids.sgMtE = await b.group(vpcE, 'mt-e', {
    ingress: [nfs({ UserIdGroupPairs: [{ GroupId: ids.sgClientE }] })],
  });
  ids.fsE = await b.fileSystem('egress');
  await b.mountTarget(ids.fsE, subnetE2, [ids.sgMtE]);
  ids.eniNoEgress = await b.client(subnetE1, [ids.sgClientE]);
  ids.eniSecondGroup = await b.client(subnetE1, [ids.sgClientE, ids.sgEgressF]);

  // G: a network ACL on the client subnet that drops the NFS replies (ephemeral ports).
  const vpcG = await b.vpc('10.6.0.0/16');
  const subnetG1 = await b.subnet(vpcG, '10.6.1.0/24', 'us-east-1a');
  const subnetG2 = await b.subnet(vpcG, '10.6.2.0/24', 'us-east-1b');
  ids.sgClientG = await b.group(vpcG, 'client-g');
  ids.sgMtG = await b.group(vpcG, 'mt-g', {
    ingress: [nfs({ UserIdGroupPairs: [{ GroupId: ids.sgClientG }] })],
  });
  ids.fsG = await b.fileSystem('acl');
  await b.mountTarget(ids.fsG, subnetG2, [ids.sgMtG]);
  ids.eniG = await b.client(subnetG1, [ids.sgClientG]);
  ids.aclBlocking = await b.networkAcl(
    vpcG,
    [subnetG1],
    [
      { rule: 100, egress: true, action: 'allow', cidr: '0.0.0.0/0', protocol: '-1' },
      { rule: 100, egress: false, action: 'allow', protocol: '6', cidr: '0.0.0.0/0', ports: [1024, 32767] },
    ],
  );

  // H: client and mount target in one subnet behind a deny-all ACL: ACLs do not apply inside a subnet.
  const vpcH = await b.vpc('10.7.0.0/16');
  const subnetH = await b.subnet(vpcH, '10.7.1.0/24', 'us-east-1a');
  ids.sgClientH = await b.group(vpcH, 'client-h');
  ids.sgMtH = await b.group(vpcH, 'mt-h', {
    ingress: [nfs({ UserIdGroupPairs: [{ GroupId: ids.sgClientH }] })],
  });
  ids.fsH = await b.fileSystem('same-subnet');
  await b.mountTarget(ids.fsH, subnetH, [ids.sgMtH]);
  ids.eniH = await b.client(subnetH, [ids.sgClientH]);
  ids.aclSameSubnet = await b.networkAcl(vpcH, [subnetH], []);

  // I: IAM roles: one with an inline elasticfilesystem:* on "*", one allowed only to describe.
  const trust = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
  });
  const inline = async (roleName: string, action: string) => {
    const role = await clients.iam.send(
      new CreateRoleCommand({ RoleName: roleName, AssumeRolePolicyDocument: trust }),
    );
    await clients.iam.send(
      new PutRolePolicyCommand({
        RoleName: roleName,
        PolicyName: 'efs',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }],
        }),
      }),
    );
    return role.Role?.RoleId as string;
  };
  ids.roleAdmin = await inline('efs-admin', 'elasticfilesystem:*');
  ids.roleReader = await inline('efs-reader', 'elasticfilesystem:Describe*');

  const result = await runCli(['scan', '--endpoint-url', moto.endpoint, '--format', 'json']);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  report = JSON.parse(result.stdout);
  live = report;
}, 120_000);

afterAll(async () => {
  if (clients) destroyAwsClients(clients);
  await moto?.stop();
});

describe('efs-mount-target-nfs-ingress', () => {
  it('flags a mount-target group open to 0.0.0.0/0 and its file system', () => {
    expect(verdict(INGRESS, ids.sgWorld as string).complianceType).toBe('NON_COMPLIANT');
    expect(verdict(INGRESS, ids.sgWorld as string).annotation).toMatch(/0\.0\.0\.0\/0/);
    expect(verdict(INGRESS, ids.fsWorld as string)).toMatchObject({
      resourceType: 'AWS::EFS::FileSystem',
      complianceType: 'NON_COMPLIANT',
    });
  });

  it('accepts a same-account client-group reference', () => {
    expect(verdict(INGRESS, ids.sgMtB as string).complianceType).toBe('COMPLIANT');
    expect(verdict(INGRESS, ids.fsB as string).complianceType).toBe('COMPLIANT');
  });

  it('flags an inbound rule mount targets do not use', () => {
    const evaluation = verdict(INGRESS, ids.sgUnused as string);
    expect(evaluation.complianceType).toBe('NON_COMPLIANT');
    expect(evaluation.annotation).toMatch(/22/);
  });

  it('reports groups on no mount target as NOT_APPLICABLE (listed, as a scheduled run posts them)', () => {
    expect(verdict(INGRESS, ids.sgUnattached as string).complianceType).toBe('NOT_APPLICABLE');
  });
});

describe('efs-client-nfs-egress', () => {
  it('accepts a client whose default egress reaches the mount target', () => {
    expect(verdict(EGRESS, ids.eniB as string).complianceType).toBe('COMPLIANT');
  });

  it('flags a client without NFS egress, naming the file system', () => {
    const evaluation = verdict(EGRESS, ids.eniNoEgress as string);
    expect(evaluation.complianceType).toBe('NON_COMPLIANT');
    expect(evaluation.annotation).toContain(ids.fsE as string);
  });

  it('accepts egress granted by a second group on the client', () => {
    expect(verdict(EGRESS, ids.eniSecondGroup as string).complianceType).toBe('COMPLIANT');
  });
});

describe('efs-nfs-network-acl', () => {
  it('flags an ACL that blocks the NFS replies to the client', () => {
    const evaluation = verdict(ACL, ids.aclBlocking as string);
    expect(evaluation.complianceType).toBe('NON_COMPLIANT');
    expect(evaluation.annotation).toContain(ids.eniG as string);
  });

  it('does not evaluate ACLs between a client and a mount target in one subnet', () => {
    expect(verdict(ACL, ids.aclSameSubnet as string).complianceType).toBe('NOT_APPLICABLE');
    expect(verdict(EGRESS, ids.eniH as string).complianceType).toBe('COMPLIANT');
  });
});

describe('efs-api-least-privilege', () => {
  it('flags the role whose inline policy allows elasticfilesystem:* on "*", and accepts a read-only one', () => {
    expect(verdict(API, ids.roleAdmin as string)).toMatchObject({
      resourceType: 'AWS::IAM::Role',
      complianceType: 'NON_COMPLIANT',
    });
    expect(verdict(API, ids.roleAdmin as string).annotation).toMatch(/efs/);
    expect(verdict(API, ids.roleReader as string).complianceType).toBe('COMPLIANT');
  });

  it('--rules efs-api-least-privilege reads IAM alone: the same verdicts, no network or EFS data needed', async () => {
    const result = await runCli([
      'scan',
      '--endpoint-url',
      moto.endpoint,
      '--format',
      'json',
      '--rules',
      API,
    ]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const only: ScanReport = JSON.parse(result.stdout);
    expect(only.evaluations).toEqual(report.evaluations.filter((e) => e.rule === API));
  });
});

describe('report', () => {
  it('summarises counts per rule and compliance type', () => {
    const { summary } = report;
    expect(summary.accountId).toBe(MOTO_ACCOUNT_ID);
    expect(summary.total).toBe(report.evaluations.length);
    const nonCompliant = report.evaluations.filter((e) => e.complianceType === 'NON_COMPLIANT').length;
    expect(summary.byComplianceType.NON_COMPLIANT).toBe(nonCompliant);
    expect(summary.byRule[INGRESS]?.NON_COMPLIANT).toBe(
      report.evaluations.filter((e) => e.rule === INGRESS && e.complianceType === 'NON_COMPLIANT').length,
    );
  });

  it('exits with --exit-code when anything is NON_COMPLIANT', async () => {
    const result = await runCli([
      'scan',
      '--endpoint-url',
      moto.endpoint,
      '--format',
      'json',
      '--exit-code',
      '3',
    ]);
    expect(result.code).toBe(3);
  });

  it('prints tables grouped by rule with NON_COMPLIANT first and NOT_APPLICABLE hidden', async () => {
    const result = await runCli(['scan', '--endpoint-url', moto.endpoint, '--rules', INGRESS]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(INGRESS);
    expect(result.stdout).not.toContain(EGRESS);
    expect(result.stdout).not.toContain(ids.sgUnattached as string);
    expect(result.stdout.indexOf('NON_COMPLIANT')).toBeLessThan(result.stdout.indexOf(' COMPLIANT '));
    expect(result.stdout).not.toContain('\u001b['); // no colour when stdout is not a terminal
    const all = await runCli(['scan', '--endpoint-url', moto.endpoint, '--rules', INGRESS, '--all']);
    expect(all.stdout).toContain(ids.sgUnattached as string);
  });

  it('applies --params: allowUnusedIngress relaxes the unused-rule check', async () => {
    const paramsFile = join(workDir, 'params.json');
    writeFileSync(paramsFile, JSON.stringify({ [INGRESS]: { allowUnusedIngress: true } }));
    const result = await runCli([
      'scan',
      '--endpoint-url',
      moto.endpoint,
      '--format',
      'json',
      '--params',
      paramsFile,
    ]);
    const relaxed: ScanReport = JSON.parse(result.stdout);
    const group = relaxed.evaluations.find((e) => e.rule === INGRESS && e.resourceId === ids.sgUnused);
    expect(group?.complianceType).toBe('COMPLIANT');
  });
});

describe('snapshots', () => {
  it('scan --snapshot of a recorded snapshot gives the live scan’s evaluations', async () => {
    const file = join(workDir, 'snapshot.json');
    const recorded = await runCli(['snapshot', '--endpoint-url', moto.endpoint, '--out', file]);
    expect(recorded).toMatchObject({ code: 0, stdout: '' });
    const snapshot = JSON.parse(readFileSync(file, 'utf8'));
    expect(snapshot).toMatchObject({
      format: SNAPSHOT_FORMAT,
      accountId: MOTO_ACCOUNT_ID,
      region: 'us-east-1',
      parts: ['network', 'fileSystemPolicies', 'accessPoints', 'iam', 'routing'],
    });
    const offline = await runCli(['scan', '--snapshot', file, '--format', 'json']);
    expect(offline.code).toBe(0);
    expect(JSON.parse(offline.stdout).evaluations).toEqual(report.evaluations);
  });

  it('writes the snapshot owner-only (0600), also over an existing world-readable file, leaving no temporary file', async () => {
    const dir = mkdtempSync(join(workDir, 'mode-'));
    const file = join(dir, 'account.json');
    writeFileSync(file, 'old', { mode: 0o644 });
    chmodSync(file, 0o644);
    const recorded = await runCli(['snapshot', '--endpoint-url', moto.endpoint, '--out', file, '--no-iam']);
    expect(recorded.code).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8')).accountId).toBe(MOTO_ACCOUNT_ID);
    expect(readdirSync(dir)).toEqual(['account.json']);
  });

  it('snapshot --no-iam records every part but IAM, which scan --snapshot then skips', async () => {
    const file = join(workDir, 'no-iam.json');
    await runCli(['snapshot', '--endpoint-url', moto.endpoint, '--out', file, '--no-iam']);
    const snapshot = JSON.parse(readFileSync(file, 'utf8'));
    expect(snapshot.parts).toEqual(['network', 'fileSystemPolicies', 'accessPoints', 'routing']);
    expect(snapshot.iam).toBeUndefined();
    const offline = await runCli(['scan', '--snapshot', file, '--format', 'json']);
    expect(offline.stderr).toMatch(
      /^efsguard: warning: skipping efs-api-least-privilege: the snapshot lacks iam/,
    );
    expect(JSON.parse(offline.stdout).evaluations).toEqual(report.evaluations.filter((e) => e.rule !== API));
  });

  // Moto refuses references to groups it does not hold, so the cross-account case edits a recorded
  // snapshot: the UserIdGroupPairs shape is exactly what EC2 returns for a cross-account reference.
  it('flags a reference to another account’s group (edited snapshot)', async () => {
    const file = join(workDir, 'snapshot.json');
    const snapshot = JSON.parse(readFileSync(file, 'utf8'));
    const group = snapshot.securityGroups.find((g: { GroupId: string }) => g.GroupId === ids.sgMtB);
    group.IpPermissions[0].UserIdGroupPairs = [{ GroupId: 'sg-0123456789abcdef0', UserId: '111122223333' }];
    const edited = join(workDir, 'cross-account.json');
    writeFileSync(edited, JSON.stringify(snapshot));
    const result = await runCli(['scan', '--snapshot', edited, '--format', 'json', '--rules', INGRESS]);
    report = JSON.parse(result.stdout);
    expect(verdict(INGRESS, ids.sgMtB as string).complianceType).toBe('NON_COMPLIANT');
    expect(verdict(INGRESS, ids.sgMtB as string).annotation).toMatch(/111122223333/);

    const allowedFile = join(workDir, 'allowed.json');
    writeFileSync(
      allowedFile,
      JSON.stringify({ [INGRESS]: { allowedSourceSecurityGroups: ['111122223333/sg-0123456789abcdef0'] } }),
    );
    const allowed = await runCli([
      'scan',
      '--snapshot',
      edited,
      '--format',
      'json',
      '--rules',
      INGRESS,
      '--params',
      allowedFile,
    ]);
    expect(allowed.stderr).toBe('');
    report = JSON.parse(allowed.stdout);
    expect(verdict(INGRESS, ids.sgMtB as string).complianceType).toBe('COMPLIANT');
    report = live;
  });

  it('writes the snapshot to stdout without --out', async () => {
    const result = await runCli(['snapshot', '--endpoint-url', moto.endpoint]);
    expect(JSON.parse(result.stdout).fileSystems.length).toBeGreaterThanOrEqual(6);
  });
});

describe('the packaged command', () => {
  beforeAll(async () => {
    await execFileAsync('node', ['scripts/build-cli.mjs'], { cwd: ROOT });
  }, 60_000);

  it('honours the standard AWS_ENDPOINT_URL variable (read by the SDK)', async () => {
    const { stdout } = await execFileAsync(
      'node',
      ['dist/cli.js', 'scan', '--format', 'json', '--rules', INGRESS, '--no-progress'],
      { cwd: ROOT, env: { ...process.env, AWS_ENDPOINT_URL: moto.endpoint } },
    );
    const viaEnv: ScanReport = JSON.parse(stdout);
    expect(viaEnv.evaluations).toEqual(report.evaluations.filter((e) => e.rule === INGRESS));
  });

  it('writes the same JSON report to stdout redirected to a file as to a pipe', async () => {
    const args = ['dist/cli.js', 'scan', '--snapshot', 'demo/demo-snapshot.json', '--format', 'json'];
    const piped = await execFileAsync('node', args, { cwd: ROOT, maxBuffer: 16 << 20 });
    // A file on stdout is written with fs.writeSync from each string (cli/file-writes.ts).
    const path = join(workDir, 'redirected.json');
    const fd = openSync(path, 'w');
    try {
      const result = spawnSync('node', args, { cwd: ROOT, stdio: ['ignore', fd, 'pipe'] });
      expect(result.status).toBe(0);
    } finally {
      closeSync(fd);
    }
    expect(JSON.parse(piped.stdout).evaluations.length).toBeGreaterThan(10);
    expect(readFileSync(path, 'utf8')).toBe(piped.stdout);
  });

  it('prints one error line and exits 2 for an unreachable endpoint', async () => {
    const failure = execFileAsync('node', ['dist/cli.js', 'scan', '--max-attempts', '1'], {
      cwd: ROOT,
      env: { ...process.env, AWS_ENDPOINT_URL: 'http://127.0.0.1:9' },
    });
    await expect(failure).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(
        /^efsguard: cannot reach the AWS endpoint .*ECONNREFUSED 127\.0\.0\.1:9\n$/,
      ),
    });
  });
});
