// efs-nfs-exposure: only allowed networks can open NFS to a file system's mount targets.
import { composeAnnotation, isUnresolvedFinding } from '../annotation';
import { fanOutExposure } from '../fan-out';
import {
  type FileSystem,
  type MountTarget,
  type PortRange,
  ROUTING_RESOURCE_TYPES,
  type Topology,
} from '../model';
import { canonicaliseCidr, cidrContainsAddress } from '../net/cidr';
import { listParam, parameter } from '../params';
import { describeRanges, networkIds, networksReaching, type ReachingNetwork } from '../routing/exposure';
import { indexTopology } from '../topology-index';
import { compliant, defineRule, nonCompliant, notApplicable, type Verdict } from './define';
import { CLIENT_PORT_RANGE } from './efs-nfs-network-acl';

export const RULE_ID = 'efs-nfs-exposure';

const ID_PREFIXES = ['vpc-', 'pcx-', 'tgw-attach-', 'vgw-'];

/** One allowedNetworks item: an id (vpc-, pcx-, tgw-attach-, vgw-) or a CIDR. */
export type AllowedNetwork =
  | { readonly kind: 'id'; readonly id: string }
  | { readonly kind: 'cidr'; readonly cidr: string };

function parseAllowedNetwork(item: string): AllowedNetwork {
  if (
    ID_PREFIXES.some((prefix) => item.startsWith(prefix)) &&
    /^(vpc|pcx|tgw-attach|vgw)-[0-9a-z]+$/.test(item)
  ) {
    return { kind: 'id', id: item };
  }
  if (item.includes('/')) return { kind: 'cidr', cidr: canonicaliseCidr(item) };
  throw new Error(`"${item}" is neither a vpc-, pcx-, tgw-attach- or vgw- id nor a CIDR`);
}

export interface ExposureParameters {
  readonly allowedNetworks: readonly AllowedNetwork[];
  readonly clientPortRange: PortRange;
}

const ADVICE =
  "Add the network to allowedNetworks if intended, else narrow the mount targets' inbound rules, ACL or routes.";

/** Is the network allowed: the file system's own VPC, a named id, or every reaching range inside an allowed CIDR? */
export function isAllowed(
  network: ReachingNetwork,
  ownVpcs: ReadonlySet<string>,
  allowed: readonly AllowedNetwork[],
): boolean {
  if (network.arrival.kind === 'ownVpc' && ownVpcs.has(network.arrival.vpcId)) return true;
  const ids = networkIds(network.arrival);
  if (allowed.some((item) => item.kind === 'id' && ids.includes(item.id))) return true;
  // The allowed CIDRs cut the atoms (exposure.ts), so an atom lies inside one iff its representative does.
  const cidrs = allowed.flatMap((item) => (item.kind === 'cidr' ? [item.cidr] : []));
  return (
    cidrs.length > 0 &&
    network.ranges.every((atom) => cidrs.some((cidr) => cidrContainsAddress(cidr, atom.representative)))
  );
}

export interface MountTargetExposure {
  readonly mountTarget: MountTarget;
  readonly networks: readonly ReachingNetwork[];
  readonly disallowed: readonly ReachingNetwork[];
}

/**
 * The networks reaching each mount target of the file system, and those not allowed; undefined without
 * routing. A mount target's own VPC is allowed whatever reaches it, so it is not computed (skipOwnVpc).
 */
export function exposureOf(
  topology: Topology,
  fileSystemId: string,
  params: ExposureParameters,
): MountTargetExposure[] | undefined {
  if (!topology.routing) return undefined;
  const mountTargets = [...(indexTopology(topology).mountTargetsByFileSystem.get(fileSystemId) ?? [])].sort(
    (a, b) => (a.mountTargetId < b.mountTargetId ? -1 : 1),
  );
  const ownVpcs = new Set(mountTargets.map((mt) => mt.vpcId));
  const cuts = params.allowedNetworks.flatMap((item) => (item.kind === 'cidr' ? [item.cidr] : []));
  return mountTargets.map((mountTarget) => {
    const networks =
      networksReaching(topology, mountTarget, {
        clientPorts: params.clientPortRange,
        cuts,
        skipOwnVpc: true,
      }) ?? [];
    return {
      mountTarget,
      networks,
      disallowed: networks.filter((n) => !isAllowed(n, ownVpcs, params.allowedNetworks)),
    };
  });
}

