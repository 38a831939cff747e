// The normalised domain that every rule evaluates. Adapters (aws/) build it once from the SDK's
// shapes; core never sees an optional SDK field, a protocol string or an absent port.

import type { RoutingState } from './model-routing';

/** NFS over TCP: the only port an EFS mount target listens on. */
export const NFS_PORT = 2049;

/**
 * A normalised IP protocol. Named protocols keep their name; any other IANA number stays a number.
 * 'all' is AWS's `-1`. (See core/net/protocol.ts for the normalisation.)
 */
export type Protocol = 'all' | 'tcp' | 'udp' | 'icmp' | 'icmpv6' | number;

/** Inclusive port range. All-traffic rules and port-less protocols are normalised to 0-65535. */
export interface PortRange {
  readonly from: number;
  readonly to: number;
}

export const ALL_PORTS: PortRange = { from: 0, to: 65535 };

/** Where a security-group permission lets traffic come from (ingress) or go to (egress). */
export type Peer =
  | { readonly kind: 'cidr'; readonly cidr: string }
  | { readonly kind: 'prefixList'; readonly prefixListId: string }
  | {
      readonly kind: 'group';
      readonly groupId: string;
      /** Account that owns the referenced group (UserId); the adapter fills in the group's own account when AWS omits it. */
      readonly userId: string;
      /** Set when the reference crosses a VPC peering connection. */
      readonly vpcPeeringConnectionId?: string;
      readonly peeringStatus?: string;
    };

/** One security-group rule: one protocol, one port range, one peer. */
export interface Permission {
  readonly protocol: Protocol;
  /** For ICMP these are type/code as AWS reports them; for tcp/udp the port range; else 0-65535. */
  readonly ports: PortRange;
  readonly peer: Peer;
  readonly description?: string;
}

/**
 * A rule the adapter could not read (a malformed CIDR). It is left out of `ingress`/`egress`, and the
 * rules fail closed on it locally: a verdict that depends on the group names it and is never COMPLIANT
 * on its account, while every other resource is still judged.
 */
export interface MalformedRule {
  readonly direction: 'ingress' | 'egress';
  /** Where it is and what is wrong, e.g. `IpPermissions[2].IpRanges[0].CidrIp "10.0.0.300/24" is not a valid CIDR`. */
  readonly detail: string;
}

export interface SecurityGroup {
  readonly groupId: string;
  readonly groupName: string;
  readonly vpcId: string;
  readonly ownerId: string;
  readonly ingress: readonly Permission[];
  readonly egress: readonly Permission[];
  /** Rules that could not be read; absent or empty when every rule was. */
  readonly malformed?: readonly MalformedRule[];
}

export interface Vpc {
  readonly vpcId: string;
  readonly ownerId: string;
  /** Every associated IPv4 and IPv6 CIDR block (primary and secondary). */
  readonly cidrBlocks: readonly string[];
}

export interface Subnet {
  readonly subnetId: string;
  readonly vpcId: string;
  readonly availabilityZone: string;
  /** IPv4 block first, then any IPv6 blocks. */
  readonly cidrBlocks: readonly string[];
}

export interface ManagedPrefixList {
  readonly prefixListId: string;
  readonly name: string;
  /** CIDRs of every entry. */
  readonly entries: readonly string[];
  /** Entries that could not be read: the list then counts as unresolved. */
  readonly malformed?: readonly string[];
}

export interface NetworkInterface {
  readonly networkInterfaceId: string;
  readonly subnetId: string;
  readonly vpcId: string;
  readonly ownerId: string;
  readonly availabilityZone: string;
  /** AWS InterfaceType, e.g. 'interface', 'lambda', 'vpc_endpoint'. */
  readonly interfaceType: string;
  readonly requesterManaged: boolean;
  /** The alias or account of the service that created a requester-managed interface, e.g. 'amazon-rds'. */
  readonly requesterId?: string;
  readonly description: string;
  /**
   * The primary private IPv4 address, also the first of privateIpAddresses. Absent for an interface in
   * an IPv6-only subnet, which has no IPv4 address at all (privateIpAddresses is then empty). An
   * interface may have no address of either family (an `efa-only` interface cannot have one): it is
   * then neither an NFS client nor a mount target.
   */
  readonly primaryPrivateIp?: string;
  /** Every private IPv4 address, the primary first; empty for an IPv6-only interface. */
  readonly privateIpAddresses: readonly string[];
  /** Every IPv6 address; empty for an IPv4-only interface. */
  readonly ipv6Addresses: readonly string[];
  readonly groupIds: readonly string[];
  /** Instance the interface is attached to, when any. */
  readonly attachedInstanceId?: string;
}

