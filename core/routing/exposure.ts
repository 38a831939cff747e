// Which source networks can open TCP 2049 to a mount target: admitted by its security groups, passed by
// its subnet's ACL both ways, and connected by routes both ways. Every candidate source range is cut into
// atoms (ranges.ts) by every CIDR that a decision on the way depends on, so one path per atom
// (explainSourcePath, the same function `efsguard explain` prints) decides the atom exactly. Networks are
// named by how they arrive (the mount target's return route): its own VPC, a peering, a TGW attachment,
// a virtual private gateway, or unknown. A path with an unknown hop counts as possibly reachable.

import { perTopologyAndKey } from '../memo';
import { type MountTarget, NFS_PORT, type Subnet, type Topology } from '../model';
import { cidrContainsCidr, type ParsedCidr, parseCidr } from '../net/cidr';
import { mountTargetAddressOf } from '../net/nfs-paths';
import { coversNfs } from '../net/protocol';
import { matchGroupsTcp } from '../net/security-groups';
import { indexTopology } from '../topology-index';
import { destinationCidrs } from './lpm';
import { explainSourcePath, groupsAtAddress, type NfsPath, type PathOptions } from './nfs-path';
import { type Atom, atomsOf, type Cut, describeAtom, SortedCuts } from './ranges';
import { type Arrival, describeArrival, indexRouting, routeTableOf } from './routing-index';
import { arrivalOf, exclusiveSubnetHolding, subnetHolding, traceRoute, vpcHolding } from './trace';

export interface ReachingNetwork {
  /** How it arrives, e.g. 'pcx-1 to vpc-2', 'tgw-attach-1 to VPN vpn-1', 'vgw-1 (on-premises)'. */
  readonly name: string;
  readonly arrival: Arrival;
  /** true when every hop allows for some atom; 'unknown' when it only possibly reaches. */
  readonly reachable: true | 'unknown';
  /** The atoms of the network that reach the mount target. */
  readonly ranges: readonly Atom[];
  /** One path per reaching atom, in address order. */
  readonly paths: readonly NfsPath[];
}

export interface ExposureOptions extends PathOptions {
  /** Extra CIDRs to cut at (allowed ranges), so every atom lies wholly inside or outside each. */
  readonly cuts?: readonly string[];
  /**
   * Leave out the mount target's own VPC: no path is traced for an atom whose source lies in one of
   * its subnets. For a caller that allows the own VPC whatever reaches it (efs-nfs-exposure), those are
   * most of the atoms and none of the answer.
   */
  readonly skipOwnVpc?: boolean;
}

/** The VPCs a mount target's VPC is routed to: itself, its peers, and its TGW neighbours. */
const neighbourVpcs = /* @__PURE__ */ perTopologyAndKey((topology, vpcId: string): ReadonlySet<string> => {
  const vpcs = new Set([vpcId]);
  const routing = topology.routing;
  if (!routing) return vpcs;
  for (const p of routing.peeringConnections) {
    if (p.requester.vpcId === vpcId) vpcs.add(p.accepter.vpcId);
    if (p.accepter.vpcId === vpcId) vpcs.add(p.requester.vpcId);
  }
  const tgws = new Set(
    routing.transitGatewayAttachments
      .filter((a) => a.resourceType === 'vpc' && a.resourceId === vpcId)
      .map((a) => a.transitGatewayId),
  );
  for (const a of routing.transitGatewayAttachments) {
    if (a.resourceType === 'vpc' && tgws.has(a.transitGatewayId)) vpcs.add(a.resourceId);
  }
  return vpcs;
});

/**
 * The host CIDRs of the interfaces carrying a group, parsed (canonical text included) once: many mount
 * targets admit one group.
 */
const memberCuts = /* @__PURE__ */ perTopologyAndKey((topology, groupId: string): readonly ParsedCidr[] => {
  const list: ParsedCidr[] = [];
  for (const eni of indexTopology(topology).interfacesByGroup.get(groupId) ?? []) {
    for (const a of eni.privateIpAddresses) list.push(parseCidr(`${a}/32`));
    for (const a of eni.ipv6Addresses) list.push(parseCidr(`${a}/128`));
  }
  return list;
});

/** Every CIDR a decision about a source address on the way to `mt` depends on. */
export function cutsForMountTarget(topology: Topology, mt: MountTarget): Cut[] {
  return [...ownCuts(topology, mt), ...sharedCutsOf(topology, mt).cuts];
}

