// The routing load (the part 'routing', docs/routing-aws.md): for a set of VPCs (or the whole region),
// their route tables, the peering connections that touch them, their Transit Gateway attachments and the
// TGW route tables those use (routes, associations, propagations), and the virtual private gateways
// attached to them. Recorded as SDK output (aws/snapshot/format-routing.ts); every paginated call goes through
// the pagination guard (aws/sdk/pagination.ts).
//
// One hop further, because reachability needs both directions: the route tables of the VPCs at the other
// end (a peer VPC, the VPC of another attachment of the same TGW route tables) are read too, and the
// attachments the TGW route tables name, so that a route's next hop has a VPC and subnets. Peering is not
// transitive (Amazon VPC Peering Guide, "VPC peering limitations"), and a TGW route table names its next
// attachment directly, so one hop is all a path can take.
//
// What this account cannot read is left out, never guessed: another account's route tables are not
// listed, and a TGW route table of a Transit Gateway shared by another account answers AccessDenied
// (UnauthorizedOperation) or not-found: that table is absent, which core reads as "unknown". The same
// answer about a table of this account's own Transit Gateway is a missing permission and fails the load.
import type { EC2Client, TransitGatewayAttachment, VpcPeeringConnection } from '@aws-sdk/client-ec2';
import type { EFSClient } from '@aws-sdk/client-efs';
import type { ResourceType } from '../../core/model';
import { vpcsAffectedByRouting } from '../../core/routing/fan-out';
import { AccessDeniedError, awsErrorName } from '../sdk/errors';
import { UniqueById } from '../sdk/unique-by-id';
import { emptySnapshot, type Snapshot } from '../snapshot/format';
import {
  emptyRouting,
  type SnapshotRouting,
  type SnapshotTransitGatewayRouteTable,
  transitGatewayOwners,
} from '../snapshot/format-routing';
import { normaliseSnapshot } from '../snapshot/normalise';
import {
  DEFAULT_CONCURRENCY,
  describeFileSystems,
  describeMountTargets,
  describeSubnets,
  type Ec2Filter,
  mapWithConcurrency,
} from './describe';
import {
  describeRouteTables,
  describeTransitGatewayAttachments,
  describeTransitGatewayRouteTables,
  describeTransitGatewayVpcAttachments,
  describeVpcPeeringConnections,
  describeVpnGateways,
  getTransitGatewayRouteTableAssociations,
  getTransitGatewayRouteTablePropagations,
  searchTransitGatewayRoutes,
} from './describe-routing';

/** The Config resource types whose change can alter routing (the seeds the part 'routing' expands). */
export const ROUTING_SEED_TYPES: readonly ResourceType[] = [
  'AWS::EC2::RouteTable',
  'AWS::EC2::VPCPeeringConnection',
  'AWS::EC2::TransitGatewayAttachment',
  'AWS::EC2::TransitGatewayRouteTable',
  'AWS::EC2::VPNGateway',
];

/** Answers about a table this account cannot read: another account's Transit Gateway. */
const NOT_READABLE =
  /^(AccessDenied|UnauthorizedOperation|InvalidRouteTableI[dD]\.NotFound|InvalidTransitGatewayRouteTableI[dD]\.NotFound)/;

function isNotReadable(error: unknown): boolean {
  if (error instanceof AccessDeniedError) return true;
  return NOT_READABLE.test(awsErrorName((error as { cause?: unknown })?.cause ?? error));
}

export interface RoutingLoadOptions {
  /** The account loading: a TGW it owns must be readable (a denial is a missing permission). */
  readonly accountId: string;
  /** Per-table TGW calls in flight at once. */
  readonly concurrency?: number;
  readonly onProgress?: (message: string) => void;
}

/** A route table's, or TGW route table's, prefix-list destinations: the caller loads their entries. */
export function routingPrefixListIds(routing: SnapshotRouting): string[] {
  const ids = new Set<string>();
  for (const table of routing.routeTables)
    for (const route of table.Routes ?? [])
      if (route.DestinationPrefixListId) ids.add(route.DestinationPrefixListId);
  for (const table of routing.transitGatewayRouteTables)
    for (const route of table.Routes) if (route.PrefixListId) ids.add(route.PrefixListId);
  return [...ids].sort();
}

const sortById = <T>(items: T[], id: (item: T) => string | undefined): T[] =>
  items.sort((a, b) => ((id(a) ?? '') < (id(b) ?? '') ? -1 : (id(a) ?? '') > (id(b) ?? '') ? 1 : 0));

/**
 * The routing of `vpcIds` and one hop around them, or of the whole region when `vpcIds` is undefined.
 * Any failed call fails the load (never a partial section), except the TGW route tables of another
 * account's Transit Gateway, which are left out.
 */
