// The neighbourhood load's calls: which commands and filters each event sends, that their number
// does not grow with unrelated resources, and how it treats deleted seeds, failures, pagination,
// long filter lists, forged descriptions and emulators' unlabelled mount-target interfaces.
import { EC2Client } from '@aws-sdk/client-ec2';
import { EFSClient } from '@aws-sdk/client-efs';
import { loadNeighbourhood, UnsupportedSeedError } from '../../../aws/load/neighbourhood';
import { AccessDeniedError, AwsCallError } from '../../../aws/sdk/errors';
import type { Snapshot } from '../../../aws/snapshot/format';
import { normaliseSnapshot } from '../../../aws/snapshot/normalise';
import type { ResourceRef, TopologyPart } from '../../../core/model';
import { ACCOUNT, REGION } from '../../helpers/accounts';
import {
  addUnrelatedVpcs,
  buildRichAccount,
  buildTypicalAccount,
  FakeAccount,
  fromGroup,
  nfs,
} from '../../helpers/fake-account';
import { awsError, EC2_MAX_FILTER_VALUES, type FakeAws, installFakeAws } from '../../helpers/fake-aws';

const clients = { ec2: new EC2Client({ region: REGION }), efs: new EFSClient({ region: REGION }) };
// The network rules' part: the per-event calls below are what their functions send.
const options = { accountId: ACCOUNT, region: REGION, parts: ['network'] as TopologyPart[] };
const EVERY_EFS_PART: TopologyPart[] = ['network', 'fileSystemPolicies', 'accessPoints'];

let fake: FakeAws | undefined;
afterEach(() => {
  fake?.restore();
  fake = undefined;
});

function serve(snapshot: Snapshot, pageSize?: number): FakeAws {
  fake = installFakeAws(snapshot, pageSize ? { pageSize } : {});
  return fake;
}

/** One call as `Command filter=values` or `Command {params}`, sorted: rounds run in parallel. */
function describeCalls(aws: FakeAws): string[] {
  return aws
    .calls()
    .map(({ command, input }) => {
      const filters = input.Filters as { Name: string; Values: string[] }[] | undefined;
      if (filters)
        return `${command} ${filters.map((f) => `${f.Name}=${[...f.Values].sort().join(',')}`).join(' ')}`;
      const params = Object.entries(input).filter(
        ([key]) => !['MaxResults', 'MaxItems', 'NextToken', 'Marker'].includes(key),
      );
      return `${command} ${params.map(([key, value]) => `${key}=${String(value)}`).join(' ')}`;
    })
    .sort();
}

const SG = 'AWS::EC2::SecurityGroup';
const ENI = 'AWS::EC2::NetworkInterface';
const FS = 'AWS::EFS::FileSystem';
const ACL = 'AWS::EC2::NetworkAcl';
const ALL_SUBNETS = 'subnet-id=subnet-0appa,subnet-0appb,subnet-0dataa,subnet-0datab,subnet-0datac';

