// AWS Security Finding Format (ASFF), the shape Security Hub's BatchImportFindings takes: one finding
// per verdict, so that a verdict turning COMPLIANT resolves the finding and a resource leaving the
// rule's scope archives it. The CLI (`--format asff`) and the Lambda sink build findings here, so
// both give a finding the same Id.
// Required attributes: https://docs.aws.amazon.com/securityhub/latest/userguide/asff-required-attributes.html
// Resource types: https://docs.aws.amazon.com/securityhub/latest/userguide/asff-resources.html

import { waiverHeadline } from '../core/annotation';
import { partitionOf } from '../core/arn';
import type { ComplianceType, Evaluation, ResourceType } from '../core/model';
import type { Severity } from '../core/rules/types';
import { collect, writeFindings } from './chunks';
import {
  clip,
  findingHash,
  findingText,
  type ReportInput,
  resourceArn,
  ruleDocPath,
  ruleDocUrl,
  ruleLookup,
} from './input';

export const ASFF_SCHEMA_VERSION = '2018-10-08';

/** The ASFF resource type of each Config resource type; 'Other' where ASFF has none (EFS file systems). */
export const ASFF_RESOURCE_TYPES: Readonly<Record<ResourceType, string>> = {
  'AWS::EC2::SecurityGroup': 'AwsEc2SecurityGroup',
  'AWS::EC2::NetworkInterface': 'AwsEc2NetworkInterface',
  'AWS::EC2::NetworkAcl': 'AwsEc2NetworkAcl',
  'AWS::EFS::FileSystem': 'Other',
  'AWS::EFS::AccessPoint': 'AwsEfsAccessPoint',
  'AWS::IAM::Policy': 'AwsIamPolicy',
  'AWS::IAM::Role': 'AwsIamRole',
  'AWS::IAM::User': 'AwsIamUser',
  'AWS::IAM::Group': 'AwsIamGroup',
  // Routing types only trigger evaluations; no finding is ever about one.
  'AWS::EC2::RouteTable': 'Other',
  'AWS::EC2::VPCPeeringConnection': 'Other',
  'AWS::EC2::TransitGatewayAttachment': 'Other',
  'AWS::EC2::TransitGatewayRouteTable': 'Other',
  'AWS::EC2::VPNGateway': 'Other',
};

export type AsffComplianceStatus = 'PASSED' | 'FAILED' | 'NOT_AVAILABLE';

/** NOT_APPLICABLE (out of scope, or the resource is gone) has no verdict to show: NOT_AVAILABLE. */
export const ASFF_COMPLIANCE: Readonly<Record<ComplianceType, AsffComplianceStatus>> = {
  COMPLIANT: 'PASSED',
  NON_COMPLIANT: 'FAILED',
  NOT_APPLICABLE: 'NOT_AVAILABLE',
};

const SEVERITY_LABEL: Readonly<Record<Severity, string>> = {
  critical: 'CRITICAL',
  high: 'HIGH',
  medium: 'MEDIUM',
  low: 'LOW',
};

export interface AsffFinding {
  readonly SchemaVersion: string;
  readonly Id: string;
  readonly ProductArn: string;
  readonly ProductName: string;
  readonly CompanyName: string;
  readonly GeneratorId: string;
  readonly AwsAccountId: string;
  readonly Types: readonly string[];
  readonly CreatedAt: string;
  readonly UpdatedAt: string;
  readonly Severity: { readonly Label: string; readonly Original: string };
  readonly Title: string;
  readonly Description: string;
  readonly Resources: readonly {
    readonly Type: string;
    readonly Id: string;
    readonly Partition: string;
    readonly Region: string;
    readonly Details?: { readonly Other: Readonly<Record<string, string>> };
  }[];
  readonly Compliance: { readonly Status: AsffComplianceStatus };
  readonly Remediation: { readonly Recommendation: { readonly Text: string; readonly Url?: string } };
  readonly RecordState: 'ACTIVE' | 'ARCHIVED';
  readonly Workflow: { readonly Status: 'NEW' | 'RESOLVED' | 'SUPPRESSED' };
  readonly ProductFields: Readonly<Record<string, string>>;
}

/** The default product ARN of an account's own (custom) integration. */
export function productArn(region: string, accountId: string): string {
  return `arn:${partitionOf(region)}:securityhub:${region}:${accountId}:product/${accountId}/default`;
}

