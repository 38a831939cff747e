// A module-level `const x = perTopology(...)` is a call: unless it is marked /* @__PURE__ */, esbuild
// must keep it, and with it the module behind it, in every Lambda bundle that imports the module for
// something else. Unmarked, the non-routing bundles grew by about 4 KB each (the NFS graph and the
// topology index's builders); this keeps every such declaration marked.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..', '..');
// At module level (no indent): the declaration, its type (which may hold '=>') and the call, as in
// `export const x: T = /* @__PURE__ */ perTopology(`.
const MEMO_CALL =
  /^(export\s+)?const\s+\w+.*?=\s*(\/\*\s*@__PURE__\s*\*\/\s*)?(perTopology|perTopologyAndKey)\(/;

describe('memoised values at module level', () => {
  it('are marked pure, so that a bundle that does not use them drops them', () => {
    const files = execFileSync('git', ['ls-files', '-z', 'core', 'aws', 'cli', 'report', 'handlers'], {
      cwd: root,
      encoding: 'utf8',
    })
      .split('\0')
      .filter((file) => file.endsWith('.ts'));
    const declarations: string[] = [];
    const unmarked: string[] = [];
    for (const file of files) {
      readFileSync(join(root, file), 'utf8')
        .split('\n')
        .forEach((line, index) => {
          const match = MEMO_CALL.exec(line);
          if (!match) return;
          declarations.push(`${file}:${index + 1}`);
          if (!match[2]) unmarked.push(`${file}:${index + 1}`);
        });
    }
    // The check finds the declarations it is meant for (the topology index among them).
    expect(declarations).toContainEqual(expect.stringMatching(/^core\/topology-index\.ts:/));
    expect(unmarked).toEqual([]);
  });
});
