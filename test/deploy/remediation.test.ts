// The remediation's revoke logic (deploy/remediation/revoke_world_open_nfs.py, embedded in the SSM
// Automation document) against moto's EC2: it must remove exactly the world-open NFS-covering ranges.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateVpcCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  type IpPermission,
} from '@aws-sdk/client-ec2';
import { MOTO_REGION, type MotoServer, startMoto } from '../helpers/moto';

const run = promisify(execFile);
const SCRIPT_DIR = join(__dirname, '..', '..', 'deploy', 'remediation');

// Imports the script as the executeScript runtime would, with a boto3 client pointed at moto.
const DRIVER = `
import json, sys
import boto3
sys.path.insert(0, sys.argv[1])
import revoke_world_open_nfs as script
ec2 = boto3.client("ec2", endpoint_url=sys.argv[2], region_name=sys.argv[3])
print(json.dumps(script.revoke_world_open_nfs(ec2, sys.argv[4])))
`;

interface RemediationResult {
  groupId: string;
  removed: { protocol: string; ports: string; cidr: string }[];
  summary: string;
}

async function runScript(endpoint: string, groupId: string): Promise<RemediationResult> {
  const { stdout } = await run('python3', ['-c', DRIVER, SCRIPT_DIR, endpoint, MOTO_REGION, groupId], {
    env: { ...process.env, AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' },
  });
  return JSON.parse(stdout) as RemediationResult;
}

/** Every (protocol, ports, source) triple of a group's inbound rules, sorted, for whole-state comparison. */
function flatten(permissions: readonly IpPermission[]): string[] {
  const rows: string[] = [];
  for (const p of permissions) {
    const head = `${p.IpProtocol} ${p.FromPort ?? ''}-${p.ToPort ?? ''}`;
    for (const r of p.IpRanges ?? []) rows.push(`${head} ${r.CidrIp}`);
    for (const r of p.Ipv6Ranges ?? []) rows.push(`${head} ${r.CidrIpv6}`);
    for (const g of p.UserIdGroupPairs ?? []) rows.push(`${head} ${g.GroupId}`);
  }
  return rows.sort();
}

describe('revoke_world_open_nfs.py against moto', () => {
  let moto: MotoServer;
  let ec2: EC2Client;

  beforeAll(async () => {
    moto = await startMoto();
    ec2 = new EC2Client({ endpoint: moto.endpoint, region: MOTO_REGION });
  });
  afterAll(async () => {
    ec2?.destroy();
    await moto?.stop();
  });

  async function createGroup(vpcId: string, name: string): Promise<string> {
    const created = await ec2.send(
      new CreateSecurityGroupCommand({ GroupName: name, Description: name, VpcId: vpcId }),
    );
    return created.GroupId as string;
  }

  async function ingressOf(groupId: string): Promise<string[]> {
    const described = await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }));
    return flatten(described.SecurityGroups?.[0]?.IpPermissions ?? []);
  }

  it('removes only the world-open ranges of NFS-covering permissions and reports them', async () => {
    const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));
    const vpcId = vpc.Vpc?.VpcId as string;
    const mountTargetGroup = await createGroup(vpcId, 'mount-target');
    const clientGroup = await createGroup(vpcId, 'client');
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: mountTargetGroup,
        IpPermissions: [
          // NFS from a client group, the VPC and the world, in one permission.
          {
            IpProtocol: 'tcp',
            FromPort: 2049,
            ToPort: 2049,
            IpRanges: [{ CidrIp: '10.0.0.0/16' }, { CidrIp: '0.0.0.0/0' }],
            UserIdGroupPairs: [{ GroupId: clientGroup }],
          },
          // All traffic from the IPv6 world.
          { IpProtocol: '-1', Ipv6Ranges: [{ CidrIpv6: '::/0' }] },
          // SSH from the world does not cover NFS: the script leaves it (the rule flags it separately).
          { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
          // A tcp range containing 2049 covers NFS.
          {
            IpProtocol: 'tcp',
            FromPort: 2000,
            ToPort: 2100,
            IpRanges: [{ CidrIp: '0.0.0.0/0' }, { CidrIp: '10.1.0.0/16' }],
          },
          // udp 2049 is not NFS over TCP.
          { IpProtocol: 'udp', FromPort: 2049, ToPort: 2049, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
        ],
      }),
    );

    const result = await runScript(moto.endpoint, mountTargetGroup);

    expect(await ingressOf(mountTargetGroup)).toEqual(
      [
        `tcp 2049-2049 ${clientGroup}`,
        'tcp 2049-2049 10.0.0.0/16',
        'tcp 22-22 0.0.0.0/0',
        'tcp 2000-2100 10.1.0.0/16',
        'udp 2049-2049 0.0.0.0/0',
      ].sort(),
    );
    expect(result.groupId).toBe(mountTargetGroup);
    expect(result.removed).toEqual(
      expect.arrayContaining([
        { protocol: 'tcp', ports: '2049-2049', cidr: '0.0.0.0/0' },
        { protocol: '-1', ports: 'all', cidr: '::/0' },
        { protocol: 'tcp', ports: '2000-2100', cidr: '0.0.0.0/0' },
      ]),
    );
    expect(result.removed).toHaveLength(3);
    expect(result.summary).toContain(`${mountTargetGroup}: revoked 3 world-open NFS range(s)`);
  });

  it('changes nothing and says so when no NFS-covering permission is world-open', async () => {
    const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.2.0.0/16' }));
    const group = await createGroup(vpc.Vpc?.VpcId as string, 'already-fine');
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: group,
        IpPermissions: [
          { IpProtocol: 'tcp', FromPort: 2049, ToPort: 2049, IpRanges: [{ CidrIp: '10.2.0.0/16' }] },
          { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, Ipv6Ranges: [{ CidrIpv6: '::/0' }] },
        ],
      }),
    );
    const before = await ingressOf(group);

    const result = await runScript(moto.endpoint, group);

    expect(result.removed).toEqual([]);
    expect(result.summary).toBe(`${group}: no world-open NFS-covering inbound range; nothing revoked`);
    expect(await ingressOf(group)).toEqual(before);
  });

  it('fails naming the group when it does not exist', async () => {
    await expect(runScript(moto.endpoint, 'sg-0123456789abcdef0')).rejects.toThrow(/sg-0123456789abcdef0/);
  });
});
