// Report inputs for the format tests: the demo account evaluated by every rule, and edge cases.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { normaliseSnapshot } from '../../aws/snapshot/normalise';
import { parseSnapshot } from '../../aws/snapshot/schema';
import { ALL, type Evaluation } from '../../core/model';
import { RULES } from '../../core/rules';
import { waivedAnnotation } from '../../core/waivers';
import type { ReportInput } from '../../report';

export const ROOT = join(__dirname, '..', '..');
export const DEMO_SNAPSHOT = join(ROOT, 'demo', 'demo-snapshot.json');
export const DOCS_BASE_URL = 'https://docs.example.test/efsguard/docs/';
export const GENERATED_AT = '2026-11-30T10:00:00.000Z';

/** The demo account, as `efsguard scan --snapshot demo/demo-snapshot.json` evaluates it. */
export function demoReportInput(overrides: Partial<ReportInput> = {}): ReportInput {
  const topology = normaliseSnapshot(
    parseSnapshot(JSON.parse(readFileSync(DEMO_SNAPSHOT, 'utf8')), DEMO_SNAPSHOT),
  );
  const evaluations = RULES.flatMap((rule) => rule.evaluate(topology, ALL, {}));
  return {
    accountId: topology.accountId,
    region: topology.region,
    evaluations,
    rules: RULES,
    generatedAt: GENERATED_AT,
    toolVersion: '0.1.0',
    docsBaseUrl: DOCS_BASE_URL,
    topology,
    ...overrides,
  };
}

/** 256 characters, the PutEvaluations maximum, with a comma, quotes and a newline-free Unicode tail. */
export const LONG_ANNOTATION = `${`sg-0abc, "quoted" and ‘curly’ — ${'x'.repeat(200)}`.padEnd(255, 'é')}✓`;

/** Every compliance type, a 256-character annotation, Unicode and commas in ids and names. */
export function edgeCaseInput(overrides: Partial<ReportInput> = {}): ReportInput {
  const evaluations: Evaluation[] = [
    {
      rule: 'efs-mount-target-nfs-ingress',
      resourceType: 'AWS::EC2::SecurityGroup',
      resourceId: 'sg-0123456789abcdef0',
      complianceType: 'NON_COMPLIANT',
      annotation: LONG_ANNOTATION,
    },
    {
      rule: 'efs-file-system-policy',
      resourceType: 'AWS::EFS::FileSystem',
      resourceId: 'fs-12345678',
      complianceType: 'COMPLIANT',
    },
    {
      rule: 'efs-access-point-posix-identity',
      resourceType: 'AWS::EFS::AccessPoint',
      resourceId: 'fsap-0123456789abcdef0',
      complianceType: 'NOT_APPLICABLE',
      annotation: 'Données, "partagées" — ✓ 日本語, a,b',
    },
    {
      rule: 'efs-api-least-privilege',
      resourceType: 'AWS::IAM::Role',
      resourceId: 'AROAEXAMPLE,ÜNICODE',
      complianceType: 'NON_COMPLIANT',
      annotation: 'role "ops, admin" — Ünïcödé allows elasticfilesystem:* on *',
    },
  ];
  return {
    accountId: '123456789012',
    region: 'eu-west-1',
    evaluations,
    rules: RULES,
    generatedAt: GENERATED_AT,
    toolVersion: '0.1.0',
    docsBaseUrl: DOCS_BASE_URL,
    ...overrides,
  };
}

export const EMPTY_INPUT = (): ReportInput => edgeCaseInput({ evaluations: [] });

export const WAIVED_FINDING = 'sg-0waived000000000 admits NFS (TCP 2049) from 0.0.0.0/0';
export const WAIVER = {
  index: 2,
  owner: 'team-storage',
  reason: 'legacy NFS clients, "until" migration',
  expires: '2027-01-31',
} as const;

/** The edge cases plus one NON_COMPLIANT verdict a waiver turned COMPLIANT, as core/waivers.ts does. */
export function waivedInput(overrides: Partial<ReportInput> = {}): ReportInput {
  const waived: Evaluation = {
    rule: 'efs-mount-target-nfs-ingress',
    resourceType: 'AWS::EC2::SecurityGroup',
    resourceId: 'sg-0waived000000000',
    complianceType: 'COMPLIANT',
    annotation: waivedAnnotation(WAIVER, WAIVED_FINDING),
    waived: { ...WAIVER, finding: WAIVED_FINDING },
  };
  return edgeCaseInput({ evaluations: [...edgeCaseInput().evaluations, waived], ...overrides });
}
