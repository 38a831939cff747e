// The route hops between a client interface and a mount target, both ways, and what they decide for the
// route-aware rules: the same hops `efsguard explain` shows (nfs-path.ts), never a second implementation.
import { perTopology } from '../memo';
import { type MountTarget, type NetworkInterface, NFS_PORT, type Topology } from '../model';
import type { AddressFamily } from '../net/cidr';
import { clientAddressOf, mountTargetAddressOf, sharedAddressFamilies } from '../net/nfs-paths';
import { matchGroupsTcp } from '../net/security-groups';
import { indexTopology, type TopologyIndex } from '../topology-index';
import { type Hop, indexRouting, type Verdict } from './routing-index';
import { blockingHop, pathVerdict, traceRoute } from './trace';

/** Forward and return route hops between a client interface and a mount target, over one family. */
export interface PairRoutes {
  readonly forward: readonly Hop[];
  readonly back: readonly Hop[];
}

/**
 * The route hops of a client/mount-target pair. Within one VPC the local route carries the traffic both
 * ways (route tables are not consulted: nothing changes within a VPC). Across VPCs without recorded
 * routing, both directions are unknown: routing was not recorded, and nothing is assumed.
 */
export function pairRoutes(
  topology: Topology,
  client: NetworkInterface,
  mt: MountTarget,
  family: AddressFamily,
): PairRoutes {
  const clientAddress = clientAddressOf(client, family) ?? '';
  const mtAddress = mountTargetAddressOf(mt, family) ?? '';
  if (client.vpcId === mt.vpcId) {
    const local = (to: string): Hop => ({
      hop: 'route (same VPC)',
      verdict: 'allow',
      by: `local route of ${mt.vpcId}`,
      detail: `the local route covers ${to}: every VPC CIDR is routed inside the VPC`,
    });
    return { forward: [local(mtAddress)], back: [local(clientAddress)] };
  }
  const routing = indexRouting(topology);
  const index = indexTopology(topology);
  const clientSubnet = index.subnetsById.get(client.subnetId);
  const mtSubnet = index.subnetsById.get(mt.subnetId);
  if (!routing || !clientSubnet || !mtSubnet) {
    const reason = !routing
      ? 'routing was not recorded in this snapshot'
      : `subnet ${clientSubnet ? mt.subnetId : client.subnetId} was not recorded`;
    const unknown = (name: string): Hop => ({
      hop: name,
      verdict: 'unknown',
      by: 'routing',
      detail: `cannot check the route between ${client.vpcId} and ${mt.vpcId}: ${reason}`,
    });
    return { forward: [unknown('forward route')], back: [unknown('return route')] };
  }
  return {
    forward: traceRoute(
      routing,
      { kind: 'subnet', subnet: clientSubnet },
      { kind: 'subnet', subnet: mtSubnet, address: mtAddress },
    ),
    back: traceRoute(
      routing,
      { kind: 'subnet', subnet: mtSubnet },
      { kind: 'subnet', subnet: clientSubnet, address: clientAddress },
    ),
  };
}

const routesByPair = /* @__PURE__ */ perTopology(() => new Map<string, PairRoutes>());

/** pairRoutes, memoised per topology (the egress and ACL rules ask for the same pairs). */
export function pairRoutesCached(
  topology: Topology,
  client: NetworkInterface,
  mt: MountTarget,
  family: AddressFamily,
): PairRoutes {
  const byKey = routesByPair(topology);
  const key = `${client.networkInterfaceId}|${mt.mountTargetId}|${family}`;
  let routes = byKey.get(key);
  if (!routes) {
    routes = pairRoutes(topology, client, mt, family);
    byKey.set(key, routes);
  }
  return routes;
}

/** Labels each route hop of the return direction so a reader tells them apart. */
export function returnHops(hops: readonly Hop[]): Hop[] {
  return hops.map((h) => ({ ...h, hop: `return ${h.hop}` }));
}
export function forwardHops(hops: readonly Hop[]): Hop[] {
  return hops.map((h) => ({ ...h, hop: `forward ${h.hop}` }));
}

/** The family the pair's NFS uses: the first shared family the client's egress allows, else the first shared. */
export function pairFamily(
  index: TopologyIndex,
  client: NetworkInterface,
  mt: MountTarget,
): AddressFamily | undefined {
  const families = sharedAddressFamilies(client, mt);
  for (const family of families) {
    const address = mountTargetAddressOf(mt, family);
    if (
      address &&
      matchGroupsTcp(index, client.groupIds, 'egress', NFS_PORT, {
        addresses: [address],
        groupIds: mt.securityGroupIds,
      }).allowed
    )
      return family;
  }
  return families[0];
}

/** What the routes between a client and a mount target decide, with a finding when they do not allow. */
export interface PairRouteCheck {
  readonly verdict: Verdict;
  /** For deny: `no route ...`; for unknown: `cannot check the route ...` (an unresolved finding). */
  readonly finding?: string;
}

const ALLOW: PairRouteCheck = Object.freeze({ verdict: 'allow' });

/**
 * The route verdict of a client/mount-target pair over the family its NFS uses (both directions), from
 * the same hops `explainClientPath` shows. The finding names the route table and the missing destination.
 */
export function pairRouteCheck(
  topology: Topology,
  client: NetworkInterface,
  mt: MountTarget,
): PairRouteCheck {
  // Within one VPC the local route carries NFS both ways (pairRoutes): nothing to trace or allocate.
  if (client.vpcId === mt.vpcId) return ALLOW;
  const family = pairFamily(indexTopology(topology), client, mt);
  if (!family) return ALLOW;
  const routes = pairRoutesCached(topology, client, mt, family);
  // The verdict and the blocking hop do not depend on the forward/return labels explain adds.
  const hops = [...routes.forward, ...routes.back];
  const verdict = pathVerdict(hops);
  if (verdict === true) return ALLOW;
  const at = blockingHop(hops) ?? 0;
  const blocked = hops[at];
  const where = `${client.networkInterfaceId}->${mt.mountTargetId}`;
  const direction = at >= routes.forward.length ? 'return route' : 'route';
  return verdict === false
    ? { verdict: 'deny', finding: `no ${direction} for ${where}: ${blocked?.detail}` }
    : { verdict: 'unknown', finding: `cannot check the ${direction} for ${where}: ${blocked?.detail}` };
}
