import 'aws-sdk-client-mock-jest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import {
  ConfigServiceClient,
  GetComplianceDetailsByConfigRuleCommand,
  InvalidResultTokenException,
  PutEvaluationsCommand,
} from '@aws-sdk/client-config-service';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { FailedEvaluationsError, InvalidResultTokenError } from '../../aws/config/evaluation-sink';
import { InvalidEventError } from '../../aws/config/event';
import { STALE_ANNOTATION } from '../../aws/config/stale-results';
import { loadNeighbourhood as realLoadNeighbourhood } from '../../aws/load/neighbourhood';
import { loadRegion as realLoadRegion } from '../../aws/load/region';
import type { AwsClients } from '../../aws/sdk/clients';
import { AssumeRoleError } from '../../aws/sdk/credentials';
import { AccessDeniedError, AwsCallError } from '../../aws/sdk/errors';
import { emptySnapshot, type Snapshot } from '../../aws/snapshot/format';
import { emptyRouting } from '../../aws/snapshot/format-routing';
import { InvalidParametersError } from '../../core/errors';
import type { Evaluation, TopologyPart } from '../../core/model';
import { getRule, RULES } from '../../core/rules';
import { DELETED_ANNOTATION } from '../../core/rules/define';
import type { Rule } from '../../core/rules/types';
import { DeadlineExceededError, StaleResultsError, SweepMemoryError } from '../../handlers/runtime/errors';
import { createRuleHandler } from '../../handlers/runtime/factory';
import type { RuleHandlerPorts } from '../../handlers/runtime/ports';
import { MEMBER_ACCOUNT, MOTO_ACCOUNT_ID } from '../helpers/accounts';
import { useEmfCapture } from '../helpers/emf';
import { editInvokingEvent, itemOf, loadEvent, retarget } from '../helpers/events';
import { buildSmallRegion } from '../helpers/fake-account';
import { awsError, type FakeAws, installFakeAws } from '../helpers/fake-aws';
import { fakeContext } from '../helpers/lambda';

const INGRESS = 'efs-mount-target-nfs-ingress';
const CAPTURE_TIME = new Date('2025-06-02T09:14:27.512Z');
const SCHEDULED_TIME = new Date('2025-06-02T12:00:00.000Z');
const ROLE_ARN = `arn:aws:iam::${MEMBER_ACCOUNT}:role/efsguard-config-rules`;

const config = mockClient(ConfigServiceClient);
const sts = mockClient(STSClient);
// The real loaders (aws/load/neighbourhood, aws/load/region) read the small region through the fake AWS;
// STS stays scripted here for the AssumeRole tests.
let fake: FakeAws;
const regionSnapshot = () => buildSmallRegion().snapshot();

// What the handler really emits: Powertools' EMF on stdout, read back.
const emf = useEmfCapture();
/** A metric with the handler's default dimensions (service, rule) and no other. */
const metric = (name: string, value: number) =>
  expect.objectContaining({ name, value, dimensions: { service: 'efsguard', rule: INGRESS } });

function setup(overrides: Partial<RuleHandlerPorts> = {}, rule: Rule = getRule(INGRESS), region?: Snapshot) {
  if (region) fake.setSnapshot(region);
  // Spies on the production loaders, as createPorts wires them.
  const loadNeighbourhood = jest.fn(realLoadNeighbourhood);
  const loadRegion = jest.fn(
    (clients: AwsClients, context: { accountId: string; parts: readonly TopologyPart[] }) =>
      realLoadRegion(clients, { accountId: context.accountId, parts: context.parts }),
  );
  const handler = createRuleHandler(rule, {
    loadNeighbourhood,
    loadRegion,
    logger: new Logger({ logLevel: 'SILENT' }),
    sleep: async () => {},
    ...overrides,
  });
  return { handler, loadNeighbourhood, loadRegion };
}

/** The Evaluations of every PutEvaluations call, in order. */
function postedBatches(): unknown[][] {
  return config.commandCalls(PutEvaluationsCommand).map((call) => call.args[0].input.Evaluations ?? []);
}

beforeEach(() => {
  config.reset();
  sts.reset();
  fake = installFakeAws(regionSnapshot(), { services: ['EC2', 'EFS', 'IAM'] });
  config.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [] });
  config.on(GetComplianceDetailsByConfigRuleCommand).resolves({ EvaluationResults: [] });
});

afterEach(() => fake.restore());

