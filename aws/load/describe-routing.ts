// The routing Describe calls: the filtered, paginated EC2 Describes as rows over the one generic Describe
// (describe.ts ec2Describe), DescribeVpnGateways (not paginated) and the per-table Transit Gateway reads.
// Every paginator runs through guardPages; a failure is a typed error naming the IAM action.
import {
  type DescribeRouteTablesCommandOutput,
  type DescribeTransitGatewayAttachmentsCommandOutput,
  type DescribeTransitGatewayRouteTablesCommandOutput,
  type DescribeTransitGatewayVpcAttachmentsCommandOutput,
  type DescribeVpcPeeringConnectionsCommandOutput,
  DescribeVpnGatewaysCommand,
  type EC2Client,
  paginateDescribeRouteTables,
  paginateDescribeTransitGatewayAttachments,
  paginateDescribeTransitGatewayRouteTables,
  paginateDescribeTransitGatewayVpcAttachments,
  paginateDescribeVpcPeeringConnections,
  paginateGetTransitGatewayRouteTableAssociations,
  paginateGetTransitGatewayRouteTablePropagations,
  paginateSearchTransitGatewayRoutes,
  type RouteTable,
  type TransitGatewayAttachment,
  type TransitGatewayRoute,
  type TransitGatewayRouteTableAssociation,
  type TransitGatewayRouteTablePropagation,
  type TransitGatewayVpcAttachment,
  type VpcPeeringConnection,
  type VpnGateway,
} from '@aws-sdk/client-ec2';
import { callAws } from '../sdk/errors';
import { guardPages } from '../sdk/pagination';
import type { SnapshotTransitGatewayRouteTable } from '../snapshot/format-routing';
import { describeEc2, type Ec2Filter, ec2Describe } from './describe';

/** The MaxResults upper bound of every routing call used here. */
const PAGE_SIZE = 1000;

export const describeRouteTables = ec2Describe<DescribeRouteTablesCommandOutput, RouteTable>(
  'ec2:DescribeRouteTables',
  paginateDescribeRouteTables,
  (page) => page.RouteTables,
  (table) => table.RouteTableId,
  PAGE_SIZE,
);
export const describeVpcPeeringConnections = ec2Describe<
  DescribeVpcPeeringConnectionsCommandOutput,
  VpcPeeringConnection
>(
  'ec2:DescribeVpcPeeringConnections',
  paginateDescribeVpcPeeringConnections,
  (page) => page.VpcPeeringConnections,
  (peering) => peering.VpcPeeringConnectionId,
  PAGE_SIZE,
);
export const describeTransitGatewayAttachments = ec2Describe<
  DescribeTransitGatewayAttachmentsCommandOutput,
  TransitGatewayAttachment
>(
  'ec2:DescribeTransitGatewayAttachments',
  paginateDescribeTransitGatewayAttachments,
  (page) => page.TransitGatewayAttachments,
  (attachment) => attachment.TransitGatewayAttachmentId,
  PAGE_SIZE,
);
export const describeTransitGatewayVpcAttachments = ec2Describe<
  DescribeTransitGatewayVpcAttachmentsCommandOutput,
  TransitGatewayVpcAttachment
>(
  'ec2:DescribeTransitGatewayVpcAttachments',
  paginateDescribeTransitGatewayVpcAttachments,
  (page) => page.TransitGatewayVpcAttachments,
  (attachment) => attachment.TransitGatewayAttachmentId,
  PAGE_SIZE,
);
/** The TGW route tables, each with empty Routes, Associations and Propagations for loadRouting to fill. */
export const describeTransitGatewayRouteTables = ec2Describe<
  DescribeTransitGatewayRouteTablesCommandOutput,
  SnapshotTransitGatewayRouteTable
>(
  'ec2:DescribeTransitGatewayRouteTables',
  paginateDescribeTransitGatewayRouteTables,
  (page) =>
    (page.TransitGatewayRouteTables ?? []).flatMap((table) =>
      table.TransitGatewayRouteTableId
        ? [
            {
              ...table,
              TransitGatewayRouteTableId: table.TransitGatewayRouteTableId,
              Routes: [],
              Associations: [],
              Propagations: [],
            },
          ]
        : [],
    ),
  (table) => table.TransitGatewayRouteTableId,
  PAGE_SIZE,
);

/** DescribeVpnGateways has no pagination (EC2 API Reference, DescribeVpnGateways): one answer per filter set. */
export function describeVpnGateways(ec2: EC2Client, filters?: readonly Ec2Filter[]): Promise<VpnGateway[]> {
  return describeEc2(
    'ec2:DescribeVpnGateways',
    filters,
    async function* (filterSet) {
      const output = await ec2.send(new DescribeVpnGatewaysCommand(filterSet ? { Filters: filterSet } : {}));
      yield output.VpnGateways ?? [];
    },
    (gateway) => gateway.VpnGatewayId,
  );
}

/** Every item of one paginated per-table call. */
function allPages<P, T>(
  action: string,
  pages: AsyncIterable<P>,
  itemsOf: (page: P) => T[] | undefined,
): Promise<T[]> {
  return callAws(action, async () => {
    const items: T[] = [];
    for await (const page of guardPages(action, pages)) items.push(...(itemsOf(page) ?? []));
    return items;
  });
}

/**
 * Every route of a TGW route table. SearchTransitGatewayRoutes needs a filter: the `state` filter with
 * every live state returns them all (EC2 API Reference, SearchTransitGatewayRoutes).
 */
export function searchTransitGatewayRoutes(
  ec2: EC2Client,
  routeTableId: string,
): Promise<TransitGatewayRoute[]> {
  return allPages(
    'ec2:SearchTransitGatewayRoutes',
    paginateSearchTransitGatewayRoutes(
      { client: ec2, pageSize: PAGE_SIZE },
      {
        TransitGatewayRouteTableId: routeTableId,
        Filters: [{ Name: 'state', Values: ['active', 'blackhole'] }],
      },
    ),
    (page) => {
      // Without NextToken, a page that says more routes exist cannot be completed: fail, never judge half.
      if (page.AdditionalRoutesAvailable && !page.NextToken)
        throw new Error(`${routeTableId} has more routes than one SearchTransitGatewayRoutes answer holds`);
      return page.Routes;
    },
  );
}

export function getTransitGatewayRouteTableAssociations(
  ec2: EC2Client,
  routeTableId: string,
): Promise<TransitGatewayRouteTableAssociation[]> {
  return allPages(
    'ec2:GetTransitGatewayRouteTableAssociations',
    paginateGetTransitGatewayRouteTableAssociations(
      { client: ec2, pageSize: PAGE_SIZE },
      { TransitGatewayRouteTableId: routeTableId },
    ),
    (page) => page.Associations,
  );
}

export function getTransitGatewayRouteTablePropagations(
  ec2: EC2Client,
  routeTableId: string,
): Promise<TransitGatewayRouteTablePropagation[]> {
  return allPages(
    'ec2:GetTransitGatewayRouteTablePropagations',
    paginateGetTransitGatewayRouteTablePropagations(
      { client: ec2, pageSize: PAGE_SIZE },
      { TransitGatewayRouteTableId: routeTableId },
    ),
    (page) => page.TransitGatewayRouteTablePropagations,
  );
}
