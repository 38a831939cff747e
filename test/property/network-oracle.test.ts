// Property tests: efs-client-nfs-egress, efs-nfs-network-acl and the exposure paths against a brute-force oracle.
// The oracle is written independently of core/net: it enumerates concrete packets (client address,
// mount-target address, TCP 2049 and every client port) and scans the raw rules linearly, with
// ipaddr.js for address containment. Topologies are small and drawn from a tiny address pool so that
// peers, subnets and ACL entries collide often.
import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import type {
  ComplianceType,
  MountTarget,
  NetworkAcl,
  NetworkAclEntry,
  NetworkInterface,
  Peer,
  Permission,
  PortRange,
  Protocol,
  SecurityGroup,
  Topology,
} from '../../core/model';
import { normaliseProtocol } from '../../core/net/protocol';
import { networksReaching } from '../../core/routing/exposure';
import { efsClientNfsEgress } from '../../core/rules/efs-client-nfs-egress';
import { efsNfsNetworkAcl } from '../../core/rules/efs-nfs-network-acl';
import { ACCOUNT, OTHER_ACCOUNT } from '../helpers/accounts';

const SUBNETS = [0, 1, 2];
const GROUPS = ['sg-0', 'sg-1', 'sg-2', 'sg-3'];
const v4 = (s: number, host: number) => `10.0.${s}.${host}`;
const v6 = (s: number, host: number) => `2600:1f18:0:${s}::${host}`;

/**
 * Which address families an interface or mount target has: an IPv6-only subnet gives interfaces no
 * IPv4 address, and EFS mount targets are IPV4_ONLY, DUAL_STACK or IPV6_ONLY.
 */
type Stack = 'v4' | 'dual' | 'v6';
const stackArb = fc.constantFrom<Stack>('v4', 'dual', 'v6');
const hasV4 = (stack: Stack) => stack !== 'v6';
const hasV6 = (stack: Stack) => stack !== 'v4';

const CIDR_POOL = [
  '0.0.0.0/0',
  '::/0',
  '10.0.0.0/16',
  '10.0.0.0/24',
  '10.0.1.0/24',
  '10.0.2.0/24',
  '10.0.1.10/32',
  '10.0.2.100/32',
  '10.0.0.0/23',
  '192.168.0.0/16',
  '2600:1f18::/56',
  '2600:1f18:0:1::/64',
  '2600:1f18:0:2::/64',
];
const PREFIX_LISTS = ['pl-a', 'pl-b', 'pl-missing'];

const portsArb: fc.Arbitrary<PortRange> = fc.oneof(
  fc.constant({ from: 2049, to: 2049 }),
  fc.constant({ from: 0, to: 65535 }),
  fc
    .integer({ min: 2040, max: 2055 })
    .chain((from) => fc.integer({ min: from, max: 2060 }).map((to) => ({ from, to }))),
  fc
    .integer({ min: 995, max: 1012 })
    .chain((from) => fc.integer({ min: from, max: 1015 }).map((to) => ({ from, to }))),
);

// Protocols as AWS may report them, normalised the way the adapters do.
const protocolArb: fc.Arbitrary<Protocol> = fc
  .constantFrom('tcp', 'tcp', 'tcp', '6', 'TCP', 'udp', '17', '-1', '-1', '47', 'icmp')
  .map((raw) => normaliseProtocol(raw));

const peerArb: fc.Arbitrary<Peer> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...CIDR_POOL).map((cidr): Peer => ({ kind: 'cidr', cidr })) },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(...PREFIX_LISTS)
      .map((prefixListId): Peer => ({ kind: 'prefixList', prefixListId })),
  },
  {
    weight: 6,
    arbitrary: fc
      .record({
        groupId: fc.constantFrom(...GROUPS, 'sg-missing'),
        // Cross-account references one time in four: they never admit clients.
        other: fc.integer({ min: 0, max: 3 }).map((n) => n === 0),
      })
      .map(
        ({ groupId, other }): Peer => ({ kind: 'group', groupId, userId: other ? OTHER_ACCOUNT : ACCOUNT }),
      ),
  },
);

const permissionArb: fc.Arbitrary<Permission> = fc
  .record({ protocol: protocolArb, ports: portsArb, peer: peerArb })
  .map(({ protocol, ports, peer }) => ({
    protocol,
    ports: protocol === 'tcp' || protocol === 'udp' ? ports : { from: 0, to: 65535 },
    peer,
  }));

const groupArb = (groupId: string): fc.Arbitrary<SecurityGroup> =>
  fc
    .record({
      ingress: fc.array(permissionArb, { minLength: 1, maxLength: 4 }),
      egress: fc.array(permissionArb, { maxLength: 4 }),
    })
    .map(({ ingress, egress }) => ({
      groupId,
      groupName: groupId,
      vpcId: 'vpc-1',
      ownerId: ACCOUNT,
      ingress,
      egress,
    }));

const groupIdsArb = fc.uniqueArray(fc.constantFrom(...GROUPS, ...GROUPS, 'sg-missing'), {
  minLength: 1,
  maxLength: 3,
});

// ACL port ranges cut often into the small client port range (998-1010), and sometimes around 2049.
const aclPortsArb: fc.Arbitrary<PortRange> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .integer({ min: 996, max: 1010 })
      .chain((from) => fc.integer({ min: from, max: 1012 }).map((to) => ({ from, to }))),
  },
  { weight: 2, arbitrary: portsArb },
);

