// A snapshot-backed fake of the AWS APIs efsguard reads, on aws-sdk-client-mock. Given a Snapshot it
// answers every Describe/Get command the loaders send, honouring the ids and filters they pass (an
// unsupported filter or parameter throws rather than being ignored), paginates with small pages when
// asked to, and records every call. Handler tests and the benchmark reuse it:
//
//   const fake = installFakeAws(snapshot, { pageSize: 2 });
//   await loadNeighbourhood({ ec2, efs }, seeds, { accountId, region });
//   fake.calls();            // [{ command: 'DescribeSecurityGroups', input: {...} }, ...]
//   fake.actions();          // ['ec2:DescribeSecurityGroups', ...]: the IAM action of every call
//   fake.restore();
//
// IAM answers from the snapshot's `iam` (GetAccountAuthorizationDetails shapes): the sweep, and the
// Get/List calls of the neighbourhood of one role, user, group or managed policy (aws/load-iam.ts).
import {
  DescribeManagedPrefixListsCommand,
  DescribeNetworkAclsCommand,
  DescribeNetworkInterfacesCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeTransitGatewayAttachmentsCommand,
  DescribeTransitGatewayRouteTablesCommand,
  DescribeTransitGatewayVpcAttachmentsCommand,
  DescribeVpcPeeringConnectionsCommand,
  DescribeVpcsCommand,
  DescribeVpnGatewaysCommand,
  EC2Client,
  EC2ServiceException,
  type Filter,
  GetManagedPrefixListEntriesCommand,
  GetTransitGatewayRouteTableAssociationsCommand,
  GetTransitGatewayRouteTablePropagationsCommand,
  type NetworkAcl,
  type NetworkInterface,
  SearchTransitGatewayRoutesCommand,
  type SecurityGroup,
} from '@aws-sdk/client-ec2';
import {
  AccessPointNotFound,
  DescribeAccessPointsCommand,
  DescribeFileSystemPolicyCommand,
  DescribeFileSystemsCommand,
  DescribeMountTargetSecurityGroupsCommand,
  DescribeMountTargetsCommand,
  EFSClient,
  FileSystemNotFound,
  MountTargetNotFound,
  PolicyNotFound,
} from '@aws-sdk/client-efs';
import {
  type AttachedPolicy,
  GetAccountAuthorizationDetailsCommand,
  GetGroupCommand,
  GetGroupPolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  IAMClient,
  ListAttachedGroupPoliciesCommand,
  ListAttachedRolePoliciesCommand,
  ListAttachedUserPoliciesCommand,
  ListEntitiesForPolicyCommand,
  ListGroupPoliciesCommand,
  ListRolePoliciesCommand,
  ListUserPoliciesCommand,
  NoSuchEntityException,
  type PolicyDetail,
} from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { deriveIamAction } from '../../aws/errors';
import type { Snapshot, SnapshotFileSystem } from '../../aws/snapshot';
import { emptyRouting } from '../../aws/snapshot-routing';

export interface FakeAwsOptions {
  /**
   * Items per page. Default: the request's MaxResults/MaxItems, like AWS. A small value exercises
   * the loaders' pagination (each page is one recorded call).
   */
  readonly pageSize?: number;
  /**
   * What GetManagedPrefixListEntries answers for a list that does not exist: AWS's
   * InvalidPrefixListID.NotFound (the default), or no entries, as some endpoints (moto) answer.
   */
  readonly missingPrefixListEntries?: 'not-found' | 'empty';
}

export interface FakeAwsCall {
  /** The API operation, e.g. 'DescribeSecurityGroups'. */
  readonly command: string;
  readonly input: Readonly<Record<string, unknown>>;
}

export interface FakeAws {
  /** Every call so far, in order. */
  calls(): FakeAwsCall[];
  /** The IAM action of every call so far, in order, e.g. 'elasticfilesystem:DescribeMountTargets'. */
  actions(): string[];
  /** How many calls so far, of one operation or of all. */
  count(command?: string): number;
  /** Calls per operation, e.g. { DescribeSecurityGroups: 3 }. */
  countByCommand(): Record<string, number>;
  resetCalls(): void;
  /** From now on, every call of `command` rejects with `error` (e.g. awsError('UnauthorizedOperation')). */
  fail(command: string, error: Error): void;
  /** Replaces the account the fake serves (calls and failures are kept). */
  setSnapshot(snapshot: Snapshot): void;
  restore(): void;
}

/** The maximum number of values EC2 accepts in one filter. */
export const EC2_MAX_FILTER_VALUES = 200;

