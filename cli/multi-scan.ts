// `efsguard scan` over several account-regions (--accounts/--regions, or a multi-account snapshot): load,
// judge (where topologies meet, together), apply waivers, and report per account and region. An
// account-region that failed to load is a failure row, never a COMPLIANT verdict, and sets exit code 4.
import Table from 'cli-table3';
import { createColors } from 'picocolors';
import { normaliseSnapshot } from '../aws/snapshot/normalise';
import type { Evaluation } from '../core/model';
import { partsRequiredBy } from '../core/rules/types';
import type { WaiverDocument, WaiverReport } from '../core/waivers';
import { version } from '../package.json';
import { type MultiTargetFormat, writeMultiReport } from '../report';
import type { ConfiguredRule } from './configured-rules';
import type { CliContext } from './context';
import { EXIT_TARGETS_FAILED } from './errors';
import { writeJsonDocument } from './json-report';
import {
  type ComplianceCounts,
  formatTables,
  reportEvaluation,
  type ScanReport,
  type ScanSummary,
  shouldColour,
  summarise,
} from './output';
import { defaultDocsBaseUrl, emitInChunks } from './report-output';
import {
  type EvaluatedTarget,
  evaluateTargets,
  isFailure,
  type LoadedTarget,
  loadTargets,
  rulesFor,
  type TargetFailure,
  type TargetOptions,
} from './targets';
import {
  applyCliWaivers,
  formatWaiverReports,
  type WaiverCliOptions,
  waiverReportJson,
  warnAboutWaivers,
} from './waivers';

/** Exit code when at least one account-region could not be loaded (docs/cli.md, Exit codes). */

export interface MultiScanOptions extends TargetOptions, WaiverCliOptions {
  readonly format: 'table' | 'json' | MultiTargetFormat;
  readonly all?: boolean;
  readonly exitCode: number;
  readonly output?: string;
  readonly docsUrl?: string;
}

export interface MultiScanReport {
  readonly evaluations: readonly (ScanReport['evaluations'][number] & {
    accountId: string;
    region: string;
  })[];
  readonly failures: readonly TargetFailure[];
  readonly summary: {
    readonly accounts: readonly string[];
    readonly regions: readonly string[];
    readonly targets: number;
    readonly failed: number;
    readonly rules: readonly string[];
    readonly total: number;
    readonly byComplianceType: ComplianceCounts;
    readonly byTarget: readonly ScanSummary[];
  };
  readonly waivers?: ReturnType<typeof waiverReportJson>;
}

function sum(summaries: readonly ScanSummary[]): ComplianceCounts {
  const total: ComplianceCounts = { NON_COMPLIANT: 0, WAIVED: 0, COMPLIANT: 0, NOT_APPLICABLE: 0 };
  for (const summary of summaries)
    for (const key of Object.keys(total) as (keyof ComplianceCounts)[])
      total[key] += summary.byComplianceType[key];
  return total;
}

