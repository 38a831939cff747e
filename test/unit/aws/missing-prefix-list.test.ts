// A referenced prefix list that DescribeManagedPrefixLists does not show is missing, even where
// GetManagedPrefixListEntries answers it with no entries instead of InvalidPrefixListID.NotFound (moto
// does): it must stay unresolved, or an empty list would pass for one that admits nothing.
import { EC2Client } from '@aws-sdk/client-ec2';
import { EFSClient } from '@aws-sdk/client-efs';
import { IAMClient } from '@aws-sdk/client-iam';
import { STSClient } from '@aws-sdk/client-sts';
import { loadNeighbourhood } from '../../../aws/load/neighbourhood';
import { loadRegion } from '../../../aws/load/region';
import type { AwsClients } from '../../../aws/sdk/clients';
import type { Snapshot } from '../../../aws/snapshot/format';
import { normaliseSnapshot } from '../../../aws/snapshot/normalise';
import { ALL } from '../../../core/model';
import { efsMountTargetNfsIngress } from '../../../core/rules/efs-mount-target-nfs-ingress';
import { ACCOUNT, REGION } from '../../helpers/accounts';
import { FakeAccount, fromPrefixList, nfs } from '../../helpers/fake-account';
import { type FakeAws, installFakeAws } from '../../helpers/fake-aws';

const clients: AwsClients = {
  ec2: new EC2Client({ region: REGION }),
  efs: new EFSClient({ region: REGION }),
  iam: new IAMClient({ region: REGION }),
  sts: new STSClient({ region: REGION }),
};

const account = new FakeAccount()
  .vpc('vpc-1', '10.0.0.0/16')
  .subnet('subnet-1', 'vpc-1', '10.0.1.0/24')
  .group('sg-mt', 'vpc-1', { ingress: [nfs(fromPrefixList('pl-0gone'))] })
  .fileSystem('fs-1')
  .mountTarget('fs-1', 'fsmt-1', 'subnet-1', ['sg-mt'])
  .snapshot();

let fake: FakeAws;
beforeEach(() => {
  fake = installFakeAws(account, { missingPrefixListEntries: 'empty' });
});
afterEach(() => fake.restore());

function verdictOf(loaded: Snapshot) {
  const evaluations = efsMountTargetNfsIngress.evaluate(normaliseSnapshot(loaded), ALL);
  return evaluations.find((e) => e.resourceId === 'sg-mt');
}

describe('a referenced prefix list that does not exist', () => {
  it('stays unresolved in the whole-region load, without asking for its entries', async () => {
    const loaded = await loadRegion(clients, { parts: ['network'], accountId: ACCOUNT });
    expect(loaded.managedPrefixLists).toEqual([]);
    expect(fake.count('GetManagedPrefixListEntries')).toBe(0);
    expect(verdictOf(loaded)).toMatchObject({
      complianceType: 'NON_COMPLIANT',
      annotation: expect.stringContaining('prefix list pl-0gone, which cannot be resolved'),
    });
  });

  it('stays unresolved in the neighbourhood load of a change to the group', async () => {
    const loaded = await loadNeighbourhood(
      clients,
      [{ resourceType: 'AWS::EC2::SecurityGroup', resourceId: 'sg-mt' }],
      { accountId: ACCOUNT, region: REGION, parts: ['network'] },
    );
    expect(loaded.managedPrefixLists).toEqual([]);
    expect(verdictOf(loaded)?.complianceType).toBe('NON_COMPLIANT');
  });
});
