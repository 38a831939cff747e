// OCSF: one Compliance Finding (2003) per verdict at schema 1.3.0, checked against field rules.
import Ajv from 'ajv';
import { findingHash } from '../../../report/input';
import { epochMillis, formatOcsf, OCSF_VERSION, toOcsfFindings } from '../../../report/ocsf';
import { ocsfComplianceFindingSchema } from '../../fixtures/schemas/ocsf-field-rules';
import {
  demoReportInput,
  EMPTY_INPUT,
  edgeCaseInput,
  GENERATED_AT,
  LONG_ANNOTATION,
  WAIVED_FINDING,
  waivedInput,
} from '../../helpers/report-input';

const ajv = new Ajv({ allErrors: true });
const validate = ajv.compile(ocsfComplianceFindingSchema);

function expectValid(findings: readonly Record<string, unknown>[]): void {
  for (const finding of findings) {
    validate(finding);
    expect(ajv.errorsText(validate.errors)).toBe('No errors');
  }
}

describe('OCSF report', () => {
  it('the field rules reject a finding that breaks them (the validator works)', () => {
    const [finding] = toOcsfFindings(edgeCaseInput());
    expect(validate({ ...finding, class_uid: 2001 })).toBe(false);
    expect(validate({ ...finding, compliance: {} })).toBe(false);
    const { finding_info: _info, ...rest } = finding as Record<string, unknown>;
    expect(validate(rest)).toBe(false);
  });

  it('gives one valid Compliance Finding per verdict of the demo account', () => {
    const input = demoReportInput();
    const findings = JSON.parse(formatOcsf(input)) as Record<string, unknown>[];
    expect(findings).toHaveLength(input.evaluations.length);
    expectValid(findings);
    for (const [i, finding] of findings.entries()) {
      const evaluation = input.evaluations[i];
      if (!evaluation) throw new Error('missing evaluation');
      expect(finding).toMatchObject({
        class_uid: 2003,
        category_uid: 2,
        metadata: { version: OCSF_VERSION },
        finding_info: { uid: findingHash(input, evaluation) },
        cloud: { provider: 'AWS', account: { uid: input.accountId } },
        time: Date.parse(GENERATED_AT),
      });
    }
  });

  it('maps every compliance type, and keeps a 256-character Unicode annotation', () => {
    const findings = toOcsfFindings(edgeCaseInput());
    expectValid(findings);
    expect(
      findings.map((f) => [
        f.activity_id,
        f.type_uid,
        f.severity_id,
        (f.compliance as { status_id: number }).status_id,
        f.status_id,
      ]),
    ).toEqual([
      [1, 200301, 4, 3, 1],
      [1, 200301, 1, 1, 4],
      [3, 200303, 1, 99, 4],
      [1, 200301, 3, 3, 1],
    ]);
    expect(findings[0]?.message).toBe(LONG_ANNOTATION);
    expect(JSON.parse(formatOcsf(EMPTY_INPUT()))).toEqual([]);
  });

  it('computes epoch milliseconds as Date.parse does, time zones included', () => {
    for (const iso of [
      '2026-11-30T10:00:00.000Z',
      '1999-02-28T23:59:59Z',
      '2024-02-29T12:30:00.5+05:30',
      '2000-03-01T00:00:00-0800',
    ]) {
      expect(epochMillis(iso)).toBe(Date.parse(iso));
    }
    expect(() => epochMillis('yesterday')).toThrow('not an ISO 8601 time');
  });

  it('shows a waived finding as status Suppressed (3) with compliance Fail and the original finding', () => {
    const findings = toOcsfFindings(waivedInput());
    expectValid(findings);
    const waived = findings[4] as Record<string, unknown>;
    expect(waived).toMatchObject({
      activity_id: 1,
      severity_id: 4,
      status_id: 3,
      status: 'Suppressed',
      status_detail: 'Waived until 2027-01-31 by team-storage: legacy NFS clients, "until" migration',
      message: WAIVED_FINDING,
      finding_info: { desc: WAIVED_FINDING },
      compliance: { status_id: 3, status: 'Fail', status_detail: 'WAIVED' },
    });
    expect(findings.filter((f) => f.status_id === 3)).toHaveLength(1);
  });
});
