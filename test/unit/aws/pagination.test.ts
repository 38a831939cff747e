// An endpoint that hands back a page token it already gave would keep a paginated load going forever
// (one did: thousands of identical DescribeSecurityGroups calls). Every paginated call stops at the
// first repeated token with an error naming the call. The fakes below repeat their token a bounded
// number of times, so that before the guard existed the load ended (wrongly) instead of hanging jest.
import { ConfigServiceClient, GetComplianceDetailsByConfigRuleCommand } from '@aws-sdk/client-config-service';
import { DescribeSecurityGroupsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DescribeAccessPointsCommand, DescribeFileSystemsCommand, EFSClient } from '@aws-sdk/client-efs';
import {
  GetAccountAuthorizationDetailsCommand,
  GetRoleCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { listReportedResources } from '../../../aws/config/stale-results';
import {
  describeAccessPoints,
  describeFileSystems,
  describeSecurityGroups,
  getAccountAuthorizationDetails,
} from '../../../aws/load/describe';
import { loadIamNeighbourhood } from '../../../aws/load/iam';
import { PaginationLoopError } from '../../../aws/sdk/errors';

const ec2Mock = mockClient(EC2Client);
const efsMock = mockClient(EFSClient);
const iamMock = mockClient(IAMClient);
const configMock = mockClient(ConfigServiceClient);
const ec2 = new EC2Client({ region: 'us-east-1' });
const efs = new EFSClient({ region: 'us-east-1' });
const iam = new IAMClient({ region: 'us-east-1' });
const config = new ConfigServiceClient({ region: 'us-east-1' });

/** Pages that repeat `token` `repeats` times, then end: page i is made by `page(i, token)`. */
function repeating<T>(page: (index: number, token: string | undefined) => T, repeats = 20) {
  let calls = 0;
  return () => {
    calls += 1;
    return page(calls, calls <= repeats ? 'SAME-TOKEN' : undefined);
  };
}

afterEach(() => {
  ec2Mock.reset();
  efsMock.reset();
  iamMock.reset();
  configMock.reset();
});

afterAll(() => {
  ec2Mock.restore();
  efsMock.restore();
  iamMock.restore();
  configMock.restore();
});

async function expectLoop(load: Promise<unknown>, action: string) {
  await expect(load).rejects.toBeInstanceOf(PaginationLoopError);
  await expect(load).rejects.toThrow(
    `${action}: the endpoint returned the page token "SAME-TOKEN" a second time (page 2)`,
  );
}

it('EC2 (NextToken): DescribeSecurityGroups', async () => {
  ec2Mock
    .on(DescribeSecurityGroupsCommand)
    .callsFake(repeating((i, token) => ({ SecurityGroups: [{ GroupId: `sg-${i}` }], NextToken: token })));
  await expectLoop(describeSecurityGroups(ec2), 'ec2:DescribeSecurityGroups');
  expect(ec2Mock.commandCalls(DescribeSecurityGroupsCommand)).toHaveLength(2);
});

it('EFS (NextMarker): DescribeFileSystems', async () => {
  efsMock
    .on(DescribeFileSystemsCommand)
    .callsFake(repeating((i, token) => ({ FileSystems: [{ FileSystemId: `fs-${i}` }], NextMarker: token })));
  await expectLoop(describeFileSystems(efs), 'elasticfilesystem:DescribeFileSystems');
});

it('EFS (NextToken): DescribeAccessPoints', async () => {
  efsMock
    .on(DescribeAccessPointsCommand)
    .callsFake(
      repeating((i, token) => ({ AccessPoints: [{ AccessPointId: `fsap-${i}` }], NextToken: token })),
    );
  await expectLoop(describeAccessPoints(efs), 'elasticfilesystem:DescribeAccessPoints');
});

it('IAM (Marker): GetAccountAuthorizationDetails', async () => {
  iamMock
    .on(GetAccountAuthorizationDetailsCommand)
    .callsFake(
      repeating((_, token) => ({ RoleDetailList: [], IsTruncated: token !== undefined, Marker: token })),
    );
  await expectLoop(getAccountAuthorizationDetails(iam), 'iam:GetAccountAuthorizationDetails');
});

it('IAM (Marker): ListRolePolicies of a changed role', async () => {
  iamMock.on(GetRoleCommand).resolves({
    Role: {
      RoleName: 'r',
      RoleId: 'AROA1',
      Arn: 'arn:aws:iam::123456789012:role/r',
      Path: '/',
      CreateDate: new Date(0),
    },
  });
  iamMock.on(ListAttachedRolePoliciesCommand).resolves({ AttachedPolicies: [] });
  iamMock
    .on(ListRolePoliciesCommand)
    .callsFake(
      repeating((i, token) => ({ PolicyNames: [`p${i}`], IsTruncated: token !== undefined, Marker: token })),
    );
  await expectLoop(
    loadIamNeighbourhood(iam, [{ resourceType: 'AWS::IAM::Role', resourceId: 'AROA1', resourceName: 'r' }]),
    'iam:ListRolePolicies',
  );
});

it('Config (NextToken): GetComplianceDetailsByConfigRule, a hand-written loop', async () => {
  configMock
    .on(GetComplianceDetailsByConfigRuleCommand)
    .callsFake(repeating((_, token) => ({ EvaluationResults: [], NextToken: token })));
  await expectLoop(listReportedResources(config, 'rule'), 'config:GetComplianceDetailsByConfigRule');
});

it('follows distinct tokens to the end', async () => {
  let calls = 0;
  ec2Mock.on(DescribeSecurityGroupsCommand).callsFake(() => {
    calls += 1;
    return { SecurityGroups: [{ GroupId: `sg-${calls}` }], ...(calls < 3 ? { NextToken: `t${calls}` } : {}) };
  });
  expect((await describeSecurityGroups(ec2)).map((group) => group.GroupId)).toEqual(['sg-1', 'sg-2', 'sg-3']);
});
