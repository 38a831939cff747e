// What every command receives: the process's streams and environment (injected so that tests run the
// CLI in-process), the rule registry and the AWS client factory (ports a test can replace).
import { join } from 'node:path';
import type { Command } from 'commander';
import { Option } from 'commander';
import { callsInFlight } from '../aws/sdk/call-tracking';
import type { AwsClientOptions, AwsClients } from '../aws/sdk/clients';
import { destroyAwsClients } from '../aws/sdk/destroy-clients';
import { EfsguardError } from '../core/errors';
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
  /** Creates AWS clients; the context releases them (closes their sockets) if the deadline passes. */
  readonly createClients: (options: AwsClientOptions) => AwsClients;
  readonly now: () => Date;
  /** Runs `release` if the run's deadline passes (to close sockets a stalled call still holds). */
  onDeadline(release: () => void): void;
  /** Runs every release registered with onDeadline. */
  releaseAll(): void;
  /** The process exit code once the command returns (commands set it; errors override it). */
  exitCode: number;
}

/** The SDK's client factory, imported by the first command that calls AWS (loadAwsClientFactory). */
let sdkClients: typeof import('../aws/sdk/clients') | undefined;

/**
 * Imports the AWS SDK's clients on first use. Commands that never call AWS (a snapshot scan, `--help`)
 * then start without reading, compiling and initialising the SDK, once the largest part of its code.
 * Every path that creates clients through the context awaits this first (createClientsFromOptions).
 */
export async function loadAwsClientFactory(): Promise<void> {
  sdkClients ??= await import('../aws/sdk/clients');
}

function createLoadedAwsClients(options: AwsClientOptions): AwsClients {
  if (!sdkClients) throw new EfsguardError('internal error: AWS clients asked for before the SDK was loaded');
  return sdkClients.createAwsClients(options);
}

export function createContext(io: CliIo, deps: CliDeps = {}): CliContext {
  const factory = deps.createClients ?? createLoadedAwsClients;
  const releases: (() => void)[] = [];
  const context: CliContext = {
    io,
    rules: deps.rules ?? RULES,
    createClients: (options) => {
      const clients = factory(options);
      releases.push(() => destroyAwsClients(clients));
      return clients;
    },
    now: deps.now ?? (() => new Date()),
    onDeadline: (release) => {
      releases.push(release);
    },
    releaseAll: () => {
      for (const release of releases.splice(0)) release();
    },
    exitCode: 0,
  };
  return context;
}

/** A whole run took longer than --timeout. */
export class DeadlineError extends EfsguardError {
  override readonly name = 'DeadlineError';
}

/** --timeout's default for every command: a whole-region load of a large account takes minutes, not hours. */
export const DEFAULT_TIMEOUT = '15m';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses a duration: 90s, 15m, 1h, 500ms, or a plain number of seconds. */
export function parseDuration(value: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  const ms = match ? Number(match[1]) * (UNIT_MS[match[2] ?? 's'] as number) : Number.NaN;
  if (!(ms > 0) || !Number.isFinite(ms)) {
    throw new UsageError(`--timeout must be a duration such as 90s, 15m or 1h, got ${value}`);
  }
  return ms;
}

/** Adds --timeout, the deadline of the whole run. */
export function addTimeoutOption(command: Command): Command {
  return command.addOption(
    new Option(
      '--timeout <duration>',
      'give up on the whole run after this long, e.g. 90s, 15m, 1h (exit 2 naming the call still waiting)',
    ).default(DEFAULT_TIMEOUT),
  );
}

/**
 * Runs a command's work under the run's deadline. When it passes: the error names the AWS call still
 * waiting and its endpoint, and the clients are released so that no stalled socket keeps the process up.
 */
export async function withDeadline<T>(
  context: CliContext,
  timeout: string,
  work: () => Promise<T>,
): Promise<T> {
  const ms = parseDuration(timeout);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const waiting = callsInFlight()[0];
      reject(
        new DeadlineError(
          `gave up after ${timeout} (--timeout): ` +
            (waiting
              ? `still waiting for ${waiting.action} from ${waiting.url}`
              : 'no AWS call was waiting for an answer; the run itself took too long'),
        ),
      );
      context.releaseAll();
    }, ms);
  });
  try {
    return await Promise.race([work(), deadline]);
  } finally {
    clearTimeout(timer);
  }
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

/** The AWS options, with their flags: the multi-account ones only where a command takes them. */
const AWS_OPTION_FLAGS = [
  ['region', '--region'],
  ['profile', '--profile'],
  ['endpointUrl', '--endpoint-url'],
  ['maxAttempts', '--max-attempts'],
  ['accounts', '--accounts'],
  ['regions', '--regions'],
  ['roleName', '--role-name'],
] as const;

/**
 * A UsageError naming every AWS option given with --snapshot: a snapshot file is read offline, without
 * AWS calls, so they would be silently ignored.
 */
export function refuseAwsOptionsWithSnapshot(
  options: AwsCliOptions & {
    readonly snapshot?: string;
    readonly accounts?: unknown;
    readonly regions?: unknown;
    readonly roleName?: string;
  },
): void {
  if (options.snapshot === undefined) return;
  const given = AWS_OPTION_FLAGS.filter(([key]) => options[key] !== undefined).map(([, flag]) => flag);
  if (given.length > 0) {
    throw new UsageError(
      `${given.join(', ')} cannot be used with --snapshot: a snapshot is evaluated offline, without AWS calls`,
    );
  }
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

/**
 * A profile named by --profile or AWS_PROFILE must exist in the shared config or credentials file.
 * Otherwise the SDK reports only that no credentials were found (after a multi-line warning when access
 * keys are set too), which does not say what is wrong.
 */
export async function checkProfileExists(profile: string, env: CliIo['env']): Promise<void> {
  const home = env.HOME ?? env.USERPROFILE ?? '~';
  const configPath = env.AWS_CONFIG_FILE ?? join(home, '.aws', 'config');
  const credentialsPath = env.AWS_SHARED_CREDENTIALS_FILE ?? join(home, '.aws', 'credentials');
  const { loadSharedConfigFiles } = await import('@smithy/core/config');
  const files = await loadSharedConfigFiles({
    configFilepath: configPath,
    filepath: credentialsPath,
    ignoreCache: true,
  });
  if (Object.hasOwn(files.configFile, profile) || Object.hasOwn(files.credentialsFile, profile)) return;
  throw new UsageError(
    `AWS profile ${profile} does not exist: it is in neither ${configPath} nor ${credentialsPath}`,
  );
}

/** Creates the AWS clients for parsed AWS options; the SDK applies AWS_ENDPOINT_URL when no URL is given. */
export async function createClientsFromOptions(
  context: CliContext,
  options: AwsCliOptions,
): Promise<AwsClients> {
  await loadAwsClientFactory();
  const profile = options.profile ?? context.io.env.AWS_PROFILE;
  if (profile) await checkProfileExists(profile, context.io.env);
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
