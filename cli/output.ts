// The scan report: one JSON object for machines, grouped tables for people.
import Table from 'cli-table3';
import { createColors } from 'picocolors';
import { waiverFields } from '../core/annotation';
import { COMPLIANCE_TYPES, type Evaluation } from '../core/model';
import type { Rule } from '../core/rules/types';
import { type ReportState, reportState, STATE_ORDER } from '../report/input';

export type ComplianceCounts = Record<ReportState, number>;

export interface ScanSummary {
  readonly accountId: string;
  readonly region: string;
  readonly rules: readonly string[];
  readonly total: number;
  readonly byComplianceType: ComplianceCounts;
  readonly byRule: Record<string, ComplianceCounts>;
}

export interface ScanReport {
  readonly evaluations: readonly {
    rule: string;
    resourceType: string;
    resourceId: string;
    complianceType: ReportState;
    annotation?: string;
    /** Present on WAIVED verdicts: the waiver, and the annotation posted to Config with COMPLIANT. */
    waiver?: { index: number; owner: string; reason: string; expires: string; postedAnnotation?: string };
    /** Present on a verdict that rests on something efsguard could not resolve (no waiver applies). */
    unresolved?: true;
  }[];
  readonly summary: ScanSummary;
}

const zeroCounts = (): ComplianceCounts => ({ NON_COMPLIANT: 0, WAIVED: 0, COMPLIANT: 0, NOT_APPLICABLE: 0 });

export function summarise(
  evaluations: readonly Evaluation[],
  rules: readonly Rule[],
  accountId: string,
  region: string,
): ScanSummary {
  const byComplianceType = zeroCounts();
  const byRule: Record<string, ComplianceCounts> = {};
  for (const rule of rules) byRule[rule.id] = zeroCounts();
  for (const evaluation of evaluations) {
    const state = reportState(evaluation);
    byComplianceType[state] += 1;
    byRule[evaluation.rule] ??= zeroCounts();
    (byRule[evaluation.rule] as ComplianceCounts)[state] += 1;
  }
  return {
    accountId,
    region,
    rules: rules.map((rule) => rule.id),
    total: evaluations.length,
    byComplianceType,
    byRule,
  };
}

/** One evaluation as the JSON report shows it: a waived one as WAIVED, with its finding and waiver. */
export function reportEvaluation(evaluation: Evaluation): ScanReport['evaluations'][number] {
  const { rule, resourceType, resourceId, complianceType, waived } = evaluation;
  // Most verdicts are neither waived nor unresolved: one literal each, without the spreads below (a
  // report at organization scale holds hundreds of thousands).
  if (!waived && !evaluation.unresolved) {
    return evaluation.annotation
      ? { rule, resourceType, resourceId, complianceType, annotation: evaluation.annotation }
      : { rule, resourceType, resourceId, complianceType };
  }
  const annotation = waived ? waived.finding : evaluation.annotation;
  return {
    rule: evaluation.rule,
    resourceType: evaluation.resourceType,
    resourceId: evaluation.resourceId,
    complianceType: reportState(evaluation),
    ...(annotation ? { annotation } : {}),
    ...(waived
      ? {
          waiver: {
            ...waiverFields(waived),
            ...(evaluation.annotation ? { postedAnnotation: evaluation.annotation } : {}),
          },
        }
      : {}),
    ...(evaluation.unresolved ? { unresolved: true as const } : {}),
  };
}

export interface TableOptions {
  readonly colour: boolean;
  readonly showNotApplicable: boolean;
  /** Terminal width; the annotation column takes what the others leave. */
  readonly columns?: number;
  /** Rows shown per rule (NON_COMPLIANT first); 0 shows every row. Default DEFAULT_MAX_ROWS. */
  readonly maxRows?: number;
}

/** Rows shown per rule unless --max-rows says otherwise: a screenful or two of findings, not 40,000. */
export const DEFAULT_MAX_ROWS = 200;

/**
 * cli-table3 lays a table out in time that grows faster than its rows (10,000 rows took seconds, 40,000
 * over a minute), so a long table is rendered in slices of this many rows with the same fixed column
 * widths and stitched into one: linear in the rows.
 */
const ROWS_PER_SLICE = 50;

type Row = [string, string, string, string];

/** One table of `rows` under `head`, rendered slice by slice; every column width fixed. */
function renderTable(head: string[], rows: readonly Row[], colWidths: number[]): string {
  const style = { head: [], border: [] };
  const lines: string[] = [];
  for (let start = 0; start === 0 || start < rows.length; start += ROWS_PER_SLICE) {
    const table = new Table({
      ...(start === 0 ? { head } : {}),
      colWidths,
      wordWrap: true,
      style,
    });
    table.push(...rows.slice(start, start + ROWS_PER_SLICE));
    const slice = table.toString().split('\n');
    if (start > 0) {
      // Join to the previous slice: drop its bottom border, turn this slice's top border into a separator.
      lines.pop();
      slice[0] = (slice[0] ?? '').replace('┌', '├').replaceAll('┬', '┼').replace('┐', '┤');
    }
    lines.push(...slice);
  }
  return lines.join('\n');
}

/**
 * Tables grouped by rule (registry order), NON_COMPLIANT first, NOT_APPLICABLE only when asked, at most
 * maxRows rows per rule with a note of what was left out, then a summary per rule.
 */
