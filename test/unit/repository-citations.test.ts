// The design lives in the repository (docs/architecture.md and the rule pages): no tracked file may
// point a reader at a design document or an issue tracker entry that a clone does not hold.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
// Built from pieces so that this file does not match itself.
const OUTSIDE_DOCUMENT = new RegExp(['DESIGN', '\\.md'].join(''));
const ISSUE_NUMBER = new RegExp(['\\b[Ii]ssue', '\\s+#?\\d+\\b'].join(''));
// Another project's tracker entry: a repository name, then a hash and a number.
const PROJECT_ISSUE = new RegExp(['[\\w.-]+', '\\s?#\\d{2,}\\b'].join(''));

function trackedTextFiles(): string[] {
  const listed = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' });
  return listed
    .split('\0')
    .filter((file) => /\.(ts|cjs|mjs|js|md|yml|yaml|py|sh)$/.test(file) || file === '.ci/run')
    .filter((file) => existsSync(join(root, file)));
}

describe('citations', () => {
  it('no tracked file cites a design document or an issue number outside the repository', () => {
    const offenders: string[] = [];
    for (const file of trackedTextFiles()) {
      const lines = readFileSync(join(root, file), 'utf8').split('\n');
      lines.forEach((line, index) => {
        if (OUTSIDE_DOCUMENT.test(line) || ISSUE_NUMBER.test(line) || PROJECT_ISSUE.test(line))
          offenders.push(`${file}:${index + 1}`);
      });
    }
    expect(offenders).toEqual([]);
  });

  it('every relative Markdown link in docs/ and the README points at a file of the repository', () => {
    const broken: string[] = [];
    for (const file of trackedTextFiles().filter((name) => name.endsWith('.md'))) {
      const text = readFileSync(join(root, file), 'utf8');
      for (const match of text.matchAll(/\]\(([^)#\s]+)(#[^)\s]*)?\)/g)) {
        const target = match[1] ?? '';
        if (/^[a-z]+:/.test(target)) continue; // http:, https:, mailto:
        if (!existsSync(join(root, file, '..', target))) broken.push(`${file} -> ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });
});
