// The handler's ports: everything an invocation takes from outside (loaders, clients, credentials,
// logger, metrics, the clock), with production defaults. Tests and `efsguard invoke` replace any of them.
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { ConfigServiceClient } from '@aws-sdk/client-config-service';
import type { PostedEvaluation } from '../../aws/config/evaluation-sink';
import type { Trigger } from '../../aws/config/event';
import { loadSecurityHubPort } from '../../aws/config/securityhub-loader';
import type { SecurityHubPort } from '../../aws/config/securityhub-sink';
import { createSsmWaiverReader, type ReadWaiverText } from '../../aws/config/waiver-source';
import { loadNeighbourhood, type NeighbourhoodSeed } from '../../aws/load/neighbourhood';
import { loadRegion } from '../../aws/load/region';
import { sweepNetworkInBatches } from '../../aws/load/sweep-batches';
import type { AwsClientOptions, AwsClients } from '../../aws/sdk/clients';
import { type CredentialCache, createCredentialCache, type RoleCredentials } from '../../aws/sdk/credentials';
import type { Snapshot } from '../../aws/snapshot/format';
import { normaliseSnapshot } from '../../aws/snapshot/normalise';
import type { Topology, TopologyPart } from '../../core/model';
import { createDefaultClientFactory } from './clients';
import { safetyMarginFrom } from './deadline';
import { createLogger, createMetrics } from './instrumentation';

/** Everything a rule handler needs from the AWS side for one invocation. */
export interface HandlerClients {
  readonly aws: AwsClients;
  readonly config: ConfigServiceClient;
}

/** What a load needs besides the clients: the account (from the event), the region and the rule's parts. */
interface LoadContext {
  readonly accountId: string;
  readonly region: string;
  /** The rule's `requires`: the loaders read these parts and nothing else (aws/load/permissions.ts). */
  readonly parts: readonly TopologyPart[];
}

type LoadNeighbourhood = (
  clients: AwsClients,
  seeds: readonly NeighbourhoodSeed[],
  context: LoadContext,
) => Promise<Snapshot>;

type LoadRegion = (clients: AwsClients, context: LoadContext) => Promise<Snapshot>;

/**
 * A scheduled sweep's load, in batches: `visit` gets each batch's snapshot and is awaited before the
 * next batch is read. The default reads the network rules' part one batch of connected VPCs at a time
 * (aws/load/sweep-batches.ts) and every other part in one batch; a `loadRegion` override alone makes it one
 * batch of that loader's snapshot.
 */
type SweepRegion = (
  clients: AwsClients,
  context: LoadContext,
  visit: (snapshot: Snapshot) => Promise<void>,
) => Promise<void>;

export interface RuleHandlerPorts {
  /** Builds the clients for a region, with the assumed role's credentials when there are any. */
  createClients(region: string, credentials?: () => Promise<RoleCredentials>): HandlerClients;
  loadNeighbourhood: LoadNeighbourhood;
  loadRegion: LoadRegion;
  sweepRegion: SweepRegion;
  normaliseSnapshot(snapshot: Snapshot): Topology;
  /** The V8 heap in use and its limit (node:v8 getHeapStatistics), checked between sweep batches. */
  heapUsage(): { usedBytes: number; limitBytes: number };
  credentials: CredentialCache;
  /** Powertools' Logger; the factory hands it to injectLambdaContext. */
  logger: Logger;
  /** Powertools' Metrics; the factory hands it to logMetrics, which flushes it after each invocation. */
  metrics: Metrics;
  /** Stop starting work this long before the Lambda timeout. EFSGUARD_SAFETY_MARGIN_MS overrides the default. */
  safetyMarginMs: number;
  /** Used when a scheduled event names no region. */
  defaultRegion?: string;
  /** Extra attempts and first backoff for FailedEvaluations. */
  putRetries: number;
  putBackoffMs: number;
  sleep(ms: number): Promise<void>;
  now(): number;
  /**
   * What a deterministic failure (see isDeterministicFailure) does: 'throw' (the default: the CLI and
   * the tests see the typed error) or 'report' (the Lambda entries: the invocation succeeds with a
   * `failure` report, so Lambda's asynchronous retries do not replay an event that must fail again).
   * Either way the failure is logged once and counted in the Errors metric.
   */
  deterministicFailures: 'throw' | 'report';
  /** Reads the waiver document named by the waiversParameter rule parameter, with the function's own role. */
  readWaivers: ReadWaiverText;
  /** The optional Security Hub sink (deploy option securityHub; EFSGUARD_SECURITY_HUB=true). */
  securityHub?: SecurityHubPort;
}

