// The one factory behind every rule's Lambda handler:
//   Config event -> parse (once, at the edge) -> Trigger -> load (a port) -> normalise -> core rule
//   -> PutEvaluations (the sink) [-> stale-result cleanup on scheduled sweeps].
// Loaders, clients, credentials, logger, metrics and the clock are injected ports with production
// defaults, so tests and `efsguard invoke` replace any of them.

import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { MetricUnit as MetricUnitType } from '@aws-lambda-powertools/metrics/types';
import type { ConfigServiceClient } from '@aws-sdk/client-config-service';
import middy, { type MiddyfiedHandler } from '@middy/core';
import type { Context } from 'aws-lambda';
import {
  type AwsClientOptions,
  type AwsClients,
  createAwsClients,
  createConfigServiceClient,
} from '../aws/clients';
import {
  type ConfigRuleEvent,
  InvalidEventError,
  parseConfigEvent,
  type ResourceTrigger,
  type Trigger,
} from '../aws/config-event';
import {
  AssumeRoleError,
  type CredentialCache,
  createCredentialCache,
  type RoleCredentials,
  roleArnFor,
} from '../aws/credentials';
import { AccessDeniedError, awsErrorName } from '../aws/errors';
import {
  createEvaluationSink,
  InvalidResultTokenError,
  notApplicable,
  type PostedEvaluation,
} from '../aws/evaluation-sink';
import { isIamResourceType } from '../aws/load-iam';
import {
  loadNeighbourhood as defaultLoadNeighbourhood,
  type NeighbourhoodSeed,
  SEED_PARTS,
} from '../aws/load-neighbourhood';
import { loadRegion as defaultLoadRegion } from '../aws/load-region';
import { normaliseSnapshot as defaultNormaliseSnapshot } from '../aws/normalise';
import { loadSecurityHubPort } from '../aws/securityhub-loader';
import type { SecurityHubPort } from '../aws/securityhub-sink';
import type { Snapshot } from '../aws/snapshot';
import { findStaleResults, listReportedResources } from '../aws/stale-results';
import { sweepNetworkInBatches } from '../aws/sweep-batches';
import {
  createSsmWaiverReader,
  type ReadWaiverText,
  readWaiverDocument,
  splitWaiverParameters,
} from '../aws/waiver-source';
import { resourceFactsFromSnapshot, todayUtc } from '../aws/waivers';
import { EfsguardError, InvalidParametersError } from '../core/errors';
import { resourceExists } from '../core/fan-out';
import type {
  ComplianceType,
  Evaluation,
  ResourceRef,
  ResourceType,
  Topology,
  TopologyPart,
} from '../core/model';
import type { Rule } from '../core/rules/types';
import { indexTopology } from '../core/topology-index';
import { applyWaivers, InvalidWaiversError } from '../core/waivers';

/** Default safety margin before Lambda's timeout: enough to post a few hundred evaluations. */
export const DEFAULT_SAFETY_MARGIN_MS = 10_000;
/**
 * Posting goes on inside the safety margin, but a PutEvaluations batch is not started with less than
 * this left (or the margin, if smaller): Lambda would kill the call mid-flight, with no error to show.
 */
export const MIN_POST_TIME_MS = 2_000;
export const METRICS_NAMESPACE = 'efsguard';
export const SERVICE_NAME = 'efsguard';

export const DELETED_ANNOTATION = 'The resource was deleted or left the rule scope.';

/** The invocation would outlive the Lambda timeout; what was evaluated has been posted. */
export class DeadlineExceededError extends EfsguardError {
  override readonly name = 'DeadlineExceededError';
  constructor(
    readonly stage: string,
    readonly posted: number,
    readonly remainingMs: number,
  ) {
    super(
      `time budget exhausted while ${stage}: ${remainingMs} ms left of the Lambda timeout, ${posted} evaluation(s) posted; raise the function timeout or the memory size`,
    );
  }
}

/**
 * A scheduled sweep would outgrow the function's memory: checked between batches of VPCs, well before
 * the heap limit, so that the function says so instead of dying of heap exhaustion. What was evaluated
 * so far has been posted.
 */
