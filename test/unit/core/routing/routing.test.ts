// The routing module: longest prefix match, route-table choice, blackholes, prefix-list destinations,
// peering (active only, not transitive), Transit Gateway association/propagation/AZs, VPN gateways,
// and 'unknown' wherever efsguard cannot see a part of the path.
import type { MountTarget, NetworkInterface, Topology } from '../../../../core/model';
import { parseCidr } from '../../../../core/net/cidr';
import { networksReaching } from '../../../../core/routing/exposure';
import { longestPrefixMatch } from '../../../../core/routing/lpm';
import { explainClientPath, explainSourcePath, groupsAtAddress } from '../../../../core/routing/nfs-path';
import { atomsOf, describeAtom } from '../../../../core/routing/ranges';
import { indexRouting } from '../../../../core/routing/routing-index';
import { arrivalOf, exclusiveSubnetHolding } from '../../../../core/routing/trace';
import { peered, transit, twoVpcs } from '../../../fixtures/routing-scenarios';
import {
  allowAllEntries,
  cidr,
  route,
  sgRef,
  standardNfs,
  tcp,
  tgwRoute,
  topology,
} from '../../../fixtures/topology-builder';

const PORTS = { clientPorts: { from: 32768, to: 60999 } };

function ends(t: Topology): { client: NetworkInterface; mt: MountTarget } {
  const client = t.networkInterfaces.find((e) => e.networkInterfaceId === 'eni-c');
  const mt = t.mountTargets[0];
  if (!client || !mt) throw new Error('fixture lacks eni-c or its mount target');
  return { client, mt };
}

function explain(t: Topology) {
  const { client, mt } = ends(t);
  return explainClientPath(t, client, mt, PORTS);
}

function blocking(t: Topology) {
  const path = explain(t);
  return path.blockedAt === undefined ? undefined : path.hops[path.blockedAt];
}

describe('longestPrefixMatch', () => {
  const lists = new Map([
    ['pl-1', { prefixListId: 'pl-1', name: 'a', entries: ['10.5.0.0/16', '10.6.6.0/24'] }],
    ['pl-bad', { prefixListId: 'pl-bad', name: 'b', entries: [], malformed: ['x'] }],
  ]);
  const rank = () => 0;

  it('picks the most specific route', () => {
    const routes = [route('10.0.0.0/8', 'igw-1'), route('10.6.0.0/16', 'pcx-1'), route('0.0.0.0/0', 'nat-1')];
    const result = longestPrefixMatch(routes, '10.6.6.1', lists, rank);
    expect(result).toMatchObject({
      kind: 'match',
      matched: '10.6.0.0/16',
      route: { target: { id: 'pcx-1' } },
    });
  });

  it('matches a prefix-list destination with the length of its entry', () => {
    const routes = [route('10.6.0.0/16', 'pcx-1'), route('pl-1', 'tgw-1')];
    expect(longestPrefixMatch(routes, '10.6.6.1', lists, rank)).toMatchObject({ matched: '10.6.6.0/24' });
    expect(longestPrefixMatch(routes, '10.6.7.1', lists, rank)).toMatchObject({ matched: '10.6.0.0/16' });
  });

  it('is unknown when a prefix list cannot be read, and none when nothing matches', () => {
    expect(
      longestPrefixMatch([route('pl-bad', 'tgw-1'), route('10.0.0.0/8', 'pcx-1')], '10.1.1.1', lists, rank)
        .kind,
    ).toBe('unknown');
    expect(longestPrefixMatch([route('pl-missing', 'tgw-1')], '10.1.1.1', lists, rank).kind).toBe('unknown');
    expect(longestPrefixMatch([route('10.0.0.0/8', 'pcx-1')], '192.168.1.1', lists, rank).kind).toBe('none');
    expect(longestPrefixMatch([route('::/0', 'igw-1')], '10.0.0.1', lists, rank).kind).toBe('none');
  });

  it('breaks ties by rank: a static route beats a propagated one of the same destination', () => {
    const propagated = route('172.16.0.0/16', 'vgw-1', { propagated: true });
    const fixed = route('172.16.0.0/16', 'pcx-1');
    const byOrigin = (r: typeof fixed) => (r.origin === 'EnableVgwRoutePropagation' ? 2 : 0);
    expect(longestPrefixMatch([propagated, fixed], '172.16.1.1', lists, byOrigin)).toMatchObject({
      route: { target: { id: 'pcx-1' } },
    });
  });
});