/** Options for the default ports (endpoint for moto/LocalStack, retry tuning). */
export type ClientOptions = Pick<
  AwsClientOptions,
  'endpoint' | 'maxAttempts' | 'retryMode' | 'retryStrategy'
>;

export interface RuleHandlerResult {
  readonly rule: string;
  readonly configRuleName: string;
  /** 'unknown' only in a failure report for an event that could not be parsed. */
  readonly trigger: Trigger['kind'] | 'unknown';
  /** Exactly what was sent with PutEvaluations and accepted, in order. */
  readonly evaluations: readonly PostedEvaluation[];
  /** Set when a deterministic failure was reported instead of thrown (deterministicFailures: 'report'). */
  readonly failure?: FailureReport;
}

/** A failure that retrying the same event cannot fix, reported once instead of thrown. */
export interface FailureReport {
  readonly name: string;
  readonly message: string;
  /** The account the event was for, when the event could be read. */
  readonly accountId?: string;
  readonly retryable: false;
}

/** The production ports; `overrides` replace any of them (a `loadRegion` alone also becomes the sweep's one batch). */
export function createPorts(
  overrides: Partial<RuleHandlerPorts> = {},
  options: ClientOptions = {},
): RuleHandlerPorts {
  const env = process.env;
  const region = env.AWS_REGION ? { region: env.AWS_REGION } : {};
  const endpoint = options.endpoint ? { endpoint: options.endpoint } : {};
  const securityHub = loadSecurityHubPort(env, endpoint);
  const ports: RuleHandlerPorts = {
    ...(securityHub ? { securityHub } : {}),
    createClients: createDefaultClientFactory(options),
    loadNeighbourhood: (clients, seeds, context) => loadNeighbourhood(clients, seeds, context),
    loadRegion: (clients, context) =>
      loadRegion(clients, { accountId: context.accountId, parts: context.parts }),
    sweepRegion: async (clients, context, visit) => {
      const batchable =
        context.parts.includes('network') &&
        context.parts.every((part) => part === 'network' || part === 'routing');
      if (batchable) {
        await sweepNetworkInBatches(
          clients,
          {
            accountId: context.accountId,
            region: context.region,
            routing: context.parts.includes('routing'),
          },
          (snapshot) => visit(snapshot),
        );
      } else {
        await visit(await loadRegion(clients, { accountId: context.accountId, parts: context.parts }));
      }
    },
    heapUsage: () => {
      // Loaded on first use, between sweep batches: node:v8 is among the costliest built-in modules to
      // load, and a cold start that never sweeps would pay for it at module load.
      const { getHeapStatistics } = require('node:v8') as typeof import('node:v8');
      const heap = getHeapStatistics();
      return { usedBytes: heap.used_heap_size, limitBytes: heap.heap_size_limit };
    },
    normaliseSnapshot,
    credentials: createCredentialCache({ ...region, ...endpoint, roleSessionName: 'efsguard-config-rule' }),
    logger: overrides.logger ?? createLogger(),
    metrics: overrides.metrics ?? createMetrics(),
    safetyMarginMs: safetyMarginFrom(env),
    ...(env.AWS_REGION ? { defaultRegion: env.AWS_REGION } : {}),
    putRetries: 2,
    putBackoffMs: 200,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    now: Date.now,
    deterministicFailures: 'throw',
    readWaivers: createSsmWaiverReader({ ...region, ...endpoint }),
    ...overrides,
  };
  if (overrides.loadRegion && !overrides.sweepRegion) {
    // An injected whole-region loader (tests, `efsguard invoke`) is the sweep's one batch.
    const injected = overrides.loadRegion;
    ports.sweepRegion = async (clients, context, visit) => visit(await injected(clients, context));
  }
  return ports;
}
