// efs-client-nfs-egress and efs-nfs-network-acl across VPCs: routes must connect a pair both ways; an
// older snapshot without routing says so and assumes nothing; within one VPC nothing changes.
import { fanOutEgress, fanOutNetworkAcl } from '../../../../core/fan-out';
import type { Evaluation, Topology } from '../../../../core/model';
import { efsClientNfsEgress } from '../../../../core/rules/efs-client-nfs-egress';
import { efsNfsNetworkAcl } from '../../../../core/rules/efs-nfs-network-acl';
import { peered, transit, twoVpcs } from '../../../fixtures/routing-scenarios';
import { aclEntry, allowAllEntries, route } from '../../../fixtures/topology-builder';

function egressOf(t: Topology): Evaluation | undefined {
  return efsClientNfsEgress.evaluate(t, { kind: 'all' }).find((e) => e.resourceId === 'eni-c');
}

function aclVerdicts(t: Topology): Record<string, string> {
  return Object.fromEntries(
    efsNfsNetworkAcl.evaluate(t, { kind: 'all' }).map((e) => [e.resourceId, e.complianceType]),
  );
}

describe('efs-client-nfs-egress, route-aware', () => {
  it('is COMPLIANT when a peering routes both ways', () => {
    expect(egressOf(peered().build())?.complianceType).toBe('COMPLIANT');
  });

  it('is NON_COMPLIANT without a return route, naming the route table and the missing destination', () => {
    const evaluation = egressOf(peered({ back: false }).build());
    expect(evaluation?.complianceType).toBe('NON_COMPLIANT');
    expect(evaluation?.annotation).toContain(
      'no return route for eni-c->fsmt-m: rtb-2 has no route to 10.0.1.10',
    );
    expect(evaluation?.unresolved).toBeUndefined();
  });

  it('is NON_COMPLIANT without a forward route', () => {
    const evaluation = egressOf(peered({ forward: false }).build());
    expect(evaluation?.annotation).toContain('rtb-1 has no route to 10.1.2.10');
  });

  it('is never COMPLIANT on an unknown hop: another account owns the TGW route table', () => {
    const evaluation = egressOf(transit({ table: false }).build());
    expect(evaluation?.complianceType).toBe('NON_COMPLIANT');
    expect(evaluation?.unresolved).toBe(true);
    expect(evaluation?.annotation).toContain('cannot check the route');
  });

  it('says routing was not recorded for a cross-VPC client of an older snapshot', () => {
    const evaluation = egressOf(twoVpcs().build());
    expect(evaluation?.complianceType).toBe('NON_COMPLIANT');
    expect(evaluation?.annotation).toContain('routing was not recorded');
    expect(evaluation?.unresolved).toBe(true);
  });

  it('is COMPLIANT across a TGW with routes both ways', () => {
    expect(egressOf(transit().build())?.complianceType).toBe('COMPLIANT');
  });
});

describe('efs-nfs-network-acl, route-aware', () => {
  it('judges the ACLs of a cross-VPC pair that routes connect', () => {
    const t = peered()
      .networkAcl('acl-m', {
        vpc: 'vpc-2',
        subnets: ['subnet-m'],
        entries: [aclEntry(100, 'in', 'deny', 'tcp', '10.0.0.0/16', 2049), ...allowAllEntries()],
      })
      .build();
    expect(aclVerdicts(t)).toEqual({ 'acl-c': 'COMPLIANT', 'acl-m': 'NON_COMPLIANT' });
  });

  it('leaves out a pair no route connects: its ACLs are on no path', () => {
    const t = peered({ forward: false })
      .networkAcl('acl-m', {
        vpc: 'vpc-2',
        subnets: ['subnet-m'],
        entries: [aclEntry(100, 'in', 'deny', 'tcp', '10.0.0.0/16', 2049), ...allowAllEntries()],
      })
      .build();
    expect(aclVerdicts(t)).toEqual({ 'acl-c': 'NOT_APPLICABLE', 'acl-m': 'NOT_APPLICABLE' });
  });

  it('judges a cross-VPC pair of an older snapshot as if routed, and says routing was not recorded', () => {
    const evaluations = efsNfsNetworkAcl.evaluate(twoVpcs().build(), { kind: 'all' });
    expect(evaluations.map((e) => e.complianceType)).toEqual(['COMPLIANT', 'COMPLIANT']);
    expect(evaluations[0]?.annotation).toContain('routing was not recorded');
  });
});

describe('fan-out of routing changes', () => {
  const t = peered().build();
  it('reaches the clients and ACLs of cross-VPC pairs whose route tables changed', () => {
    const seeds = [{ resourceType: 'AWS::EC2::RouteTable' as const, resourceId: 'rtb-2' }];
    expect(fanOutEgress(t, seeds).map((r) => r.resourceId)).toEqual(['eni-c']);
    expect(
      fanOutNetworkAcl(t, seeds)
        .map((r) => r.resourceId)
        .sort(),
    ).toEqual(['acl-c', 'acl-m']);
  });
  it('reaches nothing for a route table of an unrelated VPC, and everything for one it no longer sees', () => {
    const other = peered()
      .vpc('vpc-9', ['10.9.0.0/16'])
      .routeTable('rtb-9', { vpc: 'vpc-9', routes: [route('0.0.0.0/0', 'igw-9')] })
      .build();
    expect(fanOutEgress(other, [{ resourceType: 'AWS::EC2::RouteTable', resourceId: 'rtb-9' }])).toEqual([]);
    expect(
      fanOutEgress(other, [{ resourceType: 'AWS::EC2::RouteTable', resourceId: 'rtb-gone' }]).map(
        (r) => r.resourceId,
      ),
    ).toEqual(['eni-c']);
  });
});
