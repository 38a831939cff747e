import { InvalidParametersError } from '../../../../core/errors';
import { ALL } from '../../../../core/model';
import { efsClientNfsEgress as rule } from '../../../../core/rules/efs-client-nfs-egress';
import {
  allTraffic,
  cidr,
  perm,
  pl,
  sgRef,
  standardNfs,
  type TopologyBuilder,
  tcp,
} from '../../../fixtures/topology-builder';
import { OTHER_ACCOUNT } from '../../../helpers/accounts';

function verdictOf(builder: TopologyBuilder, params: Record<string, unknown> = {}, id = 'eni-client') {
  const found = rule.evaluate(builder.build(), ALL, params).find((e) => e.resourceId === id);
  if (!found) throw new Error(`no evaluation for ${id}`);
  return found;
}

describe('efs-client-nfs-egress', () => {
  it.each([
    ['egress to the mount-target group', [tcp(2049, sgRef('sg-mt'))], 'COMPLIANT', ''],
    ['default allow-all egress', [allTraffic(cidr('0.0.0.0/0'))], 'COMPLIANT', ''],
    ['egress to the mount target subnet', [tcp(2049, cidr('10.0.2.0/24'))], 'COMPLIANT', ''],
    ['egress range spanning 2049', [tcp([2000, 3000], cidr('10.0.0.0/16'))], 'COMPLIANT', ''],
    ['egress via a resolved prefix list', [tcp(2049, pl('pl-mt'))], 'COMPLIANT', ''],
    [
      'no egress at all',
      [],
      'NON_COMPLIANT',
      'egress of sg-client does not allow tcp 2049 to fs-1 (10.0.2.10)',
    ],
    [
      'egress toward the wrong subnet',
      [tcp(2049, cidr('10.0.3.0/24'))],
      'NON_COMPLIANT',
      'to fs-1 (10.0.2.10)',
    ],
    [
      'udp 2049 egress only',
      [perm('udp', 2049, cidr('0.0.0.0/0'))],
      'NON_COMPLIANT',
      'does not allow tcp 2049',
    ],
    [
      'only via an unresolvable prefix list',
      [tcp(2049, pl('pl-gone'))],
      'NON_COMPLIANT',
      'prefix lists cannot be resolved: sg-client -> pl-gone',
    ],
  ] as const)('%s -> %s', (_label, egress, expected, annotation) => {
    const builder = standardNfs()
      .prefixList('pl-mt', ['10.0.2.0/28'])
      .securityGroup('sg-client', { egress: [...egress] });
    const evaluation = verdictOf(builder);
    expect(evaluation.complianceType).toBe(expected);
    if (annotation) {
      expect(evaluation.annotation).toContain(annotation);
      expect(evaluation.annotation).toContain(
        "Add an outbound rule for tcp 2049 to the mount targets' security group",
      );
    }
  });

  it('accepts egress allowed only through a second group on the interface', () => {
    const builder = standardNfs()
      .securityGroup('sg-client', { egress: [] })
      .securityGroup('sg-egress', { egress: [tcp(2049, sgRef('sg-mt'))] })
      .networkInterface('eni-client', {
        subnet: 'subnet-a',
        ip: '10.0.1.10',
        groups: ['sg-client', 'sg-egress'],
      });
    expect(verdictOf(builder).complianceType).toBe('COMPLIANT');
    expect(verdictOf(builder.securityGroup('sg-egress', {})).complianceType).toBe('NON_COMPLIANT');
  });

  it('reaches an IPv6-only path when egress names the mount target IPv6 address', () => {
    const builder = standardNfs()
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
      .securityGroup('sg-client', { egress: [tcp(2049, cidr('2600:1f18:aaaa:bb02::/64'))] });
    expect(verdictOf(builder).complianceType).toBe('COMPLIANT');
  });

  it('does not count egress to the mount target IPv6 address when the client has no IPv6 address', () => {
    // Without an IPv6 address of its own the client cannot send IPv6 packets: only the IPv4 path counts.
    const builder = standardNfs()
      .mountTarget('fsmt-b', {
        fs: 'fs-1',
        subnet: 'subnet-b',
        ip: '10.0.2.10',
        ipv6: '2600:1f18:aaaa:bb02::10',
        groups: ['sg-mt'],
      })
      .securityGroup('sg-client', { egress: [tcp(2049, cidr('::/0'))] });
    const evaluation = verdictOf(builder);
    expect(evaluation.complianceType).toBe('NON_COMPLIANT');
    expect(evaluation.annotation).toContain(
      'egress of sg-client does not allow tcp 2049 to fs-1 (10.0.2.10)',
    );
    const dualStack = builder.networkInterface('eni-client', {
      subnet: 'subnet-a',
      ip: '10.0.1.10',
      ipv6: '2600:1f18:aaaa:bb01::10',
      groups: ['sg-client'],
    });
    expect(verdictOf(dualStack).complianceType).toBe('COMPLIANT');
  });

  describe('IPv6-only clients and mount targets', () => {
    const V6_CLIENT = '2600:1f18:aaaa:bb01::10';
    const V6_MT = '2600:1f18:aaaa:bb02::10';
    const v6OnlyClient = { subnet: 'subnet-a', ipv6: V6_CLIENT, groups: ['sg-client'] };
    const dualStackClient = { ...v6OnlyClient, ip: '10.0.1.10' };
    const dualStackMt = { fs: 'fs-1', subnet: 'subnet-b', ip: '10.0.2.10', ipv6: V6_MT, groups: ['sg-mt'] };
    const v6OnlyMt = { fs: 'fs-1', subnet: 'subnet-b', ipv6: V6_MT, groups: ['sg-mt'] };

    it.each([
      [
        'an IPv6-only client, dual-stack mount target, egress to its group',
        v6OnlyClient,
        dualStackMt,
        tcp(2049, sgRef('sg-mt')),
        'COMPLIANT',
      ],
      [
        'an IPv6-only client, dual-stack mount target, egress to its IPv6 subnet',
        v6OnlyClient,
        dualStackMt,
        tcp(2049, cidr('2600:1f18:aaaa:bb02::/64')),
        'COMPLIANT',
      ],
      // The client has no IPv4 address: it cannot send to the mount target's IPv4 address.
      [
        'an IPv6-only client, dual-stack mount target, egress to its IPv4 subnet only',
        v6OnlyClient,
        dualStackMt,
        tcp(2049, cidr('10.0.2.0/24')),
        'NON_COMPLIANT',
      ],
      [
        'a dual-stack client, IPv6-only mount target, egress to its group',
        dualStackClient,
        v6OnlyMt,
        tcp(2049, sgRef('sg-mt')),
        'COMPLIANT',
      ],
      [
        'a dual-stack client, IPv6-only mount target, egress to ::/0',
        dualStackClient,
        v6OnlyMt,
        tcp(2049, cidr('::/0')),
        'COMPLIANT',
      ],
      [
        'a dual-stack client, IPv6-only mount target, egress to 0.0.0.0/0 only',
        dualStackClient,
        v6OnlyMt,
        tcp(2049, cidr('0.0.0.0/0')),
        'NON_COMPLIANT',
      ],
      [
        'an IPv6-only client and mount target, all egress',
        v6OnlyClient,
        v6OnlyMt,
        allTraffic(cidr('::/0')),
        'COMPLIANT',
      ],
    ] as const)('%s -> %s', (_label, client, mt, egress, expected) => {
      const builder = standardNfs()
        .networkInterface('eni-client', client)
        .mountTarget('fsmt-b', mt)
        .securityGroup('sg-client', { egress: [egress] });
      const evaluation = verdictOf(builder);
      expect(evaluation.complianceType).toBe(expected);
      if (expected === 'NON_COMPLIANT') {
        // Named by the address the client could use: IPv6 when that is the only family both have.
        expect(evaluation.annotation).toContain(`does not allow tcp 2049 to fs-1 (${V6_MT})`);
      }
    });

    it('judges an IPv6-only client admitted by an IPv4-only mount target unreachable: no common family', () => {
      // Even egress to the mount target's own group cannot help: there is no address to send to.
      const builder = standardNfs()
        .networkInterface('eni-client', v6OnlyClient)
        .securityGroup('sg-client', { egress: [tcp(2049, sgRef('sg-mt')), allTraffic(cidr('0.0.0.0/0'))] });
      const evaluation = verdictOf(builder);
      expect(evaluation.complianceType).toBe('NON_COMPLIANT');
      expect(evaluation.annotation).toBe(
        'no common address family with fs-1: the client is IPv6-only and fsmt-b is IPv4-only. ' +
          'Create dual-stack mount targets (the IP address type is fixed at creation), or give the client an address of their family.',
      );
      // Scope findings join the family finding; the advice still addresses the family.
      const strict = verdictOf(builder, { requireScopedEgress: true });
      expect(strict.annotation).toBe(
        'no common address family with fs-1: the client is IPv6-only and fsmt-b is IPv4-only; ' +
          'sg-client allows outbound NFS to 0.0.0.0/0. ' +
          'Create dual-stack mount targets (the IP address type is fixed at creation), or give the client an address of their family.',
      );
    });

    it('names every mount target of the file system that shares no family with the client', () => {
      const builder = standardNfs()
        .subnet('subnet-c', 'vpc-1', '10.0.3.0/24')
        .mountTarget('fsmt-c', { fs: 'fs-1', subnet: 'subnet-c', ip: '10.0.3.10', groups: ['sg-mt'] })
        .networkInterface('eni-client', v6OnlyClient);
      expect(verdictOf(builder).annotation).toContain(
        'no common address family with fs-1: the client is IPv6-only and fsmt-b, fsmt-c are IPv4-only.',
      );
    });

    it('judges an IPv4-only client admitted by an IPv6-only mount target unreachable: no common family', () => {
      const builder = standardNfs()
        .mountTarget('fsmt-b', v6OnlyMt)
        .securityGroup('sg-client', { egress: [allTraffic(cidr('0.0.0.0/0')), allTraffic(cidr('::/0'))] });
      const evaluation = verdictOf(builder);
      expect(evaluation.complianceType).toBe('NON_COMPLIANT');
      expect(evaluation.annotation).toContain(
        'no common address family with fs-1: the client is IPv4-only and fsmt-b is IPv6-only',
      );
    });

    it('is reached through another mount target of the file system that shares a family', () => {
      const builder = standardNfs()
        .subnet('subnet-c', 'vpc-1', ['10.0.3.0/24', '2600:1f18:aaaa:bb03::/64'])
        .networkInterface('eni-client', v6OnlyClient)
        .mountTarget('fsmt-c', {
          fs: 'fs-1',
          subnet: 'subnet-c',
          ipv6: '2600:1f18:aaaa:bb03::10',
          groups: ['sg-mt'],
        });
      expect(verdictOf(builder).complianceType).toBe('COMPLIANT');
      // Blocking egress to fsmt-c leaves both reasons in the annotation.
      const blocked = verdictOf(
        builder.securityGroup('sg-client', { egress: [tcp(2049, cidr('10.0.0.0/16'))] }),
      );
      expect(blocked.complianceType).toBe('NON_COMPLIANT');
      expect(blocked.annotation).toContain(
        'egress of sg-client does not allow tcp 2049 to fs-1 (2600:1f18:aaaa:bb03::10); ' +
          'no common address family with fs-1: the client is IPv6-only and fsmt-b is IPv4-only.',
      );
      expect(blocked.annotation).toContain(
        "Add an outbound rule for tcp 2049 to the mount targets' security group",
      );
    });
  });

  it('needs one reachable mount target per file system and names each unreachable file system', () => {
    const builder = standardNfs()
      .subnet('subnet-c', 'vpc-1', '10.0.3.0/24')
      .mountTarget('fsmt-c', { fs: 'fs-1', subnet: 'subnet-c', ip: '10.0.3.10', groups: ['sg-mt'] })
      .mountTarget('fsmt-2', { fs: 'fs-2', subnet: 'subnet-c', ip: '10.0.3.20', groups: ['sg-mt'] })
      .securityGroup('sg-client', { egress: [tcp(2049, cidr('10.0.3.10/32'))] });
    const evaluation = verdictOf(builder);
    expect(evaluation.complianceType).toBe('NON_COMPLIANT');
    expect(evaluation.annotation).toBe(
      'egress of sg-client does not allow tcp 2049 to fs-2 (10.0.3.20). ' +
        "Add an outbound rule for tcp 2049 to the mount targets' security group on one of the client's groups.",
    );
  });

  it('names a client group that cannot be resolved when nothing else reaches the mount target', () => {
    const builder = standardNfs()
      .securityGroup('sg-client', { egress: [] })
      .networkInterface('eni-client', {
        subnet: 'subnet-a',
        ip: '10.0.1.10',
        groups: ['sg-client', 'sg-gone'],
      });
    expect(verdictOf(builder).annotation).toContain('groups cannot be resolved: sg-gone');
  });

  it('flags world-open NFS egress only with requireScopedEgress', () => {
    const builder = standardNfs().securityGroup('sg-client', {
      egress: [allTraffic(cidr('0.0.0.0/0')), tcp(2049, cidr('::/0'))],
    });
    expect(verdictOf(builder).complianceType).toBe('COMPLIANT');
    const strict = verdictOf(builder, { requireScopedEgress: 'true' });
    expect(strict.complianceType).toBe('NON_COMPLIANT');
    expect(strict.annotation).toBe(
      "sg-client allows outbound NFS to 0.0.0.0/0; sg-client allows outbound NFS to ::/0. Scope outbound NFS to the mount targets' security group.",
    );
    expect(verdictOf(standardNfs(), { requireScopedEgress: true }).complianceType).toBe('COMPLIANT');
  });

  it('with requireScopedEgress, does not pass NFS egress through a prefix list it cannot read', () => {
    // The list may hold 0.0.0.0/0: the scope cannot be checked, so it is never COMPLIANT.
    const builder = standardNfs().securityGroup('sg-client', {
      egress: [tcp(2049, sgRef('sg-mt')), tcp(2049, pl('pl-gone'))],
    });
    expect(verdictOf(builder).complianceType).toBe('COMPLIANT');
    const strict = verdictOf(builder, { requireScopedEgress: true });
    expect(strict.complianceType).toBe('NON_COMPLIANT');
    expect(strict.annotation).toBe(
      "cannot check egress scope: sg-client allows outbound NFS to prefix list pl-gone, which cannot be resolved. Scope outbound NFS to the mount targets' security group.",
    );
  });

  it.each([
    ['a mount target interface', standardNfs(), 'eni-fsmt-b'],
    [
      'an interface no mount target admits',
      standardNfs()
        .securityGroup('sg-other')
        .networkInterface('eni-other', { subnet: 'subnet-a', ip: '10.0.1.11', groups: ['sg-other'] }),
      'eni-other',
    ],
    [
      'an interface in a group referenced only by another account form',
      standardNfs().securityGroup('sg-mt', { ingress: [tcp(2049, sgRef('sg-client', OTHER_ACCOUNT))] }),
      'eni-client',
    ],
    [
      'an interface admitted only over udp',
      standardNfs().securityGroup('sg-mt', { ingress: [perm('udp', 2049, sgRef('sg-client'))] }),
      'eni-client',
    ],
  ])('judges %s NOT_APPLICABLE', (_label, builder, id) => {
    expect(verdictOf(builder, {}, id).complianceType).toBe('NOT_APPLICABLE');
  });

  it('admits clients through a self-referencing mount-target group', () => {
    const builder = standardNfs()
      .securityGroup('sg-mt', { ingress: [tcp(2049, sgRef('sg-mt'))] })
      .networkInterface('eni-peer', { subnet: 'subnet-a', ip: '10.0.1.20', groups: ['sg-mt'] });
    expect(verdictOf(builder, {}, 'eni-peer').complianceType).toBe('NON_COMPLIANT');
  });

  it('rejects malformed parameters', () => {
    expect(() => rule.parseParameters({ requireScopedEgress: 'maybe' })).toThrow(InvalidParametersError);
    expect(() => rule.parseParameters({ requireScoped: 'true' })).toThrow(
      'known parameters: requireScopedEgress',
    );
  });
});
