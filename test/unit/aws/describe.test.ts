import {
  DescribeManagedPrefixListsCommand,
  DescribeNetworkAclsCommand,
  DescribeSecurityGroupsCommand,
  DescribeVpcsCommand,
  EC2Client,
  EC2ServiceException,
  GetManagedPrefixListEntriesCommand,
} from '@aws-sdk/client-ec2';
import {
  DescribeFileSystemPolicyCommand,
  DescribeFileSystemsCommand,
  EFSClient,
  FileSystemNotFound,
  PolicyNotFound,
} from '@aws-sdk/client-efs';
import { GetAccountAuthorizationDetailsCommand, IAMClient } from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import {
  chunkValues,
  describeFileSystemPolicy,
  describeFileSystems,
  describeNetworkAclsById,
  describeSecurityGroups,
  describeVpcs,
  expandFilters,
  getAccountAuthorizationDetails,
  getManagedPrefixListEntries,
  MAX_FILTER_VALUES,
  mapWithConcurrency,
} from '../../../aws/load/describe';
import { AccessDeniedError, AwsCallError } from '../../../aws/sdk/errors';

const ec2Mock = mockClient(EC2Client);
const efsMock = mockClient(EFSClient);
const iamMock = mockClient(IAMClient);
const ec2 = new EC2Client({ region: 'us-east-1' });
const efs = new EFSClient({ region: 'us-east-1' });
const iam = new IAMClient({ region: 'us-east-1' });

beforeEach(() => {
  ec2Mock.reset();
  efsMock.reset();
  iamMock.reset();
});

const ec2Error = (name: string, message: string) =>
  new EC2ServiceException({ name, message, $fault: 'client', $metadata: { httpStatusCode: 403 } });

describe('pagination', () => {
  it('follows NextToken over several pages and returns every item', async () => {
    // The paginator reuses one input object, so record each request's token when it is sent.
    const tokens: (string | undefined)[] = [];
    const pages = [
      { SecurityGroups: [{ GroupId: 'sg-1' }], NextToken: 't1' },
      { SecurityGroups: [{ GroupId: 'sg-2' }, { GroupId: 'sg-3' }], NextToken: 't2' },
      { SecurityGroups: [{ GroupId: 'sg-4' }] },
    ];
    ec2Mock.on(DescribeSecurityGroupsCommand).callsFake((input: { NextToken?: string }) => {
      tokens.push(input.NextToken);
      return pages[tokens.length - 1];
    });
    const groups = await describeSecurityGroups(ec2);
    expect(groups.map((group) => group.GroupId)).toEqual(['sg-1', 'sg-2', 'sg-3', 'sg-4']);
    expect(tokens).toEqual([undefined, 't1', 't2']);
  });

  it('merges a group that two pages return identically, and fails when the two copies differ', async () => {
    const pagesWith = (second: object) => {
      let call = 0;
      ec2Mock
        .on(DescribeSecurityGroupsCommand)
        .callsFake(() =>
          call++ === 0
            ? { SecurityGroups: [{ GroupId: 'sg-1', IpPermissions: [] }], NextToken: 't1' }
            : { SecurityGroups: [second] },
        );
    };
    pagesWith({ GroupId: 'sg-1', IpPermissions: [] });
    await expect(describeSecurityGroups(ec2)).resolves.toEqual([{ GroupId: 'sg-1', IpPermissions: [] }]);
    ec2Mock.reset();
    pagesWith({
      GroupId: 'sg-1',
      IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
    });
    await expect(describeSecurityGroups(ec2)).rejects.toThrow(
      'ec2:DescribeSecurityGroups returned sg-1 twice with different contents',
    );
  });

  it('applies the same rule to EFS and IAM listings, which used to keep every copy', async () => {
    efsMock.on(DescribeFileSystemsCommand).resolves({
      FileSystems: [
        { FileSystemId: 'fs-1', Name: 'a' } as never,
        { FileSystemId: 'fs-1', Name: 'a' } as never,
      ],
    });
    await expect(describeFileSystems(efs)).resolves.toHaveLength(1);
    iamMock.on(GetAccountAuthorizationDetailsCommand).resolves({
      RoleDetailList: [
        { RoleId: 'AROA1', RoleName: 'a' },
        { RoleId: 'AROA1', RoleName: 'b' },
      ],
    });
    await expect(getAccountAuthorizationDetails(iam)).rejects.toThrow(
      'iam:GetAccountAuthorizationDetails returned AROA1 twice with different contents',
    );
  });

  it('follows EFS Marker pagination', async () => {
    const markers: (string | undefined)[] = [];
    efsMock.on(DescribeFileSystemsCommand).callsFake((input: { Marker?: string }) => {
      markers.push(input.Marker);
      return input.Marker
        ? { FileSystems: [{ FileSystemId: 'fs-2' }] }
        : { FileSystems: [{ FileSystemId: 'fs-1' }], NextMarker: 'm1' };
    });
    const fileSystems = await describeFileSystems(efs);
    expect(fileSystems.map((fs) => fs.FileSystemId)).toEqual(['fs-1', 'fs-2']);
    expect(markers).toEqual([undefined, 'm1']);
  });

  it('merges IAM authorization details across pages and asks only for the entity types it reads', async () => {
    const requests: { Filter?: string[]; Marker?: string }[] = [];
    iamMock
      .on(GetAccountAuthorizationDetailsCommand)
      .callsFake((input: { Filter?: string[]; Marker?: string }) => {
        requests.push({ ...input });
        return input.Marker
          ? { RoleDetailList: [{ RoleName: 'b' }], Policies: [{ PolicyName: 'p' }], IsTruncated: false }
          : { RoleDetailList: [{ RoleName: 'a' }], IsTruncated: true, Marker: 'm' };
      });
    const details = await getAccountAuthorizationDetails(iam);
    expect(details.RoleDetailList?.map((role) => role.RoleName)).toEqual(['a', 'b']);
    expect(details.Policies).toHaveLength(1);
    expect(requests.map((request) => request.Marker)).toEqual([undefined, 'm']);
    expect(requests[0]?.Filter).toEqual(['Role', 'User', 'Group', 'LocalManagedPolicy']);
  });
});