describe('VPC peering', () => {
  it('reaches a mount target across an active peering with routes both ways', () => {
    const path = explain(peered().build());
    expect(path.reachable).toBe(true);
    expect(path.hops.map((h) => h.hop)).toEqual([
      'client security groups out',
      'client subnet ACL out',
      'forward route table rtb-1 (subnet-c)',
      'forward peering pcx-12',
      'mount target subnet ACL in',
      'mount target security groups in',
      'mount target subnet ACL out (return)',
      'return route table rtb-2 (subnet-m)',
      'return peering pcx-12',
      'client subnet ACL in (return)',
    ]);
    expect(path.hops[2]?.by).toBe('rtb-1: 10.1.0.0/16 -> pcx-12');
  });

  it('is blocked by a missing forward or return route, naming the table and the destination', () => {
    expect(blocking(peered({ forward: false }).build())).toMatchObject({
      hop: 'forward route table rtb-1 (subnet-c)',
      verdict: 'deny',
      detail: 'rtb-1 has no route to 10.1.2.10',
    });
    expect(blocking(peered({ back: false }).build())).toMatchObject({
      hop: 'return route table rtb-2 (subnet-m)',
      verdict: 'deny',
      detail: 'rtb-2 has no route to 10.0.1.10',
    });
  });

  it('carries traffic only while the peering is active', () => {
    const hop = blocking(peered({ status: 'pending-acceptance' }).build());
    expect(hop).toMatchObject({ hop: 'forward peering pcx-12', verdict: 'deny' });
    expect(hop?.detail).toContain('only an active peering carries traffic');
  });

  it('uses an explicitly associated route table before the main one', () => {
    const t = peered()
      .routeTable('rtb-1-explicit', { vpc: 'vpc-1', subnets: ['subnet-c'], routes: [] })
      .build();
    expect(blocking(t)).toMatchObject({
      hop: 'forward route table rtb-1-explicit (subnet-c)',
      verdict: 'deny',
    });
  });

  it('drops traffic on a blackhole route', () => {
    const t = peered()
      .routeTable('rtb-1', {
        vpc: 'vpc-1',
        main: true,
        routes: [route('10.1.0.0/16', 'pcx-gone', { state: 'blackhole' })],
      })
      .build();
    expect(blocking(t)?.detail).toContain('blackhole route');
    expect(explain(t).reachable).toBe(false);
  });

  it('is not transitive: vpc-1 cannot reach vpc-3 through vpc-2', () => {
    const t = topology()
      .vpc('vpc-1', ['10.0.0.0/16'])
      .vpc('vpc-2', ['10.1.0.0/16'])
      .vpc('vpc-3', ['10.2.0.0/16'])
      .subnet('subnet-c', 'vpc-1', '10.0.1.0/24')
      .subnet('subnet-m', 'vpc-3', '10.2.2.0/24')
      .securityGroup('sg-client', { vpc: 'vpc-1', egress: [tcp(2049, sgRef('sg-mt'))] })
      .securityGroup('sg-mt', { vpc: 'vpc-3', ingress: [tcp(2049, sgRef('sg-client'))] })
      .networkInterface('eni-c', { subnet: 'subnet-c', ip: '10.0.1.10', groups: ['sg-client'] })
      .mountTarget('fsmt-m', { fs: 'fs-1', subnet: 'subnet-m', ip: '10.2.2.10', groups: ['sg-mt'] })
      .networkAcl('acl-c', { vpc: 'vpc-1', subnets: ['subnet-c'], entries: allowAllEntries() })
      .networkAcl('acl-m', { vpc: 'vpc-3', subnets: ['subnet-m'], entries: allowAllEntries() })
      .peering('pcx-12', { requester: 'vpc-1', accepter: 'vpc-2' })
      .peering('pcx-23', { requester: 'vpc-2', accepter: 'vpc-3' })
      .routeTable('rtb-1', { vpc: 'vpc-1', main: true, routes: [route('10.0.0.0/8', 'pcx-12')] })
      .routeTable('rtb-2', {
        vpc: 'vpc-2',
        main: true,
        routes: [route('10.2.0.0/16', 'pcx-23'), route('10.0.0.0/16', 'pcx-12')],
      })
      .routeTable('rtb-3', { vpc: 'vpc-3', main: true, routes: [route('10.0.0.0/8', 'pcx-23')] })
      .build();
    const hop = blocking(t);
    expect(hop).toMatchObject({ hop: 'forward peering pcx-12', verdict: 'deny' });
    expect(hop?.detail).toContain('peering is not transitive');
  });

  it('is unknown when the route table or the peering was not recorded', () => {
    const noTable = twoVpcs()
      .peering('pcx-12', { requester: 'vpc-1', accepter: 'vpc-2' })
      .routeTable('rtb-2', { vpc: 'vpc-2', main: true, routes: [route('10.0.0.0/16', 'pcx-12')] })
      .build();
    expect(explain(noTable).reachable).toBe('unknown');
    expect(blocking(noTable)).toMatchObject({ hop: 'forward route table of subnet-c', verdict: 'unknown' });
    const noPeering = twoVpcs()
      .routeTable('rtb-1', { vpc: 'vpc-1', main: true, routes: [route('10.1.0.0/16', 'pcx-12')] })
      .routeTable('rtb-2', { vpc: 'vpc-2', main: true, routes: [route('10.0.0.0/16', 'pcx-12')] })
      .build();
    expect(blocking(noPeering)).toMatchObject({ hop: 'forward peering pcx-12', verdict: 'unknown' });
  });

  it('says routing was not recorded for a cross-VPC pair of an older snapshot, and assumes nothing', () => {
    const path = explain(twoVpcs().build());
    expect(path.reachable).toBe('unknown');
    expect(path.hops[path.blockedAt ?? -1]?.detail).toContain('routing was not recorded');
  });

  it('needs no routing within one VPC', () => {
    const t = topology()
      .vpc('vpc-1', ['10.0.0.0/16'])
      .subnet('subnet-c', 'vpc-1', '10.0.1.0/24')
      .subnet('subnet-m', 'vpc-1', '10.0.2.0/24')
      .securityGroup('sg-client', { egress: [tcp(2049, sgRef('sg-mt'))] })
      .securityGroup('sg-mt', { ingress: [tcp(2049, sgRef('sg-client'))] })
      .networkInterface('eni-c', { subnet: 'subnet-c', ip: '10.0.1.10', groups: ['sg-client'] })
      .mountTarget('fsmt-m', { fs: 'fs-1', subnet: 'subnet-m', ip: '10.0.2.10', groups: ['sg-mt'] })
      .networkAcl('acl-1', { subnets: ['subnet-c', 'subnet-m'], entries: allowAllEntries() })
      .build();
    expect(explain(t).reachable).toBe(true);
  });
});