const aclEntriesArb = (egress: boolean): fc.Arbitrary<NetworkAclEntry[]> =>
  fc
    .uniqueArray(
      fc.record({
        ruleNumber: fc.integer({ min: 1, max: 30 }),
        action: fc.constantFrom<'allow' | 'deny'>('allow', 'allow', 'deny'),
        protocol: fc.constantFrom<Protocol>('tcp', 'tcp', 'all', 'udp'),
        cidr: fc.constantFrom(...CIDR_POOL),
        ports: aclPortsArb,
      }),
      { selector: (entry) => entry.ruleNumber, maxLength: 4 },
    )
    .chain((entries) =>
      // Often end with catch-all allows (as most real ACLs do), so that many pairs pass.
      fc
        .constantFrom<string[]>([], ['0.0.0.0/0'], ['0.0.0.0/0', '::/0'], ['0.0.0.0/0', '::/0'])
        .map((catchAll) => [
          ...entries.map((entry) => ({
            ...entry,
            egress,
            ports:
              entry.protocol === 'tcp' || entry.protocol === 'udp' ? entry.ports : { from: 0, to: 65535 },
          })),
          ...catchAll.map((cidr, i) => ({
            ruleNumber: 100 + i,
            egress,
            action: 'allow' as const,
            protocol: 'all' as const,
            cidr,
            ports: { from: 0, to: 65535 },
          })),
        ]),
    );

interface Scenario {
  readonly topology: Topology;
  readonly clientPortRange: PortRange;
  readonly requireScopedEgress: boolean;
}

const scenarioArb: fc.Arbitrary<Scenario> = fc
  .record({
    groups: fc.tuple(...GROUPS.map(groupArb)),
    dropGroup: fc.option(fc.constantFrom(...GROUPS), { freq: 5 }),
    prefixLists: fc.tuple(
      fc.array(fc.constantFrom(...CIDR_POOL), { minLength: 1, maxLength: 3 }),
      fc.array(fc.constantFrom(...CIDR_POOL), { minLength: 1, maxLength: 3 }),
    ),
    clients: fc.array(
      fc.record({ subnet: fc.constantFrom(...SUBNETS), groups: groupIdsArb, stack: stackArb }),
      { minLength: 1, maxLength: 4 },
    ),
    mountTargets: fc.array(
      fc.record({
        fs: fc.constantFrom('fs-0', 'fs-1'),
        subnet: fc.constantFrom(...SUBNETS),
        groups: groupIdsArb,
        stack: stackArb,
      }),
      { minLength: 1, maxLength: 3 },
    ),
    acls: fc.tuple(
      ...SUBNETS.map(() =>
        fc.option(fc.record({ ingress: aclEntriesArb(false), egress: aclEntriesArb(true) }), { freq: 8 }),
      ),
    ),
    clientPortRange: fc
      .integer({ min: 998, max: 1006 })
      .chain((from) => fc.integer({ min: from, max: from + 4 }).map((to) => ({ from, to }))),
    requireScopedEgress: fc.boolean(),
  })
  .map((raw): Scenario => {
    const securityGroups = raw.groups.filter((group) => group.groupId !== raw.dropGroup);
    const networkInterfaces: NetworkInterface[] = raw.clients.map((client, i) => ({
      networkInterfaceId: `eni-${i}`,
      subnetId: `subnet-${client.subnet}`,
      vpcId: 'vpc-1',
      ownerId: ACCOUNT,
      availabilityZone: 'eu-west-1a',
      interfaceType: 'interface',
      requesterManaged: false,
      description: '',
      ...(hasV4(client.stack) ? { primaryPrivateIp: v4(client.subnet, 10 + i) } : {}),
      privateIpAddresses: hasV4(client.stack) ? [v4(client.subnet, 10 + i)] : [],
      ipv6Addresses: hasV6(client.stack) ? [v6(client.subnet, 10 + i)] : [],
      groupIds: client.groups,
    }));
    const mountTargets: MountTarget[] = raw.mountTargets.map((mt, i) => ({
      mountTargetId: `fsmt-${i}`,
      fileSystemId: mt.fs,
      ownerId: ACCOUNT,
      subnetId: `subnet-${mt.subnet}`,
      vpcId: 'vpc-1',
      availabilityZone: 'eu-west-1a',
      ...(hasV4(mt.stack) ? { ipAddress: v4(mt.subnet, 100 + i) } : {}),
      ...(hasV6(mt.stack) ? { ipv6Address: v6(mt.subnet, 100 + i) } : {}),
      networkInterfaceId: `eni-mt-${i}`,
      securityGroupIds: mt.groups,
      lifeCycleState: 'available',
    }));
    for (const mt of mountTargets) {
      networkInterfaces.push({
        networkInterfaceId: mt.networkInterfaceId,
        subnetId: mt.subnetId,
        vpcId: 'vpc-1',
        ownerId: ACCOUNT,
        availabilityZone: 'eu-west-1a',
        interfaceType: 'efs',
        requesterManaged: true,
        description: `EFS mount target for ${mt.fileSystemId} (${mt.mountTargetId})`,
        ...(mt.ipAddress ? { primaryPrivateIp: mt.ipAddress } : {}),
        privateIpAddresses: mt.ipAddress ? [mt.ipAddress] : [],
        ipv6Addresses: mt.ipv6Address ? [mt.ipv6Address] : [],
        groupIds: mt.securityGroupIds,
      });
    }
    const networkAcls: NetworkAcl[] = [];
    raw.acls.forEach((acl, s) => {
      if (acl) {
        networkAcls.push({
          networkAclId: `acl-${s}`,
          vpcId: 'vpc-1',
          ownerId: ACCOUNT,
          isDefault: false,
          entries: [...acl.ingress, ...acl.egress],
          subnetIds: [`subnet-${s}`],
        });
      }
    });
    const topology: Topology = {
      accountId: ACCOUNT,
      region: 'eu-west-1',
      parts: ['network'],
      vpcs: [{ vpcId: 'vpc-1', ownerId: ACCOUNT, cidrBlocks: ['10.0.0.0/16', '2600:1f18::/56'] }],
      subnets: SUBNETS.map((s) => ({
        subnetId: `subnet-${s}`,
        vpcId: 'vpc-1',
        availabilityZone: 'eu-west-1a',
        cidrBlocks: [`10.0.${s}.0/24`, `2600:1f18:0:${s}::/64`],
      })),
      securityGroups,
      prefixLists: [
        { prefixListId: 'pl-a', name: 'a', entries: raw.prefixLists[0] },
        { prefixListId: 'pl-b', name: 'b', entries: raw.prefixLists[1] },
      ],
      networkInterfaces,
      networkAcls,
      fileSystems: [
        { fileSystemId: 'fs-0', fileSystemArn: 'arn:fs-0', ownerId: ACCOUNT, policy: null },
        { fileSystemId: 'fs-1', fileSystemArn: 'arn:fs-1', ownerId: ACCOUNT, policy: null },
      ],
      mountTargets,
      accessPoints: [],
    };
    return { topology, clientPortRange: raw.clientPortRange, requireScopedEgress: raw.requireScopedEgress };
  });

