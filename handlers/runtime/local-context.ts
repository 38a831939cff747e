// The one stand-in for the Lambda context outside Lambda: `efsguard invoke`, the handler tests and the
// benchmark all build it here. The handler reads the function's account from invokedFunctionArn (the
// cross-account check) and the time left from getRemainingTimeInMillis (the deadline).
import type { Context } from 'aws-lambda';

/** Lambda's maximum timeout: local runs are not cut short unless asked to be. */
const LOCAL_TIMEOUT_MS = 900_000;

interface LocalContextOptions {
  /** The function's account. Default 000000000000, the placeholder the account check ignores. */
  readonly accountId?: string;
  /** Default `local`. */
  readonly region?: string;
  /** Default `efsguard`. */
  readonly functionName?: string;
  /** The time left; default LOCAL_TIMEOUT_MS counted down on `now` from the context's creation. */
  readonly remainingTimeMs?: () => number;
  /** Default Date.now. */
  readonly now?: () => number;
}

export function localLambdaContext(options: LocalContextOptions = {}): Context {
  const now = options.now ?? Date.now;
  const started = now();
  const functionName = options.functionName ?? 'efsguard';
  const account = options.accountId ?? '000000000000';
  // The handlers are async: a call to the callback-style API is a bug, not a way to end the invocation.
  const callbackApi = () => {
    throw new Error(`${functionName}: the handler is async and never calls done/fail/succeed`);
  };
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${options.region ?? 'local'}:${account}:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: `local-${started}`,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis:
      options.remainingTimeMs ?? (() => Math.max(0, LOCAL_TIMEOUT_MS - (now() - started))),
    done: callbackApi,
    fail: callbackApi,
    succeed: callbackApi,
  };
}
