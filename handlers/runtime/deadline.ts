// The invocation's time budget: Lambda's remaining time less a safety margin (docs/lambda.md, "Time").
import type { Context } from 'aws-lambda';
import { DeadlineExceededError } from './errors';

/** Default safety margin before Lambda's timeout: enough to post a few hundred evaluations. */
const DEFAULT_SAFETY_MARGIN_MS = 10_000;
/**
 * Posting goes on inside the safety margin, but a PutEvaluations batch is not started with less than
 * this left (or the margin, if smaller): Lambda would kill the call mid-flight, with no error to show.
 */
const MIN_POST_TIME_MS = 2_000;

export interface Deadline {
  /** Throws DeadlineExceededError when less than the safety margin is left. */
  check(stage: string, posted?: number): void;
  /** Throws DeadlineExceededError when too little is left to start one more PutEvaluations call. */
  checkPostTime(posted: number): void;
  /** Starts the work if time is left; rejects with DeadlineExceededError if it has not settled when the margin is reached. */
  race<T>(start: () => Promise<T>, stage: string): Promise<T>;
}

/** The margin from EFSGUARD_SAFETY_MARGIN_MS when it is a non-negative number, else the default. */
export function safetyMarginFrom(env: NodeJS.ProcessEnv): number {
  const margin = Number(env.EFSGUARD_SAFETY_MARGIN_MS);
  return Number.isFinite(margin) && margin >= 0 ? margin : DEFAULT_SAFETY_MARGIN_MS;
}

export function createDeadline(context: Context | undefined, safetyMarginMs: number): Deadline {
  const remaining = () =>
    typeof context?.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : Infinity;
  const budget = () => remaining() - safetyMarginMs;
  return {
    check(stage, posted = 0) {
      if (budget() <= 0) throw new DeadlineExceededError(stage, posted, remaining());
    },
    checkPostTime(posted) {
      const left = remaining();
      if (left < Math.min(safetyMarginMs, MIN_POST_TIME_MS))
        throw new DeadlineExceededError('posting evaluations', posted, left);
    },
    async race(start, stage) {
      const left = budget();
      if (left <= 0) throw new DeadlineExceededError(stage, 0, remaining());
      const promise = start();
      if (!Number.isFinite(left)) return promise;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new DeadlineExceededError(stage, 0, remaining())), left);
      });
      try {
        return await Promise.race([promise, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
