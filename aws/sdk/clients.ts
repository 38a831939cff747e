// One factory for every SDK v3 client efsguard uses, so that the CLI, the handlers and the tests
// configure region, profile, endpoint, credentials and retries in one place.
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { EC2Client, type EC2ClientConfig } from '@aws-sdk/client-ec2';
import { EFSClient } from '@aws-sdk/client-efs';
import { IAMClient } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { trackCalls } from './call-tracking';
import { callAws, MissingRegionError, translateAwsError } from './errors';

export type RetryMode = 'standard' | 'adaptive';

/** Default attempts per call (first try included); throttling backs off between them. */
export const DEFAULT_MAX_ATTEMPTS = 5;

/** Give up connecting to an endpoint after this long, so an unreachable endpoint fails fast. */
export const CONNECTION_TIMEOUT_MS = 5_000;

/**
 * Give up on a request that has been sent but not answered after this long: an endpoint or proxy that
 * accepts the connection and never answers would otherwise hold the run forever. Generous, because one
 * large Describe page or GetAccountAuthorizationDetails page can take seconds to answer.
 */
export const REQUEST_TIMEOUT_MS = 60_000;

export interface AwsClientOptions {
  /** Omit to use the SDK's chain (AWS_REGION, then the profile's region). */
  readonly region?: string;
  /** A shared-config profile; omit to use AWS_PROFILE or the default chain. */
  readonly profile?: string;
  /**
   * A custom endpoint (moto, LocalStack). Omit to let the SDK apply AWS_ENDPOINT_URL and
   * AWS_ENDPOINT_URL_<SERVICE> itself (Service-specific endpoints, AWS SDKs and Tools Reference Guide).
   */
  readonly endpoint?: string;
  /** Explicit credentials (e.g. an assumed role); omit for the default provider chain. */
  readonly credentials?: EC2ClientConfig['credentials'];
  /** 'adaptive' adds client-side rate limiting to 'standard' retries; both retry throttling. */
  readonly retryMode?: RetryMode;
  readonly maxAttempts?: number;
  /** Give up on a request that has not been answered after this long (default REQUEST_TIMEOUT_MS). */
  readonly requestTimeoutMs?: number;
  /** Replaces the retry strategy entirely (tests use one with no backoff delay). */
  readonly retryStrategy?: EC2ClientConfig['retryStrategy'];
}

export interface AwsClients {
  readonly ec2: EC2Client;
  readonly efs: EFSClient;
  readonly iam: IAMClient;
  readonly sts: STSClient;
  /** The explicit endpoint, when one was given (for error messages). */
  readonly endpoint?: string;
}

/**
 * The configuration every efsguard SDK client shares: region, profile, endpoint, credentials, the
 * retry mode and attempts (throttling backs off) and the connection and request timeouts.
 */
export function sharedClientConfig(options: AwsClientOptions = {}) {
  return {
    ...(options.region ? { region: options.region } : {}),
    ...(options.profile ? { profile: options.profile } : {}),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    ...(options.retryStrategy
      ? { retryStrategy: options.retryStrategy }
      : { retryMode: options.retryMode ?? 'adaptive' }),
    maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    // connectionTimeout bounds the TCP connect; requestTimeout bounds the wait for the answer, and
    // throwOnRequestTimeout makes it fail the attempt rather than only log a warning
    // (NodeHttpHandlerOptions, Smithy TypeScript). A timed-out attempt is retried like any transient error.
    requestHandler: {
      connectionTimeout: CONNECTION_TIMEOUT_MS,
      requestTimeout: options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS,
      throwOnRequestTimeout: true,
    },
  };
}

/** Creates the EC2, EFS, IAM and STS clients with one shared configuration. */
export function createAwsClients(options: AwsClientOptions = {}): AwsClients {
  const config = sharedClientConfig(options);
  return {
    ec2: trackCalls(new EC2Client(config)),
    efs: trackCalls(new EFSClient(config)),
    iam: trackCalls(new IAMClient(config)),
    sts: trackCalls(new STSClient(config)),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
  };
}

/** The Config client that posts evaluations, configured like the Describe clients: PutEvaluations is throttled too. */
export function createConfigServiceClient(options: AwsClientOptions = {}): ConfigServiceClient {
  return trackCalls(new ConfigServiceClient(sharedClientConfig(options)));
}

/** The region the clients resolved (option, AWS_REGION or profile); MissingRegionError when none. */
export async function resolveRegion(clients: Pick<AwsClients, 'ec2'>): Promise<string> {
  let region: string | undefined;
  try {
    region = await clients.ec2.config.region();
  } catch (error) {
    throw translateAwsError(error, 'region resolution');
  }
  if (!region) {
    throw new MissingRegionError(
      'no AWS region: pass --region, set AWS_REGION, or set a region in your AWS profile',
    );
  }
  return region;
}

/** The caller's account id (STS GetCallerIdentity, which needs no IAM permission). */
export async function getAccountId(clients: Pick<AwsClients, 'sts' | 'endpoint'>): Promise<string> {
  const identity = await callAws(
    'sts:GetCallerIdentity',
    () => clients.sts.send(new GetCallerIdentityCommand({})),
    clients.endpoint,
  );
  if (!identity.Account) throw new Error('sts:GetCallerIdentity returned no Account');
  return identity.Account;
}
