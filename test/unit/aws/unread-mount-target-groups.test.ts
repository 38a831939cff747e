// A mount target that shows no security groups: AWS requires 1-5 per mount target, so none means they
// could not be read. The whole-region load falls back to the mount target's interface groups, and when
// those are missing too the file system is NON_COMPLIANT, never COMPLIANT.
import { EC2Client } from '@aws-sdk/client-ec2';
import { EFSClient } from '@aws-sdk/client-efs';
import { IAMClient } from '@aws-sdk/client-iam';
import { STSClient } from '@aws-sdk/client-sts';
import { loadRegion } from '../../../aws/load/region';
import type { AwsClients } from '../../../aws/sdk/clients';
import type { Snapshot } from '../../../aws/snapshot/format';
import { normaliseSnapshot } from '../../../aws/snapshot/normalise';
import { ALL } from '../../../core/model';
import { efsMountTargetNfsIngress } from '../../../core/rules/efs-mount-target-nfs-ingress';
import { REGION } from '../../helpers/accounts';
import { FakeAccount, fromCidr, nfs } from '../../helpers/fake-account';
import { installFakeAws } from '../../helpers/fake-aws';

const clients: AwsClients = {
  ec2: new EC2Client({ region: REGION }),
  efs: new EFSClient({ region: REGION }),
  iam: new IAMClient({ region: REGION }),
  sts: new STSClient({ region: REGION }),
};

/** A world-open mount-target group whose mount target's DescribeMountTargetSecurityGroups answers []. */
function worldOpenButUnread(interfaceGroups: string[]): Snapshot {
  const account = new FakeAccount()
    .vpc('vpc-1', '10.0.0.0/16')
    .subnet('subnet-1', 'vpc-1', '10.0.1.0/24')
    .group('sg-open', 'vpc-1', { ingress: [nfs(fromCidr('0.0.0.0/0'))] })
    .fileSystem('fs-1')
    .mountTarget('fs-1', 'fsmt-1', 'subnet-1', ['sg-open'])
    .setInterfaceGroups('eni-1', interfaceGroups);
  const snapshot = account.snapshot();
  for (const mt of snapshot.fileSystems[0]?.MountTargets ?? []) mt.SecurityGroups = [];
  return snapshot;
}

async function scan(snapshot: Snapshot) {
  const fake = installFakeAws(snapshot);
  const progress: string[] = [];
  try {
    const loaded = await loadRegion(clients, {
      parts: ['network'],
      accountId: snapshot.accountId,
      onProgress: (line) => progress.push(line),
    });
    const evaluations = efsMountTargetNfsIngress.evaluate(normaliseSnapshot(loaded), ALL);
    return { loaded, evaluations, progress };
  } finally {
    fake.restore();
  }
}

describe('a mount target that shows no security groups', () => {
  it("is judged by its interface's groups: the world-open group makes the file system NON_COMPLIANT", async () => {
    const { loaded, evaluations, progress } = await scan(worldOpenButUnread(['sg-open']));
    expect(loaded.fileSystems[0]?.MountTargets[0]?.SecurityGroups).toEqual(['sg-open']);
    expect(evaluations.find((e) => e.resourceId === 'fs-1')?.complianceType).toBe('NON_COMPLIANT');
    expect(evaluations.find((e) => e.resourceId === 'sg-open')?.complianceType).toBe('NON_COMPLIANT');
    expect(progress).toContain(
      "mount target fsmt-1 showed no security groups; using its interface's (sg-open)",
    );
  });

  it('makes the file system NON_COMPLIANT when the interface shows none either', async () => {
    const { evaluations } = await scan(worldOpenButUnread([]));
    const fs = evaluations.find((e) => e.resourceId === 'fs-1');
    expect(fs?.complianceType).toBe('NON_COMPLIANT');
    expect(fs?.annotation).toContain('the security groups of fsmt-1 could not be read');
  });
});
