// Waivers in the Lambda path: the document named by the waiversParameter rule parameter is read from SSM
// with the function's own credentials (the real reader, its HTTP answered by a fake fetch), applied to
// the rule's verdicts, and posted: a waived finding as COMPLIANT with "Waived until …", an expired waiver
// or an unresolved verdict as NON_COMPLIANT, and an unreadable document fails the invocation unposted.
import 'aws-sdk-client-mock-jest';
import { Logger } from '@aws-lambda-powertools/logger';
import {
  ConfigServiceClient,
  GetComplianceDetailsByConfigRuleCommand,
  PutEvaluationsCommand,
} from '@aws-sdk/client-config-service';
import { BatchImportFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { createSecurityHubPort } from '../../aws/config/securityhub-sink';

import { createSsmWaiverReader } from '../../aws/config/waiver-source';
import { efsFileSystemPolicy } from '../../core/rules/efs-file-system-policy';
import { createRuleHandler } from '../../handlers/runtime/factory';
import { MOTO_ACCOUNT_ID, MOTO_REGION } from '../helpers/accounts';
import { loadEvent } from '../helpers/events';
import { FakeAccount } from '../helpers/fake-account';
import { type FakeAws, installFakeAws } from '../helpers/fake-aws';
import { fakeContext } from '../helpers/lambda';

const NOW = Date.parse('2026-11-30T10:00:00Z');
const PARAMETER = '/efsguard/waivers';

const TAGS = { Tags: [{ Key: 'risk-accepted', Value: 'yes' }] };
const snapshot = new FakeAccount(MOTO_ACCOUNT_ID, MOTO_REGION)
  .fileSystem('fs-waived', null, TAGS)
  .fileSystem('fs-expired', null, TAGS)
  .fileSystem('fs-tagged', null, TAGS)
  .fileSystem('fs-unreadable', '{ not json', TAGS)
  .snapshot();

const WAIVERS = {
  waivers: [
    {
      rule: 'efs-file-system-policy',
      resource: 'fs-waived',
      reason: 'scratch data only',
      owner: 'team-hpc',
      expires: '2027-03-31',
    },
    { rule: '*', resource: 'fs-expired', reason: 'was temporary', owner: 'team-hpc', expires: '2026-11-29' },
    {
      rule: '*',
      resource: 'tag:risk-accepted=yes',
      reason: 'self-waived by tag',
      owner: 'anyone',
      expires: '2027-01-01',
    },
    {
      rule: '*',
      resource: 'fs-unreadable',
      reason: 'should never apply',
      owner: 'team-hpc',
      expires: '2027-01-01',
    },
  ],
};

const config = mockClient(ConfigServiceClient);
let fake: FakeAws;
let requests: { headers: Record<string, string>; body: string }[];

function ssmAnswering(value: string | { status: number; body: unknown }) {
  requests = [];
  return (async (_url: URL | string, init?: RequestInit) => {
    requests.push({ headers: init?.headers as Record<string, string>, body: String(init?.body) });
    if (typeof value === 'string') return new Response(JSON.stringify({ Parameter: { Value: value } }));
    return new Response(JSON.stringify(value.body), { status: value.status });
  }) as typeof fetch;
}

function handlerWith(fetch: typeof globalThis.fetch) {
  return createRuleHandler(efsFileSystemPolicy, {
    logger: new Logger({ logLevel: 'SILENT' }),
    sleep: async () => {},
    now: () => NOW,
    readWaivers: createSsmWaiverReader({ region: MOTO_REGION, fetch, env: {}, now: () => NOW }),
  });
}

function scheduledEvent(parameters: Record<string, string>, extra: Record<string, unknown> = {}) {
  return {
    ...loadEvent('efs-file-system-policy/scheduled.json'),
    ruleParameters: JSON.stringify(parameters),
    ...extra,
  };
}

function posted() {
  return config
    .commandCalls(PutEvaluationsCommand)
    .flatMap((call) => call.args[0].input.Evaluations ?? [])
    .map((evaluation) => ({
      id: evaluation.ComplianceResourceId,
      type: evaluation.ComplianceType,
      annotation: evaluation.Annotation,
    }));
}

const saved = { ...process.env };
beforeEach(() => {
  process.env.AWS_ACCESS_KEY_ID = 'AKIAFUNCTIONROLE';
  process.env.AWS_SECRET_ACCESS_KEY = 'secret';
  delete process.env.AWS_SESSION_TOKEN;
  config.reset();
  config.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [] });
  config.on(GetComplianceDetailsByConfigRuleCommand).resolves({ EvaluationResults: [] });
  fake = installFakeAws(snapshot);
});
afterEach(() => fake.restore());
afterAll(() => {
  process.env = saved;
});

