import { InvalidParametersError } from '../../../../core/errors';
import { type AccessPoint, ALL, type Evaluation, type PosixUser } from '../../../../core/model';
import { efsAccessPointPosixIdentity } from '../../../../core/rules/efs-access-point-posix-identity';
import { topology } from '../../../fixtures/topology-builder';
import { ACCOUNT, REGION } from '../../../helpers/accounts';

function accessPoint(id: string, rootDirectory: string, posixUser?: PosixUser): AccessPoint {
  return {
    accessPointId: id,
    accessPointArn: `arn:aws:elasticfilesystem:${REGION}:${ACCOUNT}:access-point/${id}`,
    fileSystemId: 'fs-1',
    ownerId: ACCOUNT,
    rootDirectory,
    ...(posixUser ? { posixUser } : {}),
  };
}
const user = (uid: number, gid: number, secondaryGids: number[] = []): PosixUser => ({
  uid,
  gid,
  secondaryGids,
});

function judge(ap: AccessPoint, params: Record<string, unknown> = {}): Evaluation {
  const topo = { ...topology().fileSystem('fs-1').build(), accessPoints: [ap] };
  const [evaluation] = efsAccessPointPosixIdentity.evaluate(topo, ALL, params) as [Evaluation];
  return evaluation;
}

describe('efs-access-point-posix-identity', () => {
  it('is COMPLIANT for a non-root POSIX user and an application directory', () => {
    expect(judge(accessPoint('fsap-1', '/apps/web', user(1001, 1001)))).toEqual({
      rule: 'efs-access-point-posix-identity',
      resourceType: 'AWS::EFS::AccessPoint',
      resourceId: 'fsap-1',
      complianceType: 'COMPLIANT',
    });
  });

  it('flags an access point with no POSIX user and root directory /', () => {
    const evaluation = judge(accessPoint('fsap-1', '/'));
    expect(evaluation.complianceType).toBe('NON_COMPLIANT');
    expect(evaluation.annotation).toBe(
      "Access point enforces no POSIX user: clients act as any uid they assert, root included; has root directory '/': " +
        'it exposes the whole file system. Recreate it with a non-root POSIX user and an application directory.',
    );
  });

  it("treats '//' and '/apps/' as normalised paths", () => {
    expect(judge(accessPoint('fsap-1', '//', user(1000, 1000))).annotation).toMatch(
      /has root directory '\/'/,
    );
    expect(
      judge(accessPoint('fsap-1', '/apps/', user(1000, 1000)), { approvedDirectories: '/apps' })
        .complianceType,
    ).toBe('COMPLIANT');
  });

  it('refuses uid 0 and gid 0 (primary or secondary) unless approved explicitly', () => {
    expect(judge(accessPoint('fsap-1', '/data', user(0, 1000))).annotation).toMatch(
      /^Access point enforces uid 0 \(root\)\./,
    );
    expect(judge(accessPoint('fsap-1', '/data', user(1000, 1000, [0]))).annotation).toMatch(
      /^Access point enforces gid 0 \(root group\)\./,
    );
    expect(
      judge(accessPoint('fsap-1', '/data', user(0, 0)), { approvedUids: '0', approvedGids: '0' })
        .complianceType,
    ).toBe('COMPLIANT');
  });

  it('checks approved uid, gid and directory lists', () => {
    const params = {
      approvedUids: '1000, 1001',
      approvedGids: ['1000'],
      approvedDirectories: '/apps/*,/shared',
    };
    expect(judge(accessPoint('fsap-1', '/apps/web', user(1001, 1000)), params).complianceType).toBe(
      'COMPLIANT',
    );
    expect(judge(accessPoint('fsap-1', '/shared', user(1000, 1000)), params).complianceType).toBe(
      'COMPLIANT',
    );
    expect(judge(accessPoint('fsap-1', '/apps', user(1000, 1000)), params).annotation).toMatch(
      /^Access point has root directory \/apps, not in approvedDirectories\./,
    );
    expect(judge(accessPoint('fsap-1', '/shared/sub', user(1000, 1000)), params).annotation).toMatch(
      /\/shared\/sub, not in approvedDirectories/,
    );
    expect(
      judge(accessPoint('fsap-1', '/apps/web', user(2000, 1000, [1000, 3000])), params).annotation,
    ).toMatch(
      /^Access point enforces uid 2000, not in approvedUids; enforces gid 3000, not in approvedGids\./,
    );
  });

  it('rejects malformed parameters by name', () => {
    expect(() => efsAccessPointPosixIdentity.parseParameters({ approvedUids: '1000,abc' })).toThrow(
      InvalidParametersError,
    );
    expect(() => efsAccessPointPosixIdentity.parseParameters({ approvedUids: '1000,abc' })).toThrow(
      /approvedUids: "abc" is not a POSIX id/,
    );
    expect(() => efsAccessPointPosixIdentity.parseParameters({ approvedDirectories: 'apps' })).toThrow(
      /approvedDirectories: "apps" is not an absolute path/,
    );
    expect(() => efsAccessPointPosixIdentity.parseParameters({ approvedDirectories: '/a*b' })).toThrow(
      /only a trailing/,
    );
    expect(() => efsAccessPointPosixIdentity.parseParameters({ approvedUsers: '1' })).toThrow(
      /unknown parameter/,
    );
  });

  it('reports access-point seeds only, in order, and missing ones as NOT_APPLICABLE', () => {
    const topo = {
      ...topology().fileSystem('fs-1').build(),
      accessPoints: [accessPoint('fsap-b', '/b', user(1, 1)), accessPoint('fsap-a', '/')],
    };
    expect(
      efsAccessPointPosixIdentity.evaluate(topo, ALL).map((e) => [e.resourceId, e.complianceType]),
    ).toEqual([
      ['fsap-a', 'NON_COMPLIANT'],
      ['fsap-b', 'COMPLIANT'],
    ]);
    const seeded = efsAccessPointPosixIdentity.evaluate(topo, {
      kind: 'seeds',
      seeds: [
        { resourceType: 'AWS::EFS::AccessPoint', resourceId: 'fsap-gone' },
        { resourceType: 'AWS::EFS::FileSystem', resourceId: 'fs-1' },
        { resourceType: 'AWS::EFS::AccessPoint', resourceId: 'fsap-b' },
      ],
    });
    expect(seeded.map((e) => [e.resourceId, e.complianceType, e.annotation])).toEqual([
      ['fsap-b', 'COMPLIANT', undefined],
      ['fsap-gone', 'NOT_APPLICABLE', 'The access point no longer exists.'],
    ]);
  });
});
