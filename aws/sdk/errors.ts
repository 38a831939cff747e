// Typed errors for the AWS adapters. Every AWS call goes through callAws(), which turns the SDK's
// failures into one of these so that the CLI and the handlers can tell a user what to fix.
import { EfsguardError } from '../../core/errors';
import { endpointOfError } from './call-tracking';

/** No credentials could be found (no profile, no env vars, no instance role). */
export class MissingCredentialsError extends EfsguardError {
  override readonly name = 'MissingCredentialsError';
}

/** AWS rejected the credentials (unknown key, expired token, bad signature). */
export class InvalidCredentialsError extends EfsguardError {
  override readonly name = 'InvalidCredentialsError';
}

/** No region was given and none is configured. */
export class MissingRegionError extends EfsguardError {
  override readonly name = 'MissingRegionError';
}

/** The caller lacks an IAM permission. `action` names it, e.g. `ec2:DescribeSecurityGroups`. */
export class AccessDeniedError extends EfsguardError {
  override readonly name = 'AccessDeniedError';
  constructor(
    readonly action: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`access denied: the caller is not allowed to call ${action} (${detail})`, options);
  }
}

/** The endpoint could not be reached (refused, unknown host, timed out). */
export class EndpointUnreachableError extends EfsguardError {
  override readonly name = 'EndpointUnreachableError';
  constructor(
    readonly action: string,
    readonly endpoint: string | undefined,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`cannot reach the AWS endpoint${endpoint ? ` ${endpoint}` : ''} for ${action}: ${detail}`, options);
  }
}