/** The finding's Id: readable, and stable for the same account, region, rule and resource. */
export function asffFindingId(
  input: Pick<ReportInput, 'accountId' | 'region'>,
  evaluation: Pick<Evaluation, 'rule' | 'resourceType' | 'resourceId'>,
): string {
  return `efsguard/${input.region}/${input.accountId}/${evaluation.rule}/${findingHash(input, evaluation)}`;
}

/**
 * One finding per evaluation. Workflow and RecordState follow Security Hub's own controls: a FAILED
 * finding is NEW, a PASSED one RESOLVED, and a NOT_APPLICABLE one (deleted, or out of scope) is
 * ARCHIVED. Security Hub resets a RESOLVED workflow to NEW itself when a finding turns FAILED again or
 * comes back from ARCHIVED (API Reference, Workflow). A waived verdict stays the finding it was: FAILED,
 * with the rule's severity and the rule's own text, and its workflow SUPPRESSED (the waiver in
 * ProductFields), so it is never hidden or shown as PASSED.
 */
export function toAsffFindings(input: ReportInput): AsffFinding[] {
  const lookup = ruleLookup(input.rules);
  const partition = partitionOf(input.region);
  return input.evaluations.map((evaluation) => {
    const rule = lookup(evaluation.rule);
    const waived = evaluation.waived;
    const status = waived ? 'FAILED' : ASFF_COMPLIANCE[evaluation.complianceType];
    const text = findingText(evaluation);
    const arn = resourceArn(input, evaluation.resourceType, evaluation.resourceId);
    const url = ruleDocUrl(input, evaluation.rule);
    const description =
      text ??
      (status === 'PASSED'
        ? `${evaluation.resourceId} complies: ${rule.title}.`
        : `${evaluation.resourceId}: ${rule.title}.`);
    const asffType = ASFF_RESOURCE_TYPES[evaluation.resourceType] ?? 'Other';
    return {
      SchemaVersion: ASFF_SCHEMA_VERSION,
      Id: asffFindingId(input, evaluation),
      ProductArn: productArn(input.region, input.accountId),
      ProductName: 'efsguard',
      CompanyName: 'efsguard',
      GeneratorId: `efsguard/${evaluation.rule}`,
      AwsAccountId: input.accountId,
      Types: [`Software and Configuration Checks/AWS Security Best Practices/${evaluation.rule}`],
      CreatedAt: input.generatedAt,
      UpdatedAt: input.generatedAt,
      Severity: {
        Label: status === 'FAILED' ? SEVERITY_LABEL[rule.severity] : 'INFORMATIONAL',
        Original: rule.severity,
      },
      Title: clip(rule.title, 256),
      Description: clip(description, 1024),
      Resources: [
        {
          Type: asffType,
          Id: arn ?? evaluation.resourceId,
          Partition: partition,
          Region: input.region,
          ...(asffType === 'Other'
            ? {
                Details: {
                  Other: { ConfigResourceType: evaluation.resourceType, ResourceId: evaluation.resourceId },
                },
              }
            : {}),
        },
      ],
      Compliance: { Status: status },
      Remediation: {
        Recommendation: {
          Text: clip(rule.remediation || `See docs/${ruleDocPath(evaluation.rule)}.`, 512),
          ...(url ? { Url: url } : {}),
        },
      },
      RecordState: evaluation.complianceType === 'NOT_APPLICABLE' ? 'ARCHIVED' : 'ACTIVE',
      Workflow: { Status: waived ? 'SUPPRESSED' : status === 'FAILED' ? 'NEW' : 'RESOLVED' },
      ProductFields: {
        'efsguard/Rule': evaluation.rule,
        'efsguard/ComplianceType': evaluation.complianceType,
        'efsguard/ConfigResourceType': evaluation.resourceType,
        'efsguard/ResourceId': evaluation.resourceId,
        ...(waived
          ? {
              'efsguard/State': 'WAIVED',
              'efsguard/Waiver': clip(waiverHeadline(waived), 2048),
              'efsguard/WaiverOwner': clip(waived.owner, 2048),
              'efsguard/WaiverExpires': waived.expires,
            }
          : {}),
      },
    };
  });
}

/**
 * The findings of each account-region in turn as one JSON array (BatchImportFindings takes at most 100
 * per call), written a slice at a time (report/chunks.ts).
 */
export function writeAsff(write: (chunk: string) => void, inputs: readonly ReportInput[]): void {
  writeFindings(write, inputs, toAsffFindings);
}

/** The findings as one JSON array. */
export function formatAsff(input: ReportInput): string {
  return collect((write) => writeAsff(write, [input]));
}