/** An EC2-style service error with the given code (`name`), as the SDK raises it. */
export function awsError(name: string, message = `${name} (fake)`): Error {
  return new EC2ServiceException({ name, $fault: 'client', message, $metadata: { httpStatusCode: 400 } });
}

/** Thrown when a loader sends something the fake does not implement: a test must not pass by accident. */
export class FakeAwsUnsupportedError extends Error {
  override name = 'FakeAwsUnsupportedError';
}

type Input = Record<string, unknown>;
type FilterFn<T> = (item: T, values: readonly string[]) => boolean;

const clone = <T>(value: T): T => structuredClone(value);

function page<T>(items: readonly T[], token: unknown, requested: unknown, pageSize: number | undefined) {
  const start = typeof token === 'string' && token !== '' ? Number(token) : 0;
  const limits = [pageSize, typeof requested === 'number' ? requested : undefined].filter(
    (n): n is number => typeof n === 'number' && n > 0,
  );
  const size = limits.length ? Math.min(...limits) : items.length || 1;
  const slice = items.slice(start, start + size);
  const next = start + size < items.length ? String(start + size) : undefined;
  return { slice: clone(slice), next };
}

function checkKeys(command: string, input: Input, allowed: readonly string[]): void {
  for (const key of Object.keys(input)) {
    if (input[key] === undefined) continue;
    if (!allowed.includes(key))
      throw new FakeAwsUnsupportedError(`fake AWS: ${command} does not support ${key}`);
  }
}

/** Applies EC2 filters (values ORed, filters ANDed); an unknown filter name throws. */
function applyFilters<T>(
  command: string,
  items: readonly T[],
  filters: Filter[] | undefined,
  supported: Readonly<Record<string, FilterFn<T>>>,
): T[] {
  let result = [...items];
  for (const filter of filters ?? []) {
    const name = filter.Name ?? '';
    const fn = supported[name];
    if (!fn) throw new FakeAwsUnsupportedError(`fake AWS: ${command} filter ${name} is not supported`);
    const values = filter.Values ?? [];
    if (values.length > EC2_MAX_FILTER_VALUES) {
      throw awsError(
        'FilterLimitExceeded',
        `The maximum number of filter values specified on a single call is ${EC2_MAX_FILTER_VALUES}`,
      );
    }
    result = result.filter((item) => fn(item, values));
  }
  return result;
}

function byIds<T>(
  command: string,
  items: readonly T[],
  ids: unknown,
  idOf: (item: T) => string | undefined,
  notFound: string,
): T[] {
  if (!Array.isArray(ids) || ids.length === 0) return [...items];
  const byId = new Map(items.map((item) => [idOf(item), item]));
  return ids.map((id) => {
    const item = byId.get(id);
    // EC2 fails the whole call when one explicit id does not exist.
    if (!item) throw awsError(notFound, `The ${command} id '${id}' does not exist`);
    return item;
  });
}

const has = (values: readonly string[], value: string | undefined) =>
  value !== undefined && values.includes(value);

const groupPairs = (permissions: SecurityGroup['IpPermissions']) =>
  (permissions ?? []).flatMap((p) => (p.UserIdGroupPairs ?? []).map((pair) => pair.GroupId));

const SECURITY_GROUP_FILTERS: Record<string, FilterFn<SecurityGroup>> = {
  'group-id': (g, v) => has(v, g.GroupId),
  'group-name': (g, v) => has(v, g.GroupName),
  'vpc-id': (g, v) => has(v, g.VpcId),
  'owner-id': (g, v) => has(v, g.OwnerId),
  'ip-permission.group-id': (g, v) => groupPairs(g.IpPermissions).some((id) => has(v, id)),
  'egress.ip-permission.group-id': (g, v) => groupPairs(g.IpPermissionsEgress).some((id) => has(v, id)),
};

const NETWORK_INTERFACE_FILTERS: Record<string, FilterFn<NetworkInterface>> = {
  'network-interface-id': (e, v) => has(v, e.NetworkInterfaceId),
  'group-id': (e, v) => (e.Groups ?? []).some((g) => has(v, g.GroupId)),
  'subnet-id': (e, v) => has(v, e.SubnetId),
  'vpc-id': (e, v) => has(v, e.VpcId),
  'availability-zone': (e, v) => has(v, e.AvailabilityZone),
  'requester-managed': (e, v) => has(v, String(e.RequesterManaged ?? false)),
  'interface-type': (e, v) => has(v, e.InterfaceType ?? 'interface'),
  description: (e, v) => has(v, e.Description ?? ''),
  'attachment.instance-id': (e, v) => has(v, e.Attachment?.InstanceId),
  'private-ip-address': (e, v) =>
    (e.PrivateIpAddresses ?? []).some((a) => has(v, a.PrivateIpAddress)) || has(v, e.PrivateIpAddress),
};

