// `efsguard` run in-process, as the tests drive it: what it wrote on stdout and stderr, and its exit code.
import type { CliDeps, CliIo } from '../../cli/context';
import { run } from '../../cli/run';

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI with an empty environment; `deps` replaces the clock or the AWS clients. */
export async function runCli(
  argv: readonly string[],
  deps: CliDeps = {},
  options: { readonly stderrIsTTY?: boolean; readonly env?: CliIo['env'] } = {},
): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await run(
    argv,
    {
      stdout: { write: (chunk: string) => (stdout += chunk) },
      stderr: {
        write: (chunk: string) => (stderr += chunk),
        ...(options.stderrIsTTY ? { isTTY: true } : {}),
      },
      env: options.env ?? {},
    },
    deps,
  );
  return { code, stdout, stderr };
}
