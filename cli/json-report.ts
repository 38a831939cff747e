// The scan's JSON report, written in pieces. The text is exactly JSON.stringify(buildReport(...), null, 2)
// plus a newline, but at organization scale that is a 50 MB string (and a second copy as bytes): here
// each evaluation is formatted on its own and the text goes out in chunks of about a megabyte.
import type { Evaluation } from '../core/model';
import { buildReport, type ScanSummary } from './output';

const CHUNK_CHARS = 1 << 20;

/** One evaluation as JSON.stringify(buildReport(...), null, 2) lays it out inside the array. */
function formatEvaluation(evaluation: Evaluation): string {
  return (
    `    {\n      "rule": ${JSON.stringify(evaluation.rule)},\n` +
    `      "resourceType": ${JSON.stringify(evaluation.resourceType)},\n` +
    `      "resourceId": ${JSON.stringify(evaluation.resourceId)},\n` +
    `      "complianceType": ${JSON.stringify(evaluation.complianceType)}` +
    (evaluation.annotation
      ? `,\n      "annotation": ${JSON.stringify(evaluation.annotation)}\n    }`
      : '\n    }')
  );
}

/** Writes the report; `write` receives chunks that concatenate to the whole text. */
export function writeJsonReport(
  write: (chunk: string) => void,
  evaluations: readonly Evaluation[],
  summary: ScanSummary,
): void {
  if (evaluations.length === 0) {
    write(`${JSON.stringify(buildReport(evaluations, summary), null, 2)}\n`);
    return;
  }
  let chunk = '{\n  "evaluations": [\n';
  const last = evaluations.length - 1;
  evaluations.forEach((evaluation, i) => {
    chunk += formatEvaluation(evaluation) + (i < last ? ',\n' : '\n');
    if (chunk.length >= CHUNK_CHARS) {
      write(chunk);
      chunk = '';
    }
  });
  const summaryText = JSON.stringify(summary, null, 2).replace(/\n/g, '\n  ');
  write(`${chunk}  ],\n  "summary": ${summaryText}\n}\n`);
}