/** Any other failed AWS call (throttled past retries, service error, validation error). */
export class AwsCallError extends EfsguardError {
  override readonly name = 'AwsCallError';
  constructor(
    readonly action: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${action} failed: ${detail}`, options);
  }
}

/**
 * A paginated call's endpoint handed back a page token it had already given: following it would repeat
 * the same pages forever, so the load stops, naming the call.
 */
export class PaginationLoopError extends EfsguardError {
  override readonly name = 'PaginationLoopError';
  constructor(
    readonly action: string,
    readonly token: string,
    page: number,
  ) {
    super(
      `${action}: the endpoint returned the page token ${JSON.stringify(token)} a second time (page ${page}); ` +
        'stopped rather than request the same pages forever',
    );
  }
}

/** A snapshot file is unreadable, not JSON, or not the shape of a snapshot (docs/cli.md, "Snapshots"). */
export class SnapshotError extends EfsguardError {
  override readonly name = 'SnapshotError';
}

/** The IAM action prefix of each SDK client (Service Authorization Reference). */
const ACTION_PREFIXES: Readonly<Record<string, string>> = {
  EC2: 'ec2',
  EFS: 'elasticfilesystem',
  IAM: 'iam',
  STS: 'sts',
};

/**
 * The IAM action of an SDK command: `DescribeSecurityGroupsCommand` on EC2 -> `ec2:DescribeSecurityGroups`.
 * IAM action names equal the API operation names for EC2, EFS, IAM and STS.
 */
export function deriveIamAction(service: keyof typeof ACTION_PREFIXES | string, commandName: string): string {
  const prefix = ACTION_PREFIXES[service] ?? service.toLowerCase();
  return `${prefix}:${commandName.replace(/Command$/, '')}`;
}

// Error codes each service uses for a missing permission.
const ACCESS_DENIED_CODES = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation', // EC2
  'AccessDeniedFault',
]);

const INVALID_CREDENTIALS_CODES = new Set([
  'AuthFailure', // EC2
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'ExpiredToken',
  'ExpiredTokenException',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
  'InvalidSignatureException',
]);

// Node's socket-level failures: the request never reached a service.
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'ECONNRESET',
  'EPIPE',
]);

const UNREACHABLE_PATTERN = new RegExp(`\\b(${[...UNREACHABLE_CODES].join('|')})\\b`);

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  errors?: unknown;
}

function describeError(error: unknown): { name: string; code: string; message: string } {
  const value = (typeof error === 'object' && error !== null ? error : {}) as ErrorLike;
  let code = typeof value.code === 'string' ? value.code : '';
  // Node reports a refused dual-stack connection as an AggregateError whose members carry the code.
  if (!code && Array.isArray(value.errors)) {
    const inner = value.errors.find((e: unknown) => typeof (e as ErrorLike)?.code === 'string') as
      | ErrorLike
      | undefined;
    if (inner) code = String(inner.code);
  }
  const message =
    typeof value.message === 'string' && value.message !== '' ? value.message : String(error ?? code);
  return { name: typeof value.name === 'string' ? value.name : '', code, message };
}

/** Turns an SDK failure into a typed error naming the IAM action. EfsguardErrors pass through. */
export function translateAwsError(error: unknown, action: string, endpoint?: string): Error {
  if (error instanceof EfsguardError) return error;
  const { name, code, message } = describeError(error);
  const options = { cause: error };
  if (ACCESS_DENIED_CODES.has(name) || ACCESS_DENIED_CODES.has(code)) {
    return new AccessDeniedError(action, message, options);
  }
  if (name === 'CredentialsProviderError' || /could not load credentials/i.test(message)) {
    return new MissingCredentialsError(
      'no AWS credentials found: configure a profile (--profile or AWS_PROFILE), set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run with an IAM role',
      options,
    );
  }
  if (INVALID_CREDENTIALS_CODES.has(name) || INVALID_CREDENTIALS_CODES.has(code)) {
    return new InvalidCredentialsError(
      `AWS rejected the credentials when calling ${action}: ${message}`,
      options,
    );
  }
  if (/region is missing/i.test(message)) {
    return new MissingRegionError(
      'no AWS region: pass --region, set AWS_REGION, or set a region in your AWS profile',
      options,
    );
  }
  // TLS failures come with OpenSSL's own multi-line text: summarise them.
  const tls =
    /\b(EPROTO|ERR_SSL_\w+|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|CERT_HAS_EXPIRED|ERR_TLS_CERT_ALTNAME_INVALID)\b/.exec(
      `${code} ${message}`,
    )?.[1];
  if (tls) {
    const detail = /wrong version number|packet length too long|unknown protocol/i.test(message)
      ? 'the endpoint does not speak TLS; is it http:// rather than https://?'
      : "the endpoint's certificate is not trusted for this host name";
    return new EndpointUnreachableError(
      action,
      endpoint ?? endpointOfError(error),
      `TLS failed (${tls}): ${detail}`,
      options,
    );
  }
  // The retry layer may re-wrap a socket error as plain text ("AWS SDK error wrapper for Error: connect
  // ECONNREFUSED ..."), so the code is also looked for in the message.
  const socketCode = UNREACHABLE_CODES.has(code) ? code : message.match(UNREACHABLE_PATTERN)?.[1];
  if (socketCode || name === 'TimeoutError') {
    // The request timeout: "a request has exceeded the configured 300 ms requestTimeout".
    const waited = message.match(/exceeded the configured (\d+) ms requestTimeout/)?.[1];
    const detail = waited
      ? `no answer within ${Number(waited) / 1000} s (the endpoint accepted the connection and never answered)`
      : (message.match(/(?:connect|getaddrinfo) \S+ \S+/)?.[0] ?? socketCode ?? message);
    return new EndpointUnreachableError(action, endpoint ?? endpointOfError(error), detail, options);
  }
  return new AwsCallError(
    action,
    name && !message.startsWith(name) ? `${name}: ${message}` : message,
    options,
  );
}

/** Runs one AWS call (or one paginated loop) and translates its failure. */
export async function callAws<T>(action: string, run: () => Promise<T>, endpoint?: string): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw translateAwsError(error, action, endpoint);
  }
}

/**
 * The one test for "the resource is gone": a failed call whose AWS error code is one of `codes`, e.g.
 * ['FileSystemNotFound'] or IAM's ['NoSuchEntity', 'NoSuchEntityException'] (the SDK names the error
 * class and keeps the wire code). Takes the SDK's error or the typed error callAws made of it (its
 * cause). EC2 spells some codes with ID and some with Id (InvalidNetworkAclID.NotFound): list both.
 */
export function isNotFound(error: unknown, codes: readonly string[]): boolean {
  const cause = (error as { cause?: unknown } | undefined)?.cause;
  return codes.includes(awsErrorName(cause ?? error));
}

/** The error's AWS code/name, for callers that handle a specific service error (PolicyNotFound). */
export function awsErrorName(error: unknown): string {
  const { name, code } = describeError(error);
  return name || code;
}
