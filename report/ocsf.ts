// OCSF: one Compliance Finding (class_uid 2003, category Findings) per verdict, at OCSF schema 1.3.0,
// the class OCSF gives to configuration and compliance checks. Required attributes of the class at
// that version: activity_id, category_uid, class_uid, compliance (standards), finding_info (uid),
// metadata (product, version), severity_id, time, type_uid; `cloud` names the AWS account and region.

import { waiverFields, waiverHeadline } from '../core/annotation';
import { partitionOf } from '../core/arn';
import type { ComplianceType } from '../core/model';
import type { Severity } from '../core/rules/types';
import { collect, writeFindings } from './chunks';
import {
  findingHash,
  findingText,
  findingUuid,
  type ReportInput,
  resourceArn,
  ruleDocUrl,
  ruleLookup,
} from './input';

export const OCSF_VERSION = '1.3.0';
export const OCSF_CLASS_UID = 2003;
export const OCSF_CATEGORY_UID = 2;

const SEVERITY_ID: Readonly<Record<Severity, number>> = { low: 2, medium: 3, high: 4, critical: 5 };
const SEVERITY_NAME = ['Unknown', 'Informational', 'Low', 'Medium', 'High', 'Critical'];

/** Compliance status: 1 Pass, 3 Fail, 99 Other (NOT_APPLICABLE has no OCSF value of its own). */
const COMPLIANCE_STATUS: Readonly<Record<ComplianceType, { id: number; name: string }>> = {
  COMPLIANT: { id: 1, name: 'Pass' },
  NON_COMPLIANT: { id: 3, name: 'Fail' },
  NOT_APPLICABLE: { id: 99, name: 'Not applicable' },
};

/** Activity: 1 Create for a verdict, 3 Close when the resource is gone or out of scope. */
const ACTIVITY: Readonly<Record<ComplianceType, { id: number; name: string }>> = {
  COMPLIANT: { id: 1, name: 'Create' },
  NON_COMPLIANT: { id: 1, name: 'Create' },
  NOT_APPLICABLE: { id: 3, name: 'Close' },
};

/** Finding status: 1 New for a failure, 4 Resolved otherwise (as the ASFF workflow). */
const STATUS: Readonly<Record<ComplianceType, { id: number; name: string }>> = {
  COMPLIANT: { id: 4, name: 'Resolved' },
  NON_COMPLIANT: { id: 1, name: 'New' },
  NOT_APPLICABLE: { id: 4, name: 'Resolved' },
};

/**
 * A waived verdict: finding status 3 Suppressed (OCSF 1.3.0 Finding status_id), compliance Fail, the
 * rule's severity, and the rule's own text; the waiver goes in status_detail.
 */
const SUPPRESSED = { id: 3, name: 'Suppressed' } as const;

export type OcsfFinding = Record<string, unknown>;

/**
 * Milliseconds since the epoch of an ISO 8601 time with a zone (OCSF's timestamp_t), computed without
 * the clock object that report/ stays free of (days from the civil date, after H. Hinnant).
 */
export function epochMillis(iso: string): number {
  const match =
    /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|([+-])(\d{2}):?(\d{2}))$/.exec(iso);
  if (!match) throw new Error(`not an ISO 8601 time with a zone: ${iso}`);
  const [, y, mo, d, h, mi, se, frac = '', zone, sign, zh = '0', zm = '0'] = match;
  let year = Number(y);
  const month = Number(mo);
  year -= month <= 2 ? 1 : 0;
  const era = Math.floor(year / 400);
  const yoe = year - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + Number(d) - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  const days = era * 146097 + doe - 719468;
  const offset = zone === 'Z' ? 0 : (sign === '-' ? -1 : 1) * (Number(zh) * 60 + Number(zm));
  const ms = Number(frac.padEnd(3, '0').slice(0, 3));
  return ((days * 24 + Number(h)) * 60 + Number(mi) - offset) * 60_000 + Number(se) * 1000 + ms;
}

export function toOcsfFindings(input: ReportInput): OcsfFinding[] {
  const lookup = ruleLookup(input.rules);
  const time = epochMillis(input.generatedAt);
  return input.evaluations.map((evaluation) => {
    const rule = lookup(evaluation.rule);
    const waived = evaluation.waived;
    // Config's verdict for a waived one is COMPLIANT; the finding it waived is NON_COMPLIANT.
    const verdict: ComplianceType = waived ? 'NON_COMPLIANT' : evaluation.complianceType;
    const text = findingText(evaluation);
    const status = waived ? SUPPRESSED : STATUS[verdict];
    const severityId = verdict === 'NON_COMPLIANT' ? SEVERITY_ID[rule.severity] : 1;
    const activity = ACTIVITY[verdict];
    const arn = resourceArn(input, evaluation.resourceType, evaluation.resourceId);
    const url = ruleDocUrl(input, evaluation.rule);
    const hash = findingHash(input, evaluation);
    return {
      activity_id: activity.id,
      activity_name: activity.name,
      category_uid: OCSF_CATEGORY_UID,
      category_name: 'Findings',
      class_uid: OCSF_CLASS_UID,
      class_name: 'Compliance Finding',
      type_uid: OCSF_CLASS_UID * 100 + activity.id,
      type_name: `Compliance Finding: ${activity.name}`,
      severity_id: severityId,
      severity: SEVERITY_NAME[severityId],
      time,
      status_id: status.id,
      status: status.name,
      ...(waived ? { status_detail: waiverHeadline(waived) } : {}),
      message: text ?? rule.title,
      metadata: {
        version: OCSF_VERSION,
        product: { name: 'efsguard', vendor_name: 'efsguard', version: input.toolVersion },
        uid: findingUuid(hash),
      },
      finding_info: {
        uid: hash,
        title: rule.title,
        desc: text ?? rule.description,
        types: [evaluation.rule],
        ...(url ? { src_url: url } : {}),
      },
      compliance: {
        standards: ['efsguard'],
        control: evaluation.rule,
        status_id: COMPLIANCE_STATUS[verdict].id,
        status: COMPLIANCE_STATUS[verdict].name,
        status_detail: waived ? 'WAIVED' : verdict,
      },
      remediation: {
        desc: rule.remediation || rule.title,
        ...(url ? { references: [url] } : {}),
      },
      resources: [
        {
          uid: arn ?? evaluation.resourceId,
          name: evaluation.resourceId,
          type: evaluation.resourceType,
          region: input.region,
          cloud_partition: partitionOf(input.region),
          owner: { account: { uid: input.accountId, type_id: 10, type: 'AWS Account' } },
        },
      ],
      cloud: {
        provider: 'AWS',
        region: input.region,
        account: { uid: input.accountId, type_id: 10, type: 'AWS Account' },
      },
      unmapped: {
        rule_severity: rule.severity,
        ...(waived ? { waiver: waiverFields(waived) } : {}),
      },
    };
  });
}

/** The findings of each account-region in turn as one JSON array, a slice at a time (report/chunks.ts). */
export function writeOcsf(write: (chunk: string) => void, inputs: readonly ReportInput[]): void {
  writeFindings(write, inputs, toOcsfFindings);
}

export function formatOcsf(input: ReportInput): string {
  return collect((write) => writeOcsf(write, [input]));
}
