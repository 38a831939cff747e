// The routing of a generated account (bench/generate-account.ts): route tables, peering, a Transit Gateway
// and a virtual private gateway, in the snapshot's own SDK shapes.
import type {
  RouteTable,
  TransitGatewayRoute,
  TransitGatewayRouteTableAssociation,
  Vpc,
} from '@aws-sdk/client-ec2';
import { emptyRouting, type SnapshotRouting } from '../aws/snapshot/format-routing';
import { ACCOUNT_ID, hexId, REGION } from './generate-common';

/**
 * Routes for the generated VPCs, derived from their ids alone (no random draws, so the rest of the account
 * and the existing figures stay as they were): a main route table per VPC with its local route; VPC pairs
 * (0,1), (3,4), (6,7)... peered, with routes both ways; every fourth VPC a spoke of one Transit Gateway,
 * whose route table routes each spoke's CIDR to it and blackholes 10.255.0.0/16; a virtual private gateway
 * on the first VPC with a route to an on-premises range.
 */
export function generateRouting(vpcs: readonly Vpc[]): SnapshotRouting {
  const routing = emptyRouting();
  const tgwId = hexId('tgw', 1);
  const tgwTableId = hexId('tgw-rtb', 1);
  const cidrOf = (vpc: Vpc) => vpc.CidrBlock as string;
  const tables = vpcs.map((vpc, v): RouteTable & { Routes: NonNullable<RouteTable['Routes']> } => ({
    RouteTableId: hexId('rtb', v + 1),
    VpcId: vpc.VpcId as string,
    OwnerId: ACCOUNT_ID,
    Associations: [{ Main: true, AssociationState: { State: 'associated' } }],
    Routes: [
      { DestinationCidrBlock: cidrOf(vpc), GatewayId: 'local', State: 'active', Origin: 'CreateRouteTable' },
    ],
  }));
  for (let v = 0; v + 1 < vpcs.length; v += 3) {
    const [a, b] = [vpcs[v] as Vpc, vpcs[v + 1] as Vpc];
    const id = hexId('pcx', v + 1);
    routing.vpcPeeringConnections.push({
      VpcPeeringConnectionId: id,
      Status: { Code: 'active' },
      RequesterVpcInfo: { VpcId: a.VpcId, OwnerId: ACCOUNT_ID, Region: REGION, CidrBlock: cidrOf(a) },
      AccepterVpcInfo: { VpcId: b.VpcId, OwnerId: ACCOUNT_ID, Region: REGION, CidrBlock: cidrOf(b) },
    });
    tables[v]?.Routes.push({
      DestinationCidrBlock: cidrOf(b),
      VpcPeeringConnectionId: id,
      State: 'active',
      Origin: 'CreateRoute',
    });
    tables[v + 1]?.Routes.push({
      DestinationCidrBlock: cidrOf(a),
      VpcPeeringConnectionId: id,
      State: 'active',
      Origin: 'CreateRoute',
    });
  }
  const tgwRoutes: TransitGatewayRoute[] = [
    { DestinationCidrBlock: '10.255.0.0/16', Type: 'static', State: 'blackhole' },
  ];
  const associations: TransitGatewayRouteTableAssociation[] = [];
  for (let v = 0; v < vpcs.length; v += 4) {
    const vpc = vpcs[v] as Vpc;
    const attachmentId = hexId('tgw-attach', v + 1);
    routing.transitGatewayAttachments.push({
      TransitGatewayAttachmentId: attachmentId,
      TransitGatewayId: tgwId,
      TransitGatewayOwnerId: ACCOUNT_ID,
      ResourceOwnerId: ACCOUNT_ID,
      ResourceType: 'vpc',
      ResourceId: vpc.VpcId,
      State: 'available',
      Association: { TransitGatewayRouteTableId: tgwTableId, State: 'associated' },
    });
    routing.transitGatewayVpcAttachments.push({
      TransitGatewayAttachmentId: attachmentId,
      TransitGatewayId: tgwId,
      VpcId: vpc.VpcId,
      State: 'available',
      SubnetIds: [],
    });
    tgwRoutes.push({
      DestinationCidrBlock: cidrOf(vpc),
      TransitGatewayAttachments: [
        { TransitGatewayAttachmentId: attachmentId, ResourceId: vpc.VpcId, ResourceType: 'vpc' },
      ],
      Type: 'static',
      State: 'active',
    });
    associations.push({
      TransitGatewayAttachmentId: attachmentId,
      ResourceId: vpc.VpcId,
      ResourceType: 'vpc',
      State: 'associated',
    });
    tables[v]?.Routes.push({
      DestinationCidrBlock: '10.0.0.0/8',
      TransitGatewayId: tgwId,
      State: 'active',
      Origin: 'CreateRoute',
    });
  }
  if (associations.length > 0)
    routing.transitGatewayRouteTables.push({
      TransitGatewayRouteTableId: tgwTableId,
      TransitGatewayId: tgwId,
      OwnerId: ACCOUNT_ID,
      State: 'available',
      Routes: tgwRoutes,
      Associations: associations,
      Propagations: [],
    });
  const first = vpcs[0];
  if (first) {
    const vgwId = hexId('vgw', 1);
    routing.vpnGateways.push({
      VpnGatewayId: vgwId,
      State: 'available',
      Type: 'ipsec.1',
      VpcAttachments: [{ VpcId: first.VpcId, State: 'attached' }],
    });
    tables[0]?.Routes.push({
      DestinationCidrBlock: '192.168.0.0/16',
      GatewayId: vgwId,
      State: 'active',
      Origin: 'CreateRoute',
    });
  }
  routing.routeTables = tables;
  return routing;
}
