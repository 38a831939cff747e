// The scan report: one JSON object for machines, grouped tables for people.
import Table from 'cli-table3';
import { createColors } from 'picocolors';
import type { ComplianceType, Evaluation } from '../core/model';
import type { Rule } from '../core/rules/types';

export const COMPLIANCE_TYPES: readonly ComplianceType[] = ['NON_COMPLIANT', 'COMPLIANT', 'NOT_APPLICABLE'];

/**
 * What the CLI shows: Config's compliance type, or WAIVED for a NON_COMPLIANT verdict a waiver turned
 * COMPLIANT (Config receives COMPLIANT; the CLI never hides that it was a finding).
 */
export type ReportState = ComplianceType | 'WAIVED';

export function stateOf(evaluation: Evaluation): ReportState {
  return evaluation.waived ? 'WAIVED' : evaluation.complianceType;
}

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
    const state = stateOf(evaluation);
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

/** The JSON report: every evaluation a scheduled Config run would post, NOT_APPLICABLE included. */
export function buildReport(evaluations: readonly Evaluation[], summary: ScanSummary): ScanReport {
  return {
    evaluations: evaluations.map(reportEvaluation),
    summary,
  };
}

/** One evaluation as the JSON report shows it: a waived one as WAIVED, with its finding and waiver. */
export function reportEvaluation(evaluation: Evaluation): ScanReport['evaluations'][number] {
  const waived = evaluation.waived;
  const annotation = waived ? waived.finding : evaluation.annotation;
  return {
    rule: evaluation.rule,
    resourceType: evaluation.resourceType,
    resourceId: evaluation.resourceId,
    complianceType: stateOf(evaluation),
    ...(annotation ? { annotation } : {}),
    ...(waived
      ? {
          waiver: {
            index: waived.index,
            owner: waived.owner,
            reason: waived.reason,
            expires: waived.expires,
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
}

const RANK: Record<ReportState, number> = { NON_COMPLIANT: 0, WAIVED: 1, COMPLIANT: 2, NOT_APPLICABLE: 3 };

/** Tables grouped by rule (registry order), NON_COMPLIANT first, NOT_APPLICABLE only when asked. */
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
  const annotationWidth = Math.max(30, (options.columns ?? 140) - 16 - 29 - 28 - 6);
  const lines: string[] = [
    c.bold(`efsguard scan: account ${summary.accountId}, region ${summary.region}`),
    '',
  ];
  for (const rule of rules) {
    const shown = evaluations
      .filter((evaluation) => evaluation.rule === rule.id)
      .filter((evaluation) => options.showNotApplicable || evaluation.complianceType !== 'NOT_APPLICABLE')
      .map((evaluation, index) => ({ evaluation, index }))
      // Stable: within one compliance type, keep the rule's own order.
      .sort((a, b) => RANK[stateOf(a.evaluation)] - RANK[stateOf(b.evaluation)] || a.index - b.index)
      .map(({ evaluation }) => evaluation);
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
    const table = new Table({
      head: ['Compliance', 'Resource type', 'Resource', 'Annotation'].map((title) => c.bold(title)),
      colWidths: [null, null, null, annotationWidth],
      wordWrap: true,
      style: { head: [], border: [] },
    });
    for (const evaluation of shown) {
      const state = stateOf(evaluation);
      table.push([
        paint[state](state),
        evaluation.resourceType,
        evaluation.resourceId,
        evaluation.annotation ?? '',
      ]);
    }
    lines.push(table.toString(), '');
  }
  const totals = summary.byComplianceType;
  const hidden = !options.showNotApplicable && totals.NOT_APPLICABLE > 0 ? ' (hidden; --all shows them)' : '';
  lines.push(
    `${summary.total} evaluations: ${paint.NON_COMPLIANT(`${totals.NON_COMPLIANT} NON_COMPLIANT`)}, ` +
      (totals.WAIVED ? `${paint.WAIVED(`${totals.WAIVED} WAIVED`)}, ` : '') +
      `${paint.COMPLIANT(`${totals.COMPLIANT} COMPLIANT`)}, ${totals.NOT_APPLICABLE} NOT_APPLICABLE${hidden}`,
  );
  return `${lines.join('\n')}\n`;
}

/** Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function shouldColour(
  stream: { isTTY?: boolean },
  env: Readonly<Record<string, string | undefined>>,
): boolean {
  return Boolean(stream.isTTY) && (env.NO_COLOR === undefined || env.NO_COLOR === '');
}