export async function loadRouting(
  ec2: EC2Client,
  vpcIds: readonly string[] | undefined,
  options: RoutingLoadOptions,
): Promise<SnapshotRouting> {
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  const progress = options.onProgress ?? (() => {});
  const region = vpcIds === undefined;
  const vpcs = [...new Set(vpcIds ?? [])].sort();
  if (!region && vpcs.length === 0) return emptyRouting();
  const byVpc = (name: string, values: readonly string[]) => (region ? undefined : [{ name, values }]);

  // Round 1: what the VPCs themselves name.
  const [peeringsAsRequester, peeringsAsAccepter, ownAttachments, vpnGateways] = await Promise.all([
    describeVpcPeeringConnections(ec2, byVpc('requester-vpc-info.vpc-id', vpcs)),
    region ? [] : describeVpcPeeringConnections(ec2, byVpc('accepter-vpc-info.vpc-id', vpcs)),
    describeTransitGatewayAttachments(ec2, byVpc('resource-id', vpcs)),
    describeVpnGateways(ec2, byVpc('attachment.vpc-id', vpcs)),
  ]);
  const peerings = new UniqueById<VpcPeeringConnection>(
    'ec2:DescribeVpcPeeringConnections',
    (p) => p.VpcPeeringConnectionId,
  );
  peerings.addAll([...peeringsAsRequester, ...peeringsAsAccepter]);

  // Round 2: the TGW route tables the attachments use (the whole region: every table this account owns).
  const usedTableIds = [
    ...new Set(
      ownAttachments
        .map((a) => a.Association?.TransitGatewayRouteTableId)
        .filter((id): id is string => Boolean(id)),
    ),
  ].sort();
  const tables = region
    ? await describeTransitGatewayRouteTables(ec2)
    : usedTableIds.length > 0
      ? await describeTransitGatewayRouteTables(ec2, [
          { name: 'transit-gateway-route-table-id', values: usedTableIds },
        ])
      : [];
  const ownerOfGateway = transitGatewayOwners(ownAttachments);
  const readTables = await mapWithConcurrency(tables, concurrency, async (table) => {
    const owner = ownerOfGateway.get(table.TransitGatewayId ?? '') ?? options.accountId;
    try {
      const [routes, associations, propagations] = await Promise.all([
        searchTransitGatewayRoutes(ec2, table.TransitGatewayRouteTableId),
        getTransitGatewayRouteTableAssociations(ec2, table.TransitGatewayRouteTableId),
        getTransitGatewayRouteTablePropagations(ec2, table.TransitGatewayRouteTableId),
      ]);
      const read: SnapshotTransitGatewayRouteTable = {
        ...table,
        OwnerId: owner,
        Routes: routes,
        Associations: associations,
        Propagations: propagations,
      };
      return read;
    } catch (error) {
      if (owner !== options.accountId && isNotReadable(error)) {
        progress(
          `transit gateway route table ${table.TransitGatewayRouteTableId} of account ${owner} is not readable: its hops stay unknown`,
        );
        return undefined;
      }
      throw error;
    }
  });
  const transitGatewayRouteTables = readTables.filter(
    (t): t is SnapshotTransitGatewayRouteTable => t !== undefined,
  );
  for (const tableId of usedTableIds) {
    if (!transitGatewayRouteTables.some((t) => t.TransitGatewayRouteTableId === tableId))
      progress(`transit gateway route table ${tableId} is not readable here: its hops stay unknown`);
  }

  // Round 3: one hop further: the attachments those tables name, and the VPCs at the other end.
  const attachments = new UniqueById<TransitGatewayAttachment>(
    'ec2:DescribeTransitGatewayAttachments',
    (a) => a.TransitGatewayAttachmentId,
  );
  attachments.addAll(ownAttachments);
  const namedAttachmentIds = new Set<string>();
  for (const table of transitGatewayRouteTables) {
    for (const route of table.Routes)
      for (const a of route.TransitGatewayAttachments ?? [])
        if (a.TransitGatewayAttachmentId) namedAttachmentIds.add(a.TransitGatewayAttachmentId);
    for (const a of [...table.Associations, ...table.Propagations])
      if (a.TransitGatewayAttachmentId) namedAttachmentIds.add(a.TransitGatewayAttachmentId);
  }
  const known = new Set(ownAttachments.map((a) => a.TransitGatewayAttachmentId));
  const missingAttachmentIds = [...namedAttachmentIds].filter((id) => !known.has(id)).sort();
  if (missingAttachmentIds.length > 0) {
    attachments.addAll(
      await describeTransitGatewayAttachments(ec2, [
        { name: 'transit-gateway-attachment-id', values: missingAttachmentIds },
      ]),
    );
  }
  const allAttachments = attachments.items;
  const vpcAttachmentIds = allAttachments
    .filter((a) => a.ResourceType === 'vpc' && a.TransitGatewayAttachmentId)
    .map((a) => a.TransitGatewayAttachmentId as string);
  const connectedVpcs = new Set<string>();
  for (const peering of peerings.items) {
    if (peering.RequesterVpcInfo?.VpcId) connectedVpcs.add(peering.RequesterVpcInfo.VpcId);
    if (peering.AccepterVpcInfo?.VpcId) connectedVpcs.add(peering.AccepterVpcInfo.VpcId);
  }
  for (const a of allAttachments)
    if (a.ResourceType === 'vpc' && a.ResourceId) connectedVpcs.add(a.ResourceId);
  for (const vpcId of vpcs) connectedVpcs.add(vpcId);
  const [routeTables, transitGatewayVpcAttachments] = await Promise.all([
    describeRouteTables(ec2, region ? undefined : [{ name: 'vpc-id', values: [...connectedVpcs].sort() }]),
    vpcAttachmentIds.length === 0
      ? []
      : describeTransitGatewayVpcAttachments(
          ec2,
          region ? undefined : [{ name: 'transit-gateway-attachment-id', values: vpcAttachmentIds.sort() }],
        ),
  ]);
  progress(
    `loaded routing: ${routeTables.length} route tables, ${peerings.items.length} peering connections, ` +
      `${allAttachments.length} TGW attachments, ${transitGatewayRouteTables.length} TGW route tables, ` +
      `${vpnGateways.length} virtual private gateways`,
  );
  return {
    routeTables: sortById(routeTables, (t) => t.RouteTableId),
    vpcPeeringConnections: sortById(peerings.items, (p) => p.VpcPeeringConnectionId),
    transitGatewayAttachments: sortById(allAttachments, (a) => a.TransitGatewayAttachmentId),
    transitGatewayVpcAttachments: sortById(transitGatewayVpcAttachments, (a) => a.TransitGatewayAttachmentId),
    transitGatewayRouteTables: sortById(transitGatewayRouteTables, (t) => t.TransitGatewayRouteTableId),
    vpnGateways: sortById(vpnGateways, (g) => g.VpnGatewayId),
  };
}

