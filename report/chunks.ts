// Reports written a slice of verdicts at a time. At the benchmark's largest scale (217,120 verdicts in
// one account-region) the ASFF report is 404 MB and the OCSF report 524 MB, next to V8's longest string
// (about 512 Mi characters): made as one string, a slightly larger account, or a few accounts in one
// report, end in "Invalid string length", after holding every finding object at once (2.5-2.9 GB).
// Written in slices, the text is the same to the byte.

import type { ReportInput } from './input';

/** Verdicts per slice: a slice's text stays well under V8's largest regular heap object (128 KB). */
export const REPORT_SLICE = 32;

/** A list laid out in slices: how long it is, and the JSON values of the items from `start` to `end`. */
export interface JsonArrayPart {
  readonly length: number;
  readonly slice: (start: number, end: number) => readonly unknown[];
}

/**
 * Writes the items of every part in turn, `size` at a time: `open` before the first slice, ',\n'
 * between slices, and each slice as `layout` gives it (laid out by JSON.stringify at the depth the
 * items sit, cut between its brackets). A slice that gives no item adds nothing. Returns whether any
 * item was written; with none, nothing is written.
 */
export function writeItemSlices(
  write: (chunk: string) => void,
  parts: readonly JsonArrayPart[],
  size: number,
  open: string,
  layout: (items: readonly unknown[]) => string,
): boolean {
  let first = true;
  for (const part of parts) {
    for (let start = 0; start < part.length; start += size) {
      const items = part.slice(start, Math.min(start + size, part.length));
      if (items.length === 0) continue;
      write(first ? open : ',\n');
      first = false;
      write(layout(items));
    }
  }
  return !first;
}

/**
 * Writes one JSON array of the items of every part in turn, exactly as JSON.stringify(array, null, 2)
 * plus a newline lays it out: each slice is laid out by JSON.stringify itself, cut between its `[` and
 * `]` lines.
 */
export function writeJsonArray(write: (chunk: string) => void, parts: readonly JsonArrayPart[]): void {
  const wrote = writeItemSlices(write, parts, REPORT_SLICE, '[\n', (items) => {
    const text = JSON.stringify(items, null, 2);
    return text.slice(2, text.length - 2);
  });
  write(wrote ? '\n]\n' : '[]\n');
}

/**
 * The findings of each account-region in turn as one JSON array, `toFindings` making those of a slice
 * of its verdicts at a time (one finding per verdict, in order).
 */
export function writeFindings(
  write: (chunk: string) => void,
  inputs: readonly ReportInput[],
  toFindings: (input: ReportInput) => readonly unknown[],
): void {
  writeJsonArray(
    write,
    inputs.map((input) => ({
      length: input.evaluations.length,
      slice: (start, end) => toFindings({ ...input, evaluations: input.evaluations.slice(start, end) }),
    })),
  );
}

/** What `produce` writes, as one string (for a report known to be small, and for tests). */
export function collect(produce: (write: (chunk: string) => void) => void): string {
  const chunks: string[] = [];
  produce((chunk) => chunks.push(chunk));
  return chunks.join('');
}