export interface MountTarget {
  readonly mountTargetId: string;
  readonly fileSystemId: string;
  readonly ownerId: string;
  readonly subnetId: string;
  readonly vpcId: string;
  readonly availabilityZone: string;
  /**
   * The IPv4 address. EFS creates a mount target as IPV4_ONLY (the default), DUAL_STACK or IPV6_ONLY
   * (EFS API Reference, CreateMountTarget, IpAddressType): absent for an IPv6-only mount target. At
   * least one of ipAddress and ipv6Address is present.
   */
  readonly ipAddress?: string;
  /** The IPv6 address of a dual-stack or IPv6-only mount target. */
  readonly ipv6Address?: string;
  readonly networkInterfaceId: string;
  /** From DescribeMountTargetSecurityGroups: authoritative. */
  readonly securityGroupIds: readonly string[];
  readonly lifeCycleState: string;
}

export interface FileSystem {
  readonly fileSystemId: string;
  readonly fileSystemArn: string;
  readonly ownerId: string;
  readonly name?: string;
  /** The file-system policy JSON text, or null when the file system has none (PolicyNotFound). */
  readonly policy: string | null;
}

export interface PosixUser {
  readonly uid: number;
  readonly gid: number;
  readonly secondaryGids: readonly number[];
}

export interface AccessPoint {
  readonly accessPointId: string;
  readonly accessPointArn: string;
  readonly fileSystemId: string;
  readonly ownerId: string;
  readonly name?: string;
  readonly posixUser?: PosixUser;
  /** '/' when AWS reports no root directory. */
  readonly rootDirectory: string;
}

export interface NetworkAclEntry {
  readonly ruleNumber: number;
  readonly egress: boolean;
  readonly action: 'allow' | 'deny';
  readonly protocol: Protocol;
  /** IPv4 or IPv6 CIDR: the two rule sets are evaluated apart. */
  readonly cidr: string;
  /** Destination port range for tcp/udp; 0-65535 for all-traffic and port-less protocols. */
  readonly ports: PortRange;
}

export interface NetworkAcl {
  readonly networkAclId: string;
  readonly vpcId: string;
  readonly ownerId: string;
  readonly isDefault: boolean;
  readonly entries: readonly NetworkAclEntry[];
  readonly subnetIds: readonly string[];
  /**
   * Entries that could not be read (a malformed CIDR), e.g. `rule 100 inbound: CidrBlock "x" is not a
   * valid CIDR`. They are left out of `entries`; the ACL rule never calls such an ACL COMPLIANT.
   */
  readonly malformedEntries?: readonly string[];
}

// ---- Routing: the route tables, peerings, Transit Gateways and VPN gateways (core/model-routing.ts) ----

export type * from './model-routing';

// ---- IAM (efs-api-least-privilege) ----

export interface IamManagedPolicy {
  readonly policyId: string;
  readonly arn: string;
  readonly policyName: string;
  /** The default version's policy document, URL-decoded JSON text. */
  readonly document: string;
}

export interface IamInlinePolicy {
  readonly policyName: string;
  readonly document: string;
}

export type IamPrincipalKind = 'role' | 'user' | 'group';

export interface IamPrincipal {
  readonly kind: IamPrincipalKind;
  /** RoleId / UserId / GroupId: Config's resource id for these types. */
  readonly id: string;
  readonly arn: string;
  readonly name: string;
  readonly inlinePolicies: readonly IamInlinePolicy[];
  readonly attachedPolicyArns: readonly string[];
}

/** Config's resource type of each kind of IAM principal. */
export const IAM_PRINCIPAL_TYPES = {
  role: 'AWS::IAM::Role',
  user: 'AWS::IAM::User',
  group: 'AWS::IAM::Group',
} as const satisfies Record<IamPrincipalKind, string>;

export interface IamState {
  /** Customer-managed policies only; AWS-managed policies are out of scope. */
  readonly policies: readonly IamManagedPolicy[];
  readonly principals: readonly IamPrincipal[];
}

/**
 * The parts of an account a loader can read. Each rule loads only the parts it needs, so its function
 * needs IAM permission for those reads alone (aws/load/permissions.ts maps parts to actions).
 * - network: VPCs, subnets, security groups, prefix lists, interfaces, ACLs, file systems and mount targets
 * - fileSystemPolicies: file systems and their policies
 * - accessPoints: access points
 * - iam: customer-managed policies, roles, users and groups
 * - routing: route tables, VPC peering connections, Transit Gateway attachments and route tables, and
 *   virtual private gateways (RoutingState)
 */
export const TOPOLOGY_PARTS = ['network', 'fileSystemPolicies', 'accessPoints', 'iam', 'routing'] as const;
export type TopologyPart = (typeof TOPOLOGY_PARTS)[number];

/** A region's EFS-relevant state (or a neighbourhood slice of it), normalised. */
export interface Topology {
  readonly accountId: string;
  readonly region: string;
  /**
   * The parts that were loaded. A rule refuses a topology that lacks a part it requires: an unloaded
   * part must never read as "nothing there". Always present: the normaliser fills it for a snapshot
   * recorded before parts existed (aws/snapshot/format.ts snapshotParts).
   */
  readonly parts: readonly TopologyPart[];
  readonly vpcs: readonly Vpc[];
  readonly subnets: readonly Subnet[];
  readonly securityGroups: readonly SecurityGroup[];
  readonly prefixLists: readonly ManagedPrefixList[];
  readonly networkInterfaces: readonly NetworkInterface[];
  readonly networkAcls: readonly NetworkAcl[];
  readonly fileSystems: readonly FileSystem[];
  readonly mountTargets: readonly MountTarget[];
  readonly accessPoints: readonly AccessPoint[];
  /** Absent when IAM was not loaded (it is global; only the IAM rule needs it). */
  readonly iam?: IamState;
  /** Absent when routing was not loaded (or the snapshot predates it): never read that as "no routes". */
  readonly routing?: RoutingState;
}

