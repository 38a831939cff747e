// Routing: recorded SDK output (a snapshot's `routing` section) -> the core RoutingState
// (docs/routing-aws.md). Hooked into aws/snapshot/normalise.ts. A route whose destination cannot be read is
// recorded in its table's `malformed` list, never fatal: the table then never passes as COMPLIANT, while
// every other table is still judged. A missing id is fatal, as everywhere in the normaliser.
//
// AWS facts used here:
// - A subnet without an explicit association uses the VPC's main route table (Amazon VPC User Guide,
//   "Route tables", "Main route tables"); associations carry Main and SubnetId, and an association in a
//   state other than `associated` does not apply (EC2 API Reference, RouteTableAssociationState).
// - A route's State is `active` or `blackhole` (EC2 API Reference, Route); its target is exactly one of
//   GatewayId (`local`, `igw-`, `vgw-`, `vpce-`), NatGatewayId, TransitGatewayId, VpcPeeringConnectionId,
//   NetworkInterfaceId (instance routes carry it too), and rarer ones kept as 'other'.
// - Only an `active` peering connection carries traffic (Amazon VPC Peering Guide, "VPC peering
//   connection lifecycle").
// - A TGW attachment's Association names the TGW route table that routes its traffic, once `associated`
//   (EC2 API Reference, TransitGatewayAttachmentAssociation); a TGW route is `active` or `blackhole`, and
//   `pending`, `deleting` and `deleted` routes route nothing (TransitGatewayRoute, State).
// - A virtual private gateway serves the VPCs whose VpcAttachments are `attached` (EC2 API Reference,
//   VpcAttachment).
import type {
  TransitGatewayAttachment as SdkAttachment,
  VpcPeeringConnection as SdkPeering,
  Route as SdkRoute,
  RouteTable as SdkRouteTable,
  TransitGatewayRoute as SdkTgwRoute,
  VpnGateway as SdkVpnGateway,
  VpcPeeringConnectionVpcInfo,
} from '@aws-sdk/client-ec2';
import type {
  PeeringSide,
  Route,
  RouteDestination,
  RouteTable,
  RouteTarget,
  RoutingState,
  TransitGatewayAttachment,
  TransitGatewayRoute,
  TransitGatewayRouteTable,
  VpcPeeringConnection,
  VpnGateway,
} from '../../core/model';
import { isValidCidr } from '../../core/net/cidr';
import {
  type SnapshotRouting,
  type SnapshotTransitGatewayRouteTable,
  transitGatewayOwners,
} from './format-routing';
import { byKey, required } from './normalise-fields';

export interface RoutingContext {
  readonly accountId: string;
  readonly region: string;
}

/** Either a destination or what is wrong with it. */
type Parsed<T> = { readonly ok: T } | { readonly problem: string };

function destinationOf(fields: readonly (readonly [string, string | undefined])[]): Parsed<RouteDestination> {
  for (const [field, value] of fields) {
    if (value === undefined || value === '') continue;
    if (field.endsWith('PrefixListId')) return { ok: { kind: 'prefixList', prefixListId: value } };
    if (isValidCidr(value)) return { ok: { kind: 'cidr', cidr: value } };
    return { problem: `${field} ${JSON.stringify(value)} is not a valid CIDR` };
  }
  return { problem: 'has no destination (no CIDR block and no prefix list)' };
}

function targetOf(route: SdkRoute): RouteTarget | undefined {
  const gateway = route.GatewayId;
  if (gateway) {
    if (gateway === 'local') return { kind: 'local' };
    if (gateway.startsWith('igw-')) return { kind: 'internetGateway', id: gateway };
    if (gateway.startsWith('vgw-')) return { kind: 'vpnGateway', id: gateway };
    if (gateway.startsWith('vpce-')) return { kind: 'vpcEndpoint', id: gateway };
    return { kind: 'other', id: gateway };
  }
  if (route.VpcPeeringConnectionId) return { kind: 'peering', id: route.VpcPeeringConnectionId };
  if (route.TransitGatewayId) return { kind: 'transitGateway', id: route.TransitGatewayId };
  if (route.NatGatewayId) return { kind: 'natGateway', id: route.NatGatewayId };
  if (route.NetworkInterfaceId) return { kind: 'networkInterface', id: route.NetworkInterfaceId };
  const other =
    route.EgressOnlyInternetGatewayId ??
    route.InstanceId ??
    route.LocalGatewayId ??
    route.CarrierGatewayId ??
    route.CoreNetworkArn ??
    (route as { OdbNetworkArn?: string }).OdbNetworkArn;
  return other ? { kind: 'other', id: other } : undefined;
}

/** An association applies while it is `associated` (or when the recording shows no state). */
const applies = (state: string | undefined) => state === undefined || state === 'associated';

