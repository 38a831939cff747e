// The Lambda context of the handler tests: the shared local one (handlers/runtime/local-context.ts).
import type { Context } from 'aws-lambda';
import { localLambdaContext } from '../../handlers/runtime/local-context';
import { MOTO_ACCOUNT_ID, MOTO_REGION } from './accounts';

/** A Lambda context for the function of moto's account, which the recorded Config events name. */
export function fakeContext(
  remaining: () => number = () => 300_000,
  accountId = MOTO_ACCOUNT_ID,
  region = MOTO_REGION,
): Context {
  return localLambdaContext({ remainingTimeMs: remaining, accountId, region });
}
