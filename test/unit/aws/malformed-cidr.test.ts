// A malformed CIDR in one group, ACL entry or prefix list fails closed LOCALLY: the verdicts that depend
// on it are NON_COMPLIANT (or, for an ACL on no NFS path, NOT_APPLICABLE) with an annotation naming the
// resource, the rule and the field, and every other resource is still judged. It used to stop the
// whole scan with an InvalidCidrError that named neither the group nor the ACL, and only when the bad
// entry happened to be evaluated.
import { normaliseSnapshot } from '../../../aws/snapshot/normalise';
import { parseSnapshot } from '../../../aws/snapshot/schema';
import { ALL, type Evaluation } from '../../../core/model';
import { efsClientNfsEgress } from '../../../core/rules/efs-client-nfs-egress';
import { efsMountTargetNfsIngress } from '../../../core/rules/efs-mount-target-nfs-ingress';
import { efsNfsNetworkAcl } from '../../../core/rules/efs-nfs-network-acl';
import {
  ALLOW_ALL_ACL,
  FakeAccount,
  fromCidr,
  fromGroup,
  fromPrefixList,
  nfs,
} from '../../helpers/fake-account';

const account = new FakeAccount()
  .vpc('vpc-1', '10.0.0.0/16')
  .subnet('subnet-a', 'vpc-1', '10.0.1.0/24')
  .subnet('subnet-b', 'vpc-1', '10.0.2.0/24')
  .subnet('subnet-c', 'vpc-1', '10.0.3.0/24')
  .subnet('subnet-d', 'vpc-1', '10.0.4.0/24')
  // fs-1's group admits its clients and has a malformed inbound CIDR; fs-2's group is clean.
  .group('sg-mt', 'vpc-1', { ingress: [nfs(fromGroup('sg-client')), nfs(fromCidr('10.0.0.300/24'))] })
  .group('sg-mt2', 'vpc-1', { ingress: [nfs(fromGroup('sg-client')), nfs(fromGroup('sg-lost'))] })
  .group('sg-mt3', 'vpc-1', { ingress: [nfs(fromPrefixList('pl-0bad'))] })
  .prefixList('pl-0bad', ['10.0.1.0/24', '10.0.1.0/33'])
  .group('sg-client', 'vpc-1', { egress: [nfs(fromGroup('sg-mt')), nfs(fromGroup('sg-mt2'))] })
  // Its only outbound rule is malformed, so whether it reaches fs-2 cannot be read.
  .group('sg-lost', 'vpc-1', { egress: [nfs(fromCidr('10.0.2.0/244'))] })
  .fileSystem('fs-1')
  .mountTarget('fs-1', 'fsmt-1', 'subnet-b', ['sg-mt'])
  .fileSystem('fs-2')
  .mountTarget('fs-2', 'fsmt-2', 'subnet-b', ['sg-mt2'])
  .fileSystem('fs-3')
  .mountTarget('fs-3', 'fsmt-3', 'subnet-b', ['sg-mt3'])
  .eni('eni-client', 'subnet-a', ['sg-client'])
  .eni('eni-lost', 'subnet-a', ['sg-lost'])
  // acl-a (client side, on a path) has a malformed entry; acl-d (no NFS path) too; acl-b is clean.
  .acl(
    'acl-a',
    'vpc-1',
    ['subnet-a'],
    [
      { rule: 90, egress: false, action: 'deny', protocol: '6', cidr: '10.0.2.0/2x', ports: [0, 65535] },
      ...ALLOW_ALL_ACL,
    ],
  )
  .acl('acl-b', 'vpc-1', ['subnet-b'], ALLOW_ALL_ACL)
  .acl(
    'acl-d',
    'vpc-1',
    ['subnet-c', 'subnet-d'],
    [{ rule: 50, egress: true, action: 'deny', protocol: '-1', cidr: '300.0.0.0/8' }, ...ALLOW_ALL_ACL],
  )
  .snapshot();

const topology = normaliseSnapshot(parseSnapshot(account, 'bad.json'));
const byId = (evaluations: Evaluation[]) => new Map(evaluations.map((e) => [e.resourceId, e]));

describe('a malformed CIDR fails closed locally', () => {
  it('the snapshot still validates and normalises (schema checks shapes, the rules judge values)', () => {
    expect(topology.securityGroups.find((g) => g.groupId === 'sg-mt')?.malformed).toEqual([
      {
        direction: 'ingress',
        detail: 'IpPermissions[1].IpRanges[0].CidrIp "10.0.0.300/24" is not a valid CIDR',
      },
    ]);
  });

  it('ingress: the group with the bad rule and its file system are NON_COMPLIANT, naming rule and field', () => {
    const verdicts = byId(efsMountTargetNfsIngress.evaluate(topology, ALL));
    expect(verdicts.get('sg-mt')).toMatchObject({
      complianceType: 'NON_COMPLIANT',
      annotation: expect.stringContaining(
        'sg-mt has an inbound rule efsguard cannot read: IpPermissions[1].IpRanges[0].CidrIp "10.0.0.300/24" is not a valid CIDR',
      ),
    });
    expect(verdicts.get('fs-1')?.complianceType).toBe('NON_COMPLIANT');
    expect(verdicts.get('sg-mt3')).toMatchObject({
      complianceType: 'NON_COMPLIANT',
      annotation: expect.stringContaining('pl-0bad, whose Entries[1].Cidr "10.0.1.0/33" is not a valid CIDR'),
    });
    expect(verdicts.get('sg-mt2')?.complianceType).toBe('COMPLIANT');
    expect(verdicts.get('fs-2')?.complianceType).toBe('COMPLIANT');
  });

  it('egress: a client whose only path is an unreadable rule is NON_COMPLIANT naming it; others are judged', () => {
    const verdicts = byId(efsClientNfsEgress.evaluate(topology, ALL));
    expect(verdicts.get('eni-lost')).toMatchObject({
      complianceType: 'NON_COMPLIANT',
      annotation: expect.stringContaining(
        'outbound rules efsguard cannot read: sg-lost IpPermissionsEgress[0].IpRanges[0].CidrIp "10.0.2.0/244"',
      ),
    });
    expect(verdicts.get('eni-client')?.complianceType).toBe('COMPLIANT');
  });

  it('ACLs: on a path NON_COMPLIANT, on no path NOT_APPLICABLE, both naming the entry; the rest judged', () => {
    const verdicts = byId(efsNfsNetworkAcl.evaluate(topology, ALL));
    expect(verdicts.get('acl-a')).toMatchObject({
      complianceType: 'NON_COMPLIANT',
      annotation: expect.stringContaining(
        'rule 90 inbound (Entries[0]): CidrBlock "10.0.2.0/2x" is not a valid CIDR',
      ),
    });
    expect(verdicts.get('acl-d')).toMatchObject({
      complianceType: 'NOT_APPLICABLE',
      annotation: expect.stringContaining(
        'rule 50 outbound (Entries[0]): CidrBlock "300.0.0.0/8" is not a valid CIDR',
      ),
    });
    expect(verdicts.get('acl-b')?.complianceType).toBe('COMPLIANT');
  });
});
