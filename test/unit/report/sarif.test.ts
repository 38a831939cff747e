// SARIF 2.1.0: validated against the OASIS JSON schema shipped in an npm package (not hand-copied).

import sarifSchema from '@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { RULES } from '../../../core/rules';
import { findingHash } from '../../../report/input';
import { formatSarif, SARIF_LEVEL, toSarif } from '../../../report/sarif';
import {
  DOCS_BASE_URL,
  demoReportInput,
  EMPTY_INPUT,
  edgeCaseInput,
  LONG_ANNOTATION,
  WAIVED_FINDING,
  waivedInput,
} from '../../helpers/report-input';

// unicodeRegExp off: the schema's language pattern has a stray ']' that only non-Unicode regular expressions accept.
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats(ajv);
const validate = ajv.compile(sarifSchema);

interface SarifLog {
  version: string;
  runs: {
    tool: {
      driver: { name: string; rules: { id: string; helpUri?: string; shortDescription: { text: string } }[] };
    };
    results: {
      ruleId: string;
      ruleIndex: number;
      level: string;
      message: { text: string };
      correlationGuid: string;
      partialFingerprints: Record<string, string>;
      suppressions?: Record<string, unknown>[];
      locations: {
        logicalLocations: {
          name: string;
          fullyQualifiedName: string;
          kind: string;
          properties: Record<string, string>;
        }[];
      }[];
    }[];
  }[];
}

function parse(text: string): SarifLog {
  return JSON.parse(text) as SarifLog;
}

function expectValid(log: unknown): void {
  const ok = validate(log);
  expect(ajv.errorsText(validate.errors)).toBe('No errors');
  expect(ok).toBe(true);
}

describe('SARIF report', () => {
  it('the schema check rejects an invalid log (the validator works)', () => {
    const log = toSarif(edgeCaseInput()) as { runs: { results: { level: string }[] }[] };
    (log.runs[0]?.results[0] as { level: string }).level = 'fatal';
    expect(validate(log)).toBe(false);
  });

  it('validates on the demo account, with one result per NON_COMPLIANT verdict', () => {
    const input = demoReportInput();
    const log = parse(formatSarif(input));
    expectValid(log);
    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
    const run = log.runs[0];
    expect(run?.tool.driver.name).toBe('efsguard');
    const nonCompliant = input.evaluations.filter(
      (evaluation) => evaluation.complianceType === 'NON_COMPLIANT',
    );
    expect(nonCompliant.length).toBeGreaterThan(0);
    expect(run?.results).toHaveLength(nonCompliant.length);
  });

  it('describes every rule with its title, help and a link to its docs anchor', () => {
    const log = parse(formatSarif(demoReportInput()));
    const rules = log.runs[0]?.tool.driver.rules ?? [];
    expect(rules.map((rule) => rule.id)).toEqual(RULES.map((rule) => rule.id));
    for (const rule of rules) {
      const meta = RULES.find((candidate) => candidate.id === rule.id);
      expect(rule.shortDescription.text).toBe(meta?.title);
      expect(rule.helpUri).toMatch(
        new RegExp(`^${DOCS_BASE_URL}rules-(network|data-plane)\\.md#${rule.id}$`),
      );
    }
  });

  it("takes each result's level from its rule's severity and names the resource (type, id, ARN)", () => {
    const input = demoReportInput();
    const log = parse(formatSarif(input));
    for (const result of log.runs[0]?.results ?? []) {
      const rule = RULES.find((candidate) => candidate.id === result.ruleId);
      expect(result.level).toBe(SARIF_LEVEL[rule?.severity ?? 'low']);
      expect(log.runs[0]?.tool.driver.rules[result.ruleIndex]?.id).toBe(result.ruleId);
      const location = result.locations[0]?.logicalLocations[0];
      expect(location?.kind).toBe('resource');
      expect(location?.properties.resourceType).toMatch(/^AWS::/);
      if (location?.properties.resourceType === 'AWS::EC2::SecurityGroup') {
        expect(location.fullyQualifiedName).toBe(
          `arn:aws:ec2:${input.region}:${input.accountId}:security-group/${location.name}`,
        );
      }
    }
  });

  it('gives the same finding the same ids on every run, and different findings different ids', () => {
    const first = parse(formatSarif(demoReportInput({ generatedAt: '2026-01-01T00:00:00.000Z' })));
    const second = parse(formatSarif(demoReportInput({ generatedAt: '2027-06-01T12:00:00.000Z' })));
    const ids = (log: SarifLog) => log.runs[0]?.results.map((result) => result.correlationGuid) ?? [];
    expect(ids(second)).toEqual(ids(first));
    expect(new Set(ids(first)).size).toBe(ids(first).length);
    const evaluation = edgeCaseInput().evaluations[0];
    if (!evaluation) throw new Error('no evaluation');
    expect(findingHash({ accountId: '123456789012', region: 'eu-west-1' }, evaluation)).not.toBe(
      findingHash({ accountId: '123456789012', region: 'eu-west-2' }, evaluation),
    );
  });

  it('validates with no results, and keeps a 256-character Unicode annotation whole', () => {
    const empty = parse(formatSarif(EMPTY_INPUT()));
    expectValid(empty);
    expect(empty.runs[0]?.results).toEqual([]);
    expect(empty.runs[0]?.tool.driver.rules).toHaveLength(RULES.length);

    const log = parse(formatSarif(edgeCaseInput()));
    expectValid(log);
    expect(LONG_ANNOTATION).toHaveLength(256);
    const results = log.runs[0]?.results ?? [];
    expect(results.map((result) => result.ruleId)).toEqual([
      'efs-mount-target-nfs-ingress',
      'efs-api-least-privilege',
    ]);
    expect(results[0]?.message.text).toBe(LONG_ANNOTATION);
    expect(results[1]?.locations[0]?.logicalLocations[0]?.name).toBe('AROAEXAMPLE,ÜNICODE');
  });

  it('keeps a waived finding as a result with an accepted external suppression, and still validates', () => {
    const input = waivedInput();
    const log = toSarif(input) as unknown as SarifLog;
    expectValid(log);
    const results = log.runs[0]?.results ?? [];
    // Two NON_COMPLIANT verdicts and the waived one: none is dropped.
    expect(results).toHaveLength(3);
    const waived = results.find(
      (result) => result.locations[0]?.logicalLocations[0]?.name === 'sg-0waived000000000',
    );
    expect(waived).toMatchObject({
      ruleId: 'efs-mount-target-nfs-ingress',
      level: 'error',
      message: { text: WAIVED_FINDING },
      suppressions: [
        {
          kind: 'external',
          status: 'accepted',
          justification: 'Waived until 2027-01-31 by team-storage: legacy NFS clients, "until" migration',
        },
      ],
    });
    expect(results.filter((result) => result.suppressions)).toHaveLength(1);
  });
});
