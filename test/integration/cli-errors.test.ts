// Every user error ends in one `efsguard: …` line on stderr and exit 2, never a stack trace. These
// need no AWS: the packaged command runs with a controlled environment, the rest in-process.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import {
  type AddressInfo,
  createServer as createNetServer,
  type Server as NetServer,
  type Socket,
} from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DescribeVpcsCommand, EC2Client, EC2ServiceException } from '@aws-sdk/client-ec2';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { type AwsClientOptions, createAwsClients } from '../../aws/sdk/clients';
import type { ScanReport } from '../../cli/output';
import { RULES } from '../../core/rules';
import { runCli } from '../helpers/cli';

const execFileAsync = promisify(execFile);
const ROOT = join(__dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'efsguard-errors-'));

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const ONE_LINE = /^efsguard: [^\n]+\n$/;

describe('input errors', () => {
  it.each([
    [['scan', '--bogus'], "efsguard: unknown option '--bogus'\n"],
    [['scan', '--format', 'xml'], /argument 'xml' is invalid/],
    [['scan', '--exit-code', 'x'], /--exit-code must be an integer 0-255, got x/],
    // 1, 2 and 4 already mean a failed or incomplete run: CI could not tell findings from a failed run.
    [
      ['scan', '--exit-code', '1'],
      /--exit-code 1 is reserved: 1 means an internal error, 2 a user error and 4 an account-region that could not be loaded; use 0, 3 or 5-255/,
    ],
    [['scan', '--exit-code', '2'], /--exit-code 2 is reserved: .*; use 0, 3 or 5-255/],
    // 4 means a multi-account run that could not load some account-region.
    [['scan', '--exit-code', '4'], /--exit-code 4 is reserved: .*; use 0, 3 or 5-255/],
    [['scan', '--snapshot', 'x.json', '--accounts', 'org'], /--accounts cannot be used with --snapshot/],
    [['scan', '--rules', 'no-such-rule', '--snapshot', 'x.json'], /unknown rule no-such-rule; known rules: /],
    [['scan', '--snapshot', join(dir, 'missing.json')], /cannot read snapshot .*missing\.json: no such file/],
    [['scan', '--endpoint-url', 'ftp://x'], /--endpoint-url must be http/],
    [['scan', '--max-rows', '-1'], /--max-rows must be 0 \(every row\) or a positive integer, got -1/],
    // A snapshot is evaluated offline: an AWS option next to it would be silently ignored.
    [['scan', '--snapshot', 'x.json', '--region', 'eu-west-1'], /--region cannot be used with --snapshot/],
    [['scan', '--snapshot', 'x.json', '--profile', 'p'], /--profile cannot be used with --snapshot/],
    [
      ['scan', '--snapshot', 'x.json', '--endpoint-url', 'http://127.0.0.1:1'],
      /--endpoint-url cannot be used with --snapshot/,
    ],
    [
      ['scan', '--snapshot', 'x.json', '--max-attempts', '3'],
      /--max-attempts cannot be used with --snapshot/,
    ],
  ])('%j', async (argv, message) => {
    const result = await runCli(argv as string[]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(ONE_LINE);
    expect(result.stderr).toMatch(message);
  });

  it('rejects a snapshot that is not JSON', async () => {
    const result = await runCli(['scan', '--snapshot', file('bad.json', '{"vpcs": [')]);
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toMatch(/^efsguard: .*bad\.json: not valid JSON/);
  });

  it('names the path of an invalid snapshot field', async () => {
    const snapshot = {
      accountId: '123456789012',
      region: 'us-east-1',
      vpcs: [],
      subnets: [],
      securityGroups: [
        { GroupId: 'sg-1', VpcId: 'vpc-1', OwnerId: '123456789012', IpPermissions: [{ FromPort: 1 }] },
      ],
      networkInterfaces: [],
      networkAcls: [],
      managedPrefixLists: [],
      fileSystems: [],
      accessPoints: [],
    };
    const result = await runCli(['scan', '--snapshot', file('invalid.json', JSON.stringify(snapshot))]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(ONE_LINE);
    expect(result.stderr).toContain('invalid snapshot at securityGroups[0].IpPermissions[0].IpProtocol');
  });

  const withInterface = (address: string) => ({
    accountId: '123456789012',
    region: 'us-east-1',
    vpcs: [],
    subnets: [],
    securityGroups: [
      {
        GroupId: 'sg-1',
        VpcId: 'vpc-1',
        OwnerId: '123456789012',
        IpPermissions: [
          { IpProtocol: 'tcp', FromPort: 2049, ToPort: 2049, IpRanges: [{ CidrIp: '10.0.0.0/8x' }] },
        ],
      },
    ],
    networkInterfaces: [
      {
        NetworkInterfaceId: 'eni-1',
        SubnetId: 'subnet-1',
        VpcId: 'vpc-1',
        OwnerId: '123456789012',
        PrivateIpAddress: address,
        PrivateIpAddresses: [{ PrivateIpAddress: address, Primary: true }],
      },
    ],
    networkAcls: [],
    managedPrefixLists: [],
    fileSystems: [
      {
        FileSystemId: 'fs-1',
        OwnerId: '123456789012',
        MountTargets: [
          {
            MountTargetId: 'fsmt-1',
            FileSystemId: 'fs-1',
            OwnerId: '123456789012',
            SubnetId: 'subnet-1',
            VpcId: 'vpc-1',
            IpAddress: '10.0.0.4',
            NetworkInterfaceId: 'eni-mt',
            SecurityGroups: ['sg-1'],
          },
        ],
      },
    ],
    accessPoints: [],
    iam: { Policies: [], RoleDetailList: [], UserDetailList: [], GroupDetailList: [] },
  });

  it('scans a snapshot with a malformed rule CIDR: the run goes on, failing closed on that group alone', async () => {
    const result = await runCli([
      'scan',
      '--snapshot',
      file('bad-cidr.json', JSON.stringify(withInterface('10.0.0.9'))),
      '--format',
      'json',
    ]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const { evaluations } = JSON.parse(result.stdout) as ScanReport;
    expect(evaluations).toContainEqual(
      expect.objectContaining({
        rule: 'efs-mount-target-nfs-ingress',
        resourceId: 'sg-1',
        complianceType: 'NON_COMPLIANT',
        annotation: expect.stringContaining(
          'IpPermissions[0].IpRanges[0].CidrIp "10.0.0.0/8x" is not a valid CIDR',
        ),
      }),
    );
    expect(evaluations).toContainEqual(
      expect.objectContaining({ resourceId: 'fs-1', complianceType: 'NON_COMPLIANT' }),
    );
  });

  it('names the file, the resource and the field of a malformed address', async () => {
    const path = file('bad-address.json', JSON.stringify(withInterface('10.0.0.999')));
    const result = await runCli(['scan', '--snapshot', path]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(ONE_LINE);
    expect(result.stderr).toContain(
      `${path}: network interface eni-1: PrivateIpAddress "10.0.0.999" is not a valid IP address`,
    );
  });

  it('rejects --params for an unknown rule and invalid parameters with the rule’s message', async () => {
    const unknown = await runCli([
      'scan',
      '--snapshot',
      'x',
      '--params',
      file('p1.json', '{"efs-nope": {}}'),
    ]);
    expect(unknown).toMatchObject({ code: 2, stdout: '' });
    expect(unknown.stderr).toMatch(/unknown rule efs-nope/);
    const invalid = await runCli([
      'scan',
      '--snapshot',
      'x',
      '--params',
      file('p2.json', '{"efs-nfs-network-acl": {"clientPortRange": "banana"}}'),
    ]);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toMatch(ONE_LINE);
    expect(invalid.stderr).toMatch(/^efsguard: efs-nfs-network-acl: invalid parameter clientPortRange/);
  });
});

describe('text encodings of input files', () => {
  const demoText = readFileSync(join(ROOT, 'demo', 'demo-snapshot.json'), 'utf8');
  const binary = (name: string, content: Buffer) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };

  it('strips a UTF-8 byte-order mark (as Windows editors write) from a snapshot and a params file', async () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    const snapshot = binary('bom-snapshot.json', Buffer.concat([bom, Buffer.from(demoText)]));
    const params = binary(
      'bom-params.json',
      Buffer.concat([bom, Buffer.from('{"efs-nfs-network-acl": {}}')]),
    );
    const result = await runCli(['scan', '--snapshot', snapshot, '--params', params, '--format', 'json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as ScanReport).summary.total).toBeGreaterThan(0);
  });

  it.each([
    [
      'UTF-16LE with a byte-order mark',
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"a": 1}', 'utf16le')]),
    ],
    [
      'UTF-16BE with a byte-order mark',
      Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from('{"a": 1}', 'utf16le').swap16()]),
    ],
    ['UTF-16LE without one', Buffer.from('{"a": 1}', 'utf16le')],
  ])('refuses %s, saying so', async (_, content) => {
    const path = binary('utf16.json', content);
    for (const argv of [
      ['scan', '--snapshot', path],
      ['scan', '--snapshot', join(ROOT, 'demo', 'demo-snapshot.json'), '--params', path],
      ['invoke', '--event', path],
    ]) {
      const result = await runCli(argv);
      expect(result).toMatchObject({ code: 2, stdout: '' });
      expect(result.stderr).toMatch(ONE_LINE);
      expect(result.stderr).toContain(`${path}: the file is UTF-16 encoded; save it as UTF-8`);
    }
  });
});

describe('help', () => {
  it('scan --help lists every rule id, with its title', async () => {
    const result = await runCli(['scan', '--help']);
    expect(result.code).toBe(0);
    for (const rule of RULES) {
      expect(result.stdout).toMatch(new RegExp(`^  ${rule.id} +${rule.title.slice(0, 20)}`, 'm'));
    }
  });
});

describe('--params keys', () => {
  it.each([
    ['{"__proto__": {"efs-mount-target-nfs-ingress": {"allowedCidrs": "0.0.0.0/0"}}}', '__proto__'],
    ['{"constructor": {}}', 'constructor'],
    ['{"efs-mount-target-nfs-ingress": {"__proto__": {"allowedCidrs": "0.0.0.0/0"}}}', '__proto__'],
    ['{"efs-mount-target-nfs-ingress": {"constructor": "x"}}', 'constructor'],
    ['{"efs-mount-target-nfs-ingress": {"allowedCIDRs": "10.0.0.0/8"}}', 'allowedCIDRs'],
  ])('refuses %s naming the key %s', async (json, key) => {
    const demo = join(ROOT, 'demo', 'demo-snapshot.json');
    const result = await runCli(['scan', '--snapshot', demo, '--params', file('keys.json', json)]);
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toMatch(ONE_LINE);
    expect(result.stderr).toContain(key);
  });
});

describe('snapshots that lack a part a rule reads', () => {
  const demo = JSON.parse(readFileSync(join(ROOT, 'demo', 'demo-snapshot.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  const networkOnly = () =>
    file(
      'network-only.json',
      JSON.stringify({ ...demo, parts: ['network'], accessPoints: [], iam: undefined, routing: undefined }),
    );

  it('skips, with one warning, the rules not asked for by name', async () => {
    const result = await runCli(['scan', '--snapshot', networkOnly(), '--format', 'json']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(
      'efsguard: warning: skipping efs-file-system-policy, efs-access-point-posix-identity, efs-api-least-privilege: ' +
        'the snapshot lacks fileSystemPolicies, accessPoints, iam (efs-file-system-policy needs fileSystemPolicies; ' +
        'efs-access-point-posix-identity needs accessPoints; efs-api-least-privilege needs iam)\n',
    );
    const rules = new Set((JSON.parse(result.stdout) as ScanReport).evaluations.map((e) => e.rule));
    expect([...rules].sort()).toEqual([
      'efs-client-nfs-egress',
      'efs-mount-target-nfs-ingress',
      'efs-nfs-exposure',
      'efs-nfs-network-acl',
    ]);
  });

  it('exits 2 naming the missing part when the rule was asked for with --rules', async () => {
    const result = await runCli(['scan', '--snapshot', networkOnly(), '--rules', 'efs-file-system-policy']);
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toMatch(ONE_LINE);
    expect(result.stderr).toMatch(
      /network-only\.json: the snapshot lacks parts the selected rules read \(efs-file-system-policy needs fileSystemPolicies\); it holds network/,
    );
  });

  it('treats an older file without parts as complete, except for IAM when it has none', async () => {
    const old = file('old.json', JSON.stringify({ ...demo, parts: undefined, iam: undefined }));
    const skipped = await runCli(['scan', '--snapshot', old, '--format', 'json']);
    expect(skipped.code).toBe(0);
    expect(skipped.stderr).toMatch(
      /^efsguard: warning: skipping efs-api-least-privilege: the snapshot lacks iam/,
    );
    const asked = await runCli(['scan', '--snapshot', old, '--rules', 'efs-api-least-privilege']);
    expect(asked.code).toBe(2);
    expect(asked.stderr).toMatch(/efs-api-least-privilege needs iam.*\(record it without --no-iam\)/);
  });

  it('rejects a snapshot naming a part that does not exist', async () => {
    const result = await runCli([
      'scan',
      '--snapshot',
      file('typo.json', JSON.stringify({ ...demo, parts: ['netwrok'] })),
    ]);
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toMatch(/typo\.json: invalid snapshot at parts\[0\]/);
  });
});

describe('an endpoint that accepts the connection and never answers', () => {
  let stalled: NetServer;
  let url: string;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    stalled = createNetServer((socket) => {
      sockets.push(socket);
    });
    await new Promise<void>((resolve) => stalled.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(stalled.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => stalled.close(resolve));
  });

  it.each([
    ['scan', ['--format', 'json']],
    ['snapshot', []],
  ])(
    '%s gives up at --timeout with exit 2, naming the call it waited for and the endpoint',
    async (command, extra) => {
      const result = await runCli(
        [command, '--endpoint-url', url, '--region', 'us-east-1', '--timeout', '1s', ...extra],
        {
          createClients: (options: AwsClientOptions) =>
            createAwsClients({ ...options, credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }),
        },
      );
      expect(result).toMatchObject({ code: 2, stdout: '' });
      expect(result.stderr).toMatch(ONE_LINE);
      expect(result.stderr).toMatch(
        new RegExp(
          `^efsguard: gave up after 1s \\(--timeout\\): still waiting for [a-z0-9]+:\\w+ from ${url}\\n$`,
        ),
      );
    },
    20_000,
  );

  it('refuses a --timeout that is not a duration', async () => {
    const result = await runCli(['scan', '--timeout', 'soon']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--timeout must be a duration such as 90s, 15m or 1h, got soon/);
  });
});

describe('AWS errors', () => {
  it('names the IAM action on AccessDenied and prints no verdicts', async () => {
    const ec2Mock = mockClient(EC2Client);
    const stsMock = mockClient(STSClient);
    stsMock.on(GetCallerIdentityCommand).resolves({ Account: '123456789012' });
    ec2Mock.resolves({});
    ec2Mock.on(DescribeVpcsCommand).rejects(
      new EC2ServiceException({
        name: 'UnauthorizedOperation',
        message: 'You are not authorized to perform this operation.',
        $fault: 'client',
        $metadata: { httpStatusCode: 403 },
      }),
    );
    const result = await runCli(['scan', '--region', 'us-east-1', '--format', 'json'], {
      createClients: () =>
        createAwsClients({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }),
    });
    ec2Mock.restore();
    stsMock.restore();
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toMatch(ONE_LINE);
    expect(result.stderr).toMatch(/access denied: the caller is not allowed to call ec2:DescribeVpcs/);
  });

  describe('the packaged command', () => {
    beforeAll(async () => {
      await execFileAsync('node', ['scripts/build-cli.mjs'], { cwd: ROOT });
    }, 60_000);

    // An environment with no AWS configuration at all.
    const bareEnv = () => ({
      PATH: process.env.PATH ?? '',
      HOME: dir,
      AWS_CONFIG_FILE: join(dir, 'no-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-credentials'),
      AWS_EC2_METADATA_DISABLED: 'true',
    });

    it('reports a missing region', async () => {
      const failure = execFileAsync('node', ['dist/cli.js', 'scan'], {
        cwd: ROOT,
        env: { ...bareEnv(), AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' },
      });
      await expect(failure).rejects.toMatchObject({
        code: 2,
        stdout: '',
        stderr:
          'efsguard: no AWS region: pass --region, set AWS_REGION, or set a region in your AWS profile\n',
      });
    });

    it('reports missing credentials', async () => {
      const failure = execFileAsync('node', ['dist/cli.js', 'snapshot', '--region', 'us-east-1'], {
        cwd: ROOT,
        env: bareEnv(),
      });
      await expect(failure).rejects.toMatchObject({
        code: 2,
        stdout: '',
        stderr: expect.stringMatching(/^efsguard: no AWS credentials found: [^\n]+\n$/),
      });
    });

    it('exits 2 at --timeout against an endpoint that never answers, and does not linger', async () => {
      const stalled = createNetServer(() => {});
      await new Promise<void>((resolve) => stalled.listen(0, '127.0.0.1', resolve));
      const url = `http://127.0.0.1:${(stalled.address() as AddressInfo).port}`;
      const failure = execFileAsync(
        'node',
        ['dist/cli.js', 'scan', '--endpoint-url', url, '--region', 'us-east-1', '--timeout', '1s'],
        { cwd: ROOT, env: { ...bareEnv(), AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' } },
      );
      await expect(failure).rejects.toMatchObject({
        code: 2,
        stdout: '',
        stderr: expect.stringMatching(
          /^efsguard: gave up after 1s \(--timeout\): still waiting for \S+ from http/,
        ),
      });
      stalled.close();
    }, 20_000);

    // `efsguard scan --format json | head -1`: the reader goes away before the report is written.
    it.each([[['--format', 'json']], [['--all']]])(
      'exits quietly when stdout is a pipe closed early (%j)',
      async (format) => {
        const child = spawn(
          'node',
          ['dist/cli.js', 'scan', '--snapshot', join(ROOT, 'demo', 'demo-snapshot.json'), ...format],
          { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
        );
        child.stdout.destroy(); // close the read end at once, as `| true` does
        let stderr = '';
        child.stderr.on('data', (chunk: Buffer) => {
          stderr += chunk.toString();
        });
        const code = await new Promise<number | null>((resolve) =>
          child.on('close', (status) => resolve(status)),
        );
        expect(stderr).toBe('');
        expect(code).toBe(0);
      },
    );

    it.each([
      ['--profile', ['scan', '--profile', 'nosuch', '--region', 'us-east-1'], {}],
      ['AWS_PROFILE', ['snapshot', '--region', 'us-east-1'], { AWS_PROFILE: 'nosuch' }],
    ])('says a profile named by %s does not exist, in one line (no SDK warning)', async (_, argv, extra) => {
      const config = join(dir, 'profiles-config');
      const credentials = join(dir, 'profiles-credentials');
      writeFileSync(config, '[default]\nregion = us-east-1\n[profile other]\nregion = eu-west-1\n');
      writeFileSync(credentials, '[default]\naws_access_key_id = a\naws_secret_access_key = b\n');
      const failure = execFileAsync('node', ['dist/cli.js', ...argv], {
        cwd: ROOT,
        env: {
          ...bareEnv(),
          AWS_CONFIG_FILE: config,
          AWS_SHARED_CREDENTIALS_FILE: credentials,
          // Static keys as well: the SDK warns over several lines when a profile and keys are both set.
          AWS_ACCESS_KEY_ID: 'a',
          AWS_SECRET_ACCESS_KEY: 'b',
          ...extra,
        },
      });
      await expect(failure).rejects.toMatchObject({
        code: 2,
        stdout: '',
        stderr: `efsguard: AWS profile nosuch does not exist: it is in neither ${config} nor ${credentials}\n`,
      });
    });

    it('prints help', async () => {
      const { stdout } = await execFileAsync('node', ['dist/cli.js', '--help'], { cwd: ROOT });
      expect(stdout).toContain('Usage: efsguard');
      expect(stdout).toMatch(/scan \[options\]/);
      expect(stdout).toMatch(/snapshot \[options\]/);
    });
  });
});