export function formatTables(
  evaluations: readonly Evaluation[],
  rules: readonly Rule[],
  summary: ScanSummary,
  options: TableOptions,
): string {
  const c = createColors(options.colour);
  const paint: Record<ReportState, (text: string) => string> = {
    NON_COMPLIANT: (text) => c.bold(c.red(text)),
    WAIVED: c.yellow,
    COMPLIANT: c.green,
    NOT_APPLICABLE: c.dim,
  };
  const maxRows = options.maxRows ?? DEFAULT_MAX_ROWS;
  const annotationWidth = Math.max(30, (options.columns ?? 140) - 16 - 29 - 28 - 6);
  const lines: string[] = [
    c.bold(`efsguard scan: account ${summary.accountId}, region ${summary.region}`),
    '',
  ];
  // One pass over the evaluations: each rule's shown rows, by compliance type, in the rule's own order.
  const byRule = new Map<string, Record<ReportState, Evaluation[]>>();
  for (const rule of rules)
    byRule.set(rule.id, { NON_COMPLIANT: [], WAIVED: [], COMPLIANT: [], NOT_APPLICABLE: [] });
  for (const evaluation of evaluations) {
    if (!options.showNotApplicable && evaluation.complianceType === 'NOT_APPLICABLE') continue;
    byRule.get(evaluation.rule)?.[reportState(evaluation)].push(evaluation);
  }
  for (const rule of rules) {
    const groups = byRule.get(rule.id) as Record<ReportState, Evaluation[]>;
    const shown = STATE_ORDER.flatMap((state) => groups[state]);
    const counts = summary.byRule[rule.id];
    lines.push(`${c.bold(rule.id)}  ${rule.title}`);
    lines.push(
      c.dim(
        `  ${counts?.NON_COMPLIANT ?? 0} non-compliant, ${counts?.WAIVED ? `${counts.WAIVED} waived, ` : ''}${counts?.COMPLIANT ?? 0} compliant, ` +
          `${counts?.NOT_APPLICABLE ?? 0} not applicable`,
      ),
    );
    if (shown.length === 0) {
      lines.push(c.dim('  nothing to show'), '');
      continue;
    }
    const kept = maxRows > 0 ? shown.slice(0, maxRows) : shown;
    const rows: Row[] = kept.map((evaluation) => [
      paint[reportState(evaluation)](reportState(evaluation)),
      evaluation.resourceType,
      evaluation.resourceId,
      evaluation.annotation ?? '',
    ]);
    // Fixed widths (content plus padding), so that every slice of the table lines up.
    const widthOf = (pick: (evaluation: Evaluation) => string, title: string) =>
      Math.max(title.length, ...kept.map((evaluation) => pick(evaluation).length)) + 2;
    const colWidths = [
      widthOf((evaluation) => reportState(evaluation), 'Compliance'),
      widthOf((evaluation) => evaluation.resourceType, 'Resource type'),
      widthOf((evaluation) => evaluation.resourceId, 'Resource'),
      annotationWidth,
    ];
    const head = ['Compliance', 'Resource type', 'Resource', 'Annotation'].map((title) => c.bold(title));
    lines.push(renderTable(head, rows, colWidths));
    if (kept.length < shown.length) {
      const left = STATE_ORDER.map((type) => {
        const hiddenOfType = groups[type].length - kept.filter((e) => reportState(e) === type).length;
        return hiddenOfType > 0 ? `${hiddenOfType} ${type}` : '';
      }).filter(Boolean);
      lines.push(
        c.dim(
          `  … ${shown.length - kept.length} more ${shown.length - kept.length === 1 ? 'row' : 'rows'} not shown (${left.join(', ')}); ` +
            '--max-rows 0 shows every row, --format json lists them all',
        ),
      );
    }
    lines.push('');
  }
  lines.push(...formatRuleSummary(rules, summary, c.bold), '');
  const totals = summary.byComplianceType;
  const hidden = !options.showNotApplicable && totals.NOT_APPLICABLE > 0 ? ' (hidden; --all shows them)' : '';
  lines.push(
    `${summary.total} evaluations: ${paint.NON_COMPLIANT(`${totals.NON_COMPLIANT} NON_COMPLIANT`)}, ` +
      (totals.WAIVED ? `${paint.WAIVED(`${totals.WAIVED} WAIVED`)}, ` : '') +
      `${paint.COMPLIANT(`${totals.COMPLIANT} COMPLIANT`)}, ${totals.NOT_APPLICABLE} NOT_APPLICABLE${hidden}`,
  );
  return `${lines.join('\n')}\n`;
}

/** One line per rule: its counts by compliance type, in columns. */
function formatRuleSummary(
  rules: readonly Rule[],
  summary: ScanSummary,
  bold: (text: string) => string,
): string[] {
  const title = 'Summary by rule';
  const width = Math.max(title.length, ...rules.map((rule) => rule.id.length));
  // The WAIVED column only when a waiver applied, so a run without waivers reads as before.
  const states = summary.byComplianceType.WAIVED > 0 ? STATE_ORDER : COMPLIANCE_TYPES;
  const lines = [bold(`${title.padEnd(width)}  ${states.join('  ')}`)];
  for (const rule of rules) {
    const counts = summary.byRule[rule.id];
    lines.push(
      `${rule.id.padEnd(width)}  ${states.map((type) => String(counts?.[type] ?? 0).padStart(type.length)).join('  ')}`,
    );
  }
  return lines;
}

/** Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function shouldColour(
  stream: { isTTY?: boolean },
  env: Readonly<Record<string, string | undefined>>,
): boolean {
  return Boolean(stream.isTTY) && (env.NO_COLOR === undefined || env.NO_COLOR === '');
}
