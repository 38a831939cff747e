// A guard for every paginated AWS call. The SDK's paginators (and efsguard's own token loops) follow
// the token of each page until a page has none; an endpoint that keeps handing back a token it already
// gave (a broken proxy or emulator) would keep them going forever. guardPages stops at the first
// repeated token with an error naming the call.
import { PaginationLoopError } from './errors';

/** The next-page token of any page efsguard reads: EC2/EFS/Config NextToken, EFS NextMarker, IAM Marker. */
export function nextPageToken(page: unknown): string | undefined {
  if (typeof page !== 'object' || page === null) return undefined;
  const { NextToken, NextMarker, Marker, IsTruncated } = page as Record<string, unknown>;
  // IAM sends Marker only when IsTruncated is true ("IsTruncated … Marker", IAM API Reference).
  if (IsTruncated === false) return undefined;
  const token = NextToken ?? NextMarker ?? Marker;
  return typeof token === 'string' && token !== '' ? token : undefined;
}

/** Remembers the tokens of one paginated call; `check` throws PaginationLoopError on a repeat. */
export function createTokenGuard(action: string): { check(page: unknown): void } {
  const seen = new Set<string>();
  let pages = 0;
  return {
    check(page) {
      pages += 1;
      const token = nextPageToken(page);
      if (token === undefined) return;
      if (seen.has(token)) throw new PaginationLoopError(action, token, pages);
      seen.add(token);
    },
  };
}

/** Yields the pages of `pages`, failing with PaginationLoopError as soon as a page repeats a token. */
export async function* guardPages<P>(action: string, pages: AsyncIterable<P>): AsyncGenerator<P> {
  const guard = createTokenGuard(action);
  for await (const page of pages) {
    guard.check(page);
    yield page;
  }
}
