import { InvalidParametersError } from '../../../../core/errors';
import { ALL, type Permission } from '../../../../core/model';
import { normaliseProtocol } from '../../../../core/net/protocol';
import { efsMountTargetNfsIngress as rule } from '../../../../core/rules/efs-mount-target-nfs-ingress';
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

const SG = 'AWS::EC2::SecurityGroup';
const FS = 'AWS::EFS::FileSystem';
const CROSS = 'sg-0aaaaaaaaaaaaaaa1';

function verdictOf(builder: TopologyBuilder, params: Record<string, unknown> = {}, id = 'sg-mt') {
  const evaluations = rule.evaluate(builder.build(), ALL, params);
  const found = evaluations.find((e) => e.resourceId === id);
  if (!found) throw new Error(`no evaluation for ${id}`);
  return found;
}

const withMtIngress = (...ingress: Permission[]) => standardNfs().securityGroup('sg-mt', { ingress });

describe('efs-mount-target-nfs-ingress: mount-target group verdicts', () => {
  it.each<[string, Permission[], 'COMPLIANT' | 'NON_COMPLIANT', string]>([
    ['same-account client group on tcp 2049', [tcp(2049, sgRef('sg-client'))], 'COMPLIANT', ''],
    [
      "'6' normalised to tcp (same as 'tcp')",
      [perm(normaliseProtocol('6'), 2049, sgRef('sg-client'))],
      'COMPLIANT',
      '',
    ],
    ['self reference', [tcp(2049, sgRef('sg-mt'))], 'COMPLIANT', ''],
    ['CIDR inside the VPC', [tcp(2049, cidr('10.0.1.0/24'))], 'COMPLIANT', ''],
    ['IPv6 CIDR inside the VPC', [tcp(2049, cidr('2600:1f18:aaaa:bb01::/64'))], 'COMPLIANT', ''],
    [
      'world-open IPv4',
      [tcp(2049, cidr('0.0.0.0/0'))],
      'NON_COMPLIANT',
      'sg-mt allows tcp 2049 from 0.0.0.0/0',
    ],
    ['world-open IPv6', [tcp(2049, cidr('::/0'))], 'NON_COMPLIANT', 'sg-mt allows tcp 2049 from ::/0'],
    [
      'all traffic from the client group',
      [allTraffic(sgRef('sg-client'))],
      'NON_COMPLIANT',
      'sg-mt allows all traffic from sg-client, wider than tcp 2049',
    ],
    [
      'a tcp range spanning 2049',
      [tcp([2000, 2100], sgRef('sg-client'))],
      'NON_COMPLIANT',
      'sg-mt allows tcp 2000-2100 from sg-client, wider than tcp 2049',
    ],
    [
      'udp 2049 is not NFS: unused',
      [tcp(2049, sgRef('sg-client')), perm('udp', 2049, cidr('0.0.0.0/0'))],
      'NON_COMPLIANT',
      'sg-mt has unused inbound udp 2049 from 0.0.0.0/0',
    ],
    [
      'protocol 47 never covers NFS',
      [tcp(2049, sgRef('sg-client')), perm(47, undefined, cidr('10.0.0.0/16'))],
      'NON_COMPLIANT',
      'sg-mt has unused inbound protocol 47 from 10.0.0.0/16',
    ],
    [
      'unused ssh rule',
      [tcp(2049, sgRef('sg-client')), tcp(22, cidr('10.0.0.0/16'))],
      'NON_COMPLIANT',
      'sg-mt has unused inbound tcp 22 from 10.0.0.0/16',
    ],
    [
      'CIDR straddling the VPC',
      [tcp(2049, cidr('10.0.0.0/8'))],
      'NON_COMPLIANT',
      'sg-mt allows tcp 2049 from 10.0.0.0/8 outside the VPC and allowedCidrs',
    ],
    [
      'public CIDR',
      [tcp(2049, cidr('203.0.113.0/24'))],
      'NON_COMPLIANT',
      'sg-mt allows tcp 2049 from 203.0.113.0/24 outside the VPC',
    ],
    ['prefix list with only VPC entries', [tcp(2049, pl('pl-good'))], 'COMPLIANT', ''],
    [
      'prefix list with a public entry',
      [tcp(2049, pl('pl-bad'))],
      'NON_COMPLIANT',
      'sg-mt allows tcp 2049 from 198.51.100.0/24 (via pl-bad) outside the VPC',
    ],
    [
      'unresolvable prefix list',
      [tcp(2049, pl('pl-gone'))],
      'NON_COMPLIANT',
      'sg-mt allows tcp 2049 from prefix list pl-gone, which cannot be resolved',
    ],
    [
      'cross-account group not listed',
      [tcp(2049, sgRef(CROSS, OTHER_ACCOUNT))],
      'NON_COMPLIANT',
      `sg-mt allows tcp 2049 from ${OTHER_ACCOUNT}/${CROSS} of another account`,
    ],
    [
      'same-account group that cannot be resolved',
      [tcp(2049, sgRef('sg-deleted'))],
      'NON_COMPLIANT',
      'sg-mt allows tcp 2049 from sg-deleted, which cannot be resolved',
    ],
  ])('%s', (_label, ingress, expected, annotation) => {
    const builder = withMtIngress(...ingress)
      .prefixList('pl-good', ['10.0.1.0/24', '10.0.3.0/24'])
      .prefixList('pl-bad', ['10.0.1.0/24', '198.51.100.0/24']);
    const evaluation = verdictOf(builder);
    expect(evaluation.complianceType).toBe(expected);
    if (annotation) expect(evaluation.annotation).toContain(annotation);
    if (expected === 'NON_COMPLIANT') {
      expect(evaluation.annotation).toMatch(/Allow only tcp 2049 from client security groups/);
      expect(evaluation.annotation?.length).toBeLessThanOrEqual(256);
    }
  });

  it('writes a full annotation naming group, permission and source and what to change', () => {
    const evaluation = verdictOf(withMtIngress(tcp(2049, cidr('0.0.0.0/0')), tcp(22, cidr('10.0.0.0/16'))));
    expect(evaluation.annotation).toBe(
      'sg-mt allows tcp 2049 from 0.0.0.0/0; sg-mt has unused inbound tcp 22 from 10.0.0.0/16. ' +
        'Allow only tcp 2049 from client security groups of this account; remove other inbound rules.',
    );
  });

  it('keeps long annotations within 256 characters and says how many findings were left out', () => {
    const many = Array.from({ length: 20 }, (_, i) => tcp(1000 + i, cidr(`10.0.${i}.0/24`)));
    const evaluation = verdictOf(withMtIngress(...many));
    expect(evaluation.annotation?.length).toBeLessThanOrEqual(256);
    expect(evaluation.annotation).toMatch(/\(\+\d+ more\)\. Allow only tcp 2049/);
  });

  it('accepts parameters that relax the checks', () => {
    const builder = withMtIngress(
      tcp(2049, cidr('192.168.0.0/24')),
      tcp(2049, sgRef(CROSS, OTHER_ACCOUNT)),
      allTraffic(sgRef('sg-client')),
      tcp(22, cidr('10.0.0.0/16')),
    );
    expect(verdictOf(builder).complianceType).toBe('NON_COMPLIANT');
    const relaxed = verdictOf(builder, {
      allowedCidrs: '192.168.0.0/16',
      allowedSourceSecurityGroups: `${OTHER_ACCOUNT}/${CROSS}`,
      allowUnusedIngress: 'TRUE',
    });
    expect(relaxed.complianceType).toBe('COMPLIANT');
    // A group listed for another account does not allow the same id from a third account.
    const wrongAccount = verdictOf(builder, {
      allowedCidrs: ['192.168.0.0/16'],
      allowedSourceSecurityGroups: [`333333333333/${CROSS}`],
      allowUnusedIngress: true,
    });
    expect(wrongAccount.complianceType).toBe('NON_COMPLIANT');
  });

  it('does not relax world-open sources with allowedCidrs entries that do not cover them', () => {
    const evaluation = verdictOf(withMtIngress(tcp(2049, cidr('0.0.0.0/0'))), {
      allowedCidrs: '192.168.0.0/16',
    });
    expect(evaluation.complianceType).toBe('NON_COMPLIANT');
  });

  it('judges groups not attached to a mount target NOT_APPLICABLE', () => {
    const evaluation = verdictOf(standardNfs(), {}, 'sg-client');
    expect(evaluation.complianceType).toBe('NOT_APPLICABLE');
  });
});

