// The handler's own failures, and which failures retrying the same event cannot fix
// (docs/lambda.md, "Failures").

import { InvalidResultTokenError } from '../../aws/config/evaluation-sink';
import { InvalidEventError } from '../../aws/config/event';
import { AssumeRoleError } from '../../aws/sdk/credentials';
import { AccessDeniedError, awsErrorName } from '../../aws/sdk/errors';
import { EfsguardError, InvalidParametersError } from '../../core/errors';
import { InvalidWaiversError } from '../../core/waivers';

/** The invocation would outlive the Lambda timeout; what was evaluated has been posted. */
export class DeadlineExceededError extends EfsguardError {
  override readonly name = 'DeadlineExceededError';
  constructor(
    readonly stage: string,
    readonly posted: number,
    readonly remainingMs: number,
  ) {
    super(
      `time budget exhausted while ${stage}: ${remainingMs} ms left of the Lambda timeout, ${posted} evaluation(s) posted; raise the function timeout or the memory size`,
    );
  }
}

/**
 * A scheduled sweep would outgrow the function's memory: checked between batches of VPCs, well before
 * the heap limit, so that the function says so instead of dying of heap exhaustion. What was evaluated
 * so far has been posted.
 */
export class SweepMemoryError extends EfsguardError {
  override readonly name = 'SweepMemoryError';
  constructor(
    readonly stage: string,
    readonly usedBytes: number,
    readonly limitBytes: number,
    readonly posted: number,
  ) {
    super(
      `the scheduled sweep ran short of memory ${stage}: ${Math.round(usedBytes / 2 ** 20)} MB of the ${Math.round(limitBytes / 2 ** 20)} MB heap in use, ${posted} evaluation(s) posted; raise the function's memorySize`,
    );
  }
}

/** The sweep was posted, but the previous results could not be read to clear stale ones. */
export class StaleResultsError extends EfsguardError {
  override readonly name = 'StaleResultsError';
}

/**
 * The event names another account than the function's own, and no executionRoleName says how to act
 * there: the function's own role would read its own account and post those verdicts for the member.
 */
export class AccountMismatchError extends EfsguardError {
  override readonly name = 'AccountMismatchError';
  constructor(
    readonly eventAccountId: string,
    readonly functionAccountId: string,
  ) {
    super(
      `the event is for account ${eventAccountId}, but this function runs in account ${functionAccountId} and has no executionRoleName parameter; set executionRoleName to a role in ${eventAccountId} (organization and cross-account rules)`,
    );
  }
}

/**
 * Failures that the same event would hit again: a malformed event, parameter or waiver document, an event for another
 * account, a member account whose execution role is missing or refuses this function (STS answers
 * AccessDenied for both), a denied call, a result token Config no longer accepts, a deadline the
 * evaluation already ran into, and a sweep that outgrew its memory. Everything else (throttling past the SDK's retries, 5xx, unreachable
 * endpoints, evaluations Config kept rejecting) may pass on a later attempt and is thrown, so Lambda
 * retries it a bounded number of times and then sends it to the on-failure destination.
 */
export function isDeterministicFailure(error: unknown): boolean {
  if (error instanceof AssumeRoleError) return isMissingRole(error);
  return (
    error instanceof InvalidEventError ||
    error instanceof InvalidParametersError ||
    error instanceof InvalidWaiversError ||
    error instanceof AccountMismatchError ||
    error instanceof AccessDeniedError ||
    error instanceof InvalidResultTokenError ||
    error instanceof DeadlineExceededError ||
    error instanceof SweepMemoryError
  );
}

/** STS's AccessDenied: the role does not exist in the member account, or its trust policy refuses us. */
function isMissingRole(error: AssumeRoleError): boolean {
  return /^AccessDenied/.test(awsErrorName(error.cause));
}