export class SweepMemoryError extends EfsguardError {
  override readonly name = 'SweepMemoryError';
  constructor(
    readonly stage: string,
    readonly usedBytes: number,
    readonly limitBytes: number,
    readonly posted: number,
  ) {
    super(
      `the scheduled sweep ran short of memory ${stage}: ${Math.round(usedBytes / 2 ** 20)} MB of the ${Math.round(limitBytes / 2 ** 20)} MB heap in use, ${posted} evaluation(s) posted; raise the function's memorySize`,
    );
  }
}

/** Share of the heap limit above which a sweep stops (SweepMemoryError) rather than risk being killed. */
export const HEAP_LIMIT_FRACTION = 0.85;

/** The sweep was posted, but the previous results could not be read to clear stale ones. */
export class StaleResultsError extends EfsguardError {
  override readonly name = 'StaleResultsError';
}

/**
 * The event names another account than the function's own, and no executionRoleName says how to act
 * there: the function's own role would read its own account and post those verdicts for the member.
 */
export class AccountMismatchError extends EfsguardError {
  override readonly name = 'AccountMismatchError';
  constructor(
    readonly eventAccountId: string,
    readonly functionAccountId: string,
  ) {
    super(
      `the event is for account ${eventAccountId}, but this function runs in account ${functionAccountId} and has no executionRoleName parameter; set executionRoleName to a role in ${eventAccountId} (organization and cross-account rules)`,
    );
  }
}

/** Everything a rule handler needs from the AWS side for one invocation. */
export interface HandlerClients {
  readonly aws: AwsClients;
  readonly config: ConfigServiceClient;
}

/** What a load needs besides the clients: the account (from the event), the region and the rule's parts. */
export interface LoadContext {
  readonly accountId: string;
  readonly region: string;
  /** The rule's `requires`: the loaders read these parts and nothing else (aws/permissions.ts). */
  readonly parts: readonly TopologyPart[];
}

export type LoadNeighbourhood = (
  clients: AwsClients,
  seeds: readonly NeighbourhoodSeed[],
  context: LoadContext,
) => Promise<Snapshot>;

export type LoadRegion = (clients: AwsClients, context: LoadContext) => Promise<Snapshot>;

/**
 * A scheduled sweep's load, in batches: `visit` gets each batch's snapshot and is awaited before the
 * next batch is read. The default reads the network rules' part one batch of connected VPCs at a time
 * (aws/sweep-batches.ts) and every other part in one batch; a `loadRegion` override alone makes it one
 * batch of that loader's snapshot.
 */
export type SweepRegion = (
  clients: AwsClients,
  context: LoadContext,
  visit: (snapshot: Snapshot) => Promise<void>,
) => Promise<void>;

/** The slice of Powertools Metrics the handler uses; a no-op or collecting fake fits it too. */
export interface MetricsPort {
  addMetric(name: string, unit: MetricUnitType, value: number): unknown;
  singleMetric(): {
    addDimension(name: string, value: string): unknown;
    addMetric(name: string, unit: MetricUnitType, value: number): unknown;
  };
}

export type LoggerPort = Pick<Logger, 'info' | 'warn' | 'error' | 'debug' | 'appendKeys'>;

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
  logger: LoggerPort;
  metrics: MetricsPort;
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

/**
 * Failures that the same event would hit again: a malformed event, parameter or waiver document, an event for another
 * account, a member account whose execution role is missing or refuses this function (STS answers
 * AccessDenied for both), a denied call, a result token Config no longer accepts, a deadline the
 * evaluation already ran into, and a sweep that outgrew its memory. Everything else (throttling past the SDK's retries, 5xx, unreachable
 * endpoints, evaluations Config kept rejecting) may pass on a later attempt and is thrown, so Lambda
 * retries it a bounded number of times and then sends it to the on-failure destination.
 */
export function isDeterministicFailure(error: unknown): boolean {
  if (error instanceof AssumeRoleError) return isMissingRole(error);
  return (
    error instanceof InvalidEventError ||
    error instanceof InvalidParametersError ||
    error instanceof InvalidWaiversError ||
    error instanceof AccountMismatchError ||
    error instanceof AccessDeniedError ||
    error instanceof InvalidResultTokenError ||
    error instanceof DeadlineExceededError ||
    error instanceof SweepMemoryError
  );
}