function describeNetwork(mtId: string, network: ReachingNetwork): string {
  const all = describeRanges(network);
  const ranges = all.slice(0, 2).join(', ') + (all.length > 2 ? ', …' : '');
  return network.reachable === true
    ? `${mtId} reachable from ${network.name} (${ranges})`
    : `${mtId} possibly reachable from ${network.name} (${ranges}): cannot check every hop`;
}

/** The verdict on one file system: every reaching network not allowed is a finding. */
function judgeExposure(topology: Topology, params: ExposureParameters, fs: FileSystem): Verdict {
  const exposure = exposureOf(topology, fs.fileSystemId, params);
  if (!exposure)
    return nonCompliant(
      'Cannot check which networks reach it: routing was not recorded in this snapshot. Take a new snapshot.',
      true,
    );
  if (exposure.length === 0) return notApplicable('The file system has no mount targets.');
  const findings = exposure.flatMap(({ mountTarget, disallowed }) =>
    disallowed.map((n) => describeNetwork(mountTarget.mountTargetId, n)),
  );
  return findings.length
    ? nonCompliant(composeAnnotation(findings, ADVICE), findings.some(isUnresolvedFinding))
    : compliant();
}

export const efsNfsExposure = defineRule({
  id: RULE_ID,
  title: 'Only allowed networks can open NFS to an EFS file system',
  description:
    'For each mount target, computes the source networks that can open TCP 2049 to it: admitted by its security ' +
    "groups, passed by its subnet's network ACL both ways and connected by routes both ways (peering, Transit " +
    "Gateway, VPN gateway). Each is named by how it arrives. Any network other than the file system's own VPCs and " +
    'allowedNetworks makes the file system NON_COMPLIANT; a network efsguard can only possibly see reaching it counts.',
  resourceTypes: ['AWS::EFS::FileSystem'],
  // Routing changes are fanned out in core (fanOutExposure) and expanded by the neighbourhood load.
  triggerResourceTypes: [
    'AWS::EFS::FileSystem',
    'AWS::EC2::SecurityGroup',
    'AWS::EC2::NetworkInterface',
    'AWS::EC2::NetworkAcl',
    ...ROUTING_RESOURCE_TYPES,
  ],
  triggers: ['configurationChange', 'periodic'],
  requires: ['network', 'routing'],
  // A snapshot recorded before routing: cross-VPC paths say 'routing was not recorded'.
  judgesWithout: ['routing'],
  severity: 'high',
  risk: 'Networks nobody meant to trust (a peered VPC, a Transit Gateway spoke, an on-premises range) can mount the file system.',
  remediation:
    "Narrow the mount targets' security groups to the intended sources, or deny the network in the mount targets' " +
    'subnet ACL, or remove the routes; add intended networks to allowedNetworks.',
  parameters: {
    allowedNetworks: parameter(listParam(parseAllowedNetwork), {
      description:
        "Comma list of networks allowed besides the file system's own VPCs: VPC ids, peering ids (pcx-), TGW attachment ids (tgw-attach-, the source side's), virtual private gateway ids (vgw-) or CIDRs (a CIDR allows a network only if its whole reaching range lies inside).",
    }),
    clientPortRange: CLIENT_PORT_RANGE,
  },
  fanOut: fanOutExposure,
  judge: ({ topology, params }) => ({
    'AWS::EFS::FileSystem': (fs) => judgeExposure(topology, params, fs),
  }),
});
