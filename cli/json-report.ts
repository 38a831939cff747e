// The scan's JSON report, written in pieces. The text is exactly JSON.stringify(report, null, 2)
// plus a newline, but at organization scale that is a 50 MB string (and a second copy as bytes): here
// the evaluations go out in slices of 128, each laid out by JSON.stringify itself.
import type { Evaluation } from '../core/model';
import { writeItemSlices } from '../report/chunks';
import { reportEvaluation, type ScanSummary } from './output';

/**
 * Evaluations per piece: about 33 KB of text. A piece must stay well under V8's largest regular heap
 * object (128 KB): a larger string goes to fresh pages of its own, which the write's copy of the piece
 * touches again, and on a machine where touching fresh memory is slow that dominates. At a megabyte a
 * piece, the scale-16 report (217,120 evaluations) took 444-469 ms to lay out and write to a file; at
 * 128 evaluations a piece, 260-311 ms.
 */
const SLICE = 128;
const HEAD = '{\n  "evaluations": [\n';
const TAIL = '\n  ]\n}';

/** Writes the report; `write` receives chunks that concatenate to the whole text. */
export function writeJsonReport(
  write: (chunk: string) => void,
  evaluations: readonly Evaluation[],
  summary: ScanSummary,
  /** Further top-level members after the summary, e.g. the waivers of `scan --waivers`. */
  extra: Readonly<Record<string, unknown>> = {},
): void {
  writeJsonDocument(write, [{ items: evaluations, toJson: reportEvaluation }], { summary, ...extra });
}

/** Items of a document's `evaluations` member, each laid out as `toJson` gives it. */
export interface JsonItems<T> {
  readonly items: readonly T[];
  readonly toJson: (item: T) => unknown;
}

/**
 * Writes `{ "evaluations": [...], ...tail }` exactly as JSON.stringify(document, null, 2) plus a newline
 * would lay it out, the evaluations taken from each of `sources` in turn, a slice at a time: no string
 * of the whole document is ever made (a multi-account report can outgrow V8's longest string, about
 * 512 MB).
 */
export function writeJsonDocument(
  write: (chunk: string) => void,
  // biome-ignore lint/suspicious/noExplicitAny: each source pairs its own item type with its toJson.
  sources: readonly JsonItems<any>[],
  tail: Readonly<Record<string, unknown>>,
): void {
  // A slice laid out as the report's own `evaluations` member is, between HEAD and TAIL, the text of
  // those evaluations at the report's depth: one flat string from JSON.stringify, where pasting each
  // evaluation's pieces together made a rope that the write had to flatten at several times the cost.
  const parts = sources.map(({ items, toJson }) => ({
    length: items.length,
    slice: (start: number, end: number) => items.slice(start, end).map(toJson),
  }));
  const wrote = writeItemSlices(write, parts, SLICE, HEAD, (items) => {
    const text = JSON.stringify({ evaluations: items }, null, 2);
    return text.slice(HEAD.length, text.length - TAIL.length);
  });
  if (!wrote) {
    write(`${JSON.stringify({ evaluations: [], ...tail }, null, 2)}\n`);
    return;
  }
  const member = (key: string, value: unknown) =>
    `  ${JSON.stringify(key)}: ${JSON.stringify(value, null, 2).replace(/\n/g, '\n  ')}`;
  write(
    `\n  ],\n${Object.entries(tail)
      .map(([key, value]) => member(key, value))
      .join(',\n')}\n}\n`,
  );
}
