// Records demo/demo-snapshot.json (used by `npm start`): builds a realistic account in a local moto
// server through the AWS API, then runs `efsguard snapshot` against it.
//   npx tsx scripts/record-demo.ts
// Resource ids are moto's (random per run); the verdicts are the same on every run.
import {
  AttachRolePolicyCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  type IAMClient,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { createAwsClients } from '../aws/sdk/clients';
import { destroyAwsClients } from '../aws/sdk/destroy-clients';
import { run } from '../cli/run';
import { AccountBuilder } from '../test/helpers/build-account';
import { nfs } from '../test/helpers/fake-account';
import { startMoto } from '../test/helpers/moto';

const OUT = 'demo/demo-snapshot.json';
const REGION = 'eu-west-1';
const RECORDED_AT = new Date('2025-01-15T09:00:00.000Z');

async function buildAccount(b: AccountBuilder): Promise<void> {
  // --- VPC "prod" (10.10.0.0/16): app servers reach a shared file system; one team left a hole.
  const prod = await b.vpc('10.10.0.0/16');
  const appA = await b.subnet(prod, '10.10.1.0/24', `${REGION}a`);
  const appB = await b.subnet(prod, '10.10.2.0/24', `${REGION}b`);
  const dataA = await b.subnet(prod, '10.10.11.0/24', `${REGION}a`);
  const dataB = await b.subnet(prod, '10.10.12.0/24', `${REGION}b`);
  const batch = await b.subnet(prod, '10.10.21.0/24', `${REGION}a`);

  const officeList = await b.prefixList('office-networks', ['10.10.0.0/20']);
  const appClients = await b.group(prod, 'app-efs-clients');
  const batchClients = await b.group(prod, 'batch-efs-clients', { egress: [] }); // egress forgotten
  const batchEgress = await b.group(prod, 'batch-egress', {
    egress: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
  });
  const sharedMt = await b.group(prod, 'shared-efs-mount-targets', {
    ingress: [
      nfs({ UserIdGroupPairs: [{ GroupId: appClients, Description: 'app servers' }] }),
      nfs({ UserIdGroupPairs: [{ GroupId: batchClients, Description: 'batch workers' }] }),
      nfs({ PrefixListIds: [{ PrefixListId: officeList, Description: 'office admin hosts' }] }),
    ],
  });
  const shared = await b.fileSystem('shared-home');
  await b.mountTarget(shared, dataA, [sharedMt]);
  await b.mountTarget(shared, dataB, [sharedMt]);
  await b.policy(shared, {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'DenyInsecureTransport',
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: '*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
      {
        Sid: 'AppRoleMountWrite',
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::123456789012:role/app-server' },
        Action: ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite'],
      },
    ],
  });
  await b.accessPoint({
    FileSystemId: shared,
    PosixUser: { Uid: 1001, Gid: 1001 },
    RootDirectory: { Path: '/app', CreationInfo: { OwnerUid: 1001, OwnerGid: 1001, Permissions: '750' } },
    Tags: [{ Key: 'Name', Value: 'app-data' }],
  });
  await b.accessPoint({ FileSystemId: shared, Tags: [{ Key: 'Name', Value: 'legacy-root' }] });

  await b.client(appA, [appClients], 'app-server-1 primary interface');
  await b.client(appB, [appClients], 'app-server-2 primary interface');
  await b.client(batch, [batchClients], 'batch worker: NFS egress missing');
  await b.client(batch, [batchClients, batchEgress], 'batch worker: only HTTPS egress');
  await b.client(batch, [appClients], 'report generator: egress fine, replies dropped by the ACL');

  // The batch subnet's ACL admits only HTTPS replies: NFS replies to ephemeral ports are dropped.
  await b.networkAcl(
    prod,
    [batch],
    [
      { rule: 100, egress: true, action: 'allow', cidr: '0.0.0.0/0', protocol: '-1' },
      { rule: 100, egress: false, action: 'allow', protocol: '6', cidr: '0.0.0.0/0', ports: [443, 443] },
      { rule: 110, egress: false, action: 'allow', protocol: '6', cidr: '0.0.0.0/0', ports: [1024, 32767] },
    ],
  );

  // A file system exposed to the world, with an SSH rule for good measure, and no policy.
  const scratchMt = await b.group(prod, 'scratch-efs-open', {
    ingress: [
      nfs({ IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'temporary, remove' }] }),
      { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '10.10.0.0/16' }] },
    ],
  });
  const scratch = await b.fileSystem('scratch');
  await b.mountTarget(scratch, dataA, [scratchMt]);

  // --- VPC "analytics" (172.20.0.0/16): a well-configured file system and its client.
  const analytics = await b.vpc('172.20.0.0/16');
  const notebooks = await b.subnet(analytics, '172.20.1.0/24', `${REGION}a`);
  const storage = await b.subnet(analytics, '172.20.2.0/24', `${REGION}b`);
  const notebookClients = await b.group(analytics, 'notebook-efs-clients', {
    egress: [nfs({ IpRanges: [{ CidrIp: '172.20.2.0/24', Description: 'EFS mount targets' }] })],
  });
  const analyticsMt = await b.group(analytics, 'analytics-efs-mount-targets', {
    ingress: [nfs({ UserIdGroupPairs: [{ GroupId: notebookClients }] })],
  });
  const datasets = await b.fileSystem('datasets');
  await b.mountTarget(datasets, storage, [analyticsMt]);
  await b.policy(datasets, {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: '*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
    ],
  });
  await b.client(notebooks, [notebookClients], 'notebook instance');

  // A file system with no mount targets yet.
  await b.fileSystem('archive');

  // Routing: prod and analytics peered with routes both ways, and a VPN gateway on prod routing an
  // on-premises range. The scratch file system's 0.0.0.0/0 rule then lets analytics and (possibly, as
  // far as efsguard can see) the on-premises network mount it: efs-nfs-exposure names both.
  const pcx = await b.peering(prod, analytics);
  await b.route(prod, '172.20.0.0/16', { VpcPeeringConnectionId: pcx });
  await b.route(analytics, '10.10.0.0/16', { VpcPeeringConnectionId: pcx });
  const vgw = await b.vpnGateway(prod);
  await b.route(prod, '192.168.0.0/16', { GatewayId: vgw });
}