// ---- The oracle: concrete packets against raw rules, linear scans only. ----

function inCidr(address: string, cidr: string): boolean {
  const ip = ipaddr.parse(address);
  const [network, bits] = ipaddr.parseCIDR(cidr);
  return ip.kind() === network.kind() && ip.match(network, bits);
}

function isFamily(cidr: string, address: string): boolean {
  return ipaddr.parseCIDR(cidr)[0].kind() === ipaddr.parse(address).kind();
}

function tcpPacketMatches(rule: { protocol: Protocol; ports: PortRange }, port: number): boolean {
  return (
    rule.protocol === 'all' || (rule.protocol === 'tcp' && rule.ports.from <= port && port <= rule.ports.to)
  );
}

function findGroup(t: Topology, groupId: string): SecurityGroup | undefined {
  return t.securityGroups.find((g) => g.groupId === groupId);
}

function isMountTargetEni(t: Topology, eni: NetworkInterface): boolean {
  return (
    eni.interfaceType === 'efs' ||
    t.mountTargets.some((mt) => mt.networkInterfaceId === eni.networkInterfaceId)
  );
}

function oracleAdmits(t: Topology, mt: MountTarget, client: NetworkInterface): boolean {
  for (const groupId of mt.securityGroupIds) {
    const group = findGroup(t, groupId);
    if (!group) continue;
    for (const rule of group.ingress) {
      if (
        rule.peer.kind === 'group' &&
        rule.peer.userId === group.ownerId &&
        tcpPacketMatches(rule, 2049) &&
        client.groupIds.includes(rule.peer.groupId)
      ) {
        return true;
      }
    }
  }
  return false;
}

/** Would one TCP packet from the client to `address`:2049 leave through the client's groups? */
function oracleEgressAllows(
  t: Topology,
  client: NetworkInterface,
  mt: MountTarget,
  address: string,
): boolean {
  for (const groupId of client.groupIds) {
    const group = findGroup(t, groupId);
    if (!group) continue;
    for (const rule of group.egress) {
      if (!tcpPacketMatches(rule, 2049)) continue;
      const peer = rule.peer;
      if (peer.kind === 'cidr' && inCidr(address, peer.cidr)) return true;
      if (peer.kind === 'prefixList') {
        const list = t.prefixLists.find((p) => p.prefixListId === peer.prefixListId);
        if (list?.entries.some((entry) => inCidr(address, entry))) return true;
      }
      if (peer.kind === 'group' && mt.securityGroupIds.includes(peer.groupId)) return true;
    }
  }
  return false;
}

/**
 * The (client address, mount-target address) packets the client can send, preferred first: a packet
 * needs a source and a destination of one family, so only families both ends have an address of
 * count, IPv4 before IPv6.
 */
function oraclePackets(mt: MountTarget, client: NetworkInterface): { from: string; to: string }[] {
  const packets: { from: string; to: string }[] = [];
  const clientV4 = client.privateIpAddresses[0];
  const clientV6 = client.ipv6Addresses[0];
  if (clientV4 && mt.ipAddress) packets.push({ from: clientV4, to: mt.ipAddress });
  if (clientV6 && mt.ipv6Address) packets.push({ from: clientV6, to: mt.ipv6Address });
  return packets;
}