export function normaliseRouteTable(table: SdkRouteTable, context: RoutingContext): RouteTable {
  const routeTableId = required(table.RouteTableId, 'route table', 'RouteTableId');
  const name = `route table ${routeTableId}`;
  const malformed: string[] = [];
  const routes: Route[] = [];
  (table.Routes ?? []).forEach((route, index) => {
    const where = `Routes[${index}]`;
    const destination = destinationOf([
      ['DestinationCidrBlock', route.DestinationCidrBlock],
      ['DestinationIpv6CidrBlock', route.DestinationIpv6CidrBlock],
      ['DestinationPrefixListId', route.DestinationPrefixListId],
    ]);
    if ('problem' in destination) {
      malformed.push(`${where}: ${destination.problem}`);
      return;
    }
    const target = targetOf(route);
    if (!target) {
      malformed.push(`${where}: has no target`);
      return;
    }
    const state = route.State ?? 'active';
    if (state !== 'active' && state !== 'blackhole') {
      malformed.push(`${where}: State ${JSON.stringify(state)} is neither active nor blackhole`);
      return;
    }
    routes.push({ destination: destination.ok, target, state, origin: route.Origin ?? '' });
  });
  const associations = (table.Associations ?? []).filter((a) => applies(a.AssociationState?.State));
  return {
    routeTableId,
    vpcId: required(table.VpcId, name, 'VpcId'),
    ownerId: table.OwnerId || context.accountId,
    main: associations.some((association) => association.Main === true),
    subnetIds: [
      ...new Set(associations.map((a) => a.SubnetId).filter((id): id is string => Boolean(id))),
    ].sort(),
    routes,
    propagatingVgwIds: (table.PropagatingVgws ?? [])
      .map((vgw) => vgw.GatewayId)
      .filter((id): id is string => Boolean(id)),
    ...(malformed.length > 0 ? { malformed } : {}),
  };
}

function peeringSide(
  info: VpcPeeringConnectionVpcInfo | undefined,
  name: string,
  field: string,
  context: RoutingContext,
): PeeringSide {
  const cidrBlocks = [
    ...(info?.CidrBlockSet ?? []).map((block) => block.CidrBlock),
    info?.CidrBlock,
    ...(info?.Ipv6CidrBlockSet ?? []).map((block) => block.Ipv6CidrBlock),
  ].filter((cidr): cidr is string => Boolean(cidr) && isValidCidr(cidr as string));
  return {
    vpcId: required(info?.VpcId, name, `${field}.VpcId`),
    // Both are optional in the API; a same-account, same-region peering may leave them out.
    ownerId: info?.OwnerId || context.accountId,
    region: info?.Region || context.region,
    // An unreadable block is left out, as for a VPC (aws/snapshot/normalise.ts normaliseVpc).
    cidrBlocks: [...new Set(cidrBlocks)],
  };
}

export function normalisePeering(peering: SdkPeering, context: RoutingContext): VpcPeeringConnection {
  const peeringConnectionId = required(
    peering.VpcPeeringConnectionId,
    'VPC peering connection',
    'VpcPeeringConnectionId',
  );
  const name = `VPC peering connection ${peeringConnectionId}`;
  return {
    peeringConnectionId,
    status: required(peering.Status?.Code, name, 'Status.Code'),
    requester: peeringSide(peering.RequesterVpcInfo, name, 'RequesterVpcInfo', context),
    accepter: peeringSide(peering.AccepterVpcInfo, name, 'AccepterVpcInfo', context),
  };
}

export function normaliseAttachment(
  attachment: SdkAttachment,
  subnetsByAttachment: ReadonlyMap<string, readonly string[]>,
  context: RoutingContext,
): TransitGatewayAttachment {
  const attachmentId = required(
    attachment.TransitGatewayAttachmentId,
    'transit gateway attachment',
    'TransitGatewayAttachmentId',
  );
  const name = `transit gateway attachment ${attachmentId}`;
  const association = attachment.Association;
  const associatedRouteTableId =
    association?.TransitGatewayRouteTableId && (association.State ?? 'associated') === 'associated'
      ? association.TransitGatewayRouteTableId
      : undefined;
  return {
    attachmentId,
    transitGatewayId: required(attachment.TransitGatewayId, name, 'TransitGatewayId'),
    transitGatewayOwnerId: attachment.TransitGatewayOwnerId || context.accountId,
    resourceType: required(attachment.ResourceType, name, 'ResourceType'),
    resourceId: attachment.ResourceId ?? '',
    resourceOwnerId: attachment.ResourceOwnerId || context.accountId,
    state: required(attachment.State, name, 'State'),
    ...(associatedRouteTableId ? { associatedRouteTableId } : {}),
    subnetIds: [...(subnetsByAttachment.get(attachmentId) ?? [])].sort(),
  };
}

