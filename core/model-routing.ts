// The routing part of the normalised model (route-aware reachability: docs/routing.md). core/model.ts
// re-exports it, so every type of the Topology is imported from one place.
/** Where a route or TGW route sends matching traffic: a managed prefix list or a CIDR (IPv4 or IPv6). */
export type RouteDestination =
  | { readonly kind: 'cidr'; readonly cidr: string }
  | { readonly kind: 'prefixList'; readonly prefixListId: string };

/**
 * A VPC route's target (DescribeRouteTables Route). `local` is the VPC's own CIDRs; `other` keeps
 * targets efsguard does not follow (carrier, local or core-network gateways, instances without an
 * interface id) with the id AWS gave, so an explanation can still name it.
 */
export type RouteTarget =
  | { readonly kind: 'local' }
  | { readonly kind: 'peering'; readonly id: string }
  | { readonly kind: 'transitGateway'; readonly id: string }
  | { readonly kind: 'vpnGateway'; readonly id: string }
  | { readonly kind: 'internetGateway'; readonly id: string }
  | { readonly kind: 'natGateway'; readonly id: string }
  | { readonly kind: 'networkInterface'; readonly id: string }
  | { readonly kind: 'vpcEndpoint'; readonly id: string }
  | { readonly kind: 'other'; readonly id: string };

export interface Route {
  readonly destination: RouteDestination;
  readonly target: RouteTarget;
  /** 'blackhole' drops matching traffic (its target is gone). */
  readonly state: 'active' | 'blackhole';
  /** AWS Origin: CreateRouteTable (the local route), CreateRoute, EnableVgwRoutePropagation. */
  readonly origin: string;
}

export interface RouteTable {
  readonly routeTableId: string;
  readonly vpcId: string;
  readonly ownerId: string;
  /** The VPC's main route table: used by every subnet with no explicit association. */
  readonly main: boolean;
  /** Subnets explicitly associated with this table. */
  readonly subnetIds: readonly string[];
  readonly routes: readonly Route[];
  /** Virtual private gateways propagating routes into this table. */
  readonly propagatingVgwIds: readonly string[];
  /** Routes that could not be read (a malformed destination): the table then never passes as COMPLIANT. */
  readonly malformed?: readonly string[];
}

/** One side of a VPC peering connection. */
export interface PeeringSide {
  readonly vpcId: string;
  readonly ownerId: string;
  readonly region: string;
  /** Every IPv4 and IPv6 CIDR of the side's VPC that the peering shows. */
  readonly cidrBlocks: readonly string[];
}

export interface VpcPeeringConnection {
  readonly peeringConnectionId: string;
  /** AWS Status.Code: only 'active' carries traffic. */
  readonly status: string;
  readonly requester: PeeringSide;
  readonly accepter: PeeringSide;
}

export interface TransitGatewayAttachment {
  readonly attachmentId: string;
  readonly transitGatewayId: string;
  readonly transitGatewayOwnerId: string;
  /** AWS ResourceType: 'vpc', 'vpn', 'direct-connect-gateway', 'peering', 'connect', 'network-function'. */
  readonly resourceType: string;
  /** vpc-…, vpn-…, a Direct Connect gateway id, or the peer TGW attachment's id. */
  readonly resourceId: string;
  readonly resourceOwnerId: string;
  /** AWS State: only 'available' carries traffic. */
  readonly state: string;
  /** The TGW route table the attachment is associated with; absent: none, so its traffic is dropped. */
  readonly associatedRouteTableId?: string;
  /** For a VPC attachment, its subnets (one per Availability Zone it reaches); empty otherwise. */
  readonly subnetIds: readonly string[];
}

export interface TransitGatewayRoute {
  readonly destination: RouteDestination;
  /** The attachments it sends to (several for ECMP); empty for a blackhole. */
  readonly attachmentIds: readonly string[];
  readonly type: 'static' | 'propagated';
  readonly state: 'active' | 'blackhole';
}

export interface TransitGatewayRouteTable {
  readonly routeTableId: string;
  readonly transitGatewayId: string;
  readonly ownerId: string;
  readonly routes: readonly TransitGatewayRoute[];
  /** Attachments associated with this table (their traffic is routed by it). */
  readonly associatedAttachmentIds: readonly string[];
  /** Attachments propagating routes into this table. */
  readonly propagatingAttachmentIds: readonly string[];
  /** Routes that could not be read (a malformed destination), as for a VPC RouteTable. */
  readonly malformed?: readonly string[];
}

export interface VpnGateway {
  readonly vpnGatewayId: string;
  /** AWS State: only 'available' carries traffic. */
  readonly state: string;
  /** VPCs attached (state 'attached'). */
  readonly vpcIds: readonly string[];
}

/**
 * Everything efsguard reads about routing in one region. A route table, TGW route table or peer VPC that
 * efsguard could not read (another account's) is simply absent: the routing module then answers
 * 'unknown' for the hops that need it, never 'deny' or 'allow'.
 */
export interface RoutingState {
  readonly routeTables: readonly RouteTable[];
  readonly peeringConnections: readonly VpcPeeringConnection[];
  readonly transitGatewayAttachments: readonly TransitGatewayAttachment[];
  readonly transitGatewayRouteTables: readonly TransitGatewayRouteTable[];
  readonly vpnGateways: readonly VpnGateway[];
}