describe('Transit Gateway', () => {
  it('routes a spoke to a spoke through the associated route table and its propagated routes', () => {
    const path = explain(transit().build());
    expect(path.reachable).toBe(true);
    expect(path.hops.map((h) => h.by)).toContain('tgw-rtb-1: 10.1.0.0/16 -> tgw-attach-2 (propagated)');
  });

  it('drops traffic on a blackhole TGW route, and a static route beats a propagated one', () => {
    const t = transit({
      routes: [
        tgwRoute('10.0.0.0/16', ['tgw-attach-1'], 'propagated'),
        tgwRoute('10.1.0.0/16', ['tgw-attach-2'], 'propagated'),
        tgwRoute('10.1.0.0/16', [], 'static'),
      ],
    }).build();
    expect(blocking(t)).toMatchObject({ hop: 'forward TGW route table tgw-rtb-1', verdict: 'deny' });
    expect(blocking(t)?.detail).toContain('blackhole');
  });

  it('reaches only the Availability Zones where the attachment has a subnet', () => {
    const t = transit({ mtAttachmentSubnets: ['subnet-tgw-2b'] }).build();
    expect(blocking(t)?.detail).toContain('has no subnet in eu-west-1a');
  });

  it('is unknown when the TGW route table was not recorded (another account owns it)', () => {
    const t = transit({ table: false }).build();
    expect(explain(t).reachable).toBe('unknown');
    expect(blocking(t)).toMatchObject({ hop: 'forward TGW route table tgw-rtb-1', verdict: 'unknown' });
  });

  it('names a VPN attachment as the way on-premises ranges arrive', () => {
    const t = transit()
      .securityGroup('sg-mt', { vpc: 'vpc-2', ingress: [tcp(2049, cidr('192.168.0.0/16'))] })
      .build();
    const routing = indexRouting(t);
    const subnet = t.subnets.find((s) => s.subnetId === 'subnet-m');
    if (!routing || !subnet) throw new Error('fixture');
    expect(arrivalOf(routing, subnet, '192.168.4.4')).toMatchObject({
      kind: 'attachment',
      attachmentId: 'tgw-attach-vpn',
      resourceType: 'vpn',
    });
    const mt = t.mountTargets[0];
    if (!mt) throw new Error('fixture');
    const path = explainSourcePath(t, mt, '192.168.4.4', '192.168.0.0/16', PORTS);
    // On-premises routing is outside what efsguard sees; everything else allows.
    expect(path.reachable).toBe('unknown');
    expect(path.hops.filter((h) => h.verdict !== 'allow').map((h) => h.hop)).toEqual([
      'forward source network tgw-attach-vpn to VPN vpn-1',
    ]);
  });
});