/** STS's AccessDenied: the role does not exist in the member account, or its trust policy refuses us. */
function isMissingRole(error: AssumeRoleError): boolean {
  const cause = (error as { cause?: unknown }).cause;
  return /^AccessDenied/.test(awsErrorName(cause));
}

export type RuleHandler = MiddyfiedHandler<ConfigRuleEvent, RuleHandlerResult, Error, Context>;

/** Production clients: one set per region and role, reused while warm. */
export function createDefaultClientFactory(options: ClientOptions = {}): RuleHandlerPorts['createClients'] {
  const cache = new Map<string, HandlerClients>();
  return (region, credentials) => {
    // One key per role: the provider refreshes through the credential cache, so clients stay valid.
    const key = `${region}|${credentials ? 'assumed' : 'own'}|${credentials ? String(credentials) : ''}`;
    const cached = cache.get(key);
    if (cached) return cached;
    const clientOptions: AwsClientOptions = { ...options, region, ...(credentials ? { credentials } : {}) };
    const created: HandlerClients = {
      aws: createAwsClients(clientOptions),
      config: createConfigServiceClient(clientOptions),
    };
    cache.set(key, created);
    return created;
  };
}

export function createDefaultPorts(options: ClientOptions = {}): RuleHandlerPorts {
  const margin = Number(process.env.EFSGUARD_SAFETY_MARGIN_MS);
  const securityHub = loadSecurityHubPort(
    process.env,
    options.endpoint ? { endpoint: options.endpoint } : {},
  );
  return {
    ...(securityHub ? { securityHub } : {}),
    createClients: createDefaultClientFactory(options),
    loadNeighbourhood: (clients, seeds, context) => defaultLoadNeighbourhood(clients, seeds, context),
    loadRegion: (clients, context) =>
      defaultLoadRegion(clients, { accountId: context.accountId, parts: context.parts }),
    sweepRegion: async (clients, context, visit) => {
      if (context.parts.length > 0 && context.parts.every((part) => part === 'network')) {
        await sweepNetworkInBatches(
          clients,
          { accountId: context.accountId, region: context.region },
          (snapshot) => visit(snapshot),
        );
      } else {
        await visit(await defaultLoadRegion(clients, { accountId: context.accountId, parts: context.parts }));
      }
    },
    heapUsage: () => {
      // Loaded on first use, between sweep batches: node:v8 is among the costliest built-in modules to
      // load, and a cold start that never sweeps would pay for it at module load.
      const { getHeapStatistics } = require('node:v8') as typeof import('node:v8');
      const heap = getHeapStatistics();
      return { usedBytes: heap.used_heap_size, limitBytes: heap.heap_size_limit };
    },
    normaliseSnapshot: defaultNormaliseSnapshot,
    credentials: createCredentialCache({
      ...(process.env.AWS_REGION ? { region: process.env.AWS_REGION } : {}),
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      roleSessionName: 'efsguard-config-rule',
    }),
    logger: new Logger({ serviceName: SERVICE_NAME }),
    metrics: new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME }),
    safetyMarginMs: Number.isFinite(margin) && margin >= 0 ? margin : DEFAULT_SAFETY_MARGIN_MS,
    ...(process.env.AWS_REGION ? { defaultRegion: process.env.AWS_REGION } : {}),
    putRetries: 2,
    putBackoffMs: 200,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    now: Date.now,
    deterministicFailures: 'throw',
    readWaivers: createSsmWaiverReader({
      ...(process.env.AWS_REGION ? { region: process.env.AWS_REGION } : {}),
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    }),
  };
}

/**
 * What the Lambda entries (handlers/<rule-id>.ts) override: deterministic failures are reported, not
 * thrown, so that Lambda's asynchronous retries replay only what may pass on a later attempt.
 */
export const LAMBDA_PORTS: Partial<RuleHandlerPorts> = { deterministicFailures: 'report' };

/**
 * Builds the Lambda handler of one rule. `handlers/<rule-id>.ts` is one line:
 * `export const handler = createRuleHandler(efsClientNfsEgress);` (its own rule module, not the registry)
 */
