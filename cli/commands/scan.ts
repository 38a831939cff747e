// `efsguard scan`: load a region (or read a snapshot), evaluate the rules, print the verdicts.
import { type Command, Option } from 'commander';
import { destroyAwsClients } from '../../aws/clients';
import { loadRegion } from '../../aws/load-region';
import { normaliseSnapshot } from '../../aws/normalise';
import { type Snapshot, snapshotParts } from '../../aws/snapshot';
import { UnknownRuleError } from '../../core/errors';
import { ALL, type Evaluation, type TopologyPart } from '../../core/model';
import { partsRequiredBy, type Rule } from '../../core/rules/types';
import {
  type AwsCliOptions,
  addAwsOptions,
  type CliContext,
  createClientsFromOptions,
  createProgress,
  type RegisterCommand,
} from '../context';
import { UsageError } from '../errors';
import { readParamsFile, readSnapshotFile } from '../input-files';
import { buildReport, formatTables, shouldColour, summarise } from '../output';
import { OUTPUT_FORMATS, type OutputFormat, parseDocsUrl, writeScanOutput } from '../report-output';

interface ScanOptions extends AwsCliOptions {
  readonly rules?: string[];
  readonly params?: string;
  readonly snapshot?: string;
  readonly format: OutputFormat;
  readonly output?: string;
  readonly docsUrl?: string;
  readonly all?: boolean;
  readonly exitCode: number;
  readonly progress?: boolean;
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

/** Validates every selected rule's parameters before any AWS call, so a typo costs no load. */
function checkParameters(
  registry: readonly Rule[],
  selected: readonly Rule[],
  params: Readonly<Record<string, Record<string, unknown>>>,
  source: string,
): void {
  const known = registry.map((rule) => rule.id);
  for (const ruleId of Object.keys(params)) {
    if (!known.includes(ruleId)) {
      throw new UsageError(`${source}: unknown rule ${ruleId}; known rules: ${known.join(', ')}`);
    }
  }
  for (const rule of selected) rule.parseParameters(params[rule.id] ?? {});
}

async function loadSnapshot(
  context: CliContext,
  options: ScanOptions,
  parts: readonly TopologyPart[],
): Promise<Snapshot> {
  if (options.snapshot) return readSnapshotFile(options.snapshot);
  const clients = createClientsFromOptions(context, options);
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
  let rules = selectRules(context.rules, options.rules);
  const params = options.params ? await readParamsFile(options.params) : {};
  checkParameters(context.rules, rules, params, options.params ?? '--params');

  const snapshot = await loadSnapshot(context, options, partsRequiredBy(rules));
  // A snapshot file may lack parts (`snapshot --no-iam`, or recorded by a narrower tool): a rule that
  // needs a missing part must not report on what was never loaded.
  const available = snapshotParts(snapshot);
  const missingOf = (rule: Rule) => rule.requires.filter((part) => !available.includes(part));
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
    rules = rules.filter((rule) => !lacking.includes(rule));
  }

  const topology = normaliseSnapshot(snapshot);
  const evaluations: Evaluation[] = rules.flatMap((rule) =>
    rule.evaluate(topology, ALL, params[rule.id] ?? {}),
  );
  const summary = summarise(evaluations, rules, topology.accountId, topology.region);

  if (
    await writeScanOutput(context, options, { evaluations, rules, summary, topology, parameters: params })
  ) {
    if (summary.byComplianceType.NON_COMPLIANT > 0) context.exitCode = options.exitCode;
    return;
  }
  if (options.format === 'json') {
    io.stdout.write(`${JSON.stringify(buildReport(evaluations, summary), null, 2)}\n`);
  } else {
    io.stdout.write(
      formatTables(evaluations, rules, summary, {
        colour: shouldColour(io.stdout, io.env),
        showNotApplicable: Boolean(options.all),
        ...(io.stdout.columns ? { columns: io.stdout.columns } : {}),
      }),
    );
  }
  if (summary.byComplianceType.NON_COMPLIANT > 0) context.exitCode = options.exitCode;
}

export const registerScanCommand: RegisterCommand = (program: Command, context: CliContext) => {
  const command = program
    .command('scan')
    .description('evaluate the rules against a live region, a local AWS endpoint, or a snapshot file');
  addAwsOptions(command)
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
      new Option('--exit-code <n>', 'exit with n when anything is NON_COMPLIANT')
        .argParser(parseExitCode)
        .default(0),
    )
    .option('--progress', 'print load progress on stderr (default: when stderr is a terminal)')
    .option('--no-progress', 'never print load progress')
    .action(async (options: ScanOptions) => {
      await scan(context, options);
    });
};
