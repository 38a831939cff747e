import { EfsguardError } from '../errors';

/**
 * A rule that judges IAM resources was given a topology without IAM state. It throws rather than answer:
 * a rule never reports COMPLIANT for what it could not see.
 */
export class IamStateNotLoadedError extends EfsguardError {
  override readonly name = 'IamStateNotLoadedError';
  constructor(readonly ruleId: string) {
    super(
      `${ruleId}: IAM state was not loaded (topology.iam is absent); load IAM policies, roles, users and groups ` +
        'in the region where AWS Config records IAM resources',
    );
  }
}
