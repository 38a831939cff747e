// The routing section of a snapshot (docs/architecture.md#the-snapshot-contract): recorded EC2 API output
// in the SDK's own PascalCase shapes, like the rest of the file. Present only when the part 'routing' was
// loaded; a snapshot without it (every efsguard-snapshot/1 file) holds no routing, and the rules that need
// routes say so rather than assume any.
import type {
  RouteTable,
  TransitGatewayAttachment,
  TransitGatewayRoute,
  TransitGatewayRouteTable,
  TransitGatewayRouteTableAssociation,
  TransitGatewayRouteTablePropagation,
  TransitGatewayVpcAttachment,
  VpcPeeringConnection,
  VpnGateway,
} from '@aws-sdk/client-ec2';

/**
 * DescribeTransitGatewayRouteTables output with what efsguard reads per table: SearchTransitGatewayRoutes
 * (Routes), GetTransitGatewayRouteTableAssociations (Associations) and
 * GetTransitGatewayRouteTablePropagations (Propagations).
 */
export interface SnapshotTransitGatewayRouteTable extends TransitGatewayRouteTable {
  TransitGatewayRouteTableId: string;
  /**
   * The Transit Gateway's owner. Not in the API's TransitGatewayRouteTable shape: the loader takes it from
   * the attachments' TransitGatewayOwnerId (or the loading account, which alone can read the table).
   */
  OwnerId?: string;
  Routes: TransitGatewayRoute[];
  Associations: TransitGatewayRouteTableAssociation[];
  Propagations: TransitGatewayRouteTablePropagation[];
}

export interface SnapshotRouting {
  /** DescribeRouteTables RouteTables. */
  routeTables: RouteTable[];
  /** DescribeVpcPeeringConnections VpcPeeringConnections. */
  vpcPeeringConnections: VpcPeeringConnection[];
  /** DescribeTransitGatewayAttachments TransitGatewayAttachments. */
  transitGatewayAttachments: TransitGatewayAttachment[];
  /** DescribeTransitGatewayVpcAttachments TransitGatewayVpcAttachments: the subnets of VPC attachments. */
  transitGatewayVpcAttachments: TransitGatewayVpcAttachment[];
  /** The TGW route tables this account can read (another account's are absent: unknown, never empty). */
  transitGatewayRouteTables: SnapshotTransitGatewayRouteTable[];
  /** DescribeVpnGateways VpnGateways. */
  vpnGateways: VpnGateway[];
}

export function emptyRouting(): SnapshotRouting {
  return {
    routeTables: [],
    vpcPeeringConnections: [],
    transitGatewayAttachments: [],
    transitGatewayVpcAttachments: [],
    transitGatewayRouteTables: [],
    vpnGateways: [],
  };
}

/**
 * The owner of each Transit Gateway, as its attachments name it (TransitGatewayOwnerId): a TGW route
 * table's shape carries no owner, so the loader and the normaliser both read it from here.
 */
export function transitGatewayOwners(
  attachments: readonly Pick<TransitGatewayAttachment, 'TransitGatewayId' | 'TransitGatewayOwnerId'>[],
): Map<string, string> {
  const owners = new Map<string, string>();
  for (const attachment of attachments) {
    if (attachment.TransitGatewayId && attachment.TransitGatewayOwnerId)
      owners.set(attachment.TransitGatewayId, attachment.TransitGatewayOwnerId);
  }
  return owners;
}

/** The routing lists, each with its id field: for deduplication, merging and error messages. */
export const ROUTING_LISTS = [
  ['routeTables', 'RouteTableId', 'route table'],
  ['vpcPeeringConnections', 'VpcPeeringConnectionId', 'VPC peering connection'],
  ['transitGatewayAttachments', 'TransitGatewayAttachmentId', 'transit gateway attachment'],
  ['transitGatewayVpcAttachments', 'TransitGatewayAttachmentId', 'transit gateway VPC attachment'],
  ['transitGatewayRouteTables', 'TransitGatewayRouteTableId', 'transit gateway route table'],
  ['vpnGateways', 'VpnGatewayId', 'VPN gateway'],
] as const satisfies readonly (readonly [keyof SnapshotRouting, string, string])[];