/** The cuts of the mount target itself: its groups' NFS peers, its subnet's ACL and route table. */
function ownCuts(topology: Topology, mt: MountTarget): Cut[] {
  const index = indexTopology(topology);
  const cuts: Cut[] = [];
  for (const groupId of mt.securityGroupIds) {
    for (const permission of index.groupsById.get(groupId)?.ingress ?? []) {
      if (!coversNfs(permission)) continue;
      const peer = permission.peer;
      if (peer.kind === 'cidr') cuts.push(peer.cidr);
      else if (peer.kind === 'prefixList')
        cuts.push(...(index.prefixListsById.get(peer.prefixListId)?.entries ?? []));
      // One by one: a group can have more members than a spread into push() may pass (about 130,000).
      else for (const member of memberCuts(topology, peer.groupId)) cuts.push(member);
    }
  }
  for (const entry of index.networkAclBySubnet.get(mt.subnetId)?.entries ?? []) cuts.push(entry.cidr);
  const routing = indexRouting(topology);
  const subnet = index.subnetsById.get(mt.subnetId);
  if (routing && subnet) {
    cuts.push(...destinationCidrs(routeTableOf(routing, subnet)?.routes ?? [], index.prefixListsById));
  }
  return cuts;
}

interface SharedCuts {
  readonly cuts: readonly string[];
  readonly sorted: SortedCuts;
}

/**
 * The cuts every mount target of a VPC shares, parsed and sorted once: the blocks of the VPCs it is
 * routed to and of their subnets, and, when its subnet's routes were recorded, the destinations of
 * every TGW route table and the blocks of every peering.
 */
function sharedCutsOf(topology: Topology, mt: MountTarget): SharedCuts {
  const withRouting = topology.routing !== undefined && indexTopology(topology).subnetsById.has(mt.subnetId);
  return (withRouting ? sharedCutsWithRouting : sharedCutsWithoutRouting)(topology, mt.vpcId);
}

function buildSharedCuts(topology: Topology, vpcId: string, withRouting: boolean): SharedCuts {
  const index = indexTopology(topology);
  const cuts: string[] = [];
  if (withRouting) {
    for (const table of topology.routing?.transitGatewayRouteTables ?? []) {
      cuts.push(...destinationCidrs(table.routes, index.prefixListsById));
    }
    for (const p of topology.routing?.peeringConnections ?? [])
      cuts.push(...p.requester.cidrBlocks, ...p.accepter.cidrBlocks);
  }
  const vpcs = neighbourVpcs(topology, vpcId);
  for (const vpc of topology.vpcs) if (vpcs.has(vpc.vpcId)) cuts.push(...vpc.cidrBlocks);
  for (const s of topology.subnets) if (vpcs.has(s.vpcId)) cuts.push(...s.cidrBlocks);
  return { cuts, sorted: new SortedCuts(cuts) };
}

const sharedCutsWithRouting = /* @__PURE__ */ perTopologyAndKey((topology, vpcId: string) =>
  buildSharedCuts(topology, vpcId, true),
);
const sharedCutsWithoutRouting = /* @__PURE__ */ perTopologyAndKey((topology, vpcId: string) =>
  buildSharedCuts(topology, vpcId, false),
);

/**
 * The blocks the mount target's groups admit NFS from (CIDR peers, prefix-list entries, the addresses of
 * referenced groups' interfaces), canonical; undefined when a group or prefix list is missing, so that
 * anything might be admitted. Every block is also a cut, so the atoms the groups admit are exactly the
 * atoms inside these blocks: only those need a path.
 */
function admittingBlocks(topology: Topology, mt: MountTarget): Map<string, ParsedCidr> | undefined {
  const index = indexTopology(topology);
  const blocks = new Map<string, ParsedCidr>();
  const add = (block: ParsedCidr) => blocks.set(block.canonical, block);
  for (const groupId of mt.securityGroupIds) {
    const group = index.groupsById.get(groupId);
    if (!group) return undefined;
    for (const permission of group.ingress) {
      if (!coversNfs(permission)) continue;
      const peer = permission.peer;
      if (peer.kind === 'cidr') add(parseCidr(peer.cidr));
      else if (peer.kind === 'prefixList') {
        const list = index.prefixListsById.get(peer.prefixListId);
        if (!list || list.malformed?.length) return undefined;
        for (const entry of list.entries) add(parseCidr(entry));
      } else if (peer.peeringStatus === undefined || peer.peeringStatus === 'active') {
        for (const block of memberCuts(topology, peer.groupId)) add(block);
      }
    }
  }
  return blocks;
}

/**
 * The networks that can (or possibly can) open TCP 2049 to `mt`, sorted by name; undefined when routing
 * was not recorded (nothing is assumed then).
 */
