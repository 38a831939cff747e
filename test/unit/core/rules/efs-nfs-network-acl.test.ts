import { InvalidParametersError } from '../../../../core/errors';
import { ALL, type NetworkAclEntry } from '../../../../core/model';
import { efsNfsNetworkAcl as rule } from '../../../../core/rules/efs-nfs-network-acl';
import {
  aclEntry,
  allowAllEntries,
  standardNfs,
  type TopologyBuilder,
} from '../../../fixtures/topology-builder';

function verdicts(builder: TopologyBuilder, params: Record<string, unknown> = {}) {
  return Object.fromEntries(rule.evaluate(builder.build(), ALL, params).map((e) => [e.resourceId, e]));
}

const allowIn = (n: number, block: string, ports: number | [number, number]) =>
  aclEntry(n, 'in', 'allow', 'tcp', block, ports);
const allowOut = (n: number, block: string, ports: number | [number, number]) =>
  aclEntry(n, 'out', 'allow', 'tcp', block, ports);

/** Exactly the four flows of the standard pair, client ports 32768-60999. */
const clientAclEntries: NetworkAclEntry[] = [
  allowOut(100, '10.0.2.0/24', 2049),
  allowIn(100, '10.0.2.0/24', [32768, 60999]),
];
const mountTargetAclEntries: NetworkAclEntry[] = [
  allowIn(100, '10.0.1.0/24', 2049),
  allowOut(100, '10.0.1.0/24', [32768, 60999]),
];
const tight = () =>
  standardNfs()
    .networkAcl('acl-a', { subnets: ['subnet-a'], entries: clientAclEntries })
    .networkAcl('acl-b', { subnets: ['subnet-b'], entries: mountTargetAclEntries });