const NETWORK_ACL_FILTERS: Record<string, FilterFn<NetworkAcl>> = {
  'network-acl-id': (a, v) => has(v, a.NetworkAclId),
  'vpc-id': (a, v) => has(v, a.VpcId),
  default: (a, v) => has(v, String(a.IsDefault ?? false)),
  'association.subnet-id': (a, v) => (a.Associations ?? []).some((s) => has(v, s.SubnetId)),
  'association.network-acl-id': (a, v) => (a.Associations ?? []).some((s) => has(v, s.NetworkAclId)),
};

/** Installs the fake on every EC2, EFS, STS and IAM client until restore(). */
export function installFakeAws(initial: Snapshot, options: FakeAwsOptions = {}): FakeAws {
  let snapshot = initial;
  const recorded: FakeAwsCall[] = [];
  const failures = new Map<string, Error>();
  const ec2 = mockClient(EC2Client);
  const efs = mockClient(EFSClient);
  const sts = mockClient(STSClient);
  const iam = mockClient(IAMClient);
  const { pageSize } = options;
  // The service of each registered operation, for its IAM action (aws/errors.ts deriveIamAction).
  const serviceOf = new Map<string, string>();
  const SERVICES = new Map<unknown, string>([
    [ec2, 'EC2'],
    [efs, 'EFS'],
    [sts, 'STS'],
    [iam, 'IAM'],
  ]);

  const unsupported = (service: string) => (input: Input) => {
    recorded.push({ command: `${service}:unknown`, input: clone(input) });
    throw new FakeAwsUnsupportedError(`fake AWS: a ${service} command the fake does not implement was sent`);
  };
  for (const [mock, service] of [
    [ec2, 'EC2'],
    [efs, 'EFS'],
    [sts, 'STS'],
    [iam, 'IAM'],
  ] as const) {
    (mock as ReturnType<typeof mockClient>).onAnyCommand().callsFake(unsupported(service));
  }

  // Registers one operation: records the call, applies an injected failure, then answers.
  const answer = (
    mock: ReturnType<typeof mockClient>,
    commandClass: unknown,
    name: string,
    allowed: readonly string[],
    handler: (input: Input) => unknown,
  ) => {
    serviceOf.set(name, SERVICES.get(mock) ?? 'unknown');
    (mock as unknown as { on: (c: unknown) => { callsFake: (fn: (input: Input) => unknown) => void } })
      .on(commandClass)
      .callsFake(async (input: Input) => {
        recorded.push({ command: name, input: clone(input) });
        const failure = failures.get(name);
        if (failure) throw failure;
        checkKeys(name, input, allowed);
        return handler(input);
      });
  };

  const EC2_PAGED = ['Filters', 'MaxResults', 'NextToken', 'DryRun'];
  const ec2List =
    <T>(
      name: string,
      key: string,
      items: () => readonly T[],
      idsKey: string,
      idOf: (item: T) => string | undefined,
      notFound: string,
      filters: Readonly<Record<string, FilterFn<T>>>,
    ) =>
    (input: Input) => {
      const selected = applyFilters(
        name,
        byIds(name, items(), input[idsKey], idOf, notFound),
        input.Filters as Filter[] | undefined,
        filters,
      );
      const { slice, next } = page(selected, input.NextToken, input.MaxResults, pageSize);
      return { [key]: slice, ...(next ? { NextToken: next } : {}) };
    };

  answer(
    ec2 as never,
    DescribeVpcsCommand,
    'DescribeVpcs',
    [...EC2_PAGED, 'VpcIds'],
    ec2List(
      'DescribeVpcs',
      'Vpcs',
      () => snapshot.vpcs,
      'VpcIds',
      (v) => v.VpcId,
      'InvalidVpcID.NotFound',
      {
        'vpc-id': (v, values) => has(values, v.VpcId),
        'owner-id': (v, values) => has(values, v.OwnerId),
      },
    ),
  );
  answer(
    ec2 as never,
    DescribeSubnetsCommand,
    'DescribeSubnets',
    [...EC2_PAGED, 'SubnetIds'],
    ec2List(
      'DescribeSubnets',
      'Subnets',
      () => snapshot.subnets,
      'SubnetIds',
      (s) => s.SubnetId,
      'InvalidSubnetID.NotFound',
      {
        'subnet-id': (s, values) => has(values, s.SubnetId),
        'vpc-id': (s, values) => has(values, s.VpcId),
        'availability-zone': (s, values) => has(values, s.AvailabilityZone),
      },
    ),
  );
  answer(
    ec2 as never,
    DescribeSecurityGroupsCommand,
    'DescribeSecurityGroups',
    [...EC2_PAGED, 'GroupIds'],
    ec2List(
      'DescribeSecurityGroups',
      'SecurityGroups',
      () => snapshot.securityGroups,
      'GroupIds',
      (g) => g.GroupId,
      'InvalidGroup.NotFound',
      SECURITY_GROUP_FILTERS,
    ),
  );
  answer(
    ec2 as never,
    DescribeNetworkInterfacesCommand,
    'DescribeNetworkInterfaces',
    [...EC2_PAGED, 'NetworkInterfaceIds'],
    ec2List(
      'DescribeNetworkInterfaces',
      'NetworkInterfaces',
      () => snapshot.networkInterfaces,
      'NetworkInterfaceIds',
      (e) => e.NetworkInterfaceId,
      'InvalidNetworkInterfaceID.NotFound',
      NETWORK_INTERFACE_FILTERS,
    ),
  );
  answer(
    ec2 as never,
    DescribeNetworkAclsCommand,
    'DescribeNetworkAcls',
    [...EC2_PAGED, 'NetworkAclIds'],
    ec2List(
      'DescribeNetworkAcls',
      'NetworkAcls',
      () => snapshot.networkAcls,
      'NetworkAclIds',
      (a) => a.NetworkAclId,
      'InvalidNetworkAclID.NotFound',
      NETWORK_ACL_FILTERS,
    ),
  );
  answer(
    ec2 as never,
    DescribeManagedPrefixListsCommand,
    'DescribeManagedPrefixLists',
    [...EC2_PAGED, 'PrefixListIds'],
    ec2List(
      'DescribeManagedPrefixLists',
      'PrefixLists',
      () =>
        snapshot.managedPrefixLists.map((l) => ({
          PrefixListId: l.PrefixListId,
          PrefixListName: l.PrefixListName,
          OwnerId: l.OwnerId,
        })),
      'PrefixListIds',
      (l) => l.PrefixListId,
      'InvalidPrefixListID.NotFound',
      {
        'prefix-list-id': (l, values) => has(values, l.PrefixListId),
      },
    ),
  );
  answer(
    ec2 as never,
    GetManagedPrefixListEntriesCommand,
    'GetManagedPrefixListEntries',
    ['PrefixListId', 'MaxResults', 'NextToken', 'TargetVersion', 'DryRun'],
    (input) => {
      const list = snapshot.managedPrefixLists.find((l) => l.PrefixListId === input.PrefixListId);
      if (!list && options.missingPrefixListEntries === 'empty') return { Entries: [] };
      if (!list)
        throw awsError(
          'InvalidPrefixListID.NotFound',
          `The prefix list ID '${String(input.PrefixListId)}' does not exist`,
        );
      const { slice, next } = page(list.Entries, input.NextToken, input.MaxResults, pageSize);
      return { Entries: slice, ...(next ? { NextToken: next } : {}) };
    },
  );

  // ---- EC2 routing (the snapshot's `routing` section; none: an account without routes) ----
  const routing = () => snapshot.routing ?? emptyRouting();
  answer(
    ec2 as never,
    DescribeRouteTablesCommand,
    'DescribeRouteTables',
    [...EC2_PAGED, 'RouteTableIds'],
    ec2List(
      'DescribeRouteTables',
      'RouteTables',
      () => routing().routeTables,
      'RouteTableIds',
      (t) => t.RouteTableId,
      'InvalidRouteTableID.NotFound',
      {
        'vpc-id': (t, v) => has(v, t.VpcId),
        'route-table-id': (t, v) => has(v, t.RouteTableId),
        'association.subnet-id': (t, v) => (t.Associations ?? []).some((a) => has(v, a.SubnetId)),
      },
    ),
  );
  answer(
    ec2 as never,
    DescribeVpcPeeringConnectionsCommand,
    'DescribeVpcPeeringConnections',
    [...EC2_PAGED, 'VpcPeeringConnectionIds'],
    ec2List(
      'DescribeVpcPeeringConnections',
      'VpcPeeringConnections',
      () => routing().vpcPeeringConnections,
      'VpcPeeringConnectionIds',
      (p) => p.VpcPeeringConnectionId,
      'InvalidVpcPeeringConnectionID.NotFound',
      {
        'vpc-peering-connection-id': (p, v) => has(v, p.VpcPeeringConnectionId),
        'requester-vpc-info.vpc-id': (p, v) => has(v, p.RequesterVpcInfo?.VpcId),
        'accepter-vpc-info.vpc-id': (p, v) => has(v, p.AccepterVpcInfo?.VpcId),
      },
    ),
  );
  answer(
    ec2 as never,
    DescribeTransitGatewayAttachmentsCommand,
    'DescribeTransitGatewayAttachments',
    [...EC2_PAGED, 'TransitGatewayAttachmentIds'],
    ec2List(
      'DescribeTransitGatewayAttachments',
      'TransitGatewayAttachments',
      () => routing().transitGatewayAttachments,
      'TransitGatewayAttachmentIds',
      (a) => a.TransitGatewayAttachmentId,
      'InvalidTransitGatewayAttachmentID.NotFound',
      {
        'transit-gateway-attachment-id': (a, v) => has(v, a.TransitGatewayAttachmentId),
        'resource-id': (a, v) => has(v, a.ResourceId),
        'resource-type': (a, v) => has(v, a.ResourceType),
        'transit-gateway-id': (a, v) => has(v, a.TransitGatewayId),
      },
    ),
  );
  answer(
    ec2 as never,
    DescribeTransitGatewayVpcAttachmentsCommand,
    'DescribeTransitGatewayVpcAttachments',
    [...EC2_PAGED, 'TransitGatewayAttachmentIds'],
    ec2List(
      'DescribeTransitGatewayVpcAttachments',
      'TransitGatewayVpcAttachments',
      () => routing().transitGatewayVpcAttachments,
      'TransitGatewayAttachmentIds',
      (a) => a.TransitGatewayAttachmentId,
      'InvalidTransitGatewayAttachmentID.NotFound',
      {
        'transit-gateway-attachment-id': (a, v) => has(v, a.TransitGatewayAttachmentId),
        'vpc-id': (a, v) => has(v, a.VpcId),
      },
    ),
  );
  answer(
    ec2 as never,
    DescribeTransitGatewayRouteTablesCommand,
    'DescribeTransitGatewayRouteTables',
    [...EC2_PAGED, 'TransitGatewayRouteTableIds'],
    ec2List(
      'DescribeTransitGatewayRouteTables',
      'TransitGatewayRouteTables',
      () =>
        routing().transitGatewayRouteTables.map(
          ({ Routes: _r, Associations: _a, Propagations: _p, OwnerId: _o, ...table }) => table,
        ),
      'TransitGatewayRouteTableIds',
      (t) => t.TransitGatewayRouteTableId,
      'InvalidRouteTableID.NotFound',
      {
        'transit-gateway-route-table-id': (t, v) => has(v, t.TransitGatewayRouteTableId),
        'transit-gateway-id': (t, v) => has(v, t.TransitGatewayId),
      },
    ),
  );
  const tgwTable = (input: Input) => {
    const table = routing().transitGatewayRouteTables.find(
      (t) => t.TransitGatewayRouteTableId === input.TransitGatewayRouteTableId,
    );
    if (!table)
      throw awsError(
        'InvalidRouteTableID.NotFound',
        `The transitGatewayRouteTable ID '${String(input.TransitGatewayRouteTableId)}' does not exist`,
      );
    return table;
  };
  answer(
    ec2 as never,
    SearchTransitGatewayRoutesCommand,
    'SearchTransitGatewayRoutes',
    ['TransitGatewayRouteTableId', ...EC2_PAGED],
    (input) => {
      const routes = applyFilters(
        'SearchTransitGatewayRoutes',
        tgwTable(input).Routes,
        input.Filters as Filter[],
        {
          state: (r, v) => has(v, r.State),
          type: (r, v) => has(v, r.Type),
        },
      );
      const { slice, next } = page(routes, input.NextToken, input.MaxResults, pageSize);
      return { Routes: slice, AdditionalRoutesAvailable: false, ...(next ? { NextToken: next } : {}) };
    },
  );
  answer(
    ec2 as never,
    GetTransitGatewayRouteTableAssociationsCommand,
    'GetTransitGatewayRouteTableAssociations',
    ['TransitGatewayRouteTableId', ...EC2_PAGED],
    (input) => {
      const { slice, next } = page(tgwTable(input).Associations, input.NextToken, input.MaxResults, pageSize);
      return { Associations: slice, ...(next ? { NextToken: next } : {}) };
    },
  );
  answer(
    ec2 as never,
    GetTransitGatewayRouteTablePropagationsCommand,
    'GetTransitGatewayRouteTablePropagations',
    ['TransitGatewayRouteTableId', ...EC2_PAGED],
    (input) => {
      const { slice, next } = page(tgwTable(input).Propagations, input.NextToken, input.MaxResults, pageSize);
      return { TransitGatewayRouteTablePropagations: slice, ...(next ? { NextToken: next } : {}) };
    },
  );
  answer(
    ec2 as never,
    DescribeVpnGatewaysCommand,
    'DescribeVpnGateways',
    ['Filters', 'VpnGatewayIds', 'DryRun'],
    (input) => ({
      VpnGateways: clone(
        applyFilters(
          'DescribeVpnGateways',
          byIds(
            'DescribeVpnGateways',
            routing().vpnGateways,
            input.VpnGatewayIds,
            (g) => g.VpnGatewayId,
            'InvalidVpnGatewayID.NotFound',
          ),
          input.Filters as Filter[] | undefined,
          {
            'vpn-gateway-id': (g, v) => has(v, g.VpnGatewayId),
            'attachment.vpc-id': (g, v) => (g.VpcAttachments ?? []).some((a) => has(v, a.VpcId)),
          },
        ),
      ),
    }),
  );

  // ---- EFS ----
  const findFs = (id: unknown): SnapshotFileSystem => {
    const fs = snapshot.fileSystems.find((f) => f.FileSystemId === id);
    if (!fs)
      throw new FileSystemNotFound({
        message: `File system '${String(id)}' does not exist.`,
        ErrorCode: 'FileSystemNotFound',
        $metadata: {},
      });
    return fs;
  };
  const describeFs = ({ Policy: _policy, MountTargets: _mts, ...fs }: SnapshotFileSystem) => fs;
  const describeMt = ({ SecurityGroups: _groups, ...mt }: SnapshotFileSystem['MountTargets'][number]) => mt;
  const allMountTargets = () => snapshot.fileSystems.flatMap((fs) => fs.MountTargets);
  const efsPage = <T>(items: readonly T[], input: Input) => {
    const { slice, next } = page(items, input.Marker, input.MaxItems, pageSize);
    return { slice, ...(next ? { NextMarker: next } : {}) };
  };

  answer(
    efs as never,
    DescribeFileSystemsCommand,
    'DescribeFileSystems',
    ['FileSystemId', 'CreationToken', 'Marker', 'MaxItems'],
    (input) => {
      if (input.CreationToken !== undefined)
        throw new FakeAwsUnsupportedError('fake AWS: DescribeFileSystems CreationToken');
      const items = input.FileSystemId !== undefined ? [findFs(input.FileSystemId)] : snapshot.fileSystems;
      const { slice, ...rest } = efsPage(items.map(describeFs), input);
      return { FileSystems: slice, ...rest };
    },
  );
  answer(
    efs as never,
    DescribeMountTargetsCommand,
    'DescribeMountTargets',
    ['FileSystemId', 'MountTargetId', 'AccessPointId', 'Marker', 'MaxItems'],
    (input) => {
      let items: SnapshotFileSystem['MountTargets'];
      if (input.FileSystemId !== undefined) items = findFs(input.FileSystemId).MountTargets;
      else if (input.MountTargetId !== undefined) {
        const mt = allMountTargets().find((m) => m.MountTargetId === input.MountTargetId);
        if (!mt)
          throw new MountTargetNotFound({
            message: `Mount target '${String(input.MountTargetId)}' does not exist.`,
            ErrorCode: 'MountTargetNotFound',
            $metadata: {},
          });
        items = [mt];
      } else
        throw new FakeAwsUnsupportedError(
          'fake AWS: DescribeMountTargets needs FileSystemId or MountTargetId',
        );
      const { slice, ...rest } = efsPage(items.map(describeMt), input);
      return { MountTargets: slice, ...rest };
    },
  );
  answer(
    efs as never,
    DescribeMountTargetSecurityGroupsCommand,
    'DescribeMountTargetSecurityGroups',
    ['MountTargetId'],
    (input) => {
      const mt = allMountTargets().find((m) => m.MountTargetId === input.MountTargetId);
      if (!mt)
        throw new MountTargetNotFound({
          message: `Mount target '${String(input.MountTargetId)}' does not exist.`,
          ErrorCode: 'MountTargetNotFound',
          $metadata: {},
        });
      return { SecurityGroups: [...mt.SecurityGroups] };
    },
  );
  answer(
    efs as never,
    DescribeFileSystemPolicyCommand,
    'DescribeFileSystemPolicy',
    ['FileSystemId'],
    (input) => {
      const fs = findFs(input.FileSystemId);
      if (fs.Policy === null || fs.Policy === undefined)
        throw new PolicyNotFound({ message: 'No policy', ErrorCode: 'PolicyNotFound', $metadata: {} });
      return { FileSystemId: fs.FileSystemId, Policy: fs.Policy };
    },
  );
  answer(
    efs as never,
    DescribeAccessPointsCommand,
    'DescribeAccessPoints',
    ['AccessPointId', 'FileSystemId', 'MaxResults', 'NextToken'],
    (input) => {
      let items = snapshot.accessPoints;
      if (input.AccessPointId !== undefined) {
        items = items.filter((ap) => ap.AccessPointId === input.AccessPointId);
        if (items.length === 0)
          throw new AccessPointNotFound({
            message: `Access point '${String(input.AccessPointId)}' does not exist.`,
            ErrorCode: 'AccessPointNotFound',
            $metadata: {},
          });
      } else if (input.FileSystemId !== undefined) {
        findFs(input.FileSystemId);
        items = items.filter((ap) => ap.FileSystemId === input.FileSystemId);
      }
      const { slice, next } = page(items, input.NextToken, input.MaxResults, pageSize);
      return { AccessPoints: slice, ...(next ? { NextToken: next } : {}) };
    },
  );

  // ---- STS, IAM ----
  answer(sts as never, GetCallerIdentityCommand, 'GetCallerIdentity', [], () => ({
    Account: snapshot.accountId,
    Arn: `arn:aws:iam::${snapshot.accountId}:user/fake`,
    UserId: 'AIDAFAKE',
  }));
  answer(
    iam as never,
    GetAccountAuthorizationDetailsCommand,
    'GetAccountAuthorizationDetails',
    ['Filter', 'MaxItems', 'Marker'],
    () => ({
      UserDetailList: clone(snapshot.iam?.UserDetailList ?? []),
      GroupDetailList: clone(snapshot.iam?.GroupDetailList ?? []),
      RoleDetailList: clone(snapshot.iam?.RoleDetailList ?? []),
      Policies: clone(snapshot.iam?.Policies ?? []),
      IsTruncated: false,
    }),
  );

  registerIamNeighbourhood(answer, iam as never, () => snapshot);

  return {
    calls: () => recorded.map((call) => ({ command: call.command, input: clone(call.input) })),
    actions: () =>
      recorded.map((call) => {
        const service = serviceOf.get(call.command);
        // An unimplemented command is recorded as `<SERVICE>:unknown`.
        return service ? deriveIamAction(service, call.command) : call.command;
      }),
    count: (command) =>
      command ? recorded.filter((call) => call.command === command).length : recorded.length,
    countByCommand: () => {
      const counts: Record<string, number> = {};
      for (const call of recorded) counts[call.command] = (counts[call.command] ?? 0) + 1;
      return counts;
    },
    resetCalls: () => {
      recorded.length = 0;
    },
    fail: (command, error) => {
      failures.set(command, error);
    },
    setSnapshot: (next) => {
      snapshot = next;
    },
    restore: () => {
      ec2.restore();
      efs.restore();
      sts.restore();
      iam.restore();
    },
  };
}

