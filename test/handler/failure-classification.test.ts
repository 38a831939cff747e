// What Lambda's asynchronous invocation does with each kind of failure of the deployed handlers
// (LAMBDA_PORTS): a deterministic failure is reported once and the invocation succeeds, so Lambda does
// not replay it; a transient one is thrown, so Lambda retries it (MaximumRetryAttempts of the packaged
// EventInvokeConfig) and then hands it to the on-failure destination. Both are counted in Errors, with
// the event's account as a dimension.
import 'aws-sdk-client-mock-jest';
import { createRequire } from 'node:module';
import { Logger } from '@aws-lambda-powertools/logger';
import { ConfigServiceClient, PutEvaluationsCommand } from '@aws-sdk/client-config-service';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import type { ConfigRuleEvent } from '../../aws/config/event';
import { getRule } from '../../core/rules';
import { isDeterministicFailure } from '../../handlers/runtime/errors';
import { createRuleHandler, LAMBDA_PORTS, type RuleHandler } from '../../handlers/runtime/factory';
import type { RuleHandlerResult } from '../../handlers/runtime/ports';
import { MEMBER_ACCOUNT, MOTO_ACCOUNT_ID } from '../helpers/accounts';
import { useEmfCapture } from '../helpers/emf';
import { editInvokingEvent, loadEvent, retarget } from '../helpers/events';
import { buildSmallRegion } from '../helpers/fake-account';
import { type FakeAws, installFakeAws } from '../helpers/fake-aws';
import { fakeContext } from '../helpers/lambda';

const requireCjs = createRequire(__filename);
const { ASYNC_INVOKE_CONFIG } = requireCjs('../../deploy/serverless/functions.cjs') as {
  ASYNC_INVOKE_CONFIG: { MaximumRetryAttempts: number };
};
const RETRIES = ASYNC_INVOKE_CONFIG.MaximumRetryAttempts;

const INGRESS = 'efs-mount-target-nfs-ingress';
const config = mockClient(ConfigServiceClient);
const sts = mockClient(STSClient);
// The real loaders read the small region through the fake AWS; STS stays scripted for AssumeRole.
let fake: FakeAws;

// The EMF the handlers write, read back: the Errors and MissingExecutionRole counters as CloudWatch files them.
const emf = useEmfCapture();
/** The dimensions every handler metric carries (Powertools' service, the rule), plus `extra`. */
const dimensions = (extra: Record<string, string> = {}) => ({ service: 'efsguard', rule: INGRESS, ...extra });

/**
 * Lambda's asynchronous invocation as documented ("Asynchronous invocation", Lambda Developer Guide):
 * an invocation that returns is done; one that throws is retried up to maximumRetryAttempts times,
 * then the event goes to the on-failure destination.
 */
async function invokeAsynchronously(
  handler: RuleHandler,
  event: ConfigRuleEvent,
  context: Context,
  maximumRetryAttempts: number,
): Promise<{ attempts: number; result?: RuleHandlerResult; onFailure?: Error }> {
  let attempts = 0;
  for (;;) {
    attempts += 1;
    try {
      return { attempts, result: await handler(event, context) };
    } catch (error) {
      if (attempts > maximumRetryAttempts) return { attempts, onFailure: error as Error };
    }
  }
}

function deployedHandler() {
  // The deployed entries' ports (Powertools metrics included), with the real loaders against the mocked SDK clients.
  const handler = createRuleHandler(getRule(INGRESS), {
    ...LAMBDA_PORTS,
    logger: new Logger({ logLevel: 'SILENT' }),
    sleep: async () => {},
  });
  return { handler };
}

beforeEach(() => {
  config.reset();
  sts.reset();
  fake = installFakeAws(buildSmallRegion().snapshot(), { services: ['EC2', 'EFS', 'IAM'] });
  config.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [] });
});
afterEach(() => fake.restore());