// ---------------------------------------------------------------------------------------------
// The neighbourhood of a routing change (aws/neighbourhood/ calls these).

/**
 * The VPCs routing seeds belong to, as AWS shows them now: a route table's VPC, a peering's two VPCs,
 * the VPCs attached to the Transit Gateway of a TGW attachment or TGW route table, the VPCs a virtual
 * private gateway is attached to. A seed that no longer exists adds none; the scheduled sweep judges
 * what its deletion changed (docs/routing-aws.md#fan-out).
 */
export async function vpcsOfRoutingSeeds(
  ec2: EC2Client,
  seeds: readonly { resourceType: ResourceType; resourceId: string }[],
): Promise<string[]> {
  const ids = (type: ResourceType) => [
    ...new Set(seeds.filter((seed) => seed.resourceType === type).map((seed) => seed.resourceId)),
  ];
  const byIds = <T>(values: string[], load: (filters: Ec2Filter[]) => Promise<T[]>, name: string) =>
    values.length > 0 ? load([{ name, values }]) : Promise.resolve([] as T[]);
  const [tables, peerings, attachments, tgwTables, gateways] = await Promise.all([
    byIds(ids('AWS::EC2::RouteTable'), (f) => describeRouteTables(ec2, f), 'route-table-id'),
    byIds(
      ids('AWS::EC2::VPCPeeringConnection'),
      (f) => describeVpcPeeringConnections(ec2, f),
      'vpc-peering-connection-id',
    ),
    byIds(
      ids('AWS::EC2::TransitGatewayAttachment'),
      (f) => describeTransitGatewayAttachments(ec2, f),
      'transit-gateway-attachment-id',
    ),
    byIds(
      ids('AWS::EC2::TransitGatewayRouteTable'),
      (f) => describeTransitGatewayRouteTables(ec2, f),
      'transit-gateway-route-table-id',
    ),
    byIds(ids('AWS::EC2::VPNGateway'), (f) => describeVpnGateways(ec2, f), 'vpn-gateway-id'),
  ]);
  const vpcs = new Set<string>();
  for (const table of tables) if (table.VpcId) vpcs.add(table.VpcId);
  for (const peering of peerings) {
    if (peering.RequesterVpcInfo?.VpcId) vpcs.add(peering.RequesterVpcInfo.VpcId);
    if (peering.AccepterVpcInfo?.VpcId) vpcs.add(peering.AccepterVpcInfo.VpcId);
  }
  for (const gateway of gateways)
    for (const attachment of gateway.VpcAttachments ?? [])
      if (attachment.VpcId && attachment.State === 'attached') vpcs.add(attachment.VpcId);
  const gatewayIds = [
    ...new Set(
      [...attachments, ...tgwTables]
        .map((item) => item.TransitGatewayId)
        .filter((id): id is string => Boolean(id)),
    ),
  ].sort();
  if (gatewayIds.length > 0) {
    const spokes = await describeTransitGatewayAttachments(ec2, [
      { name: 'transit-gateway-id', values: gatewayIds },
      { name: 'resource-type', values: ['vpc'] },
    ]);
    for (const spoke of spokes)
      if (
        spoke.ResourceType === 'vpc' &&
        spoke.ResourceId &&
        gatewayIds.includes(spoke.TransitGatewayId ?? '')
      )
        vpcs.add(spoke.ResourceId);
  }
  return [...vpcs].sort();
}

