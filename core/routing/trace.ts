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

import { perTopology } from '../memo';
import type { Subnet, Topology, Vpc } from '../model';
import { blockIndex } from '../net/block-index';
import { type ParsedCidr, parseCidr } from '../net/cidr';
import {
  availabilityZonesOf,
  deliverInto,
  throughPeering,
  throughTransitGateway,
  throughVpnGateway,
} from './gateways';
import { longestPrefixMatch } from './lpm';
import {
  type Arrival,
  describeArrival,
  describeTarget,
  type Hop,
  hop,
  type RouteEnd,
  type RouteStart,
  type RoutingIndex,
  routeTableOf,
  tgwRouteRank,
  vpcAttachmentTo,
  vpcRouteRank,
} from './routing-index';

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
      const attachment = vpcAttachmentTo(index, target.id, subnet.vpcId);
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
      const attachment = vpcAttachmentTo(index, target.id, mtSubnet.vpcId);
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

const subnetBlocks = /* @__PURE__ */ perTopology((topology) =>
  blockIndex(topology.subnets.flatMap((s) => s.cidrBlocks.map((block) => [block, s] as const))),
);
const vpcBlocks = /* @__PURE__ */ perTopology((topology) =>
  blockIndex(topology.vpcs.flatMap((v) => v.cidrBlocks.map((block) => [block, v] as const))),
);

/** The subnet of a VPC efsguard sees that holds `address`, if any (the first such, in topology order). */
export function subnetHolding(topology: Topology, address: string): Subnet | undefined {
  return subnetBlocks(topology).find(address);
}

interface Ipv4SubnetBlock {
  readonly first: number;
  readonly last: number;
  readonly subnet: Subnet;
}

/**
 * The IPv4 subnet blocks that no other subnet block overlaps, in address order. CIDR blocks nest or
 * are disjoint, so sorted by first address (a holding block before those it holds), a block overlaps
 * an earlier one exactly when it starts before that one ends; both are then left out. Subnets of one
 * VPC never overlap, but subnets of different VPCs may, and a subnet may list a block twice.
 */
const exclusiveIpv4SubnetBlocks = /* @__PURE__ */ perTopology((topology): readonly Ipv4SubnetBlock[] => {
  const blocks: Ipv4SubnetBlock[] = [];
  for (const subnet of topology.subnets) {
    for (const cidr of subnet.cidrBlocks) {
      const { ipv4First, ipv4Last } = parseCidr(cidr);
      if (ipv4First !== undefined && ipv4Last !== undefined)
        blocks.push({ first: ipv4First, last: ipv4Last, subnet });
    }
  }
  blocks.sort((a, b) => a.first - b.first || b.last - a.last);
  const overlapped = new Set<Ipv4SubnetBlock>();
  const open: Ipv4SubnetBlock[] = [];
  for (const block of blocks) {
    while (open.length > 0 && (open[open.length - 1] as Ipv4SubnetBlock).last < block.first) open.pop();
    if (open.length > 0) {
      overlapped.add(block);
      for (const holder of open) overlapped.add(holder);
    }
    open.push(block);
  }
  return blocks.filter((block) => !overlapped.has(block));
});

/**
 * The subnet that holds every address of `block` and shares none of them with another subnet, if any
 * (IPv4 only; undefined for IPv6 and wherever subnets overlap). subnetHolding answers this subnet for
 * every address of the block, so a caller may decide the whole block at once.
 */
export function exclusiveSubnetHolding(topology: Topology, block: ParsedCidr): Subnet | undefined {
  const { ipv4First, ipv4Last } = block;
  if (ipv4First === undefined || ipv4Last === undefined) return undefined;
  const blocks = exclusiveIpv4SubnetBlocks(topology);
  // The last exclusive block starting at or before the block's first address.
  let low = 0;
  let high = blocks.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((blocks[middle] as Ipv4SubnetBlock).first <= ipv4First) low = middle + 1;
    else high = middle;
  }
  const candidate = blocks[low - 1];
  return candidate && ipv4Last <= candidate.last ? candidate.subnet : undefined;
}

/** The VPC efsguard sees whose CIDR blocks hold `address`, if any (the first such, in topology order). */
export function vpcHolding(topology: Topology, address: string): Vpc | undefined {
  return vpcBlocks(topology).find(address);
}
