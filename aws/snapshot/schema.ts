// Validation of snapshot files (docs/architecture.md#the-snapshot-contract) before they reach the normaliser. The schema checks the
// fields efsguard reads and lets every other SDK field through, so that a snapshot recorded by a newer
// SDK still loads. A failure names the path of the bad field, e.g. securityGroups[2].IpPermissions[0].IpProtocol.
import { en } from 'zod/locales';
import * as z from 'zod/mini';
import { TOPOLOGY_PARTS } from '../../core/model';
import { SnapshotError } from '../sdk/errors';
import { SNAPSHOT_FORMATS, type Snapshot } from './format';
import { repeatedIds } from './repeated-ids';
import { compileFastCheck } from './schema-check';
import { ROUTING_ID_FIELDS, routingConsistencyIssues, routingSchema } from './schema-routing';

// zod/mini: the same checks and messages as classic zod, in about 30 KB where classic zod is 750 KB,
// which every start of the CLI read and initialised. Messages in English, as classic zod gives them.
z.config(en());

const id = z.string().check(z.minLength(1));
const optionalString = z.optional(z.string());
const optionalNumber = z.optional(z.number());
const list = <T extends z.ZodMiniType>(item: T) => z.optional(z.array(item));

const cidrState = z.optional(z.looseObject({ State: optionalString }));

// The API marks VPC and ACL OwnerId, FileSystemArn and AccessPointArn optional, and old recordings lack
// them: the normaliser fills them from the snapshot's account and region.
const vpc = z.looseObject({
  VpcId: id,
  OwnerId: z.optional(id),
  CidrBlock: optionalString,
  CidrBlockAssociationSet: list(z.looseObject({ CidrBlock: optionalString, CidrBlockState: cidrState })),
  Ipv6CidrBlockAssociationSet: list(
    z.looseObject({ Ipv6CidrBlock: optionalString, Ipv6CidrBlockState: cidrState }),
  ),
});

const subnet = z.looseObject({
  SubnetId: id,
  VpcId: id,
  AvailabilityZone: id,
  CidrBlock: optionalString,
  Ipv6CidrBlockAssociationSet: list(
    z.looseObject({ Ipv6CidrBlock: optionalString, Ipv6CidrBlockState: cidrState }),
  ),
});

const ipPermission = z.looseObject({
  IpProtocol: id,
  FromPort: optionalNumber,
  ToPort: optionalNumber,
  IpRanges: list(z.looseObject({ CidrIp: id, Description: optionalString })),
  Ipv6Ranges: list(z.looseObject({ CidrIpv6: id, Description: optionalString })),
  PrefixListIds: list(z.looseObject({ PrefixListId: id, Description: optionalString })),
  UserIdGroupPairs: list(
    z.looseObject({
      GroupId: id,
      UserId: optionalString,
      VpcPeeringConnectionId: optionalString,
      PeeringStatus: optionalString,
      Description: optionalString,
    }),
  ),
});

const securityGroup = z.looseObject({
  GroupId: id,
  GroupName: optionalString,
  VpcId: id,
  OwnerId: id,
  IpPermissions: list(ipPermission),
  IpPermissionsEgress: list(ipPermission),
});

const networkInterface = z.looseObject({
  NetworkInterfaceId: id,
  SubnetId: id,
  VpcId: id,
  OwnerId: id,
  AvailabilityZone: optionalString,
  InterfaceType: optionalString,
  RequesterManaged: z.optional(z.boolean()),
  RequesterId: optionalString,
  Description: optionalString,
  PrivateIpAddress: optionalString,
  PrivateIpAddresses: list(
    z.looseObject({ PrivateIpAddress: optionalString, Primary: z.optional(z.boolean()) }),
  ),
  Ipv6Addresses: list(z.looseObject({ Ipv6Address: optionalString })),
  Groups: list(z.looseObject({ GroupId: id, GroupName: optionalString })),
  Attachment: z.optional(z.looseObject({ InstanceId: optionalString })),
});

