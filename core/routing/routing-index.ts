// The routing state indexed for traces, the hop and arrival types, and how each is named in an
// explanation (docs/routing.md). The traces themselves: trace.ts and gateways.ts.

import { perTopology } from '../memo';
import type {
  ManagedPrefixList,
  Route,
  RouteTable,
  RouteTarget,
  RoutingState,
  Subnet,
  Topology,
  TransitGatewayAttachment,
  TransitGatewayRoute,
  TransitGatewayRouteTable,
  VpcPeeringConnection,
  VpnGateway,
} from '../model';
import { indexTopology } from '../topology-index';

export type Verdict = 'allow' | 'deny' | 'unknown';

/** One step of a path: what it is, its verdict, what decides it, and why. */
export interface Hop {
  readonly hop: string;
  readonly verdict: Verdict;
  /** The exact route, rule, entry or resource that decides the verdict. */
  readonly by: string;
  readonly detail: string;
}

/**
 * How traffic from a source network reaches a mount target's VPC, named by the mount target's return
 * route to it: its own VPC, a peering, a TGW attachment, a virtual private gateway, or unknown.
 */
export type Arrival =
  | { readonly kind: 'ownVpc'; readonly vpcId: string }
  | { readonly kind: 'peering'; readonly peeringConnectionId: string; readonly vpcId: string }
  | {
      readonly kind: 'attachment';
      readonly attachmentId: string;
      readonly resourceType: string;
      readonly resourceId: string;
    }
  | { readonly kind: 'vpnGateway'; readonly vpnGatewayId: string; readonly vpcId: string }
  | { readonly kind: 'unknown'; readonly reason: string };

/** Where a one-way trace starts: a subnet efsguard sees, or a source network it names by its arrival. */
export type RouteStart =
  | { readonly kind: 'subnet'; readonly subnet: Subnet }
  | { readonly kind: 'network'; readonly arrival: Arrival };

/** Where a one-way trace must end: an address in a subnet efsguard sees, or in a named source network. */
export type RouteEnd =
  | { readonly kind: 'subnet'; readonly subnet: Subnet; readonly address: string }
  | { readonly kind: 'network'; readonly arrival: Arrival; readonly address: string };

/** Lookup tables over one RoutingState (memoised per Topology). */
export interface RoutingIndex {
  readonly routing: RoutingState;
  readonly subnetsById: ReadonlyMap<string, Subnet>;
  readonly prefixListsById: ReadonlyMap<string, ManagedPrefixList>;
  readonly tablesById: ReadonlyMap<string, RouteTable>;
  /** Explicit subnet associations. */
  readonly tableBySubnet: ReadonlyMap<string, RouteTable>;
  readonly mainTableByVpc: ReadonlyMap<string, RouteTable>;
  readonly peeringsById: ReadonlyMap<string, VpcPeeringConnection>;
  readonly attachmentsById: ReadonlyMap<string, TransitGatewayAttachment>;
  /** A VPC's attachment to a Transit Gateway, by `${transitGatewayId} ${vpcId}` (vpcAttachmentTo). */
  readonly vpcAttachments: ReadonlyMap<string, TransitGatewayAttachment>;
  readonly tgwTablesById: ReadonlyMap<string, TransitGatewayRouteTable>;
  readonly vpnGatewaysById: ReadonlyMap<string, VpnGateway>;
}