describe('filters', () => {
  it('splits a filter with more than MAX_FILTER_VALUES values into several requests and merges them', async () => {
    const ids = Array.from({ length: MAX_FILTER_VALUES + 5 }, (_, index) => `vpc-${index}`);
    ec2Mock.on(DescribeVpcsCommand).callsFake((input: { Filters: { Values: string[] }[] }) => ({
      Vpcs: (input.Filters[0]?.Values ?? []).map((VpcId) => ({ VpcId })),
    }));
    const vpcs = await describeVpcs(ec2, [{ name: 'vpc-id', values: ids }]);
    expect(vpcs).toHaveLength(ids.length);
    expect(ec2Mock).toHaveReceivedCommandTimes(DescribeVpcsCommand, 2);
    const sizes = ec2Mock
      .commandCalls(DescribeVpcsCommand)
      .map((call) => call.args[0].input.Filters?.[0]?.Values?.length);
    expect(sizes).toEqual([MAX_FILTER_VALUES, 5]);
  });

  it('makes no call for a filter with no values (it can match nothing)', async () => {
    const vpcs = await describeVpcs(ec2, [{ name: 'vpc-id', values: [] }]);
    expect(vpcs).toEqual([]);
    expect(ec2Mock).toHaveReceivedCommandTimes(DescribeVpcsCommand, 0);
  });

  it('deduplicates items returned by more than one filter chunk', async () => {
    ec2Mock.on(DescribeVpcsCommand).resolves({ Vpcs: [{ VpcId: 'vpc-same' }] });
    const vpcs = await describeVpcs(ec2, [
      { name: 'vpc-id', values: chunkValues(['a'], 1).flat().concat('b') },
    ]);
    expect(vpcs).toHaveLength(1);
  });

  it('expands several long filters into their cartesian product', () => {
    const many = Array.from({ length: MAX_FILTER_VALUES + 1 }, (_, index) => `x-${index}`);
    const sets = expandFilters([
      { name: 'a', values: many },
      { name: 'b', values: [...many, 'extra'] },
    ]);
    expect(sets).toHaveLength(4);
    for (const set of sets)
      for (const filter of set) expect(filter.Values?.length).toBeLessThanOrEqual(MAX_FILTER_VALUES);
  });

  it('chunks deduplicated values', () => {
    expect(chunkValues(['a', 'b', 'a', 'c'], 2)).toEqual([['a', 'b'], ['c']]);
  });
});

describe('errors', () => {
  it('turns UnauthorizedOperation into AccessDeniedError naming the IAM action', async () => {
    ec2Mock
      .on(DescribeSecurityGroupsCommand)
      .rejects(ec2Error('UnauthorizedOperation', 'You are not authorized'));
    const failure = describeSecurityGroups(ec2);
    await expect(failure).rejects.toBeInstanceOf(AccessDeniedError);
    await expect(failure).rejects.toMatchObject({ action: 'ec2:DescribeSecurityGroups' });
    await expect(failure).rejects.toThrow(/ec2:DescribeSecurityGroups/);
  });

  it('fails the whole paginated call when a later page fails (no partial result)', async () => {
    ec2Mock
      .on(DescribeSecurityGroupsCommand)
      .resolvesOnce({ SecurityGroups: [{ GroupId: 'sg-1' }], NextToken: 't1' })
      .rejectsOnce(ec2Error('RequestLimitExceeded', 'Request limit exceeded.'));
    await expect(describeSecurityGroups(ec2)).rejects.toThrow(
      'ec2:DescribeSecurityGroups failed: RequestLimitExceeded: Request limit exceeded.',
    );
  });

  it('names the EFS action with the elasticfilesystem prefix', async () => {
    efsMock
      .on(DescribeFileSystemsCommand)
      .rejects(
        Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException', $metadata: {} }),
      );
    await expect(describeFileSystems(efs)).rejects.toMatchObject({
      name: 'AccessDeniedError',
      action: 'elasticfilesystem:DescribeFileSystems',
    });
  });
});