const networkAcl = z.looseObject({
  NetworkAclId: id,
  VpcId: id,
  OwnerId: z.optional(id),
  IsDefault: z.optional(z.boolean()),
  Entries: list(
    z.looseObject({
      RuleNumber: z.number().check(z.int()),
      Egress: z.boolean(),
      RuleAction: z.enum(['allow', 'deny']),
      Protocol: id,
      CidrBlock: optionalString,
      Ipv6CidrBlock: optionalString,
      PortRange: z.optional(z.looseObject({ From: optionalNumber, To: optionalNumber })),
    }),
  ),
  Associations: list(z.looseObject({ SubnetId: optionalString })),
});

const prefixList = z.looseObject({
  PrefixListId: id,
  PrefixListName: optionalString,
  OwnerId: optionalString,
  Entries: z.array(z.looseObject({ Cidr: id, Description: optionalString })),
});

const mountTarget = z.looseObject({
  MountTargetId: id,
  FileSystemId: id,
  OwnerId: id,
  SubnetId: id,
  VpcId: optionalString,
  AvailabilityZoneName: optionalString,
  // IPV6_ONLY mount targets have no IpAddress; the normaliser requires one of the two.
  IpAddress: optionalString,
  Ipv6Address: optionalString,
  NetworkInterfaceId: id,
  LifeCycleState: optionalString,
  // AWS requires 1-5 groups per mount target (EFS API Reference, CreateMountTarget): an empty list means
  // they could not be read, and judging the mount target by no groups would admit nothing.
  SecurityGroups: z
    .array(id)
    .check(
      z.minLength(1, 'empty: AWS requires 1-5 security groups per mount target, so they could not be read'),
    ),
});

const fileSystem = z.looseObject({
  FileSystemId: id,
  FileSystemArn: z.optional(id),
  OwnerId: id,
  Name: optionalString,
  Policy: z.optional(z.nullable(z.string())),
  MountTargets: z.array(mountTarget),
});

const accessPoint = z.looseObject({
  AccessPointId: id,
  AccessPointArn: z.optional(id),
  FileSystemId: id,
  OwnerId: id,
  Name: optionalString,
  PosixUser: z.optional(
    z.looseObject({
      Uid: z.number().check(z.int()),
      Gid: z.number().check(z.int()),
      SecondaryGids: list(z.number().check(z.int())),
    }),
  ),
  RootDirectory: z.optional(z.looseObject({ Path: optionalString })),
});

/**
 * A policy document: the API's URL-encoded JSON text, or a JSON object as the AWS CLI and boto3 save
 * it (they decode the document before printing it).
 */
const policyDocument = z.union([id, z.record(z.string(), z.unknown())]);
const inlinePolicy = z.looseObject({ PolicyName: id, PolicyDocument: policyDocument });
const attached = list(z.looseObject({ PolicyArn: optionalString }));

const iam = z.looseObject({
  Policies: list(
    z.looseObject({
      PolicyName: id,
      PolicyId: id,
      Arn: id,
      DefaultVersionId: optionalString,
      PolicyVersionList: list(
        z.looseObject({
          Document: z.optional(policyDocument),
          VersionId: optionalString,
          IsDefaultVersion: z.optional(z.boolean()),
        }),
      ),
    }),
  ),
  RoleDetailList: list(
    z.looseObject({
      RoleId: id,
      RoleName: id,
      Arn: id,
      RolePolicyList: list(inlinePolicy),
      AttachedManagedPolicies: attached,
    }),
  ),
  UserDetailList: list(
    z.looseObject({
      UserId: id,
      UserName: id,
      Arn: id,
      UserPolicyList: list(inlinePolicy),
      AttachedManagedPolicies: attached,
    }),
  ),
  GroupDetailList: list(
    z.looseObject({
      GroupId: id,
      GroupName: id,
      Arn: id,
      GroupPolicyList: list(inlinePolicy),
      AttachedManagedPolicies: attached,
    }),
  ),
});

