// The efsguard program, runnable in-process: run(argv, io) returns the exit code. cli/main.ts wires it
// to the process; tests call it directly.
import { Command, CommanderError } from 'commander';
import { EfsguardError } from '../core/errors';
import { version } from '../package.json';
import { COMMANDS } from './commands';
import { type CliDeps, type CliIo, createContext } from './context';
import { EXIT_INTERNAL, EXIT_OK, EXIT_USAGE } from './errors';

/** One line: the message without newlines. */
function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

export function createProgram(io: CliIo, deps: CliDeps = {}) {
  const context = createContext(io, deps);
  const program = new Command('efsguard')
    .description(
      'Check Amazon EFS security: NFS exposure, client reachability, network ACLs, policies, access points.',
    )
    .version(version, '-V, --version')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: (text, write) => write(`efsguard: ${oneLine(text.replace(/^error: /, ''))}\n`),
    });
  for (const register of COMMANDS) register(program, context);
  return { program, context };
}

/** Runs the CLI; never throws, never prints a stack trace. */
export async function run(argv: readonly string[], io: CliIo, deps: CliDeps = {}): Promise<number> {
  const { program, context } = createProgram(io, deps);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return context.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has already printed its message (or the help/version text).
      return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    if (error instanceof EfsguardError) {
      io.stderr.write(`efsguard: ${oneLine(error.message)}\n`);
      return EXIT_USAGE;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`efsguard: unexpected error: ${oneLine(message)}\n`);
    return EXIT_INTERNAL;
  }
}