describe('VPN gateways', () => {
  it('brings on-premises ranges into a route table', () => {
    const t = twoVpcs()
      .vpnGateway('vgw-1', ['vpc-2'])
      .routeTable('rtb-2', {
        vpc: 'vpc-2',
        main: true,
        routes: [route('172.16.0.0/12', 'vgw-1', { propagated: true })],
      })
      .build();
    const routing = indexRouting(t);
    const subnet = t.subnets.find((s) => s.subnetId === 'subnet-m');
    if (!routing || !subnet) throw new Error('fixture');
    expect(arrivalOf(routing, subnet, '172.16.0.9')).toEqual({
      kind: 'vpnGateway',
      vpnGatewayId: 'vgw-1',
      vpcId: 'vpc-2',
    });
    expect(arrivalOf(routing, subnet, '8.8.8.8')).toBe('none');
  });
});

describe('atomsOf', () => {
  it('cuts a range into the pieces the given CIDRs treat alike, each with an address of its own', () => {
    const atoms = atomsOf('10.0.0.0/16', [
      '10.0.0.0/24',
      '10.0.1.0/24',
      '192.168.0.0/16',
      '0.0.0.0/0',
      '10.0.1.7/32',
    ]);
    expect(atoms.map(describeAtom)).toEqual([
      '10.0.0.0/16 except 10.0.0.0/24, 10.0.1.0/24',
      '10.0.0.0/24',
      '10.0.1.0/24 except 10.0.1.7/32',
      '10.0.1.7/32',
    ]);
    expect(atoms.map((a) => a.representative)).toEqual(['10.0.2.0', '10.0.0.0', '10.0.1.0', '10.0.1.7']);
  });
  it('drops a piece its holes cover entirely', () => {
    expect(atomsOf('10.0.0.0/31', ['10.0.0.0/32', '10.0.0.1/32']).map((a) => a.cidr)).toEqual([
      '10.0.0.0/32',
      '10.0.0.1/32',
    ]);
  });
});

describe('exclusiveSubnetHolding', () => {
  const world = topology()
    .vpc('vpc-1', ['10.0.0.0/16'])
    .vpc('vpc-2', ['10.0.0.0/16', '10.9.0.0/16'])
    .subnet('subnet-a', 'vpc-1', '10.0.1.0/24')
    .subnet('subnet-b', 'vpc-1', ['10.0.2.0/24', '2600:1f18::/64'])
    .subnet('subnet-c', 'vpc-2', '10.0.2.0/24')
    .subnet('subnet-d', 'vpc-2', '10.9.0.0/20')
    .subnet('subnet-e', 'vpc-2', '10.9.4.0/24')
    .build();
  const holder = (cidr: string) => exclusiveSubnetHolding(world, parseCidr(cidr))?.subnetId;

  it('answers the subnet holding the whole block when no other subnet shares an address of it', () => {
    expect(holder('10.0.1.0/24')).toBe('subnet-a');
    expect(holder('10.0.1.7/32')).toBe('subnet-a');
  });

  it('answers nothing where subnets overlap, outside every subnet, across a subnet edge, or for IPv6', () => {
    // subnet-b and another VPC's subnet-c have the same block; subnet-e lies inside subnet-d, so
    // neither holds an address alone, even where subnet-d has no other subnet inside.
    expect(holder('10.0.2.5/32')).toBeUndefined();
    expect(holder('10.9.4.1/32')).toBeUndefined();
    expect(holder('10.9.8.0/22')).toBeUndefined();
    expect(holder('10.9.1.0/24')).toBeUndefined();
    expect(holder('10.0.3.1/32')).toBeUndefined();
    expect(holder('10.0.0.0/23')).toBeUndefined();
    expect(holder('2600:1f18::5/128')).toBeUndefined();
  });
});