// ---- Evaluations ----

/**
 * The resource types efsguard reports on or is triggered by: Config's names. The routing types are
 * change triggers only (no rule posts verdicts on them); each is a Config-supported type.
 */
export const RESOURCE_TYPES = [
  'AWS::EC2::SecurityGroup',
  'AWS::EC2::NetworkInterface',
  'AWS::EC2::NetworkAcl',
  'AWS::EFS::FileSystem',
  'AWS::EFS::AccessPoint',
  'AWS::IAM::Policy',
  'AWS::IAM::Role',
  'AWS::IAM::User',
  'AWS::IAM::Group',
  'AWS::EC2::RouteTable',
  'AWS::EC2::VPCPeeringConnection',
  'AWS::EC2::TransitGatewayAttachment',
  'AWS::EC2::TransitGatewayRouteTable',
  'AWS::EC2::VPNGateway',
] as const;
export type ResourceType = (typeof RESOURCE_TYPES)[number];

/** The routing resource types: a change to one can alter which networks reach which mount targets. */
export const ROUTING_RESOURCE_TYPES: readonly ResourceType[] = [
  'AWS::EC2::RouteTable',
  'AWS::EC2::VPCPeeringConnection',
  'AWS::EC2::TransitGatewayAttachment',
  'AWS::EC2::TransitGatewayRouteTable',
  'AWS::EC2::VPNGateway',
];

/**
 * Config's compliance types, the strictest first: the one order every sink, summary and report uses
 * (two verdicts for one resource resolve to the stricter one; tables list findings first).
 */
export const COMPLIANCE_TYPES = ['NON_COMPLIANT', 'COMPLIANT', 'NOT_APPLICABLE'] as const;
export type ComplianceType = (typeof COMPLIANCE_TYPES)[number];

/** Orders compliance types strictest first (a negative number when `a` is stricter than `b`). */
export function compareCompliance(a: ComplianceType, b: ComplianceType): number {
  return COMPLIANCE_TYPES.indexOf(a) - COMPLIANCE_TYPES.indexOf(b);
}

/** The one key format for a resource in maps and sets: `AWS::EC2::SecurityGroup|sg-…`. */
export function refKey(ref: { readonly resourceType: string; readonly resourceId: string }): string {
  return `${ref.resourceType}|${ref.resourceId}`;
}

export interface ResourceRef {
  readonly resourceType: ResourceType;
  readonly resourceId: string;
}

export interface Evaluation extends ResourceRef {
  readonly rule: string;
  readonly complianceType: ComplianceType;
  /** At most 256 characters; absent rather than empty. */
  readonly annotation?: string;
  /**
   * Set on a NON_COMPLIANT verdict that rests on something efsguard could not see or read (a group,
   * prefix list or VPC that cannot be resolved, a policy that cannot be parsed). Such a verdict may
   * hide a worse finding, so a waiver never turns it COMPLIANT (core/waivers.ts). Absent otherwise.
   */
  readonly unresolved?: true;
  /** Set when a waiver turned this NON_COMPLIANT verdict COMPLIANT (core/waivers.ts applyWaivers). */
  readonly waived?: AppliedWaiver;
}

/** The waiver behind a waived verdict, and the finding it waived (never dropped). */
export interface AppliedWaiver {
  /** The waiver's position in its document's `waivers` list. */
  readonly index: number;
  readonly owner: string;
  readonly reason: string;
  /** YYYY-MM-DD: the last day the waiver applies (UTC). */
  readonly expires: string;
  /** The NON_COMPLIANT annotation the rule gave. */
  readonly finding?: string;
}

/**
 * A resource a change starts from. The handler says what it knows about it, so that the rule, not the
 * handler, decides what to report (core/rules/define.ts):
 * - `deleted`: the change event says the resource was deleted (or left the rule's scope). The rule
 *   reports it NOT_APPLICABLE, whatever the topology still shows, and judges what it reached.
 * - `hint`: only a lead to other resources (a reference the change removed). The rule reports it if it
 *   still exists, and says nothing about it if not: its own deletion event does that.
 */
export interface Seed extends ResourceRef {
  readonly deleted?: boolean;
  readonly hint?: boolean;
}

/**
 * Which resources a rule reports on. 'all' is a scheduled sweep of the whole topology. 'seeds' is a
 * change: the rule reports the seeds and every resource whose verdict a change to them can alter
 * (the fan-out of docs/architecture.md#nfs-paths-and-the-fan-out-graph), and only those.
 */
export type Scope = { readonly kind: 'all' } | { readonly kind: 'seeds'; readonly seeds: readonly Seed[] };

export const ALL: Scope = { kind: 'all' };
