// The report formats: each a pure function from the evaluations (and, for HTML, the topology) to text.

import { formatAsff, writeAsff } from './asff';
import { formatCsv, writeCsv } from './csv';
import { formatHtml } from './html';
import type { ReportInput } from './input';
import { formatOcsf, writeOcsf } from './ocsf';
import { formatSarif, SARIF_SCHEMA_URI, SARIF_VERSION, toSarif } from './sarif';

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

/**
 * Writes the report in chunks: ASFF, OCSF and CSV, which hold every verdict, a slice at a time
 * (report/chunks.ts); SARIF, which lists only findings, and HTML as one piece.
 */
export function writeReport(format: ReportFormat, input: ReportInput, write: (chunk: string) => void): void {
  if (format === 'sarif' || format === 'html') write(renderReport(format, input));
  else writeMultiReport(format, [input], write);
}

/** The formats that can hold several account-regions in one file (HTML shows one account-region). */
export const MULTI_TARGET_FORMATS = ['sarif', 'asff', 'ocsf', 'csv'] as const;
export type MultiTargetFormat = (typeof MULTI_TARGET_FORMATS)[number];

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/**
 * The report of several account-regions, each input one of them with its own account and region:
 * SARIF one run per account-region (each with its own automationDetails id), ASFF and OCSF one array
 * of every finding, CSV one header and every row; written in chunks, as writeReport writes them.
 */
export function writeMultiReport(
  format: MultiTargetFormat,
  inputs: readonly ReportInput[],
  write: (chunk: string) => void,
): void {
  switch (format) {
    case 'sarif':
      write(
        json({
          $schema: SARIF_SCHEMA_URI,
          version: SARIF_VERSION,
          runs: inputs.flatMap((input) => (toSarif(input) as { runs: unknown[] }).runs),
        }),
      );
      return;
    case 'asff':
      writeAsff(write, inputs);
      return;
    case 'ocsf':
      writeOcsf(write, inputs);
      return;
    case 'csv':
      writeCsv(write, inputs);
      return;
  }
}
