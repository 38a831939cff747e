// Judging several account-regions: every verdict of a rule reaches its account, however many there are.
import { emptySnapshot } from '../../../aws/snapshot/format';
import { evaluateTargets } from '../../../cli/targets';
import type { Evaluation } from '../../../core/model';
import { efsClientNfsEgress } from '../../../core/rules/efs-client-nfs-egress';
import { ACCOUNT } from '../../helpers/accounts';

describe('evaluateTargets', () => {
  it('keeps every verdict of a rule that judges 300,000 resources of one account', () => {
    // An account with that many interfaces: one rule's verdicts for it, more than a spread into
    // push() can pass as arguments (V8 refuses from about 130,000).
    const verdicts: Evaluation[] = Array.from({ length: 300_000 }, (_, i) => ({
      rule: efsClientNfsEgress.id,
      resourceType: 'AWS::EC2::NetworkInterface',
      resourceId: `eni-${String(i).padStart(17, '0')}`,
      complianceType: 'NOT_APPLICABLE',
    }));
    const [result] = evaluateTargets(
      [{ accountId: ACCOUNT, region: 'eu-west-1', snapshot: emptySnapshot(ACCOUNT, 'eu-west-1') }],
      [{ rule: efsClientNfsEgress, evaluate: () => verdicts }],
    );
    expect(result?.evaluations).toHaveLength(300_000);
    expect(result?.evaluations[299_999]).toBe(verdicts[299_999]);
  });
});
