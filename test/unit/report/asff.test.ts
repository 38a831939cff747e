// ASFF: every finding passes the field rules of AWS's documentation; ids are stable and shared.
import Ajv from 'ajv';
import { RESOURCE_TYPES } from '../../../core/model';
import { ASFF_RESOURCE_TYPES, type AsffFinding, formatAsff, toAsffFindings } from '../../../report/asff';
import { findingHash } from '../../../report/input';
import { ASFF_RESOURCE_TYPE_VALUES, asffFindingSchema } from '../../fixtures/schemas/asff-field-rules';
import {
  DOCS_BASE_URL,
  demoReportInput,
  EMPTY_INPUT,
  edgeCaseInput,
  LONG_ANNOTATION,
  WAIVED_FINDING,
  waivedInput,
} from '../../helpers/report-input';

const ajv = new Ajv({ allErrors: true });
const validate = ajv.compile(asffFindingSchema);

function expectValid(findings: readonly AsffFinding[]): void {
  for (const finding of findings) {
    const ok = validate(finding);
    expect([finding.Id, ajv.errorsText(validate.errors)]).toEqual([finding.Id, 'No errors']);
    expect(ok).toBe(true);
  }
}

describe('ASFF report', () => {
  it('the field rules reject a finding that breaks them (the validator works)', () => {
    const [finding] = toAsffFindings(edgeCaseInput());
    expect(validate({ ...finding, SchemaVersion: '2018-10-09' })).toBe(false);
    expect(validate({ ...finding, Types: ['Vulnerabilities/CVE'] })).toBe(false);
    expect(validate({ ...finding, Title: 'x'.repeat(257) })).toBe(false);
    const { Resources: _resources, ...withoutResources } = finding as AsffFinding;
    expect(validate(withoutResources)).toBe(false);
  });

  it('gives one valid finding per verdict of the demo account', () => {
    const input = demoReportInput();
    const findings = JSON.parse(formatAsff(input)) as AsffFinding[];
    expect(findings).toHaveLength(input.evaluations.length);
    expectValid(findings);
    for (const [i, finding] of findings.entries()) {
      const evaluation = input.evaluations[i];
      if (!evaluation) throw new Error('missing evaluation');
      expect(finding.ProductArn).toBe(
        `arn:aws:securityhub:eu-west-1:${input.accountId}:product/${input.accountId}/default`,
      );
      expect(finding.Id).toBe(
        `efsguard/${input.region}/${input.accountId}/${evaluation.rule}/${findingHash(input, evaluation)}`,
      );
      expect(finding.Resources[0]?.Type).toBe(ASFF_RESOURCE_TYPES[evaluation.resourceType]);
      expect(finding.Remediation.Recommendation.Url).toMatch(
        new RegExp(`^${DOCS_BASE_URL}rules-.*#${evaluation.rule}$`),
      );
    }
  });

  it('maps every compliance type to its Compliance.Status, Workflow and RecordState', () => {
    const findings = toAsffFindings(edgeCaseInput());
    expectValid(findings);
    expect(
      findings.map((f) => [f.Compliance.Status, f.Workflow.Status, f.RecordState, f.Severity.Label]),
    ).toEqual([
      ['FAILED', 'NEW', 'ACTIVE', 'HIGH'],
      ['PASSED', 'RESOLVED', 'ACTIVE', 'INFORMATIONAL'],
      ['NOT_AVAILABLE', 'RESOLVED', 'ARCHIVED', 'INFORMATIONAL'],
      ['FAILED', 'NEW', 'ACTIVE', 'MEDIUM'],
    ]);
    expect(findings[0]?.Description).toBe(LONG_ANNOTATION);
    expect(findings[3]?.Resources[0]).toMatchObject({ Type: 'AwsIamRole', Id: 'AROAEXAMPLE,ÜNICODE' });
  });

  it('uses a documented ASFF resource type for every Config resource type, Other for EFS file systems', () => {
    for (const type of RESOURCE_TYPES) expect(ASFF_RESOURCE_TYPE_VALUES).toContain(ASFF_RESOURCE_TYPES[type]);
    expect(ASFF_RESOURCE_TYPES['AWS::EFS::FileSystem']).toBe('Other');
    const input = demoReportInput();
    const fsFinding = toAsffFindings(input).find(
      (f) => f.ProductFields['efsguard/ConfigResourceType'] === 'AWS::EFS::FileSystem',
    );
    expect(fsFinding?.Resources[0]?.Id).toMatch(
      /^arn:aws:elasticfilesystem:eu-west-1:\d{12}:file-system\/fs-/,
    );
    expect(fsFinding?.Resources[0]?.Details?.Other.ConfigResourceType).toBe('AWS::EFS::FileSystem');
  });

  it('keeps ids when time and verdict change, and prints [] for no verdicts', () => {
    const first = toAsffFindings(edgeCaseInput());
    const later = toAsffFindings(
      edgeCaseInput({
        generatedAt: '2027-01-01T00:00:00.000Z',
        evaluations: edgeCaseInput().evaluations.map((e) => ({ ...e, complianceType: 'COMPLIANT' as const })),
      }),
    );
    expect(later.map((f) => f.Id)).toEqual(first.map((f) => f.Id));
    expect(JSON.parse(formatAsff(EMPTY_INPUT()))).toEqual([]);
  });

  it('cuts a description over 1,024 characters and keeps the field rules', () => {
    const long = edgeCaseInput({
      evaluations: [{ ...edgeCaseInput().evaluations[0], annotation: 'é'.repeat(2000) } as never],
    });
    const [finding] = toAsffFindings(long);
    expect(finding?.Description).toHaveLength(1024);
    expectValid(finding ? [finding] : []);
  });

  it('shows a waived finding as FAILED with workflow SUPPRESSED and the original finding, within the field rules', () => {
    const findings = toAsffFindings(waivedInput());
    expectValid(findings);
    const waived = findings[4];
    expect(waived).toMatchObject({
      Compliance: { Status: 'FAILED' },
      Workflow: { Status: 'SUPPRESSED' },
      RecordState: 'ACTIVE',
      Severity: { Label: 'HIGH' },
      Description: WAIVED_FINDING,
      ProductFields: {
        'efsguard/State': 'WAIVED',
        'efsguard/Waiver': 'Waived until 2027-01-31 by team-storage: legacy NFS clients, "until" migration',
        'efsguard/WaiverOwner': 'team-storage',
        'efsguard/WaiverExpires': '2027-01-31',
      },
    });
    // Only the waived one is suppressed.
    expect(findings.map((f) => f.Workflow.Status)).toEqual([
      'NEW',
      'RESOLVED',
      'RESOLVED',
      'NEW',
      'SUPPRESSED',
    ]);
  });
});
