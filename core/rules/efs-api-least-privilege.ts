// efs-api-least-privilege: no customer-managed or inline IAM policy allows EFS control-plane writes on
// every resource. The EFS API creates, deletes and reconfigures file systems, mount targets (and their
// security groups), file-system policies, access points and replication; granting it on "*" lets the
// holder undo every data-plane control the other rules check.
import { composeAnnotation, makeEvaluation, sortEvaluations } from '../annotation';
import {
  describeStatement,
  IamStateNotLoadedError,
  type PolicyDocument,
  PolicyParseError,
  type PolicyStatement,
  parsePolicyDocument,
  statementCoversAction,
  statementCoversResource,
} from '../iam';
import type {
  Evaluation,
  IamManagedPolicy,
  IamPrincipal,
  IamState,
  ResourceRef,
  ResourceType,
  Scope,
  Topology,
} from '../model';
import { parseRuleParameters, stringListParam } from '../params';
import { defineRule } from './types';

export const RULE_ID = 'efs-api-least-privilege';

/**
 * The EFS control-plane write and tagging actions on file systems, mount targets, file-system policies,
 * access points and replication ("Actions, resources, and condition keys for Amazon Elastic File System",
 * Service Authorization Reference; "API operations", Amazon EFS API reference).
 */
export const EFS_WRITE_ACTIONS = [
  'elasticfilesystem:CreateFileSystem',
  'elasticfilesystem:DeleteFileSystem',
  'elasticfilesystem:UpdateFileSystem',
  'elasticfilesystem:UpdateFileSystemProtection',
  'elasticfilesystem:PutLifecycleConfiguration',
  'elasticfilesystem:PutBackupPolicy',
  'elasticfilesystem:CreateMountTarget',
  'elasticfilesystem:DeleteMountTarget',
  'elasticfilesystem:ModifyMountTargetSecurityGroups',
  'elasticfilesystem:PutFileSystemPolicy',
  'elasticfilesystem:DeleteFileSystemPolicy',
  'elasticfilesystem:CreateAccessPoint',
  'elasticfilesystem:DeleteAccessPoint',
  'elasticfilesystem:CreateReplicationConfiguration',
  'elasticfilesystem:DeleteReplicationConfiguration',
  'elasticfilesystem:TagResource',
  'elasticfilesystem:UntagResource',
  'elasticfilesystem:CreateTags',
  'elasticfilesystem:DeleteTags',
] as const;

/**
 * Probe ARNs of an EFS resource nobody named: a Resource that matches them matches every file system or
 * access point. The partition, region and account are taken from the pattern when it fixes them, so
 * 'arn:aws:elasticfilesystem:us-east-1:111122223333:file-system/*' (every file system of one account and
 * region) is as unscoped as '*'.
 */
function probeArns(pattern: string): string[] {
  const fields = pattern.split(':');
  const fixed = (index: number, fallback: string): string => {
    const field = fields[index];
    return field !== undefined && field !== '' && !/[*?]/.test(field) && fields.length >= 6
      ? field
      : fallback;
  };
  const head = `arn:${fixed(1, 'aws')}:elasticfilesystem:${fixed(3, 'zz-probe-1')}:${fixed(4, '000000000000')}`;
  return [`${head}:file-system/fs-0probe0unnamed0`, `${head}:access-point/fsap-0probe0unnamed0`];
}

/** Whether the statement's Resource/NotResource covers an EFS resource it does not name. */
function coversUnnamedResources(statement: PolicyStatement): boolean {
  const patterns = statement.resource?.patterns ?? ['*'];
  const probes = statement.resource?.negated ? probeArns('*') : patterns.flatMap(probeArns);
  return probes.some((probe) => statementCoversResource(statement, probe));
}

/**
 * Conditions on resource or request tags scope a statement to tagged resources (attribute-based control).
 * IfExists and ForAllValues forms do not: both are true when the request carries no such tag ("Condition
 * operators" and "Single-valued vs. multivalued context keys", IAM User Guide).
 */
function isTagScoped(statement: PolicyStatement): boolean {
  return statement.conditions.some(
    (clause) =>
      /^aws:(resourcetag|requesttag)\//.test(clause.keyLower) &&
      !clause.ifExists &&
      clause.qualifier !== 'ForAllValues' &&
      !clause.operator.includes('Not') &&
      clause.operator !== 'Null' &&
      clause.values.every((value) => value !== '*'),
  );
}