describe('change notifications', () => {
  it('posts the changed group and the file systems it guards, ordered by the capture time', async () => {
    const { handler, loadNeighbourhood } = setup();
    const event = retarget(loadEvent(`${INGRESS}/security-group-change.json`), 'sg-mt');
    const result = await handler(event, fakeContext());

    expect(loadNeighbourhood).toHaveBeenCalledWith(
      expect.anything(),
      [{ resourceType: 'AWS::EC2::SecurityGroup', resourceId: 'sg-mt' }],
      { accountId: MOTO_ACCOUNT_ID, region: 'us-east-1', parts: ['network'] },
    );
    expect(config).toHaveReceivedCommandTimes(PutEvaluationsCommand, 1);
    expect(config).toHaveReceivedCommandWith(PutEvaluationsCommand, {
      ResultToken: event.resultToken,
      Evaluations: expect.arrayContaining([
        {
          ComplianceResourceType: 'AWS::EC2::SecurityGroup',
          ComplianceResourceId: 'sg-mt',
          ComplianceType: 'COMPLIANT',
          OrderingTimestamp: CAPTURE_TIME,
        },
        {
          ComplianceResourceType: 'AWS::EFS::FileSystem',
          ComplianceResourceId: 'fs-good',
          ComplianceType: 'COMPLIANT',
          OrderingTimestamp: CAPTURE_TIME,
        },
      ]),
    });
    expect(config.commandCalls(PutEvaluationsCommand)[0]?.args[0].input).not.toHaveProperty('TestMode');
    expect(result.evaluations.map((e) => `${e.resourceId}:${e.complianceType}`).sort()).toEqual([
      'fs-good:COMPLIANT',
      'sg-mt:COMPLIANT',
    ]);
  });

  it.each(['security-group-change.json', 'security-group-oversized.json', 'security-group-discovered.json'])(
    'flags a world-open mount-target group and its file system (%s)',
    async (file) => {
      const { handler } = setup();
      await handler(retarget(loadEvent(`${INGRESS}/${file}`), 'sg-open'), fakeContext());
      const [batch] = postedBatches();
      expect(batch).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            ComplianceResourceId: 'sg-open',
            ComplianceType: 'NON_COMPLIANT',
            Annotation: expect.stringContaining('0.0.0.0/0'),
          }),
          expect.objectContaining({ ComplianceResourceId: 'fs-open', ComplianceType: 'NON_COMPLIANT' }),
        ]),
      );
      expect(batch).toHaveLength(2);
    },
  );

  it('sends TestMode for a TESTMODE result token', async () => {
    const { handler } = setup();
    await handler(
      retarget(loadEvent(`${INGRESS}/testmode-security-group-change.json`), 'sg-mt'),
      fakeContext(),
    );
    expect(config).toHaveReceivedCommandWith(PutEvaluationsCommand, {
      ResultToken: 'TESTMODE',
      TestMode: true,
    });
  });

  it('posts NOT_APPLICABLE, without loading, for a type the rule reports on but is not triggered by', async () => {
    const rule = { ...getRule(INGRESS), triggerResourceTypes: ['AWS::EFS::FileSystem' as const] };
    const { handler, loadNeighbourhood } = setup({}, rule);
    await handler(retarget(loadEvent(`${INGRESS}/security-group-change.json`), 'sg-mt'), fakeContext());
    expect(loadNeighbourhood).not.toHaveBeenCalled();
    expect(postedBatches()).toEqual([
      [expect.objectContaining({ ComplianceResourceId: 'sg-mt', ComplianceType: 'NOT_APPLICABLE' })],
    ]);
  });

  it('posts nothing for a type outside the rule', async () => {
    const { handler, loadNeighbourhood } = setup();
    const event = retarget(
      loadEvent(`${INGRESS}/security-group-change.json`),
      'subnet-1',
      'AWS::EC2::Subnet',
    );
    const result = await handler(event, fakeContext());
    expect(loadNeighbourhood).not.toHaveBeenCalled();
    expect(config).not.toHaveReceivedCommand(PutEvaluationsCommand);
    expect(result.evaluations).toEqual([]);
  });
});

describe('deleted resources', () => {
  it.each([
    'security-group-deleted.json',
    'security-group-deleted-not-recorded.json',
    'security-group-not-recorded.json',
    'security-group-left-scope.json',
  ])('marks the resource NOT_APPLICABLE and re-evaluates its neighbours (%s)', async (file) => {
    // sg-open is still found by the loader (not recorded / left scope): its file system still gets a verdict.
    const { handler, loadNeighbourhood } = setup();
    await handler(retarget(loadEvent(`${INGRESS}/${file}`), 'sg-open'), fakeContext());
    expect(loadNeighbourhood).toHaveBeenCalledTimes(1);
    const [batch] = postedBatches();
    expect(batch).toEqual([
      {
        ComplianceResourceType: 'AWS::EC2::SecurityGroup',
        ComplianceResourceId: 'sg-open',
        ComplianceType: 'NOT_APPLICABLE',
        Annotation: DELETED_ANNOTATION,
        OrderingTimestamp: CAPTURE_TIME,
      },
      expect.objectContaining({ ComplianceResourceId: 'fs-open', ComplianceType: 'NON_COMPLIANT' }),
    ]);
  });

  it('posts only NOT_APPLICABLE for a deleted group nothing else can be found for', async () => {
    const { handler } = setup();
    await handler(retarget(loadEvent(`${INGRESS}/security-group-deleted.json`), 'sg-gone'), fakeContext());
    expect(postedBatches()).toEqual([
      [expect.objectContaining({ ComplianceResourceId: 'sg-gone', ComplianceType: 'NOT_APPLICABLE' })],
    ]);
  });
});

