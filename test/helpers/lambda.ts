// Stand-ins for the Lambda runtime that the handler tests and the benchmark share.
import type { Context } from 'aws-lambda';
import type { MetricsPort } from '../../handlers/factory';

/** A Lambda context for the function of account 123456789012 (the sample events' account). */
export function fakeContext(
  remaining: () => number = () => 300_000,
  accountId = '123456789012',
  region = 'us-east-1',
): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'efsguard',
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:${accountId}:function:efsguard`,
    memoryLimitInMB: '512',
    awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
    logGroupName: '/aws/lambda/efsguard',
    logStreamName: '2025/06/02/[$LATEST]abc',
    getRemainingTimeInMillis: remaining,
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

/** Metrics that go nowhere. */
export const NO_METRICS: MetricsPort = {
  addMetric: () => undefined,
  singleMetric: () => ({ addDimension: () => undefined, addMetric: () => undefined }),
};