function oracleEgressVerdict(
  t: Topology,
  eni: NetworkInterface,
  requireScopedEgress: boolean,
): ComplianceType {
  if (isMountTargetEni(t, eni)) return 'NOT_APPLICABLE';
  const admitting = t.mountTargets.filter((mt) => oracleAdmits(t, mt, eni));
  if (admitting.length === 0) return 'NOT_APPLICABLE';
  for (const fsId of new Set(admitting.map((mt) => mt.fileSystemId))) {
    const reached = admitting
      .filter((mt) => mt.fileSystemId === fsId)
      .some((mt) => oraclePackets(mt, eni).some((packet) => oracleEgressAllows(t, eni, mt, packet.to)));
    if (!reached) return 'NON_COMPLIANT';
  }
  if (requireScopedEgress) {
    if (eni.groupIds.some((id) => !findGroup(t, id))) return 'NON_COMPLIANT';
    for (const groupId of eni.groupIds) {
      for (const rule of findGroup(t, groupId)?.egress ?? []) {
        if (!tcpPacketMatches(rule, 2049)) continue;
        const peer = rule.peer;
        const list =
          peer.kind === 'prefixList'
            ? t.prefixLists.find((p) => p.prefixListId === peer.prefixListId)
            : undefined;
        // A prefix list that cannot be read may hold a world-open entry: never COMPLIANT.
        if (peer.kind === 'prefixList' && !list) return 'NON_COMPLIANT';
        const blocks = peer.kind === 'cidr' ? [peer.cidr] : (list?.entries ?? []);
        if (blocks.some((block) => ipaddr.parseCIDR(block)[1] === 0)) return 'NON_COMPLIANT';
      }
    }
  }
  return 'COMPLIANT';
}

/** First match over one ACL for one packet; the final '*' denies. */
function oracleAclAllows(acl: NetworkAcl, egress: boolean, peerAddress: string, port: number): boolean {
  const entries = acl.entries
    .filter((entry) => entry.egress === egress && isFamily(entry.cidr, peerAddress))
    .sort((a, b) => a.ruleNumber - b.ruleNumber);
  for (const entry of entries) {
    if (inCidr(peerAddress, entry.cidr) && tcpPacketMatches(entry, port)) return entry.action === 'allow';
  }
  return false;
}

function oracleAclVerdicts(
  t: Topology,
  clientPorts: PortRange,
  stats = { ipv6Pairs: 0 },
): Map<string, ComplianceType> {
  const aclOf = (subnetId: string) => t.networkAcls.find((acl) => acl.subnetIds.includes(subnetId));
  const onPath = new Set<string>();
  const blocked = new Set<string>();
  const judge = (acl: NetworkAcl | undefined, egress: boolean, address: string, ports: number[]) => {
    if (!acl) return;
    onPath.add(acl.networkAclId);
    if (ports.some((port) => !oracleAclAllows(acl, egress, address, port))) blocked.add(acl.networkAclId);
  };
  const replyPorts: number[] = [];
  for (let port = clientPorts.from; port <= clientPorts.to; port++) replyPorts.push(port);
  for (const client of t.networkInterfaces) {
    if (isMountTargetEni(t, client)) continue;
    for (const mt of t.mountTargets) {
      if (!oracleAdmits(t, mt, client) || client.subnetId === mt.subnetId) continue;
      // The first packet the client's egress lets out carries the NFS traffic; none means no pair.
      const packet = oraclePackets(mt, client).find((p) => oracleEgressAllows(t, client, mt, p.to));
      if (!packet) continue;
      const clientAddress = packet.from;
      const mtAddress = packet.to;
      if (mtAddress.includes(':') && (aclOf(client.subnetId) || aclOf(mt.subnetId))) stats.ipv6Pairs++;
      const clientAcl = aclOf(client.subnetId);
      const mtAcl = aclOf(mt.subnetId);
      judge(clientAcl, true, mtAddress, [2049]);
      judge(mtAcl, false, clientAddress, [2049]);
      judge(mtAcl, true, clientAddress, replyPorts);
      judge(clientAcl, false, mtAddress, replyPorts);
    }
  }
  return new Map(
    t.networkAcls.map((acl) => [
      acl.networkAclId,
      blocked.has(acl.networkAclId)
        ? 'NON_COMPLIANT'
        : onPath.has(acl.networkAclId)
          ? 'COMPLIANT'
          : 'NOT_APPLICABLE',
    ]),
  );
}

// ---- Properties ----

const RUNS = 3000;