export function createRuleHandler(
  rule: Rule,
  overrides: Partial<RuleHandlerPorts> = {},
  clientOptions: ClientOptions = {},
): RuleHandler {
  const ports: RuleHandlerPorts = { ...createDefaultPorts(clientOptions), ...overrides };
  if (overrides.loadRegion && !overrides.sweepRegion) {
    // An injected whole-region loader (tests, `efsguard invoke`) is the sweep's one batch.
    const loadRegion = overrides.loadRegion;
    ports.sweepRegion = async (clients, context, visit) => visit(await loadRegion(clients, context));
  }
  const { logger, metrics } = ports;
  const apiCalls = { count: 0 };
  const handler = middy<ConfigRuleEvent, RuleHandlerResult, Error, Context>().handler((event, context) => {
    apiCalls.count = 0;
    return handleEvent(rule, ports, apiCalls, event, context);
  });
  // Powertools' middlewares only fit Powertools instances; injected fakes go without them.
  if (logger instanceof Logger) handler.use(injectLambdaContext(logger, { resetKeys: true }));
  if (metrics instanceof Metrics) {
    metrics.setDefaultDimensions({ rule: rule.id });
    // ColdStart (dimensions service and function_name) on the first invocation of each instance.
    handler.use(logMetrics(metrics, { captureColdStartMetric: true }));
  }
  return handler;
}

