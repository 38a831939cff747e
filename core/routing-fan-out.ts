// Fan-out of routing changes (docs/routing-aws.md#fan-out): which VPCs, and so which file systems, a
// change to a route table, VPC peering connection, Transit Gateway attachment or TGW route table, or
// virtual private gateway can alter the reach of. Pure: it reads only the Topology.
//
// A path into a mount target's VPC crosses at most one peering (peering is not transitive) or one TGW
// route table, so a routing resource touches the VPCs it belongs to and the VPCs one hop away: the peer
// VPC, the other VPC attachments of the same Transit Gateway. A change can alter the reach of any file
// system with a mount target in one of those VPCs; that set is an over-approximation, never an
// under-one. A seed the topology no longer holds (deleted) is found through what still names it: the
// route tables whose routes target it, the TGW route tables whose routes name it.
import type { ResourceRef, ResourceType, RoutingState, Topology } from './model';

export const ROUTING_RESOURCE_TYPES: readonly ResourceType[] = [
  'AWS::EC2::RouteTable',
  'AWS::EC2::VPCPeeringConnection',
  'AWS::EC2::TransitGatewayAttachment',
  'AWS::EC2::TransitGatewayRouteTable',
  'AWS::EC2::VPNGateway',
];

export const isRoutingResourceType = (type: ResourceType): boolean => ROUTING_RESOURCE_TYPES.includes(type);

const EMPTY: RoutingState = {
  routeTables: [],
  peeringConnections: [],
  transitGatewayAttachments: [],
  transitGatewayRouteTables: [],
  vpnGateways: [],
};

/** The VPCs of the Transit Gateways named, through their VPC attachments. */
function vpcsOfGateways(routing: RoutingState, gatewayIds: ReadonlySet<string>, into: Set<string>): void {
  for (const attachment of routing.transitGatewayAttachments) {
    if (attachment.resourceType === 'vpc' && gatewayIds.has(attachment.transitGatewayId))
      into.add(attachment.resourceId);
  }
}

/** The VPCs a change to the routing seeds can alter the reach into or out of (one hop around them). */
export function vpcsTouchedByRoutingSeeds(topology: Topology, seeds: readonly ResourceRef[]): Set<string> {
  const routing = topology.routing ?? EMPTY;
  const direct = new Set<string>();
  const gateways = new Set<string>();
  const targetsNaming = (id: string) =>
    routing.routeTables.filter((table) =>
      table.routes.some((route) => 'id' in route.target && route.target.id === id),
    );
  for (const seed of seeds) {
    const id = seed.resourceId;
    switch (seed.resourceType) {
      case 'AWS::EC2::RouteTable': {
        for (const table of routing.routeTables) if (table.routeTableId === id) direct.add(table.vpcId);
        break;
      }
      case 'AWS::EC2::VPCPeeringConnection': {
        for (const peering of routing.peeringConnections) {
          if (peering.peeringConnectionId !== id) continue;
          direct.add(peering.requester.vpcId);
          direct.add(peering.accepter.vpcId);
        }
        for (const table of targetsNaming(id)) direct.add(table.vpcId);
        break;
      }
      case 'AWS::EC2::TransitGatewayAttachment': {
        for (const attachment of routing.transitGatewayAttachments) {
          if (attachment.attachmentId !== id) continue;
          gateways.add(attachment.transitGatewayId);
          if (attachment.resourceType === 'vpc') direct.add(attachment.resourceId);
        }
        for (const table of routing.transitGatewayRouteTables) {
          const named =
            table.associatedAttachmentIds.includes(id) ||
            table.propagatingAttachmentIds.includes(id) ||
            table.routes.some((route) => route.attachmentIds.includes(id));
          if (named) gateways.add(table.transitGatewayId);
        }
        break;
      }
      case 'AWS::EC2::TransitGatewayRouteTable': {
        for (const table of routing.transitGatewayRouteTables)
          if (table.routeTableId === id) gateways.add(table.transitGatewayId);
        for (const attachment of routing.transitGatewayAttachments)
          if (attachment.associatedRouteTableId === id) gateways.add(attachment.transitGatewayId);
        break;
      }
      case 'AWS::EC2::VPNGateway': {
        for (const gateway of routing.vpnGateways)
          if (gateway.vpnGatewayId === id) for (const vpcId of gateway.vpcIds) direct.add(vpcId);
        for (const table of targetsNaming(id)) direct.add(table.vpcId);
        for (const table of routing.routeTables)
          if (table.propagatingVgwIds.includes(id)) direct.add(table.vpcId);
        break;
      }
      default:
        break;
    }
  }
  vpcsOfGateways(routing, gateways, direct);
  // One hop further: the other ends of the direct VPCs' peerings and Transit Gateways.
  const touched = new Set(direct);
  const directGateways = new Set<string>();
  for (const peering of routing.peeringConnections) {
    if (direct.has(peering.requester.vpcId)) touched.add(peering.accepter.vpcId);
    if (direct.has(peering.accepter.vpcId)) touched.add(peering.requester.vpcId);
  }
  for (const attachment of routing.transitGatewayAttachments) {
    if (attachment.resourceType === 'vpc' && direct.has(attachment.resourceId))
      directGateways.add(attachment.transitGatewayId);
  }
  vpcsOfGateways(routing, directGateways, touched);
  return touched;
}