describe('network rules agree with a packet-level oracle', () => {
  it(`efs-client-nfs-egress (${RUNS} topologies)`, () => {
    const seen: Record<ComplianceType, number> = { COMPLIANT: 0, NON_COMPLIANT: 0, NOT_APPLICABLE: 0 };
    const ipv6OnlySeen: Record<ComplianceType, number> = {
      COMPLIANT: 0,
      NON_COMPLIANT: 0,
      NOT_APPLICABLE: 0,
    };
    let noCommonFamily = 0;
    fc.assert(
      fc.property(scenarioArb, ({ topology, requireScopedEgress }) => {
        const evaluations = efsClientNfsEgress.evaluate(topology, { kind: 'all' }, { requireScopedEgress });
        expect(evaluations).toHaveLength(topology.networkInterfaces.length);
        for (const evaluation of evaluations) {
          const eni = topology.networkInterfaces.find((e) => e.networkInterfaceId === evaluation.resourceId);
          if (!eni) throw new Error(`evaluated an unknown interface ${evaluation.resourceId}`);
          expect({ id: eni.networkInterfaceId, verdict: evaluation.complianceType }).toEqual({
            id: eni.networkInterfaceId,
            verdict: oracleEgressVerdict(topology, eni, requireScopedEgress),
          });
          seen[evaluation.complianceType]++;
          if (eni.privateIpAddresses.length === 0 && !isMountTargetEni(topology, eni)) {
            ipv6OnlySeen[evaluation.complianceType]++;
            const admitting = topology.mountTargets.filter((mt) => oracleAdmits(topology, mt, eni));
            if (admitting.some((mt) => oraclePackets(mt, eni).length === 0)) noCommonFamily++;
          }
        }
      }),
      { numRuns: RUNS, seed: 20240611 },
    );
    // The generator must exercise every verdict, or agreement would prove little.
    expect(seen.COMPLIANT).toBeGreaterThan(500);
    expect(seen.NON_COMPLIANT).toBeGreaterThan(500);
    expect(seen.NOT_APPLICABLE).toBeGreaterThan(500);
    // IPv6-only clients, reachable or not, and clients admitted by mount targets they share no family with.
    expect(ipv6OnlySeen.COMPLIANT).toBeGreaterThan(100);
    expect(ipv6OnlySeen.NON_COMPLIANT).toBeGreaterThan(100);
    expect(noCommonFamily).toBeGreaterThan(100);
  });

  it(`efs-nfs-network-acl (${RUNS} topologies)`, () => {
    const seen: Record<ComplianceType, number> = { COMPLIANT: 0, NON_COMPLIANT: 0, NOT_APPLICABLE: 0 };
    const stats = { ipv6Pairs: 0 };
    fc.assert(
      fc.property(scenarioArb, ({ topology, clientPortRange }) => {
        const evaluations = efsNfsNetworkAcl.evaluate(
          topology,
          { kind: 'all' },
          {
            clientPortRange: `${clientPortRange.from}-${clientPortRange.to}`,
          },
        );
        const expected = oracleAclVerdicts(topology, clientPortRange, stats);
        expect(new Map(evaluations.map((e) => [e.resourceId, e.complianceType]))).toEqual(expected);
        for (const evaluation of evaluations) seen[evaluation.complianceType]++;
      }),
      { numRuns: RUNS, seed: 20240612 },
    );
    expect(seen.COMPLIANT).toBeGreaterThan(200);
    expect(seen.NON_COMPLIANT).toBeGreaterThan(200);
    expect(seen.NOT_APPLICABLE).toBeGreaterThan(200);
    // Pairs whose NFS travels over IPv6, judged against at least one ACL.
    expect(stats.ipv6Pairs).toBeGreaterThan(200);
  });
});

// ---- Routes: random multi-VPC worlds (peerings, a Transit Gateway, route tables) ----
// The oracle walks the raw route lists itself: the longest matching destination by scanning, an active
// peering that joins exactly the two VPCs, the TGW route table associated with the source's attachment.

const VPC_CIDRS = ['10.0.0.0/16', '10.1.0.0/16', '10.2.0.0/16'];
const ROUTE_DESTINATIONS = [...VPC_CIDRS, '10.0.0.0/8', '0.0.0.0/0', '10.1.2.0/24'];
const ROUTE_TARGETS = ['pcx-01', 'pcx-02', 'pcx-12', 'tgw-1', 'tgw-1', 'tgw-1', 'igw-1', 'blackhole'];

interface RouteWorld {
  readonly topology: Topology;
}