describe('efs-mount-target-nfs-ingress: file-system verdicts', () => {
  const manyMounts = () =>
    standardNfs()
      .subnet('subnet-c', 'vpc-1', '10.0.3.0/24')
      .securityGroup('sg-mt2', { ingress: [tcp(2049, sgRef('sg-client'))] })
      .mountTarget('fsmt-c', {
        fs: 'fs-1',
        subnet: 'subnet-c',
        ip: '10.0.3.10',
        groups: ['sg-mt', 'sg-mt2'],
      });

  it('is COMPLIANT when every mount target group is (several groups, several mount targets)', () => {
    expect(verdictOf(manyMounts(), {}, 'fs-1').complianceType).toBe('COMPLIANT');
  });

  it('names the offending groups when any mount target group is NON_COMPLIANT', () => {
    const builder = manyMounts().securityGroup('sg-mt2', { ingress: [tcp(2049, cidr('0.0.0.0/0'))] });
    const evaluation = verdictOf(builder, {}, 'fs-1');
    expect(evaluation.complianceType).toBe('NON_COMPLIANT');
    expect(evaluation.annotation).toContain('mount-target groups sg-mt2 admit more than NFS');
    expect(verdictOf(builder, {}, 'sg-mt').complianceType).toBe('COMPLIANT');
    expect(verdictOf(builder, {}, 'sg-mt2').complianceType).toBe('NON_COMPLIANT');
  });

  it('is NON_COMPLIANT when a mount target group cannot be resolved', () => {
    const evaluation = verdictOf(manyMounts().removeSecurityGroup('sg-mt2'), {}, 'fs-1');
    expect(evaluation.complianceType).toBe('NON_COMPLIANT');
    expect(evaluation.annotation).toContain('sg-mt2 cannot be resolved');
  });

  it('is NOT_APPLICABLE without mount targets', () => {
    expect(verdictOf(standardNfs().fileSystem('fs-empty'), {}, 'fs-empty').complianceType).toBe(
      'NOT_APPLICABLE',
    );
  });

  it('evaluates every group and file system exactly once, in a stable order', () => {
    const evaluations = rule.evaluate(manyMounts().fileSystem('fs-empty').build(), ALL);
    expect(evaluations.map((e) => `${e.resourceType} ${e.resourceId} ${e.complianceType}`)).toEqual([
      `${SG} sg-client NOT_APPLICABLE`,
      `${SG} sg-mt COMPLIANT`,
      `${SG} sg-mt2 COMPLIANT`,
      `${FS} fs-1 COMPLIANT`,
      `${FS} fs-empty NOT_APPLICABLE`,
    ]);
  });
});

