import { writeJsonReport } from '../../../cli/json-report';
import { buildReport, summarise } from '../../../cli/output';
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

const expected = (evaluations: Evaluation[]): string =>
  `${JSON.stringify(buildReport(evaluations, summarise(evaluations, RULES, '111122223333', 'eu-west-1')), null, 2)}\n`;

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