/** The VPCs a neighbourhood snapshot's network holds (VPCs, subnets, interfaces, mount targets). */
export function vpcsOfSnapshot(snapshot: Snapshot): string[] {
  const vpcs = new Set<string>();
  for (const vpc of snapshot.vpcs) if (vpc.VpcId) vpcs.add(vpc.VpcId);
  for (const subnet of snapshot.subnets) if (subnet.VpcId) vpcs.add(subnet.VpcId);
  for (const eni of snapshot.networkInterfaces) if (eni.VpcId) vpcs.add(eni.VpcId);
  for (const fs of snapshot.fileSystems) for (const mt of fs.MountTargets) if (mt.VpcId) vpcs.add(mt.VpcId);
  return [...vpcs].sort();
}

/**
 * The file systems whose reach routing seeds can alter (core/routing/fan-out.ts over the routing of the
 * seeds' VPCs; a seed AWS no longer shows can have touched anything: every file system), as FileSystem seeds for the network part of the neighbourhood: without them a routing
 * change would load no file system to judge. Lists the region's file systems and their mount targets
 * (DescribeFileSystems, DescribeMountTargets: the part 'network' holds both actions).
 */
export async function fileSystemSeedsForRouting(
  clients: { readonly ec2: EC2Client; readonly efs: EFSClient },
  seeds: readonly { resourceType: ResourceType; resourceId: string }[],
  options: RoutingLoadOptions & { readonly region: string },
): Promise<{ resourceType: ResourceType; resourceId: string }[]> {
  if (seeds.length === 0) return [];
  const seedVpcs = await vpcsOfRoutingSeeds(clients.ec2, seeds);
  // A topology of the seeds' routing alone: that is all vpcsAffectedByRouting reads.
  const routingOnly = normaliseSnapshot(
    emptySnapshot(options.accountId, options.region, {
      parts: ['routing'],
      routing: await loadRouting(clients.ec2, seedVpcs, options),
    }),
  );
  const affected = vpcsAffectedByRouting(routingOnly, seeds);
  const touched = affected === 'all' ? undefined : new Set([...affected, ...seedVpcs]);
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  const fileSystems = await describeFileSystems(clients.efs);
  const mountTargets = (
    await mapWithConcurrency(fileSystems, concurrency, (fs) =>
      describeMountTargets(clients.efs, { fileSystemId: fs.FileSystemId as string }),
    )
  ).flat();
  const unknownSubnets = [
    ...new Set(mountTargets.filter((mt) => !mt.VpcId).map((mt) => mt.SubnetId as string)),
  ];
  const subnetVpc = new Map(
    unknownSubnets.length === 0
      ? []
      : (await describeSubnets(clients.ec2, [{ name: 'subnet-id', values: unknownSubnets }])).map(
          (subnet) => [subnet.SubnetId, subnet.VpcId] as const,
        ),
  );
  const ids = new Set<string>();
  // A seed that cannot be placed can have touched any file system, even one without mount targets.
  if (!touched) for (const fs of fileSystems) if (fs.FileSystemId) ids.add(fs.FileSystemId);
  for (const mt of mountTargets) {
    const vpcId = mt.VpcId ?? subnetVpc.get(mt.SubnetId);
    if (vpcId && (!touched || touched.has(vpcId)) && mt.FileSystemId) ids.add(mt.FileSystemId);
  }
  return [...ids].sort().map((resourceId) => ({ resourceType: 'AWS::EFS::FileSystem', resourceId }));
}
