// `efsguard scan --accounts … --regions … --role-name …` against a moto organization: two member accounts
// built through STS AssumeRole (moto's assumed-role credentials act in the target account), resources in
// two regions, a security-group reference across the accounts, and a third member whose role is missing.
//
// Moto gap, patched here in the test setup: moto's AssumeRole hands out credentials for any role ARN,
// whether the role exists or not. AWS refuses with AccessDenied ("is not authorized to perform:
// sts:AssumeRole on resource"), so the CLI's STS client is given a middleware that answers so for the
// member without the role (docs/cli.md, Multi-account scans). And moto refuses an ingress rule that
// references another account's group (InvalidGroup.NotFound: it looks the group up in the caller's own
// account), which AWS accepts across a peering connection; so the CLI's EC2 client sees that rule added
// to A's DescribeSecurityGroups answer, as AWS would return it.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DescribeSecurityGroupsCommandOutput } from '@aws-sdk/client-ec2';
import {
  CreateAccountCommand,
  CreateOrganizationCommand,
  ListAccountsCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, STSClient, STSServiceException } from '@aws-sdk/client-sts';
import { type AwsClientOptions, type AwsClients, createAwsClients } from '../../aws/sdk/clients';
import { destroyAwsClients } from '../../aws/sdk/destroy-clients';
import type { MultiScanReport } from '../../cli/multi-scan';
import { MOTO_ACCOUNT_ID } from '../helpers/accounts';
import { AccountBuilder } from '../helpers/build-account';
import { runCli as runCliWith } from '../helpers/cli';
import { nfs } from '../helpers/fake-account';
import { type MotoServer, startMoto } from '../helpers/moto';

const ROLE = 'efsguard-execution';
const workDir = mkdtempSync(join(tmpdir(), 'efsguard-multi-'));
let moto: MotoServer;
let members: string[] = [];
let accountA: string;
let accountB: string;
let accountNoRole: string;
const ids: Record<string, string> = {};
const opened: AwsClients[] = [];
const CROSS_ACCOUNT_NFS = () =>
  nfs({
    UserIdGroupPairs: [
      {
        GroupId: ids.sgClientB,
        UserId: accountB,
        VpcPeeringConnectionId: 'pcx-0a1b2c3d',
        PeeringStatus: 'active',
      },
    ],
  });

