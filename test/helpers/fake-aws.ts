// A snapshot-backed fake of the AWS APIs efsguard reads, on aws-sdk-client-mock. Given a Snapshot it
// answers every Describe/Get command the loaders send from one table (COMMANDS: SDK command, the input
// keys it honours, how the account answers it), honouring the ids and filters they pass (an
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
// Get/List calls of the neighbourhood of one role, user, group or managed policy (aws/load/iam.ts).
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
import { deriveIamAction } from '../../aws/sdk/errors';
import type { Snapshot, SnapshotFileSystem } from '../../aws/snapshot/format';
import { emptyRouting } from '../../aws/snapshot/format-routing';

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
  /**
   * The services the fake stands in for (default all four). Leave one out to script it yourself with
   * aws-sdk-client-mock, e.g. STS for a test of AssumeRole.
   */
  readonly services?: readonly FakeService[];
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

/** What a fake command sees: the account it serves and the options it was installed with. */
interface FakeContext {
  readonly snapshot: Snapshot;
  readonly pageSize: number | undefined;
  readonly options: FakeAwsOptions;
}

export type FakeService = 'EC2' | 'EFS' | 'STS' | 'IAM';

/** One row of the table: an SDK command, the input keys it honours and how the fake account answers it. */
interface FakeCommand {
  readonly service: FakeService;
  readonly command: { readonly name: string };
  /** Input keys the fake honours; any other key that is set throws FakeAwsUnsupportedError. */
  readonly allowed: readonly string[];
  readonly answer: (input: Input, context: FakeContext) => unknown;
}

/** The operation name of an SDK command class, e.g. 'DescribeVpcs' for DescribeVpcsCommand. */
const operationOf = (command: { readonly name: string }) => command.name.replace(/Command$/, '');

/** An EC2 Describe call over one list of the snapshot: explicit ids, then filters, then paging. */
function ec2Describe<T>(
  command: { readonly name: string },
  spec: {
    readonly resultKey: string;
    readonly idsKey: string;
    readonly items: (snapshot: Snapshot) => readonly T[];
    readonly idOf: (item: T) => string | undefined;
    readonly notFound: string;
    readonly filters: Readonly<Record<string, FilterFn<T>>>;
  },
): FakeCommand {
  const name = operationOf(command);
  return {
    service: 'EC2',
    command,
    allowed: ['Filters', 'MaxResults', 'NextToken', 'DryRun', spec.idsKey],
    answer: (input, { snapshot, pageSize }) => {
      const selected = applyFilters(
        name,
        byIds(name, spec.items(snapshot), input[spec.idsKey], spec.idOf, spec.notFound),
        input.Filters as Filter[] | undefined,
        spec.filters,
      );
      const { slice, next } = page(selected, input.NextToken, input.MaxResults, pageSize);
      return { [spec.resultKey]: slice, ...(next ? { NextToken: next } : {}) };
    },
  };
}

const findFs = (snapshot: Snapshot, id: unknown): SnapshotFileSystem => {
  const fs = snapshot.fileSystems.find((f) => f.FileSystemId === id);
  if (!fs)
    throw new FileSystemNotFound({
      message: `File system '${String(id)}' does not exist.`,
      ErrorCode: 'FileSystemNotFound',
      $metadata: {},
    });
  return fs;
};
const findMountTarget = (snapshot: Snapshot, id: unknown) => {
  const mt = snapshot.fileSystems.flatMap((fs) => fs.MountTargets).find((m) => m.MountTargetId === id);
  if (!mt)
    throw new MountTargetNotFound({
      message: `Mount target '${String(id)}' does not exist.`,
      ErrorCode: 'MountTargetNotFound',
      $metadata: {},
    });
  return mt;
};
const describeFs = ({ Policy: _policy, MountTargets: _mts, ...fs }: SnapshotFileSystem) => fs;
const describeMt = ({ SecurityGroups: _groups, ...mt }: SnapshotFileSystem['MountTargets'][number]) => mt;
const efsPage = <T>(items: readonly T[], input: Input, pageSize: number | undefined) => {
  const { slice, next } = page(items, input.Marker, input.MaxItems, pageSize);
  return { slice, ...(next ? { NextMarker: next } : {}) };
};