describe('scheduled notifications', () => {
  it('sweeps the region, orders by the notification time and clears stale results by the Config rule name', async () => {
    const orgRuleName = 'OrgConfigRule-efs-mount-target-nfs-ingress-x1y2z3';
    config
      .on(GetComplianceDetailsByConfigRuleCommand)
      .resolvesOnce({
        EvaluationResults: [
          {
            EvaluationResultIdentifier: {
              EvaluationResultQualifier: { ResourceType: 'AWS::EC2::SecurityGroup', ResourceId: 'sg-mt' },
            },
          },
        ],
        NextToken: 'page-2',
      })
      .resolvesOnce({
        EvaluationResults: [
          {
            EvaluationResultIdentifier: {
              EvaluationResultQualifier: {
                ResourceType: 'AWS::EFS::FileSystem',
                ResourceId: 'fs-deleted-yesterday',
              },
            },
          },
        ],
      });
    const { handler, loadRegion, loadNeighbourhood } = setup();
    const event = { ...loadEvent(`${INGRESS}/scheduled.json`), configRuleName: orgRuleName };
    const result = await handler(event, fakeContext());

    expect(loadNeighbourhood).not.toHaveBeenCalled();
    expect(loadRegion).toHaveBeenCalledWith(expect.anything(), {
      accountId: MOTO_ACCOUNT_ID,
      region: 'us-east-1',
      parts: ['network'],
    });
    expect(config).toHaveReceivedNthSpecificCommandWith(1, GetComplianceDetailsByConfigRuleCommand, {
      ConfigRuleName: orgRuleName,
      ComplianceTypes: ['COMPLIANT', 'NON_COMPLIANT'],
    });
    expect(config).toHaveReceivedNthSpecificCommandWith(2, GetComplianceDetailsByConfigRuleCommand, {
      ConfigRuleName: orgRuleName,
      NextToken: 'page-2',
    });
    const [sweep, stale] = postedBatches();
    expect(sweep).toHaveLength(5); // sg-mt, sg-open, sg-client, fs-good, fs-open
    expect(sweep).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ ComplianceResourceId: 'sg-client', ComplianceType: 'NOT_APPLICABLE' }),
        expect.objectContaining({ ComplianceResourceId: 'fs-open', ComplianceType: 'NON_COMPLIANT' }),
      ]),
    );
    for (const evaluation of sweep ?? [])
      expect(evaluation).toHaveProperty('OrderingTimestamp', SCHEDULED_TIME);
    expect(stale).toEqual([
      {
        ComplianceResourceType: 'AWS::EFS::FileSystem',
        ComplianceResourceId: 'fs-deleted-yesterday',
        ComplianceType: 'NOT_APPLICABLE',
        Annotation: STALE_ANNOTATION,
        OrderingTimestamp: SCHEDULED_TIME,
      },
    ]);
    expect(result.evaluations).toHaveLength(6);
  });

  it('fails with StaleResultsError after posting the sweep when previous results cannot be listed', async () => {
    config.on(GetComplianceDetailsByConfigRuleCommand).rejects(new Error('boom'));
    const { handler } = setup();
    await expect(handler(loadEvent(`${INGRESS}/scheduled.json`), fakeContext())).rejects.toThrow(
      StaleResultsError,
    );
    expect(config).toHaveReceivedCommandTimes(PutEvaluationsCommand, 1);
  });

  it('sweeps batch by batch: each batch is judged and posted before the next is loaded', async () => {
    const region = regionSnapshot();
    const [first, second] = [0, 1].map((half) => ({
      ...region,
      securityGroups: region.securityGroups.filter((_, i) => i % 2 === half),
      fileSystems: half === 0 ? region.fileSystems : [],
    }));
    const order: string[] = [];
    config.on(PutEvaluationsCommand).callsFake(() => {
      order.push('post');
      return { FailedEvaluations: [] };
    });
    const sweepRegion = jest.fn(async (_c: unknown, _ctx: unknown, visit: (s: Snapshot) => Promise<void>) => {
      for (const batch of [first, second] as Snapshot[]) {
        order.push('load');
        await visit(batch);
      }
    });
    const { handler } = setup({ sweepRegion });
    const result = await handler(loadEvent(`${INGRESS}/scheduled.json`), fakeContext());
    expect(order).toEqual(['load', 'post', 'load', 'post']);
    const ids = result.evaluations.map((evaluation) => evaluation.resourceId).sort();
    expect(ids).toEqual(['fs-good', 'fs-open', 'sg-client', 'sg-mt', 'sg-open']);
    expect(emf.metrics()).toContainEqual(metric('SweepBatches', 2));
  });

  it('stops with SweepMemoryError and a metric when the heap nears its limit between batches', async () => {
    const region = regionSnapshot();
    const heap = { usedBytes: 100 * 2 ** 20, limitBytes: 400 * 2 ** 20 };
    const sweepRegion = async (_c: unknown, _ctx: unknown, visit: (s: Snapshot) => Promise<void>) => {
      heap.usedBytes = 100 * 2 ** 20;
      await visit(region);
      heap.usedBytes = 380 * 2 ** 20; // the next batch would not fit
      await visit(region);
    };
    const { handler } = setup({ sweepRegion, heapUsage: () => ({ ...heap }) });
    const failure = handler(loadEvent(`${INGRESS}/scheduled.json`), fakeContext());
    await expect(failure).rejects.toThrow(SweepMemoryError);
    await expect(handler(loadEvent(`${INGRESS}/scheduled.json`), fakeContext())).rejects.toThrow(
      /380 MB of the 400 MB heap in use, 5 evaluation\(s\) posted; raise the function's memorySize/,
    );
    expect(emf.metrics()).toContainEqual(metric('SweepHeapUsedMB', 380));
    expect(emf.metrics()).toContainEqual(metric('SweepMemoryExceeded', 1));
  });

  it('skips the stale cleanup with a warning in test mode when it cannot list results (moto)', async () => {
    config.on(GetComplianceDetailsByConfigRuleCommand).rejects(new Error('not implemented'));
    const { handler } = setup();
    const result = await handler(loadEvent(`${INGRESS}/testmode-scheduled.json`), fakeContext());
    expect(result.evaluations).toHaveLength(5);
  });
});