describe('efs-nfs-network-acl', () => {
  it('is COMPLIANT for ACLs passing exactly NFS and its return traffic', () => {
    const result = verdicts(tight());
    expect(result['acl-a']?.complianceType).toBe('COMPLIANT');
    expect(result['acl-b']?.complianceType).toBe('COMPLIANT');
  });

  it.each([
    [
      'client egress deny before allow',
      'acl-a',
      [aclEntry(50, 'out', 'deny', 'tcp', '10.0.2.10/32', 2049), ...clientAclEntries],
      'rule 50 denies NFS outbound tcp 2049 to 10.0.2.10 for eni-client->fsmt-b',
    ],
    [
      'client return traffic blocked (no inbound rule)',
      'acl-a',
      [allowOut(100, '10.0.2.0/24', 2049)],
      'rule * denies return inbound tcp 32768-60999 from 10.0.2.10 (port 32768) for eni-client->fsmt-b',
    ],
    [
      'client return range only partly allowed',
      'acl-a',
      [allowOut(100, '10.0.2.0/24', 2049), allowIn(100, '10.0.2.0/24', [32768, 50000])],
      'rule * denies return inbound tcp 32768-60999 from 10.0.2.10 (port 50001)',
    ],
    [
      'mount-target ingress deny before allow',
      'acl-b',
      [aclEntry(10, 'in', 'deny', 'all', '10.0.1.0/24'), ...mountTargetAclEntries],
      'rule 10 denies NFS inbound tcp 2049 from 10.0.1.10 for eni-client->fsmt-b',
    ],
    [
      'mount-target return traffic blocked',
      'acl-b',
      [allowIn(100, '10.0.1.0/24', 2049), allowOut(100, '10.0.1.0/24', [1024, 2048])],
      'rule * denies return outbound tcp 32768-60999 to 10.0.1.10 (port 32768)',
    ],
  ])('%s -> NON_COMPLIANT', (_label, aclId, entries, annotation) => {
    const subnet = aclId === 'acl-a' ? 'subnet-a' : 'subnet-b';
    const result = verdicts(tight().networkAcl(aclId, { subnets: [subnet], entries }));
    expect(result[aclId]?.complianceType).toBe('NON_COMPLIANT');
    expect(result[aclId]?.annotation).toContain(annotation);
    expect(result[aclId]?.annotation).toContain('ACLs are stateless');
    const other = aclId === 'acl-a' ? 'acl-b' : 'acl-a';
    expect(result[other]?.complianceType).toBe('COMPLIANT');
  });

  it('keeps IPv6 entries apart from IPv4 traffic', () => {
    const withV6Deny = tight().networkAcl('acl-b', {
      subnets: ['subnet-b'],
      entries: [
        aclEntry(1, 'in', 'deny', 'all', '::/0'),
        aclEntry(2, 'out', 'deny', 'all', '::/0'),
        ...mountTargetAclEntries,
      ],
    });
    expect(verdicts(withV6Deny)['acl-b']?.complianceType).toBe('COMPLIANT');
  });

  it('judges an IPv6 pair against the IPv6 entries', () => {
    const v6 = standardNfs()
      .networkInterface('eni-client', {
        subnet: 'subnet-a',
        ip: '10.0.1.10',
        ipv6: '2600:1f18:aaaa:bb01::10',
        groups: ['sg-client'],
      })
      .mountTarget('fsmt-b', {
        fs: 'fs-1',
        subnet: 'subnet-b',
        ip: '10.0.2.10',
        ipv6: '2600:1f18:aaaa:bb02::10',
        groups: ['sg-mt'],
      })
      .securityGroup('sg-client', { egress: [aclFreeEgressV6()] })
      .networkAcl('acl-b', {
        subnets: ['subnet-b'],
        entries: [
          aclEntry(100, 'in', 'allow', 'all', '0.0.0.0/0'),
          aclEntry(100, 'out', 'allow', 'all', '0.0.0.0/0'),
        ],
      });
    const result = verdicts(v6);
    expect(result['acl-a']?.complianceType).toBe('COMPLIANT');
    expect(result['acl-b']?.complianceType).toBe('NON_COMPLIANT');
    expect(result['acl-b']?.annotation).toContain(
      'rule * denies NFS inbound tcp 2049 from 2600:1f18:aaaa:bb01::10',
    );
  });

  describe('IPv6-only clients and mount targets', () => {
    const V6_CLIENT = '2600:1f18:aaaa:bb01::10';
    const V6_MT = '2600:1f18:aaaa:bb02::10';
    const ipv4OnlyAcl = (aclId: string, subnet: string) =>
      [
        aclId,
        { subnets: [subnet], entries: allowAllEntries().filter((e) => !e.cidr.includes(':')) },
      ] as const;

    it('judges an IPv6-only pair on the IPv6 entries, naming the IPv6 addresses', () => {
      const builder = standardNfs()
        .networkInterface('eni-client', { subnet: 'subnet-a', ipv6: V6_CLIENT, groups: ['sg-client'] })
        .mountTarget('fsmt-b', { fs: 'fs-1', subnet: 'subnet-b', ipv6: V6_MT, groups: ['sg-mt'] });
      const open = verdicts(builder);
      expect(open['acl-a']?.complianceType).toBe('COMPLIANT');
      expect(open['acl-b']?.complianceType).toBe('COMPLIANT');
      const result = verdicts(builder.networkAcl(...ipv4OnlyAcl('acl-b', 'subnet-b')));
      expect(result['acl-a']?.complianceType).toBe('COMPLIANT');
      expect(result['acl-b']?.complianceType).toBe('NON_COMPLIANT');
      expect(result['acl-b']?.annotation).toContain(
        `rule * denies NFS inbound tcp 2049 from ${V6_CLIENT} for eni-client->fsmt-b`,
      );
    });

    it('judges an IPv6-only client of a dual-stack mount target on IPv6, however its egress names the target', () => {
      const builder = standardNfs()
        .networkInterface('eni-client', { subnet: 'subnet-a', ipv6: V6_CLIENT, groups: ['sg-client'] })
        .mountTarget('fsmt-b', {
          fs: 'fs-1',
          subnet: 'subnet-b',
          ip: '10.0.2.10',
          ipv6: V6_MT,
          groups: ['sg-mt'],
        })
        .networkAcl(...ipv4OnlyAcl('acl-a', 'subnet-a'));
      const result = verdicts(builder);
      expect(result['acl-a']?.complianceType).toBe('NON_COMPLIANT');
      expect(result['acl-a']?.annotation).toContain(`rule * denies NFS outbound tcp 2049 to ${V6_MT}`);
      expect(result['acl-b']?.complianceType).toBe('COMPLIANT');
    });

    it('judges a dual-stack client of an IPv6-only mount target on IPv6', () => {
      const builder = standardNfs()
        .networkInterface('eni-client', {
          subnet: 'subnet-a',
          ip: '10.0.1.10',
          ipv6: V6_CLIENT,
          groups: ['sg-client'],
        })
        .mountTarget('fsmt-b', { fs: 'fs-1', subnet: 'subnet-b', ipv6: V6_MT, groups: ['sg-mt'] })
        .networkAcl(...ipv4OnlyAcl('acl-b', 'subnet-b'));
      const result = verdicts(builder);
      expect(result['acl-b']?.complianceType).toBe('NON_COMPLIANT');
      expect(result['acl-b']?.annotation).toContain(`from ${V6_CLIENT}`);
    });

    it('has no pair to judge when the client and mount target share no address family', () => {
      const builder = standardNfs()
        .networkInterface('eni-client', { subnet: 'subnet-a', ipv6: V6_CLIENT, groups: ['sg-client'] })
        .networkAcl('acl-a', { subnets: ['subnet-a'], entries: [] })
        .networkAcl('acl-b', { subnets: ['subnet-b'], entries: [] });
      const result = verdicts(builder);
      expect(result['acl-a']?.complianceType).toBe('NOT_APPLICABLE');
      expect(result['acl-b']?.complianceType).toBe('NOT_APPLICABLE');
    });
  });

  it('does not judge a same-subnet pair (the ACL is not crossed)', () => {
    const builder = tight()
      .networkInterface('eni-client', { subnet: 'subnet-b', ip: '10.0.2.20', groups: ['sg-client'] })
      .networkAcl('acl-b', { subnets: ['subnet-b'], entries: [] });
    const result = verdicts(builder);
    expect(result['acl-b']?.complianceType).toBe('NOT_APPLICABLE');
    expect(result['acl-a']?.complianceType).toBe('NOT_APPLICABLE');
  });

  it('ignores pairs that security groups do not allow', () => {
    const builder = tight()
      .securityGroup('sg-client', { egress: [] })
      .networkAcl('acl-b', { subnets: ['subnet-b'], entries: [] });
    expect(verdicts(builder)['acl-b']?.complianceType).toBe('NOT_APPLICABLE');
  });

  it('honours clientPortRange (privileged ports without noresvport)', () => {
    const builder = tight();
    const result = verdicts(builder, { clientPortRange: '665-1023' });
    expect(result['acl-a']?.complianceType).toBe('NON_COMPLIANT');
    expect(result['acl-a']?.annotation).toContain('inbound tcp 665-1023 from 10.0.2.10 (port 665)');
    expect(verdicts(builder, { clientPortRange: '40000-40010' })['acl-b']?.complianceType).toBe('COMPLIANT');
  });

  it('still judges one side when the other subnet ACL is not in the topology', () => {
    const builder = tight()
      .removeNetworkAcl('acl-a')
      .networkAcl('acl-b', { subnets: ['subnet-b'], entries: [allowIn(100, '10.0.1.0/24', 2049)] });
    const result = verdicts(builder);
    expect(result['acl-a']).toBeUndefined();
    expect(result['acl-b']?.complianceType).toBe('NON_COMPLIANT');
  });

  it('is NOT_APPLICABLE for an ACL on no pair path', () => {
    const builder = tight()
      .subnet('subnet-c', 'vpc-1', '10.0.3.0/24')
      .networkAcl('acl-c', { subnets: ['subnet-c'], entries: allowAllEntries() });
    expect(verdicts(builder)['acl-c']?.complianceType).toBe('NOT_APPLICABLE');
  });

  it.each([
    [{ clientPortRange: '60999-32768' }, 'from-port 60999 exceeds to-port 32768'],
    [{ clientPortRange: '32768-70000' }, 'ports must be 0-65535'],
    [{ clientPortRange: 'ephemeral' }, 'expected a port range'],
  ])('rejects %o', (raw, detail) => {
    expect(() => rule.parseParameters(raw)).toThrow(InvalidParametersError);
    expect(() => rule.parseParameters(raw)).toThrow(`invalid parameter clientPortRange: ${detail}`);
  });

  it('defaults clientPortRange to 32768-60999', () => {
    expect(rule.parseParameters({ clientPortRange: '' })).toEqual({
      clientPortRange: { from: 32768, to: 60999 },
    });
  });
});

function aclFreeEgressV6() {
  return {
    protocol: 'tcp' as const,
    ports: { from: 2049, to: 2049 },
    peer: { kind: 'cidr' as const, cidr: '2600:1f18:aaaa:bb02::/64' },
  };
}
