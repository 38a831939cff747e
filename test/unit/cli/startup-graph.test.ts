// What `efsguard` loads before a command runs: the entry chunk and every chunk it imports statically.
// The AWS SDK, the live loaders, the YAML parser and the Lambda handlers' Powertools are imported by
// the commands that need them (cli/live-aws.ts, cli/commands/invoke-run.ts, cli/waivers.ts), so that a
// snapshot scan or `--help` starts without them; the snapshot schema uses zod/mini, not classic zod.
// One static import of any of them would pull it back into every start; this keeps them out. The
// bundle is built in memory with the real build options.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..', '..');

/** The inputs of every output the entry loads statically, from the build's metafile. */
function startupInputs(): string[] {
  const script = `
    import { build } from 'esbuild';
    import { CLI_BUILD_OPTIONS } from './scripts/cli-build-options.mjs';
    const { metafile } = await build({ ...CLI_BUILD_OPTIONS, write: false, metafile: true, sourcemap: false });
    const outputs = metafile.outputs;
    const entry = Object.keys(outputs).find((path) => /(^|\\/)cli\\.mjs$/.test(path));
    const seen = new Set();
    const stack = [entry];
    while (stack.length > 0) {
      const path = stack.pop();
      if (seen.has(path)) continue;
      seen.add(path);
      for (const imported of outputs[path].imports)
        if (imported.kind === 'import-statement' && outputs[imported.path]) stack.push(imported.path);
    }
    const dynamic = Object.values(outputs).flatMap((o) => o.imports).filter((i) => i.kind === 'dynamic-import');
    console.log(JSON.stringify({
      inputs: [...seen].flatMap((path) => Object.keys(outputs[path].inputs)),
      dynamicImports: dynamic.length,
    }));
  `;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: root,
    encoding: 'utf8',
  });
  const { inputs, dynamicImports } = JSON.parse(out) as { inputs: string[]; dynamicImports: number };
  expect(dynamicImports).toBeGreaterThan(0);
  return inputs;
}

describe('the CLI at startup', () => {
  it('loads the rules and the snapshot reader, but not the AWS SDK, the loaders, YAML, Powertools or classic zod', () => {
    const inputs = startupInputs();
    // The check sees the code a snapshot scan runs.
    expect(inputs).toContainEqual(expect.stringMatching(/^core\/rules\/index\.ts$/));
    expect(inputs).toContainEqual(expect.stringMatching(/^aws\/snapshot\/schema\.ts$/));
    const heavy = inputs.filter((input) =>
      /node_modules\/(@aws-sdk\/client-|@aws-lambda-powertools\/|yaml\/|zod\/v4\/classic\/)|^aws\/load\/|^handlers\//.test(
        input,
      ),
    );
    expect(heavy).toEqual([]);
  }, 60_000);
});