const routeWorldArb: fc.Arbitrary<RouteWorld> = fc
  .record({
    peerings: fc.tuple(
      fc.constantFrom('active', 'active', 'pending-acceptance', 'absent'),
      fc.constantFrom('active', 'active', 'deleted', 'absent'),
      fc.constantFrom('active', 'active', 'absent'),
    ),
    attached: fc.tuple(fc.boolean(), fc.boolean(), fc.boolean()),
    tgwTableRecorded: fc.integer({ min: 0, max: 5 }).map((n) => n > 0),
    // Mostly the right attachment for each VPC's CIDR, sometimes a wrong one, a blackhole or no route.
    tgwRoutes: fc.tuple(
      ...VPC_CIDRS.map((cidr, i) =>
        fc
          .constantFrom(
            `tgw-attach-${i}`,
            `tgw-attach-${i}`,
            `tgw-attach-${i}`,
            `tgw-attach-${(i + 1) % 3}`,
            'blackhole',
            'absent',
          )
          .map((target) => [cidr, target] as const),
      ),
    ),
    // Each table routes each other VPC's CIDR mostly over its peering or the TGW, plus random overlapping routes.
    routes: fc.tuple(
      ...VPC_CIDRS.map((_, i) =>
        fc
          .tuple(
            fc.tuple(
              ...VPC_CIDRS.map((cidr, j) =>
                fc
                  .constantFrom(
                    `pcx-${Math.min(i, j)}${Math.max(i, j)}`,
                    'tgw-1',
                    'tgw-1',
                    'igw-1',
                    'blackhole',
                    'absent',
                  )
                  .map((target) => [cidr, target] as const),
              ),
            ),
            fc.dictionary(fc.constantFrom(...ROUTE_DESTINATIONS.slice(3)), fc.constantFrom(...ROUTE_TARGETS)),
          )
          .map(([perVpc, extra]) => ({
            ...Object.fromEntries(perVpc.filter(([, target]) => target !== 'absent')),
            ...extra,
          })),
      ),
    ),
    clients: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 3 }),
    mountTargets: fc.uniqueArray(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 2 }),
  })
  .map((raw): RouteWorld => {
    const vpcIds = VPC_CIDRS.map((_, i) => `vpc-${i}`);
    const subnets = VPC_CIDRS.map((_, i) => ({
      subnetId: `subnet-${i}`,
      vpcId: `vpc-${i}`,
      availabilityZone: 'eu-west-1a',
      cidrBlocks: [`10.${i}.1.0/24`],
    }));
    const peeringPairs: [number, number, string][] = [
      [0, 1, 'pcx-01'],
      [0, 2, 'pcx-02'],
      [1, 2, 'pcx-12'],
    ];
    const side = (i: number) => ({
      vpcId: `vpc-${i}`,
      ownerId: ACCOUNT,
      region: 'eu-west-1',
      cidrBlocks: [VPC_CIDRS[i] ?? ''],
    });
    const peeringConnections = peeringPairs.flatMap(([a, b, id], n) =>
      raw.peerings[n] === 'absent'
        ? []
        : [
            {
              peeringConnectionId: id,
              status: raw.peerings[n] ?? 'active',
              requester: side(a),
              accepter: side(b),
            },
          ],
    );
    const transitGatewayAttachments = vpcIds.flatMap((vpcId, i) =>
      raw.attached[i]
        ? [
            {
              attachmentId: `tgw-attach-${i}`,
              transitGatewayId: 'tgw-1',
              transitGatewayOwnerId: ACCOUNT,
              resourceType: 'vpc',
              resourceId: vpcId,
              resourceOwnerId: ACCOUNT,
              state: 'available',
              associatedRouteTableId: 'tgw-rtb-1',
              subnetIds: [`subnet-${i}`],
            },
          ]
        : [],
    );
    const transitGatewayRouteTables = raw.tgwTableRecorded
      ? [
          {
            routeTableId: 'tgw-rtb-1',
            transitGatewayId: 'tgw-1',
            ownerId: ACCOUNT,
            routes: raw.tgwRoutes
              .filter(([, target]) => target !== 'absent')
              .map(([cidr, target]) => ({
                destination: { kind: 'cidr' as const, cidr },
                attachmentIds: target === 'blackhole' ? [] : [target],
                type: 'static' as const,
                state: target === 'blackhole' ? ('blackhole' as const) : ('active' as const),
              })),
            associatedAttachmentIds: transitGatewayAttachments.map((a) => a.attachmentId),
            propagatingAttachmentIds: [],
          },
        ]
      : [];
    const routeTables = VPC_CIDRS.map((cidr, i) => ({
      routeTableId: `rtb-${i}`,
      vpcId: `vpc-${i}`,
      ownerId: ACCOUNT,
      main: true,
      subnetIds: [],
      propagatingVgwIds: [],
      routes: [
        {
          destination: { kind: 'cidr' as const, cidr },
          target: { kind: 'local' as const },
          state: 'active' as const,
          origin: 'CreateRouteTable',
        },
        ...Object.entries(raw.routes[i] ?? {})
          .filter(([destination]) => destination !== cidr)
          .map(([destination, target]) => ({
            destination: { kind: 'cidr' as const, cidr: destination },
            target:
              target === 'blackhole'
                ? { kind: 'peering' as const, id: 'pcx-gone' }
                : target.startsWith('pcx-')
                  ? { kind: 'peering' as const, id: target }
                  : target.startsWith('tgw-')
                    ? { kind: 'transitGateway' as const, id: target }
                    : { kind: 'internetGateway' as const, id: target },
            state: target === 'blackhole' ? ('blackhole' as const) : ('active' as const),
            origin: 'CreateRoute',
          })),
      ],
    }));
    const clientGroup: SecurityGroup = {
      groupId: 'sg-client',
      groupName: 'client',
      vpcId: 'vpc-0',
      ownerId: ACCOUNT,
      ingress: [],
      egress: [{ protocol: 'all', ports: { from: 0, to: 65535 }, peer: { kind: 'cidr', cidr: '0.0.0.0/0' } }],
    };
    const mtGroup: SecurityGroup = {
      groupId: 'sg-mt',
      groupName: 'mt',
      vpcId: 'vpc-0',
      ownerId: ACCOUNT,
      ingress: [
        {
          protocol: 'tcp',
          ports: { from: 2049, to: 2049 },
          peer: { kind: 'group', groupId: 'sg-client', userId: ACCOUNT },
        },
      ],
      egress: [],
    };
    const eni = (id: string, v: number, host: number, groups: string[], type: string): NetworkInterface => ({
      networkInterfaceId: id,
      subnetId: `subnet-${v}`,
      vpcId: `vpc-${v}`,
      ownerId: ACCOUNT,
      availabilityZone: 'eu-west-1a',
      interfaceType: type,
      requesterManaged: type === 'efs',
      description: '',
      primaryPrivateIp: `10.${v}.1.${host}`,
      privateIpAddresses: [`10.${v}.1.${host}`],
      ipv6Addresses: [],
      groupIds: groups,
    });
    const networkInterfaces = raw.clients.map((v, i) =>
      eni(`eni-${i}`, v, 10 + i, ['sg-client'], 'interface'),
    );
    const mountTargets: MountTarget[] = raw.mountTargets.map((v, i) => ({
      mountTargetId: `fsmt-${i}`,
      fileSystemId: 'fs-0',
      ownerId: ACCOUNT,
      subnetId: `subnet-${v}`,
      vpcId: `vpc-${v}`,
      availabilityZone: 'eu-west-1a',
      ipAddress: `10.${v}.1.${100 + i}`,
      networkInterfaceId: `eni-mt-${i}`,
      securityGroupIds: ['sg-mt'],
      lifeCycleState: 'available',
    }));
    for (const [i, v] of raw.mountTargets.entries())
      networkInterfaces.push(eni(`eni-mt-${i}`, v, 100 + i, ['sg-mt'], 'efs'));
    const allowAll: NetworkAclEntry[] = [
      {
        ruleNumber: 100,
        egress: false,
        action: 'allow',
        protocol: 'all',
        cidr: '0.0.0.0/0',
        ports: { from: 0, to: 65535 },
      },
      {
        ruleNumber: 100,
        egress: true,
        action: 'allow',
        protocol: 'all',
        cidr: '0.0.0.0/0',
        ports: { from: 0, to: 65535 },
      },
    ];
    return {
      topology: {
        accountId: ACCOUNT,
        region: 'eu-west-1',
        parts: ['network', 'routing'],
        vpcs: VPC_CIDRS.map((cidr, i) => ({ vpcId: `vpc-${i}`, ownerId: ACCOUNT, cidrBlocks: [cidr] })),
        subnets,
        securityGroups: [clientGroup, mtGroup],
        prefixLists: [],
        networkInterfaces,
        networkAcls: subnets.map((s, i) => ({
          networkAclId: `acl-${i}`,
          vpcId: s.vpcId,
          ownerId: ACCOUNT,
          isDefault: true,
          entries: allowAll,
          subnetIds: [s.subnetId],
        })),
        fileSystems: [{ fileSystemId: 'fs-0', fileSystemArn: 'arn:fs-0', ownerId: ACCOUNT, policy: null }],
        mountTargets,
        accessPoints: [],
        routing: {
          routeTables,
          peeringConnections,
          transitGatewayAttachments,
          transitGatewayRouteTables,
          vpnGateways: [],
        },
      },
    };
  });