/** The file systems with a mount target in a VPC the routing seeds touch. */
export function fanOutRoutingToFileSystems(topology: Topology, seeds: readonly ResourceRef[]): ResourceRef[] {
  const routingSeeds = seeds.filter((seed) => isRoutingResourceType(seed.resourceType));
  if (routingSeeds.length === 0) return [];
  const vpcs = vpcsTouchedByRoutingSeeds(topology, routingSeeds);
  const ids = new Set<string>();
  for (const mt of topology.mountTargets) if (vpcs.has(mt.vpcId)) ids.add(mt.fileSystemId);
  return [...ids].sort().map((resourceId) => ({ resourceType: 'AWS::EFS::FileSystem', resourceId }));
}

/**
 * efs-nfs-exposure (resource type AWS::EFS::FileSystem): the file systems whose set of reaching networks
 * a change can alter. A routing seed: those of fanOutRoutingToFileSystems. A file system: itself. A
 * security group: the file systems whose mount targets carry it. A mount target's interface: its file
 * system. A network ACL: the file systems with a mount target in its VPC or one hop from it (the ACL may
 * sit on the source side of a path).
 */
export function fanOutExposure(topology: Topology, seeds: readonly ResourceRef[]): ResourceRef[] {
  const ids = new Set<string>();
  const aclVpcs: ResourceRef[] = [];
  for (const seed of seeds) {
    switch (seed.resourceType) {
      case 'AWS::EFS::FileSystem':
        ids.add(seed.resourceId);
        break;
      case 'AWS::EC2::SecurityGroup':
        for (const mt of topology.mountTargets)
          if (mt.securityGroupIds.includes(seed.resourceId)) ids.add(mt.fileSystemId);
        break;
      case 'AWS::EC2::NetworkInterface':
        for (const mt of topology.mountTargets)
          if (mt.networkInterfaceId === seed.resourceId) ids.add(mt.fileSystemId);
        break;
      case 'AWS::EC2::NetworkAcl': {
        const acl = topology.networkAcls.find((candidate) => candidate.networkAclId === seed.resourceId);
        // The ACL's VPC stands in as a route table of that VPC would: same VPC, one hop around it.
        const table = topology.routing?.routeTables.find((candidate) => candidate.vpcId === acl?.vpcId);
        if (acl) for (const mt of topology.mountTargets) if (mt.vpcId === acl.vpcId) ids.add(mt.fileSystemId);
        if (table) aclVpcs.push({ resourceType: 'AWS::EC2::RouteTable', resourceId: table.routeTableId });
        break;
      }
      default:
        break;
    }
  }
  for (const ref of fanOutRoutingToFileSystems(topology, [...seeds, ...aclVpcs])) ids.add(ref.resourceId);
  return [...ids].sort().map((resourceId) => ({ resourceType: 'AWS::EFS::FileSystem', resourceId }));
}
