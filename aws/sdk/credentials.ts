// Cross-account credentials: assume <executionRoleName> in the event's account, cached per role
// while the Lambda is warm (docs/lambda.md, "Cross-account and organization rules").
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { EfsguardError } from '../../core/errors';
import { trackCalls } from './call-tracking';
import { sharedClientConfig } from './clients';

/** Refresh this long before expiry, so no call starts with credentials about to lapse. */
export const REFRESH_MARGIN_MS = 5 * 60_000;
/** AssumeRole's default and the minimum the API accepts is 900 s; one invocation needs far less than an hour. */
export const SESSION_DURATION_SECONDS = 3600;

/** STS refused to hand out credentials for the execution role. */
export class AssumeRoleError extends EfsguardError {
  override readonly name = 'AssumeRoleError';
  constructor(
    readonly roleArn: string,
    options: { cause: unknown },
  ) {
    const reason =
      options.cause instanceof Error ? `${options.cause.name}: ${options.cause.message}` : 'unknown';
    super(
      `could not assume ${roleArn} (${reason}); check that the role exists in that account and trusts this function's role`,
      options,
    );
  }
}

/** The SDK's AwsCredentialIdentity shape, with the expiry always set. */
export interface RoleCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration: Date;
}

export interface CredentialCache {
  /** Credentials for the role in that account: from the cache while fresh, else a new AssumeRole. */
  credentialsFor(roleArn: string): Promise<RoleCredentials>;
}

export interface CredentialCacheOptions {
  /** The STS client of the function's own role. Created lazily when absent. */
  readonly sts?: STSClient;
  readonly region?: string;
  /** A custom STS endpoint (moto, LocalStack) for the lazily created client. */
  readonly endpoint?: string;
  readonly roleSessionName?: string;
  readonly now?: () => number;
  readonly refreshMarginMs?: number;
}

export function roleArnFor(partition: string, accountId: string, roleName: string): string {
  return `arn:${partition}:iam::${accountId}:role/${roleName}`;
}

export function createCredentialCache(options: CredentialCacheOptions = {}): CredentialCache {
  const cache = new Map<string, Promise<RoleCredentials>>();
  const now = options.now ?? Date.now;
  const margin = options.refreshMarginMs ?? REFRESH_MARGIN_MS;
  let sts = options.sts;
  // RoleSessionName: 2-64 characters of [\w+=,.@-] (STS AssumeRole API Reference).
  const sessionName = (options.roleSessionName ?? 'efsguard').replace(/[^\w+=,.@-]/g, '-').slice(0, 64);

  async function assume(roleArn: string): Promise<RoleCredentials> {
    // The shared configuration: the same retries and connection/request timeouts as every other client.
    sts ??= trackCalls(
      new STSClient(
        sharedClientConfig({
          ...(options.region ? { region: options.region } : {}),
          ...(options.endpoint ? { endpoint: options.endpoint } : {}),
        }),
      ),
    );
    try {
      const output = await sts.send(
        new AssumeRoleCommand({
          RoleArn: roleArn,
          RoleSessionName: sessionName,
          DurationSeconds: SESSION_DURATION_SECONDS,
        }),
      );
      const credentials = output.Credentials;
      if (!credentials?.AccessKeyId || !credentials.SecretAccessKey || !credentials.Expiration) {
        throw new Error('STS answered without credentials');
      }
      return {
        accessKeyId: credentials.AccessKeyId,
        secretAccessKey: credentials.SecretAccessKey,
        ...(credentials.SessionToken ? { sessionToken: credentials.SessionToken } : {}),
        expiration: new Date(credentials.Expiration),
      };
    } catch (error) {
      throw new AssumeRoleError(roleArn, { cause: error });
    }
  }

  return {
    async credentialsFor(roleArn) {
      const cached = cache.get(roleArn);
      if (cached) {
        const credentials = await cached.catch(() => undefined);
        if (credentials && credentials.expiration.getTime() - now() > margin) return credentials;
      }
      // Concurrent callers share one in-flight AssumeRole; a failure is not cached.
      const pending = assume(roleArn);
      cache.set(roleArn, pending);
      pending.catch(() => {
        if (cache.get(roleArn) === pending) cache.delete(roleArn);
      });
      return pending;
    },
  };
}
