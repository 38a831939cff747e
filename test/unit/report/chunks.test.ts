// Reports written a slice of verdicts at a time add up to exactly the text of one JSON.stringify or
// one csv-stringify of the whole, for one account-region or several.
import { stringify } from 'csv-stringify/sync';
import { toAsffFindings, writeAsff } from '../../../report/asff';
import { collect, REPORT_SLICE, writeJsonArray } from '../../../report/chunks';
import { CSV_COLUMNS, writeCsv } from '../../../report/csv';
import type { ReportInput } from '../../../report/input';
import { toOcsfFindings, writeOcsf } from '../../../report/ocsf';
import { demoReportInput, edgeCaseInput } from '../../helpers/report-input';

/** Many more verdicts than a slice, the demo's and the edge cases' repeated under fresh ids. */
function largeInput(accountId: string, copies: number): ReportInput {
  const base = [...demoReportInput().evaluations, ...edgeCaseInput().evaluations];
  const evaluations = Array.from({ length: copies }, (_, copy) =>
    base.map((evaluation) => ({ ...evaluation, resourceId: `${evaluation.resourceId}-${copy}` })),
  ).flat();
  return demoReportInput({ accountId, evaluations });
}

const inputs = [
  largeInput('111122223333', 5),
  demoReportInput({ evaluations: [] }),
  largeInput('444455556666', 2),
];

describe('reports in slices', () => {
  it('hold more verdicts than several slices', () => {
    expect(inputs[0]?.evaluations.length).toBeGreaterThan(3 * REPORT_SLICE);
  });

  it('lay out ASFF and OCSF as one JSON.stringify of every finding would', () => {
    const chunksOf = (produce: (write: (chunk: string) => void) => void) => {
      const chunks: string[] = [];
      produce((chunk) => chunks.push(chunk));
      return chunks;
    };
    const asff = chunksOf((write) => writeAsff(write, inputs));
    expect(asff.join('')).toBe(`${JSON.stringify(inputs.flatMap(toAsffFindings), null, 2)}\n`);
    expect(asff.length).toBeGreaterThan(10);
    const ocsf = chunksOf((write) => writeOcsf(write, inputs));
    expect(ocsf.join('')).toBe(`${JSON.stringify(inputs.flatMap(toOcsfFindings), null, 2)}\n`);
  });

  it('lay out CSV as one header and then one CRLF-ended record per verdict, slices joined seamlessly', () => {
    const text = collect((write) => writeCsv(write, inputs));
    expect(text.startsWith(stringify([[...CSV_COLUMNS]], { record_delimiter: 'windows' }))).toBe(true);
    expect(text.endsWith('\r\n')).toBe(true);
    // Each record starts with its 32-digit finding id right after the CRLF ending the one before: a
    // slice lost, repeated or joined without its CRLF changes the count.
    const total = inputs.reduce((count, input) => count + input.evaluations.length, 0);
    expect(text.match(/\r\n(?=[0-9a-f]{32},)/g)).toHaveLength(total);
    // Quoting, as csv-stringify does it for the whole: the 256-character annotation with a comma and
    // quotes, and the Unicode one, come out enclosed, with inner quotes doubled.
    expect(text).toContain('"sg-0abc, ""quoted"" and');
  });

  it('write an empty array as JSON.stringify does', () => {
    expect(collect((write) => writeJsonArray(write, []))).toBe('[]\n');
    expect(collect((write) => writeJsonArray(write, [{ length: 0, slice: () => [] }]))).toBe('[]\n');
    // A part whose slices give no item (a filter) leaves no gap between the items of the others.
    const parts = [
      { length: 40, slice: () => [] },
      { length: 3, slice: () => [{ a: 1 }, { b: [2] }, 'c'] },
      { length: 40, slice: () => [] },
    ];
    expect(collect((write) => writeJsonArray(write, parts))).toBe(
      `${JSON.stringify([{ a: 1 }, { b: [2] }, 'c'], null, 2)}\n`,
    );
  });
});
