// SSM GetParameter for the Lambda bundles, without @aws-sdk/client-ssm. That client adds about 67 KB to
// each bundle (its 40 KB of exception classes alone), and the bundles sit about 22 KB under their
// 600,000-byte limit (scripts/build-handlers.mjs), so this module signs the one JSON request itself with
// the SDK's own SigV4 signer and credential chain, already in every bundle, and sends it with the
// runtime's fetch. The wire format is the documented one: AWS JSON 1.1, target AmazonSSM.GetParameter
// (AWS Systems Manager API Reference, "GetParameter" and "Making API requests").
import { createHash, createHmac } from 'node:crypto';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { SignatureV4 } from '@smithy/signature-v4';
import { AccessDeniedError, AwsCallError, EndpointUnreachableError } from './errors';

const ACTION = 'ssm:GetParameter';
const RETRYABLE = new Set(['ThrottlingException', 'InternalServerError', 'ServiceUnavailable']);

/** SHA-256 and HMAC-SHA-256 from node:crypto, in the shape the signer expects. */
type SourceData = string | ArrayBuffer | ArrayBufferView;
const bytes = (data: SourceData): string | Uint8Array =>
  typeof data === 'string'
    ? data
    : ArrayBuffer.isView(data)
      ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
      : new Uint8Array(data);

class Sha256 {
  private readonly hash;
  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

export interface GetParameterOptions {
  readonly region: string;
  /** A custom endpoint (moto, LocalStack); else AWS_ENDPOINT_URL_SSM, AWS_ENDPOINT_URL, then AWS's. */
  readonly endpoint?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly attempts?: number;
  readonly fetch?: typeof fetch;
  readonly sleep?: (ms: number) => Promise<void>;
}

function endpointFor(options: GetParameterOptions): URL {
  const env = options.env ?? {};
  const configured = options.endpoint ?? env.AWS_ENDPOINT_URL_SSM ?? env.AWS_ENDPOINT_URL;
  if (configured) return new URL(configured);
  const suffix = options.region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  return new URL(`https://ssm.${options.region}.${suffix}/`);
}

/** The parameter's value, read with the function's own credentials (the default provider chain). */
export async function getParameterValue(name: string, options: GetParameterOptions): Promise<string> {
  const url = endpointFor(options);
  const signer = new SignatureV4({
    service: 'ssm',
    region: options.region,
    credentials: fromNodeProviderChain(),
    sha256: Sha256,
  });
  const body = JSON.stringify({ Name: name, WithDecryption: true });
  const send = options.fetch ?? fetch;
  const attempts = options.attempts ?? 3;
  const sleep = options.sleep ?? ((ms: number) => new Promise((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 1; ; attempt++) {
    const signed = await signer.sign({
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path: url.pathname || '/',
      query: {},
      headers: {
        host: url.host,
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'AmazonSSM.GetParameter',
      },
      body,
    });
    let response: Response;
    try {
      response = await send(url, { method: 'POST', headers: signed.headers, body });
    } catch (error) {
      if (attempt < attempts) {
        await sleep(100 * 2 ** attempt);
        continue;
      }
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      throw new EndpointUnreachableError(ACTION, options.endpoint, String(cause), { cause: error });
    }
    const text = await response.text();
    let payload: { Parameter?: { Value?: string }; __type?: string; message?: string; Message?: string };
    try {
      payload = text ? JSON.parse(text) : {};
    } catch {
      payload = { message: text.slice(0, 200) };
    }
    if (response.ok) {
      const value = payload.Parameter?.Value;
      if (value === undefined) throw new AwsCallError(ACTION, `no value returned for ${name}`);
      return value;
    }
    const type = (payload.__type ?? `HTTP ${response.status}`).split('#').pop() as string;
    const message = payload.message ?? payload.Message ?? '';
    if ((RETRYABLE.has(type) || response.status >= 500) && attempt < attempts) {
      await sleep(100 * 2 ** attempt);
      continue;
    }
    if (/AccessDenied|UnrecognizedClient|InvalidSignature/.test(type) || response.status === 403) {
      throw new AccessDeniedError(ACTION, `${type}: ${message}`);
    }
    throw new AwsCallError(ACTION, `${type}${message ? `: ${message}` : ''} (parameter ${name})`);
  }
}