describe('the evaluation sink', () => {
  function ruleReturning(count: number): Rule {
    const base = getRule(INGRESS);
    return {
      ...base,
      withParameters: () => (): Evaluation[] =>
        Array.from({ length: count }, (_, i) => ({
          rule: INGRESS,
          resourceType: 'AWS::EC2::SecurityGroup',
          resourceId: `sg-${i}`,
          complianceType: 'COMPLIANT',
        })),
    };
  }

  it('posts 250 evaluations in 3 calls of at most 100', async () => {
    const { handler } = setup({}, ruleReturning(250));
    const result = await handler(loadEvent(`${INGRESS}/security-group-change.json`), fakeContext());
    expect(config).toHaveReceivedCommandTimes(PutEvaluationsCommand, 3);
    expect(postedBatches().map((batch) => batch.length)).toEqual([100, 100, 50]);
    expect(result.evaluations).toHaveLength(250);
  });

  it('stops between batches with DeadlineExceededError when the timeout is about to kill the function', async () => {
    let remaining = 60_000;
    config.on(PutEvaluationsCommand).callsFake(async () => {
      remaining = 300; // a slow first call left no time for the next one
      return { FailedEvaluations: [] };
    });
    const { handler } = setup({ safetyMarginMs: 10_000 }, ruleReturning(250));
    await expect(
      handler(
        loadEvent(`${INGRESS}/scheduled.json`),
        fakeContext(() => remaining),
      ),
    ).rejects.toThrow(/posting evaluations: 300 ms left of the Lambda timeout, 100 evaluation\(s\) posted/);
    expect(config).toHaveReceivedCommandTimes(PutEvaluationsCommand, 1);
  });

  it('retries FailedEvaluations, and only them', async () => {
    config
      .on(PutEvaluationsCommand)
      .resolvesOnce({
        FailedEvaluations: [
          {
            ComplianceResourceType: 'AWS::EC2::SecurityGroup',
            ComplianceResourceId: 'sg-2',
            ComplianceType: 'COMPLIANT',
            OrderingTimestamp: CAPTURE_TIME,
          },
        ],
      })
      .resolves({ FailedEvaluations: [] });
    const sleep = jest.fn(async () => {});
    const { handler } = setup({ sleep }, ruleReturning(3));
    await handler(loadEvent(`${INGRESS}/security-group-change.json`), fakeContext());
    expect(
      postedBatches().map((batch) =>
        batch.map((e) => (e as { ComplianceResourceId: string }).ComplianceResourceId),
      ),
    ).toEqual([['sg-0', 'sg-1', 'sg-2'], ['sg-2']]);
    expect(sleep).toHaveBeenCalledTimes(1);
  });

  it('raises FailedEvaluationsError when Config keeps failing an evaluation', async () => {
    config.on(PutEvaluationsCommand).resolves({
      FailedEvaluations: [
        {
          ComplianceResourceType: 'AWS::EC2::SecurityGroup',
          ComplianceResourceId: 'sg-0',
          ComplianceType: 'COMPLIANT',
          OrderingTimestamp: CAPTURE_TIME,
        },
      ],
    });
    const { handler } = setup({}, ruleReturning(1));
    await expect(handler(loadEvent(`${INGRESS}/security-group-change.json`), fakeContext())).rejects.toThrow(
      FailedEvaluationsError,
    );
    expect(config).toHaveReceivedCommandTimes(PutEvaluationsCommand, 3);
    expect(emf.metrics()).toContainEqual(metric('Errors', 1));
  });

  it('truncates a long annotation to 256 characters with a marker', async () => {
    const rule = {
      ...getRule(INGRESS),
      withParameters: () => (): Evaluation[] => [
        {
          rule: INGRESS,
          resourceType: 'AWS::EC2::SecurityGroup',
          resourceId: 'sg-1',
          complianceType: 'NON_COMPLIANT',
          annotation: 'x'.repeat(400),
        },
        {
          rule: INGRESS,
          resourceType: 'AWS::EC2::SecurityGroup',
          resourceId: 'sg-2',
          complianceType: 'COMPLIANT',
          annotation: '',
        },
      ],
    };
    const { handler } = setup({}, rule);
    await handler(loadEvent(`${INGRESS}/security-group-change.json`), fakeContext());
    const [batch] = postedBatches() as { Annotation?: string }[][];
    expect(batch?.[0]?.Annotation).toBe(`${'x'.repeat(255)}…`);
    expect(batch?.[1]).not.toHaveProperty('Annotation');
  });
});

