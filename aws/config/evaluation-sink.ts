// The evaluation sink: core Evaluations -> PutEvaluations, batched, with FailedEvaluations retried.
// API facts: "PutEvaluations", AWS Config API Reference
// (https://docs.aws.amazon.com/config/latest/APIReference/API_PutEvaluations.html).
import {
  type Evaluation as ConfigEvaluation,
  type ConfigServiceClient,
  InvalidResultTokenException,
  PutEvaluationsCommand,
} from '@aws-sdk/client-config-service';
import { truncateAnnotation } from '../../core/annotation';
import { EfsguardError } from '../../core/errors';
import {
  type AppliedWaiver,
  type ComplianceType,
  compareCompliance,
  type Evaluation,
  refKey,
} from '../../core/model';
import { awsErrorName, translateAwsError } from '../sdk/errors';

/** "Evaluations: Array Members: Maximum number of 100 items." */
export const MAX_EVALUATIONS_PER_CALL = 100;

/** One verdict as sent to Config (the rule id kept for the CLI's output). */
export interface PostedEvaluation {
  readonly rule: string;
  readonly resourceType: string;
  readonly resourceId: string;
  readonly complianceType: ComplianceType;
  readonly annotation?: string;
  /** Kept (not sent to Config) so the Security Hub sink shows a waived finding as suppressed, not passed. */
  readonly waived?: AppliedWaiver;
}

/** Config rejected some evaluations even after retries. */
export class FailedEvaluationsError extends EfsguardError {
  override readonly name = 'FailedEvaluationsError';
  constructor(readonly failed: readonly ConfigEvaluation[]) {
    const names = failed.map((item) => `${item.ComplianceResourceType} ${item.ComplianceResourceId}`);
    super(
      `AWS Config did not accept ${failed.length} evaluation(s) after retries: ${names.slice(0, 10).join(', ')}${
        names.length > 10 ? ', …' : ''
      }`,
    );
  }
}

/** Config refused the event's resultToken: expired (the invocation took too long) or not Config's. */
export class InvalidResultTokenError extends EfsguardError {
  override readonly name = 'InvalidResultTokenError';
  constructor(options: { cause: unknown }) {
    super(
      'AWS Config rejected the resultToken (InvalidResultTokenException): it is expired or was not issued by Config for this rule; Config re-invokes the rule on its next trigger',
      options,
    );
  }
}

export interface EvaluationSinkOptions {
  readonly resultToken: string;
  /** TestMode validates without storing; Config sends resultToken TESTMODE for test invocations. */
  readonly testMode: boolean;
  readonly orderingTimestamp: Date;
  /** Extra attempts for FailedEvaluations (default 2). */
  readonly retries?: number;
  /** First backoff delay in ms, doubled per retry (default 200). */
  readonly backoffMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Called before each PutEvaluations call (time budget); throwing stops the sink. */
  readonly beforeBatch?: () => void;
}

export interface EvaluationSink {
  /** Posts the evaluations; resolves once Config accepted every one. */
  post(evaluations: readonly Evaluation[]): Promise<void>;
  /** Everything sent and accepted so far, in order: what `efsguard invoke` prints. */
  readonly posted: readonly PostedEvaluation[];
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createEvaluationSink(
  client: ConfigServiceClient,
  options: EvaluationSinkOptions,
): EvaluationSink {
  const posted: PostedEvaluation[] = [];
  const retries = options.retries ?? 2;
  const backoffMs = options.backoffMs ?? 200;
  const sleep = options.sleep ?? defaultSleep;

  async function putBatch(batch: ConfigEvaluation[]): Promise<void> {
    let pending = batch;
    for (let attempt = 0; ; attempt++) {
      let failed: ConfigEvaluation[];
      try {
        const output = await client.send(
          new PutEvaluationsCommand({
            Evaluations: pending,
            ResultToken: options.resultToken,
            ...(options.testMode ? { TestMode: true } : {}),
          }),
        );
        failed = output.FailedEvaluations ?? [];
      } catch (error) {
        if (
          error instanceof InvalidResultTokenException ||
          awsErrorName(error) === 'InvalidResultTokenException'
        )
          throw new InvalidResultTokenError({ cause: error });
        // Typed like every other AWS call: AccessDenied names config:PutEvaluations, so the CLI answers in
        // one line with exit 2 and the handler's log says which permission is missing.
        throw translateAwsError(error, 'config:PutEvaluations');
      }
      if (failed.length === 0) return;
      if (attempt >= retries) throw new FailedEvaluationsError(failed);
      // Retry only the entries Config reported as failed, matched by resource.
      const keyOf = (item: ConfigEvaluation): string =>
        refKey({
          resourceType: item.ComplianceResourceType as Evaluation['resourceType'],
          resourceId: item.ComplianceResourceId ?? '',
        });
      const failedKeys = new Set(failed.map(keyOf));
      pending = pending.filter((item) => failedKeys.has(keyOf(item)));
      if (pending.length === 0) pending = failed;
      await sleep(backoffMs * 2 ** attempt);
    }
  }

  return {
    posted,
    async post(evaluations) {
      const unique = deduplicate(evaluations);
      for (let start = 0; start < unique.length; start += MAX_EVALUATIONS_PER_CALL) {
        options.beforeBatch?.();
        const batch = unique.slice(start, start + MAX_EVALUATIONS_PER_CALL);
        await putBatch(batch.map((evaluation) => toConfigEvaluation(evaluation, options.orderingTimestamp)));
        for (const evaluation of batch) posted.push(toPosted(evaluation));
      }
    },
  };
}

export function toConfigEvaluation(evaluation: Evaluation, orderingTimestamp: Date): ConfigEvaluation {
  const annotation = postedAnnotation(evaluation.annotation);
  return {
    ComplianceResourceType: evaluation.resourceType,
    ComplianceResourceId: evaluation.resourceId,
    ComplianceType: evaluation.complianceType,
    ...(annotation === undefined ? {} : { Annotation: annotation }),
    OrderingTimestamp: orderingTimestamp,
  };
}

/**
 * The annotation as Config takes it: within core's one limit (core/annotation.ts truncateAnnotation),
 * and absent rather than blank (Config rejects an empty annotation).
 */
function postedAnnotation(annotation: string | undefined): string | undefined {
  if (annotation === undefined || annotation.trim() === '') return undefined;
  return truncateAnnotation(annotation);
}

/**
 * One verdict per resource per call. Should two verdicts for a resource meet, the stricter wins
 * (fail closed): NON_COMPLIANT over COMPLIANT over NOT_APPLICABLE. Order of first appearance is kept.
 */
export function deduplicate(evaluations: readonly Evaluation[]): Evaluation[] {
  const byKey = new Map<string, Evaluation>();
  for (const evaluation of evaluations) {
    const key = refKey(evaluation);
    const seen = byKey.get(key);
    if (!seen || compareCompliance(evaluation.complianceType, seen.complianceType) < 0)
      byKey.set(key, evaluation);
  }
  return [...byKey.values()];
}

function toPosted(evaluation: Evaluation): PostedEvaluation {
  const annotation = postedAnnotation(evaluation.annotation);
  return {
    rule: evaluation.rule,
    resourceType: evaluation.resourceType,
    resourceId: evaluation.resourceId,
    complianceType: evaluation.complianceType,
    ...(annotation === undefined ? {} : { annotation }),
    ...(evaluation.waived ? { waived: evaluation.waived } : {}),
  };
}
