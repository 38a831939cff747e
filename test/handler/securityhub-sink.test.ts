// The optional Security Hub sink, with aws-sdk-client-mock: batches of at most 100, failed findings
// retried then reported, archiving on deletion, the same ids as the CLI, and nothing in test mode.
import 'aws-sdk-client-mock-jest';
import { Logger } from '@aws-lambda-powertools/logger';
import { ConfigServiceClient, PutEvaluationsCommand } from '@aws-sdk/client-config-service';
import { BatchImportFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { mockClient } from 'aws-sdk-client-mock';
import { loadSecurityHubPort } from '../../aws/config/securityhub-loader';
import {
  createSecurityHubPort,
  FailedFindingsError,
  importFindings,
  MAX_FINDINGS_PER_CALL,
  securityHubFromEnv,
} from '../../aws/config/securityhub-sink';
import type { Evaluation } from '../../core/model';
import { getRule } from '../../core/rules';
import { createRuleHandler } from '../../handlers/runtime/factory';
import { asffFindingId, toAsffFindings } from '../../report/asff';
import { MOTO_ACCOUNT_ID } from '../helpers/accounts';
import { loadEvent, retarget } from '../helpers/events';
import { buildSmallRegion } from '../helpers/fake-account';
import { type FakeAws, installFakeAws } from '../helpers/fake-aws';
import { fakeContext } from '../helpers/lambda';

const hub = mockClient(SecurityHubClient);
const config = mockClient(ConfigServiceClient);
const INGRESS = 'efs-mount-target-nfs-ingress';
const NOW = Date.parse('2026-11-30T10:00:00.000Z');

function findings(n: number) {
  const evaluations: Evaluation[] = Array.from({ length: n }, (_, i) => ({
    rule: INGRESS,
    resourceType: 'AWS::EC2::SecurityGroup',
    resourceId: `sg-${String(i).padStart(17, '0')}`,
    complianceType: 'NON_COMPLIANT',
    annotation: `finding ${i}`,
  }));
  return toAsffFindings({
    accountId: MOTO_ACCOUNT_ID,
    region: 'us-east-1',
    evaluations,
    rules: [getRule(INGRESS)],
    generatedAt: '2026-11-30T10:00:00.000Z',
    toolVersion: 'test',
  });
}

function handlerWithSecurityHub() {
  // The production loaders, reading the small region through the fake AWS.
  return createRuleHandler(getRule(INGRESS), {
    logger: new Logger({ logLevel: 'SILENT' }),
    sleep: async () => {},
    now: () => NOW,
    securityHub: createSecurityHubPort({
      sleep: async () => {},
      createClient: (r) => new SecurityHubClient({ region: r }),
    }),
  });
}

function importedFindings() {
  return hub.commandCalls(BatchImportFindingsCommand).flatMap((call) => call.args[0].input.Findings ?? []);
}

let fake: FakeAws;
beforeEach(() => {
  fake = installFakeAws(buildSmallRegion().snapshot());
});
afterEach(() => fake.restore());

beforeEach(() => {
  hub.reset();
  config.reset();
  config.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [] });
  hub.on(BatchImportFindingsCommand).callsFake((input: { Findings: unknown[] }) => ({
    SuccessCount: input.Findings.length,
    FailedCount: 0,
    FailedFindings: [],
  }));
});