describe('waivers in the Lambda rules', () => {
  it('posts a waived finding as COMPLIANT "Waived until …", and leaves expired, tag and unresolved ones NON_COMPLIANT', async () => {
    const handler = handlerWith(ssmAnswering(JSON.stringify(WAIVERS)));
    await handler(scheduledEvent({ waiversParameter: PARAMETER }), fakeContext());

    const byId = Object.fromEntries(posted().map((evaluation) => [evaluation.id, evaluation]));
    expect(byId['fs-waived']).toMatchObject({
      type: 'COMPLIANT',
      annotation: expect.stringMatching(
        /^Waived until 2027-03-31 by team-hpc: scratch data only \| No file system policy/,
      ),
    });
    expect(byId['fs-expired']).toMatchObject({
      type: 'NON_COMPLIANT',
      annotation: expect.stringMatching(/^No file system policy/),
    });
    // Tag waivers are off unless allowTagWaivers is true: whoever tags the file system could waive it.
    expect(byId['fs-tagged']).toMatchObject({ type: 'NON_COMPLIANT' });
    // A policy that cannot be parsed is never waived.
    expect(byId['fs-unreadable']).toMatchObject({
      type: 'NON_COMPLIANT',
      annotation: expect.stringMatching(/cannot be parsed/),
    });
    expect(requests).toHaveLength(1);
    expect(JSON.parse(requests[0]?.body ?? '{}')).toEqual({ Name: PARAMETER, WithDecryption: true });
  });

  it('sends a waived finding to Security Hub as FAILED and SUPPRESSED with its finding, never as PASSED', async () => {
    const hub = mockClient(SecurityHubClient);
    hub.on(BatchImportFindingsCommand).callsFake((input: { Findings: unknown[] }) => ({
      SuccessCount: input.Findings.length,
      FailedCount: 0,
      FailedFindings: [],
    }));
    try {
      const handler = createRuleHandler(efsFileSystemPolicy, {
        logger: new Logger({ logLevel: 'SILENT' }),
        sleep: async () => {},
        now: () => NOW,
        readWaivers: createSsmWaiverReader({
          region: MOTO_REGION,
          fetch: ssmAnswering(JSON.stringify(WAIVERS)),
          env: {},
          now: () => NOW,
        }),
        securityHub: createSecurityHubPort({
          sleep: async () => {},
          createClient: (region) => new SecurityHubClient({ region }),
        }),
      });
      await handler(scheduledEvent({ waiversParameter: PARAMETER }), fakeContext());
      const findings = hub
        .commandCalls(BatchImportFindingsCommand)
        .flatMap((call) => call.args[0].input.Findings ?? []);
      const waived = findings.find(
        (finding) => finding.ProductFields?.['efsguard/ResourceId'] === 'fs-waived',
      );
      expect(waived).toMatchObject({
        Compliance: { Status: 'FAILED' },
        Workflow: { Status: 'SUPPRESSED' },
        Description: expect.stringMatching(/^No file system policy/),
        ProductFields: { 'efsguard/Waiver': 'Waived until 2027-03-31 by team-hpc: scratch data only' },
      });
      const expired = findings.find(
        (finding) => finding.ProductFields?.['efsguard/ResourceId'] === 'fs-expired',
      );
      expect(expired).toMatchObject({ Compliance: { Status: 'FAILED' }, Workflow: { Status: 'NEW' } });
    } finally {
      hub.restore();
    }
  });

  it('applies tag waivers when allowTagWaivers is true', async () => {
    const handler = handlerWith(ssmAnswering(JSON.stringify(WAIVERS)));
    await handler(scheduledEvent({ waiversParameter: PARAMETER, allowTagWaivers: 'true' }), fakeContext());
    const tagged = posted().find((evaluation) => evaluation.id === 'fs-tagged');
    expect(tagged).toMatchObject({
      type: 'COMPLIANT',
      annotation: expect.stringMatching(/^Waived until 2027-01-01 by anyone/),
    });
  });

  it('reads the document with its own credentials, not the member execution role', async () => {
    // The fake AWS mocks STS too; this test's mock answers AssumeRole (installed after it).
    const sts = mockClient(STSClient);
    sts.on(AssumeRoleCommand).resolves({
      Credentials: {
        AccessKeyId: 'ASIAMEMBER',
        SecretAccessKey: 'secret',
        SessionToken: 'token',
        Expiration: new Date(Date.now() + 3_600_000),
      },
    });
    const handler = handlerWith(ssmAnswering(JSON.stringify(WAIVERS)));
    await handler(
      scheduledEvent({ waiversParameter: PARAMETER, executionRoleName: 'efsguard-member' }),
      fakeContext(),
    );
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 1);
    expect(requests[0]?.headers.authorization).toMatch(/Credential=AKIAFUNCTIONROLE\//);
    expect(posted().find((evaluation) => evaluation.id === 'fs-waived')?.type).toBe('COMPLIANT');
  });

  it('fails the invocation, posting nothing, when the document cannot be read', async () => {
    const handler = handlerWith(
      ssmAnswering({ status: 400, body: { __type: 'AccessDeniedException', message: 'denied' } }),
    );
    await expect(handler(scheduledEvent({ waiversParameter: PARAMETER }), fakeContext())).rejects.toThrow(
      /not allowed to call ssm:GetParameter/,
    );
    expect(config).toHaveReceivedCommandTimes(PutEvaluationsCommand, 0);
  });

  it('fails the invocation, naming the entry and field, when the document is invalid', async () => {
    const bad = { waivers: [{ ...WAIVERS.waivers[0], expires: '2031-01-01' }] };
    const handler = handlerWith(ssmAnswering(JSON.stringify(bad)));
    await expect(handler(scheduledEvent({ waiversParameter: PARAMETER }), fakeContext())).rejects.toThrow(
      /SSM parameter \/efsguard\/waivers: invalid waivers: waivers\[0\]\.expires: 2031-01-01 is more than 365 days/,
    );
    expect(config).toHaveReceivedCommandTimes(PutEvaluationsCommand, 0);
  });

  it('reports an invalid document once under the deployed ports, so Lambda does not retry it', async () => {
    const bad = { waivers: [{ ...WAIVERS.waivers[0], expires: '2031-01-01' }] };
    const handler = createRuleHandler(efsFileSystemPolicy, {
      logger: new Logger({ logLevel: 'SILENT' }),
      sleep: async () => {},
      now: () => NOW,
      readWaivers: createSsmWaiverReader({
        region: MOTO_REGION,
        fetch: ssmAnswering(JSON.stringify(bad)),
        env: {},
        now: () => NOW,
      }),
      deterministicFailures: 'report',
    });
    const result = await handler(scheduledEvent({ waiversParameter: PARAMETER }), fakeContext());
    expect(result.failure).toMatchObject({ name: 'InvalidWaiversError', retryable: false });
    expect(config).toHaveReceivedCommandTimes(PutEvaluationsCommand, 0);
  });

  it('reads nothing without waiversParameter', async () => {
    const handler = handlerWith(ssmAnswering(JSON.stringify(WAIVERS)));
    await handler(scheduledEvent({}), fakeContext());
    expect(requests).toHaveLength(0);
    expect(posted().find((evaluation) => evaluation.id === 'fs-waived')?.type).toBe('NON_COMPLIANT');
  });
});
