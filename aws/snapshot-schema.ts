// Validation of snapshot files (DESIGN.md §4) before they reach the normaliser. The schema checks the
// fields efsguard reads and lets every other SDK field through, so that a snapshot recorded by a newer
// SDK still loads. A failure names the path of the bad field, e.g. securityGroups[2].IpPermissions[0].IpProtocol.
import { z } from 'zod';
import { TOPOLOGY_PARTS, type TopologyPart } from '../core/model';
import { SnapshotError } from './errors';
import { compileFastCheck } from './schema-check';
import { SNAPSHOT_FORMAT, type Snapshot } from './snapshot';

const id = z.string().min(1);
const optionalString = z.string().optional();
const optionalNumber = z.number().optional();
const list = <T extends z.ZodType>(item: T) => z.array(item).optional();

const cidrState = z.looseObject({ State: optionalString }).optional();

const vpc = z.looseObject({
  VpcId: id,
  OwnerId: id,
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
  RequesterManaged: z.boolean().optional(),
  Description: optionalString,
  PrivateIpAddress: optionalString,
  PrivateIpAddresses: list(
    z.looseObject({ PrivateIpAddress: optionalString, Primary: z.boolean().optional() }),
  ),
  Ipv6Addresses: list(z.looseObject({ Ipv6Address: optionalString })),
  Groups: list(z.looseObject({ GroupId: id, GroupName: optionalString })),
  Attachment: z.looseObject({ InstanceId: optionalString }).optional(),
});

const networkAcl = z.looseObject({
  NetworkAclId: id,
  VpcId: id,
  OwnerId: id,
  IsDefault: z.boolean().optional(),
  Entries: list(
    z.looseObject({
      RuleNumber: z.number().int(),
      Egress: z.boolean(),
      RuleAction: z.enum(['allow', 'deny']),
      Protocol: id,
      CidrBlock: optionalString,
      Ipv6CidrBlock: optionalString,
      PortRange: z.looseObject({ From: optionalNumber, To: optionalNumber }).optional(),
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
  SecurityGroups: z.array(id),
});

const fileSystem = z.looseObject({
  FileSystemId: id,
  FileSystemArn: id,
  OwnerId: id,
  Name: optionalString,
  Policy: z.string().nullable().optional(),
  MountTargets: z.array(mountTarget),
});

const accessPoint = z.looseObject({
  AccessPointId: id,
  AccessPointArn: id,
  FileSystemId: id,
  OwnerId: id,
  Name: optionalString,
  PosixUser: z
    .looseObject({ Uid: z.number().int(), Gid: z.number().int(), SecondaryGids: list(z.number().int()) })
    .optional(),
  RootDirectory: z.looseObject({ Path: optionalString }).optional(),
});

const inlinePolicy = z.looseObject({ PolicyName: id, PolicyDocument: id });
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
          Document: optionalString,
          VersionId: optionalString,
          IsDefaultVersion: z.boolean().optional(),
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
  format: z.literal(SNAPSHOT_FORMAT).optional(),
  accountId: z.string().regex(/^\d{12}$/, 'expected a 12-digit AWS account id'),
  region: id,
  capturedAt: optionalString,
  parts: z.array(z.enum(TOPOLOGY_PARTS as [TopologyPart, ...TopologyPart[]])).optional(),
  vpcs: z.array(vpc),
  subnets: z.array(subnet),
  securityGroups: z.array(securityGroup),
  networkInterfaces: z.array(networkInterface),
  networkAcls: z.array(networkAcl),
  managedPrefixLists: z.array(prefixList),
  fileSystems: z.array(fileSystem),
  accessPoints: z.array(accessPoint),
  iam: iam.optional(),
});

const isValidSnapshot = compileFastCheck(snapshotSchema);

/** `securityGroups[2].IpPermissions[0].IpProtocol` */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else text += text === '' ? String(key) : `.${String(key)}`;
  }
  return text === '' ? '(top level)' : text;
}

/** Validates a parsed snapshot. `source` (a file name) prefixes the error message. */
export function parseSnapshot(value: unknown, source = 'snapshot'): Snapshot {
  // The common case, a valid file, passes a check that neither copies nor allocates; zod then runs
  // only to say what is wrong (aws/schema-check.ts).
  if (isValidSnapshot?.(value)) return value as Snapshot;
  const result = snapshotSchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue ? formatIssuePath(issue.path) : '(top level)';
    throw new SnapshotError(`${source}: invalid snapshot at ${where}: ${issue?.message ?? 'invalid'}`);
  }
  // The schema checks what efsguard reads; the rest is the SDK's own output, passed through unchanged.
  return result.data as unknown as Snapshot;
}

/** Parses snapshot JSON text. */
export function parseSnapshotText(text: string, source = 'snapshot'): Snapshot {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new SnapshotError(`${source}: not valid JSON (${(error as Error).message})`, { cause: error });
  }
  return parseSnapshot(value, source);
}
