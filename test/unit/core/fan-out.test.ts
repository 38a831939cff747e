import type { ResourceRef, ResourceType, Scope } from '../../../core/model';
import { getRule } from '../../../core/rules';
import { allowAllEntries, sgRef, standardNfs, tcp } from '../../fixtures/topology-builder';

const SG: ResourceType = 'AWS::EC2::SecurityGroup';
const ENI: ResourceType = 'AWS::EC2::NetworkInterface';
const FS: ResourceType = 'AWS::EFS::FileSystem';
const ACL: ResourceType = 'AWS::EC2::NetworkAcl';

/**
 * Two file systems: fs-1 (fsmt-b in subnet-b, sg-mt) admits sg-client (eni-client, subnet-a);
 * fs-2 (fsmt-2 in subnet-c, sg-mt2) admits sg-app (eni-app, subnet-c... and eni-app2 in subnet-a).
 */
function world() {
  return standardNfs()
    .subnet('subnet-c', 'vpc-1', '10.0.3.0/24')
    .subnet('subnet-d', 'vpc-1', '10.0.4.0/24')
    .securityGroup('sg-mt2', { ingress: [tcp(2049, sgRef('sg-app'))] })
    .securityGroup('sg-app', { egress: [tcp(2049, sgRef('sg-mt2'))] })
    .securityGroup('sg-unrelated')
    .networkInterface('eni-app', { subnet: 'subnet-d', ip: '10.0.4.10', groups: ['sg-app'] })
    .networkInterface('eni-plain', { subnet: 'subnet-a', ip: '10.0.1.30', groups: ['sg-unrelated'] })
    .mountTarget('fsmt-2', { fs: 'fs-2', subnet: 'subnet-c', ip: '10.0.3.10', groups: ['sg-mt2'] })
    .networkAcl('acl-c', { subnets: ['subnet-c'], entries: allowAllEntries() })
    .networkAcl('acl-d', { subnets: ['subnet-d'], entries: allowAllEntries() })
    .build();
}

const ids = (refs: readonly ResourceRef[] | undefined) =>
  (refs ?? []).map((r) => `${r.resourceType.split('::')[2]}:${r.resourceId}`).sort();

// What a rule reports for a change: the seeds of its own types and its fan-out (defineRule's seeds scope).
describe('the resources a change re-evaluates', () => {
  const topology = world();
  it.each([
    [
      'efs-mount-target-nfs-ingress',
      [{ resourceType: SG, resourceId: 'sg-mt' }],
      ['FileSystem:fs-1', 'SecurityGroup:sg-mt'],
    ],
    [
      'efs-mount-target-nfs-ingress',
      [{ resourceType: SG, resourceId: 'sg-client' }],
      ['FileSystem:fs-1', 'SecurityGroup:sg-client', 'SecurityGroup:sg-mt'],
    ],
    [
      'efs-mount-target-nfs-ingress',
      [{ resourceType: FS, resourceId: 'fs-2' }],
      ['FileSystem:fs-2', 'SecurityGroup:sg-mt2'],
    ],
    [
      'efs-mount-target-nfs-ingress',
      [{ resourceType: ENI, resourceId: 'eni-fsmt-b' }],
      ['FileSystem:fs-1', 'SecurityGroup:sg-mt'],
    ],
    ['efs-mount-target-nfs-ingress', [{ resourceType: ENI, resourceId: 'eni-client' }], []],
    [
      'efs-client-nfs-egress',
      [{ resourceType: ENI, resourceId: 'eni-fsmt-2' }],
      ['NetworkInterface:eni-app', 'NetworkInterface:eni-fsmt-2'],
    ],
    ['efs-client-nfs-egress', [{ resourceType: SG, resourceId: 'sg-mt' }], ['NetworkInterface:eni-client']],
    [
      'efs-client-nfs-egress',
      [{ resourceType: SG, resourceId: 'sg-unrelated' }],
      ['NetworkInterface:eni-plain'],
    ],
    ['efs-client-nfs-egress', [{ resourceType: FS, resourceId: 'fs-2' }], ['NetworkInterface:eni-app']],
    ['efs-nfs-network-acl', [{ resourceType: ACL, resourceId: 'acl-a' }], ['NetworkAcl:acl-a']],
    [
      'efs-nfs-network-acl',
      [{ resourceType: SG, resourceId: 'sg-app' }],
      ['NetworkAcl:acl-c', 'NetworkAcl:acl-d'],
    ],
    [
      'efs-nfs-network-acl',
      [{ resourceType: FS, resourceId: 'fs-1' }],
      ['NetworkAcl:acl-a', 'NetworkAcl:acl-b'],
    ],
    ['efs-nfs-network-acl', [{ resourceType: ENI, resourceId: 'eni-plain' }], []],
  ] as const)('%s %o -> %o', (ruleId, seeds, expected) => {
    expect(ids(getRule(ruleId).evaluate(topology, { kind: 'seeds', seeds }))).toEqual([...expected].sort());
  });
});

describe('seed scopes', () => {
  const topology = world();
  const seeds = (...refs: ResourceRef[]): Scope => ({ kind: 'seeds', seeds: refs });

  it('evaluates exactly the fan-out, each once', () => {
    const evaluations = getRule('efs-mount-target-nfs-ingress').evaluate(
      topology,
      seeds({ resourceType: SG, resourceId: 'sg-mt' }, { resourceType: FS, resourceId: 'fs-1' }),
    );
    expect(evaluations.map((e) => `${e.resourceId}:${e.complianceType}`)).toEqual([
      'sg-mt:COMPLIANT',
      'fs-1:COMPLIANT',
    ]);
  });

  it('reports a deleted seed NOT_APPLICABLE, saying it no longer exists', () => {
    const [evaluation, ...rest] = getRule('efs-client-nfs-egress').evaluate(
      topology,
      seeds({ resourceType: ENI, resourceId: 'eni-gone' }),
    );
    expect(rest).toEqual([]);
    expect(evaluation).toEqual({
      rule: 'efs-client-nfs-egress',
      resourceType: ENI,
      resourceId: 'eni-gone',
      complianceType: 'NOT_APPLICABLE',
      annotation: 'The resource no longer exists.',
    });
  });

  it('ignores seeds of other resource types except for their fan-out', () => {
    const evaluations = getRule('efs-nfs-network-acl').evaluate(
      topology,
      seeds({ resourceType: SG, resourceId: 'sg-gone' }),
    );
    expect(evaluations).toEqual([]);
  });

  it('gives a whole-topology sweep one evaluation per resource of the rule types', () => {
    const evaluations = getRule('efs-client-nfs-egress').evaluate(topology, { kind: 'all' });
    expect(evaluations.map((e) => e.resourceId)).toEqual(
      topology.networkInterfaces.map((e) => e.networkInterfaceId).sort(),
    );
  });
});