describe('deployed handlers under asynchronous invocation', () => {
  it('retries at least once: the packaged EventInvokeConfig allows a bounded number of retries', () => {
    expect(RETRIES).toBeGreaterThanOrEqual(1);
    expect(RETRIES).toBeLessThanOrEqual(2);
  });

  it('reports invalid parameters once, without a retry, and counts them for the account', async () => {
    const { handler } = deployedHandler();
    const event = {
      ...loadEvent(`${INGRESS}/security-group-change.json`),
      ruleParameters: '{"allowEverything":"true"}',
    };
    const outcome = await invokeAsynchronously(handler, event, fakeContext(), RETRIES);

    expect(outcome.attempts).toBe(1);
    expect(outcome.onFailure).toBeUndefined();
    expect(outcome.result?.failure).toMatchObject({
      name: 'InvalidParametersError',
      message: expect.stringContaining('allowEverything'),
      accountId: MOTO_ACCOUNT_ID,
      retryable: false,
    });
    expect(outcome.result?.evaluations).toEqual([]);
    expect(config).not.toHaveReceivedCommand(PutEvaluationsCommand);
    expect(emf.metrics()).toContainEqual(
      expect.objectContaining({ namespace: 'efsguard', name: 'Errors', value: 1, dimensions: dimensions() }),
    );
    expect(emf.metrics()).toContainEqual(
      expect.objectContaining({
        name: 'Errors',
        value: 1,
        dimensions: dimensions({ account: MOTO_ACCOUNT_ID }),
      }),
    );
  });

  it('reports a member without the execution role once, naming the account in a metric', async () => {
    sts
      .on(AssumeRoleCommand)
      .rejects(
        Object.assign(new Error('not authorized to perform sts:AssumeRole'), { name: 'AccessDenied' }),
      );
    const { handler } = deployedHandler();
    const event = {
      ...retarget(loadEvent(`${INGRESS}/security-group-change.json`), 'sg-mt'),
      accountId: MEMBER_ACCOUNT,
      ruleParameters: '{"executionRoleName":"efsguard-execution"}',
    };
    const outcome = await invokeAsynchronously(handler, event, fakeContext(), RETRIES);

    expect(outcome.attempts).toBe(1);
    expect(outcome.result?.failure).toMatchObject({
      name: 'AssumeRoleError',
      accountId: MEMBER_ACCOUNT,
    });
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 1);
    expect(emf.metrics()).toContainEqual(
      expect.objectContaining({
        name: 'MissingExecutionRole',
        value: 1,
        dimensions: dimensions({ account: MEMBER_ACCOUNT }),
      }),
    );
  });

  it('reports a malformed event once instead of replaying it', async () => {
    const { handler } = deployedHandler();
    const event = editInvokingEvent(loadEvent(`${INGRESS}/security-group-change.json`), (invoking) => {
      delete invoking.configurationItem;
    });
    const outcome = await invokeAsynchronously(handler, event, fakeContext(), RETRIES);
    expect(outcome.attempts).toBe(1);
    expect(outcome.result?.failure?.name).toBe('InvalidEventError');
  });

  it('throws a transient 5xx, so Lambda retries it and then sends it to the on-failure destination', async () => {
    fake.fail(
      'DescribeNetworkInterfaces',
      Object.assign(new Error('An internal error has occurred'), {
        name: 'InternalError',
        $metadata: { httpStatusCode: 500 },
      }),
    );
    const { handler } = deployedHandler();
    const outcome = await invokeAsynchronously(
      handler,
      loadEvent(`${INGRESS}/scheduled.json`),
      fakeContext(),
      RETRIES,
    );

    expect(outcome.attempts).toBe(1 + RETRIES);
    expect(outcome.onFailure?.name).toBe('AwsCallError');
    expect(isDeterministicFailure(outcome.onFailure)).toBe(false);
    expect(
      emf.metrics().filter((metric) => metric.name === 'Errors' && !metric.dimensions.account),
    ).toHaveLength(1 + RETRIES);
  });
});

describe('cold start metric', () => {
  it('emits ColdStart once per instance, as docs/lambda.md says', async () => {
    // Lambda sets this; Powertools counts a cold start only for on-demand instances.
    const previous = process.env.AWS_LAMBDA_INITIALIZATION_TYPE;
    process.env.AWS_LAMBDA_INITIALIZATION_TYPE = 'on-demand';
    try {
      const { handler } = deployedHandler();
      const event = { ...loadEvent(`${INGRESS}/security-group-change.json`), ruleParameters: '{"nope":"1"}' };
      await handler(event, fakeContext());
      await handler(event, fakeContext());
    } finally {
      if (previous === undefined) delete process.env.AWS_LAMBDA_INITIALIZATION_TYPE;
      else process.env.AWS_LAMBDA_INITIALIZATION_TYPE = previous;
    }
    const coldStarts = emf.documents().filter((document) => 'ColdStart' in document);
    expect(coldStarts).toHaveLength(1);
    expect(coldStarts[0]).toMatchObject({ ColdStart: 1, service: 'efsguard' });
  });
});