describe('cross-account execution role', () => {
  function crossAccountEvent() {
    return {
      ...retarget(loadEvent(`${INGRESS}/security-group-change.json`), 'sg-mt'),
      accountId: MEMBER_ACCOUNT,
      ruleParameters: '{"executionRoleName":"efsguard-config-rules"}',
    };
  }

  function credentialsExpiringIn(ms: number, key = 'ASIAMEMBER') {
    return {
      Credentials: {
        AccessKeyId: key,
        SecretAccessKey: 'secret',
        SessionToken: 'token',
        Expiration: new Date(Date.now() + ms),
      },
    };
  }

  it("assumes the role in the event's account and builds every client with its credentials", async () => {
    sts.on(AssumeRoleCommand).resolves(credentialsExpiringIn(3_600_000));
    const providers: (() => Promise<{ accessKeyId: string }>)[] = [];
    const { handler: base } = setup();
    void base;
    const { createDefaultClientFactory } = await import('../../handlers/runtime/clients');
    const defaults = createDefaultClientFactory();
    const { handler, loadNeighbourhood } = setup({
      createClients: (region, credentials) => {
        if (credentials) providers.push(credentials);
        return defaults(region, credentials);
      },
    });
    await handler(crossAccountEvent(), fakeContext());
    await handler(crossAccountEvent(), fakeContext());

    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 1); // cached while warm
    expect(sts).toHaveReceivedCommandWith(AssumeRoleCommand, { RoleArn: ROLE_ARN });
    expect(providers).toHaveLength(2);
    await expect(providers[0]?.()).resolves.toMatchObject({ accessKeyId: 'ASIAMEMBER' });
    expect(loadNeighbourhood).toHaveBeenCalledWith(expect.anything(), expect.anything(), {
      accountId: MEMBER_ACCOUNT,
      region: 'us-east-1',
      parts: ['network'],
    });
    // The rule never sees the handler-level parameter.
    expect(config).toHaveReceivedCommandTimes(PutEvaluationsCommand, 2);
  });

  it('assumes the role again when the cached credentials are about to expire', async () => {
    sts.on(AssumeRoleCommand).resolves(credentialsExpiringIn(60_000));
    const { handler } = setup();
    await handler(crossAccountEvent(), fakeContext());
    await handler(crossAccountEvent(), fakeContext());
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 2);
  });

  it("refuses a member account's event without executionRoleName instead of evaluating its own account", async () => {
    // An organization rule deployed without the parameter: the function's own role would read the
    // management account and post those verdicts under the member's resultToken.
    const { handler, loadNeighbourhood, loadRegion } = setup();
    const { ruleParameters: _, ...withoutRole } = crossAccountEvent();
    const scheduled = { ...loadEvent(`${INGRESS}/scheduled.json`), accountId: MEMBER_ACCOUNT };
    for (const event of [withoutRole, scheduled]) {
      await expect(handler(event, fakeContext())).rejects.toThrow(
        new RegExp(`${MEMBER_ACCOUNT}.*${MOTO_ACCOUNT_ID}.*executionRoleName`),
      );
    }
    expect(loadNeighbourhood).not.toHaveBeenCalled();
    expect(loadRegion).not.toHaveBeenCalled();
    expect(sts).not.toHaveReceivedCommand(AssumeRoleCommand);
    expect(config).not.toHaveReceivedCommand(PutEvaluationsCommand);
  });

  it('fails with AssumeRoleError before any Describe or PutEvaluations call', async () => {
    sts
      .on(AssumeRoleCommand)
      .rejects(
        Object.assign(new Error('not authorized to perform sts:AssumeRole'), { name: 'AccessDenied' }),
      );
    const { handler, loadNeighbourhood } = setup();
    const failure = handler(crossAccountEvent(), fakeContext());
    await expect(failure).rejects.toThrow(AssumeRoleError);
    await expect(handler(crossAccountEvent(), fakeContext())).rejects.toThrow(ROLE_ARN);
    expect(loadNeighbourhood).not.toHaveBeenCalled();
    expect(config).not.toHaveReceivedCommand(PutEvaluationsCommand);
  });
});