export function networksReaching(
  topology: Topology,
  mt: MountTarget,
  options: ExposureOptions,
): ReachingNetwork[] | undefined {
  const routing = indexRouting(topology);
  if (!routing) return undefined;
  const index = indexTopology(topology);
  const mtSubnet = index.subnetsById.get(mt.subnetId);
  const cuts = [...ownCuts(topology, mt), ...(options.cuts ?? [])];
  const shared = sharedCutsOf(topology, mt).sorted;
  const byName = new Map<
    string,
    { arrival: Arrival; reachable: true | 'unknown'; ranges: Atom[]; paths: NfsPath[] }
  >();
  const universes = [...(mt.ipAddress ? ['0.0.0.0/0'] : []), ...(mt.ipv6Address ? ['::/0'] : [])];
  const admitting = admittingBlocks(topology, mt);
  for (const universe of universes) {
    const mtAddress = mountTargetAddressOf(mt, universe === '::/0' ? 'ipv6' : 'ipv4');
    // Subnet id -> does its route table deny the way to the mount target (forward route only).
    const forwardDenied = new Map<string, boolean>();
    /**
     * Is an address of `source` (the subnet holding it) left out before its groups are asked: in the
     * own VPC when that is skipped, or in another VPC whose route to the mount target denies? From a
     * subnet of another VPC, explainSourcePath's forward route depends on the subnet alone, and a route
     * that denies makes the path unreachable: it is decided once per subnet, not once per atom.
     */
    const leftOut = (source: Subnet): boolean => {
      if (options.skipOwnVpc && source.vpcId === mt.vpcId) return true;
      if (source.vpcId === mt.vpcId || !mtSubnet || !mtAddress) return false;
      let denied = forwardDenied.get(source.subnetId);
      if (denied === undefined) {
        denied = traceRoute(
          routing,
          { kind: 'subnet', subnet: source },
          { kind: 'subnet', subnet: mtSubnet, address: mtAddress },
        ).some((hop) => hop.verdict === 'deny');
        forwardDenied.set(source.subnetId, denied);
      }
      return denied;
    };
    // A piece inside a subnet that no other subnet overlaps has that subnet as the source of every
    // address: when the subnet is left out, so is the piece, and its atom is never made. At scale 16
    // this leaves out 111,000 of 158,000 pieces (most of them interfaces' /32s in the own VPC).
    const skipPiece = (piece: ParsedCidr): boolean => {
      const source = exclusiveSubnetHolding(topology, piece);
      return source !== undefined && leftOut(source);
    };
    for (const atom of atomsOf(universe, cuts, admitting, shared, skipPiece)) {
      const address = atom.representative;
      const source = subnetHolding(topology, address);
      // An address of a VPC efsguard sees but of none of its subnets belongs to no host.
      if (!source && vpcHolding(topology, address)) continue;
      if (source && leftOut(source)) continue;
      // The mount target's groups must (or might) admit it.
      const admitted = matchGroupsTcp(index, mt.securityGroupIds, 'ingress', NFS_PORT, {
        addresses: [address],
        groupIds: groupsAtAddress(topology, address),
      });
      if (!admitted.allowed && admitted.unresolved.length === 0 && admitted.missingGroups.length === 0)
        continue;
      const path = explainSourcePath(topology, mt, address, describeAtom(atom), options);
      if (path.reachable === false) continue;
      let arrival: Arrival;
      if (source?.vpcId === mt.vpcId) arrival = { kind: 'ownVpc', vpcId: mt.vpcId };
      else {
        const found = mtSubnet ? arrivalOf(routing, mtSubnet, address) : 'none';
        arrival = found === 'none' ? { kind: 'unknown', reason: 'no return route' } : found;
      }
      const name = describeArrival(arrival);
      const entry = byName.get(name) ?? { arrival, reachable: true as const, ranges: [], paths: [] };
      if (path.reachable === 'unknown') entry.reachable = 'unknown';
      entry.ranges.push(atom);
      entry.paths.push(path);
      byName.set(name, entry);
    }
  }
  return [...byName.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, entry]) => ({ name, ...entry }));
}

/** The ids an `allowedNetworks` item can name for a network: VPC, peering, TGW attachment or VPN gateway. */
export function networkIds(arrival: Arrival): string[] {
  switch (arrival.kind) {
    case 'ownVpc':
      return [arrival.vpcId];
    case 'peering':
      return [arrival.peeringConnectionId, arrival.vpcId];
    case 'attachment':
      return [arrival.attachmentId, ...(arrival.resourceType === 'vpc' ? [arrival.resourceId] : [])];
    case 'vpnGateway':
      return [arrival.vpnGatewayId];
    case 'unknown':
      return [];
  }
}

/**
 * The reaching range of a network in few words: the largest reaching atoms' CIDRs, each with the holes
 * that do not reach themselves ('192.168.0.0/16', '10.0.0.0/8 except 10.1.0.0/16').
 */
export function describeRanges(network: ReachingNetwork): string[] {
  const cidrs = new Set(network.ranges.map((atom) => atom.cidr));
  return network.ranges
    .filter(
      (atom) =>
        !network.ranges.some(
          (other) => other !== atom && other.cidr !== atom.cidr && cidrContainsCidr(other.cidr, atom.cidr),
        ),
    )
    .map((atom) => {
      const holes = atom.holes.filter((hole) => !cidrs.has(hole));
      return holes.length ? `${atom.cidr} except ${holes.join(', ')}` : atom.cidr;
    });
}
