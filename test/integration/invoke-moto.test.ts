// `efsguard invoke` against a real moto server: the account is built through the AWS API, the sample
// TESTMODE events of events/ are pointed at its resources, and the posted verdicts (what the handler
// sent with PutEvaluations, which moto accepts in test mode) are asserted, fan-out included.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteSecurityGroupCommand } from '@aws-sdk/client-ec2';
import { CreateRoleCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import type { PostedEvaluation } from '../../aws/config/evaluation-sink';
import type { ConfigRuleEvent } from '../../aws/config/event';
import { type AwsClients, createAwsClients } from '../../aws/sdk/clients';
import { destroyAwsClients } from '../../aws/sdk/destroy-clients';
import { run } from '../../cli/run';
import { AccountBuilder } from '../helpers/build-account';
import { loadEvent, retarget } from '../helpers/events';
import { nfs } from '../helpers/fake-account';
import { type MotoServer, startMoto } from '../helpers/moto';

const INGRESS = 'efs-mount-target-nfs-ingress';
const EGRESS = 'efs-client-nfs-egress';

let moto: MotoServer;
let clients: AwsClients;
const ids: Record<string, string> = {};
const workDir = mkdtempSync(join(tmpdir(), 'efsguard-invoke-'));

async function invoke(event: ConfigRuleEvent, extra: string[] = []) {
  const file = join(workDir, `event-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(event));
  let stdout = '';
  let stderr = '';
  const code = await run(
    ['invoke', '--event', file, '--endpoint-url', moto.endpoint, '--format', 'json', ...extra],
    {
      stdout: { write: (chunk: string) => (stdout += chunk) },
      stderr: { write: (chunk: string) => (stderr += chunk) },
      env: {},
    },
  );
  if (code !== 0) throw new Error(`efsguard invoke exited ${code}: ${stderr}`);
  return (JSON.parse(stdout) as { evaluations: PostedEvaluation[] }).evaluations;
}

const verdicts = (evaluations: readonly PostedEvaluation[]) =>
  Object.fromEntries(evaluations.map((e) => [e.resourceId, e.complianceType]));

beforeAll(async () => {
  moto = await startMoto();
  clients = createAwsClients({ endpoint: moto.endpoint, region: 'us-east-1' });
  const b = new AccountBuilder(clients);
  const vpc = await b.vpc('10.3.0.0/16');
  const clientSubnet = await b.subnet(vpc, '10.3.1.0/24', 'us-east-1a');
  const mtSubnet = await b.subnet(vpc, '10.3.2.0/24', 'us-east-1b');
  ids.sgClient = await b.group(vpc, 'efs-clients');
  ids.sgMt = await b.group(vpc, 'efs-mount-targets', {
    ingress: [nfs({ UserIdGroupPairs: [{ GroupId: ids.sgClient }] })],
  });
  ids.sgOpen = await b.group(vpc, 'efs-open', {
    ingress: [nfs({ IpRanges: [{ CidrIp: '0.0.0.0/0' }] })],
  });
  ids.sgDoomed = await b.group(vpc, 'about-to-go');
  ids.fsGood = await b.fileSystem('good');
  await b.mountTarget(ids.fsGood, mtSubnet, [ids.sgMt]);
  ids.fsOpen = await b.fileSystem('open');
  await b.mountTarget(ids.fsOpen, mtSubnet, [ids.sgOpen]);
  ids.eniClient = await b.client(clientSubnet, [ids.sgClient], 'web server');
  // The mount targets' subnet lets NFS in but not its replies out: the ACL change below is NON_COMPLIANT.
  ids.aclMt = await b.networkAcl(
    vpc,
    [mtSubnet],
    [{ rule: 100, egress: false, action: 'allow', protocol: '6', cidr: '10.3.0.0/16', ports: [2049, 2049] }],
  );
  await clients.ec2.send(new DeleteSecurityGroupCommand({ GroupId: ids.sgDoomed }));

  // The role of events/efs-api-least-privilege/testmode-role-change.json (resourceName efs-admin).
  const role = await clients.iam.send(
    new CreateRoleCommand({
      RoleName: 'efs-admin',
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
        ],
      }),
    }),
  );
  ids.roleAdmin = role.Role?.RoleId as string;
  await clients.iam.send(
    new PutRolePolicyCommand({
      RoleName: 'efs-admin',
      PolicyName: 'efs-admin',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'elasticfilesystem:*', Resource: '*' }],
      }),
    }),
  );
}, 120_000);

afterAll(async () => {
  if (clients) destroyAwsClients(clients);
  await moto?.stop();
});

describe('efsguard invoke against moto (TESTMODE)', () => {
  it('a group change posts the group and, by fan-out, the file system it guards', async () => {
    const evaluations = await invoke(
      retarget(loadEvent(`${INGRESS}/testmode-security-group-change.json`), ids.sgMt as string),
    );
    expect(verdicts(evaluations)).toEqual({
      [ids.sgMt as string]: 'COMPLIANT',
      [ids.fsGood as string]: 'COMPLIANT',
    });
    expect(evaluations.every((e) => e.rule === INGRESS)).toBe(true);
  });

  it('an oversized item is evaluated from live state: the open group and its file system', async () => {
    const evaluations = await invoke(
      retarget(loadEvent(`${INGRESS}/testmode-security-group-oversized.json`), ids.sgOpen as string),
    );
    expect(verdicts(evaluations)).toEqual({
      [ids.sgOpen as string]: 'NON_COMPLIANT',
      [ids.fsOpen as string]: 'NON_COMPLIANT',
    });
    expect(evaluations.find((e) => e.resourceId === ids.sgOpen)?.annotation).toContain('0.0.0.0/0');
  });

  it('an interface change re-evaluates the client', async () => {
    const evaluations = await invoke(
      retarget(loadEvent(`${EGRESS}/testmode-network-interface-change.json`), ids.eniClient as string),
    );
    expect(verdicts(evaluations)).toEqual({ [ids.eniClient as string]: 'COMPLIANT' });
  });

  it('a client group change fans out to every interface carrying it (--rule overrides the event)', async () => {
    const event = {
      ...retarget(loadEvent(`${INGRESS}/testmode-security-group-change.json`), ids.sgClient as string),
    };
    const evaluations = await invoke(event, ['--rule', EGRESS]);
    expect(verdicts(evaluations)).toMatchObject({ [ids.eniClient as string]: 'COMPLIANT' });
  });

  it('an ACL change loads the ACL by id (NetworkAclIds, which moto supports) and judges its pairs', async () => {
    const evaluations = await invoke(
      retarget(loadEvent('efs-nfs-network-acl/testmode-network-acl-change.json'), ids.aclMt as string),
    );
    expect(verdicts(evaluations)).toEqual({ [ids.aclMt as string]: 'NON_COMPLIANT' });
    expect(evaluations[0]?.annotation).toContain('denies return outbound');
  });

  it('a deleted group is NOT_APPLICABLE', async () => {
    const evaluations = await invoke(
      retarget(loadEvent(`${INGRESS}/testmode-security-group-deleted.json`), ids.sgDoomed as string),
    );
    expect(evaluations).toEqual([
      expect.objectContaining({ resourceId: ids.sgDoomed, complianceType: 'NOT_APPLICABLE' }),
    ]);
  });

  it('an IAM role change loads that role by the name in its item and posts its verdict alone', async () => {
    const event = retarget(
      loadEvent('efs-api-least-privilege/testmode-role-change.json'),
      ids.roleAdmin as string,
    );
    const evaluations = await invoke(event);
    expect(evaluations).toEqual([
      expect.objectContaining({
        resourceType: 'AWS::IAM::Role',
        resourceId: ids.roleAdmin,
        complianceType: 'NON_COMPLIANT',
      }),
    ]);
  });

  it('an IAM role change whose id no longer matches the name is NOT_APPLICABLE (deleted and recreated)', async () => {
    const event = retarget(
      loadEvent('efs-api-least-privilege/testmode-role-change.json'),
      'AROAOLDROLEOLDROLE001',
    );
    expect(verdicts(await invoke(event))).toEqual({ AROAOLDROLEOLDROLE001: 'NOT_APPLICABLE' });
  });

  it('--region names the region of an event that names none (like AWS_REGION in Lambda)', async () => {
    const event = loadEvent(`${INGRESS}/testmode-scheduled.json`);
    delete (event as { configRuleArn?: string }).configRuleArn;
    // The account was built in us-east-1 (the test process's AWS_REGION): eu-west-1 holds none of it.
    const elsewhere = await invoke(event, ['--region', 'eu-west-1']);
    expect(elsewhere.length).toBeGreaterThan(0); // moto's default VPC and its default group
    expect(elsewhere.some((e) => Object.values(ids).includes(e.resourceId))).toBe(false);
    const evaluations = await invoke(event, ['--region', 'us-east-1']);
    expect(verdicts(evaluations)).toMatchObject({ [ids.sgOpen as string]: 'NON_COMPLIANT' });
  });

  it('a scheduled run sweeps the region', async () => {
    const evaluations = await invoke(loadEvent(`${INGRESS}/testmode-scheduled.json`));
    expect(verdicts(evaluations)).toMatchObject({
      [ids.sgMt as string]: 'COMPLIANT',
      [ids.sgOpen as string]: 'NON_COMPLIANT',
      [ids.sgClient as string]: 'NOT_APPLICABLE',
      [ids.fsGood as string]: 'COMPLIANT',
      [ids.fsOpen as string]: 'NON_COMPLIANT',
    });
    expect(evaluations.some((e) => e.resourceId === ids.sgDoomed)).toBe(false);
  });

  it('writes what the handler posted as ASFF and SARIF (--format, --output), for the event account and region', async () => {
    const event = loadEvent(`${INGRESS}/testmode-scheduled.json`);
    const posted = await invoke(event);
    const file = join(workDir, 'invoke.asff.json');
    const file2 = join(workDir, 'invoke.sarif');
    let stderr = '';
    const io = {
      stdout: { write: () => true },
      stderr: { write: (chunk: string) => (stderr += chunk) },
      env: {},
    };
    const eventFile = join(workDir, 'scheduled.json');
    writeFileSync(eventFile, JSON.stringify(event));
    for (const [format, out] of [
      ['asff', file],
      ['sarif', file2],
    ] as const) {
      const code = await run(
        [
          'invoke',
          '--event',
          eventFile,
          '--endpoint-url',
          moto.endpoint,
          '--format',
          format,
          '--output',
          out,
        ],
        io,
      );
      expect([code, stderr]).toEqual([0, '']);
    }
    const findings = JSON.parse(readFileSync(file, 'utf8')) as {
      AwsAccountId: string;
      Resources: { Region: string }[];
    }[];
    expect(findings).toHaveLength(posted.length);
    expect(findings[0]?.AwsAccountId).toBe(event.accountId);
    const sarif = JSON.parse(readFileSync(file2, 'utf8')) as { runs: { results: unknown[] }[] };
    expect(sarif.runs[0]?.results).toHaveLength(
      posted.filter((e) => e.complianceType === 'NON_COMPLIANT').length,
    );
  });
});