describe('fault matrix', () => {
  function useRealLoaders() {
    // Only the rule handler's own loaders: no injected loadRegion/loadNeighbourhood.
    return createRuleHandler(getRule(INGRESS), {
      logger: new Logger({ logLevel: 'SILENT' }),
      sleep: async () => {},
    });
  }

  it('fails closed on AccessDenied from a Describe call: clear error, nothing posted', async () => {
    fake.fail(
      'DescribeSecurityGroups',
      awsError('UnauthorizedOperation', 'You are not authorized to perform this operation.'),
    );
    const handler = useRealLoaders();
    const failure = handler(loadEvent(`${INGRESS}/scheduled.json`), fakeContext());
    await expect(failure).rejects.toThrow(AccessDeniedError);
    await expect(handler(loadEvent(`${INGRESS}/scheduled.json`), fakeContext())).rejects.toThrow(
      'ec2:DescribeSecurityGroups',
    );
    expect(config).not.toHaveReceivedCommand(PutEvaluationsCommand);
  });

  it('fails on a 5xx from a Describe call, nothing posted', async () => {
    fake.fail(
      'DescribeNetworkInterfaces',
      Object.assign(new Error('An internal error has occurred'), {
        name: 'InternalError',
        $metadata: { httpStatusCode: 500 },
      }),
    );
    await expect(useRealLoaders()(loadEvent(`${INGRESS}/scheduled.json`), fakeContext())).rejects.toThrow(
      AwsCallError,
    );
    expect(config).not.toHaveReceivedCommand(PutEvaluationsCommand);
  });

  it('surfaces an expired result token as InvalidResultTokenError', async () => {
    config
      .on(PutEvaluationsCommand)
      .rejects(new InvalidResultTokenException({ message: 'The result token is invalid', $metadata: {} }));
    const { handler } = setup();
    const event = retarget(loadEvent(`${INGRESS}/security-group-change.json`), 'sg-mt');
    await expect(handler(event, fakeContext())).rejects.toThrow(InvalidResultTokenError);
  });

  it('rejects malformed JSON in invokingEvent before any AWS call', async () => {
    const { handler, loadNeighbourhood } = setup();
    const event = {
      ...loadEvent(`${INGRESS}/security-group-change.json`),
      invokingEvent: '{"configurationItem":',
    };
    await expect(handler(event, fakeContext())).rejects.toThrow(InvalidEventError);
    expect(loadNeighbourhood).not.toHaveBeenCalled();
    expect(config).not.toHaveReceivedCommand(PutEvaluationsCommand);
    expect(emf.metrics()).toContainEqual(metric('Errors', 1));
  });

  it('rejects unknown rule parameters before any AWS call', async () => {
    const { handler, loadNeighbourhood } = setup();
    const event = {
      ...loadEvent(`${INGRESS}/security-group-change.json`),
      ruleParameters: '{"allowEverything":"true"}',
    };
    await expect(handler(event, fakeContext())).rejects.toThrow(InvalidParametersError);
    await expect(handler(event, fakeContext())).rejects.toThrow('allowEverything');
    expect(loadNeighbourhood).not.toHaveBeenCalled();
    expect(config).not.toHaveReceivedCommand(PutEvaluationsCommand);
  });

  it('rejects a status Config does not send, naming the field', async () => {
    const { handler } = setup();
    const event = editInvokingEvent(loadEvent(`${INGRESS}/security-group-change.json`), (invokingEvent) => {
      itemOf(invokingEvent).configurationItemStatus = 'Deleted';
    });
    await expect(handler(event, fakeContext())).rejects.toThrow(
      'invokingEvent.configurationItem.configurationItemStatus',
    );
  });
});