async function clientsIn(accountId: string, region: string): Promise<AwsClients> {
  const sts = new STSClient({ endpoint: moto.endpoint, region });
  const { Credentials } = await sts.send(
    new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${accountId}:role/${ROLE}`, RoleSessionName: 'build' }),
  );
  sts.destroy();
  const clients = createAwsClients({
    endpoint: moto.endpoint,
    region,
    credentials: {
      accessKeyId: Credentials?.AccessKeyId as string,
      secretAccessKey: Credentials?.SecretAccessKey as string,
      sessionToken: Credentials?.SessionToken as string,
    },
  });
  opened.push(clients);
  return clients;
}

/** The CLI's client factory, with AWS's answer to AssumeRole of a role that does not exist. */
function createClientsRefusingMissingRole(options: AwsClientOptions): AwsClients {
  const clients = createAwsClients(options);
  clients.ec2.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      if (context.commandName === 'DescribeSecurityGroupsCommand') {
        const output = result.output as DescribeSecurityGroupsCommandOutput;
        for (const group of output.SecurityGroups ?? []) {
          if (group.GroupId === ids.sgMtA) group.IpPermissions = [CROSS_ACCOUNT_NFS()];
        }
      }
      return result;
    },
    { step: 'initialize', name: 'crossAccountReference' },
  );
  clients.sts.middlewareStack.add(
    (next, context) => async (args) => {
      const input = (args as { input: { RoleArn?: string } }).input;
      if (context.commandName === 'AssumeRoleCommand' && input.RoleArn?.includes(`::${accountNoRole}:`)) {
        throw new STSServiceException({
          name: 'AccessDenied',
          $fault: 'client',
          $metadata: { httpStatusCode: 403 },
          message: `User: arn:aws:sts::${MOTO_ACCOUNT_ID}:assumed-role/admin/cli is not authorized to perform: sts:AssumeRole on resource: ${input.RoleArn}`,
        });
      }
      return next(args);
    },
    { step: 'initialize', name: 'refuseMissingRole' },
  );
  return clients;
}

const runCli = (argv: string[], tty = false) =>
  runCliWith(argv, { createClients: createClientsRefusingMissingRole }, { stderrIsTTY: tty });

beforeAll(async () => {
  moto = await startMoto();
  const organizations = new OrganizationsClient({ endpoint: moto.endpoint, region: 'us-east-1' });
  await organizations.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
  for (const name of ['workload-a', 'workload-b', 'no-role']) {
    await organizations.send(new CreateAccountCommand({ AccountName: name, Email: `${name}@example.com` }));
  }
  const listed = await organizations.send(new ListAccountsCommand({}));
  organizations.destroy();
  const byName = new Map((listed.Accounts ?? []).map((account) => [account.Name, account.Id as string]));
  accountA = byName.get('workload-a') as string;
  accountB = byName.get('workload-b') as string;
  accountNoRole = byName.get('no-role') as string;
  members = [accountA, accountB, accountNoRole];

  // Account B, us-east-1: the client group that A's mount target admits over peering.
  const bEast = new AccountBuilder(await clientsIn(accountB, 'us-east-1'));
  const vpcB = await bEast.vpc('10.20.0.0/16');
  ids.sgClientB = await bEast.group(vpcB, 'client-b');
  const subnetB = await bEast.subnet(vpcB, '10.20.1.0/24', 'us-east-1a');
  ids.sgOpenB = await bEast.group(vpcB, 'open-b', {
    ingress: [nfs({ IpRanges: [{ CidrIp: '0.0.0.0/0' }] })],
  });
  ids.fsB = await bEast.fileSystem('b-east');
  await bEast.mountTarget(ids.fsB, subnetB, [ids.sgOpenB]);

  // Account A, us-east-1: a mount target admitting B's client group (a cross-account reference).
  const aEast = new AccountBuilder(await clientsIn(accountA, 'us-east-1'));
  const vpcA = await aEast.vpc('10.10.0.0/16');
  const subnetA = await aEast.subnet(vpcA, '10.10.1.0/24', 'us-east-1a');
  // Its rule admitting B's group is added to the answers (see the moto gap above).
  ids.sgMtA = await aEast.group(vpcA, 'mt-a');
  ids.fsA = await aEast.fileSystem('a-east');
  await aEast.mountTarget(ids.fsA, subnetA, [ids.sgMtA]);

  // Account A, eu-west-1: a world-open mount-target group.
  const aWest = new AccountBuilder(await clientsIn(accountA, 'eu-west-1'));
  const vpcAW = await aWest.vpc('10.30.0.0/16');
  const subnetAW = await aWest.subnet(vpcAW, '10.30.1.0/24', 'eu-west-1a');
  ids.sgOpenAW = await aWest.group(vpcAW, 'open-a-west', {
    ingress: [nfs({ IpRanges: [{ CidrIp: '0.0.0.0/0' }] })],
  });
  ids.fsAW = await aWest.fileSystem('a-west');
  await aWest.mountTarget(ids.fsAW, subnetAW, [ids.sgOpenAW]);
}, 180_000);

afterAll(async () => {
  for (const clients of opened) destroyAwsClients(clients);
  await moto?.stop();
});

const SCAN = () => [
  'scan',
  '--endpoint-url',
  moto.endpoint,
  '--region',
  'us-east-1',
  '--accounts',
  'org',
  '--regions',
  'us-east-1,eu-west-1',
  '--role-name',
  ROLE,
  '--rules',
  'efs-mount-target-nfs-ingress',
  '--no-progress',
];

describe('efsguard scan --accounts org --regions … --role-name …', () => {
  let result: Awaited<ReturnType<typeof runCli>>;
  let report: MultiScanReport;
  beforeAll(async () => {
    result = await runCli([...SCAN(), '--format', 'json']);
    report = JSON.parse(result.stdout) as MultiScanReport;
  }, 120_000);

  const verdict = (accountId: string, region: string, resourceId: string) =>
    report.evaluations.find(
      (evaluation) =>
        evaluation.accountId === accountId &&
        evaluation.region === region &&
        evaluation.resourceId === resourceId,
    );

  it('scans every ACTIVE account of the organization in both regions, and exits 4 for the failed one', () => {
    expect(result.code).toBe(4);
    expect(report.summary.accounts).toEqual(expect.arrayContaining([MOTO_ACCOUNT_ID, ...members]));
    expect(report.summary.regions).toEqual(['eu-west-1', 'us-east-1']);
    // Four accounts x two regions: the management account (the caller's own credentials), A, B, no-role.
    expect(report.summary.targets).toBe(8);
    expect(report.summary.failed).toBe(2);
  });

  it('gives every evaluation its account and region, and judges each account-region on its own resources', () => {
    for (const evaluation of report.evaluations) {
      expect(evaluation.accountId).toMatch(/^\d{12}$/);
      expect(['us-east-1', 'eu-west-1']).toContain(evaluation.region);
    }
    expect(verdict(accountA, 'eu-west-1', ids.sgOpenAW as string)).toMatchObject({
      complianceType: 'NON_COMPLIANT',
      annotation: expect.stringContaining('0.0.0.0/0'),
    });
    expect(verdict(accountB, 'us-east-1', ids.sgOpenB as string)).toMatchObject({
      complianceType: 'NON_COMPLIANT',
    });
    expect(verdict(accountA, 'us-east-1', ids.sgOpenAW as string)).toBeUndefined();
  });

  it("judges A's reference to B's group with B's group in view: a finding naming the other account, not 'cannot be resolved'", () => {
    const mtA = verdict(accountA, 'us-east-1', ids.sgMtA as string);
    expect(mtA).toMatchObject({
      complianceType: 'NON_COMPLIANT',
      annotation: expect.stringContaining(`${accountB}/${ids.sgClientB} of another account`),
    });
    expect(mtA?.annotation).not.toMatch(/cannot be resolved/);
    expect(mtA).not.toHaveProperty('unresolved');
  });

  it('turns the account whose role is missing into failure rows naming the account, region and refused permission', () => {
    expect(report.failures).toEqual(
      ['eu-west-1', 'us-east-1'].map((region) => ({
        accountId: accountNoRole,
        region,
        error: expect.stringMatching(
          new RegExp(`sts:AssumeRole on arn:aws:iam::${accountNoRole}:role/${ROLE} refused: .*AccessDenied`),
        ),
      })),
    );
    expect(report.evaluations.filter((evaluation) => evaluation.accountId === accountNoRole)).toEqual([]);
  });

  it('prints a quiet line per account-region on stderr when it is not a terminal', async () => {
    const quiet = await runCli(SCAN().filter((arg) => arg !== '--no-progress'));
    const lines = quiet.stderr.trim().split('\n');
    expect(lines).toHaveLength(8);
    expect(lines).toContain(`efsguard: ${accountA} eu-west-1: loaded`);
    expect(lines.filter((line) => line.startsWith(`efsguard: ${accountNoRole} `))).toEqual([
      expect.stringMatching(/: failed: sts:AssumeRole on/),
      expect.stringMatching(/: failed: sts:AssumeRole on/),
    ]);
    // The table groups by account and region, and lists what could not be scanned.
    expect(quiet.stdout).toContain(`efsguard scan: account ${accountA}, region eu-west-1`);
    expect(quiet.stdout).toContain('account-regions that could not be scanned (nothing judged there)');
    expect(quiet.stdout).toMatch(/8 account-regions \(2 failed\)/);
  }, 120_000);

  it('draws a progress bar on a terminal: account-regions done and failures so far', async () => {
    const tty = await runCli(
      SCAN().filter((arg) => arg !== '--no-progress'),
      true,
    );
    expect(tty.stderr).toContain('\r');
    expect(tty.stderr).toMatch(/\[#{24}\] 8\/8 account-regions, 2 failed\n$/);
    expect(tty.stderr).toMatch(/\] 2\/8 account-regions, 2 failed/);
  }, 120_000);

  it('records one multi-account snapshot and judges it offline to the same verdicts', async () => {
    const out = join(workDir, 'org.json');
    const recorded = await runCli([
      'snapshot',
      '--endpoint-url',
      moto.endpoint,
      '--region',
      'us-east-1',
      '--accounts',
      `${accountA},${accountB},${accountNoRole}`,
      '--regions',
      'us-east-1,eu-west-1',
      '--role-name',
      ROLE,
      '--no-iam',
      '--no-progress',
      '--out',
      out,
    ]);
    expect(recorded.code).toBe(4);
    const file = JSON.parse(readFileSync(out, 'utf8'));
    expect(file.format).toBe('efsguard-snapshot/2');
    expect(file.snapshots).toHaveLength(4);
    expect(file.failures).toHaveLength(2);
    const offline = await runCli([
      'scan',
      '--snapshot',
      out,
      '--rules',
      'efs-mount-target-nfs-ingress',
      '--format',
      'json',
    ]);
    expect(offline.code).toBe(4);
    const offlineReport = JSON.parse(offline.stdout) as MultiScanReport;
    const live = report.evaluations.filter((evaluation) => evaluation.accountId !== MOTO_ACCOUNT_ID);
    expect(offlineReport.evaluations).toEqual(live);
    expect(offlineReport.failures).toEqual(report.failures);
  }, 120_000);
});
