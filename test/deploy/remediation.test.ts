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
import { type MotoServer, startMoto } from '../helpers/moto';

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

    // Idempotent: a second run (a retry, or a second click) finds nothing and changes nothing.
    const before = await ingressOf(mountTargetGroup);
    const again = await runScript(moto.endpoint, mountTargetGroup);
    expect(again.removed).toEqual([]);
    expect(await ingressOf(mountTargetGroup)).toEqual(before);
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

  it('changes nothing and says so when the group no longer exists (deleted after Config evaluated it)', async () => {
    // A vanished group admits nothing: the remediation's goal holds, so the execution succeeds rather
    // than failing (and being retried by automatic remediation) on a stale NON_COMPLIANT result.
    const result = await runScript(moto.endpoint, 'sg-0123456789abcdef0');
    expect(result.removed).toEqual([]);
    expect(result.summary).toBe('sg-0123456789abcdef0: the security group no longer exists; nothing revoked');
  });
});

// EC2 behaviours moto does not reproduce, driven through a scripted stand-in for the boto3 client.
// RevokeSecurityGroupIngress API Reference: in a default VPC, rules that do not match come back in
// UnknownIpPermissions ("might be in a different format from the request parameter") with no error; in
// other VPCs the call fails with InvalidPermission.NotFound and revokes nothing; AWS recommends
// describing the group afterwards to verify.
const FAKE_DRIVER = `
import json, sys
from botocore.exceptions import ClientError
sys.path.insert(0, sys.argv[1])
import revoke_world_open_nfs as script
scenario = json.loads(sys.argv[2])

class FakeEc2:
    def __init__(self):
        self.describes = list(scenario["describes"])
        self.revokes = list(scenario["revokes"])
        self.calls = []
    def describe_security_groups(self, GroupIds):
        self.calls.append("describe")
        state = self.describes.pop(0)
        if state is None:
            raise ClientError({"Error": {"Code": "InvalidGroup.NotFound", "Message": "gone"}}, "DescribeSecurityGroups")
        return {"SecurityGroups": [{"GroupId": GroupIds[0], "IpPermissions": state}]}
    def revoke_security_group_ingress(self, GroupId, IpPermissions):
        self.calls.append("revoke")
        answer = self.revokes.pop(0)
        if "error" in answer:
            raise ClientError({"Error": {"Code": answer["error"], "Message": "scripted"}}, "RevokeSecurityGroupIngress")
        return answer

ec2 = FakeEc2()
try:
    print(json.dumps({"result": script.revoke_world_open_nfs(ec2, "sg-0fake"), "calls": ec2.calls}))
except Exception as error:
    print(json.dumps({"error": f"{type(error).__name__}: {error}", "calls": ec2.calls}))
`;

import { MOTO_REGION } from '../helpers/accounts';

const WORLD_NFS = { IpProtocol: 'tcp', FromPort: 2049, ToPort: 2049, IpRanges: [{ CidrIp: '0.0.0.0/0' }] };
const WORLD_ALL_V6 = { IpProtocol: '-1', Ipv6Ranges: [{ CidrIpv6: '::/0' }] };

interface FakeOutcome {
  result?: RemediationResult;
  error?: string;
  calls: string[];
}

async function runScripted(scenario: { describes: unknown[]; revokes: unknown[] }): Promise<FakeOutcome> {
  const { stdout } = await run('python3', ['-c', FAKE_DRIVER, SCRIPT_DIR, JSON.stringify(scenario)]);
  return JSON.parse(stdout) as FakeOutcome;
}

describe('revoke_world_open_nfs.py against EC2 answers moto does not give', () => {
  it('does not report a range EC2 returned as unknown (in its own response format) as removed', async () => {
    const outcome = await runScripted({
      describes: [[WORLD_NFS, WORLD_ALL_V6], []],
      revokes: [
        {
          Return: true,
          // The response shape of a default VPC: EC2 fills in the empty lists.
          UnknownIpPermissions: [{ ...WORLD_NFS, Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] }],
        },
      ],
    });
    expect(outcome.error).toBeUndefined();
    expect(outcome.result?.removed).toEqual([{ protocol: '-1', ports: 'all', cidr: '::/0' }]);
  });

  it('fails naming what is left when a world-open NFS range is still there after the revoke', async () => {
    const outcome = await runScripted({
      describes: [[WORLD_NFS], [WORLD_NFS], [WORLD_NFS], [WORLD_NFS]],
      revokes: [{ Return: true }, { Return: true }, { Return: true }],
    });
    expect(outcome.result).toBeUndefined();
    expect(outcome.error).toMatch(/sg-0fake still admits NFS from tcp 2049-2049 from 0\.0\.0\.0\/0/);
  });

  it('re-reads the group and retries when a rule changed between describe and revoke', async () => {
    const outcome = await runScripted({
      // Someone removed the IPv6 rule meanwhile: EC2 refuses the whole call in a non-default VPC.
      describes: [[WORLD_NFS, WORLD_ALL_V6], [WORLD_NFS], []],
      revokes: [{ error: 'InvalidPermission.NotFound' }, { Return: true }],
    });
    expect(outcome.error).toBeUndefined();
    expect(outcome.calls).toEqual(['describe', 'revoke', 'describe', 'revoke', 'describe']);
    expect(outcome.result?.removed).toEqual([{ protocol: 'tcp', ports: '2049-2049', cidr: '0.0.0.0/0' }]);
  });

  it('treats a group deleted between describe and revoke as nothing left to revoke', async () => {
    const outcome = await runScripted({
      describes: [[WORLD_NFS]],
      revokes: [{ error: 'InvalidGroup.NotFound' }],
    });
    expect(outcome.result?.removed).toEqual([]);
    expect(outcome.result?.summary).toBe('sg-0fake: the security group no longer exists; nothing revoked');
  });
});