const LIVE_TGW_ROUTE_STATES = new Set(['active', 'blackhole']);

export function normaliseTransitGatewayRouteTable(
  table: SnapshotTransitGatewayRouteTable,
  ownerOfGateway: ReadonlyMap<string, string>,
  context: RoutingContext,
): TransitGatewayRouteTable {
  const routeTableId = required(
    table.TransitGatewayRouteTableId,
    'transit gateway route table',
    'TransitGatewayRouteTableId',
  );
  const name = `transit gateway route table ${routeTableId}`;
  const transitGatewayId = required(table.TransitGatewayId, name, 'TransitGatewayId');
  const malformed: string[] = [];
  const routes: TransitGatewayRoute[] = [];
  (table.Routes ?? []).forEach((route: SdkTgwRoute, index) => {
    const where = `Routes[${index}]`;
    const state = route.State ?? 'active';
    if (!LIVE_TGW_ROUTE_STATES.has(state)) return; // pending, deleting, deleted: routes nothing
    const destination = destinationOf([
      ['DestinationCidrBlock', route.DestinationCidrBlock],
      ['PrefixListId', route.PrefixListId],
    ]);
    if ('problem' in destination) {
      malformed.push(`${where}: ${destination.problem}`);
      return;
    }
    const type = route.Type ?? 'static';
    if (type !== 'static' && type !== 'propagated') {
      malformed.push(`${where}: Type ${JSON.stringify(type)} is neither static nor propagated`);
      return;
    }
    routes.push({
      destination: destination.ok,
      attachmentIds:
        state === 'blackhole'
          ? []
          : (route.TransitGatewayAttachments ?? [])
              .map((a) => a.TransitGatewayAttachmentId)
              .filter((id): id is string => Boolean(id)),
      type,
      state: state as 'active' | 'blackhole',
    });
  });
  const ids = (items: readonly { TransitGatewayAttachmentId?: string; State?: string }[], live: string) => [
    ...new Set(
      items
        .filter((item) => (item.State ?? live) === live)
        .map((item) => item.TransitGatewayAttachmentId)
        .filter((id): id is string => Boolean(id)),
    ),
  ];
  return {
    routeTableId,
    transitGatewayId,
    ownerId: table.OwnerId || ownerOfGateway.get(transitGatewayId) || context.accountId,
    routes,
    associatedAttachmentIds: ids(table.Associations ?? [], 'associated').sort(),
    propagatingAttachmentIds: ids(table.Propagations ?? [], 'enabled').sort(),
    ...(malformed.length > 0 ? { malformed } : {}),
  };
}

export function normaliseVpnGateway(gateway: SdkVpnGateway): VpnGateway {
  const vpnGatewayId = required(gateway.VpnGatewayId, 'VPN gateway', 'VpnGatewayId');
  return {
    vpnGatewayId,
    state: required(gateway.State, `VPN gateway ${vpnGatewayId}`, 'State'),
    vpcIds: (gateway.VpcAttachments ?? [])
      .filter((attachment) => attachment.State === 'attached')
      .map((attachment) => attachment.VpcId)
      .filter((id): id is string => Boolean(id))
      .sort(),
  };
}

/** A snapshot's routing section -> RoutingState, each list sorted by id. */
export function normaliseRouting(routing: SnapshotRouting, context: RoutingContext): RoutingState {
  const subnetsByAttachment = new Map<string, string[]>();
  for (const vpcAttachment of routing.transitGatewayVpcAttachments ?? []) {
    if (vpcAttachment.TransitGatewayAttachmentId)
      subnetsByAttachment.set(vpcAttachment.TransitGatewayAttachmentId, vpcAttachment.SubnetIds ?? []);
  }
  const ownerOfGateway = transitGatewayOwners(routing.transitGatewayAttachments ?? []);
  return {
    routeTables: (routing.routeTables ?? [])
      .map((table) => normaliseRouteTable(table, context))
      .sort(byKey((table) => table.routeTableId)),
    peeringConnections: (routing.vpcPeeringConnections ?? [])
      .map((peering) => normalisePeering(peering, context))
      .sort(byKey((peering) => peering.peeringConnectionId)),
    transitGatewayAttachments: (routing.transitGatewayAttachments ?? [])
      .map((attachment) => normaliseAttachment(attachment, subnetsByAttachment, context))
      .sort(byKey((attachment) => attachment.attachmentId)),
    transitGatewayRouteTables: (routing.transitGatewayRouteTables ?? [])
      .map((table) => normaliseTransitGatewayRouteTable(table, ownerOfGateway, context))
      .sort(byKey((table) => table.routeTableId)),
    vpnGateways: (routing.vpnGateways ?? []).map(normaliseVpnGateway).sort(byKey((gw) => gw.vpnGatewayId)),
  };
}
