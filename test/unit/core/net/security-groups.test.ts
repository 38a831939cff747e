import type { MountTarget } from '../../../../core/model';
import { matchGroupsTcp, type PeerTarget } from '../../../../core/net/security-groups';

/** The mount target as the other end of a client's egress permission sees it. */
const targetOfMountTarget = (
  mt: Pick<MountTarget, 'ipAddress' | 'ipv6Address' | 'securityGroupIds'>,
): PeerTarget => ({
  addresses: [mt.ipAddress, mt.ipv6Address].filter((address): address is string => address !== undefined),
  groupIds: mt.securityGroupIds,
});

import { indexTopology } from '../../../../core/topology-index';
import { cidr, perm, pl, sgRef, standardNfs, tcp } from '../../../fixtures/topology-builder';

describe('matchGroupsTcp', () => {
  const base = () => standardNfs().prefixList('pl-good', ['10.0.2.0/24']);
  const mt = { ipAddress: '10.0.2.10', ipv6Address: '2600:1f18:aaaa:bb02::10', securityGroupIds: ['sg-mt'] };

  it('matches a group reference through the target interface groups', () => {
    const index = indexTopology(base().build());
    const result = matchGroupsTcp(index, ['sg-client'], 'egress', 2049, targetOfMountTarget(mt));
    expect(result.allowed).toBe(true);
    expect(result.matched?.groupId).toBe('sg-client');
  });

  it.each([
    ['a CIDR containing the IPv4 address', tcp(2049, cidr('10.0.2.0/24')), true],
    ['a CIDR containing only the IPv6 address', tcp(2049, cidr('2600:1f18:aaaa:bb02::/64')), true],
    ['a CIDR of the wrong subnet', tcp(2049, cidr('10.0.3.0/24')), false],
    ['a resolved prefix list', tcp(2049, pl('pl-good')), true],
    ['udp 2049', perm('udp', 2049, cidr('0.0.0.0/0')), false],
    ['a reference to another group', tcp(2049, sgRef('sg-other')), false],
  ])('%s -> %p', (_label, permission, allowed) => {
    const index = indexTopology(
      base()
        .securityGroup('sg-client', { egress: [permission] })
        .build(),
    );
    expect(matchGroupsTcp(index, ['sg-client'], 'egress', 2049, targetOfMountTarget(mt)).allowed).toBe(
      allowed,
    );
  });

  it('reports an unresolvable prefix list and a missing group instead of guessing', () => {
    const index = indexTopology(
      base()
        .securityGroup('sg-client', { egress: [tcp(2049, pl('pl-gone'))] })
        .build(),
    );
    const result = matchGroupsTcp(
      index,
      ['sg-client', 'sg-missing'],
      'egress',
      2049,
      targetOfMountTarget(mt),
    );
    expect(result.allowed).toBe(false);
    expect(result.unresolved.map((u) => u.reference)).toEqual(['pl-gone']);
    expect(result.missingGroups).toEqual(['sg-missing']);
  });

  it('unions several groups: the second group can allow what the first does not', () => {
    const index = indexTopology(
      base()
        .securityGroup('sg-client', { egress: [] })
        .securityGroup('sg-second', { egress: [tcp([2000, 2100], cidr('10.0.0.0/16'))] })
        .build(),
    );
    const result = matchGroupsTcp(index, ['sg-client', 'sg-second'], 'egress', 2049, targetOfMountTarget(mt));
    expect(result.matched?.groupId).toBe('sg-second');
  });
});
