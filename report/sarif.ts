// SARIF 2.1.0 (OASIS): one run of the tool efsguard, every rule in tool.driver.rules, one result per
// NON_COMPLIANT or waived verdict (the waived ones with a suppression), located by a logical location
// naming the AWS resource (there is no source file).

import { waiverHeadline } from '../core/annotation';
import type { Severity } from '../core/rules/types';
import {
  findingHash,
  findingText,
  findingUuid,
  type ReportInput,
  resourceArn,
  ruleDocPath,
  ruleDocUrl,
  ruleLookup,
} from './input';

export const SARIF_VERSION = '2.1.0';
export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';

type Level = 'error' | 'warning' | 'note';

/** critical and high are errors, medium a warning, low a note. */
export const SARIF_LEVEL: Readonly<Record<Severity, Level>> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
};

/**
 * The numeric security-severity property that code-scanning services (GitHub) read to rank security
 * results: over 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low.
 */
export const SECURITY_SEVERITY: Readonly<Record<Severity, string>> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
};

/** PascalCase of a rule id, the "name" SARIF wants beside the opaque id: efs-nfs-network-acl -> EfsNfsNetworkAcl. */
function ruleName(id: string): string {
  return id
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

export function toSarif(input: ReportInput): Record<string, unknown> {
  const lookup = ruleLookup(input.rules);
  const ruleIds = [
    ...input.rules.map((rule) => rule.id),
    ...new Set(input.evaluations.map((evaluation) => evaluation.rule)),
  ].filter((id, index, all) => all.indexOf(id) === index);
  const rules = ruleIds.map((id) => {
    const rule = lookup(id);
    const url = ruleDocUrl(input, id);
    const helpText = [
      rule.risk && `Risk: ${rule.risk}`,
      rule.remediation && `Fix: ${rule.remediation}`,
      `Docs: ${url ?? `docs/${ruleDocPath(id)}`}`,
    ]
      .filter(Boolean)
      .join('\n');
    return {
      id,
      name: ruleName(id),
      shortDescription: { text: rule.title },
      fullDescription: { text: rule.description },
      help: { text: helpText },
      ...(url ? { helpUri: url } : {}),
      defaultConfiguration: { level: SARIF_LEVEL[rule.severity] },
      properties: {
        tags: ['security', 'aws', 'efs'],
        precision: 'high',
        'security-severity': SECURITY_SEVERITY[rule.severity],
        severity: rule.severity,
        resourceTypes: [...rule.resourceTypes],
      },
    };
  });
  const results = input.evaluations
    // A waived verdict stays a result, marked as suppressed (SARIF 2.1.0 §3.35): never dropped.
    .filter((evaluation) => evaluation.complianceType === 'NON_COMPLIANT' || evaluation.waived)
    .map((evaluation) => {
      const rule = lookup(evaluation.rule);
      const hash = findingHash(input, evaluation);
      const arn = resourceArn(input, evaluation.resourceType, evaluation.resourceId);
      const text = findingText(evaluation);
      return {
        ruleId: evaluation.rule,
        ruleIndex: ruleIds.indexOf(evaluation.rule),
        kind: 'fail',
        level: SARIF_LEVEL[rule.severity],
        message: { text: text ?? `${evaluation.resourceId}: ${rule.title} is not met.` },
        locations: [
          {
            logicalLocations: [
              {
                name: evaluation.resourceId,
                fullyQualifiedName: arn ?? `${evaluation.resourceType}/${evaluation.resourceId}`,
                kind: 'resource',
                properties: {
                  resourceType: evaluation.resourceType,
                  ...(arn ? { arn } : {}),
                  accountId: input.accountId,
                  region: input.region,
                },
              },
            ],
          },
        ],
        correlationGuid: findingUuid(hash),
        partialFingerprints: { 'efsguardFinding/v1': hash },
        ...(evaluation.waived
          ? {
              suppressions: [
                {
                  kind: 'external',
                  status: 'accepted',
                  justification: waiverHeadline(evaluation.waived),
                  properties: {
                    owner: evaluation.waived.owner,
                    expires: evaluation.waived.expires,
                    waiverIndex: evaluation.waived.index,
                  },
                },
              ],
            }
          : {}),
      };
    });
  return {
    $schema: SARIF_SCHEMA_URI,
    version: SARIF_VERSION,
    runs: [
      {
        tool: {
          driver: {
            name: 'efsguard',
            semanticVersion: input.toolVersion,
            version: input.toolVersion,
            ...(input.docsBaseUrl ? { informationUri: input.docsBaseUrl } : {}),
            rules,
          },
        },
        automationDetails: { id: `efsguard/${input.accountId}/${input.region}/` },
        invocations: [{ executionSuccessful: true, endTimeUtc: input.generatedAt }],
        results,
        properties: { accountId: input.accountId, region: input.region },
      },
    ],
  };
}

export function formatSarif(input: ReportInput): string {
  return `${JSON.stringify(toSarif(input), null, 2)}\n`;
}