async function handleEvent(
  rule: Rule,
  ports: RuleHandlerPorts,
  apiCalls: { count: number },
  event: ConfigRuleEvent,
  context: Context,
): Promise<RuleHandlerResult> {
  const { logger, metrics } = ports;
  const started = ports.now();
  logger.appendKeys({ rule: rule.id });
  let posted: readonly PostedEvaluation[] = [];
  let triggerKind: Trigger['kind'] | undefined;
  try {
    const parsed = parseConfigEvent(event, {
      ruleId: rule.id,
      ...(ports.defaultRegion ? { defaultRegion: ports.defaultRegion } : {}),
    });
    // The waiver parameters are the handler's, like executionRoleName: the rule never sees them.
    const waiverSplit = splitWaiverParameters(rule.id, parsed.ruleParameters);
    const trigger: Trigger = { ...parsed, ruleParameters: waiverSplit.ruleParameters };
    triggerKind = trigger.kind;
    logger.appendKeys({
      configRuleName: trigger.configRuleName,
      trigger: trigger.kind,
      accountId: trigger.accountId,
      region: trigger.awsRegion,
      ...(trigger.kind === 'scheduled'
        ? {}
        : { resourceType: trigger.resourceType, resourceId: trigger.resourceId }),
    });
    // Unknown or malformed parameters fail here, before any AWS call: nothing is posted.
    rule.parseParameters(trigger.ruleParameters);
    // Read with the function's own role before any member-account call: an unreadable or invalid
    // document fails the invocation rather than post findings it would have waived.
    const waivers = waiverSplit.settings
      ? await readWaiverDocument(ports.readWaivers, waiverSplit.settings, new Date(ports.now()))
      : undefined;

    const clients = await createClientsFor(trigger, ports, context);
    countApiCalls(clients, apiCalls);
    const deadline = createDeadline(context, ports);
    const sink = createEvaluationSink(clients.config, {
      resultToken: trigger.resultToken,
      testMode: trigger.testMode,
      orderingTimestamp: trigger.orderingTimestamp,
      retries: ports.putRetries,
      backoffMs: ports.putBackoffMs,
      sleep: ports.sleep,
      beforeBatch: () => deadline.checkPostTime(sink.posted.length),
    });
    posted = sink.posted;

    // Waivers apply to each batch before it is posted (a sweep posts batch by batch, as it goes); what
    // they match on (ARNs, tags) comes from the recorded SDK output of that batch or change.
    let waivedCount = 0;
    const expired = new Set<number>();
    const refusedUnresolved: string[] = [];
    const prepare = (evaluations: Evaluation[], snapshot: Snapshot | undefined): Evaluation[] => {
      if (!waivers || !waiverSplit.settings) return evaluations;
      const result = applyWaivers(
        waivers.waivers,
        [
          {
            accountId: trigger.accountId,
            region: trigger.awsRegion,
            evaluations,
            ...(snapshot ? { describe: resourceFactsFromSnapshot(snapshot) } : {}),
          },
        ],
        { today: todayUtc(new Date(ports.now())), allowTagSelectors: waiverSplit.settings.allowTagSelectors },
      );
      const applied = [...(result.scopes[0] ?? [])];
      waivedCount += applied.filter((evaluation) => evaluation.waived).length;
      for (const report of result.reports) {
        if (report.status === 'expired') expired.add(report.index);
        for (const match of report.refused)
          refusedUnresolved.push(`${report.index}:${match.evaluation.resourceId}`);
      }
      return applied;
    };
    const evaluations =
      trigger.kind === 'scheduled'
        ? await evaluateRegion(rule, ports, clients, trigger, deadline, sink, prepare)
        : await evaluateResource(rule, ports, clients, trigger, deadline, prepare);
    if (trigger.kind !== 'scheduled') await sink.post(evaluations);
    if (waivers && waiverSplit.settings) {
      metrics.addMetric('Waived', MetricUnit.Count, waivedCount);
      logger.info('waivers applied', {
        parameter: waiverSplit.settings.parameterName,
        waived: waivedCount,
        expired: [...expired].sort((a, b) => a - b),
        refusedUnresolved,
      });
    }

    if (trigger.kind === 'scheduled') {
      deadline.check('listing previous results for stale-result cleanup', sink.posted.length);
      const stale = await findStale(rule, ports, clients, trigger, evaluations);
      await sink.post(stale);
    }

    // Test invocations only preview (TestMode): nothing goes to Security Hub either.
    if (ports.securityHub && !trigger.testMode) {
      const hub = await ports.securityHub.forward({
        rule,
        accountId: trigger.accountId,
        region: trigger.awsRegion,
        evaluations: sink.posted as readonly Evaluation[],
        now: ports.now(),
        configClient: clients.config,
      });
      logger.info('findings imported into Security Hub', { imported: hub.imported });
    }
    countEvaluations(metrics, sink.posted);
    metrics.addMetric('ApiCalls', MetricUnit.Count, apiCalls.count);
    logger.info('evaluations posted', {
      counts: countByComplianceType(sink.posted),
      posted: sink.posted.length,
      apiCalls: apiCalls.count,
      testMode: trigger.testMode,
      durationMs: ports.now() - started,
    });
    return {
      rule: rule.id,
      configRuleName: trigger.configRuleName,
      trigger: trigger.kind,
      evaluations: sink.posted,
    };
  } catch (error) {
    const accountId = eventAccountOf(event);
    countFailure(metrics, 'Errors', accountId);
    countEvaluations(metrics, posted);
    metrics.addMetric('ApiCalls', MetricUnit.Count, apiCalls.count);
    const deterministic = isDeterministicFailure(error);
    if (error instanceof AssumeRoleError && deterministic) {
      // One line that names the member and the role, and a metric per account: a member without the
      // execution role fails on every event until the role is deployed there.
      countFailure(metrics, 'MissingExecutionRole', accountId);
      logger.error('member account has no usable efsguard execution role', {
        memberAccountId: accountId,
        roleArn: error.roleArn,
      });
    }
    // The error's message names what failed; it never holds credentials or policy documents.
    logger.error('rule evaluation failed', {
      error: error instanceof Error ? { name: error.name, message: error.message } : String(error),
      retryable: !deterministic,
      posted: posted.length,
      durationMs: ports.now() - started,
    });
    if (!deterministic || ports.deterministicFailures === 'throw') throw error;
    const failure: FailureReport = {
      name: error instanceof Error ? error.name : 'Error',
      message: error instanceof Error ? error.message : String(error),
      ...(accountId ? { accountId } : {}),
      retryable: false,
    };
    return {
      rule: rule.id,
      configRuleName: typeof event?.configRuleName === 'string' ? event.configRuleName : rule.id,
      trigger: triggerKind ?? 'unknown',
      evaluations: posted,
      failure,
    };
  }
}

