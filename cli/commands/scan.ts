// `efsguard scan`: load a region (or read a snapshot), evaluate the rules, print the verdicts.
import { type Command, Option } from 'commander';
import { resourceFactsFromSnapshot } from '../../aws/config/waivers';
import { destroyAwsClients } from '../../aws/sdk/destroy-clients';
import { type Snapshot, snapshotParts } from '../../aws/snapshot/format';
import { UnknownRuleError } from '../../core/errors';
import { ALL, type Evaluation, type TopologyPart } from '../../core/model';
import { indispensableParts, partsRequiredBy, type Rule } from '../../core/rules/types';
import { configureRules } from '../configured-rules';
import {
  type AwsCliOptions,
  addAwsOptions,
  addTimeoutOption,
  type CliContext,
  createClientsFromOptions,
  createProgress,
  type RegisterCommand,
  refuseAwsOptionsWithSnapshot,
  withDeadline,
} from '../context';
import { EXIT_INTERNAL, EXIT_TARGETS_FAILED, EXIT_USAGE, UsageError } from '../errors';
import {
  isSnapshotSetFile,
  normaliseSnapshotFile,
  readParamsFile,
  readSnapshotFile,
  readSnapshotTopology,
} from '../input-files';
import { writeJsonReport } from '../json-report';
import { loadRegion } from '../live-aws';
import { addMultiAccountOptions, isMultiTarget, type MultiAccountOptions } from '../multi-account';
import { scanTargets } from '../multi-scan';
import { DEFAULT_MAX_ROWS, formatTables, shouldColour, summarise } from '../output';
import { OUTPUT_FORMATS, type OutputFormat, parseDocsUrl, writeScanOutput } from '../report-output';
import {
  addWaiverOptions,
  applyCliWaivers,
  formatWaiverReports,
  readWaiversFile,
  type WaiverCliOptions,
  waiverReportJson,
  warnAboutWaivers,
} from '../waivers';

interface ScanOptions extends AwsCliOptions, WaiverCliOptions, MultiAccountOptions {
  readonly rules?: string[];
  readonly params?: string;
  readonly snapshot?: string;
  readonly format: OutputFormat;
  readonly output?: string;
  readonly docsUrl?: string;
  readonly all?: boolean;
  readonly maxRows?: number;
  readonly exitCode: number;
  readonly progress?: boolean;
  readonly timeout: string;
}

function parseRuleList(value: string): string[] {
  const ids = value
    .split(',')
    .map((id) => id.trim())
    .filter((id) => id !== '');
  if (ids.length === 0) throw new UsageError('--rules needs at least one rule id');
  return ids;
}

function parseExitCode(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 255) {
    throw new UsageError(`--exit-code must be an integer 0-255, got ${value}`);
  }
  const code = Number(value);
  // 1, 2 and 4 already mean a failed or incomplete run (cli/errors.ts): CI must be able to tell
  // findings from a failure.
  if (code === EXIT_INTERNAL || code === EXIT_USAGE || code === EXIT_TARGETS_FAILED) {
    throw new UsageError(
      `--exit-code ${code} is reserved: 1 means an internal error, 2 a user error and 4 an account-region that could not be loaded; use 0, 3 or 5-255`,
    );
  }
  return code;
}

function parseMaxRows(value: string): number {
  if (!/^\d+$/.test(value))
    throw new UsageError(`--max-rows must be 0 (every row) or a positive integer, got ${value}`);
  return Number(value);
}

function selectRules(registry: readonly Rule[], ids: readonly string[] | undefined): Rule[] {
  if (!ids) return [...registry];
  const known = registry.map((rule) => rule.id);
  return [...new Set(ids)].map((id) => {
    const rule = registry.find((candidate) => candidate.id === id);
    if (!rule) throw new UnknownRuleError(id, known);
    return rule;
  });
}

