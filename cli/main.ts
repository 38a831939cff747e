// The `efsguard` executable (bundled into dist/cli.js): wires run() to the process.
import { isRegularFile, writeAllSync } from './file-writes';
import { run } from './run';

// The SDK warns on every run under Node 20 about its future Node 22 requirement; a CLI user cannot act
// on it per command, so silence it through the SDK's own switch unless the user set it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// `efsguard invoke` runs a rule's Lambda handler, whose Powertools metrics (EMF on stdout) would mix with
// the output: off through Powertools' own switch unless the user set it (false shows them).
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';

// `efsguard scan | head`: the reader may close the pipe before the report is written. Unix tools end
// quietly there (SIGPIPE); Node ignores SIGPIPE and emits EPIPE, which unhandled is a stack trace and
// exit 1. Nobody is left to read the rest: drop it, and end with the run's own exit code.
let stdoutClosed = false;
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  stdoutClosed = true;
});
// Redirected to a regular file, stdout is written with fs.writeSync straight from each string
// (cli/file-writes.ts says why); synchronous, as Node's own stdout is there, so the order is kept.
const stdoutIsFile = isRegularFile(1);
const stdout = {
  write: (chunk: string) => {
    if (stdoutClosed) return true;
    if (!stdoutIsFile) return process.stdout.write(chunk);
    writeAllSync(1, chunk);
    return true;
  },
  get isTTY() {
    return process.stdout.isTTY;
  },
  get columns() {
    return process.stdout.columns;
  },
};

run(process.argv.slice(2), { stdout, stderr: process.stderr, env: process.env }).then((code) => {
  process.exitCode = code;
  // The run is over: nothing it started may keep the process alive (a stalled socket after --timeout,
  // say). Once stdout has drained, exit; the timer itself does not hold the process up.
  setTimeout(() => {
    if (stdoutClosed) process.exit(code);
    process.stdout.write('', () => process.exit(code));
  }, 1000).unref();
});
