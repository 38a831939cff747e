// Stale-result cleanup for scheduled sweeps: anything this rule reported as COMPLIANT or NON_COMPLIANT
// before and that the current sweep no longer reports has vanished (or left scope). Config keeps the
// old verdict until told otherwise, so it is marked NOT_APPLICABLE (docs/lambda.md, "Stale results").
// API: "GetComplianceDetailsByConfigRule", AWS Config API Reference
// (https://docs.aws.amazon.com/config/latest/APIReference/API_GetComplianceDetailsByConfigRule.html).
import {
  type ConfigServiceClient,
  GetComplianceDetailsByConfigRuleCommand,
} from '@aws-sdk/client-config-service';
import { makeEvaluation } from '../../core/annotation';
import { type Evaluation, type ResourceRef, type ResourceType, refKey } from '../../core/model';
import { callAws } from '../sdk/errors';
import { createTokenGuard } from '../sdk/pagination';

/** "Limit: Valid Range: Minimum value of 0. Maximum value of 100." */
const PAGE_SIZE = 100;

export const STALE_ANNOTATION = 'No longer found in the scheduled sweep: deleted or out of scope.';

/**
 * Every resource the rule (by its Config name: organization rules carry a prefixed name) currently
 * holds a COMPLIANT or NON_COMPLIANT result for, across all pages.
 */
export async function listReportedResources(
  config: ConfigServiceClient,
  configRuleName: string,
): Promise<ResourceRef[]> {
  const refs: ResourceRef[] = [];
  let nextToken: string | undefined;
  const guard = createTokenGuard('config:GetComplianceDetailsByConfigRule');
  do {
    const output = await callAws('config:GetComplianceDetailsByConfigRule', () =>
      config.send(
        new GetComplianceDetailsByConfigRuleCommand({
          ConfigRuleName: configRuleName,
          ComplianceTypes: ['COMPLIANT', 'NON_COMPLIANT'],
          Limit: PAGE_SIZE,
          ...(nextToken ? { NextToken: nextToken } : {}),
        }),
      ),
    );
    guard.check(output);
    for (const result of output.EvaluationResults ?? []) {
      const qualifier = result.EvaluationResultIdentifier?.EvaluationResultQualifier;
      if (qualifier?.ResourceType && qualifier.ResourceId) {
        refs.push({ resourceType: qualifier.ResourceType as ResourceType, resourceId: qualifier.ResourceId });
      }
    }
    nextToken = output.NextToken || undefined;
  } while (nextToken);
  return refs;
}

/** NOT_APPLICABLE for every reported resource that the sweep did not evaluate. */
export function findStaleResults(
  ruleId: string,
  reported: readonly ResourceRef[],
  sweep: readonly { readonly resourceType: string; readonly resourceId: string }[],
): Evaluation[] {
  const seen = new Set(sweep.map(refKey));
  const stale = new Map<string, Evaluation>();
  for (const ref of reported) {
    const key = refKey(ref);
    if (!seen.has(key) && !stale.has(key)) {
      stale.set(key, makeEvaluation(ruleId, ref, 'NOT_APPLICABLE', STALE_ANNOTATION));
    }
  }
  return [...stale.values()];
}