async function loadSnapshot(
  context: CliContext,
  options: ScanOptions,
  parts: readonly TopologyPart[],
): Promise<Snapshot> {
  if (options.snapshot) return readSnapshotFile(options.snapshot);
  const clients = await createClientsFromOptions(context, options);
  try {
    // Only what the selected rules read: `--rules efs-access-point-posix-identity` needs
    // elasticfilesystem:DescribeAccessPoints and nothing else (docs/cli.md lists each rule's actions).
    return await loadRegion(clients, {
      parts,
      onProgress: createProgress(context, options.progress),
    });
  } finally {
    destroyAwsClients(clients);
  }
}

async function scan(context: CliContext, options: ScanOptions): Promise<void> {
  const { io } = context;
  refuseAwsOptionsWithSnapshot(options);
  const params = options.params ? await readParamsFile(options.params) : {};
  let configured = configureRules(
    context.rules,
    selectRules(context.rules, options.rules),
    params,
    options.params ?? '--params',
  );
  let rules = configured.map(({ rule }) => rule);
  const waivers = options.waivers ? await readWaiversFile(context, options.waivers, options) : undefined;
  // A single-account snapshot is read piece by piece when it can be (cli/input-files.ts): its topology
  // comes with it. Waivers match on tags the recorded interfaces and groups carry, so they need it whole.
  const piecewise =
    options.snapshot && !isMultiTarget(options) && !waivers
      ? readSnapshotTopology(options.snapshot)
      : undefined;
  // Several account-regions: --accounts/--regions, or a multi-account snapshot (cli/multi-scan.ts).
  if (
    !piecewise &&
    (isMultiTarget(options) || (options.snapshot && (await isSnapshotSetFile(options.snapshot))))
  ) {
    const { format } = options;
    if (format === 'html')
      throw new UsageError(
        '--format html shows one account-region: for several, use sarif, asff, ocsf, csv, json or table, or scan each account-region (--region, or a single-account snapshot) on its own',
      );
    return scanTargets(context, { ...options, format }, configured, params, waivers);
  }

  let snapshot: Snapshot | undefined =
    piecewise?.snapshot ?? (await loadSnapshot(context, options, partsRequiredBy(rules)));
  // A snapshot file may lack parts (`snapshot --no-iam`, or recorded by a narrower tool): a rule that
  // needs a missing part must not report on what was never loaded.
  const available = snapshotParts(snapshot);
  const missingOf = (rule: Rule) => indispensableParts(rule).filter((part) => !available.includes(part));
  const lacking = rules.filter((rule) => missingOf(rule).length > 0);
  if (lacking.length > 0) {
    const detail = lacking.map((rule) => `${rule.id} needs ${missingOf(rule).join(', ')}`).join('; ');
    if (options.rules) {
      throw new UsageError(
        `${options.snapshot}: the snapshot lacks parts the selected rules read (${detail}); it holds ${available.join(', ') || 'no parts'}` +
          (lacking.some((rule) => missingOf(rule).includes('iam')) ? ' (record it without --no-iam)' : ''),
      );
    }
    // Not asked for by name: skip rather than report on what was never loaded.
    io.stderr.write(
      `efsguard: warning: skipping ${lacking.map((rule) => rule.id).join(', ')}: the snapshot lacks ${[
        ...new Set(lacking.flatMap(missingOf)),
      ].join(', ')} (${detail})\n`,
    );
    configured = configured.filter(({ rule }) => !lacking.includes(rule));
    rules = configured.map(({ rule }) => rule);
  }

  const topology = piecewise?.topology ?? normaliseSnapshotFile(snapshot, options.snapshot);
  // What waivers match on (tags, ARNs) comes from the recorded SDK output, read before it is let go.
  const describe = waivers ? resourceFactsFromSnapshot(snapshot) : undefined;
  // The recorded SDK output is no longer needed: let it go before the rules and the report allocate.
  snapshot = undefined;
  let evaluations: Evaluation[] = configured.flatMap(({ evaluate }) => evaluate(topology, ALL));
  const waived =
    waivers && describe
      ? applyCliWaivers(
          context,
          waivers,
          [
            {
              accountId: topology.accountId,
              region: topology.region,
              evaluations,
              describe,
            },
          ],
          options,
        )
      : undefined;
  if (waived && options.waivers) {
    evaluations = [...(waived.scopes[0] ?? [])];
    warnAboutWaivers(context, waived.reports, options.waivers);
  }
  const summary = summarise(evaluations, rules, topology.accountId, topology.region);

  if (
    writeScanOutput(context, options, {
      evaluations,
      rules,
      summary,
      topology,
      parameters: params,
      ...(waived ? { jsonExtra: { waivers: waiverReportJson(waived.reports) } } : {}),
    })
  ) {
    if (summary.byComplianceType.NON_COMPLIANT > 0) context.exitCode = options.exitCode;
    return;
  }
  if (options.format === 'json') {
    writeJsonReport(
      (chunk) => io.stdout.write(chunk),
      evaluations,
      summary,
      waived ? { waivers: waiverReportJson(waived.reports) } : {},
    );
  } else {
    io.stdout.write(
      formatTables(evaluations, rules, summary, {
        colour: shouldColour(io.stdout, io.env),
        showNotApplicable: Boolean(options.all),
        ...(options.maxRows === undefined ? {} : { maxRows: options.maxRows }),
        ...(io.stdout.columns ? { columns: io.stdout.columns } : {}),
      }),
    );
    if (waived && options.waivers) {
      io.stdout.write(
        `\n${formatWaiverReports(waived.reports, { colour: shouldColour(io.stdout, io.env), source: options.waivers })}`,
      );
    }
  }
  if (summary.byComplianceType.NON_COMPLIANT > 0) context.exitCode = options.exitCode;
}