/** Findings for one policy document: each Allow that grants EFS writes on unscoped resources. */
export function findBroadEfsWrites(document: PolicyDocument): string[] {
  const findings: string[] = [];
  for (const statement of document.statements) {
    if (statement.effect !== 'Allow' || statement.principal) continue;
    const actions = EFS_WRITE_ACTIONS.filter((action) => statementCoversAction(statement, action));
    if (actions.length === 0 || !coversUnnamedResources(statement) || isTagScoped(statement)) continue;
    const all = actions.length === EFS_WRITE_ACTIONS.length;
    const named = all
      ? 'every EFS write action'
      : `${actions
          .slice(0, 3)
          .map((a) => a.replace('elasticfilesystem:', ''))
          .join(', ')}${actions.length > 3 ? ` (+${actions.length - 3})` : ''}`;
    findings.push(`${describeStatement(statement)} allows ${named} on every resource`);
  }
  return findings;
}

const ADVICE =
  'Scope Resource to file-system/access-point ARNs or tags, or list the role in exemptPrincipals.';

function judgeDocument(name: string, text: string): { findings: string[]; unreadable?: string } {
  try {
    return {
      findings: findBroadEfsWrites(parsePolicyDocument(text)).map((finding) => `${name}: ${finding}`),
    };
  } catch (error) {
    if (!(error instanceof PolicyParseError)) throw error;
    return { findings: [], unreadable: `${name} cannot be parsed (${error.message})` };
  }
}

const PRINCIPAL_TYPES: Record<IamPrincipal['kind'], ResourceType> = {
  role: 'AWS::IAM::Role',
  user: 'AWS::IAM::User',
  group: 'AWS::IAM::Group',
};
const RESOURCE_TYPES: readonly ResourceType[] = [
  'AWS::IAM::Policy',
  'AWS::IAM::Role',
  'AWS::IAM::User',
  'AWS::IAM::Group',
];

export interface ApiLeastPrivilegeParameters {
  /** Names or ARNs, compared case-insensitively (IAM names are unique regardless of case). */
  readonly exemptPrincipals: readonly string[];
}

const PARAMETERS = { exemptPrincipals: stringListParam() };

function isExempt(principal: IamPrincipal, params: ApiLeastPrivilegeParameters): boolean {
  const names = new Set([principal.name.toLowerCase(), principal.arn.toLowerCase()]);
  return params.exemptPrincipals.some((entry) => names.has(entry.toLowerCase()));
}

function verdict(ref: ResourceRef, findings: string[], unreadable: string[]): Evaluation {
  if (findings.length === 0 && unreadable.length === 0) return makeEvaluation(RULE_ID, ref, 'COMPLIANT');
  // An unreadable document is never COMPLIANT: it may hold the very grant this rule looks for.
  return makeEvaluation(
    RULE_ID,
    ref,
    'NON_COMPLIANT',
    composeAnnotation([...findings, ...unreadable], findings.length ? ADVICE : ''),
    unreadable.length > 0,
  );
}

function evaluatePrincipal(principal: IamPrincipal, params: ApiLeastPrivilegeParameters): Evaluation {
  const ref: ResourceRef = { resourceType: PRINCIPAL_TYPES[principal.kind], resourceId: principal.id };
  if (isExempt(principal, params)) {
    return makeEvaluation(
      RULE_ID,
      ref,
      'COMPLIANT',
      `Exempt: ${principal.name} is listed in exemptPrincipals.`,
    );
  }
  const findings: string[] = [];
  const unreadable: string[] = [];
  for (const policy of [...principal.inlinePolicies].sort((a, b) => (a.policyName < b.policyName ? -1 : 1))) {
    const result = judgeDocument(`inline policy ${policy.policyName}`, policy.document);
    findings.push(...result.findings);
    if (result.unreadable) unreadable.push(result.unreadable);
  }
  return verdict(ref, findings, unreadable);
}

/**
 * Lookups over the IAM state, built once per evaluation: a sweep judges every policy and principal, so
 * scanning the lists per resource would be quadratic in the size of the account.
 */
interface IamIndex {
  readonly policiesById: ReadonlyMap<string, IamManagedPolicy>;
  /** Keyed by `${resourceType}|${id}`. */
  readonly principalsByRef: ReadonlyMap<string, IamPrincipal>;
  /** The principals each managed policy (by ARN) is attached to. */
  readonly holdersByArn: ReadonlyMap<string, readonly IamPrincipal[]>;
}

function indexIam(iam: IamState): IamIndex {
  const policiesById = new Map<string, IamManagedPolicy>();
  for (const policy of iam.policies)
    if (!policiesById.has(policy.policyId)) policiesById.set(policy.policyId, policy);
  const principalsByRef = new Map<string, IamPrincipal>();
  const holdersByArn = new Map<string, IamPrincipal[]>();
  for (const principal of iam.principals) {
    const key = `${PRINCIPAL_TYPES[principal.kind]}|${principal.id}`;
    if (!principalsByRef.has(key)) principalsByRef.set(key, principal);
    for (const arn of new Set(principal.attachedPolicyArns)) {
      const holders = holdersByArn.get(arn);
      if (holders) holders.push(principal);
      else holdersByArn.set(arn, [principal]);
    }
  }
  return { policiesById, principalsByRef, holdersByArn };
}

