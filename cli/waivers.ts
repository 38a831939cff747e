// Waivers in the CLI: the --waivers options, reading the file, applying it to each scanned
// account-region, and showing every waiver's status (core/waivers.ts does the judging).

import { readFile } from 'node:fs/promises';
import Table from 'cli-table3';
import { type Command, Option } from 'commander';
import { createColors } from 'picocolors';
import { todayUtc, validateWaivers } from '../aws/config/waivers';
import {
  applyWaivers,
  DEFAULT_MAX_WAIVER_DAYS,
  InvalidWaiversError,
  type WaiverDocument,
  type WaiverReport,
  type WaiverResult,
  type WaiverScope,
  type WaiverStatus,
} from '../core/waivers';
import type { CliContext } from './context';
import { UsageError } from './errors';

export interface WaiverCliOptions {
  readonly waivers?: string;
  readonly allowTagWaivers?: boolean;
  readonly maxWaiverDays?: number;
}

function parseDays(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw new UsageError(`--max-waiver-days must be a positive integer, got ${value}`);
  return Number(value);
}

/** Adds --allow-tag-waivers and --max-waiver-days (the caller adds --waivers with its own wording). */
export function addWaiverOptions(command: Command): Command {
  return command
    .option(
      '--allow-tag-waivers',
      'let tag:Key=Value waivers apply (off: whoever tags a resource could waive it)',
    )
    .addOption(
      new Option(
        '--max-waiver-days <n>',
        `refuse waivers expiring more than n days from today (default ${DEFAULT_MAX_WAIVER_DAYS})`,
      ).argParser(parseDays),
    );
}

/** Reads and validates a waiver file (YAML or JSON); errors name the file, the entry and the field. */
export async function readWaiversFile(
  context: CliContext,
  path: string,
  options: WaiverCliOptions,
): Promise<WaiverDocument> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(
      `cannot read waivers file ${path}: ${code === 'ENOENT' ? 'no such file' : (code ?? (error as Error).message)}`,
      { cause: error },
    );
  }
  try {
    return validateWaivers(await parseWaiverYaml(text, path), path, {
      now: context.now(),
      knownRules: context.rules.map((rule) => rule.id),
      ...(options.maxWaiverDays ? { maxDays: options.maxWaiverDays } : {}),
    });
  } catch (error) {
    if (error instanceof InvalidWaiversError) throw new UsageError(error.message, { cause: error });
    throw error;
  }
}

/**
 * Parses YAML or JSON (YAML 1.2 is a superset of JSON, so one parser reads both); a syntax error names
 * the line and column. The parser is imported here, when a command is given waivers.
 */
async function parseWaiverYaml(text: string, source: string): Promise<unknown> {
  const { parse: parseYaml, YAMLParseError } = await import('yaml');
  try {
    return parseYaml(text);
  } catch (error) {
    const where =
      error instanceof YAMLParseError && error.linePos
        ? ` at line ${error.linePos[0].line}, column ${error.linePos[0].col}`
        : '';
    const message = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
    throw new InvalidWaiversError(`${source}: not valid YAML or JSON${where}: ${message}`, { cause: error });
  }
}

export function applyCliWaivers(
  context: CliContext,
  document: WaiverDocument,
  scopes: readonly WaiverScope[],
  options: WaiverCliOptions,
): WaiverResult {
  return applyWaivers(document.waivers, scopes, {
    today: todayUtc(context.now()),
    allowTagSelectors: Boolean(options.allowTagWaivers),
  });
}

/** The JSON form of the waiver reports: each waiver, its status and what it suppresses. */
export function waiverReportJson(reports: readonly WaiverReport[]) {
  const ref = (match: WaiverReport['suppressed'][number]) => ({
    accountId: match.accountId,
    region: match.region,
    rule: match.evaluation.rule,
    resourceType: match.evaluation.resourceType,
    resourceId: match.evaluation.resourceId,
  });
  return reports.map((report) => ({
    index: report.index,
    ...report.waiver,
    status: report.status,
    suppresses: report.suppressed.map(ref),
    ...(report.refused.length ? { refusedUnresolved: report.refused.map(ref) } : {}),
    ...(report.dormant.length ? { wouldMatch: report.dormant.map(ref) } : {}),
  }));
}

const STATUS_NOTE: Record<WaiverStatus, string> = {
  active: '',
  unused: 'matches no NON_COMPLIANT verdict',
  expired: 'expired: no longer applies',
  disabled: 'tag selector, but tag waivers are off (--allow-tag-waivers)',
};

/** A table of every waiver with its status and what it suppresses. */
export function formatWaiverReports(
  reports: readonly WaiverReport[],
  options: { colour: boolean; source: string },
): string {
  const c = createColors(options.colour);
  const paint: Record<WaiverStatus, (text: string) => string> = {
    active: c.green,
    unused: c.yellow,
    expired: (text) => c.bold(c.red(text)),
    disabled: c.dim,
  };
  const table = new Table({
    head: ['#', 'Status', 'Rule', 'Resource', 'Owner', 'Expires', 'Suppresses'].map((title) => c.bold(title)),
    wordWrap: true,
    colWidths: [null, null, null, 30, null, null, 50],
    style: { head: [], border: [] },
  });
  for (const report of reports) {
    const where = [report.waiver.account, report.waiver.region].filter(Boolean).join('/');
    const suppressed = report.suppressed.map(
      (match) =>
        `${match.evaluation.rule} ${match.evaluation.resourceId}` +
        (where ? '' : ` (${match.accountId}/${match.region})`),
    );
    const notes = [
      ...suppressed,
      ...(report.refused.length
        ? [`not waived, unresolved: ${report.refused.map((m) => m.evaluation.resourceId).join(', ')}`]
        : []),
      ...(STATUS_NOTE[report.status] ? [STATUS_NOTE[report.status]] : []),
    ];
    table.push([
      String(report.index),
      paint[report.status](report.status),
      report.waiver.rule,
      report.waiver.resource + (where ? ` (${where})` : ''),
      report.waiver.owner,
      report.waiver.expires,
      notes.join('\n'),
    ]);
  }
  const counts = (status: WaiverStatus) => reports.filter((report) => report.status === status).length;
  return (
    `${c.bold(`waivers in ${options.source}`)}\n${table.toString()}\n` +
    `${reports.length} waivers: ${counts('active')} active, ${counts('unused')} unused, ${counts('expired')} expired` +
    (counts('disabled') ? `, ${counts('disabled')} disabled` : '') +
    '\n'
  );
}

/** One stderr line per waiver that is not in force or suppresses nothing, so a scan never hides it. */
export function warnAboutWaivers(
  context: CliContext,
  reports: readonly WaiverReport[],
  source: string,
): void {
  for (const report of reports) {
    if (report.status === 'active') continue;
    context.io.stderr.write(
      `efsguard: warning: ${source} waivers[${report.index}] (${report.waiver.rule} ${report.waiver.resource}, ${report.waiver.owner}) is ${report.status}: ${STATUS_NOTE[report.status]}\n`,
    );
  }
}
