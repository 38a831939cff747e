// Where each AWS call went, for the messages a user reads. A middleware on every efsguard client records
// the calls in flight (action and endpoint URL), so that the CLI's overall deadline can say which call
// it was still waiting for, and stamps a failed call's error with the URL it was sent to, so that an
// unreachable or stalled endpoint is always named, even one the SDK resolved itself.
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
    options: { step: 'initialize' | 'finalizeRequest'; name: string; priority: 'high' | 'low' },
  ): void;
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
