// Leaving a VPC through a Transit Gateway, a peering or a virtual private gateway, one hop each
// (the AWS documents behind each: trace.ts).
import type { TransitGatewayAttachment } from '../model';
import { longestPrefixMatch } from './lpm';

import {
  describeEnd,
  endIsNetwork,
  type Hop,
  hop,
  type RouteEnd,
  type RoutingIndex,
  tgwRouteRank,
} from './routing-index';

export function deliverInto(vpcId: string, end: RouteEnd, name: string, by: string, via: string): Hop {
  if (end.kind === 'subnet' && end.subnet.vpcId === vpcId) {
    return hop(name, 'allow', by, `${via} delivers ${end.address} in ${vpcId} by its local route`);
  }
  if (end.kind === 'network' && end.arrival.kind === 'ownVpc' && end.arrival.vpcId === vpcId) {
    return hop(name, 'allow', by, `${via} delivers ${end.address} in ${vpcId} by its local route`);
  }
  return hop(name, 'deny', by, `${via} delivers into ${vpcId}, but ${describeEnd(end)} is not there`);
}

export function availabilityZonesOf(
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
export function exitAttachment(index: RoutingIndex, attachmentId: string, end: RouteEnd, name: string): Hop {
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
export function throughTransitGateway(
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

export function throughPeering(
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

export function throughVpnGateway(
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