function evaluateManagedPolicy(
  iam: IamIndex,
  policyId: string,
  params: ApiLeastPrivilegeParameters,
): Evaluation {
  const ref: ResourceRef = { resourceType: 'AWS::IAM::Policy', resourceId: policyId };
  const policy = iam.policiesById.get(policyId);
  if (!policy) return makeEvaluation(RULE_ID, ref, 'NOT_APPLICABLE', 'The policy no longer exists.');
  const result = judgeDocument(`policy ${policy.policyName}`, policy.document);
  if (result.findings.length && !result.unreadable) {
    // A managed policy attached only to exempt principals is theirs: break-glass roles hold it by design.
    const holders = iam.holdersByArn.get(policy.arn) ?? [];
    if (holders.length && holders.every((holder) => isExempt(holder, params))) {
      return makeEvaluation(
        RULE_ID,
        ref,
        'COMPLIANT',
        `Exempt: attached only to exempt principals (${holders
          .map((h) => h.name)
          .sort()
          .join(', ')}).`,
      );
    }
  }
  return verdict(ref, result.findings, result.unreadable ? [result.unreadable] : []);
}

export function evaluateApiLeastPrivilege(
  topology: Topology,
  scope: Scope,
  params: ApiLeastPrivilegeParameters,
): Evaluation[] {
  const iam = topology.iam;
  if (!iam) {
    // Without IAM state nothing can be judged; for a sweep that must not look like "all compliant".
    if (scope.kind === 'all' || scope.seeds.some((seed) => RESOURCE_TYPES.includes(seed.resourceType))) {
      throw new IamStateNotLoadedError(RULE_ID);
    }
    return [];
  }
  const refs: ResourceRef[] =
    scope.kind === 'all'
      ? [
          ...iam.policies.map((p) => ({ resourceType: 'AWS::IAM::Policy' as const, resourceId: p.policyId })),
          ...iam.principals.map((p) => ({ resourceType: PRINCIPAL_TYPES[p.kind], resourceId: p.id })),
        ]
      : scope.seeds.filter((seed) => RESOURCE_TYPES.includes(seed.resourceType));
  const index = indexIam(iam);
  const seen = new Set<string>();
  const evaluations: Evaluation[] = [];
  for (const ref of refs) {
    const key = `${ref.resourceType}|${ref.resourceId}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (ref.resourceType === 'AWS::IAM::Policy') {
      evaluations.push(evaluateManagedPolicy(index, ref.resourceId, params));
      continue;
    }
    const principal = index.principalsByRef.get(key);
    evaluations.push(
      principal
        ? evaluatePrincipal(principal, params)
        : makeEvaluation(RULE_ID, ref, 'NOT_APPLICABLE', 'The resource no longer exists.'),
    );
  }
  return sortEvaluations(evaluations);
}

export const efsApiLeastPrivilege = defineRule<ApiLeastPrivilegeParameters>({
  id: RULE_ID,
  title: 'IAM policies allow EFS control-plane writes only on named or tagged resources',
  description:
    'Checks customer-managed IAM policies, and the inline policies of IAM roles, users and groups, for Allow ' +
    'statements that grant EFS control-plane write actions (create, delete or change file systems, mount ' +
    'targets and their security groups, file system policies, access points, replication, tags) on every ' +
    'resource ("*" or a pattern matching every file system). AWS-managed policies are out of scope. AWS Config ' +
    'records IAM resources in one region only: deploy this rule there.',
  resourceTypes: RESOURCE_TYPES,
  triggerResourceTypes: RESOURCE_TYPES,
  triggers: ['configurationChange', 'periodic'],
  requires: ['iam'],
  severity: 'medium',
  risk:
    'A principal allowed to change any file system can replace its file system policy, add a mount target in ' +
    'an open subnet or security group, or create a root access point, undoing every data-plane control.',
  remediation:
    'Name the file systems and access points in Resource (arn:aws:elasticfilesystem:<region>:<account>:' +
    'file-system/fs-…), or scope by tag with aws:ResourceTag / aws:RequestTag conditions. Keep broad EFS ' +
    'administration on a few break-glass roles and list them in exemptPrincipals.',
  parameters: [
    {
      name: 'exemptPrincipals',
      description:
        'Comma-separated names or ARNs of roles, users or groups allowed broad EFS administration (break-glass).',
      default: '',
    },
  ],
  parseParameters: (raw) => parseRuleParameters(RULE_ID, PARAMETERS, raw),
  evaluate: evaluateApiLeastPrivilege,
});
