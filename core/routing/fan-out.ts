// Which VPCs a change to a routing resource can affect: the VPCs whose routes it is part of, and the VPCs
// connected to those by a peering or a shared Transit Gateway (a route table in a peer VPC decides the
// forward route of that peer's traffic to a mount target). A seed efsguard no longer sees (deleted) can
// have touched anything: 'all'.
import { type ResourceRef, ROUTING_RESOURCE_TYPES, type Topology } from '../model';
import { listNfsPairs, type NfsPair } from '../net/nfs-paths';

export function isRoutingSeed(seed: ResourceRef): boolean {
  return ROUTING_RESOURCE_TYPES.includes(seed.resourceType);
}

/** The VPCs whose reachability routing seeds can change, or 'all' when a seed cannot be placed. */
export function vpcsAffectedByRouting(
  topology: Topology,
  seeds: readonly ResourceRef[],
): Set<string> | 'all' {
  const routing = topology.routing;
  const direct = new Set<string>();
  const routingSeeds = seeds.filter(isRoutingSeed);
  if (routingSeeds.length === 0) return direct;
  if (!routing) return 'all';
  const vpcsOfTgw = (tgwId: string): string[] =>
    routing.transitGatewayAttachments
      .filter((a) => a.transitGatewayId === tgwId && a.resourceType === 'vpc')
      .map((a) => a.resourceId);
  for (const seed of routingSeeds) {
    const id = seed.resourceId;
    let found: string[] | undefined;
    switch (seed.resourceType) {
      case 'AWS::EC2::RouteTable': {
        const table = routing.routeTables.find((t) => t.routeTableId === id);
        found = table ? [table.vpcId] : undefined;
        break;
      }
      case 'AWS::EC2::VPCPeeringConnection': {
        const peering = routing.peeringConnections.find((p) => p.peeringConnectionId === id);
        found = peering ? [peering.requester.vpcId, peering.accepter.vpcId] : undefined;
        break;
      }
      case 'AWS::EC2::TransitGatewayAttachment': {
        const attachment = routing.transitGatewayAttachments.find((a) => a.attachmentId === id);
        found = attachment ? vpcsOfTgw(attachment.transitGatewayId) : undefined;
        break;
      }
      case 'AWS::EC2::TransitGatewayRouteTable': {
        const table = routing.transitGatewayRouteTables.find((t) => t.routeTableId === id);
        found = table ? vpcsOfTgw(table.transitGatewayId) : undefined;
        break;
      }
      case 'AWS::EC2::VPNGateway': {
        const gateway = routing.vpnGateways.find((g) => g.vpnGatewayId === id);
        found = gateway ? [...gateway.vpcIds] : undefined;
        break;
      }
    }
    if (!found) return 'all';
    for (const vpcId of found) direct.add(vpcId);
  }
  // One step out: peers and TGW neighbours of every directly affected VPC.
  const affected = new Set(direct);
  for (const peering of routing.peeringConnections) {
    if (direct.has(peering.requester.vpcId)) affected.add(peering.accepter.vpcId);
    if (direct.has(peering.accepter.vpcId)) affected.add(peering.requester.vpcId);
  }
  for (const attachment of routing.transitGatewayAttachments) {
    if (attachment.resourceType === 'vpc' && direct.has(attachment.resourceId)) {
      for (const vpcId of vpcsOfTgw(attachment.transitGatewayId)) affected.add(vpcId);
    }
  }
  return affected;
}

/** The cross-VPC NFS pairs (security groups admit them) whose routes routing seeds can change. */
export function pairsAffectedByRouting(topology: Topology, seeds: readonly ResourceRef[]): NfsPair[] {
  const vpcs = vpcsAffectedByRouting(topology, seeds);
  if (vpcs !== 'all' && vpcs.size === 0) return [];
  return listNfsPairs(topology).filter(
    (pair) =>
      pair.client.vpcId !== pair.mountTarget.vpcId &&
      (vpcs === 'all' || vpcs.has(pair.client.vpcId) || vpcs.has(pair.mountTarget.vpcId)),
  );
}