/** The typical events of the benchmark's API calls per change event (README, Performance), and the exact calls each sends. */
const EVENTS: readonly { event: string; seed: ResourceRef; calls: string[] }[] = [
  {
    event: 'mount-target group change',
    seed: { resourceType: SG, resourceId: 'sg-0mt' },
    calls: [
      'DescribeFileSystems FileSystemId=fs-0001',
      'DescribeMountTargets FileSystemId=fs-0001',
      'DescribeNetworkAcls vpc-id=vpc-0a',
      'DescribeNetworkInterfaces group-id=sg-0client',
      'DescribeNetworkInterfaces group-id=sg-0mt',
      `DescribeNetworkInterfaces ${ALL_SUBNETS}`,
      'DescribeSecurityGroups egress.ip-permission.group-id=sg-0mt',
      'DescribeSecurityGroups group-id=sg-0mt',
      'DescribeSecurityGroups ip-permission.group-id=sg-0client,sg-0mt',
      'DescribeSecurityGroups ip-permission.group-id=sg-0web',
    ],
  },
  {
    event: 'client group change',
    seed: { resourceType: SG, resourceId: 'sg-0client' },
    calls: [
      'DescribeFileSystems FileSystemId=fs-0001',
      'DescribeMountTargets FileSystemId=fs-0001',
      'DescribeNetworkAcls vpc-id=vpc-0a',
      'DescribeNetworkInterfaces group-id=sg-0client',
      'DescribeNetworkInterfaces group-id=sg-0mt',
      `DescribeNetworkInterfaces ${ALL_SUBNETS}`,
      'DescribeSecurityGroups egress.ip-permission.group-id=sg-0client',
      'DescribeSecurityGroups group-id=sg-0client',
      'DescribeSecurityGroups ip-permission.group-id=sg-0client',
      'DescribeSecurityGroups ip-permission.group-id=sg-0web',
    ],
  },
  {
    event: 'client interface change',
    seed: { resourceType: ENI, resourceId: 'eni-0client1' },
    calls: [
      'DescribeFileSystems FileSystemId=fs-0001',
      'DescribeMountTargets FileSystemId=fs-0001',
      'DescribeNetworkAcls vpc-id=vpc-0a',
      'DescribeNetworkInterfaces group-id=sg-0client',
      'DescribeNetworkInterfaces group-id=sg-0mt',
      'DescribeNetworkInterfaces network-interface-id=eni-0client1',
      `DescribeNetworkInterfaces ${ALL_SUBNETS}`,
      'DescribeSecurityGroups group-id=sg-0client',
      'DescribeSecurityGroups ip-permission.group-id=sg-0client',
      'DescribeSecurityGroups ip-permission.group-id=sg-0web',
    ],
  },
  {
    event: 'file-system change',
    seed: { resourceType: FS, resourceId: 'fs-0001' },
    calls: [
      'DescribeFileSystems FileSystemId=fs-0001',
      'DescribeMountTargets FileSystemId=fs-0001',
      'DescribeNetworkAcls vpc-id=vpc-0a',
      'DescribeNetworkInterfaces group-id=sg-0client,sg-0mt',
      'DescribeNetworkInterfaces network-interface-id=eni-0001a,eni-0001b,eni-0001c',
      `DescribeNetworkInterfaces ${ALL_SUBNETS}`,
      'DescribeSecurityGroups group-id=sg-0client',
      'DescribeSecurityGroups group-id=sg-0mt',
      'DescribeSecurityGroups ip-permission.group-id=sg-0client',
      'DescribeSecurityGroups ip-permission.group-id=sg-0web',
    ],
  },
  {
    event: 'ACL change',
    seed: { resourceType: ACL, resourceId: 'acl-0data' },
    calls: [
      'DescribeFileSystems FileSystemId=fs-0001',
      'DescribeMountTargets FileSystemId=fs-0001',
      'DescribeNetworkAcls NetworkAclIds=acl-0data',
      'DescribeNetworkInterfaces group-id=sg-0client,sg-0mt',
      'DescribeNetworkInterfaces subnet-id=subnet-0dataa,subnet-0datab,subnet-0datac',
      'DescribeSecurityGroups group-id=sg-0client',
      'DescribeSecurityGroups group-id=sg-0mt',
    ],
  },
];

describe('calls per event', () => {
  it.each(EVENTS.map((e) => [e.event, e] as const))(
    '%s sends exactly the expected filtered calls',
    async (_event, e) => {
      const aws = serve(buildTypicalAccount().snapshot());
      await loadNeighbourhood(clients, [e.seed], options);
      expect(describeCalls(aws)).toEqual([...e.calls].sort());
      expect(aws.count()).toBeLessThanOrEqual(12);
    },
  );

  it.each(EVENTS.map((e) => [e.event, e] as const))(
    '%s makes the same number of calls in an account with 100x more unrelated resources',
    async (_event, e) => {
      const small = serve(buildTypicalAccount().snapshot());
      await loadNeighbourhood(clients, [e.seed], options);
      const smallCalls = describeCalls(small);
      small.restore();
      const large = addUnrelatedVpcs(buildTypicalAccount(), 100).snapshot();
      // Unrelated resources in the same VPC too: an idle subnet, its ACL, groups and interfaces.
      const same = new FakeAccount();
      same.subnet('subnet-0idle', 'vpc-0a', '10.0.99.0/24').acl('acl-0idle', 'vpc-0a', ['subnet-0idle'], []);
      for (let i = 0; i < 100; i++)
        same.group(`sg-0idle${i}`, 'vpc-0a').eni(`eni-0idle${i}`, 'subnet-0idle', [`sg-0idle${i}`]);
      const extra = same.snapshot();
      large.subnets.push(...extra.subnets);
      large.networkAcls.push(...extra.networkAcls);
      large.securityGroups.push(...extra.securityGroups);
      large.networkInterfaces.push(...extra.networkInterfaces);
      expect(large.networkInterfaces.length).toBeGreaterThanOrEqual(100 * 4);
      const aws = serve(large);
      await loadNeighbourhood(clients, [e.seed], options);
      expect(describeCalls(aws)).toEqual(smallCalls);
    },
  );

  it('never lists a whole account: every EC2 call is filtered and every EFS call names its resource', async () => {
    const aws = serve(buildRichAccount().snapshot());
    for (const seed of [
      { resourceType: SG, resourceId: 'sg-0mt1' },
      { resourceType: ENI, resourceId: 'eni-0c1b' },
      { resourceType: FS, resourceId: 'fs-0001' },
      { resourceType: ACL, resourceId: 'acl-0app' },
    ] as const) {
      await loadNeighbourhood(clients, [seed], options);
    }
    for (const { command, input } of aws.calls()) {
      if (
        command.startsWith('Describe') &&
        command !== 'DescribeFileSystemPolicy' &&
        !command.startsWith('DescribeMount')
      ) {
        const named =
          input.Filters !== undefined ||
          input.NetworkAclIds !== undefined ||
          input.FileSystemId !== undefined ||
          input.AccessPointId !== undefined;
        expect({ command, named }).toEqual({ command, named: true });
      }
    }
  });

  it('an access point seed asks only for that access point', async () => {
    const aws = serve(buildRichAccount().snapshot());
    const snapshot = await loadNeighbourhood(
      clients,
      [{ resourceType: 'AWS::EFS::AccessPoint', resourceId: 'fsap-0001' }],
      { ...options, parts: ['accessPoints'] },
    );
    expect(describeCalls(aws)).toEqual(['DescribeAccessPoints AccessPointId=fsap-0001']);
    expect(snapshot.accessPoints.map((ap) => ap.AccessPointId)).toEqual(['fsap-0001']);
  });
});