describe('efs-mount-target-nfs-ingress: parameters', () => {
  it.each([
    [{ allowedCidrs: '10.0.0.0/8, 300.0.0.0/8' }, 'allowedCidrs', '300.0.0.0/8'],
    [{ allowedCidrs: '["10.0.0.0/33"]' }, 'allowedCidrs', '10.0.0.0/33'],
    // World-open NFS is always NON_COMPLIANT: listing it would be silently ignored, so it is refused.
    [{ allowedCidrs: '10.0.0.0/8, ::/0' }, 'allowedCidrs', '::/0 is world-open'],
    [{ allowedCidrs: ['0.0.0.0/0'] }, 'allowedCidrs', '0.0.0.0/0 is world-open'],
    // Blocks whose union is the whole address space are as world-open as 0.0.0.0/0 itself.
    [
      { allowedCidrs: '0.0.0.0/1,128.0.0.0/1' },
      'allowedCidrs',
      '0.0.0.0/1, 128.0.0.0/1 together cover every IPv4 address',
    ],
    [
      {
        allowedCidrs: ['10.0.0.0/8', '0.0.0.0/2', '64.0.0.0/2', '128.0.0.0/2', '192.0.0.0/3', '224.0.0.0/3'],
      },
      'allowedCidrs',
      'together cover every IPv4 address',
    ],
    [{ allowedCidrs: '::/1, 8000::/1' }, 'allowedCidrs', '::/1, 8000::/1 together cover every IPv6 address'],
    [{ allowUnusedIngress: 'yes' }, 'allowUnusedIngress', 'expected true or false'],
    [
      { allowedSourceSecurityGroups: '12345/sg-0aaaaaaaaaaaaaaa1' },
      'allowedSourceSecurityGroups',
      '12345/sg-',
    ],
    [
      { allowedCIDRs: '10.0.0.0/8' },
      'allowedCIDRs',
      'known parameters: allowedCidrs, allowedSourceSecurityGroups',
    ],
  ])('rejects %o naming %s', (raw, key, detail) => {
    expect(() => rule.parseParameters(raw)).toThrow(InvalidParametersError);
    expect(() => rule.parseParameters(raw)).toThrow(`invalid parameter ${key}`);
    expect(() => rule.parseParameters(raw)).toThrow(detail);
  });

  it('accepts blocks that leave some addresses out, even when they are large', () => {
    expect(rule.parseParameters({ allowedCidrs: '0.0.0.0/1,128.0.0.0/2,::/1' })).toMatchObject({
      allowedCidrs: ['0.0.0.0/1', '128.0.0.0/2', '::/1'],
    });
  });

  it('parses string and JSON forms alike, with defaults for absent or empty values', () => {
    expect(rule.parseParameters({})).toEqual({
      allowedCidrs: [],
      allowedSourceSecurityGroups: [],
      allowUnusedIngress: false,
    });
    expect(
      rule.parseParameters({
        allowedCidrs: ' 10.1.2.3/16 ,2001:DB8::/32',
        allowedSourceSecurityGroups: '',
        allowUnusedIngress: 'False',
      }),
    ).toEqual({
      allowedCidrs: ['10.1.0.0/16', '2001:db8::/32'],
      allowedSourceSecurityGroups: [],
      allowUnusedIngress: false,
    });
    expect(
      rule.parseParameters({
        allowedSourceSecurityGroups: ['sg-0aaaaaaaaaaaaaaa1', '222222222222/sg-0bbbbbbbbbbbbbbb2'],
      }),
    ).toMatchObject({
      allowedSourceSecurityGroups: [
        { groupId: 'sg-0aaaaaaaaaaaaaaa1' },
        { groupId: 'sg-0bbbbbbbbbbbbbbb2', userId: '222222222222' },
      ],
    });
  });
});