describe('describeFileSystemPolicy', () => {
  it('returns the policy text', async () => {
    efsMock
      .on(DescribeFileSystemPolicyCommand)
      .resolves({ FileSystemId: 'fs-1', Policy: '{"Statement":[]}' });
    await expect(describeFileSystemPolicy(efs, 'fs-1')).resolves.toBe('{"Statement":[]}');
    expect(efsMock).toHaveReceivedCommandWith(DescribeFileSystemPolicyCommand, { FileSystemId: 'fs-1' });
  });

  it('returns null on PolicyNotFound', async () => {
    efsMock
      .on(DescribeFileSystemPolicyCommand)
      .rejects(new PolicyNotFound({ message: 'No policy', $metadata: {}, ErrorCode: 'PolicyNotFound' }));
    await expect(describeFileSystemPolicy(efs, 'fs-1')).resolves.toBeNull();
  });

  it('fails on any other error', async () => {
    efsMock
      .on(DescribeFileSystemPolicyCommand)
      .rejects(new FileSystemNotFound({ message: 'gone', $metadata: {}, ErrorCode: 'FileSystemNotFound' }));
    await expect(describeFileSystemPolicy(efs, 'fs-1')).rejects.toBeInstanceOf(AwsCallError);
  });
});

describe('getManagedPrefixListEntries', () => {
  it('returns null for a list that does not exist, so the reference stays unresolved', async () => {
    ec2Mock
      .on(GetManagedPrefixListEntriesCommand)
      .rejects(ec2Error('InvalidPrefixListID.NotFound', 'The prefix list ID does not exist'));
    await expect(getManagedPrefixListEntries(ec2, 'pl-1')).resolves.toBeNull();
  });

  it('fails on AccessDenied', async () => {
    ec2Mock.on(GetManagedPrefixListEntriesCommand).rejects(ec2Error('UnauthorizedOperation', 'no'));
    await expect(getManagedPrefixListEntries(ec2, 'pl-1')).rejects.toMatchObject({
      action: 'ec2:GetManagedPrefixListEntries',
    });
    expect(ec2Mock).toHaveReceivedCommandTimes(DescribeManagedPrefixListsCommand, 0);
  });
});

describe('describeNetworkAclsById', () => {
  it('asks by NetworkAclIds, not by the network-acl-id filter that some endpoints lack', async () => {
    ec2Mock.on(DescribeNetworkAclsCommand).resolves({ NetworkAcls: [{ NetworkAclId: 'acl-1' }] });
    await expect(describeNetworkAclsById(ec2, ['acl-1'])).resolves.toEqual([{ NetworkAclId: 'acl-1' }]);
    expect(ec2Mock).toHaveReceivedCommandWith(DescribeNetworkAclsCommand, { NetworkAclIds: ['acl-1'] });
    expect(ec2Mock.commandCalls(DescribeNetworkAclsCommand)[0]?.args[0].input.Filters).toBeUndefined();
  });

  it('leaves out an ACL deleted meanwhile and still loads the others', async () => {
    const gone = ec2Error('InvalidNetworkAclID.NotFound', "The networkAcl ID 'acl-gone' does not exist");
    ec2Mock
      .on(DescribeNetworkAclsCommand, { NetworkAclIds: ['acl-1', 'acl-gone'] })
      .rejects(gone)
      .on(DescribeNetworkAclsCommand, { NetworkAclIds: ['acl-gone'] })
      .rejects(gone)
      .on(DescribeNetworkAclsCommand, { NetworkAclIds: ['acl-1'] })
      .resolves({ NetworkAcls: [{ NetworkAclId: 'acl-1' }] });
    await expect(describeNetworkAclsById(ec2, ['acl-1', 'acl-gone'])).resolves.toEqual([
      { NetworkAclId: 'acl-1' },
    ]);
  });

  it('fails on any other error', async () => {
    ec2Mock.on(DescribeNetworkAclsCommand).rejects(ec2Error('UnauthorizedOperation', 'no'));
    await expect(describeNetworkAclsById(ec2, ['acl-1'])).rejects.toMatchObject({
      action: 'ec2:DescribeNetworkAcls',
    });
  });
});

describe('mapWithConcurrency', () => {
  it('keeps order and never exceeds the limit', async () => {
    let inFlight = 0;
    let peak = 0;
    const results = await mapWithConcurrency([5, 1, 4, 2, 3, 0], 2, async (value) => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, value));
      inFlight -= 1;
      return value * 10;
    });
    expect(results).toEqual([50, 10, 40, 20, 30, 0]);
    expect(peak).toBe(2);
  });
});
