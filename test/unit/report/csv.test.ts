// CSV: a header, one row per verdict, RFC 4180 quoting (checked by parsing back with csv-parse).
import { parse } from 'csv-parse/sync';
import { CSV_COLUMNS, formatCsv } from '../../../report/csv';
import { findingHash } from '../../../report/input';
import {
  demoReportInput,
  EMPTY_INPUT,
  edgeCaseInput,
  LONG_ANNOTATION,
  WAIVED_FINDING,
  waivedInput,
} from '../../helpers/report-input';

function rows(text: string): string[][] {
  return parse(text, { relax_quotes: false, record_delimiter: '\r\n' }) as string[][];
}

describe('CSV report', () => {
  it('has a header and one row per verdict of the demo account', () => {
    const input = demoReportInput();
    const [header, ...body] = rows(formatCsv(input));
    expect(header).toEqual([...CSV_COLUMNS]);
    expect(body).toHaveLength(input.evaluations.length);
    for (const [i, row] of body.entries()) {
      const evaluation = input.evaluations[i];
      if (!evaluation) throw new Error('missing evaluation');
      expect(row[0]).toBe(findingHash(input, evaluation));
      expect(row.slice(3, 8)).toEqual([
        evaluation.rule,
        expect.stringMatching(/^(critical|high|medium|low)$/),
        evaluation.complianceType,
        evaluation.resourceType,
        evaluation.resourceId,
      ]);
      expect(row[9]).toBe(evaluation.annotation ?? '');
    }
  });

  it('quotes commas, double quotes and Unicode as RFC 4180 says, and ends records in CRLF', () => {
    const text = formatCsv(edgeCaseInput());
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.split('\r\n')).toHaveLength(edgeCaseInput().evaluations.length + 2);
    // A field holding a comma or a quote is enclosed in quotes, inner quotes doubled.
    expect(text).toContain('"AROAEXAMPLE,ÜNICODE"');
    expect(text).toContain('"role ""ops, admin"" — Ünïcödé allows elasticfilesystem:* on *"');
    const body = rows(text).slice(1);
    expect(body.map((row) => row[5])).toEqual([
      'NON_COMPLIANT',
      'COMPLIANT',
      'NOT_APPLICABLE',
      'NON_COMPLIANT',
    ]);
    expect(body[0]?.[9]).toBe(LONG_ANNOTATION);
    expect(body[2]?.[9]).toBe('Données, "partagées" — ✓ 日本語, a,b');
    expect(body.every((row) => row.length === CSV_COLUMNS.length)).toBe(true);
  });

  it('is just the header when there are no verdicts', () => {
    expect(formatCsv(EMPTY_INPUT())).toBe(`${CSV_COLUMNS.join(',')}\r\n`);
  });

  it('says WAIVED for a waived finding, with its finding and the waiver owner, expiry and reason', () => {
    const body = rows(formatCsv(waivedInput())).slice(1);
    expect(body).toHaveLength(5);
    const at = (name: (typeof CSV_COLUMNS)[number]) => CSV_COLUMNS.indexOf(name);
    const waived = body[4] ?? [];
    expect(waived[at('compliance_type')]).toBe('WAIVED');
    expect(waived[at('annotation')]).toBe(WAIVED_FINDING);
    expect([waived[at('waiver_owner')], waived[at('waiver_expires')], waived[at('waiver_reason')]]).toEqual([
      'team-storage',
      '2027-01-31',
      'legacy NFS clients, "until" migration',
    ]);
    expect(body[0]?.slice(at('waiver_owner'))).toEqual(['', '', '']);
    expect(body.every((row) => row.length === CSV_COLUMNS.length)).toBe(true);
  });
});
