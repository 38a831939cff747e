// CSV: one row per verdict under a header, quoted as RFC 4180 says (csv-stringify does the quoting:
// fields with a comma, a double quote or a line break are enclosed in double quotes, with inner
// double quotes doubled; records end in CRLF). compliance_type is the state the JSON report shows:
// WAIVED for a waived finding, whose annotation column holds the finding and waiver_* columns the waiver.
import { stringify } from 'csv-stringify/sync';
import { collect, REPORT_SLICE } from './chunks';
import {
  findingHash,
  findingText,
  type ReportInput,
  reportState,
  resourceArn,
  ruleDocUrl,
  ruleLookup,
} from './input';

export const CSV_COLUMNS = [
  'id',
  'account_id',
  'region',
  'rule',
  'severity',
  'compliance_type',
  'resource_type',
  'resource_id',
  'resource_arn',
  'annotation',
  'rule_title',
  'docs',
  'evaluated_at',
  'waiver_owner',
  'waiver_expires',
  'waiver_reason',
] as const;

/** The data rows of one account-region, without the header. */
function csvRows(input: ReportInput): string[][] {
  const lookup = ruleLookup(input.rules);
  return input.evaluations.map((evaluation) => {
    const rule = lookup(evaluation.rule);
    return [
      findingHash(input, evaluation),
      input.accountId,
      input.region,
      evaluation.rule,
      rule.severity,
      reportState(evaluation),
      evaluation.resourceType,
      evaluation.resourceId,
      resourceArn(input, evaluation.resourceType, evaluation.resourceId) ?? '',
      findingText(evaluation) ?? '',
      rule.title,
      ruleDocUrl(input, evaluation.rule) ?? '',
      input.generatedAt,
      evaluation.waived?.owner ?? '',
      evaluation.waived?.expires ?? '',
      evaluation.waived?.reason ?? '',
    ];
  });
}

/**
 * One header, then the rows of each account-region in turn, a slice at a time (report/chunks.ts): each
 * record ends in its own CRLF, so the slices add up to the whole text.
 */
export function writeCsv(write: (chunk: string) => void, inputs: readonly ReportInput[]): void {
  write(stringify([[...CSV_COLUMNS]], { record_delimiter: 'windows' }));
  for (const input of inputs) {
    for (let start = 0; start < input.evaluations.length; start += REPORT_SLICE) {
      const evaluations = input.evaluations.slice(start, start + REPORT_SLICE);
      write(stringify(csvRows({ ...input, evaluations }), { record_delimiter: 'windows' }));
    }
  }
}

/** One header, then the rows of each account-region in turn. */
export function formatCsv(...inputs: readonly ReportInput[]): string {
  return collect((write) => writeCsv(write, inputs));
}
