// What every command receives: the process's streams and environment (injected so that tests run the
// CLI in-process), the rule registry and the AWS client factory (ports a test can replace).
import type { Command } from 'commander';
import { Option } from 'commander';
import { type AwsClientOptions, type AwsClients, createAwsClients } from '../aws/clients';
import { RULES } from '../core/rules';
import type { Rule } from '../core/rules/types';
import { UsageError } from './errors';

export interface OutputStream {
  write(chunk: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export interface CliIo {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export interface CliDeps {
  /** The rule registry; tests may pass their own. */
  readonly rules?: readonly Rule[];
  /** The AWS client factory; tests may pass one with mocked clients or fast retries. */
  readonly createClients?: (options: AwsClientOptions) => AwsClients;
  /** Clock for recorded snapshots. */
  readonly now?: () => Date;
}

export interface CliContext {
  readonly io: CliIo;
  readonly rules: readonly Rule[];
  readonly createClients: (options: AwsClientOptions) => AwsClients;
  readonly now: () => Date;
  /** The process exit code once the command returns (commands set it; errors override it). */
  exitCode: number;
}

export function createContext(io: CliIo, deps: CliDeps = {}): CliContext {
  return {
    io,
    rules: deps.rules ?? RULES,
    createClients: deps.createClients ?? createAwsClients,
    now: deps.now ?? (() => new Date()),
    exitCode: 0,
  };
}

/** A command registration: adds one subcommand to the program. One line in cli/commands/index.ts each. */
export type RegisterCommand = (program: Command, context: CliContext) => void;

/** The options every AWS-calling command takes. */
export interface AwsCliOptions {
  readonly region?: string;
  readonly profile?: string;
  readonly endpointUrl?: string;
  readonly maxAttempts?: number;
}

function parsePositiveInteger(name: string) {
  return (value: string): number => {
    if (!/^\d+$/.test(value) || Number(value) < 1)
      throw new UsageError(`${name} must be a positive integer, got ${value}`);
    return Number(value);
  };
}

/** Adds --region, --profile, --endpoint-url and --max-attempts. */
export function addAwsOptions(command: Command): Command {
  return command
    .option('--region <region>', 'AWS region (default: AWS_REGION or the profile region)')
    .option('--profile <profile>', 'shared-config profile (default: AWS_PROFILE or the default chain)')
    .option(
      '--endpoint-url <url>',
      'send every AWS call to this endpoint, e.g. a local moto or LocalStack (AWS_ENDPOINT_URL works too)',
    )
    .addOption(
      new Option(
        '--max-attempts <n>',
        'attempts per AWS call, retries included (throttling backs off)',
      ).argParser(parsePositiveInteger('--max-attempts')),
    );
}

/** Creates the AWS clients for parsed AWS options; the SDK applies AWS_ENDPOINT_URL when no URL is given. */
export function createClientsFromOptions(context: CliContext, options: AwsCliOptions): AwsClients {
  if (options.endpointUrl !== undefined) {
    let url: URL;
    try {
      url = new URL(options.endpointUrl);
    } catch {
      throw new UsageError(`--endpoint-url is not a URL: ${options.endpointUrl}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new UsageError(`--endpoint-url must be http:// or https://, got ${options.endpointUrl}`);
    }
  }
  return context.createClients({
    ...(options.region ? { region: options.region } : {}),
    ...(options.profile ? { profile: options.profile } : {}),
    ...(options.endpointUrl ? { endpoint: options.endpointUrl } : {}),
    ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
  });
}

/** A progress callback writing to stderr, or nothing when quiet or stderr is not a terminal. */
export function createProgress(context: CliContext, enabled: boolean | undefined): (message: string) => void {
  const show = enabled ?? Boolean(context.io.stderr.isTTY);
  return show ? (message) => context.io.stderr.write(`· ${message}\n`) : () => {};
}
