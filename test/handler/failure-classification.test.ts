// What Lambda's asynchronous invocation does with each kind of failure of the deployed handlers
// (LAMBDA_PORTS): a deterministic failure is reported once and the invocation succeeds, so Lambda does
// not replay it; a transient one is thrown, so Lambda retries it (MaximumRetryAttempts of the packaged
// EventInvokeConfig) and then hands it to the on-failure destination. Both are counted in Errors, with
// the event's account as a dimension.
import 'aws-sdk-client-mock-jest';
import { createRequire } from 'node:module';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { ConfigServiceClient, PutEvaluationsCommand } from '@aws-sdk/client-config-service';
import { DescribeNetworkInterfacesCommand, DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { EFSClient } from '@aws-sdk/client-efs';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import type { ConfigRuleEvent } from '../../aws/config-event';
import { getRule } from '../../core/rules';
import {
  createRuleHandler,
  isDeterministicFailure,
  LAMBDA_PORTS,
  type MetricsPort,
  type RuleHandler,
  type RuleHandlerResult,
} from '../../handlers/factory';
import { editInvokingEvent, loadEvent, retarget } from '../helpers/events';
import { fakeContext } from '../helpers/lambda';
import { ACCOUNT_ID, MEMBER_ACCOUNT_ID } from './fixtures';

const requireCjs = createRequire(__filename);
const { internals } = requireCjs('../../deploy/serverless/resources.cjs') as {
  internals: { ASYNC_INVOKE_CONFIG: { MaximumRetryAttempts: number } };
};
const RETRIES = internals.ASYNC_INVOKE_CONFIG.MaximumRetryAttempts;

const INGRESS = 'efs-mount-target-nfs-ingress';
const config = mockClient(ConfigServiceClient);
const sts = mockClient(STSClient);
const ec2 = mockClient(EC2Client);
const efs = mockClient(EFSClient);

interface Recorded {
  name: string;
  dimensions: Record<string, string>;
}

function recordingMetrics(): MetricsPort & { recorded: Recorded[] } {
  const recorded: Recorded[] = [];
  return {
    recorded,
    addMetric: (name) => recorded.push({ name, dimensions: {} }),
    singleMetric() {
      const dimensions: Record<string, string> = {};
      return {
        addDimension: (name: string, value: string) => {
          dimensions[name] = value;
        },
        addMetric: (name: string) => recorded.push({ name, dimensions }),
      };
    },
  };
}

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

function deployedHandler(metrics = recordingMetrics()) {
  // The deployed entries' ports, with the real loaders against the mocked SDK clients.
  const handler = createRuleHandler(getRule(INGRESS), {
    ...LAMBDA_PORTS,
    logger: new Logger({ logLevel: 'SILENT' }),
    metrics,
    sleep: async () => {},
  });
  return { handler, metrics };
}

beforeEach(() => {
  config.reset();
  sts.reset();
  ec2.reset();
  efs.reset();
  config.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [] });
});

describe('deployed handlers under asynchronous invocation', () => {
  it('retries at least once: the packaged EventInvokeConfig allows a bounded number of retries', () => {
    expect(RETRIES).toBeGreaterThanOrEqual(1);
    expect(RETRIES).toBeLessThanOrEqual(2);
  });

  it('reports invalid parameters once, without a retry, and counts them for the account', async () => {
    const { handler, metrics } = deployedHandler();
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
      accountId: ACCOUNT_ID,
      retryable: false,
    });
    expect(outcome.result?.evaluations).toEqual([]);
    expect(config).not.toHaveReceivedCommand(PutEvaluationsCommand);
    expect(metrics.recorded).toContainEqual({ name: 'Errors', dimensions: {} });
    expect(metrics.recorded).toContainEqual({ name: 'Errors', dimensions: { account: ACCOUNT_ID } });
  });

  it('reports a member without the execution role once, naming the account in a metric', async () => {
    sts
      .on(AssumeRoleCommand)
      .rejects(
        Object.assign(new Error('not authorized to perform sts:AssumeRole'), { name: 'AccessDenied' }),
      );
    const { handler, metrics } = deployedHandler();
    const event = {
      ...retarget(loadEvent(`${INGRESS}/security-group-change.json`), 'sg-mt'),
      accountId: MEMBER_ACCOUNT_ID,
      ruleParameters: '{"executionRoleName":"efsguard-execution"}',
    };
    const outcome = await invokeAsynchronously(handler, event, fakeContext(), RETRIES);

    expect(outcome.attempts).toBe(1);
    expect(outcome.result?.failure).toMatchObject({
      name: 'AssumeRoleError',
      accountId: MEMBER_ACCOUNT_ID,
    });
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 1);
    expect(metrics.recorded).toContainEqual({
      name: 'MissingExecutionRole',
      dimensions: { account: MEMBER_ACCOUNT_ID },
    });
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
    ec2.onAnyCommand().resolves({});
    efs.onAnyCommand().resolves({});
    // One VPC: the sweep reads the network interfaces of each batch of VPCs, and a region without any
    // has none to read.
    ec2.on(DescribeVpcsCommand).resolves({ Vpcs: [{ VpcId: 'vpc-1', OwnerId: ACCOUNT_ID }] });
    ec2.on(DescribeNetworkInterfacesCommand).rejects(
      Object.assign(new Error('An internal error has occurred'), {
        name: 'InternalError',
        $metadata: { httpStatusCode: 500 },
      }),
    );
    const { handler, metrics } = deployedHandler();
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
      metrics.recorded.filter((metric) => metric.name === 'Errors' && !metric.dimensions.account),
    ).toHaveLength(1 + RETRIES);
  });
});

describe('cold start metric', () => {
  it('emits ColdStart once per instance, as docs/lambda.md says', async () => {
    const written: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    // Lambda sets this; Powertools counts a cold start only for on-demand instances.
    const previous = process.env.AWS_LAMBDA_INITIALIZATION_TYPE;
    process.env.AWS_LAMBDA_INITIALIZATION_TYPE = 'on-demand';
    try {
      const handler = createRuleHandler(getRule(INGRESS), {
        ...LAMBDA_PORTS,
        logger: new Logger({ logLevel: 'SILENT' }),
        metrics: new Metrics({ namespace: 'efsguard', serviceName: 'efsguard' }),
        sleep: async () => {},
      });
      const event = { ...loadEvent(`${INGRESS}/security-group-change.json`), ruleParameters: '{"nope":"1"}' };
      await handler(event, fakeContext());
      await handler(event, fakeContext());
    } finally {
      spy.mockRestore();
      if (previous === undefined) delete process.env.AWS_LAMBDA_INITIALIZATION_TYPE;
      else process.env.AWS_LAMBDA_INITIALIZATION_TYPE = previous;
    }
    const coldStarts = written.filter((line) => line.includes('"ColdStart"'));
    expect(coldStarts).toHaveLength(1);
    expect(JSON.parse(coldStarts[0] as string)).toMatchObject({ ColdStart: 1, service: 'efsguard' });
  });
});
