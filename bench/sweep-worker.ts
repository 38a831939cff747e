// One scheduled sweep of one rule, in a fresh process whose heap is capped like a Lambda function's: the
// real rule handler with its default ports (SDK clients, loaders, batches, sink) against the loopback
// endpoint of bench/fake-endpoint.ts.
// Usage: node --max-old-space-size=400 --import tsx bench/sweep-worker.ts <port> <rule-id> [whole-region]
// Prints one JSON line: { ok, wallMs, peakRssMb, heapLimitMb, posted, batches, sweepHeapUsedMb, error? }.
// "whole-region" loads the region in one batch, as sweeps did before batches, for comparison.

import { performance } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import { Logger } from '@aws-lambda-powertools/logger';
import { loadRegion } from '../aws/load/region';
import { getRule } from '../core/rules/index';
import { createRuleHandler } from '../handlers/runtime/factory';
import { localLambdaContext } from '../handlers/runtime/local-context';
import { startEmfCapture } from '../test/helpers/emf';

const [port, ruleId, mode] = process.argv.slice(2);
if (!port || !ruleId) throw new Error('usage: sweep-worker <port> <rule-id> [whole-region]');
const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';
const endpoint = `http://127.0.0.1:${port}`;
process.env.AWS_ACCESS_KEY_ID = 'bench';
process.env.AWS_SECRET_ACCESS_KEY = 'bench';
process.env.AWS_REGION = REGION;

// The handler's own Powertools metrics, read back from its EMF (and kept off this worker's stdout).
const emf = startEmfCapture();
const metric = (name: string): number | undefined =>
  emf.metrics().find((entry) => entry.name === name)?.value;

const rule = getRule(ruleId);
const handler = createRuleHandler(
  rule,
  {
    logger: new Logger({ logLevel: 'SILENT' }),
    ...(mode === 'whole-region'
      ? {
          loadRegion: (clients, context) =>
            loadRegion(clients, { accountId: context.accountId, parts: context.parts }),
        }
      : {}),
  },
  { endpoint },
);
const time = '2026-01-01T00:00:00.000Z';
const event = {
  invokingEvent: JSON.stringify({
    awsAccountId: ACCOUNT,
    messageType: 'ScheduledNotification',
    notificationCreationTime: time,
  }),
  ruleParameters: '{}',
  resultToken: 'bench-token',
  eventLeftScope: false,
  configRuleName: rule.id,
  configRuleArn: `arn:aws:config:${REGION}:${ACCOUNT}:config-rule/config-rule-bench`,
  accountId: ACCOUNT,
};

const start = performance.now();
const report = (extra: Record<string, unknown>) => {
  emf.stop();
  process.stdout.write(
    `${JSON.stringify({
      wallMs: performance.now() - start,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
      heapLimitMb: getHeapStatistics().heap_size_limit / 2 ** 20,
      batches: metric('SweepBatches'),
      sweepHeapUsedMb: metric('SweepHeapUsedMB'),
      ...extra,
    })}\n`,
  );
};
handler(event, localLambdaContext({ accountId: ACCOUNT, region: REGION })).then(
  (result) => report({ ok: true, posted: result.evaluations.length }),
  (error: Error) => report({ ok: false, error: `${error.name}: ${error.message}` }),
);
