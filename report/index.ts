// The report formats: each a pure function from the evaluations (and, for HTML, the topology) to text.

import { formatAsff } from './asff';
import { formatCsv } from './csv';
import { formatHtml } from './html';
import type { ReportInput } from './input';
import { formatOcsf } from './ocsf';
import { formatSarif } from './sarif';

export type { ReportInput } from './input';

export const REPORT_FORMATS = ['sarif', 'asff', 'ocsf', 'csv', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

const RENDERERS: Readonly<Record<ReportFormat, (input: ReportInput) => string>> = {
  sarif: formatSarif,
  asff: formatAsff,
  ocsf: formatOcsf,
  csv: formatCsv,
  html: formatHtml,
};

export function renderReport(format: ReportFormat, input: ReportInput): string {
  return RENDERERS[format](input);
}
