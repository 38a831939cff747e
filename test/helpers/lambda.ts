// The Lambda context of the handler tests: the shared local one (handlers/runtime/local-context.ts).
import type { Context } from 'aws-lambda';
import { localLambdaContext } from '../../handlers/runtime/local-context';

/** A Lambda context for the function of account 123456789012 (the sample events' account). */
export function fakeContext(
  remaining: () => number = () => 300_000,
  accountId = '123456789012',
  region = 'us-east-1',
): Context {
  return localLambdaContext({ remainingTimeMs: remaining, accountId, region });
}