type Answer = (
  mock: ReturnType<typeof mockClient>,
  commandClass: unknown,
  name: string,
  allowed: readonly string[],
  handler: (input: Input) => unknown,
) => void;

const noSuchEntity = (what: string) =>
  new NoSuchEntityException({ message: `The ${what} cannot be found (fake)`, $metadata: {} });

const IAM_PAGED = ['Marker', 'MaxItems'];

/** The principal kinds' names in GetAccountAuthorizationDetails and in the Get/List calls. */
const PRINCIPALS = [
  { noun: 'Role', list: 'RoleDetailList', inline: 'RolePolicyList' },
  { noun: 'User', list: 'UserDetailList', inline: 'UserPolicyList' },
  { noun: 'Group', list: 'GroupDetailList', inline: 'GroupPolicyList' },
] as const;

interface PrincipalDetail {
  readonly Arn?: string;
  readonly Path?: string;
  readonly AttachedManagedPolicies?: AttachedPolicy[];
  readonly [key: string]: unknown;
}

/**
 * The IAM calls of aws/load-iam.ts loadIamNeighbourhood, answered from the snapshot's `iam`: Get<Noun>,
 * List<Noun>Policies, Get<Noun>Policy, ListAttached<Noun>Policies, GetPolicy, GetPolicyVersion and
 * ListEntitiesForPolicy. A name or ARN that is not there is NoSuchEntity, as in IAM.
 */
