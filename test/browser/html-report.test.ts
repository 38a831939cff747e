// The HTML report of the demo account in a real browser: Debian's Chromium, driven by playwright-core
// (no browser download), loading the file from a file:// URL with every network path closed.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import type { ScanReport } from '../../cli/output';
import { runCli as runCliWith } from '../helpers/cli';
import { DEMO_SNAPSHOT, ROOT } from '../helpers/report-input';

/** Debian's chromium package; .ci/run installs it when missing. */
const CHROMIUM = '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

async function runCli(argv: string[]): Promise<string> {
  const { code, stdout, stderr } = await runCliWith(argv);
  if (code !== 0) throw new Error(`efsguard ${argv.join(' ')} exited ${code}: ${stderr}`);
  return stdout;
}

const dir = mkdtempSync(join(tmpdir(), 'efsguard-browser-'));
const reportFile = join(dir, 'demo-report.html');
let json: ScanReport;
let context: BrowserContext;
let page: Page;
const consoleErrors: string[] = [];
const requests: string[] = [];

beforeAll(async () => {
  json = JSON.parse(await runCli(['scan', '--snapshot', DEMO_SNAPSHOT, '--format', 'json'])) as ScanReport;
  await runCli(['scan', '--snapshot', DEMO_SNAPSHOT, '--format', 'html', '--output', reportFile]);
  context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'efsguard-chromium-')), {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: { width: 1360, height: 1480 },
  });
  context.on('request', (request) => requests.push(request.url()));
  page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(error.message));
  await page.goto(pathToFileURL(reportFile).href, { waitUntil: 'load' });
});

afterAll(async () => {
  await context?.close();
});

describe('HTML report in Chromium', () => {
  it('renders with no console errors and no request but the file itself', async () => {
    expect(await page.locator('h1').count()).toBe(1);
    expect(consoleErrors).toEqual([]);
    expect(requests).toEqual([pathToFileURL(reportFile).href]);
    const html = readFileSync(reportFile, 'utf8');
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|@import|url\(http/i);
  });

  it('shows the summary counts of the JSON output', async () => {
    const total = await page.locator('#count-total b').textContent();
    expect(Number(total)).toBe(json.summary.total);
    for (const [type, n] of Object.entries(json.summary.byComplianceType)) {
      expect(Number(await page.locator(`#count-${type} b`).textContent())).toBe(n);
    }
    for (const [rule, counts] of Object.entries(json.summary.byRule)) {
      for (const [type, n] of Object.entries(counts)) {
        const cell = page.locator(`#summary-by-rule td[data-rule="${rule}"][data-compliance="${type}"]`);
        expect(Number(await cell.textContent())).toBe(n);
      }
    }
  });

  it('filters the verdicts table by compliance type and by text, and sorts it', async () => {
    const rows = page.locator('#verdicts tbody tr');
    expect(await rows.count()).toBe(json.evaluations.length);
    await page.selectOption('#filter-compliance', 'NON_COMPLIANT');
    const visible = page.locator('#verdicts tbody tr:not([hidden])');
    expect(await visible.count()).toBe(json.summary.byComplianceType.NON_COMPLIANT);
    expect(await page.locator('#shown-count').textContent()).toBe(
      String(json.summary.byComplianceType.NON_COMPLIANT),
    );
    for (const value of await visible.evaluateAll((trs) =>
      trs.map((tr) => tr.getAttribute('data-compliance')),
    ))
      expect(value).toBe('NON_COMPLIANT');

    await page.selectOption('#filter-compliance', '');
    const target = json.evaluations.find((evaluation) => evaluation.resourceType === 'AWS::EFS::AccessPoint');
    if (!target) throw new Error('the demo has no access point');
    await page.fill('#filter-text', target.resourceId);
    const expected = json.evaluations.filter(
      (evaluation) =>
        evaluation.resourceId.includes(target.resourceId) ||
        evaluation.annotation?.includes(target.resourceId),
    ).length;
    expect(await visible.count()).toBe(expected);
    await page.fill('#filter-text', '');
    expect(await visible.count()).toBe(json.evaluations.length);

    await page.click('#verdicts th:nth-child(5)');
    const ids = await page.locator('#verdicts tbody tr td:nth-child(5)').allTextContents();
    expect(ids).toEqual([...ids].sort((a, b) => a.localeCompare(b, undefined, { numeric: true })));
  });

  it("draws each file system's mount targets and its blocked and exposing paths", async () => {
    const snapshot = JSON.parse(readFileSync(DEMO_SNAPSHOT, 'utf8')) as {
      fileSystems: { FileSystemId: string; MountTargets: { MountTargetId: string }[] }[];
    };
    for (const fs of snapshot.fileSystems) {
      const section = page.locator(`section.file-system[data-file-system="${fs.FileSystemId}"]`);
      expect(await section.count()).toBe(1);
      for (const mt of fs.MountTargets) {
        expect(await section.locator(`svg g.node[data-mount-targets~="${mt.MountTargetId}"]`).count()).toBe(
          1,
        );
      }
    }
    const failing = (rule: string) =>
      json.evaluations.filter(
        (evaluation) => evaluation.rule === rule && evaluation.complianceType === 'NON_COMPLIANT',
      );
    // Every client the egress rule fails is drawn with a blocked path, labelled with that rule.
    const clients = failing('efs-client-nfs-egress');
    expect(clients.length).toBeGreaterThan(0);
    for (const client of clients) {
      const edges = page.locator(`svg g.edge.blocked[data-clients~="${client.resourceId}"]`);
      expect(await edges.count()).toBeGreaterThan(0);
      expect(await edges.first().getAttribute('data-label')).toContain('efs-client-nfs-egress');
    }
    // Every ACL the ACL rule fails labels a blocked path.
    const acls = failing('efs-nfs-network-acl');
    expect(acls.length).toBeGreaterThan(0);
    for (const acl of acls) {
      expect(
        await page.locator(`svg g.edge.blocked[data-label*="${acl.resourceId}"]`).count(),
      ).toBeGreaterThan(0);
    }
    // Every world-open mount-target group is drawn as an exposure, labelled with the ingress rule.
    const open = failing('efs-mount-target-nfs-ingress').filter(
      (evaluation) =>
        evaluation.resourceType === 'AWS::EC2::SecurityGroup' && evaluation.annotation?.includes('0.0.0.0/0'),
    );
    expect(open.length).toBeGreaterThan(0);
    for (const group of open) {
      const edge = page.locator(`svg g.edge.exposing[data-label*="${group.resourceId}"]`).first();
      expect(await edge.getAttribute('data-label')).toContain('efs-mount-target-nfs-ingress');
    }
    // Blocked paths are drawn differently from allowed ones.
    const style = (selector: string) =>
      page
        .locator(selector)
        .first()
        .evaluate(
          (path) =>
            (
              globalThis as unknown as { getComputedStyle(e: unknown): { strokeDasharray: string } }
            ).getComputedStyle(path).strokeDasharray,
        );
    expect(await style('svg g.edge.allowed path')).toBe('none');
    expect(await style('svg g.edge.blocked path')).not.toBe('none');
  });

  it('saves a screenshot', async () => {
    const target = process.env.EFSGUARD_UPDATE_SCREENSHOT
      ? join(ROOT, 'docs', 'report-demo.png')
      : join(dir, 'report-demo.png');
    await page.reload({ waitUntil: 'load' });
    await page.evaluate(() =>
      (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0),
    );
    const shot = await page.screenshot({ fullPage: false, path: target });
    expect(shot.length).toBeGreaterThan(10_000);
    writeFileSync(join(dir, 'screenshot-path.txt'), target);
  });
});
