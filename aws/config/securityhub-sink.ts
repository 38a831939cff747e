// The optional Security Hub sink: each posted verdict also goes to Security Hub as an ASFF finding
// (report/asff.ts, so the Id is the one `efsguard scan --format asff` prints), with BatchImportFindings
// in batches of at most 100 and FailedFindings retried. A verdict turning COMPLIANT resolves the
// finding; a deleted or out-of-scope resource (NOT_APPLICABLE) archives it.
// API facts: "BatchImportFindings", AWS Security Hub API Reference
// (https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_BatchImportFindings.html): Findings,
// 1-100 items; the response lists FailedFindings with Id, ErrorCode and ErrorMessage.
import {
  type AwsSecurityFinding,
  BatchImportFindingsCommand,
  SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { EfsguardError } from '../../core/errors';
import type { Evaluation } from '../../core/model';
import type { RuleMetadata } from '../../core/rules/types';
import { type AsffFinding, toAsffFindings } from '../../report/asff';
import { translateAwsError } from '../sdk/errors';

export const MAX_FINDINGS_PER_CALL = 100;

/** The findings Security Hub refused, after retries. */
export interface FailedFinding {
  readonly id: string;
  readonly errorCode: string;
  readonly errorMessage: string;
}

export interface SecurityHubResult {
  readonly imported: number;
  readonly failed: readonly FailedFinding[];
}

/** Security Hub refused some findings even after retries; the Config verdicts were posted. */
export class FailedFindingsError extends EfsguardError {
  override readonly name = 'FailedFindingsError';
  constructor(readonly failed: readonly FailedFinding[]) {
    super(
      `Security Hub did not import ${failed.length} finding(s) after retries: ${failed
        .slice(0, 5)
        .map((item) => `${item.id} (${item.errorCode}: ${item.errorMessage})`)
        .join(', ')}${failed.length > 5 ? ', …' : ''}`,
    );
  }
}

export interface SecurityHubSinkOptions {
  /** Extra attempts for FailedFindings (default 2). */
  readonly retries?: number;
  /** First backoff in ms, doubled per retry (default 200). */
  readonly backoffMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

type ImportClient = Pick<SecurityHubClient, 'send'>;

/** Sends findings in batches of at most 100; retries the ones Security Hub reports as failed. */
export async function importFindings(
  client: ImportClient,
  findings: readonly AsffFinding[],
  options: SecurityHubSinkOptions = {},
): Promise<SecurityHubResult> {
  const retries = options.retries ?? 2;
  const backoff = options.backoffMs ?? 200;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let imported = 0;
  const failed: FailedFinding[] = [];
  for (let start = 0; start < findings.length; start += MAX_FINDINGS_PER_CALL) {
    let batch = findings.slice(start, start + MAX_FINDINGS_PER_CALL);
    for (let attempt = 0; batch.length > 0; attempt++) {
      let response: Awaited<ReturnType<typeof sendBatch>>;
      try {
        response = await sendBatch(client, batch);
      } catch (error) {
        throw translateAwsError(error, 'securityhub:BatchImportFindings');
      }
      const failures = response.FailedFindings ?? [];
      imported += response.SuccessCount ?? batch.length - failures.length;
      const failedIds = new Set(failures.map((failure) => failure.Id));
      const retry = batch.filter((finding) => failedIds.has(finding.Id));
      if (failures.length === 0) break;
      // Out of retries, or failures naming no finding of the batch (nothing to resend): report them.
      if (retry.length === 0 || attempt >= retries) {
        for (const failure of failures) {
          failed.push({
            id: failure.Id ?? '?',
            errorCode: failure.ErrorCode ?? 'Unknown',
            errorMessage: failure.ErrorMessage ?? '',
          });
        }
        break;
      }
      await sleep(backoff * 2 ** attempt);
      batch = retry;
    }
  }
  return { imported, failed };
}

function sendBatch(client: ImportClient, batch: readonly AsffFinding[]) {
  return client.send(new BatchImportFindingsCommand({ Findings: batch as unknown as AwsSecurityFinding[] }));
}

/** What the handler factory hands the sink after posting to Config. */
export interface SecurityHubForward {
  readonly rule: RuleMetadata;
  readonly accountId: string;
  readonly region: string;
  readonly evaluations: readonly Evaluation[];
  /** Milliseconds since the epoch: CreatedAt and UpdatedAt. */
  readonly now: number;
  /** The Config client of this invocation: Security Hub is called in the same account, region and role. */
  readonly configClient: { readonly config: { readonly credentials?: unknown; readonly region?: unknown } };
}

export interface SecurityHubPort {
  forward(input: SecurityHubForward): Promise<SecurityHubResult>;
}

export interface SecurityHubPortOptions extends SecurityHubSinkOptions {
  readonly docsBaseUrl?: string;
  readonly toolVersion?: string;
  /** The client for a region and the Config client's credentials (tests pass a mocked one). */
  readonly createClient?: (region: string, credentials: unknown) => ImportClient;
  readonly endpoint?: string;
}

/**
 * The port the handler factory calls, or undefined when the deployment option is off
 * (EFSGUARD_SECURITY_HUB is not "true").
 */
export function securityHubFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  options: SecurityHubPortOptions = {},
): SecurityHubPort | undefined {
  if (env.EFSGUARD_SECURITY_HUB !== 'true') return undefined;
  return createSecurityHubPort({
    ...options,
    ...(env.EFSGUARD_DOCS_URL ? { docsBaseUrl: env.EFSGUARD_DOCS_URL } : {}),
  });
}

export function createSecurityHubPort(options: SecurityHubPortOptions = {}): SecurityHubPort {
  const clients = new Map<string, ImportClient>();
  const clientFor = (region: string, credentials: unknown): ImportClient => {
    const key = `${region}|${String(credentials)}`;
    let client = clients.get(key);
    if (!client) {
      client = options.createClient
        ? options.createClient(region, credentials)
        : new SecurityHubClient({
            region,
            ...(credentials
              ? { credentials: credentials as SecurityHubClient['config']['credentials'] }
              : {}),
            ...(options.endpoint ? { endpoint: options.endpoint } : {}),
          });
      clients.set(key, client);
    }
    return client;
  };
  return {
    async forward(input) {
      const findings = toAsffFindings({
        accountId: input.accountId,
        region: input.region,
        evaluations: input.evaluations,
        rules: [input.rule],
        generatedAt: new Date(input.now).toISOString(),
        toolVersion: options.toolVersion ?? 'lambda',
        ...(options.docsBaseUrl ? { docsBaseUrl: options.docsBaseUrl } : {}),
      });
      const client = clientFor(input.region, input.configClient.config.credentials);
      const result = await importFindings(client, findings, options);
      if (result.failed.length > 0) throw new FailedFindingsError(result.failed);
      return result;
    },
  };
}
