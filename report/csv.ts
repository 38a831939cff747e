// CSV: one row per verdict under a header, quoted as RFC 4180 says (csv-stringify does the quoting:
// fields with a comma, a double quote or a line break are enclosed in double quotes, with inner
// double quotes doubled; records end in CRLF).
import { stringify } from 'csv-stringify/sync';
import { findingHash, type ReportInput, resourceArn, ruleDocUrl, ruleLookup } from './input';

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
] as const;

export function formatCsv(input: ReportInput): string {
  const lookup = ruleLookup(input.rules);
  const rows = input.evaluations.map((evaluation) => {
    const rule = lookup(evaluation.rule);
    return [
      findingHash(input, evaluation),
      input.accountId,
      input.region,
      evaluation.rule,
      rule.severity,
      evaluation.complianceType,
      evaluation.resourceType,
      evaluation.resourceId,
      resourceArn(input, evaluation.resourceType, evaluation.resourceId) ?? '',
      evaluation.annotation ?? '',
      rule.title,
      ruleDocUrl(input, evaluation.rule) ?? '',
      input.generatedAt,
    ];
  });
  return stringify([[...CSV_COLUMNS], ...rows], { record_delimiter: 'windows' });
}