describe('what the snapshot holds', () => {
  it('loads the policy of a file-system seed and leaves other file systems without one', async () => {
    const aws = serve(buildRichAccount().snapshot());
    const both = { ...options, parts: ['network', 'fileSystemPolicies'] as TopologyPart[] };
    const bySeed = await loadNeighbourhood(clients, [{ resourceType: FS, resourceId: 'fs-0001' }], both);
    expect(bySeed.parts).toEqual(['network', 'fileSystemPolicies']);
    expect(bySeed.fileSystems.find((fs) => fs.FileSystemId === 'fs-0001')?.Policy).toContain('2012-10-17');
    // The network part described the file system already: the policy part does not ask again.
    expect(
      describeCalls(aws).filter((call) => call === 'DescribeFileSystems FileSystemId=fs-0001'),
    ).toHaveLength(1);
    const byGroup = await loadNeighbourhood(clients, [{ resourceType: SG, resourceId: 'sg-0mt1' }], both);
    const unread = byGroup.fileSystems.find((fs) => fs.FileSystemId === 'fs-0001');
    expect(unread).toBeDefined();
    expect(unread).not.toHaveProperty('Policy');
  });

  it('reads no policy for the network part alone, and records that it did not', async () => {
    const aws = serve(buildRichAccount().snapshot());
    const snapshot = await loadNeighbourhood(clients, [{ resourceType: FS, resourceId: 'fs-0001' }], options);
    expect(aws.count('DescribeFileSystemPolicy')).toBe(0);
    expect(snapshot.parts).toEqual(['network']);
    expect(snapshot.fileSystems.find((fs) => fs.FileSystemId === 'fs-0001')).not.toHaveProperty('Policy');
  });

  it('reads only the file system and its policy for the policy part alone', async () => {
    const aws = serve(buildRichAccount().snapshot());
    const snapshot = await loadNeighbourhood(clients, [{ resourceType: FS, resourceId: 'fs-0001' }], {
      ...options,
      parts: ['fileSystemPolicies'],
    });
    expect(describeCalls(aws)).toEqual([
      'DescribeFileSystemPolicy FileSystemId=fs-0001',
      'DescribeFileSystems FileSystemId=fs-0001',
    ]);
    expect(snapshot.fileSystems).toHaveLength(1);
    expect(snapshot.fileSystems[0]).toMatchObject({ FileSystemId: 'fs-0001', MountTargets: [] });
    expect(snapshot.networkInterfaces).toEqual([]);
  });

  it('gives each mount target its interface groups, which are its security groups', async () => {
    const account = buildRichAccount().snapshot();
    serve(account);
    const snapshot = await loadNeighbourhood(clients, [{ resourceType: FS, resourceId: 'fs-0002' }], options);
    expect(snapshot.fileSystems.find((fs) => fs.FileSystemId === 'fs-0002')?.MountTargets).toEqual(
      account.fileSystems.find((fs) => fs.FileSystemId === 'fs-0002')?.MountTargets,
    );
  });

  it('does not take a forged mount-target description at its word', async () => {
    const aws = serve(buildRichAccount().snapshot());
    const snapshot = await loadNeighbourhood(
      clients,
      [{ resourceType: ENI, resourceId: 'eni-0forged' }],
      options,
    );
    // The description made it ask about fs-0001, whose mount targets do not include the interface.
    expect(aws.calls()).toContainEqual(
      expect.objectContaining({
        command: 'DescribeMountTargets',
        input: expect.objectContaining({ FileSystemId: 'fs-0001' }),
      }),
    );
    const topology = normaliseSnapshot(snapshot);
    expect(topology.mountTargets.map((mt) => mt.networkInterfaceId)).not.toContain('eni-0forged');
    expect(topology.networkInterfaces.map((e) => e.networkInterfaceId)).toContain('eni-0forged');
  });

  it('finds unlabelled (moto-style) mount-target interfaces by listing file systems, only when probing', async () => {
    const aws = serve(buildRichAccount('moto').snapshot());
    const seed = { resourceType: SG, resourceId: 'sg-0mt1' } as const;
    const probed = normaliseSnapshot(
      await loadNeighbourhood(clients, [seed], { ...options, probeUnlabelledInterfaces: true }),
    );
    expect(aws.calls()).toContainEqual({
      command: 'DescribeFileSystems',
      input: expect.not.objectContaining({ FileSystemId: expect.anything() }),
    });
    expect(probed.mountTargets.map((mt) => mt.mountTargetId)).toEqual(
      expect.arrayContaining(['fsmt-0001a', 'fsmt-0001b']),
    );
    aws.resetCalls();
    const unprobed = normaliseSnapshot(await loadNeighbourhood(clients, [seed], options));
    expect(aws.count('DescribeFileSystems')).toBe(0);
    expect(unprobed.mountTargets).toEqual([]);
  });

  it('probes by default against a custom endpoint (an emulator), not against AWS', async () => {
    const aws = serve(buildRichAccount('moto').snapshot());
    const local = {
      ec2: new EC2Client({ region: REGION, endpoint: 'http://127.0.0.1:5000' }),
      efs: new EFSClient({ region: REGION, endpoint: 'http://127.0.0.1:5000' }),
    };
    const topology = normaliseSnapshot(
      await loadNeighbourhood(local, [{ resourceType: SG, resourceId: 'sg-0mt1' }], options),
    );
    expect(topology.mountTargets.length).toBeGreaterThan(0);
    expect(aws.count('DescribeFileSystems')).toBeGreaterThan(0);
  });

  it.each(['AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_EC2'])(
    'probes by default when %s points the SDK at an emulator',
    async (variable) => {
      const aws = serve(buildRichAccount('moto').snapshot());
      const saved = process.env[variable];
      process.env[variable] = 'http://127.0.0.1:5000';
      try {
        // No explicit endpoint: the SDK takes it from the environment (efsguard invoke, scan).
        const local = {
          ec2: new EC2Client({ region: REGION }),
          efs: new EFSClient({ region: REGION }),
        };
        const topology = normaliseSnapshot(
          await loadNeighbourhood(local, [{ resourceType: SG, resourceId: 'sg-0mt1' }], options),
        );
        expect(topology.mountTargets.map((mt) => mt.mountTargetId)).toEqual(
          expect.arrayContaining(['fsmt-0001a', 'fsmt-0001b']),
        );
        expect(aws.count('DescribeFileSystems')).toBeGreaterThan(0);
      } finally {
        if (saved === undefined) delete process.env[variable];
        else process.env[variable] = saved;
      }
    },
  );

  it('is the same snapshot whatever the page size', async () => {
    const account = buildRichAccount().snapshot();
    const seed = { resourceType: SG, resourceId: 'sg-0c2' } as const;
    serve(account);
    const whole = await loadNeighbourhood(clients, [seed], { ...options, capturedAt: new Date(0) });
    fake?.restore();
    const paged = serve(account, 1);
    const byPage = await loadNeighbourhood(clients, [seed], { ...options, capturedAt: new Date(0) });
    expect(byPage).toEqual(whole);
    // Pages of one item: some lookups took several calls.
    expect(paged.calls().some((call) => call.input.NextToken !== undefined)).toBe(true);
  });

  it('splits a filter longer than EC2 accepts over several requests', async () => {
    const account = buildTypicalAccount();
    account.subnet('subnet-0many', 'vpc-0a', '10.0.50.0/24');
    for (let i = 0; i < 250; i++)
      account
        .group(`sg-0own${i}`, 'vpc-0a')
        .eni(`eni-0many${i}`, 'subnet-0many', ['sg-0client', `sg-0own${i}`]);
    const aws = serve(account.snapshot());
    const snapshot = await loadNeighbourhood(
      clients,
      [{ resourceType: SG, resourceId: 'sg-0client' }],
      options,
    );
    const reverse = aws
      .calls()
      .filter(
        (call) =>
          (call.input.Filters as { Name: string }[] | undefined)?.[0]?.Name === 'ip-permission.group-id',
      );
    for (const call of aws.calls()) {
      for (const filter of (call.input.Filters as { Values: string[] }[] | undefined) ?? []) {
        expect(filter.Values.length).toBeLessThanOrEqual(EC2_MAX_FILTER_VALUES);
      }
    }
    expect(reverse.length).toBeGreaterThanOrEqual(2);
    expect(snapshot.networkInterfaces.filter((e) => e.SubnetId === 'subnet-0many')).toHaveLength(250);
  });

  it('rejects a seed that none of the parts asked for expands, naming the part that would', async () => {
    const aws = serve(buildTypicalAccount().snapshot());
    await expect(
      loadNeighbourhood(clients, [{ resourceType: 'AWS::IAM::Role', resourceId: 'AROA1' }], options),
    ).rejects.toThrow(UnsupportedSeedError);
    await expect(
      loadNeighbourhood(clients, [{ resourceType: 'AWS::EFS::AccessPoint', resourceId: 'fsap-1' }], options),
    ).rejects.toThrow(
      /parts network cannot expand AWS::EFS::AccessPoint seeds \(fsap-1\); the part accessPoints would/,
    );
    expect(aws.count()).toBe(0);
  });
});

