// The routing part of the sweep benchmark's loopback EC2 endpoint (bench/fake-endpoint.ts): the
// Describe, Search and Get calls aws/load/routing.ts makes, answered from a snapshot's routing section
// with the filters the loader sends. Anything else is refused, so a loader change shows up here.
import type { SnapshotRouting } from '../aws/snapshot/format-routing';

type Values = (item: never) => readonly (string | undefined)[];

export interface RoutingList {
  /** The output member, e.g. RouteTables. */
  readonly key: string;
  readonly items: (params: URLSearchParams) => readonly unknown[];
  /** Filter name -> the values of an item it matches on. */
  readonly filters: Readonly<Record<string, Values>>;
  /** Output member names whose EC2 XML name this call spells differently from the shared table. */
  readonly xmlNames?: Readonly<Record<string, string>>;
}

/** EC2 XML names of the routing members that are not the member name with a lower-case first letter. */
export const ROUTING_XML_NAMES: Readonly<Record<string, string>> = {
  RouteTables: 'routeTableSet',
  Routes: 'routeSet',
  PropagatingVgws: 'propagatingVgwSet',
  VpcPeeringConnections: 'vpcPeeringConnectionSet',
  CidrBlockSet: 'cidrBlockSet',
  Ipv6CidrBlockSet: 'ipv6CidrBlockSet',
  VpnGateways: 'vpnGatewaySet',
  VpcAttachments: 'attachments',
};

const one = (value: string | undefined) => [value];

export function routingLists(routing: SnapshotRouting): Readonly<Record<string, RoutingList>> {
  const tableOf = (params: URLSearchParams) =>
    routing.transitGatewayRouteTables.find(
      (table) => table.TransitGatewayRouteTableId === params.get('TransitGatewayRouteTableId'),
    );
  return {
    DescribeRouteTables: {
      key: 'RouteTables',
      items: () => routing.routeTables,
      filters: {
        'vpc-id': (t: SnapshotRouting['routeTables'][number]) => one(t.VpcId),
        'route-table-id': (t: SnapshotRouting['routeTables'][number]) => one(t.RouteTableId),
      },
    },
    DescribeVpcPeeringConnections: {
      key: 'VpcPeeringConnections',
      items: () => routing.vpcPeeringConnections,
      filters: {
        'vpc-peering-connection-id': (p: SnapshotRouting['vpcPeeringConnections'][number]) =>
          one(p.VpcPeeringConnectionId),
        'requester-vpc-info.vpc-id': (p: SnapshotRouting['vpcPeeringConnections'][number]) =>
          one(p.RequesterVpcInfo?.VpcId),
        'accepter-vpc-info.vpc-id': (p: SnapshotRouting['vpcPeeringConnections'][number]) =>
          one(p.AccepterVpcInfo?.VpcId),
      },
    },
    DescribeTransitGatewayAttachments: {
      key: 'TransitGatewayAttachments',
      items: () => routing.transitGatewayAttachments,
      filters: {
        'transit-gateway-attachment-id': (a: SnapshotRouting['transitGatewayAttachments'][number]) =>
          one(a.TransitGatewayAttachmentId),
        'resource-id': (a: SnapshotRouting['transitGatewayAttachments'][number]) => one(a.ResourceId),
        'resource-type': (a: SnapshotRouting['transitGatewayAttachments'][number]) => one(a.ResourceType),
        'transit-gateway-id': (a: SnapshotRouting['transitGatewayAttachments'][number]) =>
          one(a.TransitGatewayId),
      },
    },
    DescribeTransitGatewayVpcAttachments: {
      key: 'TransitGatewayVpcAttachments',
      items: () => routing.transitGatewayVpcAttachments,
      filters: {
        'transit-gateway-attachment-id': (a: SnapshotRouting['transitGatewayVpcAttachments'][number]) =>
          one(a.TransitGatewayAttachmentId),
        'vpc-id': (a: SnapshotRouting['transitGatewayVpcAttachments'][number]) => one(a.VpcId),
      },
    },
    DescribeTransitGatewayRouteTables: {
      key: 'TransitGatewayRouteTables',
      items: () =>
        routing.transitGatewayRouteTables.map(
          ({ Routes: _r, Associations: _a, Propagations: _p, OwnerId: _o, ...table }) => table,
        ),
      filters: {
        'transit-gateway-route-table-id': (t: SnapshotRouting['transitGatewayRouteTables'][number]) =>
          one(t.TransitGatewayRouteTableId),
        'transit-gateway-id': (t: SnapshotRouting['transitGatewayRouteTables'][number]) =>
          one(t.TransitGatewayId),
      },
    },
    DescribeVpnGateways: {
      key: 'VpnGateways',
      items: () => routing.vpnGateways,
      filters: {
        'vpn-gateway-id': (g: SnapshotRouting['vpnGateways'][number]) => one(g.VpnGatewayId),
        'attachment.vpc-id': (g: SnapshotRouting['vpnGateways'][number]) =>
          (g.VpcAttachments ?? []).map((a) => a.VpcId),
      },
    },
    SearchTransitGatewayRoutes: {
      key: 'Routes',
      items: (params) => tableOf(params)?.Routes ?? [],
      filters: {
        state: (r: SnapshotRouting['transitGatewayRouteTables'][number]['Routes'][number]) => one(r.State),
      },
    },
    GetTransitGatewayRouteTableAssociations: {
      key: 'Associations',
      items: (params) => tableOf(params)?.Associations ?? [],
      filters: {},
      xmlNames: { Associations: 'associations' },
    },
    GetTransitGatewayRouteTablePropagations: {
      key: 'TransitGatewayRouteTablePropagations',
      items: (params) => tableOf(params)?.Propagations ?? [],
      filters: {},
    },
  };
}
