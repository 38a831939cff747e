// Minified bundles rename classes, so every error class must spell its own name: otherwise Config's
// error column and the logs would show a mangled identifier instead of, say, InvalidEventError.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

const errorClasses = ['core', 'aws', 'handlers', 'cli'].flatMap((dir) =>
  sourceFiles(join(ROOT, dir)).flatMap((file) => {
    const source = readFileSync(file, 'utf8');
    return [...source.matchAll(/class (\w+) extends \w*Error \{([\s\S]*?)\n\}/g)].map((match) => ({
      file: relative(ROOT, file),
      name: match[1] as string,
      body: match[2] as string,
    }));
  }),
);

describe('error classes', () => {
  it('finds the error classes to check', () => {
    expect(errorClasses.length).toBeGreaterThan(20);
  });

  it.each(errorClasses.map((c) => [c.name, c]))('%s spells its own name', (name, errorClass) => {
    expect(errorClass.body).toContain(
      `readonly name${name === 'EfsguardError' ? ': string' : ''} = '${name}';`,
    );
  });
});