export const snapshotSchema = z.looseObject({
  format: z.optional(z.enum(SNAPSHOT_FORMATS)),
  accountId: z.string().check(z.regex(/^\d{12}$/, 'expected a 12-digit AWS account id')),
  region: id,
  capturedAt: optionalString,
  parts: z.optional(z.array(z.enum(TOPOLOGY_PARTS))),
  vpcs: z.array(vpc),
  subnets: z.array(subnet),
  securityGroups: z.array(securityGroup),
  networkInterfaces: z.array(networkInterface),
  networkAcls: z.array(networkAcl),
  managedPrefixLists: z.array(prefixList),
  fileSystems: z.array(fileSystem),
  accessPoints: z.array(accessPoint),
  iam: z.optional(iam),
  routing: z.optional(routingSchema),
});

const isValidSnapshot = compileFastCheck(snapshotSchema);

/**
 * The yes/no checks of one item of the two largest lists, for the piecewise reader (piecewise.ts); the
 * same schema as in snapshotSchema, so a yes there is a yes here. Undefined if the compiler gave up.
 */
export const isValidSecurityGroup = compileFastCheck(securityGroup);
export const isValidNetworkInterface = compileFastCheck(networkInterface);

/** `securityGroups[2].IpPermissions[0].IpProtocol` */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else text += text === '' ? String(key) : `.${String(key)}`;
  }
  return text === '' ? '(top level)' : text;
}

/** At most this many problems are listed in one error; the count of the rest follows them. */
export const MAX_REPORTED_ISSUES = 20;

export interface SnapshotIssue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

type Item = Record<string, unknown>;
const isItem = (value: unknown): value is Item =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Where each id-bearing list lives and which field is its id. */
const ID_FIELDS: readonly (readonly [readonly string[], string, string])[] = [
  [['vpcs'], 'VpcId', 'VPC'],
  [['subnets'], 'SubnetId', 'subnet'],
  [['securityGroups'], 'GroupId', 'security group'],
  [['networkInterfaces'], 'NetworkInterfaceId', 'network interface'],
  [['networkAcls'], 'NetworkAclId', 'network ACL'],
  [['managedPrefixLists'], 'PrefixListId', 'prefix list'],
  [['fileSystems'], 'FileSystemId', 'file system'],
  [['accessPoints'], 'AccessPointId', 'access point'],
  [['iam', 'Policies'], 'Arn', 'IAM policy'],
  [['iam', 'RoleDetailList'], 'RoleId', 'IAM role'],
  [['iam', 'UserDetailList'], 'UserId', 'IAM user'],
  [['iam', 'GroupDetailList'], 'GroupId', 'IAM group'],
  ...ROUTING_ID_FIELDS,
];

function listAt(root: unknown, keys: readonly string[]): unknown[] {
  let value: unknown = root;
  for (const key of keys) value = isItem(value) ? value[key] : undefined;
  return Array.isArray(value) ? value : [];
}

/**
 * Resource ids that appear more than once. A merged or tampered file could otherwise hide a world-open
 * group or a root access point behind a clean copy of the same id, so each duplicate is an issue at
 * the later copy, naming the earlier one. Mount-target ids are unique across all file systems.
 */
export function findDuplicateIds(snapshot: unknown): SnapshotIssue[] {
  const issues: SnapshotIssue[] = [];
  const idOf = (item: unknown, field: string): string | undefined => {
    const id = isItem(item) ? item[field] : undefined;
    return typeof id === 'string' && id !== '' ? id : undefined;
  };
  for (const [keys, field, kind] of ID_FIELDS) {
    const list = listAt(snapshot, keys);
    const ids = list.map((item) => idOf(item, field));
    for (const [index, first] of repeatedIds(ids)) {
      issues.push({
        path: [...keys, index, field],
        message: `duplicate ${kind} id ${ids[index]}: also at ${formatIssuePath([...keys, first])}`,
      });
    }
  }
  // Mount-target ids are unique across all file systems: one list of them all, with where each lies.
  const ids: (string | undefined)[] = [];
  const places: (readonly [fsIndex: number, index: number])[] = [];
  const fileSystems = listAt(snapshot, ['fileSystems']);
  for (let fsIndex = 0; fsIndex < fileSystems.length; fsIndex++) {
    const list = listAt(fileSystems[fsIndex], ['MountTargets']);
    for (let index = 0; index < list.length; index++) {
      ids.push(idOf(list[index], 'MountTargetId'));
      places.push([fsIndex, index]);
    }
  }
  for (const [at, first] of repeatedIds(ids)) {
    const [fsIndex, index] = places[at] as readonly [number, number];
    const [firstFs, firstIndex] = places[first] as readonly [number, number];
    issues.push({
      path: ['fileSystems', fsIndex, 'MountTargets', index, 'MountTargetId'],
      message: `duplicate mount target id ${ids[at]}: also at ${formatIssuePath(['fileSystems', firstFs, 'MountTargets', firstIndex])}`,
    });
  }
  return issues;
}