describe('time budget', () => {
  it('throws DeadlineExceededError instead of being killed while the region loads', async () => {
    const { handler } = setup({
      safetyMarginMs: 10_000,
      loadRegion: () => new Promise<Snapshot>(() => {}),
    });
    const started = Date.now();
    await expect(
      handler(
        loadEvent(`${INGRESS}/scheduled.json`),
        fakeContext(() => 10_050),
      ),
    ).rejects.toThrow(DeadlineExceededError);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(config).not.toHaveReceivedCommand(PutEvaluationsCommand);
  });

  it('posts what was evaluated, then throws when no time is left for the stale cleanup', async () => {
    let remaining = 60_000;
    const { handler } = setup({
      safetyMarginMs: 10_000,
      loadRegion: async () => {
        remaining = 9_000; // the load used up the budget
        return regionSnapshot();
      },
    });
    await expect(
      handler(
        loadEvent(`${INGRESS}/scheduled.json`),
        fakeContext(() => remaining),
      ),
    ).rejects.toThrow(/stale-result cleanup: 9000 ms left of the Lambda timeout, 5 evaluation\(s\) posted/);
    expect(config).toHaveReceivedCommandTimes(PutEvaluationsCommand, 1);
    expect(config).not.toHaveReceivedCommand(GetComplianceDetailsByConfigRuleCommand);
  });
});

describe('metrics (the EMF Powertools writes to stdout)', () => {
  const DIMENSIONS = { service: 'efsguard', rule: INGRESS };

  it('a successful sweep: Evaluations per ComplianceType, then ApiCalls and the sweep figures in one flush', async () => {
    const { handler } = setup({ heapUsage: () => ({ usedBytes: 100 * 2 ** 20, limitBytes: 400 * 2 ** 20 }) });
    await handler(loadEvent(`${INGRESS}/scheduled.json`), fakeContext());

    const documents = emf.documents();
    for (const document of documents) {
      expect(document._aws.CloudWatchMetrics).toHaveLength(1);
      expect(document._aws.CloudWatchMetrics[0]?.Namespace).toBe('efsguard');
    }
    const evaluations = (complianceType: string, value: number) => ({
      namespace: 'efsguard',
      name: 'Evaluations',
      unit: 'Count',
      value,
      dimensions: { ...DIMENSIONS, ComplianceType: complianceType },
    });
    const flushed = (name: string, unit: string, value: number) => ({
      namespace: 'efsguard',
      name,
      unit,
      value,
      dimensions: DIMENSIONS,
    });
    // One document per Evaluations count (single metrics, published at once), then the invocation's flush.
    expect(documents).toHaveLength(4);
    expect(emf.metrics()).toEqual([
      evaluations('COMPLIANT', 2),
      evaluations('NON_COMPLIANT', 2),
      evaluations('NOT_APPLICABLE', 1),
      // The mocked clients answer before the SDK's middleware stack: no call reaches the counter.
      flushed('SweepBatches', 'Count', 1),
      flushed('SweepHeapUsedMB', 'Megabytes', 100),
      flushed('ApiCalls', 'Count', 0),
    ]);
  });

  it('a failure: Errors with the default dimensions and again per account, ApiCalls, no Evaluations', async () => {
    const { handler } = setup();
    const event = { ...loadEvent(`${INGRESS}/security-group-change.json`), ruleParameters: '{"nope":"1"}' };
    await expect(handler(event, fakeContext())).rejects.toThrow(InvalidParametersError);

    expect(emf.metrics()).toEqual([
      {
        namespace: 'efsguard',
        name: 'Errors',
        unit: 'Count',
        value: 1,
        dimensions: { ...DIMENSIONS, account: MOTO_ACCOUNT_ID },
      },
      { namespace: 'efsguard', name: 'Errors', unit: 'Count', value: 1, dimensions: DIMENSIONS },
      { namespace: 'efsguard', name: 'ApiCalls', unit: 'Count', value: 0, dimensions: DIMENSIONS },
    ]);
  });
});

