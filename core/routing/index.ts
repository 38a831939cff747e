// Route-aware reachability (docs/routing.md): longest prefix match, one-way route traces over route
// tables, peerings, Transit Gateways and VPN gateways, the hop-by-hop NFS path, and the networks that
// can reach a mount target.
export { type LpmResult, longestPrefixMatch } from './lpm';
export {
  explainClientPath,
  explainSourcePath,
  type NfsPath,
  type PairRouteCheck,
  type PairRoutes,
  type PathOptions,
  pairRouteCheck,
  pairRoutes,
  pairRoutesCached,
  sourceArrival,
} from './nfs-path';
export { type Atom, atomsOf, describeAtom } from './ranges';
export {
  type Arrival,
  arrivalOf,
  blockingHop,
  describeArrival,
  type Hop,
  indexRouting,
  pathVerdict,
  type RouteEnd,
  type RouteStart,
  type RoutingIndex,
  routeTableOf,
  traceRoute,
  type Verdict,
} from './trace';