describe('Security Hub sink', () => {
  it('sends 250 findings in batches of 100, 100 and 50', async () => {
    const client = new SecurityHubClient({ region: 'us-east-1' });
    const result = await importFindings(client, findings(250), { sleep: async () => {} });
    expect(result).toEqual({ imported: 250, failed: [] });
    const sizes = hub
      .commandCalls(BatchImportFindingsCommand)
      .map((call) => call.args[0].input.Findings?.length);
    expect(sizes).toEqual([MAX_FINDINGS_PER_CALL, MAX_FINDINGS_PER_CALL, 50]);
  });

  it('retries only the failed findings, with backoff, and reports those that keep failing', async () => {
    const all = findings(3);
    const [first, second] = all;
    hub
      .on(BatchImportFindingsCommand)
      .resolvesOnce({
        SuccessCount: 1,
        FailedCount: 2,
        FailedFindings: [
          { Id: first?.Id, ErrorCode: 'ThrottlingException', ErrorMessage: 'slow down' },
          { Id: second?.Id, ErrorCode: 'InvalidInput', ErrorMessage: 'bad field' },
        ],
      })
      .resolvesOnce({
        SuccessCount: 1,
        FailedCount: 1,
        FailedFindings: [{ Id: second?.Id, ErrorCode: 'InvalidInput', ErrorMessage: 'bad field' }],
      })
      .resolves({
        SuccessCount: 0,
        FailedCount: 1,
        FailedFindings: [{ Id: second?.Id, ErrorCode: 'InvalidInput', ErrorMessage: 'bad field' }],
      });
    const sleeps: number[] = [];
    const result = await importFindings(new SecurityHubClient({ region: 'us-east-1' }), all, {
      retries: 2,
      backoffMs: 100,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    });
    const calls = hub
      .commandCalls(BatchImportFindingsCommand)
      .map((call) => call.args[0].input.Findings?.map((f) => f.Id));
    expect(calls).toEqual([all.map((f) => f.Id), [first?.Id, second?.Id], [second?.Id]]);
    expect(sleeps).toEqual([100, 200]);
    expect(result).toEqual({
      imported: 2,
      failed: [{ id: second?.Id, errorCode: 'InvalidInput', errorMessage: 'bad field' }],
    });

    // Through the port, findings still failing fail the invocation, naming them.
    hub.reset();
    hub.on(BatchImportFindingsCommand).resolves({
      SuccessCount: 0,
      FailedCount: 1,
      FailedFindings: [{ Id: 'x', ErrorCode: 'InvalidInput', ErrorMessage: 'bad field' }],
    });
    const port = createSecurityHubPort({
      retries: 0,
      createClient: () => new SecurityHubClient({ region: 'us-east-1' }),
    });
    await expect(
      port.forward({
        rule: getRule(INGRESS),
        accountId: MOTO_ACCOUNT_ID,
        region: 'us-east-1',
        evaluations: [
          {
            rule: INGRESS,
            resourceType: 'AWS::EC2::SecurityGroup',
            resourceId: 'x',
            complianceType: 'COMPLIANT',
          },
        ],
        now: NOW,
        configClient: { config: {} },
      }),
    ).rejects.toThrow(FailedFindingsError);
  });

  it('archives the finding of a deleted group, with the id `scan --format asff` gives it', async () => {
    const handler = handlerWithSecurityHub();
    await handler(retarget(loadEvent(`${INGRESS}/security-group-deleted.json`), 'sg-gone'), fakeContext());
    const imported = importedFindings();
    expect(imported).toHaveLength(1);
    expect(imported[0]).toMatchObject({
      Id: asffFindingId(
        { accountId: MOTO_ACCOUNT_ID, region: 'us-east-1' },
        { rule: INGRESS, resourceType: 'AWS::EC2::SecurityGroup', resourceId: 'sg-gone' },
      ),
      RecordState: 'ARCHIVED',
      Compliance: { Status: 'NOT_AVAILABLE' },
      Workflow: { Status: 'RESOLVED' },
      ProductArn: `arn:aws:securityhub:us-east-1:${MOTO_ACCOUNT_ID}:product/${MOTO_ACCOUNT_ID}/default`,
      UpdatedAt: '2026-11-30T10:00:00.000Z',
    });
  });

  it('sends every posted verdict of a change, failed ones NEW and compliant ones RESOLVED', async () => {
    const handler = handlerWithSecurityHub();
    const result = await handler(
      retarget(loadEvent(`${INGRESS}/security-group-change.json`), 'sg-open'),
      fakeContext(),
    );
    const imported = importedFindings();
    expect(imported.map((f) => f.Resources?.[0]?.Id?.split('/').pop())).toEqual(
      result.evaluations.map((e) => e.resourceId),
    );
    for (const [i, finding] of imported.entries()) {
      const evaluation = result.evaluations[i];
      expect(finding.Workflow?.Status).toBe(
        evaluation?.complianceType === 'NON_COMPLIANT' ? 'NEW' : 'RESOLVED',
      );
      expect(finding.RecordState).toBe('ACTIVE');
    }
    expect(imported.some((f) => f.Compliance?.Status === 'FAILED')).toBe(true);
  });

  it('sends nothing for a test-mode invocation, and is off unless EFSGUARD_SECURITY_HUB is true', async () => {
    const handler = handlerWithSecurityHub();
    await handler(
      retarget(loadEvent(`${INGRESS}/testmode-security-group-change.json`), 'sg-open'),
      fakeContext(),
    );
    expect(hub).toHaveReceivedCommandTimes(BatchImportFindingsCommand, 0);
    expect(securityHubFromEnv({})).toBeUndefined();
    expect(loadSecurityHubPort({ EFSGUARD_SECURITY_HUB: 'false' })).toBeUndefined();
    expect(() => loadSecurityHubPort({ EFSGUARD_SECURITY_HUB: 'true' }, {}, '/nonexistent')).toThrow(
      /EFSGUARD_SECURITY_HUB is true but \/nonexistent\/securityhub\.js cannot be loaded/,
    );
  });
});