describe('networksReaching where subnets of two VPCs overlap', () => {
  it('takes an address from the first subnet holding it, as a path traced for it would', () => {
    // vpc-9 has a copy of the client's subnet and no route out: taken as the source of the client's
    // addresses, it would hide the peering that reaches the mount target.
    const overlapping = peered()
      .vpc('vpc-9', ['10.0.0.0/16'])
      .subnet('subnet-9', 'vpc-9', '10.0.1.0/24')
      .routeTable('rtb-9', { vpc: 'vpc-9', main: true, routes: [] })
      .build();
    const names = (t: Topology) => {
      const mt = t.mountTargets[0] as MountTarget;
      return (networksReaching(t, mt, { ...PORTS, skipOwnVpc: true }) ?? []).map((n) => n.name);
    };
    expect(names(peered().build())).toEqual(['pcx-12 to vpc-1']);
    expect(names(overlapping)).toEqual(['pcx-12 to vpc-1']);
  });
});

describe('networksReaching with a very large client group', () => {
  it('cuts at every member of a group of 150,000 interfaces', () => {
    // More members than a spread into push() may pass as arguments (V8 refuses from about 130,000).
    const builder = standardNfs()
      .vpc('vpc-1', ['10.0.0.0/8'])
      .subnet('subnet-a', 'vpc-1', '10.0.0.0/12')
      .routeTable('rtb-1', { vpc: 'vpc-1', main: true, routes: [] });
    for (let i = 1; i <= 150_000; i++) {
      const ip = `10.${1 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`;
      builder.networkInterface(`eni-${i}`, { subnet: 'subnet-a', ip, groups: ['sg-client'] });
    }
    const t = builder.build();
    const mt = t.mountTargets[0] as MountTarget;
    const networks = networksReaching(t, mt, { ...PORTS }) ?? [];
    expect(networks.map((n) => n.name)).toEqual(['own VPC vpc-1']);
    // Every member is admitted: one atom each (the client of standardNfs included).
    expect(networks[0]?.ranges).toHaveLength(150_001);
  });
});

describe('groupsAtAddress', () => {
  it('answers the groups at an address when a mount target names one of them, and matches as before', () => {
    const t = peered()
      .securityGroup('sg-app', { vpc: 'vpc-1' })
      .networkInterface('eni-app', { subnet: 'subnet-c', ip: '10.0.1.20', groups: ['sg-app'] })
      .networkInterface('eni-both', { subnet: 'subnet-c', ip: '10.0.1.30', groups: ['sg-app', 'sg-client'] })
      .build();
    expect(groupsAtAddress(t, '10.0.1.10')).toEqual(['sg-client']);
    expect(groupsAtAddress(t, '10.0.1.30')).toEqual(['sg-app', 'sg-client']);
    // No mount target's group names sg-app: its interface is left out, as none of its groups can match.
    expect(groupsAtAddress(t, '10.0.1.20')).toEqual([]);
    const mt = t.mountTargets[0];
    if (!mt) throw new Error('fixture lacks its mount target');
    const groupsHop = (address: string) =>
      explainSourcePath(t, mt, address, address, PORTS).hops.find(
        (h) => h.hop === 'mount target security groups in',
      )?.verdict;
    expect(groupsHop('10.0.1.10')).toBe('allow');
    expect(groupsHop('10.0.1.30')).toBe('allow');
    expect(groupsHop('10.0.1.20')).toBe('deny');
  });
});
