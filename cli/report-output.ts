// Writing a scan's verdicts in the report formats (report/), to stdout or to --output FILE.
import { closeSync, openSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Evaluation, Topology } from '../core/model';
import type { Rule } from '../core/rules/types';
import { version } from '../package.json';
import { writeReport } from '../report';
import type { CliContext } from './context';
import { UsageError } from './errors';
import { writeAllSync } from './file-writes';
import { writeJsonReport } from './json-report';
import { formatTables, type ScanSummary } from './output';

export const OUTPUT_FORMATS = ['table', 'json', 'sarif', 'asff', 'ocsf', 'csv', 'html'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface ReportOptions {
  readonly format: OutputFormat;
  readonly output?: string;
  readonly docsUrl?: string;
  readonly all?: boolean;
}

export interface ScanResult {
  readonly evaluations: readonly Evaluation[];
  readonly rules: readonly Rule[];
  readonly summary: ScanSummary;
  readonly topology?: Topology;
  readonly parameters?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** Further top-level members of the JSON report after the summary (scan --waivers adds `waivers`). */
  readonly jsonExtra?: Readonly<Record<string, unknown>>;
}

/**
 * The docs folder that ships beside the CLI (dist/cli.js and cli/ both sit one level below the package
 * root), as a file URL, so report links open the docs of the very version that wrote the report.
 */
export function defaultDocsBaseUrl(): string {
  return pathToFileURL(resolve(__dirname, '..', 'docs')).href.replace(/\/?$/, '/');
}

/** Checks --docs-url: an absolute http(s) or file URL; the result ends in '/'. */
export function parseDocsUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--docs-url is not an absolute URL: ${value}`);
  }
  if (!['http:', 'https:', 'file:'].includes(url.protocol))
    throw new UsageError(`--docs-url must be http://, https:// or file://, got ${value}`);
  return url.href.endsWith('/') ? url.href : `${url.href}/`;
}

/**
 * Writes the report unless it is the table or JSON on stdout, which the command prints itself.
 * Returns whether it wrote it. Every format but the table is written in chunks as it is laid out
 * (JSON, ASFF, OCSF and CSV a slice of verdicts at a time): at organization scale a report can
 * outgrow the longest string V8 can make.
 */
export function writeScanOutput(context: CliContext, options: ReportOptions, result: ScanResult): boolean {
  const { summary } = result;
  if (options.output === undefined && (options.format === 'table' || options.format === 'json')) return false;
  if (options.format === 'table') {
    // To a file: no colours and no terminal width.
    const text = formatTables(result.evaluations, result.rules, summary, {
      colour: false,
      showNotApplicable: Boolean(options.all),
    });
    emitInChunks(context, options, (write) => write(text));
    return true;
  }
  if (options.format === 'json') {
    emitInChunks(context, options, (write) =>
      writeJsonReport(write, result.evaluations, summary, result.jsonExtra),
    );
    return true;
  }
  const format = options.format;
  emitInChunks(context, options, (write) =>
    writeReport(
      format,
      {
        accountId: summary.accountId,
        region: summary.region,
        evaluations: result.evaluations,
        rules: result.rules,
        generatedAt: context.now().toISOString(),
        toolVersion: version,
        docsBaseUrl: options.docsUrl ?? defaultDocsBaseUrl(),
        ...(result.topology ? { topology: result.topology } : {}),
        ...(result.parameters ? { parameters: result.parameters } : {}),
      },
      write,
    ),
  );
  return true;
}

/**
 * Writes what `produce` writes, chunk by chunk, to --output FILE (saying so on stderr) or to stdout
 * without --output: for a report too long to hold as one string.
 */
export function emitInChunks(
  context: CliContext,
  options: Pick<ReportOptions, 'format' | 'output'>,
  produce: (write: (chunk: string) => void) => void,
): void {
  if (options.output === undefined) produce((chunk) => context.io.stdout.write(chunk));
  else writeOutputFile(context, options.output, options.format, produce);
}

/** Creates or replaces `path` with what `produce` writes, chunk by chunk; says so on stderr. */
function writeOutputFile(
  context: CliContext,
  path: string,
  format: string,
  produce: (write: (chunk: string) => void) => void,
): void {
  try {
    const fd = openSync(path, 'w');
    try {
      produce((chunk) => writeAllSync(fd, chunk));
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === undefined) throw error;
    throw new UsageError(`cannot write --output ${path}: ${code}`, { cause: error });
  }
  context.io.stderr.write(`efsguard: wrote ${format} report to ${path}\n`);
}
