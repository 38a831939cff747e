import { writeJsonDocument, writeJsonReport } from '../../../cli/json-report';
import { reportEvaluation, type ScanSummary, summarise } from '../../../cli/output';
import type { Evaluation } from '../../../core/model';
import { RULES } from '../../../core/rules/index';

const evaluation = (i: number, annotation?: string): Evaluation =>
  ({
    rule: RULES[i % RULES.length]?.id ?? 'x',
    resourceType: 'AWS::EC2::SecurityGroup',
    resourceId: `sg-${i}`,
    complianceType: i % 3 === 0 ? 'NON_COMPLIANT' : i % 3 === 1 ? 'COMPLIANT' : 'NOT_APPLICABLE',
    ...(annotation === undefined ? {} : { annotation }),
  }) as Evaluation;

function written(evaluations: Evaluation[]): { text: string; chunks: number } {
  const chunks: string[] = [];
  writeJsonReport(
    (chunk) => chunks.push(chunk),
    evaluations,
    summarise(evaluations, RULES, '111122223333', 'eu-west-1'),
  );
  return { text: chunks.join(''), chunks: chunks.length };
}

/** The report as one JSON.stringify lays it out: what the slices must add up to. */
const report = (evaluations: Evaluation[], summary: ScanSummary) => ({
  evaluations: evaluations.map(reportEvaluation),
  summary,
});

const expected = (evaluations: Evaluation[]): string =>
  `${JSON.stringify(report(evaluations, summarise(evaluations, RULES, '111122223333', 'eu-west-1')), null, 2)}\n`;

describe('writeJsonReport', () => {
  it('writes exactly the text of JSON.stringify(report, null, 2), annotations with quotes, newlines and unicode included', () => {
    const evaluations = [
      evaluation(0, 'rule 100 allows "0.0.0.0/0"\nsecond line \\ tab\t é ✓'),
      evaluation(1),
      evaluation(2, ''),
      evaluation(3, 'plain'),
    ];
    expect(written(evaluations).text).toBe(expected(evaluations));
  });

  it('writes waived and unresolved verdicts with their waiver and flag, wherever they fall among thousands', () => {
    const evaluations = Array.from({ length: 9_000 }, (_, i) => evaluation(i, `annotation ${i}`));
    const waived: Evaluation = {
      ...evaluation(4_100, 'posted'),
      complianceType: 'COMPLIANT',
      waived: {
        index: 2,
        owner: 'team-a',
        reason: 'migration',
        expires: '2027-01-31',
        finding: 'open to 0.0.0.0/0',
      },
    };
    const unresolved: Evaluation = {
      ...evaluation(8_999, 'sg-9 cannot be read'),
      complianceType: 'NON_COMPLIANT',
      unresolved: true,
    };
    evaluations[4_100] = waived;
    evaluations[8_999] = unresolved;
    const { text } = written(evaluations);
    expect(text).toBe(expected(evaluations));
    const report = JSON.parse(text);
    expect(report.evaluations[4_100]).toMatchObject({
      complianceType: 'WAIVED',
      waiver: { owner: 'team-a' },
    });
    expect(report.evaluations[8_999]).toMatchObject({ unresolved: true });
  });

  it('writes an empty report exactly as JSON.stringify does', () => {
    expect(written([]).text).toBe(expected([]));
  });

  it('writes a large report in chunks of about a megabyte rather than one string', () => {
    const evaluations = Array.from({ length: 20_000 }, (_, i) => evaluation(i, `annotation ${i}`));
    const { text, chunks } = written(evaluations);
    expect(text).toBe(expected(evaluations));
    expect(chunks).toBeGreaterThan(2);
  });
});

describe('writeJsonDocument', () => {
  const account = (id: string) => (e: Evaluation) => ({
    accountId: id,
    region: 'eu-west-1',
    ...reportEvaluation(e),
  });
  const tail = { failures: [{ accountId: '444455556666', error: 'no role' }], summary: { total: 3 } };

  it('lays out the evaluations of several sources in turn, then the tail, as one JSON.stringify would', () => {
    const a = Array.from({ length: 300 }, (_, i) => evaluation(i, `a ${i}`));
    const c = Array.from({ length: 200 }, (_, i) => evaluation(i, `c "${i}"`));
    const chunks: string[] = [];
    writeJsonDocument(
      (chunk) => chunks.push(chunk),
      [
        { items: a, toJson: account('111122223333') },
        { items: [], toJson: account('222233334444') },
        { items: c, toJson: account('333344445555') },
      ],
      tail,
    );
    const whole = {
      evaluations: [...a.map(account('111122223333')), ...c.map(account('333344445555'))],
      ...tail,
    };
    expect(chunks.join('')).toBe(`${JSON.stringify(whole, null, 2)}\n`);
    expect(chunks.length).toBeGreaterThan(4);
  });

  it('writes a document without evaluations as JSON.stringify does', () => {
    const chunks: string[] = [];
    writeJsonDocument((chunk) => chunks.push(chunk), [{ items: [], toJson: account('1') }], tail);
    expect(chunks.join('')).toBe(`${JSON.stringify({ evaluations: [], ...tail }, null, 2)}\n`);
  });
});