function registerIamNeighbourhood(
  answer: Answer,
  iam: ReturnType<typeof mockClient>,
  current: () => Snapshot,
): void {
  const details = (list: (typeof PRINCIPALS)[number]['list']) =>
    (current().iam?.[list] ?? []) as unknown as PrincipalDetail[];
  const COMMANDS = {
    Role: [GetRoleCommand, ListRolePoliciesCommand, GetRolePolicyCommand, ListAttachedRolePoliciesCommand],
    User: [GetUserCommand, ListUserPoliciesCommand, GetUserPolicyCommand, ListAttachedUserPoliciesCommand],
    Group: [
      GetGroupCommand,
      ListGroupPoliciesCommand,
      GetGroupPolicyCommand,
      ListAttachedGroupPoliciesCommand,
    ],
  } as const;
  for (const { noun, list, inline } of PRINCIPALS) {
    const nameKey = `${noun}Name`;
    const find = (input: Input): PrincipalDetail => {
      const found = details(list).find((detail) => detail[nameKey] === input[nameKey]);
      if (!found) throw noSuchEntity(`${noun.toLowerCase()} with name ${String(input[nameKey])}`);
      return found;
    };
    const [get, listInline, getInline, listAttached] = COMMANDS[noun];
    answer(iam, get, `Get${noun}`, [nameKey, ...IAM_PAGED], (input) => {
      const detail = find(input);
      const entity = {
        [nameKey]: detail[nameKey],
        [`${noun}Id`]: detail[`${noun}Id`],
        Arn: detail.Arn,
        Path: detail.Path ?? '/',
        CreateDate: new Date(0),
      };
      return noun === 'Group' ? { Group: entity, Users: [], IsTruncated: false } : { [noun]: entity };
    });
    answer(iam, listInline, `List${noun}Policies`, [nameKey, ...IAM_PAGED], (input) => ({
      PolicyNames: ((find(input)[inline] ?? []) as PolicyDetail[]).map((policy) => policy.PolicyName),
      IsTruncated: false,
    }));
    answer(iam, getInline, `Get${noun}Policy`, [nameKey, 'PolicyName'], (input) => {
      const policy = ((find(input)[inline] ?? []) as PolicyDetail[]).find(
        (candidate) => candidate.PolicyName === input.PolicyName,
      );
      if (!policy) throw noSuchEntity(`policy ${String(input.PolicyName)}`);
      return {
        [nameKey]: input[nameKey],
        PolicyName: policy.PolicyName,
        PolicyDocument: policy.PolicyDocument,
      };
    });
    answer(
      iam,
      listAttached,
      `ListAttached${noun}Policies`,
      [nameKey, 'PathPrefix', ...IAM_PAGED],
      (input) => ({
        AttachedPolicies: clone(find(input).AttachedManagedPolicies ?? []),
        IsTruncated: false,
      }),
    );
  }

  const findPolicy = (arn: unknown) => {
    const policy = (current().iam?.Policies ?? []).find((candidate) => candidate.Arn === arn);
    if (!policy) throw noSuchEntity(`policy ${String(arn)}`);
    return policy;
  };
  answer(iam, GetPolicyCommand, 'GetPolicy', ['PolicyArn'], (input) => {
    const policy = findPolicy(input.PolicyArn);
    return {
      Policy: {
        PolicyName: policy.PolicyName,
        PolicyId: policy.PolicyId,
        Arn: policy.Arn,
        Path: policy.Path ?? '/',
        DefaultVersionId: policy.DefaultVersionId,
        AttachmentCount: policy.AttachmentCount,
        IsAttachable: policy.IsAttachable ?? true,
      },
    };
  });
  answer(iam, GetPolicyVersionCommand, 'GetPolicyVersion', ['PolicyArn', 'VersionId'], (input) => {
    const version = (findPolicy(input.PolicyArn).PolicyVersionList ?? []).find(
      (candidate) => candidate.VersionId === input.VersionId,
    );
    if (!version) throw noSuchEntity(`policy version ${String(input.VersionId)}`);
    return { PolicyVersion: clone(version) };
  });
  answer(
    iam,
    ListEntitiesForPolicyCommand,
    'ListEntitiesForPolicy',
    ['PolicyArn', 'EntityFilter', 'PathPrefix', 'PolicyUsageFilter', ...IAM_PAGED],
    (input) => {
      const arn = findPolicy(input.PolicyArn).Arn;
      const holders = (list: (typeof PRINCIPALS)[number]['list'], noun: string) =>
        details(list)
          .filter((detail) => (detail.AttachedManagedPolicies ?? []).some((p) => p.PolicyArn === arn))
          .map((detail) => ({ [`${noun}Name`]: detail[`${noun}Name`], [`${noun}Id`]: detail[`${noun}Id`] }));
      return {
        PolicyRoles: holders('RoleDetailList', 'Role'),
        PolicyUsers: holders('UserDetailList', 'User'),
        PolicyGroups: holders('GroupDetailList', 'Group'),
        IsTruncated: false,
      };
    },
  );
}
