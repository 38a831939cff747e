// The scan's JSON report, written in pieces. The text is exactly JSON.stringify(buildReport(...), null, 2)
// plus a newline, but at organization scale that is a 50 MB string (and a second copy as bytes): here
// each evaluation is formatted on its own and the text goes out in chunks of about a megabyte.
import type { Evaluation } from '../core/model';
import { buildReport, reportEvaluation, type ScanSummary } from './output';

const CHUNK_CHARS = 1 << 20;

/** One evaluation as JSON.stringify(buildReport(...), null, 2) lays it out inside the array. */
function formatEvaluation(evaluation: Evaluation): string {
  // Waived and unresolved verdicts carry more fields (reportEvaluation): the general, slower path.
  if (evaluation.waived || evaluation.unresolved)
    return `    ${JSON.stringify(reportEvaluation(evaluation), null, 2).replace(/\n/g, '\n    ')}`;
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
  /** Further top-level members after the summary, e.g. the waivers of `scan --waivers`. */
  extra: Readonly<Record<string, unknown>> = {},
): void {
  if (evaluations.length === 0) {
    write(`${JSON.stringify({ ...buildReport(evaluations, summary), ...extra }, null, 2)}\n`);
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
  const member = (key: string, value: unknown) =>
    `  ${JSON.stringify(key)}: ${JSON.stringify(value, null, 2).replace(/\n/g, '\n  ')}`;
  const tail = [
    member('summary', summary),
    ...Object.entries(extra).map(([key, value]) => member(key, value)),
  ];
  write(`${chunk}  ],\n${tail.join(',\n')}\n}\n`);
}