/** The event's account id when it is a 12-digit string (malformed events may lack it). */
function eventAccountOf(event: ConfigRuleEvent | undefined): string | undefined {
  const account = (event as { accountId?: unknown } | undefined)?.accountId;
  return typeof account === 'string' && /^\d{12}$/.test(account) ? account : undefined;
}

/**
 * A failure counter twice: with the default dimensions (service, rule), which the alarms watch, and
 * with the event's account added, which the dashboard charts per account.
 */
function countFailure(metrics: MetricsPort, name: string, accountId: string | undefined): void {
  metrics.addMetric(name, MetricUnit.Count, 1);
  if (!accountId) return;
  const single = metrics.singleMetric();
  single.addDimension('account', accountId);
  single.addMetric(name, MetricUnit.Count, 1);
}

/** The account of the running function: the fifth field of arn:<partition>:lambda:<region>:<account>:function:… */
function functionAccountOf(context: Context | undefined): string | undefined {
  const account = context?.invokedFunctionArn?.split(':')[4];
  // 000000000000 is the placeholder of local runners and emulators (LocalStack), not a real account.
  return account && /^\d{12}$/.test(account) && account !== '000000000000' ? account : undefined;
}

async function createClientsFor(
  trigger: Trigger,
  ports: RuleHandlerPorts,
  context: Context | undefined,
): Promise<HandlerClients> {
  if (!trigger.executionRoleName) {
    const own = functionAccountOf(context);
    if (own !== undefined && own !== trigger.accountId)
      throw new AccountMismatchError(trigger.accountId, own);
    return ports.createClients(trigger.awsRegion);
  }
  const roleArn = roleArnFor(trigger.partition, trigger.accountId, trigger.executionRoleName);
  // Assume eagerly so that a refused role fails before any Describe call, with AssumeRoleError.
  await ports.credentials.credentialsFor(roleArn);
  const provider = Object.assign(() => ports.credentials.credentialsFor(roleArn), {
    toString: () => roleArn,
  });
  return ports.createClients(trigger.awsRegion, provider);
}

/** A change or deletion: the neighbourhood of the resource, evaluated with a seeds scope. */
async function evaluateResource(
  rule: Rule,
  ports: RuleHandlerPorts,
  clients: HandlerClients,
  trigger: ResourceTrigger,
  deadline: Deadline,
  prepare: Prepare,
): Promise<Evaluation[]> {
  const seed: ResourceRef = {
    resourceType: trigger.resourceType as ResourceType,
    resourceId: trigger.resourceId,
  };
  const reportable = rule.resourceTypes.includes(seed.resourceType);
  if (!rule.triggerResourceTypes.includes(seed.resourceType)) {
    // Outside the rule's trigger scope: the rule cannot judge it. Config only sends such an item when
    // the deployed scope is wider than the rule's; answer NOT_APPLICABLE if the rule owns the type.
    ports.logger.info('resource type outside the rule scope', { reportable });
    return reportable ? [notApplicable(rule.id, seed.resourceType, seed.resourceId, DELETED_ANNOTATION)] : [];
  }

  const context = { accountId: trigger.accountId, region: trigger.awsRegion, parts: rule.requires };
  // IAM resources are looked up by the item's name (and a policy's ARN): IAM's Get calls take no ids.
  const loadSeed: NeighbourhoodSeed = isIamResourceType(seed.resourceType)
    ? {
        ...seed,
        ...(trigger.resourceName ? { resourceName: trigger.resourceName } : {}),
        ...(trigger.arn ? { arn: trigger.arn } : {}),
      }
    : seed;
  // References the change removed (from the item's diff) are seeds too: live state no longer leads to
  // what they reached, e.g. the interfaces of a client group a mount-target group stopped admitting.
  const former = formerSeedsFor(rule, trigger, seed);
  if (former.length > 0) ports.logger.info('re-evaluating removed references', { formerReferences: former });
  const snapshot = await deadline.race(
    () => ports.loadNeighbourhood(clients.aws, [loadSeed, ...former], context),
    'loading the neighbourhood',
  );
  const topology = ports.normaliseSnapshot(snapshot);
  const evaluations = prepare(
    withoutVanishedFormerSeeds(
      rule.evaluate(topology, { kind: 'seeds', seeds: [seed, ...former] }, trigger.ruleParameters),
      topology,
      former,
    ),
    snapshot,
  );
  if (trigger.kind === 'change') return evaluations;

  // Deleted (or left scope, or no longer recorded): the resource itself is NOT_APPLICABLE, its
  // neighbours get fresh verdicts. The loader cannot find a deleted resource, so the fan-out is what
  // can still be reached from its id (see docs/lambda.md, "Deleted resources").
  const isSeed = (evaluation: Evaluation) =>
    evaluation.resourceType === seed.resourceType && evaluation.resourceId === seed.resourceId;
  const neighbours = evaluations.filter((evaluation) => !isSeed(evaluation));
  return reportable
    ? [notApplicable(rule.id, seed.resourceType, seed.resourceId, DELETED_ANNOTATION), ...neighbours]
    : neighbours;
}