// ---- EC2 routing (the snapshot's `routing` section; none: an account without routes) ----
const routingOf = (snapshot: Snapshot) => snapshot.routing ?? emptyRouting();

const tgwTable = (snapshot: Snapshot, input: Input) => {
  const table = routingOf(snapshot).transitGatewayRouteTables.find(
    (t) => t.TransitGatewayRouteTableId === input.TransitGatewayRouteTableId,
  );
  if (!table)
    throw awsError(
      'InvalidRouteTableID.NotFound',
      `The transitGatewayRouteTable ID '${String(input.TransitGatewayRouteTableId)}' does not exist`,
    );
  return table;
};

const ROUTING_COMMANDS: readonly FakeCommand[] = [
  ec2Describe(DescribeRouteTablesCommand, {
    resultKey: 'RouteTables',
    idsKey: 'RouteTableIds',
    items: (s) => routingOf(s).routeTables,
    idOf: (t) => t.RouteTableId,
    notFound: 'InvalidRouteTableID.NotFound',
    filters: {
      'vpc-id': (t, v) => has(v, t.VpcId),
      'route-table-id': (t, v) => has(v, t.RouteTableId),
      'association.subnet-id': (t, v) => (t.Associations ?? []).some((a) => has(v, a.SubnetId)),
    },
  }),
  ec2Describe(DescribeVpcPeeringConnectionsCommand, {
    resultKey: 'VpcPeeringConnections',
    idsKey: 'VpcPeeringConnectionIds',
    items: (s) => routingOf(s).vpcPeeringConnections,
    idOf: (p) => p.VpcPeeringConnectionId,
    notFound: 'InvalidVpcPeeringConnectionID.NotFound',
    filters: {
      'vpc-peering-connection-id': (p, v) => has(v, p.VpcPeeringConnectionId),
      'requester-vpc-info.vpc-id': (p, v) => has(v, p.RequesterVpcInfo?.VpcId),
      'accepter-vpc-info.vpc-id': (p, v) => has(v, p.AccepterVpcInfo?.VpcId),
    },
  }),
  ec2Describe(DescribeTransitGatewayAttachmentsCommand, {
    resultKey: 'TransitGatewayAttachments',
    idsKey: 'TransitGatewayAttachmentIds',
    items: (s) => routingOf(s).transitGatewayAttachments,
    idOf: (a) => a.TransitGatewayAttachmentId,
    notFound: 'InvalidTransitGatewayAttachmentID.NotFound',
    filters: {
      'transit-gateway-attachment-id': (a, v) => has(v, a.TransitGatewayAttachmentId),
      'resource-id': (a, v) => has(v, a.ResourceId),
      'resource-type': (a, v) => has(v, a.ResourceType),
      'transit-gateway-id': (a, v) => has(v, a.TransitGatewayId),
    },
  }),
  ec2Describe(DescribeTransitGatewayVpcAttachmentsCommand, {
    resultKey: 'TransitGatewayVpcAttachments',
    idsKey: 'TransitGatewayAttachmentIds',
    items: (s) => routingOf(s).transitGatewayVpcAttachments,
    idOf: (a) => a.TransitGatewayAttachmentId,
    notFound: 'InvalidTransitGatewayAttachmentID.NotFound',
    filters: {
      'transit-gateway-attachment-id': (a, v) => has(v, a.TransitGatewayAttachmentId),
      'vpc-id': (a, v) => has(v, a.VpcId),
    },
  }),
  ec2Describe(DescribeTransitGatewayRouteTablesCommand, {
    resultKey: 'TransitGatewayRouteTables',
    idsKey: 'TransitGatewayRouteTableIds',
    items: (s) =>
      routingOf(s).transitGatewayRouteTables.map(
        ({ Routes: _r, Associations: _a, Propagations: _p, OwnerId: _o, ...table }) => table,
      ),
    idOf: (t) => t.TransitGatewayRouteTableId,
    notFound: 'InvalidRouteTableID.NotFound',
    filters: {
      'transit-gateway-route-table-id': (t, v) => has(v, t.TransitGatewayRouteTableId),
      'transit-gateway-id': (t, v) => has(v, t.TransitGatewayId),
    },
  }),
  {
    service: 'EC2',
    command: SearchTransitGatewayRoutesCommand,
    allowed: ['TransitGatewayRouteTableId', 'Filters', 'MaxResults', 'NextToken', 'DryRun'],
    answer: (input, { snapshot, pageSize }) => {
      const routes = applyFilters(
        'SearchTransitGatewayRoutes',
        tgwTable(snapshot, input).Routes,
        input.Filters as Filter[] | undefined,
        {
          state: (r, v) => has(v, r.State),
          type: (r, v) => has(v, r.Type),
        },
      );
      const { slice, next } = page(routes, input.NextToken, input.MaxResults, pageSize);
      return { Routes: slice, AdditionalRoutesAvailable: false, ...(next ? { NextToken: next } : {}) };
    },
  },
  {
    service: 'EC2',
    command: GetTransitGatewayRouteTableAssociationsCommand,
    allowed: ['TransitGatewayRouteTableId', 'Filters', 'MaxResults', 'NextToken', 'DryRun'],
    answer: (input, { snapshot, pageSize }) => {
      const { slice, next } = page(
        tgwTable(snapshot, input).Associations,
        input.NextToken,
        input.MaxResults,
        pageSize,
      );
      return { Associations: slice, ...(next ? { NextToken: next } : {}) };
    },
  },
  {
    service: 'EC2',
    command: GetTransitGatewayRouteTablePropagationsCommand,
    allowed: ['TransitGatewayRouteTableId', 'Filters', 'MaxResults', 'NextToken', 'DryRun'],
    answer: (input, { snapshot, pageSize }) => {
      const { slice, next } = page(
        tgwTable(snapshot, input).Propagations,
        input.NextToken,
        input.MaxResults,
        pageSize,
      );
      return { TransitGatewayRouteTablePropagations: slice, ...(next ? { NextToken: next } : {}) };
    },
  },
  {
    service: 'EC2',
    command: DescribeVpnGatewaysCommand,
    allowed: ['Filters', 'VpnGatewayIds', 'DryRun'],
    answer: (input, { snapshot }) => ({
      VpnGateways: clone(
        applyFilters(
          'DescribeVpnGateways',
          byIds(
            'DescribeVpnGateways',
            routingOf(snapshot).vpnGateways,
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
  },
];

/** The EC2, EFS and STS commands the loaders send, and how the fake account answers each. */

const COMMANDS: readonly FakeCommand[] = [
  ec2Describe(DescribeVpcsCommand, {
    resultKey: 'Vpcs',
    idsKey: 'VpcIds',
    items: (s) => s.vpcs,
    idOf: (v) => v.VpcId,
    notFound: 'InvalidVpcID.NotFound',
    filters: {
      'vpc-id': (v, values) => has(values, v.VpcId),
      'owner-id': (v, values) => has(values, v.OwnerId),
    },
  }),
  ec2Describe(DescribeSubnetsCommand, {
    resultKey: 'Subnets',
    idsKey: 'SubnetIds',
    items: (s) => s.subnets,
    idOf: (subnet) => subnet.SubnetId,
    notFound: 'InvalidSubnetID.NotFound',
    filters: {
      'subnet-id': (subnet, values) => has(values, subnet.SubnetId),
      'vpc-id': (subnet, values) => has(values, subnet.VpcId),
      'availability-zone': (subnet, values) => has(values, subnet.AvailabilityZone),
    },
  }),
  ec2Describe(DescribeSecurityGroupsCommand, {
    resultKey: 'SecurityGroups',
    idsKey: 'GroupIds',
    items: (s) => s.securityGroups,
    idOf: (g) => g.GroupId,
    notFound: 'InvalidGroup.NotFound',
    filters: SECURITY_GROUP_FILTERS,
  }),
  ec2Describe(DescribeNetworkInterfacesCommand, {
    resultKey: 'NetworkInterfaces',
    idsKey: 'NetworkInterfaceIds',
    items: (s) => s.networkInterfaces,
    idOf: (e) => e.NetworkInterfaceId,
    notFound: 'InvalidNetworkInterfaceID.NotFound',
    filters: NETWORK_INTERFACE_FILTERS,
  }),
  ec2Describe(DescribeNetworkAclsCommand, {
    resultKey: 'NetworkAcls',
    idsKey: 'NetworkAclIds',
    items: (s) => s.networkAcls,
    idOf: (a) => a.NetworkAclId,
    notFound: 'InvalidNetworkAclID.NotFound',
    filters: NETWORK_ACL_FILTERS,
  }),
  ec2Describe(DescribeManagedPrefixListsCommand, {
    resultKey: 'PrefixLists',
    idsKey: 'PrefixListIds',
    items: (s) =>
      s.managedPrefixLists.map((l) => ({
        PrefixListId: l.PrefixListId,
        PrefixListName: l.PrefixListName,
        OwnerId: l.OwnerId,
      })),
    idOf: (l) => l.PrefixListId,
    notFound: 'InvalidPrefixListID.NotFound',
    filters: { 'prefix-list-id': (l, values) => has(values, l.PrefixListId) },
  }),
  {
    service: 'EC2',
    command: GetManagedPrefixListEntriesCommand,
    allowed: ['PrefixListId', 'MaxResults', 'NextToken', 'TargetVersion', 'DryRun'],
    answer: (input, { snapshot, pageSize, options }) => {
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
  },
  {
    service: 'EFS',
    command: DescribeFileSystemsCommand,
    allowed: ['FileSystemId', 'CreationToken', 'Marker', 'MaxItems'],
    answer: (input, { snapshot, pageSize }) => {
      if (input.CreationToken !== undefined)
        throw new FakeAwsUnsupportedError('fake AWS: DescribeFileSystems CreationToken');
      const items =
        input.FileSystemId !== undefined ? [findFs(snapshot, input.FileSystemId)] : snapshot.fileSystems;
      const { slice, ...rest } = efsPage(items.map(describeFs), input, pageSize);
      return { FileSystems: slice, ...rest };
    },
  },
  {
    service: 'EFS',
    command: DescribeMountTargetsCommand,
    allowed: ['FileSystemId', 'MountTargetId', 'AccessPointId', 'Marker', 'MaxItems'],
    answer: (input, { snapshot, pageSize }) => {
      let items: SnapshotFileSystem['MountTargets'];
      if (input.FileSystemId !== undefined) items = findFs(snapshot, input.FileSystemId).MountTargets;
      else if (input.MountTargetId !== undefined) items = [findMountTarget(snapshot, input.MountTargetId)];
      else
        throw new FakeAwsUnsupportedError(
          'fake AWS: DescribeMountTargets needs FileSystemId or MountTargetId',
        );
      const { slice, ...rest } = efsPage(items.map(describeMt), input, pageSize);
      return { MountTargets: slice, ...rest };
    },
  },
  {
    service: 'EFS',
    command: DescribeMountTargetSecurityGroupsCommand,
    allowed: ['MountTargetId'],
    answer: (input, { snapshot }) => ({
      SecurityGroups: [...findMountTarget(snapshot, input.MountTargetId).SecurityGroups],
    }),
  },
  {
    service: 'EFS',
    command: DescribeFileSystemPolicyCommand,
    allowed: ['FileSystemId'],
    answer: (input, { snapshot }) => {
      const fs = findFs(snapshot, input.FileSystemId);
      if (fs.Policy === null || fs.Policy === undefined)
        throw new PolicyNotFound({ message: 'No policy', ErrorCode: 'PolicyNotFound', $metadata: {} });
      return { FileSystemId: fs.FileSystemId, Policy: fs.Policy };
    },
  },
  {
    service: 'EFS',
    command: DescribeAccessPointsCommand,
    allowed: ['AccessPointId', 'FileSystemId', 'MaxResults', 'NextToken'],
    answer: (input, { snapshot, pageSize }) => {
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
        findFs(snapshot, input.FileSystemId);
        items = items.filter((ap) => ap.FileSystemId === input.FileSystemId);
      }
      const { slice, next } = page(items, input.NextToken, input.MaxResults, pageSize);
      return { AccessPoints: slice, ...(next ? { NextToken: next } : {}) };
    },
  },
  {
    service: 'STS',
    command: GetCallerIdentityCommand,
    allowed: [],
    answer: (_input, { snapshot }) => ({
      Account: snapshot.accountId,
      Arn: `arn:aws:iam::${snapshot.accountId}:user/fake`,
      UserId: 'AIDAFAKE',
    }),
  },
  {
    service: 'IAM',
    command: GetAccountAuthorizationDetailsCommand,
    allowed: ['Filter', 'MaxItems', 'Marker'],
    answer: (_input, { snapshot }) => ({
      UserDetailList: clone(snapshot.iam?.UserDetailList ?? []),
      GroupDetailList: clone(snapshot.iam?.GroupDetailList ?? []),
      RoleDetailList: clone(snapshot.iam?.RoleDetailList ?? []),
      Policies: clone(snapshot.iam?.Policies ?? []),
      IsTruncated: false,
    }),
  },
];

/** Installs the fake on every EC2, EFS, STS and IAM client until restore(). */

export function installFakeAws(initial: Snapshot, options: FakeAwsOptions = {}): FakeAws {
  let snapshot = initial;
  const recorded: FakeAwsCall[] = [];
  const failures = new Map<string, Error>();
  const served = new Set<FakeService>(options.services ?? ['EC2', 'EFS', 'STS', 'IAM']);
  const CLIENTS = { EC2: EC2Client, EFS: EFSClient, STS: STSClient, IAM: IAMClient } as const;
  const mocks: Partial<Record<FakeService, ReturnType<typeof mockClient>>> = {};
  for (const service of served) mocks[service] = mockClient(CLIENTS[service] as never) as never;
  const { pageSize } = options;
  // The service of each operation, for its IAM action (aws/sdk/errors.ts deriveIamAction).
  const serviceOf = new Map<string, FakeService>();
  for (const [service, mock] of Object.entries(mocks)) {
    mock?.onAnyCommand().callsFake((input: Input) => {
      recorded.push({ command: `${service}:unknown`, input: clone(input) });
      throw new FakeAwsUnsupportedError(
        `fake AWS: a ${service} command the fake does not implement was sent`,
      );
    });
  }
  // Each row: record the call, apply an injected failure, check the input keys, then answer.
  for (const row of [...COMMANDS, ...ROUTING_COMMANDS, ...IAM_NEIGHBOURHOOD_COMMANDS]) {
    const mock = mocks[row.service];
    if (!mock) continue;
    const name = operationOf(row.command);
    serviceOf.set(name, row.service);
    (
      mock as unknown as {
        on: (c: unknown) => { callsFake: (fn: (input: Input) => unknown) => void };
      }
    )
      .on(row.command)
      .callsFake(async (input: Input) => {
        recorded.push({ command: name, input: clone(input) });
        const failure = failures.get(name);
        if (failure) throw failure;
        checkKeys(name, input, row.allowed);
        return row.answer(input, { snapshot, pageSize, options });
      });
  }

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
      for (const mock of Object.values(mocks)) mock?.restore();
    },
  };
}

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
 * The IAM calls of aws/load/iam.ts loadIamNeighbourhood, answered from the snapshot's `iam`: Get<Noun>,
 * List<Noun>Policies, Get<Noun>Policy, ListAttached<Noun>Policies, GetPolicy, GetPolicyVersion and
 * ListEntitiesForPolicy. A name or ARN that is not there is NoSuchEntity, as in IAM.
 */
function iamNeighbourhoodCommands(): FakeCommand[] {
  const rows: FakeCommand[] = [];
  const answer = (
    command: { readonly name: string },
    allowed: readonly string[],
    fn: (input: Input, snapshot: Snapshot) => unknown,
  ) => {
    rows.push({ service: 'IAM', command, allowed, answer: (input, { snapshot }) => fn(input, snapshot) });
  };
  const details = (snapshot: Snapshot, list: (typeof PRINCIPALS)[number]['list']) =>
    (snapshot.iam?.[list] ?? []) as unknown as PrincipalDetail[];
  const PER_PRINCIPAL = {
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
    const find = (input: Input, snapshot: Snapshot): PrincipalDetail => {
      const found = details(snapshot, list).find((detail) => detail[nameKey] === input[nameKey]);
      if (!found) throw noSuchEntity(`${noun.toLowerCase()} with name ${String(input[nameKey])}`);
      return found;
    };
    const [get, listInline, getInline, listAttached] = PER_PRINCIPAL[noun];
    answer(get, [nameKey, ...IAM_PAGED], (input, snapshot) => {
      const detail = find(input, snapshot);
      const entity = {
        [nameKey]: detail[nameKey],
        [`${noun}Id`]: detail[`${noun}Id`],
        Arn: detail.Arn,
        Path: detail.Path ?? '/',
        CreateDate: new Date(0),
      };
      return noun === 'Group' ? { Group: entity, Users: [], IsTruncated: false } : { [noun]: entity };
    });
    answer(listInline, [nameKey, ...IAM_PAGED], (input, snapshot) => ({
      PolicyNames: ((find(input, snapshot)[inline] ?? []) as PolicyDetail[]).map(
        (policy) => policy.PolicyName,
      ),
      IsTruncated: false,
    }));
    answer(getInline, [nameKey, 'PolicyName'], (input, snapshot) => {
      const policy = ((find(input, snapshot)[inline] ?? []) as PolicyDetail[]).find(
        (candidate) => candidate.PolicyName === input.PolicyName,
      );
      if (!policy) throw noSuchEntity(`policy ${String(input.PolicyName)}`);
      return {
        [nameKey]: input[nameKey],
        PolicyName: policy.PolicyName,
        PolicyDocument: policy.PolicyDocument,
      };
    });
    answer(listAttached, [nameKey, 'PathPrefix', ...IAM_PAGED], (input, snapshot) => ({
      AttachedPolicies: clone(find(input, snapshot).AttachedManagedPolicies ?? []),
      IsTruncated: false,
    }));
  }

  const findPolicy = (snapshot: Snapshot, arn: unknown) => {
    const policy = (snapshot.iam?.Policies ?? []).find((candidate) => candidate.Arn === arn);
    if (!policy) throw noSuchEntity(`policy ${String(arn)}`);
    return policy;
  };
  answer(GetPolicyCommand, ['PolicyArn'], (input, snapshot) => {
    const policy = findPolicy(snapshot, input.PolicyArn);
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
  answer(GetPolicyVersionCommand, ['PolicyArn', 'VersionId'], (input, snapshot) => {
    const version = (findPolicy(snapshot, input.PolicyArn).PolicyVersionList ?? []).find(
      (candidate) => candidate.VersionId === input.VersionId,
    );
    if (!version) throw noSuchEntity(`policy version ${String(input.VersionId)}`);
    return { PolicyVersion: clone(version) };
  });
  answer(
    ListEntitiesForPolicyCommand,
    ['PolicyArn', 'EntityFilter', 'PathPrefix', 'PolicyUsageFilter', ...IAM_PAGED],
    (input, snapshot) => {
      const arn = findPolicy(snapshot, input.PolicyArn).Arn;
      const holders = (list: (typeof PRINCIPALS)[number]['list'], noun: string) =>
        details(snapshot, list)
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
  return rows;
}

const IAM_NEIGHBOURHOOD_COMMANDS = iamNeighbourhoodCommands();
