// Which VPCs a change to a routing resource can affect: the VPCs whose routes it is part of, and the VPCs
// connected to those by a peering or a shared Transit Gateway (a route table in a peer VPC decides the
// forward route of that peer's traffic to a mount target). A seed efsguard no longer sees (deleted) can
// have touched anything: 'all'.
import { type ResourceRef, ROUTING_RESOURCE_TYPES, type RoutingState, type Topology } from '../model';
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

// States in which a peering or an attachment can never carry traffic again (EC2 API Reference,
// VpcPeeringConnectionStateReason and TransitGatewayAttachmentState). Every other state, even one that
// carries nothing yet (pending-acceptance, pendingAcceptance), is kept: the verdict names it.
const GONE_PEERING = new Set(['deleted', 'rejected', 'failed', 'expired']);
const GONE_ATTACHMENT = new Set(['deleted', 'deleting', 'failed', 'failing', 'rejected', 'rejecting']);

/**
 * The VPC pairs that routing can join: the two sides of a peering, and every two VPC attachments of one
 * Transit Gateway. A path between a client or a source network and a mount target crosses at most one
 * such link (peering is not transitive; a TGW route table names its next attachment directly), so a
 * verdict on a mount target depends on the network of its VPC and of the VPCs linked to it, never further.
 */
export function routeLinks(routing: RoutingState): [string, string][] {
  const links: [string, string][] = [];
  for (const p of routing.peeringConnections) {
    if (!GONE_PEERING.has(p.status) && p.requester.vpcId !== p.accepter.vpcId)
      links.push([p.requester.vpcId, p.accepter.vpcId]);
  }
  // A star per Transit Gateway joins all its spokes: one link from the first to each other suffices for
  // connected components; routeConnectedVpcs reads the TGW's spokes directly.
  for (const vpcs of liveSpokes(routing).values()) {
    const [first, ...rest] = [...vpcs].sort();
    for (const other of rest) if (first !== undefined) links.push([first, other]);
  }
  return links;
}

/** The VPCs attached to each Transit Gateway by an attachment that can still carry traffic. */
function liveSpokes(routing: RoutingState): Map<string, Set<string>> {
  const spokes = new Map<string, Set<string>>();
  for (const a of routing.transitGatewayAttachments) {
    if (a.resourceType !== 'vpc' || GONE_ATTACHMENT.has(a.state)) continue;
    const vpcs = spokes.get(a.transitGatewayId);
    if (vpcs) vpcs.add(a.resourceId);
    else spokes.set(a.transitGatewayId, new Set([a.resourceId]));
  }
  return spokes;
}

/**
 * The VPCs linked by routing (routeLinks) to any of `vpcIds`, together with `vpcIds`: the neighbourhood
 * of a routing-aware rule needs their network (subnets and CIDRs decide where a source address starts and
 * which ranges are cut apart), docs/neighbourhood.md.
 */
export function routeConnectedVpcs(routing: RoutingState, vpcIds: Iterable<string>): Set<string> {
  const start = new Set(vpcIds);
  const connected = new Set(start);
  for (const p of routing.peeringConnections) {
    if (GONE_PEERING.has(p.status)) continue;
    if (start.has(p.requester.vpcId)) connected.add(p.accepter.vpcId);
    if (start.has(p.accepter.vpcId)) connected.add(p.requester.vpcId);
  }
  for (const vpcs of liveSpokes(routing).values()) {
    if ([...vpcs].some((vpcId) => start.has(vpcId))) for (const vpcId of vpcs) connected.add(vpcId);
  }
  return connected;
}