describe('IAM triggers', () => {
  const IAM_RULE = 'efs-api-least-privilege';

  it('load only the changed role, by the name and ARN of its item, in the rule region (the item says "global")', async () => {
    const iamRegion: Snapshot = {
      ...regionSnapshot(),
      parts: ['iam'],
      iam: { RoleDetailList: [], UserDetailList: [], GroupDetailList: [], Policies: [] },
    };
    const { handler, loadRegion, loadNeighbourhood } = setup({}, getRule(IAM_RULE), iamRegion);
    loadNeighbourhood.mockResolvedValueOnce(iamRegion);
    const result = await handler(loadEvent(`${IAM_RULE}/role-change.json`), fakeContext());
    expect(loadRegion).not.toHaveBeenCalled();
    expect(loadNeighbourhood).toHaveBeenCalledWith(
      expect.anything(),
      [
        {
          resourceType: 'AWS::IAM::Role',
          resourceId: 'AROAEXAMPLEEFSADMIN01',
          resourceName: 'efs-admin',
          arn: 'arn:aws:iam::123456789012:role/efs-admin',
        },
      ],
      { accountId: MOTO_ACCOUNT_ID, region: 'us-east-1', parts: ['iam'] },
    );
    // Not in the slice any more: the role no longer exists under that id.
    expect(result.evaluations).toEqual([
      expect.objectContaining({ resourceId: 'AROAEXAMPLEEFSADMIN01', complianceType: 'NOT_APPLICABLE' }),
    ]);
  });

  it('a managed policy change passes the policy ARN, which GetPolicy needs', async () => {
    const evaluate = jest.fn((): Evaluation[] => []);
    const withParameters = jest.fn(() => evaluate);
    const { handler, loadNeighbourhood } = setup({}, { ...getRule(IAM_RULE), withParameters });
    await handler(loadEvent(`${IAM_RULE}/policy-change.json`), fakeContext());
    expect(loadNeighbourhood).toHaveBeenCalledWith(
      expect.anything(),
      [
        expect.objectContaining({
          resourceType: 'AWS::IAM::Policy',
          arn: 'arn:aws:iam::123456789012:policy/efs-broad',
        }),
      ],
      expect.objectContaining({ parts: ['iam'] }),
    );
    expect(withParameters).toHaveBeenCalledWith({});
    expect(evaluate).toHaveBeenCalledWith(expect.anything(), {
      kind: 'seeds',
      seeds: [{ resourceType: 'AWS::IAM::Policy', resourceId: 'ANPAEXAMPLEEFSBROAD01' }],
    });
  });
});

describe('each rule loads exactly its own parts', () => {
  /** A change event of each rule's first trigger type, built from a sample event. */
  function changeEventFor(rule: Rule) {
    const type = rule.triggerResourceTypes[0] as string;
    const event = retarget(loadEvent(`${INGRESS}/security-group-change.json`), 'res-1', type);
    return { ...event, configRuleName: rule.id };
  }

  it.each(RULES.map((rule) => [rule.id, rule] as const))(
    '%s: change and scheduled events',
    async (_id, rule) => {
      const { accountId, region } = regionSnapshot();
      const empty = emptySnapshot(accountId, region, {
        parts: [...rule.requires],
        iam: { RoleDetailList: [], UserDetailList: [], GroupDetailList: [], Policies: [] },
        ...(rule.requires.includes('routing') ? { routing: emptyRouting() } : {}),
      });
      const loadNeighbourhood = jest.fn(async () => empty);
      const loadRegion = jest.fn(async () => empty);
      const { handler } = setup({ loadNeighbourhood, loadRegion }, rule);
      await handler(changeEventFor(rule), fakeContext());
      await handler({ ...loadEvent(`${INGRESS}/scheduled.json`), configRuleName: rule.id }, fakeContext());
      expect(loadNeighbourhood).toHaveBeenCalledTimes(1);
      expect(loadNeighbourhood).toHaveBeenCalledWith(expect.anything(), expect.anything(), {
        accountId: MOTO_ACCOUNT_ID,
        region: 'us-east-1',
        parts: rule.requires,
      });
      expect(loadRegion).toHaveBeenCalledTimes(1);
      expect(loadRegion).toHaveBeenCalledWith(expect.anything(), {
        accountId: MOTO_ACCOUNT_ID,
        region: 'us-east-1',
        parts: rule.requires,
      });
    },
  );
});

describe('handler files', () => {
  it.each(RULES.map((rule) => rule.id))(
    '%s has a handler built by the factory from its own rule module',
    async (id) => {
      const path = join(__dirname, '..', '..', 'handlers', `${id}.ts`);
      expect(existsSync(path)).toBe(true);
      const source = readFileSync(path, 'utf8');
      // Its own module, not the registry: the bundle then carries this rule alone.
      expect(source).toContain(`from '../core/rules/${id}'`);
      expect(source).not.toContain("from '../core/rules'");
      expect(source).toMatch(/export const handler = createRuleHandler\(\w+, LAMBDA_PORTS\);/);
      const module = (await import(path)) as { handler: unknown };
      expect(typeof module.handler).toBe('function');
    },
  );
});

describe('default clients', () => {
  it('gives the Config client the retries of the Describe clients (PutEvaluations is throttled too)', async () => {
    const { createDefaultClientFactory } = await import('../../handlers/runtime/clients');
    const { DEFAULT_MAX_ATTEMPTS } = await import('../../aws/sdk/clients');
    const clients = createDefaultClientFactory()('eu-west-1');
    expect(await clients.config.config.maxAttempts()).toBe(DEFAULT_MAX_ATTEMPTS);
    const retryMode = clients.config.config.retryMode;
    expect(typeof retryMode === 'function' ? await retryMode() : retryMode).toBe('adaptive');
    expect(await clients.config.config.maxAttempts()).toBe(await clients.aws.ec2.config.maxAttempts());
  });
});
