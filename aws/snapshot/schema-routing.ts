// The routing section of the snapshot schema (aws/snapshot/schema.ts hooks it in). Like the rest of the
// schema it checks the fields efsguard reads and lets every other SDK field through. Destinations are
// checked as strings only: a malformed CIDR is the normaliser's to record on its table, not a reason to
// refuse the file.
import * as z from 'zod/mini';
import { SNAPSHOT_FORMAT, SNAPSHOT_FORMAT_BEFORE_ROUTING } from './format';
import { ROUTING_LISTS } from './format-routing';

const id = z.string().check(z.minLength(1));
const optionalString = z.optional(z.string());
const list = <T extends z.ZodMiniType>(item: T) => z.optional(z.array(item));

const route = z.looseObject({
  DestinationCidrBlock: optionalString,
  DestinationIpv6CidrBlock: optionalString,
  DestinationPrefixListId: optionalString,
  GatewayId: optionalString,
  NatGatewayId: optionalString,
  TransitGatewayId: optionalString,
  VpcPeeringConnectionId: optionalString,
  NetworkInterfaceId: optionalString,
  InstanceId: optionalString,
  EgressOnlyInternetGatewayId: optionalString,
  LocalGatewayId: optionalString,
  CarrierGatewayId: optionalString,
  CoreNetworkArn: optionalString,
  State: optionalString,
  Origin: optionalString,
});

const routeTable = z.looseObject({
  RouteTableId: id,
  VpcId: id,
  OwnerId: z.optional(id),
  Routes: list(route),
  Associations: list(
    z.looseObject({
      Main: z.optional(z.boolean()),
      SubnetId: optionalString,
      GatewayId: optionalString,
      AssociationState: z.optional(z.looseObject({ State: optionalString })),
    }),
  ),
  PropagatingVgws: list(z.looseObject({ GatewayId: id })),
});

const peeringSide = z.looseObject({
  VpcId: id,
  OwnerId: optionalString,
  Region: optionalString,
  CidrBlock: optionalString,
  CidrBlockSet: list(z.looseObject({ CidrBlock: optionalString })),
  Ipv6CidrBlockSet: list(z.looseObject({ Ipv6CidrBlock: optionalString })),
});

const peering = z.looseObject({
  VpcPeeringConnectionId: id,
  Status: z.looseObject({ Code: id, Message: optionalString }),
  RequesterVpcInfo: peeringSide,
  AccepterVpcInfo: peeringSide,
});

const attachment = z.looseObject({
  TransitGatewayAttachmentId: id,
  TransitGatewayId: id,
  TransitGatewayOwnerId: optionalString,
  ResourceOwnerId: optionalString,
  ResourceType: id,
  ResourceId: optionalString,
  State: id,
  Association: z.optional(
    z.looseObject({ TransitGatewayRouteTableId: optionalString, State: optionalString }),
  ),
});

const vpcAttachment = z.looseObject({
  TransitGatewayAttachmentId: id,
  TransitGatewayId: optionalString,
  VpcId: optionalString,
  State: optionalString,
  SubnetIds: list(id),
});

const attachmentRef = z.looseObject({
  TransitGatewayAttachmentId: optionalString,
  ResourceId: optionalString,
  ResourceType: optionalString,
  State: optionalString,
});

const transitGatewayRouteTable = z.looseObject({
  TransitGatewayRouteTableId: id,
  TransitGatewayId: id,
  OwnerId: optionalString,
  State: optionalString,
  Routes: z.array(
    z.looseObject({
      DestinationCidrBlock: optionalString,
      PrefixListId: optionalString,
      TransitGatewayAttachments: list(attachmentRef),
      Type: optionalString,
      State: optionalString,
    }),
  ),
  Associations: z.array(attachmentRef),
  Propagations: z.array(attachmentRef),
});

const vpnGateway = z.looseObject({
  VpnGatewayId: id,
  State: id,
  Type: optionalString,
  VpcAttachments: list(z.looseObject({ VpcId: optionalString, State: optionalString })),
});

export const routingSchema = z.looseObject({
  routeTables: z.array(routeTable),
  vpcPeeringConnections: z.array(peering),
  transitGatewayAttachments: z.array(attachment),
  transitGatewayVpcAttachments: z.array(vpcAttachment),
  transitGatewayRouteTables: z.array(transitGatewayRouteTable),
  vpnGateways: z.array(vpnGateway),
});

/** Where each routing list lives and its id field, for the duplicate check and error messages. */
export const ROUTING_ID_FIELDS: readonly (readonly [readonly string[], string, string])[] = ROUTING_LISTS.map(
  ([key, field, kind]) => [['routing', key], field, kind] as const,
);

/**
 * Routing against the file's format and parts: an efsguard-snapshot/1 file predates routing, so one that
 * carries it was not written by efsguard; a file whose parts list 'routing' must hold the section (else
 * "not recorded" would read as "no routes"), and one that holds it must list it when it lists parts.
 */
export function routingConsistencyIssues(snapshot: unknown): { path: PropertyKey[]; message: string }[] {
  if (typeof snapshot !== 'object' || snapshot === null) return [];
  const { format, parts, routing } = snapshot as { format?: unknown; parts?: unknown; routing?: unknown };
  const listed = Array.isArray(parts) && parts.includes('routing');
  const issues: { path: PropertyKey[]; message: string }[] = [];
  if (format === SNAPSHOT_FORMAT_BEFORE_ROUTING && (routing !== undefined || listed)) {
    issues.push({
      path: routing !== undefined ? ['routing'] : ['parts'],
      message: `format ${SNAPSHOT_FORMAT_BEFORE_ROUTING} predates routing: a file with routing is ${SNAPSHOT_FORMAT}`,
    });
  } else if (listed && routing === undefined) {
    issues.push({
      path: ['routing'],
      message: "missing: parts lists 'routing' but the file has no routing section",
    });
  } else if (Array.isArray(parts) && !listed && routing !== undefined) {
    issues.push({ path: ['parts'], message: "has a routing section but does not list 'routing'" });
  }
  return issues;
}