/** The id of the resource an issue's path lies in, e.g. `security group sg-1`, when the file names one. */
function resourceOf(snapshot: unknown, path: readonly PropertyKey[]): string | undefined {
  let found: string | undefined;
  for (const [keys, field, kind] of ID_FIELDS) {
    if (!keys.every((key, i) => path[i] === key)) continue;
    const index = path[keys.length];
    if (typeof index !== 'number') continue;
    const item = listAt(snapshot, keys)[index];
    if (isItem(item) && typeof item[field] === 'string') found = `${kind} ${item[field]}`;
  }
  if (path[0] === 'fileSystems' && path[2] === 'MountTargets' && typeof path[1] === 'number') {
    const mt = listAt(listAt(snapshot, ['fileSystems'])[path[1]], ['MountTargets'])[path[3] as number];
    if (isItem(mt) && typeof mt.MountTargetId === 'string') found = `mount target ${mt.MountTargetId}`;
  }
  return found;
}

/**
 * One message for every problem, up to MAX_REPORTED_ISSUES, each with its path and the resource it
 * lies in: `x.json: invalid snapshot at securityGroups[2].IpPermissions[0].IpProtocol: expected
 * string (security group sg-1); at … (and 3 more problems)`.
 */
export function formatSnapshotIssues(
  source: string,
  snapshot: unknown,
  issues: readonly SnapshotIssue[],
): string {
  const shown = issues.slice(0, MAX_REPORTED_ISSUES).map((issue) => {
    const resource = resourceOf(snapshot, issue.path);
    return `at ${formatIssuePath(issue.path)}: ${issue.message}${resource ? ` (${resource})` : ''}`;
  });
  const rest = issues.length - shown.length;
  const more = rest > 0 ? ` (and ${rest} more problem${rest > 1 ? 's' : ''})` : '';
  return `${source}: invalid snapshot ${shown.join('; ')}${more}`;
}

/**
 * Validates a parsed snapshot. `source` (a file name) prefixes the error message, which lists every
 * problem found (up to MAX_REPORTED_ISSUES), not just the first.
 */
export function parseSnapshot(value: unknown, source = 'snapshot'): Snapshot {
  // The common case, a valid file, passes a check that neither copies nor allocates; zod then runs
  // only to say what is wrong (aws/snapshot/schema-check.ts).
  // Either way, duplicate ids are looked for once the shape is right.
  if (isValidSnapshot?.(value)) {
    const duplicates = [...findDuplicateIds(value), ...routingConsistencyIssues(value)];
    if (duplicates.length > 0) throw new SnapshotError(formatSnapshotIssues(source, value, duplicates));
    return value as Snapshot;
  }
  const result = snapshotSchema.safeParse(value);
  const issues: SnapshotIssue[] = result.success
    ? [...findDuplicateIds(value), ...routingConsistencyIssues(value)]
    : result.error.issues;
  if (issues.length > 0) throw new SnapshotError(formatSnapshotIssues(source, value, issues));
  // The schema checks what efsguard reads; the rest is the SDK's own output, passed through unchanged.
  return (result as { data: unknown }).data as Snapshot;
}
