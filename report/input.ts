// What every report format is made from, and the facts they share: stable finding ids, ARNs, docs
// links and severities. report/ is pure like core/: no Node built-ins, no process, no clock. The
// caller passes the time and the docs location in, so the same input always gives the same text.
import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';
import { arnFromId } from '../core/arn';
import { perTopology } from '../core/memo';
import {
  COMPLIANCE_TYPES,
  type ComplianceType,
  type Evaluation,
  IAM_PRINCIPAL_TYPES,
  type ResourceType,
  refKey,
  type Topology,
} from '../core/model';
import type { RuleMetadata, Severity } from '../core/rules/types';

export interface ReportInput {
  readonly accountId: string;
  readonly region: string;
  /** The verdicts, in the order the rules gave them. */
  readonly evaluations: readonly Evaluation[];
  /** The rules that ran, in registry order. */
  readonly rules: readonly RuleMetadata[];
  /** When the evaluation ran, ISO 8601 with a time zone (e.g. 2026-11-30T11:00:00.000Z). */
  readonly generatedAt: string;
  /** efsguard's version. */
  readonly toolVersion: string;
  /**
   * Absolute URL of efsguard's docs folder, ending in '/': rule links are `${docsBaseUrl}rules-network.md#<rule>`.
   * Absent: no links, and the docs page is named in text instead.
   */
  readonly docsBaseUrl?: string;
  /** The evaluated topology (the HTML picture needs it; ARNs of EFS and IAM resources come from it). */
  readonly topology?: Topology;
  /** The rules' parameters as given (the HTML picture uses efs-nfs-network-acl's clientPortRange). */
  readonly parameters?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/** The docs page of each rule; the rule id is the heading, so it is also the anchor. */
const RULE_DOC_PAGES: Readonly<Record<string, string>> = {
  'efs-mount-target-nfs-ingress': 'rules-network.md',
  'efs-client-nfs-egress': 'rules-network.md',
  'efs-nfs-network-acl': 'rules-network.md',
  'efs-nfs-exposure': 'rules-network.md',
  'efs-file-system-policy': 'rules-data-plane.md',
  'efs-access-point-posix-identity': 'rules-data-plane.md',
  'efs-api-least-privilege': 'rules-data-plane.md',
};

/** The rule's docs page and anchor relative to the docs folder, e.g. rules-network.md#efs-nfs-network-acl. */
export function ruleDocPath(ruleId: string): string {
  return `${RULE_DOC_PAGES[ruleId] ?? 'README.md'}#${ruleId}`;
}

/** The absolute link to the rule's docs, when the input says where the docs are. */
export function ruleDocUrl(input: Pick<ReportInput, 'docsBaseUrl'>, ruleId: string): string | undefined {
  return input.docsBaseUrl ? `${input.docsBaseUrl}${ruleDocPath(ruleId)}` : undefined;
}

/**
 * The finding's stable identity: the same account, region, rule, resource type and resource id give
 * the same 32 hex digits on every run, whatever the verdict, time or annotation.
 */
export function findingHash(
  input: Pick<ReportInput, 'accountId' | 'region'>,
  evaluation: Pick<Evaluation, 'rule' | 'resourceType' | 'resourceId'>,
): string {
  const key = [
    'efsguard-finding-v1',
    input.accountId,
    input.region,
    evaluation.rule,
    evaluation.resourceType,
    evaluation.resourceId,
  ].join('\n');
  return bytesToHex(sha256(utf8ToBytes(key))).slice(0, 32);
}

/** The stable id as a UUID-shaped string (version nibble 5, RFC 4122 variant), for SARIF and OCSF. */
export function findingUuid(hash: string): string {
  const variant = ((Number.parseInt(hash.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return [
    hash.slice(0, 8),
    hash.slice(8, 12),
    `5${hash.slice(13, 16)}`,
    `${variant}${hash.slice(17, 20)}`,
    hash.slice(20, 32),
  ].join('-');
}

/** The ARNs a loaded topology holds, by resource type and id: built once per topology, not per finding. */
const loadedArnsOf = /* @__PURE__ */ perTopology((topology: Topology): ReadonlyMap<string, string> => {
  const byRef = new Map<string, string>();
  const set = (resourceType: ResourceType, resourceId: string, arn: string): void => {
    byRef.set(refKey({ resourceType, resourceId }), arn);
  };
  for (const fs of topology.fileSystems) set('AWS::EFS::FileSystem', fs.fileSystemId, fs.fileSystemArn);
  for (const ap of topology.accessPoints) set('AWS::EFS::AccessPoint', ap.accessPointId, ap.accessPointArn);
  for (const policy of topology.iam?.policies ?? []) set('AWS::IAM::Policy', policy.policyId, policy.arn);
  for (const principal of topology.iam?.principals ?? [])
    set(IAM_PRINCIPAL_TYPES[principal.kind], principal.id, principal.arn);
  return byRef;
});

/**
 * The resource's ARN: as loaded when the topology holds it, else built from the id for EC2 and EFS
 * resources (core/arn.ts); IAM ARNs exist only as loaded.
 */
export function resourceArn(
  input: Pick<ReportInput, 'accountId' | 'region' | 'topology'>,
  resourceType: ResourceType,
  resourceId: string,
): string | undefined {
  const loaded = input.topology && loadedArnsOf(input.topology).get(refKey({ resourceType, resourceId }));
  return loaded ?? arnFromId(input.region, input.accountId, resourceType, resourceId);
}

export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low'];

/** Rule metadata by id; a verdict of a rule not in the list gets a placeholder (never a crash). */
export function ruleLookup(rules: readonly RuleMetadata[]): (ruleId: string) => RuleMetadata {
  const byId = new Map(rules.map((rule) => [rule.id, rule]));
  return (ruleId) =>
    byId.get(ruleId) ?? {
      id: ruleId,
      title: ruleId,
      description: ruleId,
      resourceTypes: [],
      triggerResourceTypes: [],
      triggers: [],
      requires: [],
      severity: 'medium',
      risk: '',
      remediation: '',
      parameters: [],
    };
}

/**
 * Cuts text to at most `max` UTF-16 units (as JavaScript and the AWS APIs count), ending in '…' when
 * cut, never splitting a surrogate pair (ASFF and OCSF fields have length limits).
 */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let out = '';
  for (const char of text) {
    if (out.length + char.length > max - 1) break;
    out += char;
  }
  return `${out}…`;
}

/**
 * What a report shows for a verdict: Config's compliance type, or WAIVED for a NON_COMPLIANT verdict a
 * waiver turned COMPLIANT (Config receives COMPLIANT; no report hides that it was a finding).
 */
export type ReportState = ComplianceType | 'WAIVED';

/** Config's order (core/model.ts COMPLIANCE_TYPES) with waived findings right after the findings. */
export const STATE_ORDER: readonly ReportState[] = [
  COMPLIANCE_TYPES[0],
  'WAIVED',
  ...COMPLIANCE_TYPES.slice(1),
];

export function reportState(evaluation: Pick<Evaluation, 'complianceType' | 'waived'>): ReportState {
  return evaluation.waived ? 'WAIVED' : evaluation.complianceType;
}

/** The rule's own text for the verdict: for a waived one the finding it waived, not the waiver note. */
export function findingText(evaluation: Pick<Evaluation, 'annotation' | 'waived'>): string | undefined {
  return evaluation.waived ? evaluation.waived.finding : evaluation.annotation;
}