type Walk = 'yes' | 'no' | 'unseen';

/** The longest destination holding `address` among [cidr, value] entries, by a linear scan. */
function oracleLongest<T>(entries: readonly (readonly [string, T])[], address: string): T | undefined {
  let best: { bits: number; value: T } | undefined;
  for (const [cidr, value] of entries) {
    const bits = ipaddr.parseCIDR(cidr)[1];
    if (inCidr(address, cidr) && (!best || bits > best.bits)) best = { bits, value };
  }
  return best?.value;
}

/** Does a packet from a host in `from` to `address` (a host of `to`) get delivered? */
function oracleRoute(t: Topology, from: string, to: string, address: string): Walk {
  const routing = t.routing;
  if (!routing) return 'unseen';
  const table = routing.routeTables.find((r) => r.vpcId === from && r.main);
  if (!table) return 'unseen';
  const route = oracleLongest(
    table.routes.map((r) => [r.destination.kind === 'cidr' ? r.destination.cidr : '', r] as const),
    address,
  );
  if (!route || route.state === 'blackhole') return 'no';
  const target = route.target;
  if (target.kind === 'local') return from === to ? 'yes' : 'no';
  if (target.kind === 'peering') {
    const p = routing.peeringConnections.find((c) => c.peeringConnectionId === target.id);
    if (!p) return 'unseen';
    const joins =
      (p.requester.vpcId === from && p.accepter.vpcId === to) ||
      (p.accepter.vpcId === from && p.requester.vpcId === to);
    return p.status === 'active' && joins ? 'yes' : 'no';
  }
  if (target.kind === 'transitGateway') {
    const mine = routing.transitGatewayAttachments.find((a) => a.resourceId === from);
    if (!mine) return 'unseen';
    const tgwTable = routing.transitGatewayRouteTables.find(
      (r) => r.routeTableId === mine.associatedRouteTableId,
    );
    if (!tgwTable) return 'unseen';
    const tgwRoute = oracleLongest(
      tgwTable.routes.map((r) => [r.destination.kind === 'cidr' ? r.destination.cidr : '', r] as const),
      address,
    );
    if (!tgwRoute || tgwRoute.state === 'blackhole') return 'no';
    const next = routing.transitGatewayAttachments.find((a) => a.attachmentId === tgwRoute.attachmentIds[0]);
    if (!next) return 'unseen';
    return next.resourceId === to ? 'yes' : 'no';
  }
  return 'no';
}

