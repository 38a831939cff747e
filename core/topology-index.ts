// Lookup tables over one Topology, built once and shared by every rule that evaluates it. Rules must
// stay near-linear on large accounts (hundreds of thousands of permissions), so every join goes
// through these maps rather than nested scans.
import { perTopology } from './memo';
import type {
  FileSystem,
  ManagedPrefixList,
  MountTarget,
  NetworkAcl,
  NetworkInterface,
  SecurityGroup,
  Subnet,
  Topology,
  Vpc,
} from './model';

export interface TopologyIndex {
  readonly topology: Topology;
  readonly vpcsById: ReadonlyMap<string, Vpc>;
  readonly subnetsById: ReadonlyMap<string, Subnet>;
  readonly groupsById: ReadonlyMap<string, SecurityGroup>;
  readonly prefixListsById: ReadonlyMap<string, ManagedPrefixList>;
  readonly interfacesById: ReadonlyMap<string, NetworkInterface>;
  /** Interfaces carrying each group id. */
  readonly interfacesByGroup: ReadonlyMap<string, readonly NetworkInterface[]>;
  readonly fileSystemsById: ReadonlyMap<string, FileSystem>;
  readonly mountTargetsByInterface: ReadonlyMap<string, MountTarget>;
  readonly mountTargetsByFileSystem: ReadonlyMap<string, readonly MountTarget[]>;
  /** Mount targets carrying each group id (from DescribeMountTargetSecurityGroups). */
  readonly mountTargetsByGroup: ReadonlyMap<string, readonly MountTarget[]>;
  readonly networkAclsById: ReadonlyMap<string, NetworkAcl>;
  /** The ACL associated with each subnet (each subnet has exactly one). */
  readonly networkAclBySubnet: ReadonlyMap<string, NetworkAcl>;
  /** Groups having a permission (ingress or egress) that references each group id. */
  readonly groupsReferencing: ReadonlyMap<string, readonly SecurityGroup[]>;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function byId<T>(items: readonly T[], id: (item: T) => string): Map<string, T> {
  const map = new Map<string, T>();
  for (const item of items) map.set(id(item), item);
  return map;
}

function buildIndex(topology: Topology): TopologyIndex {
  let groupsReferencing: ReadonlyMap<string, readonly SecurityGroup[]> | undefined;
  let interfacesById: ReadonlyMap<string, NetworkInterface> | undefined;
  const interfacesByGroup = new Map<string, NetworkInterface[]>();
  for (const eni of topology.networkInterfaces) {
    // Most interfaces carry one or two groups: dedupe without a Set per interface.
    const groupIds = eni.groupIds;
    for (let i = 0; i < groupIds.length; i++) {
      const groupId = groupIds[i] as string;
      if (groupIds.indexOf(groupId) === i) push(interfacesByGroup, groupId, eni);
    }
  }
  const mountTargetsByFileSystem = new Map<string, MountTarget[]>();
  const mountTargetsByGroup = new Map<string, MountTarget[]>();
  for (const mt of topology.mountTargets) {
    push(mountTargetsByFileSystem, mt.fileSystemId, mt);
    const groupIds = mt.securityGroupIds;
    for (let i = 0; i < groupIds.length; i++) {
      const groupId = groupIds[i] as string;
      if (groupIds.indexOf(groupId) === i) push(mountTargetsByGroup, groupId, mt);
    }
  }
  const networkAclBySubnet = new Map<string, NetworkAcl>();
  for (const acl of topology.networkAcls) {
    for (const subnetId of acl.subnetIds) networkAclBySubnet.set(subnetId, acl);
  }
  return {
    topology,
    vpcsById: byId(topology.vpcs, (vpc) => vpc.vpcId),
    subnetsById: byId(topology.subnets, (subnet) => subnet.subnetId),
    groupsById: byId(topology.securityGroups, (group) => group.groupId),
    prefixListsById: byId(topology.prefixLists, (list) => list.prefixListId),
    interfacesByGroup,
    fileSystemsById: byId(topology.fileSystems, (fs) => fs.fileSystemId),
    mountTargetsByInterface: byId(topology.mountTargets, (mt) => mt.networkInterfaceId),
    mountTargetsByFileSystem,
    mountTargetsByGroup,
    networkAclsById: byId(topology.networkAcls, (acl) => acl.networkAclId),
    networkAclBySubnet,
    // A sweep walks the interfaces in order (core/rules/resources.ts) and the NFS graph keeps its
    // clients: only lookups by id ask for this table, 160,000 entries at scale 16.
    get interfacesById() {
      interfacesById ??= byId(topology.networkInterfaces, (eni) => eni.networkInterfaceId);
      return interfacesById;
    },
    // Only a change event's fan-out asks for it: a full scan does not walk every permission for it.
    get groupsReferencing() {
      groupsReferencing ??= referencingGroups(topology);
      return groupsReferencing;
    },
  };
}

function referencingGroups(topology: Topology): Map<string, SecurityGroup[]> {
  const groupsReferencing = new Map<string, SecurityGroup[]>();
  for (const group of topology.securityGroups) {
    let referenced: Set<string> | undefined;
    for (const permission of group.ingress) {
      if (permission.peer.kind !== 'group') continue;
      referenced ??= new Set<string>();
      referenced.add(permission.peer.groupId);
    }
    for (const permission of group.egress) {
      if (permission.peer.kind !== 'group') continue;
      referenced ??= new Set<string>();
      referenced.add(permission.peer.groupId);
    }
    if (referenced) for (const groupId of referenced) push(groupsReferencing, groupId, group);
  }
  return groupsReferencing;
}

/** The index of `topology`, built on first use and memoised per Topology object. */
export const indexTopology: (topology: Topology) => TopologyIndex = /* @__PURE__ */ perTopology(buildIndex);

/**
 * Do the interfaces' ids strictly ascend? Then each id is there once, in the order a table by id would
 * list them. The normaliser sorts every list by id (aws/snapshot/normalise.ts), so this is the rule;
 * a topology built by hand, or one with a repeated id, is the exception and goes through
 * `interfacesById`.
 */
export const interfacesInIdOrder: (topology: Topology) => boolean = /* @__PURE__ */ perTopology(
  (topology) => {
    const list = topology.networkInterfaces;
    for (let i = 1; i < list.length; i++) {
      if (
        !(
          (list[i - 1] as NetworkInterface).networkInterfaceId <
          (list[i] as NetworkInterface).networkInterfaceId
        )
      )
        return false;
    }
    return true;
  },
);

/**
 * A mount target's interface: known from DescribeMountTargets (authoritative), or an interface whose
 * type is 'efs' when the mount target itself was not loaded (a defensive hint: 'efs' is not among the
 * EC2 API's documented interface types). Such interfaces are never NFS clients.
 */
export function isMountTargetInterface(index: TopologyIndex, eni: NetworkInterface): boolean {
  return index.mountTargetsByInterface.has(eni.networkInterfaceId) || eni.interfaceType === 'efs';
}

/**
 * Interface types AWS creates for services that never mount NFS themselves (EC2 API Reference,
 * NetworkInterface InterfaceType; the `interface-type` filter of DescribeNetworkInterfaces). Their
 * groups can still be admitted by a mount target, so they remain sources wherever exposure is judged;
 * they are just not clients whose egress or ACL path needs to work.
 */
const NON_NFS_INTERFACE_TYPES: ReadonlySet<string> = new Set([
  'natGateway',
  'nat_gateway',
  'load_balancer',
  'network_load_balancer',
  'gateway_load_balancer',
  'gateway_load_balancer_endpoint',
  'vpc_endpoint',
  'transit_gateway',
  'global_accelerator_managed',
  'api_gateway_managed',
  'quicksight',
  'iot_rules_managed',
  'aws_codestar_connections_managed',
  'ec2_instance_connect_endpoint',
]);

/**
 * Requester-managed interfaces of the plain `interface` type that belong to a service that never mounts
 * NFS, by the requester id or the description the service gives them ("Requester-managed network
 * interfaces", Amazon EC2 User Guide: the description and requester id tell what an interface is for).
 * Only requester-managed interfaces are recognised: a user cannot make their own interface one.
 */
const NON_NFS_REQUESTERS: ReadonlySet<string> = new Set([
  'amazon-rds',
  'amazon-elb',
  'amazon-elasticache',
  'amazon-redshift',
]);
const NON_NFS_DESCRIPTIONS: readonly RegExp[] = [
  /^VPC Endpoint Interface /,
  /^ELB /,
  /^RDSNetworkInterface$/,
  /^Interface for NAT Gateway /,
];

/**
 * Why an interface that is not a mount target can never be an NFS client, or undefined when it can be
 * one. Such an interface is left out of the client set of the egress and ACL rules (which report it
 * NOT_APPLICABLE with this reason); its groups still count wherever a mount target's exposure is judged.
 */
export function nonClientReason(eni: NetworkInterface): string | undefined {
  if (eni.primaryPrivateIp === undefined && eni.ipv6Addresses.length === 0) {
    return 'It has no IP address (an efa-only interface cannot have one), so it can neither send nor receive NFS.';
  }
  if (NON_NFS_INTERFACE_TYPES.has(eni.interfaceType)) {
    return `Not an NFS client: a ${eni.interfaceType} interface, which never mounts NFS.`;
  }
  if (eni.requesterManaged) {
    if (eni.requesterId !== undefined && NON_NFS_REQUESTERS.has(eni.requesterId)) {
      return `Not an NFS client: an interface that ${eni.requesterId} manages, which never mounts NFS.`;
    }
    if (NON_NFS_DESCRIPTIONS.some((pattern) => pattern.test(eni.description))) {
      return `Not an NFS client: a service-managed interface ("${eni.description}") that never mounts NFS.`;
    }
  }
  return undefined;
}