/**
 * The trigger's former references that the rule's load can expand (a network rule's), other than the
 * changed resource itself. Rules that read no network (policies, access points, IAM) take none: an SG
 * seed would be an UnsupportedSeedError there, and nothing of theirs depends on groups.
 */
function formerSeedsFor(rule: Rule, trigger: ResourceTrigger, seed: ResourceRef): ResourceRef[] {
  const expandable = new Set(rule.requires.flatMap((part) => SEED_PARTS[part]));
  return trigger.formerReferences.filter(
    (ref) =>
      expandable.has(ref.resourceType) &&
      !(ref.resourceType === seed.resourceType && ref.resourceId === seed.resourceId),
  );
}

/**
 * Drops the verdicts of former references that no longer exist. The core answers NOT_APPLICABLE for a
 * missing seed of its own types, right for the resource the event names, but a group the diff merely
 * mentions and that was deleted since gets that from its own deletion event, not from this one.
 */
function withoutVanishedFormerSeeds(
  evaluations: Evaluation[],
  topology: Topology,
  former: readonly ResourceRef[],
): Evaluation[] {
  if (former.length === 0) return evaluations;
  const index = indexTopology(topology);
  const vanished = new Set(
    former.filter((ref) => !resourceExists(index, ref)).map((ref) => `${ref.resourceType}|${ref.resourceId}`),
  );
  if (vanished.size === 0) return evaluations;
  return evaluations.filter(
    (evaluation) => !vanished.has(`${evaluation.resourceType}|${evaluation.resourceId}`),
  );
}

/**
 * The scheduled sweep: each batch of the region is normalised, judged, posted and released before the
 * next is read, and the heap is checked against its limit between batches (SweepMemoryError, with the
 * SweepHeapUsedMB metric, rather than death by heap exhaustion). Returns every evaluation, for the
 * stale-result cleanup.
 */
/** What happens to a batch's (or a change's) evaluations before they are posted: waivers apply. */
type Prepare = (evaluations: Evaluation[], snapshot: Snapshot | undefined) => Evaluation[];

async function evaluateRegion(
  rule: Rule,
  ports: RuleHandlerPorts,
  clients: HandlerClients,
  trigger: Trigger,
  deadline: Deadline,
  sink: { post(evaluations: readonly Evaluation[]): Promise<void>; readonly posted: readonly unknown[] },
  prepare: Prepare,
): Promise<Evaluation[]> {
  let all: Evaluation[] = [];
  let batches = 0;
  let peakUsed = 0;
  const checkHeap = (stage: string): void => {
    const { usedBytes, limitBytes } = ports.heapUsage();
    peakUsed = Math.max(peakUsed, usedBytes);
    if (usedBytes > HEAP_LIMIT_FRACTION * limitBytes) {
      ports.metrics.addMetric('SweepHeapUsedMB', MetricUnit.Megabytes, Math.round(usedBytes / 2 ** 20));
      ports.metrics.addMetric('SweepMemoryExceeded', MetricUnit.Count, 1);
      throw new SweepMemoryError(stage, usedBytes, limitBytes, sink.posted.length);
    }
  };
  await deadline.race(
    () =>
      ports.sweepRegion(
        clients.aws,
        { accountId: trigger.accountId, region: trigger.awsRegion, parts: rule.requires },
        async (snapshot) => {
          batches += 1;
          checkHeap(`after loading batch ${batches} of the region`);
          const evaluations = prepare(
            rule.evaluate(ports.normaliseSnapshot(snapshot), { kind: 'all' }, trigger.ruleParameters),
            snapshot,
          );
          await sink.post(evaluations);
          all = all.length === 0 ? evaluations : all.concat(evaluations);
          checkHeap(`after evaluating batch ${batches} of the region`);
        },
      ),
    'sweeping the region',
  );
  ports.metrics.addMetric('SweepBatches', MetricUnit.Count, batches);
  ports.metrics.addMetric('SweepHeapUsedMB', MetricUnit.Megabytes, Math.round(peakUsed / 2 ** 20));
  return all;
}

