// The table report at size: rows are capped per rule with a note saying how many were left out, the
// rows kept are the NON_COMPLIANT ones first, and a per-rule summary closes the report. Rendering is
// linear in the rows (timed in `npm run bench`, never here).
import { formatTables, summarise } from '../../../cli/output';
import type { ComplianceType, Evaluation } from '../../../core/model';
import { RULES } from '../../../core/rules';

const [ingress, egress] = RULES as [(typeof RULES)[number], (typeof RULES)[number]];

function evaluations(
  count: number,
  rule: string,
  complianceType: ComplianceType,
  prefix: string,
): Evaluation[] {
  return Array.from({ length: count }, (_, i) => ({
    rule,
    resourceType: 'AWS::EC2::SecurityGroup',
    resourceId: `${prefix}-${String(i).padStart(5, '0')}`,
    complianceType,
    annotation: `${prefix}-${i} allows tcp 2049 from 0.0.0.0/0. Allow only tcp 2049 from client security groups.`,
  }));
}

function render(all: Evaluation[], options: { maxRows?: number; showNotApplicable?: boolean } = {}) {
  const rules = [ingress, egress];
  const summary = summarise(all, rules, '123456789012', 'eu-west-1');
  return formatTables(all, rules, summary, {
    colour: false,
    showNotApplicable: options.showNotApplicable ?? false,
    ...(options.maxRows === undefined ? {} : { maxRows: options.maxRows }),
  });
}

const idsIn = (text: string, prefix: string) => text.match(new RegExp(`│ ${prefix}-\\d{5} `, 'g')) ?? [];

describe('formatTables at size', () => {
  const all = [
    ...evaluations(300, ingress.id, 'COMPLIANT', 'ok'),
    ...evaluations(250, ingress.id, 'NON_COMPLIANT', 'bad'),
    ...evaluations(40, egress.id, 'NOT_APPLICABLE', 'na'),
  ];

  it('shows at most 200 rows per rule by default, NON_COMPLIANT first, and says how many it left out', () => {
    const text = render(all);
    expect(idsIn(text, 'bad')).toHaveLength(200);
    expect(idsIn(text, 'ok')).toHaveLength(0);
    expect(text).toContain(
      '  … 350 more rows not shown (50 NON_COMPLIANT, 300 COMPLIANT); --max-rows 0 shows every row, --format json lists them all',
    );
  });

  it('--max-rows N keeps N rows per rule', () => {
    const text = render(all, { maxRows: 260 });
    expect(idsIn(text, 'bad')).toHaveLength(250);
    expect(idsIn(text, 'ok')).toHaveLength(10);
    expect(text).toContain('  … 290 more rows not shown (290 COMPLIANT)');
  });

  it('--max-rows 0 shows every row once, in one seamless table per rule', () => {
    const text = render(all, { maxRows: 0, showNotApplicable: true });
    expect(new Set(idsIn(text, 'bad'))).toHaveProperty('size', 250);
    expect(idsIn(text, 'bad')).toHaveLength(250);
    expect(idsIn(text, 'ok')).toHaveLength(300);
    expect(idsIn(text, 'na')).toHaveLength(40);
    expect(text).not.toContain('more rows not shown');
    // One table per rule: one top border and one bottom border each, every line of it as wide.
    expect(text.match(/^┌/gm)).toHaveLength(2);
    expect(text.match(/^└/gm)).toHaveLength(2);
    const tableLines = text.split('\n').filter((line) => /^[┌│├└]/.test(line));
    const widths = new Set(tableLines.map((line) => [...line].length));
    expect(widths.size).toBeLessThanOrEqual(2); // one width per rule's table
  });

  it('ends with a summary per rule', () => {
    const text = render(all);
    const summary = text.slice(text.indexOf('Summary by rule'));
    expect(summary).toMatch(new RegExp(`${ingress.id} +250 +300 +0\\n`));
    expect(summary).toMatch(new RegExp(`${egress.id} +0 +0 +40\\n`));
  });
});
