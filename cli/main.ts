// The `efsguard` executable (bundled into dist/cli.js): wires run() to the process.
import { run } from './run';

// The SDK warns on every run under Node 20 about its future Node 22 requirement; a CLI user cannot act
// on it per command, so silence it through the SDK's own switch unless the user set it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

run(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env }).then(
  (code) => {
    process.exitCode = code;
    // The run is over: nothing it started may keep the process alive (a stalled socket after --timeout,
    // say). Once stdout has drained, exit; the timer itself does not hold the process up.
    setTimeout(() => process.stdout.write('', () => process.exit(code)), 1000).unref();
  },
);