async function findStale(
  rule: Rule,
  ports: RuleHandlerPorts,
  clients: HandlerClients,
  trigger: Trigger,
  sweep: readonly Evaluation[],
): Promise<Evaluation[]> {
  try {
    const reported = await listReportedResources(clients.config, trigger.configRuleName);
    return findStaleResults(rule.id, reported, sweep);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    if (trigger.testMode) {
      // Test invocations only preview; moto does not implement GetComplianceDetailsByConfigRule.
      ports.logger.warn('stale-result cleanup skipped in test mode', { error: detail });
      return [];
    }
    throw new StaleResultsError(
      `the sweep was posted, but the previous results of ${trigger.configRuleName} could not be listed to clear stale ones: ${detail}`,
      { cause: error },
    );
  }
}

interface Deadline {
  /** Throws DeadlineExceededError when less than the safety margin is left. */
  check(stage: string, posted?: number): void;
  /** Throws DeadlineExceededError when too little is left to start one more PutEvaluations call. */
  checkPostTime(posted: number): void;
  /** Starts the work if time is left; rejects with DeadlineExceededError if it has not settled when the margin is reached. */
  race<T>(start: () => Promise<T>, stage: string): Promise<T>;
}

function createDeadline(context: Context, ports: RuleHandlerPorts): Deadline {
  const remaining = () =>
    typeof context?.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : Infinity;
  const budget = () => remaining() - ports.safetyMarginMs;
  return {
    check(stage, posted = 0) {
      if (budget() <= 0) throw new DeadlineExceededError(stage, posted, remaining());
    },
    checkPostTime(posted) {
      const left = remaining();
      if (left < Math.min(ports.safetyMarginMs, MIN_POST_TIME_MS))
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

const INSTRUMENTED = new WeakSet<object>();

type NextHandler = (args: unknown) => Promise<unknown>;
interface CountableStack {
  add(
    middleware: (next: NextHandler) => NextHandler,
    options: { step: 'finalizeRequest'; name: string },
  ): void;
}

/** Counts every SDK call (retries included) made through these clients, for the ApiCalls metric. */
function countApiCalls(clients: HandlerClients, counter: { count: number }): void {
  const all = [clients.aws.ec2, clients.aws.efs, clients.aws.iam, clients.aws.sts, clients.config];
  for (const client of all) {
    if (INSTRUMENTED.has(client)) continue;
    INSTRUMENTED.add(client);
    (client.middlewareStack as unknown as CountableStack).add(
      (next) => (args) => {
        counter.count += 1;
        return next(args);
      },
      { step: 'finalizeRequest', name: 'efsguardApiCallCounter' },
    );
  }
}

function countByComplianceType(evaluations: readonly PostedEvaluation[]): Record<ComplianceType, number> {
  const counts: Record<ComplianceType, number> = { COMPLIANT: 0, NON_COMPLIANT: 0, NOT_APPLICABLE: 0 };
  for (const evaluation of evaluations) counts[evaluation.complianceType] += 1;
  return counts;
}

function countEvaluations(metrics: MetricsPort, posted: readonly PostedEvaluation[]): void {
  for (const [complianceType, count] of Object.entries(countByComplianceType(posted))) {
    if (count === 0) continue;
    const single = metrics.singleMetric();
    single.addDimension('ComplianceType', complianceType);
    single.addMetric('Evaluations', MetricUnit.Count, count);
  }
}
