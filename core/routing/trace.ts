// One-way route traces over VPC route tables, VPC peering, Transit Gateway route tables and virtual
// private gateways. Each step is a hop with a verdict (allow, deny or unknown), the exact route or
// resource that decides it, and a detail. Whatever efsguard cannot see (a route table, TGW route table,
// peering or attachment it did not record, another account's routing, on-premises routing) is 'unknown',
// never allow or deny. The AWS documents behind each step:
// - Route tables: a subnet uses its explicitly associated route table, else the VPC's main route table;
//   the local route covers the VPC's CIDRs; a blackhole route drops traffic ("Configure route tables",
//   https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Route_Tables.html). Route choice: lpm.ts.
// - VPC peering: only an active connection carries traffic, and it is not transitive: traffic that
//   arrives over a peering is not routed onward through the peer's gateways, peerings or VPN (VPC Peering
//   Guide, "VPC peering limitations" / unsupported configurations: transitive peering, edge-to-edge
//   routing, https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-basics.html).
// - Transit Gateway: traffic from an attachment is routed by the TGW route table the attachment is
//   associated with; its static or propagated route (or blackhole) picks the next attachment ("How
//   transit gateways work", https://docs.aws.amazon.com/vpc/latest/tgw/how-transit-gateways-work.html;
//   "Transit gateway route tables", https://docs.aws.amazon.com/vpc/latest/tgw/tgw-route-tables.html).
//   A VPC attachment reaches only the Availability Zones where it has a subnet ("Amazon VPC attachments
//   in AWS Transit Gateway", https://docs.aws.amazon.com/vpc/latest/tgw/tgw-vpc-attachments.html).
// - Virtual private gateways: static routes, and routes propagated from the VPN or Direct Connect,
//   bring on-premises ranges into a route table ("Route tables and VPN route priority", AWS Site-to-Site
//   VPN User Guide, https://docs.aws.amazon.com/vpn/latest/s2svpn/VPNRoutingTypes.html).
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
import { cidrContainsAddress } from '../net/cidr';
import { indexTopology } from '../topology-index';
import { longestPrefixMatch } from './lpm';

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
  readonly tgwTablesById: ReadonlyMap<string, TransitGatewayRouteTable>;
  readonly vpnGatewaysById: ReadonlyMap<string, VpnGateway>;
}

const cache = new WeakMap<Topology, RoutingIndex>();

/** The routing index of `topology`, or undefined when routing was not recorded (an older snapshot). */
export function indexRouting(topology: Topology): RoutingIndex | undefined {
  const routing = topology.routing;
  if (!routing) return undefined;
  let index = cache.get(topology);
  if (index) return index;
  const topologyIndex = indexTopology(topology);
  const tableBySubnet = new Map<string, RouteTable>();
  const mainTableByVpc = new Map<string, RouteTable>();
  for (const table of routing.routeTables) {
    for (const subnetId of table.subnetIds) tableBySubnet.set(subnetId, table);
    if (table.main) mainTableByVpc.set(table.vpcId, table);
  }
  index = {
    routing,
    subnetsById: topologyIndex.subnetsById,
    prefixListsById: topologyIndex.prefixListsById,
    tablesById: new Map(routing.routeTables.map((t) => [t.routeTableId, t])),
    tableBySubnet,
    mainTableByVpc,
    peeringsById: new Map(routing.peeringConnections.map((p) => [p.peeringConnectionId, p])),
    attachmentsById: new Map(routing.transitGatewayAttachments.map((a) => [a.attachmentId, a])),
    tgwTablesById: new Map(routing.transitGatewayRouteTables.map((t) => [t.routeTableId, t])),
    vpnGatewaysById: new Map(routing.vpnGateways.map((g) => [g.vpnGatewayId, g])),
  };
  cache.set(topology, index);
  return index;
}

/** The subnet's route table: its explicit association, else its VPC's main table; undefined if neither was recorded. */
export function routeTableOf(index: RoutingIndex, subnet: Subnet): RouteTable | undefined {
  return index.tableBySubnet.get(subnet.subnetId) ?? index.mainTableByVpc.get(subnet.vpcId);
}