/** The routing index of `topology`, or undefined when routing was not recorded (an older snapshot). */
export const indexRouting = /* @__PURE__ */ perTopology((topology: Topology): RoutingIndex | undefined => {
  const routing = topology.routing;
  if (!routing) return undefined;
  const topologyIndex = indexTopology(topology);
  const tableBySubnet = new Map<string, RouteTable>();
  const mainTableByVpc = new Map<string, RouteTable>();
  for (const table of routing.routeTables) {
    for (const subnetId of table.subnetIds) tableBySubnet.set(subnetId, table);
    if (table.main) mainTableByVpc.set(table.vpcId, table);
  }
  const vpcAttachments = new Map<string, TransitGatewayAttachment>();
  for (const a of routing.transitGatewayAttachments) {
    const key = `${a.transitGatewayId} ${a.resourceId}`;
    // The first, as a scan of the attachments in order would find it.
    if (a.resourceType === 'vpc' && !vpcAttachments.has(key)) vpcAttachments.set(key, a);
  }
  return {
    routing,
    subnetsById: topologyIndex.subnetsById,
    prefixListsById: topologyIndex.prefixListsById,
    tablesById: new Map(routing.routeTables.map((t) => [t.routeTableId, t])),
    tableBySubnet,
    mainTableByVpc,
    peeringsById: new Map(routing.peeringConnections.map((p) => [p.peeringConnectionId, p])),
    attachmentsById: new Map(routing.transitGatewayAttachments.map((a) => [a.attachmentId, a])),
    vpcAttachments,
    tgwTablesById: new Map(routing.transitGatewayRouteTables.map((t) => [t.routeTableId, t])),
    vpnGatewaysById: new Map(routing.vpnGateways.map((g) => [g.vpnGatewayId, g])),
  };
});

/** The attachment of `vpcId` to the Transit Gateway `transitGatewayId`, if recorded. */
export function vpcAttachmentTo(
  index: RoutingIndex,
  transitGatewayId: string,
  vpcId: string,
): TransitGatewayAttachment | undefined {
  return index.vpcAttachments.get(`${transitGatewayId} ${vpcId}`);
}

/** The subnet's route table: its explicit association, else its VPC's main table; undefined if neither was recorded. */
export function routeTableOf(index: RoutingIndex, subnet: Subnet): RouteTable | undefined {
  return index.tableBySubnet.get(subnet.subnetId) ?? index.mainTableByVpc.get(subnet.vpcId);
}

/** Static routes first, then prefix-list routes, then propagated ones (route priority, lpm.ts). */
export function vpcRouteRank(route: Route): number {
  if (route.origin === 'EnableVgwRoutePropagation') return 2;
  return route.destination.kind === 'prefixList' ? 1 : 0;
}

export function tgwRouteRank(route: TransitGatewayRoute): number {
  if (route.type === 'propagated') return 2;
  return route.destination.kind === 'prefixList' ? 1 : 0;
}

export function describeTarget(target: RouteTarget): string {
  return target.kind === 'local' ? 'local' : target.id;
}

export function describeEnd(end: RouteEnd): string {
  return end.kind === 'subnet' ? `${end.address} in ${end.subnet.vpcId}` : end.address;
}

/** The network's own name: 'pcx-1 to vpc-2', 'tgw-attach-1 to VPN vpn-1', 'vgw-1 (on-premises)'. */
export function describeArrival(arrival: Arrival): string {
  switch (arrival.kind) {
    case 'ownVpc':
      return `own VPC ${arrival.vpcId}`;
    case 'peering':
      return `${arrival.peeringConnectionId} to ${arrival.vpcId}`;
    case 'attachment':
      return arrival.resourceType === 'vpc'
        ? `${arrival.attachmentId} to ${arrival.resourceId}`
        : arrival.resourceType === 'vpn'
          ? `${arrival.attachmentId} to VPN ${arrival.resourceId}`
          : arrival.resourceType === 'direct-connect-gateway'
            ? `${arrival.attachmentId} to Direct Connect ${arrival.resourceId}`
            : `${arrival.attachmentId} (${arrival.resourceType} ${arrival.resourceId})`;
    case 'vpnGateway':
      return `${arrival.vpnGatewayId} (on-premises)`;
    case 'unknown':
      return `unknown (${arrival.reason})`;
  }
}

export function hop(name: string, verdict: Verdict, by: string, detail: string): Hop {
  return { hop: name, verdict, by, detail };
}

/** Is the end this network (arrival of the same kind and id)? */
export function endIsNetwork(end: RouteEnd, match: (arrival: Arrival) => boolean): boolean {
  return end.kind === 'network' && match(end.arrival);
}

/** Traffic delivered into `vpcId` (by its local route): it ends here only if the end is in that VPC. */
