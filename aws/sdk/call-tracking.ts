// Where each AWS call went, for the messages a user reads. A middleware on every efsguard client records
// the calls in flight (action and endpoint URL), so that the CLI's overall deadline can say which call
// it was still waiting for, and stamps a failed call's error with the URL it was sent to, so that an
// unreachable or stalled endpoint is always named, even one the SDK resolved itself.
import { EfsguardError } from '../../core/errors';
import { deriveIamAction } from './errors';

export interface CallInFlight {
  /** The IAM action, e.g. ec2:DescribeSecurityGroups. */
  readonly action: string;
  /** The endpoint the request went to, e.g. https://ec2.eu-west-1.amazonaws.com. */
  readonly url: string;
}

const inFlight = new Set<CallInFlight>();

/** The calls sent and not yet answered, oldest first. */
export function callsInFlight(): CallInFlight[] {
  return [...inFlight];
}

/** The property a failed call's error carries its endpoint URL in. */
export const ERROR_ENDPOINT = '$efsguardEndpoint';

interface RequestLike {
  protocol?: string;
  hostname?: string;
  port?: number;
}

function urlOf(request: unknown): string | undefined {
  const { protocol, hostname, port } = (request ?? {}) as RequestLike;
  if (!protocol || !hostname) return undefined;
  return `${protocol}//${hostname.includes(':') ? `[${hostname}]` : hostname}${port ? `:${port}` : ''}`;
}

type Handler = (args: { request?: unknown }) => Promise<unknown>;
interface CallContext {
  clientName?: string;
  commandName?: string;
  /** Set by the inner middleware: the URL the last attempt went to. */
  efsguardUrl?: string;
}
interface Stack {
  add(
    middleware: (next: Handler, context: CallContext) => Handler,
    options: {
      step: 'initialize' | 'finalizeRequest' | 'deserialize';
      name: string;
      priority: 'high' | 'low';
    },
  ): void;
}

/** An endpoint answered with something that is not an AWS API response (a web page, foreign XML). */
export class WrongEndpointAnswerError extends EfsguardError {
  override readonly name = 'WrongEndpointAnswerError';
}

interface ResponseLike {
  statusCode?: number;
  headers?: Record<string, string>;
  body?: unknown;
}

async function bodyBytes(body: unknown): Promise<Uint8Array> {
  if (body instanceof Uint8Array) return body;
  if (typeof body === 'string') return new TextEncoder().encode(body);
  if (body && typeof (body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator] === 'function') {
    const chunks: Uint8Array[] = [];
    for await (const chunk of body as AsyncIterable<Uint8Array | string>) {
      chunks.push(typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk);
    }
    const out = new Uint8Array(chunks.reduce((n, chunk) => n + chunk.length, 0));
    let offset = 0;
    for (const chunk of chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  }
  return new Uint8Array();
}

/**
 * What is wrong with an answer, or undefined when it looks like an AWS API response. HTML is never one;
 * XML is one only when its root element is the operation's `<Operation>Response` or an AWS error
 * envelope (`Response`, `ErrorResponse`, `Error`) (Query API responses, EC2/IAM/STS API References).
 */
function foreignAnswer(
  text: string,
  contentType: string,
  commandName: string,
  status: number,
): string | undefined {
  const head = text.slice(0, 2048).trimStart();
  // Judged by the body: some endpoints (moto) label JSON answers text/html.
  if (/^(<!doctype html|<html)/i.test(head) || (/html/i.test(contentType) && head.startsWith('<'))) {
    const title = /<title[^>]*>([^<]{1,80})<\/title>/i.exec(head)?.[1]?.trim();
    return `with an HTML page (HTTP ${status}${title ? `, title ${JSON.stringify(title)}` : ''})`;
  }
  if (head.startsWith('<')) {
    const root = /^(?:<\?xml[^>]*\?>\s*)?(?:<!--[\s\S]*?-->\s*)*<([A-Za-z_][\w.-]*)/.exec(head)?.[1];
    const operation = commandName.replace(/Command$/, '');
    if (root && ![`${operation}Response`, 'Response', 'ErrorResponse', 'Error'].includes(root)) {
      return `with XML that is not an ACTION answer (root element <${root}>, HTTP ${status})`;
    }
  }
  return undefined;
}

/**
 * Adds the tracking middleware to an SDK client: one after the retry middleware (once per attempt),
 * which records the call in flight and the URL it went to, and one outermost, which stamps that URL on
 * the error the caller finally sees (the retry layer may replace the attempt's error with a new one).
 */
export function trackCalls<C extends { middlewareStack: unknown }>(client: C): C {
  const stack = client.middlewareStack as Stack;
  stack.add(
    (next, context) => async (args) => {
      const url = urlOf(args.request);
      if (!url) return next(args);
      context.efsguardUrl = url;
      const service = (context.clientName ?? '').replace(/Client$/, '').replace(/Service$/, '');
      const call: CallInFlight = { action: deriveIamAction(service, context.commandName ?? 'unknown'), url };
      inFlight.add(call);
      try {
        return await next(args);
      } finally {
        inFlight.delete(call);
      }
    },
    { step: 'finalizeRequest', name: 'efsguardCallTracking', priority: 'low' },
  );
  // Inside the SDK's deserializer: read the raw answer first, and refuse one no AWS service would give,
  // rather than let a parser turn a web page into an empty result or an opaque parse error.
  stack.add(
    (next, context) => async (args) => {
      const result = (await next(args)) as { response?: ResponseLike };
      const response = result.response;
      if (!response?.body) return result;
      const headers = response.headers ?? {};
      const contentType = headers['content-type'] ?? headers['Content-Type'] ?? '';
      if (/json/i.test(contentType)) return result;
      const bytes = await bodyBytes(response.body);
      response.body = bytes; // the SDK's deserializer reads a Uint8Array body as it reads a stream
      const problem = foreignAnswer(
        new TextDecoder().decode(bytes.subarray(0, 4096)),
        contentType,
        context.commandName ?? '',
        response.statusCode ?? 0,
      );
      if (problem) {
        const service = (context.clientName ?? '').replace(/Client$/, '').replace(/Service$/, '');
        const action = deriveIamAction(service, context.commandName ?? 'unknown');
        throw new WrongEndpointAnswerError(
          `the endpoint ${context.efsguardUrl ?? '(unknown)'} answered ${action} ${problem.replace('ACTION', action)}, ` +
            'not an AWS API response; check --endpoint-url or AWS_ENDPOINT_URL',
        );
      }
      return result;
    },
    { step: 'deserialize', name: 'efsguardForeignAnswer', priority: 'low' },
  );
  stack.add(
    (next, context) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        const url = context.efsguardUrl;
        if (url && typeof error === 'object' && error !== null && !(ERROR_ENDPOINT in error)) {
          Object.defineProperty(error, ERROR_ENDPOINT, { value: url, enumerable: false });
        }
        throw error;
      }
    },
    { step: 'initialize', name: 'efsguardErrorEndpoint', priority: 'high' },
  );
  return client;
}

/** The endpoint URL a failed call's error was stamped with, if any. */
export function endpointOfError(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const value = (error as Record<string, unknown>)[ERROR_ENDPOINT];
  return typeof value === 'string' ? value : undefined;
}