export const registerScanCommand: RegisterCommand = (program: Command, context: CliContext) => {
  const command = program
    .command('scan')
    .description('evaluate the rules against a live region, a local AWS endpoint, or a snapshot file');
  addTimeoutOption(addAwsOptions(command))
    .addOption(
      new Option('--rules <ids>', 'comma-separated rule ids (default: all)').argParser(parseRuleList),
    )
    .option('--params <file>', 'JSON file of rule parameters, keyed by rule id')
    .option('--snapshot <file>', 'evaluate a snapshot file (efsguard snapshot) instead of calling AWS')
    .addOption(new Option('--format <format>', 'output format').choices([...OUTPUT_FORMATS]).default('table'))
    .option('--output <file>', 'write the report to this file instead of stdout')
    .addOption(
      new Option('--docs-url <url>', 'base URL of the docs folder for rule links in reports').argParser(
        parseDocsUrl,
      ),
    )
    .option('--all', 'table format: also show NOT_APPLICABLE verdicts')
    .addOption(
      new Option(
        '--max-rows <n>',
        `table format: rows shown per rule, NON_COMPLIANT first (0: every row; default ${DEFAULT_MAX_ROWS})`,
      ).argParser(parseMaxRows),
    )
    .addOption(
      new Option('--exit-code <n>', 'exit with n (0, 3 or 5-255) when anything is NON_COMPLIANT')
        .argParser(parseExitCode)
        .default(0),
    )
    .option('--waivers <file>', 'apply the waivers of this YAML or JSON file (docs/waivers.md)')
    .option('--progress', 'print load progress on stderr (default: when stderr is a terminal)')
    .option('--no-progress', 'never print load progress')
    .addHelpText('after', () => {
      const width = Math.max(...context.rules.map((rule) => rule.id.length));
      const lines = context.rules.map((rule) => `  ${rule.id.padEnd(width)}  ${rule.title}`);
      return `\nRule ids (for --rules and as the keys of --params):\n${lines.join('\n')}\n`;
    });
  addMultiAccountOptions(command);
  addWaiverOptions(command).action(async (options: ScanOptions) => {
    await withDeadline(context, options.timeout, () => scan(context, options));
  });
};