/** IAM for efs-api-least-privilege: one role that may rewire any file system, one scoped properly. */
async function buildIam(iam: IAMClient): Promise<void> {
  const ec2Trust = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
  });
  await iam.send(new CreateRoleCommand({ RoleName: 'ci-deployer', AssumeRolePolicyDocument: ec2Trust }));
  await iam.send(
    new PutRolePolicyCommand({
      RoleName: 'ci-deployer',
      PolicyName: 'efs-everything',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Sid: 'EfsAdmin', Effect: 'Allow', Action: 'elasticfilesystem:*', Resource: '*' }],
      }),
    }),
  );
  await iam.send(new CreateRoleCommand({ RoleName: 'app-server', AssumeRolePolicyDocument: ec2Trust }));
  const scoped = await iam.send(
    new CreatePolicyCommand({
      PolicyName: 'shared-home-client',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite'],
            Resource: `arn:aws:elasticfilesystem:${REGION}:123456789012:file-system/*`,
            Condition: { StringEquals: { 'aws:ResourceTag/team': 'app' } },
          },
        ],
      }),
    }),
  );
  await iam.send(new AttachRolePolicyCommand({ RoleName: 'app-server', PolicyArn: scoped.Policy?.Arn }));
  const broad = await iam.send(
    new CreatePolicyCommand({
      PolicyName: 'storage-operators',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'ManageMountTargets',
            Effect: 'Allow',
            Action: [
              'elasticfilesystem:CreateMountTarget',
              'elasticfilesystem:ModifyMountTargetSecurityGroups',
            ],
            Resource: '*',
          },
        ],
      }),
    }),
  );
  await iam.send(new CreateRoleCommand({ RoleName: 'storage-operator', AssumeRolePolicyDocument: ec2Trust }));
  await iam.send(new AttachRolePolicyCommand({ RoleName: 'storage-operator', PolicyArn: broad.Policy?.Arn }));
}

async function main(): Promise<void> {
  const moto = await startMoto();
  process.env.AWS_REGION = REGION;
  const clients = createAwsClients({ endpoint: moto.endpoint, region: REGION });
  try {
    await buildAccount(new AccountBuilder(clients));
    await buildIam(clients.iam);
    const code = await run(
      ['snapshot', '--endpoint-url', moto.endpoint, '--region', REGION, '--out', OUT, '--progress'],
      { stdout: process.stdout, stderr: process.stderr, env: process.env },
      { now: () => RECORDED_AT },
    );
    if (code !== 0) throw new Error(`efsguard snapshot exited with ${code}`);
  } finally {
    destroyAwsClients(clients);
    await moto.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