function oracleRoutedEgress(t: Topology, client: NetworkInterface): ComplianceType {
  const address = client.primaryPrivateIp ?? '';
  const reached = t.mountTargets.some((mt) => {
    if (mt.vpcId === client.vpcId) return true;
    return (
      oracleRoute(t, client.vpcId, mt.vpcId, mt.ipAddress ?? '') === 'yes' &&
      oracleRoute(t, mt.vpcId, client.vpcId, address) === 'yes'
    );
  });
  return reached ? 'COMPLIANT' : 'NON_COMPLIANT';
}

describe('routes agree with a packet-level oracle on random multi-VPC worlds', () => {
  const ROUTE_RUNS = 600;
  it(`efs-client-nfs-egress (${ROUTE_RUNS} worlds)`, () => {
    const seen: Record<string, number> = { COMPLIANT: 0, NON_COMPLIANT: 0, crossVpcCompliant: 0 };
    fc.assert(
      fc.property(routeWorldArb, ({ topology }) => {
        const evaluations = efsClientNfsEgress.evaluate(topology, { kind: 'all' }, {});
        for (const client of topology.networkInterfaces.filter((e) => e.interfaceType !== 'efs')) {
          const evaluation = evaluations.find((e) => e.resourceId === client.networkInterfaceId);
          const expected = oracleRoutedEgress(topology, client);
          expect({ id: client.networkInterfaceId, verdict: evaluation?.complianceType }).toEqual({
            id: client.networkInterfaceId,
            verdict: expected,
          });
          seen[expected] = (seen[expected] ?? 0) + 1;
          const crossVpc = topology.mountTargets.some(
            (mt) =>
              mt.vpcId !== client.vpcId &&
              oracleRoute(topology, client.vpcId, mt.vpcId, mt.ipAddress ?? '') === 'yes' &&
              oracleRoute(topology, mt.vpcId, client.vpcId, client.primaryPrivateIp ?? '') === 'yes',
          );
          if (crossVpc) {
            seen.crossVpcCompliant = (seen.crossVpcCompliant ?? 0) + 1;
          }
        }
      }),
      { numRuns: ROUTE_RUNS, seed: 20261130 },
    );
    // Every outcome, and clients that reach only over a peering or the TGW, must occur often.
    expect(seen.COMPLIANT).toBeGreaterThan(150);
    expect(seen.NON_COMPLIANT).toBeGreaterThan(150);
    expect(seen.crossVpcCompliant).toBeGreaterThan(25);
  });
});

/**
 * What the oracle says of NFS from a client address to a mount target: both ways 'yes' reaches, a 'no'
 * either way blocks, anything else can only possibly reach. In these worlds every ACL allows all and
 * the mount targets' group admits sg-client, so the routes alone decide.
 */
function oracleExposure(t: Topology, client: NetworkInterface, mt: MountTarget): boolean | 'unknown' {
  if (mt.vpcId === client.vpcId) return true;
  const walks = [
    oracleRoute(t, client.vpcId, mt.vpcId, mt.ipAddress ?? ''),
    oracleRoute(t, mt.vpcId, client.vpcId, client.primaryPrivateIp ?? ''),
  ];
  if (walks.includes('no')) return false;
  return walks.every((walk) => walk === 'yes') ? true : 'unknown';
}

describe('exposure paths agree with the packet-level oracle on random multi-VPC worlds', () => {
  const EXPOSURE_RUNS = 600;
  it(`networksReaching, with and without the own VPC (${EXPOSURE_RUNS} worlds)`, () => {
    const seen: Record<string, number> = { true: 0, false: 0, unknown: 0, crossVpc: 0 };
    fc.assert(
      fc.property(routeWorldArb, ({ topology }) => {
        for (const mt of topology.mountTargets) {
          for (const skipOwnVpc of [false, true]) {
            const networks =
              networksReaching(topology, mt, { clientPorts: { from: 1024, to: 65535 }, skipOwnVpc }) ?? [];
            for (const client of topology.networkInterfaces.filter((e) => e.interfaceType !== 'efs')) {
              const address = client.primaryPrivateIp ?? '';
              // The path of the atom holding the client's address, if any network lists it.
              const reached = networks.flatMap((network) =>
                network.ranges.flatMap((atom, i) =>
                  inCidr(address, atom.cidr) && !atom.holes.some((hole) => inCidr(address, hole))
                    ? [network.paths[i]?.reachable]
                    : [],
                ),
              );
              const expected =
                skipOwnVpc && client.vpcId === mt.vpcId ? false : oracleExposure(topology, client, mt);
              expect({
                client: client.networkInterfaceId,
                mt: mt.mountTargetId,
                skipOwnVpc,
                reached,
              }).toEqual({
                client: client.networkInterfaceId,
                mt: mt.mountTargetId,
                skipOwnVpc,
                reached: expected === false ? [] : [expected],
              });
              if (!skipOwnVpc) {
                seen[String(expected)] = (seen[String(expected)] ?? 0) + 1;
                if (expected === true && client.vpcId !== mt.vpcId) seen.crossVpc = (seen.crossVpc ?? 0) + 1;
              }
            }
          }
        }
      }),
      { numRuns: EXPOSURE_RUNS, seed: 20261201 },
    );
    // Clients that reach across VPCs, that are blocked, and that can only possibly reach must all occur.
    expect(seen.crossVpc).toBeGreaterThan(25);
    expect(seen.false).toBeGreaterThan(150);
    expect(seen.unknown).toBeGreaterThan(25);
  });
});
