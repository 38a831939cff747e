// core/ and report/ must stay pure (docs/architecture.md#layers-a-pure-core-behind-thin-adapters): no SDK,
// middy, Lambda, Node built-ins, process or clock.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const CORE = join(__dirname, '../../../core');
const REPORT = join(__dirname, '../../../report');

function listTs(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? listTs(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

const FORBIDDEN: readonly [string, RegExp][] = [
  ['@aws-sdk', /from\s+['"]@aws-sdk\//],
  ['@middy', /from\s+['"]@middy\//],
  ['aws-lambda', /from\s+['"]aws-lambda['"]/],
  ['node: modules', /(from\s+|require\()['"]node:/],
  ['process', /\bprocess\s*\./],
  ['Date', /\bDate\s*[.(]|\bnew\s+Date\b/],
];

function stripComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"])\/\/.*$/gm, '$1');
}

describe('core purity', () => {
  const files = listTs(CORE);
  it('finds the core sources', () => {
    expect(files.length).toBeGreaterThan(5);
  });
  it.each(files.map((file) => [relative(CORE, file), file]))('%s imports nothing impure', (_name, file) => {
    const source = stripComments(readFileSync(file, 'utf8'));
    const hits = FORBIDDEN.filter(([, pattern]) => pattern.test(source)).map(([name]) => name);
    expect(hits).toEqual([]);
  });
  const reportFiles = listTs(REPORT);
  it.each(reportFiles.map((file) => [relative(REPORT, file), file]))(
    'report/%s imports nothing impure',
    (_name, file) => {
      const source = stripComments(readFileSync(file, 'utf8'));
      const hits = FORBIDDEN.filter(([, pattern]) => pattern.test(source)).map(([name]) => name);
      expect(hits).toEqual([]);
    },
  );
  it('detects a violation (the scanner itself works)', () => {
    const sample = "import { EC2Client } from '@aws-sdk/client-ec2';\nconst now = Date.now();";
    expect(FORBIDDEN.filter(([, pattern]) => pattern.test(sample)).map(([name]) => name)).toEqual([
      '@aws-sdk',
      'Date',
    ]);
  });
});