export async function scanTargets(
  context: CliContext,
  options: MultiScanOptions,
  configured: readonly ConfiguredRule[],
  params: Readonly<Record<string, Record<string, unknown>>>,
  waivers: WaiverDocument | undefined,
): Promise<void> {
  const { io } = context;
  const rules = configured.map(({ rule }) => rule);
  const targets = await loadTargets(context, options, partsRequiredBy(rules));
  const loaded = targets.filter((target): target is LoadedTarget => !isFailure(target));
  const failures = targets.filter(isFailure);
  for (const target of loaded) {
    const skipped = rules.filter((rule) => !rulesFor(target.snapshot, [rule]).length);
    if (skipped.length > 0)
      io.stderr.write(
        `efsguard: warning: ${target.accountId} ${target.region}: skipping ${skipped.map((rule) => rule.id).join(', ')}: the snapshot lacks the parts they read\n`,
      );
  }
  let evaluated: EvaluatedTarget[] = evaluateTargets(loaded, configured);
  let reports: readonly WaiverReport[] | undefined;
  if (waivers && options.waivers) {
    const result = applyCliWaivers(context, waivers, evaluated, options);
    evaluated = evaluated.map((target, index) => ({
      ...target,
      evaluations: [...(result.scopes[index] ?? [])],
    }));
    reports = result.reports;
    warnAboutWaivers(context, reports, options.waivers);
  }
  const summaries = evaluated.map((target) =>
    summarise(target.evaluations, rules, target.accountId, target.region),
  );
  const totals = sum(summaries);
  const { format } = options;

  if (format !== 'json' && format !== 'table') {
    // One ReportInput per account-region, so each finding carries its own account, region and ARN.
    const generatedAt = context.now().toISOString();
    const inputs = evaluated.map((target, index) => ({
      accountId: target.accountId,
      region: target.region,
      evaluations: target.evaluations,
      rules,
      generatedAt,
      toolVersion: version,
      docsBaseUrl: options.docsUrl ?? defaultDocsBaseUrl(),
      topology: normaliseSnapshot((loaded[index] as LoadedTarget).snapshot),
      parameters: params,
    }));
    // The formats have no place for an account-region that was not scanned: say so on stderr (exit code 4).
    for (const failure of failures)
      io.stderr.write(
        `efsguard: ${failure.accountId} ${failure.region} could not be scanned (nothing judged there): ${failure.error}\n`,
      );
    emitInChunks(context, { format, ...(options.output ? { output: options.output } : {}) }, (write) =>
      writeMultiReport(format, inputs, write),
    );
  } else if (options.format === 'json') {
    const summary: MultiScanReport['summary'] = {
      accounts: [...new Set(targets.map((target) => target.accountId))],
      regions: [...new Set(targets.map((target) => target.region))].sort(),
      targets: targets.length,
      failed: failures.length,
      rules: rules.map((rule) => rule.id),
      total: summaries.reduce((count, summary) => count + summary.total, 0),
      byComplianceType: totals,
      byTarget: summaries,
    };
    // The MultiScanReport as JSON.stringify(report, null, 2) lays it out, written a slice at a time:
    // an organization's verdicts can outgrow the longest string V8 can make.
    emitInChunks(
      context,
      { format: 'json', ...(options.output ? { output: options.output } : {}) },
      (write) =>
        writeJsonDocument(
          write,
          evaluated.map((target) => ({
            items: target.evaluations,
            toJson: (evaluation: Evaluation) => ({
              accountId: target.accountId,
              region: target.region,
              ...reportEvaluation(evaluation),
            }),
          })),
          { failures, summary, ...(reports ? { waivers: waiverReportJson(reports) } : {}) },
        ),
    );
  } else {
    const colour = shouldColour(io.stdout, io.env);
    const c = createColors(colour);
    evaluated.forEach((target, index) => {
      io.stdout.write(
        `${formatTables(target.evaluations, rules, summaries[index] as ScanSummary, {
          colour,
          showNotApplicable: Boolean(options.all),
          ...(io.stdout.columns ? { columns: io.stdout.columns } : {}),
        })}\n`,
      );
    });
    if (failures.length > 0) {
      const table = new Table({
        head: ['Account', 'Region', 'Not scanned: what failed'].map((title) => c.bold(title)),
        colWidths: [null, null, Math.max(40, (io.stdout.columns ?? 140) - 32)],
        wordWrap: true,
        style: { head: [], border: [] },
      });
      for (const failure of failures) table.push([failure.accountId, failure.region, failure.error]);
      io.stdout.write(
        `${c.bold(c.red('account-regions that could not be scanned (nothing judged there)'))}\n${table.toString()}\n\n`,
      );
    }
    if (reports && options.waivers)
      io.stdout.write(`${formatWaiverReports(reports, { colour, source: options.waivers })}\n`);
    io.stdout.write(
      `${targets.length} account-regions (${failures.length} failed), ${summaries.reduce((n, s) => n + s.total, 0)} evaluations: ` +
        `${totals.NON_COMPLIANT} NON_COMPLIANT, ${totals.WAIVED ? `${totals.WAIVED} WAIVED, ` : ''}${totals.COMPLIANT} COMPLIANT, ${totals.NOT_APPLICABLE} NOT_APPLICABLE\n`,
    );
  }
  if (failures.length > 0) context.exitCode = EXIT_TARGETS_FAILED;
  else if (totals.NON_COMPLIANT > 0) context.exitCode = options.exitCode;
}
