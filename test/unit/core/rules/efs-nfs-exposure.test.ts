// efs-nfs-exposure: the networks that can open NFS to each mount target, named by how they arrive, and
// judged against the file system's own VPCs and allowedNetworks.
import { fanOutExposure } from '../../../../core/fan-out';
import type { Topology } from '../../../../core/model';
import { networksReaching } from '../../../../core/routing/exposure';
import { efsNfsExposure, exposureOf } from '../../../../core/rules/efs-nfs-exposure';
import { peered, transit, twoVpcs } from '../../../fixtures/routing-scenarios';
import { cidr, sgRef, tcp } from '../../../fixtures/topology-builder';

/** tgw-1 spokes vpc-1 (10.0.0.0/16) and vpc-2 (the mount target's), plus a VPN attachment for 192.168.0.0/16. */
function exposedOverTransit(): Topology {
  return transit()
    .securityGroup('sg-mt', {
      vpc: 'vpc-2',
      ingress: [tcp(2049, cidr('10.0.0.0/8')), tcp(2049, cidr('192.168.0.0/16'))],
    })
    .build();
}

function verdict(t: Topology, allowedNetworks = '') {
  const [evaluation] = efsNfsExposure.evaluate(t, { kind: 'all' }, { allowedNetworks });
  return evaluation;
}

describe('efs-nfs-exposure', () => {
  it('names every network that reaches a mount target by how it arrives', () => {
    const t = exposedOverTransit();
    const mt = t.mountTargets.find((m) => m.mountTargetId === 'fsmt-m');
    if (!mt) throw new Error('fixture lacks fsmt-m');
    const networks = networksReaching(t, mt, { clientPorts: { from: 32768, to: 60999 } }) ?? [];
    expect(networks.map((n) => [n.name, n.reachable, n.ranges.map((r) => r.cidr)])).toEqual([
      ['own VPC vpc-2', true, ['10.1.2.0/24', '10.1.9.0/28', '10.1.9.16/28']],
      ['tgw-attach-1 to vpc-1', true, ['10.0.1.0/24', '10.0.9.0/28']],
      ['tgw-attach-vpn to VPN vpn-1', 'unknown', ['192.168.0.0/16']],
    ]);
  });

  it('leaves out the own VPC, which it allows whatever reaches it, and keeps every other network as is', () => {
    const t = exposedOverTransit();
    const exposure = exposureOf(t, 'fs-1', {
      allowedNetworks: [],
      clientPortRange: { from: 32768, to: 60999 },
    });
    const [first] = exposure ?? [];
    if (!first) throw new Error('no mount target');
    const all = networksReaching(t, first.mountTarget, { clientPorts: { from: 32768, to: 60999 }, cuts: [] });
    expect(first.networks).toEqual(all?.filter((n) => n.arrival.kind !== 'ownVpc'));
    expect(first.networks.map((n) => n.name)).toEqual([
      'tgw-attach-1 to vpc-1',
      'tgw-attach-vpn to VPN vpn-1',
    ]);
    expect(first.disallowed.map((n) => n.name)).toEqual([
      'tgw-attach-1 to vpc-1',
      'tgw-attach-vpn to VPN vpn-1',
    ]);
  });

  it('is NON_COMPLIANT for a network outside allowedNetworks, naming it within 256 characters', () => {
    const evaluation = verdict(exposedOverTransit());
    expect(evaluation?.complianceType).toBe('NON_COMPLIANT');
    expect(evaluation?.annotation).toContain(
      'fsmt-m reachable from tgw-attach-1 to vpc-1 (10.0.1.0/24, 10.0.9.0/28)',
    );
    expect(evaluation?.annotation?.length).toBeLessThanOrEqual(256);
    // The VPN range rests on on-premises routing efsguard cannot see: a waiver cannot hide it.
    expect(evaluation?.unresolved).toBe(true);
  });

  it('is COMPLIANT when allowedNetworks names them by id or by a CIDR holding the whole reaching range', () => {
    expect(verdict(exposedOverTransit(), 'tgw-attach-1, 192.168.0.0/16')?.complianceType).toBe('COMPLIANT');
    expect(verdict(exposedOverTransit(), 'vpc-1,tgw-attach-vpn')?.complianceType).toBe('COMPLIANT');
    expect(verdict(exposedOverTransit(), '10.0.0.0/16,192.168.0.0/16')?.complianceType).toBe('COMPLIANT');
  });

  it('does not allow a network by a CIDR that holds only part of its reaching range', () => {
    const evaluation = verdict(exposedOverTransit(), 'tgw-attach-1,192.168.0.0/17');
    expect(evaluation?.complianceType).toBe('NON_COMPLIANT');
    expect(evaluation?.annotation).toContain('tgw-attach-vpn to VPN vpn-1 (192.168.0.0/16)');
  });

  it('names a peered VPC by its peering, and drops it when the return route is missing', () => {
    const open = (b: ReturnType<typeof peered>) =>
      b.securityGroup('sg-mt', { vpc: 'vpc-2', ingress: [tcp(2049, cidr('10.0.0.0/16'))] }).build();
    expect(verdict(open(peered()))?.annotation).toContain(
      'fsmt-m reachable from pcx-12 to vpc-1 (10.0.1.0/24)',
    );
    expect(verdict(open(peered()), 'pcx-12')?.complianceType).toBe('COMPLIANT');
    expect(verdict(open(peered({ back: false })))?.complianceType).toBe('COMPLIANT');
  });

  it('admits group-referenced clients only at their own addresses', () => {
    const t = peered()
      .securityGroup('sg-mt', { vpc: 'vpc-2', ingress: [tcp(2049, sgRef('sg-client'))] })
      .build();
    expect(verdict(t)?.annotation).toContain('fsmt-m reachable from pcx-12 to vpc-1 (10.0.1.10/32)');
  });

  it('says routing was not recorded on an older snapshot, never COMPLIANT', () => {
    const evaluation = verdict(twoVpcs().build());
    expect(evaluation).toMatchObject({ complianceType: 'NON_COMPLIANT', unresolved: true });
    expect(evaluation?.annotation).toContain('routing was not recorded');
  });

  it('rejects an allowedNetworks item that is neither an id nor a CIDR', () => {
    expect(() => verdict(peered().build(), 'sg-123')).toThrow(/allowedNetworks/);
    expect(() => verdict(peered().build(), '10.0.0.0/33')).toThrow(/allowedNetworks/);
  });

  it('fans routing, ACL and group changes out to the file systems they can affect', () => {
    const t = peered().build();
    const ids = (seeds: Parameters<typeof fanOutExposure>[1]) =>
      fanOutExposure(t, seeds).map((r) => r.resourceId);
    expect(ids([{ resourceType: 'AWS::EC2::VPCPeeringConnection', resourceId: 'pcx-12' }])).toEqual(['fs-1']);
    expect(ids([{ resourceType: 'AWS::EC2::RouteTable', resourceId: 'rtb-1' }])).toEqual(['fs-1']);
    expect(ids([{ resourceType: 'AWS::EC2::NetworkAcl', resourceId: 'acl-m' }])).toEqual(['fs-1']);
    expect(ids([{ resourceType: 'AWS::EC2::NetworkAcl', resourceId: 'acl-c' }])).toEqual([]);
    expect(ids([{ resourceType: 'AWS::EC2::SecurityGroup', resourceId: 'sg-mt' }])).toEqual(['fs-1']);
    expect(ids([{ resourceType: 'AWS::EC2::NetworkInterface', resourceId: 'eni-c' }])).toEqual(['fs-1']);
  });
});