describe('the fake', () => {
  it('rejects a filter it does not implement instead of ignoring it', async () => {
    serve(buildTypicalAccount().snapshot());
    const { DescribeNetworkInterfacesCommand } = await import('@aws-sdk/client-ec2');
    await expect(
      clients.ec2.send(
        new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'tag:Name', Values: ['x'] }] }),
      ),
    ).rejects.toThrow(/not supported/);
  });
});

describe('deleted seeds', () => {
  it.each([
    [SG, 'sg-0gone', 'securityGroups'],
    [ENI, 'eni-0gone', 'networkInterfaces'],
    [ACL, 'acl-0gone', 'networkAcls'],
    [FS, 'fs-0gone', 'fileSystems'],
    ['AWS::EFS::AccessPoint', 'fsap-0gone', 'accessPoints'],
  ] as const)('a deleted %s is simply absent, not an error', async (resourceType, resourceId, key) => {
    serve(buildTypicalAccount().snapshot());
    const snapshot = await loadNeighbourhood(clients, [{ resourceType, resourceId }], {
      ...options,
      parts: EVERY_EFS_PART,
    });
    expect(JSON.stringify(snapshot[key])).not.toContain(resourceId);
  });

  it('a deleted mount-target group still reaches the groups that reference it', async () => {
    const account = buildTypicalAccount().setRules('sg-0mt', {
      ingress: [nfs(fromGroup('sg-0client')), nfs(fromGroup('sg-0gone'))],
    });
    serve(account.snapshot());
    const topology = normaliseSnapshot(
      await loadNeighbourhood(clients, [{ resourceType: SG, resourceId: 'sg-0gone' }], options),
    );
    expect(topology.securityGroups.map((g) => g.groupId)).toContain('sg-0mt');
    expect(topology.fileSystems.map((fs) => fs.fileSystemId)).toEqual(['fs-0001']);
  });
});

describe('failures', () => {
  it.each([
    ['DescribeNetworkInterfaces', 'UnauthorizedOperation', 'ec2:DescribeNetworkInterfaces'],
    ['DescribeSecurityGroups', 'UnauthorizedOperation', 'ec2:DescribeSecurityGroups'],
    ['DescribeMountTargets', 'AccessDeniedException', 'elasticfilesystem:DescribeMountTargets'],
  ])('%s denied (%s) rejects the whole load, naming %s', async (command, code, action) => {
    const aws = serve(buildTypicalAccount().snapshot());
    aws.fail(command, awsError(code));
    const load = loadNeighbourhood(clients, [{ resourceType: SG, resourceId: 'sg-0mt' }], options);
    await expect(load).rejects.toThrow(AccessDeniedError);
    await expect(load).rejects.toMatchObject({ action });
  });

  it('any other failure of a seed lookup is an error, not a deleted seed', async () => {
    const aws = serve(buildTypicalAccount().snapshot());
    aws.fail('DescribeMountTargets', awsError('InternalServerError'));
    await expect(
      loadNeighbourhood(clients, [{ resourceType: FS, resourceId: 'fs-0001' }], options),
    ).rejects.toThrow(AwsCallError);
  });
});