/** Static routes first, then prefix-list routes, then propagated ones (route priority, lpm.ts). */
function vpcRouteRank(route: Route): number {
  if (route.origin === 'EnableVgwRoutePropagation') return 2;
  return route.destination.kind === 'prefixList' ? 1 : 0;
}

function tgwRouteRank(route: TransitGatewayRoute): number {
  if (route.type === 'propagated') return 2;
  return route.destination.kind === 'prefixList' ? 1 : 0;
}

export function describeTarget(target: RouteTarget): string {
  return target.kind === 'local' ? 'local' : target.id;
}

function describeEnd(end: RouteEnd): string {
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

function hop(name: string, verdict: Verdict, by: string, detail: string): Hop {
  return { hop: name, verdict, by, detail };
}

/** Is the end this network (arrival of the same kind and id)? */
function endIsNetwork(end: RouteEnd, match: (arrival: Arrival) => boolean): boolean {
  return end.kind === 'network' && match(end.arrival);
}

/** Traffic delivered into `vpcId` (by its local route): it ends here only if the end is in that VPC. */
function deliverInto(vpcId: string, end: RouteEnd, name: string, by: string, via: string): Hop {
  if (end.kind === 'subnet' && end.subnet.vpcId === vpcId) {
    return hop(name, 'allow', by, `${via} delivers ${end.address} in ${vpcId} by its local route`);
  }
  if (end.kind === 'network' && end.arrival.kind === 'ownVpc' && end.arrival.vpcId === vpcId) {
    return hop(name, 'allow', by, `${via} delivers ${end.address} in ${vpcId} by its local route`);
  }
  return hop(name, 'deny', by, `${via} delivers into ${vpcId}, but ${describeEnd(end)} is not there`);
}

function availabilityZonesOf(
  index: RoutingIndex,
  attachment: TransitGatewayAttachment,
): string[] | undefined {
  const zones: string[] = [];
  for (const subnetId of attachment.subnetIds) {
    const zone = index.subnetsById.get(subnetId)?.availabilityZone;
    if (zone === undefined) return undefined;
    zones.push(zone);
  }
  return zones;
}

/** Leaving a Transit Gateway through `attachmentId` towards `end`. */
function exitAttachment(index: RoutingIndex, attachmentId: string, end: RouteEnd, name: string): Hop {
  const attachment = index.attachmentsById.get(attachmentId);
  if (!attachment) {
    return hop(
      name,
      'unknown',
      attachmentId,
      `attachment ${attachmentId} was not recorded (another account's?)`,
    );
  }
  if (attachment.state !== 'available') {
    return hop(
      name,
      'deny',
      attachmentId,
      `${attachmentId} is ${attachment.state}; only an available attachment carries traffic`,
    );
  }
  const type = attachment.resourceType;
  if (type === 'vpc') {
    const vpcId = attachment.resourceId;
    if (endIsNetwork(end, (a) => a.kind === 'attachment' && a.attachmentId === attachmentId)) {
      return hop(name, 'allow', attachmentId, `sent to ${vpcId} over ${attachmentId}`);
    }
    if (end.kind === 'subnet' && end.subnet.vpcId === vpcId) {
      const zones = availabilityZonesOf(index, attachment);
      if (zones && !zones.includes(end.subnet.availabilityZone)) {
        return hop(
          name,
          'deny',
          attachmentId,
          `${attachmentId} has no subnet in ${end.subnet.availabilityZone}: a VPC attachment reaches only the Availability Zones where it has a subnet`,
        );
      }
    }
    return deliverInto(vpcId, end, name, attachmentId, `${attachmentId}`);
  }
  if (type === 'vpn' || type === 'direct-connect-gateway') {
    if (endIsNetwork(end, (a) => a.kind === 'attachment' && a.attachmentId === attachmentId)) {
      return hop(
        name,
        'allow',
        attachmentId,
        `sent to on-premises over ${attachmentId} (${type} ${attachment.resourceId})`,
      );
    }
    return hop(
      name,
      'unknown',
      attachmentId,
      `sent to on-premises over ${attachmentId}; efsguard cannot see whether on-premises routing sends ${describeEnd(end)} back into AWS`,
    );
  }
  return hop(
    name,
    'unknown',
    attachmentId,
    `efsguard does not follow traffic through a ${type} attachment (${attachmentId})`,
  );
}

/** Traffic entering a Transit Gateway from `attachment`: its associated route table decides. */
function throughTransitGateway(
  index: RoutingIndex,
  attachment: TransitGatewayAttachment,
  end: RouteEnd,
  hops: Hop[],
): void {
  const name = `TGW route table (${attachment.transitGatewayId})`;
  const tableId = attachment.associatedRouteTableId;
  if (tableId === undefined) {
    hops.push(
      hop(
        name,
        'deny',
        attachment.attachmentId,
        `${attachment.attachmentId} is associated with no TGW route table: its traffic is dropped`,
      ),
    );
    return;
  }
  const table = index.tgwTablesById.get(tableId);
  const tableName = `TGW route table ${tableId}`;
  if (!table) {
    hops.push(
      hop(tableName, 'unknown', tableId, `${tableId} was not recorded (another account's TGW route table?)`),
    );
    return;
  }
  const result = longestPrefixMatch(table.routes, end.address, index.prefixListsById, tgwRouteRank);
  if (result.kind === 'unknown') {
    hops.push(hop(tableName, 'unknown', tableId, result.reason));
    return;
  }
  if (result.kind === 'none') {
    hops.push(hop(tableName, 'deny', tableId, `${tableId} has no route to ${end.address}`));
    return;
  }
  const route = result.route;
  const by = `${tableId}: ${result.matched} -> ${route.state === 'blackhole' ? 'blackhole' : route.attachmentIds.join(', ')} (${route.type})`;
  if (route.state === 'blackhole' || route.attachmentIds.length === 0) {
    hops.push(hop(tableName, 'deny', by, `blackhole route: ${tableId} drops traffic to ${end.address}`));
    return;
  }
  hops.push(
    hop(tableName, 'allow', by, `${tableId} sends ${end.address} to ${route.attachmentIds.join(', ')}`),
  );
  // Equal-cost routes: a flow takes one of them; they must agree, or the answer is unknown.
  const exits = [...route.attachmentIds].sort().map((id) => exitAttachment(index, id, end, `TGW exit ${id}`));
  const first = exits[0];
  if (!first) return;
  if (exits.every((exit) => exit.verdict === first.verdict)) hops.push(first);
  else
    hops.push(
      hop(
        `TGW exit`,
        'unknown',
        route.attachmentIds.join(', '),
        `equal-cost attachments disagree: ${exits.map((e) => `${e.by}: ${e.verdict}`).join('; ')}`,
      ),
    );
}

function throughPeering(
  index: RoutingIndex,
  peeringId: string,
  fromVpcId: string,
  end: RouteEnd,
  name: string,
): Hop {
  const peering = index.peeringsById.get(peeringId);
  if (!peering) return hop(name, 'unknown', peeringId, `${peeringId} was not recorded`);
  if (peering.status !== 'active') {
    return hop(
      name,
      'deny',
      peeringId,
      `${peeringId} is ${peering.status}; only an active peering carries traffic`,
    );
  }
  const other =
    peering.requester.vpcId === fromVpcId
      ? peering.accepter
      : peering.accepter.vpcId === fromVpcId
        ? peering.requester
        : undefined;
  if (!other) return hop(name, 'deny', peeringId, `${peeringId} does not connect ${fromVpcId}`);
  if (endIsNetwork(end, (a) => a.kind === 'peering' && a.peeringConnectionId === peeringId)) {
    return hop(name, 'allow', peeringId, `sent to ${other.vpcId} over ${peeringId}`);
  }
  if (end.kind === 'subnet' && end.subnet.vpcId === other.vpcId) {
    return hop(
      name,
      'allow',
      peeringId,
      `${peeringId} delivers ${end.address} in ${other.vpcId} by its local route`,
    );
  }
  return hop(
    name,
    'deny',
    peeringId,
    `peering is not transitive: ${other.vpcId} does not route traffic that arrived over ${peeringId} onward to ${describeEnd(end)}`,
  );
}

function throughVpnGateway(
  index: RoutingIndex,
  vgwId: string,
  vpcId: string,
  end: RouteEnd,
  name: string,
): Hop {
  const gateway = index.vpnGatewaysById.get(vgwId);
  if (!gateway) return hop(name, 'unknown', vgwId, `${vgwId} was not recorded`);
  if (gateway.state !== 'available' || !gateway.vpcIds.includes(vpcId)) {
    return hop(
      name,
      'deny',
      vgwId,
      `${vgwId} is ${gateway.state} and attached to ${gateway.vpcIds.join(', ') || 'no VPC'}, not usable from ${vpcId}`,
    );
  }
  if (endIsNetwork(end, (a) => a.kind === 'vpnGateway' && a.vpnGatewayId === vgwId)) {
    return hop(name, 'allow', vgwId, `sent to on-premises over ${vgwId}`);
  }
  return hop(
    name,
    'unknown',
    vgwId,
    `sent to on-premises over ${vgwId}; efsguard cannot see whether on-premises routing sends ${describeEnd(end)} back into AWS`,
  );
}

/** Routes `end.address` from `subnet` by its route table, then onward, appending the hops. */
function fromSubnet(index: RoutingIndex, subnet: Subnet, end: RouteEnd, hops: Hop[]): void {
  const table = routeTableOf(index, subnet);
  if (!table) {
    hops.push(
      hop(
        `route table of ${subnet.subnetId}`,
        'unknown',
        subnet.subnetId,
        `neither a route table associated with ${subnet.subnetId} nor the main route table of ${subnet.vpcId} was recorded`,
      ),
    );
    return;
  }
  const name = `route table ${table.routeTableId} (${subnet.subnetId})`;
  if (table.malformed?.length) {
    hops.push(
      hop(name, 'unknown', table.routeTableId, `routes efsguard cannot read: ${table.malformed.join(', ')}`),
    );
    return;
  }
  const result = longestPrefixMatch(table.routes, end.address, index.prefixListsById, vpcRouteRank);
  if (result.kind === 'unknown') {
    hops.push(hop(name, 'unknown', table.routeTableId, result.reason));
    return;
  }
  if (result.kind === 'none') {
    hops.push(hop(name, 'deny', table.routeTableId, `${table.routeTableId} has no route to ${end.address}`));
    return;
  }
  const route = result.route;
  const target = route.target;
  const by = `${table.routeTableId}: ${result.matched} -> ${describeTarget(target)}`;
  if (route.state === 'blackhole') {
    hops.push(
      hop(
        name,
        'deny',
        by,
        `blackhole route: the target of ${result.matched} no longer exists, so ${table.routeTableId} drops traffic to ${end.address}`,
      ),
    );
    return;
  }
  switch (target.kind) {
    case 'local':
      hops.push(deliverInto(subnet.vpcId, end, name, by, 'the local route'));
      return;
    case 'peering':
      hops.push(hop(name, 'allow', by, `${table.routeTableId} sends ${end.address} to ${target.id}`));
      hops.push(throughPeering(index, target.id, subnet.vpcId, end, `peering ${target.id}`));
      return;
    case 'transitGateway': {
      const attachment = index.routing.transitGatewayAttachments.find(
        (a) => a.transitGatewayId === target.id && a.resourceType === 'vpc' && a.resourceId === subnet.vpcId,
      );
      if (!attachment) {
        hops.push(hop(name, 'unknown', by, `no attachment of ${subnet.vpcId} to ${target.id} was recorded`));
        return;
      }
      if (attachment.state !== 'available') {
        hops.push(
          hop(
            name,
            'deny',
            by,
            `${attachment.attachmentId} is ${attachment.state}; only an available attachment carries traffic`,
          ),
        );
        return;
      }
      const zones = availabilityZonesOf(index, attachment);
      if (zones && !zones.includes(subnet.availabilityZone)) {
        hops.push(
          hop(
            name,
            'deny',
            by,
            `${attachment.attachmentId} has no subnet in ${subnet.availabilityZone}: resources there cannot reach ${target.id}`,
          ),
        );
        return;
      }
      hops.push(
        hop(
          name,
          'allow',
          by,
          `${table.routeTableId} sends ${end.address} to ${target.id} over ${attachment.attachmentId}`,
        ),
      );
      throughTransitGateway(index, attachment, end, hops);
      return;
    }
    case 'vpnGateway':
      hops.push(hop(name, 'allow', by, `${table.routeTableId} sends ${end.address} to ${target.id}`));
      hops.push(throughVpnGateway(index, target.id, subnet.vpcId, end, `VPN gateway ${target.id}`));
      return;
    case 'internetGateway':
      hops.push(
        hop(
          name,
          'deny',
          by,
          `${target.id} sends ${end.address} to the internet: a private address is not reached that way`,
        ),
      );
      return;
    case 'vpcEndpoint':
      hops.push(
        hop(
          name,
          'deny',
          by,
          `${target.id} is a gateway endpoint to an AWS service: ${end.address} is not reached that way`,
        ),
      );
      return;
    default:
      hops.push(hop(name, 'unknown', by, `efsguard does not follow traffic through ${target.id}`));
  }
}

/** Traffic from a source network efsguard does not see the inside of. */
function fromNetwork(index: RoutingIndex, arrival: Arrival, end: RouteEnd, hops: Hop[]): void {
  const name = `source network ${describeArrival(arrival)}`;
  switch (arrival.kind) {
    case 'ownVpc':
      hops.push(deliverInto(arrival.vpcId, end, name, arrival.vpcId, 'the local route'));
      return;
    case 'peering':
      hops.push(
        hop(
          name,
          'unknown',
          arrival.vpcId,
          `the route tables of ${arrival.vpcId} were not recorded (another account's?)`,
        ),
      );
      hops.push(
        throughPeering(
          index,
          arrival.peeringConnectionId,
          arrival.vpcId,
          end,
          `peering ${arrival.peeringConnectionId}`,
        ),
      );
      return;
    case 'attachment': {
      const attachment = index.attachmentsById.get(arrival.attachmentId);
      if (!attachment) {
        hops.push(hop(name, 'unknown', arrival.attachmentId, `${arrival.attachmentId} was not recorded`));
        return;
      }
      hops.push(
        hop(
          name,
          'unknown',
          arrival.attachmentId,
          arrival.resourceType === 'vpc'
            ? `the route tables of ${arrival.resourceId} were not recorded (another account's?)`
            : `efsguard cannot see on-premises routing towards ${arrival.attachmentId}`,
        ),
      );
      if (attachment.state !== 'available') {
        hops.push(
          hop(
            `TGW attachment ${attachment.attachmentId}`,
            'deny',
            attachment.attachmentId,
            `${attachment.attachmentId} is ${attachment.state}; only an available attachment carries traffic`,
          ),
        );
        return;
      }
      throughTransitGateway(index, attachment, end, hops);
      return;
    }
    case 'vpnGateway': {
      hops.push(
        hop(
          name,
          'unknown',
          arrival.vpnGatewayId,
          `efsguard cannot see on-premises routing towards ${arrival.vpnGatewayId}`,
        ),
      );
      const gateway = index.vpnGatewaysById.get(arrival.vpnGatewayId);
      if (!gateway) {
        hops.push(
          hop(
            `VPN gateway ${arrival.vpnGatewayId}`,
            'unknown',
            arrival.vpnGatewayId,
            `${arrival.vpnGatewayId} was not recorded`,
          ),
        );
        return;
      }
      if (gateway.state !== 'available' || !gateway.vpcIds.includes(arrival.vpcId)) {
        hops.push(
          hop(
            `VPN gateway ${arrival.vpnGatewayId}`,
            'deny',
            arrival.vpnGatewayId,
            `${arrival.vpnGatewayId} is ${gateway.state} and not attached to ${arrival.vpcId}`,
          ),
        );
        return;
      }
      hops.push(
        deliverInto(
          arrival.vpcId,
          end,
          `VPN gateway ${arrival.vpnGatewayId}`,
          arrival.vpnGatewayId,
          arrival.vpnGatewayId,
        ),
      );
      return;
    }
    case 'unknown':
      hops.push(hop(name, 'unknown', 'unknown', arrival.reason));
  }
}

/**
 * The hops of one direction: from `start` to `end.address`. The caller combines verdicts (pathVerdict).
 * Traffic that arrives in a VPC over a peering, a TGW or a VPN gateway is only delivered inside it.
 */
export function traceRoute(index: RoutingIndex, start: RouteStart, end: RouteEnd): Hop[] {
  const hops: Hop[] = [];
  if (start.kind === 'subnet') fromSubnet(index, start.subnet, end, hops);
  else fromNetwork(index, start.arrival, end, hops);
  return hops;
}

/** false when any hop denies; else 'unknown' when any hop is unknown; else true. */
export function pathVerdict(hops: readonly Hop[]): boolean | 'unknown' {
  if (hops.some((h) => h.verdict === 'deny')) return false;
  if (hops.some((h) => h.verdict === 'unknown')) return 'unknown';
  return true;
}

/** The first hop that blocks: the first deny, else the first unknown. */
export function blockingHop(hops: readonly Hop[]): number | undefined {
  const deny = hops.findIndex((h) => h.verdict === 'deny');
  if (deny >= 0) return deny;
  const unknown = hops.findIndex((h) => h.verdict === 'unknown');
  return unknown >= 0 ? unknown : undefined;
}

/**
 * How a reply from `mtSubnet` to `address` leaves: named by the return route (the mount target's
 * subnet route table, then any TGW route table). 'none' when no route leads back.
 */
export function arrivalOf(index: RoutingIndex, mtSubnet: Subnet, address: string): Arrival | 'none' {
  const table = routeTableOf(index, mtSubnet);
  if (!table) return { kind: 'unknown', reason: `route table of ${mtSubnet.subnetId} not recorded` };
  const result = longestPrefixMatch(table.routes, address, index.prefixListsById, vpcRouteRank);
  if (result.kind === 'unknown') return { kind: 'unknown', reason: result.reason };
  if (result.kind === 'none' || result.route.state === 'blackhole') return 'none';
  const target = result.route.target;
  switch (target.kind) {
    case 'local':
      return { kind: 'ownVpc', vpcId: mtSubnet.vpcId };
    case 'peering': {
      const peering = index.peeringsById.get(target.id);
      if (!peering) return { kind: 'unknown', reason: `${target.id} not recorded` };
      const other = peering.requester.vpcId === mtSubnet.vpcId ? peering.accepter : peering.requester;
      return { kind: 'peering', peeringConnectionId: target.id, vpcId: other.vpcId };
    }
    case 'transitGateway': {
      const attachment = index.routing.transitGatewayAttachments.find(
        (a) =>
          a.transitGatewayId === target.id && a.resourceType === 'vpc' && a.resourceId === mtSubnet.vpcId,
      );
      const tableId = attachment?.associatedRouteTableId;
      const tgwTable = tableId === undefined ? undefined : index.tgwTablesById.get(tableId);
      if (!attachment || !tgwTable) {
        return attachment && tableId === undefined
          ? 'none'
          : {
              kind: 'unknown',
              reason: `the TGW route table of ${mtSubnet.vpcId}'s attachment to ${target.id} was not recorded`,
            };
      }
      const tgw = longestPrefixMatch(tgwTable.routes, address, index.prefixListsById, tgwRouteRank);
      if (tgw.kind === 'unknown') return { kind: 'unknown', reason: tgw.reason };
      if (tgw.kind === 'none' || tgw.route.state === 'blackhole') return 'none';
      const nextId = [...tgw.route.attachmentIds].sort()[0];
      const next = nextId === undefined ? undefined : index.attachmentsById.get(nextId);
      if (!next) return nextId === undefined ? 'none' : { kind: 'unknown', reason: `${nextId} not recorded` };
      return {
        kind: 'attachment',
        attachmentId: next.attachmentId,
        resourceType: next.resourceType,
        resourceId: next.resourceId,
      };
    }
    case 'vpnGateway':
      return { kind: 'vpnGateway', vpnGatewayId: target.id, vpcId: mtSubnet.vpcId };
    case 'internetGateway':
    case 'vpcEndpoint':
      return 'none';
    default:
      return { kind: 'unknown', reason: `traffic through ${target.id} is not followed` };
  }
}

/** The subnet of a VPC efsguard sees that holds `address`, if any. */
export function subnetHolding(topology: Topology, address: string): Subnet | undefined {
  return topology.subnets.find((subnet) =>
    subnet.cidrBlocks.some((block) => cidrContainsAddress(block, address)),
  );
}
