// efs-api-least-privilege: no customer-managed or inline IAM policy allows EFS control-plane writes on
// every resource. The EFS API creates, deletes and reconfigures file systems, mount targets (and their
// security groups), file-system policies, access points and replication; granting it on "*" lets the
// holder undo every data-plane control the other rules check.
import { composeAnnotation } from '../annotation';
import {
  type CoverageQuery,
  coversEveryEfsResource,
  describeStatement,
  isAllWildcard,
  type PolicyDocument,
  PolicyParseError,
  type PolicyStatement,
  parsePolicyDocument,
  statementCoversAction,
} from '../iam';
import type { IamManagedPolicy, IamPrincipal, IamState } from '../model';
import { parameter, stringListParam } from '../params';
import { compliant, defineRule, nonCompliant, type Verdict } from './define';

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
 * Conditions on resource or request tags scope a statement to tagged resources (attribute-based control).
 * IfExists and ForAllValues forms do not: both are true when the request carries no such tag ("Condition
 * operators" and "Single-valued vs. multivalued context keys", IAM User Guide).
 */
function isTagScoped(statement: PolicyStatement): boolean {
  return statement.conditions.some(
    (clause) =>
      TAG_KEY.test(clause.keyLower) &&
      !clause.ifExists &&
      clause.qualifier !== 'ForAllValues' &&
      !clause.operator.includes('Not') &&
      clause.operator !== 'Null' &&
      clause.values.every((value) => value !== '*'),
  );
}

const TAG_KEY = /^aws:(resourcetag|requesttag)\//;
const NEGATED_STRING_OPERATORS = new Set(['StringNotEquals', 'StringNotEqualsIgnoreCase', 'StringNotLike']);

/**
 * Whether a Deny's conditions hold for every request that is not tag-scoped, so that subtracting it is
 * safe. No condition at all qualifies. So does "deny unless the tag has this value": a negated string
 * operator on aws:ResourceTag/… or aws:RequestTag/… with fixed values is true whenever the tag is absent or
 * different (negated operators, and their IfExists forms, are true for an absent key; ForAllValues is
 * vacuously true), so what the Deny leaves allowed is tag-scoped, which this rule accepts. Any other
 * condition depends on the request (MFA, source address, time, principal tags…) and cannot be decided here:
 * such a Deny is not subtracted (fail closed).
 */
function subtracts(statement: PolicyStatement): boolean {
  if (statement.effect !== 'Deny' || statement.principal) return false;
  return statement.conditions.every(
    (clause) =>
      TAG_KEY.test(clause.keyLower) &&
      NEGATED_STRING_OPERATORS.has(clause.operator) &&
      clause.qualifier !== 'ForAnyValue' &&
      clause.values.every((value) => !isAllWildcard(value)),
  );
}

const short = (action: string): string => action.replace('elasticfilesystem:', '');

/** "A", "A and B", "A, B and C". */
function listEnglish(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** Names a set of EFS write actions in as few words as are exact. */
function nameActions(actions: readonly string[]): string {
  if (actions.length === EFS_WRITE_ACTIONS.length) return 'every EFS write action';
  const left = EFS_WRITE_ACTIONS.filter((action) => !actions.includes(action));
  if (left.length < actions.length) return `every EFS write action but ${left.map(short).join(', ')}`;
  return listEnglish(actions.map(short));
}

/**
 * Findings for one policy document: what it effectively allows on every resource. For each EFS write
 * action, the Allows that grant it (not tag-scoped) minus the Denies that take it back (see `subtracts`),
 * with Action/NotAction and Resource/NotResource read as IAM reads them; explicit deny wins ("Policy
 * evaluation logic", IAM User Guide). Each Allow is named with the actions it still grants everywhere.
 */
export function findBroadEfsWrites(
  document: PolicyDocument,
  coverage: (query: CoverageQuery) => boolean = coversEveryEfsResource,
): string[] {
  const allows = document.statements.filter((s) => s.effect === 'Allow' && !s.principal && !isTagScoped(s));
  const denies = document.statements.filter(subtracts);
  const conditional = document.statements.filter((s) => s.effect === 'Deny' && !s.principal && !subtracts(s));
  const cache = new Map<string, boolean>();
  const covers = (granting: readonly PolicyStatement[], taking: readonly PolicyStatement[]): boolean => {
    const key = `${granting.map((s) => s.index).join(',')}|${taking.map((s) => s.index).join(',')}`;
    let result = cache.get(key);
    if (result === undefined) {
      result = coverage({
        allow: granting.map((s) => s.resource),
        deny: taking.map((s) => s.resource),
      });
      cache.set(key, result);
    }
    return result;
  };
  const granted = new Map<PolicyStatement, string[]>();
  const remaining = new Set<string>();
  for (const action of EFS_WRITE_ACTIONS) {
    const granting = allows.filter((s) => statementCoversAction(s, action));
    if (granting.length === 0) continue;
    const taking = denies.filter((s) => statementCoversAction(s, action));
    if (!covers(granting, taking)) continue;
    remaining.add(action);
    // Name the Allows that reach every resource on their own; else those that do it together.
    const alone = granting.filter((s) => covers([s], taking));
    for (const statement of alone.length ? alone : granting) {
      granted.set(statement, [...(granted.get(statement) ?? []), action]);
    }
  }
  const findings = [...granted].map(
    ([statement, actions]) =>
      `${describeStatement(statement)} allows ${nameActions(actions)} on every resource`,
  );
  const ignored = conditional.filter((s) =>
    [...remaining].some((action) => statementCoversAction(s, action)),
  );
  if (findings.length && ignored.length) {
    findings.push(
      `${listEnglish(ignored.map(describeStatement))} ${ignored.length > 1 ? 'deny' : 'denies'} only under conditions, so ${ignored.length > 1 ? 'they are' : 'it is'} not counted`,
    );
  }
  return findings;
}

const ADVICE =
  'Scope Resource to file-system/access-point ARNs or tags, or list the role in exemptPrincipals.';

/** Findings per policy text, for one evaluation: roles and users often share the same inline document. */
type JudgeText = (text: string) => string[];

function createJudge(): JudgeText {
  const judged = new Map<string, string[]>();
  // Distinct documents often share their Resource elements ("*", one guardrail Deny): search each once.
  const covered = new Map<string, boolean>();
  const coverage = (query: CoverageQuery): boolean => {
    const key = JSON.stringify(query);
    let result = covered.get(key);
    if (result === undefined) {
      result = coversEveryEfsResource(query);
      covered.set(key, result);
    }
    return result;
  };
  return (text) => {
    let findings = judged.get(text);
    if (findings === undefined) {
      findings = findBroadEfsWrites(parsePolicyDocument(text), coverage);
      judged.set(text, findings);
    }
    return findings;
  };
}

function judgeDocument(
  judge: JudgeText,
  name: string,
  text: string,
): { findings: string[]; unreadable?: string } {
  try {
    const findings = judge(text);
    return { findings: findings.length ? [`${name}: ${findings.join('; ')}`] : [] };
  } catch (error) {
    if (!(error instanceof PolicyParseError)) throw error;
    return { findings: [], unreadable: `${name} cannot be parsed (${error.message})` };
  }
}

export interface ApiLeastPrivilegeParameters {
  /** Names or ARNs, compared case-insensitively (IAM names are unique regardless of case). */
  readonly exemptPrincipals: readonly string[];
}

function isExempt(principal: IamPrincipal, params: ApiLeastPrivilegeParameters): boolean {
  const names = new Set([principal.name.toLowerCase(), principal.arn.toLowerCase()]);
  return params.exemptPrincipals.some((entry) => names.has(entry.toLowerCase()));
}

function verdict(findings: string[], unreadable: string[]): Verdict {
  if (findings.length === 0 && unreadable.length === 0) return compliant();
  // An unreadable document is never COMPLIANT: it may hold the very grant this rule looks for.
  return nonCompliant(
    composeAnnotation([...findings, ...unreadable], findings.length ? ADVICE : ''),
    unreadable.length > 0,
  );
}

function judgePrincipal(
  principal: IamPrincipal,
  params: ApiLeastPrivilegeParameters,
  judge: JudgeText,
): Verdict {
  if (isExempt(principal, params))
    return compliant(`Exempt: ${principal.name} is listed in exemptPrincipals.`);
  const findings: string[] = [];
  const unreadable: string[] = [];
  for (const policy of [...principal.inlinePolicies].sort((a, b) => (a.policyName < b.policyName ? -1 : 1))) {
    const result = judgeDocument(judge, `inline policy ${policy.policyName}`, policy.document);
    findings.push(...result.findings);
    if (result.unreadable) unreadable.push(result.unreadable);
  }
  return verdict(findings, unreadable);
}

/**
 * The principals each managed policy (by ARN) is attached to, built once per evaluation: a sweep judges
 * every policy, so scanning the principals per policy would be quadratic in the size of the account.
 */
function holdersByArn(iam: IamState): ReadonlyMap<string, readonly IamPrincipal[]> {
  const holders = new Map<string, IamPrincipal[]>();
  for (const principal of iam.principals) {
    for (const arn of new Set(principal.attachedPolicyArns)) {
      const list = holders.get(arn);
      if (list) list.push(principal);
      else holders.set(arn, [principal]);
    }
  }
  return holders;
}

function judgeManagedPolicy(
  policy: IamManagedPolicy,
  holders: readonly IamPrincipal[],
  params: ApiLeastPrivilegeParameters,
  judge: JudgeText,
): Verdict {
  const result = judgeDocument(judge, `policy ${policy.policyName}`, policy.document);
  if (result.findings.length && !result.unreadable) {
    // A managed policy attached only to exempt principals is theirs: break-glass roles hold it by design.
    if (holders.length && holders.every((holder) => isExempt(holder, params))) {
      return compliant(
        `Exempt: attached only to exempt principals (${holders
          .map((h) => h.name)
          .sort()
          .join(', ')}).`,
      );
    }
  }
  return verdict(result.findings, result.unreadable ? [result.unreadable] : []);
}

export const efsApiLeastPrivilege = defineRule({
  id: RULE_ID,
  title: 'IAM policies allow EFS control-plane writes only on named or tagged resources',
  description:
    'Checks customer-managed IAM policies, and the inline policies of IAM roles, users and groups, for Allow ' +
    'statements that grant EFS control-plane write actions (create, delete or change file systems, mount ' +
    'targets and their security groups, file system policies, access points, replication, tags) on every ' +
    'resource ("*" or a pattern matching every file system), once the document\'s own Deny statements are taken ' +
    'away. AWS-managed policies are out of scope. AWS Config ' +
    'records IAM resources in one region only: deploy this rule there.',
  resourceTypes: ['AWS::IAM::Policy', 'AWS::IAM::Role', 'AWS::IAM::User', 'AWS::IAM::Group'],
  triggerResourceTypes: ['AWS::IAM::Policy', 'AWS::IAM::Role', 'AWS::IAM::User', 'AWS::IAM::Group'],
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
  parameters: {
    exemptPrincipals: parameter(stringListParam(), {
      description:
        'Comma-separated names or ARNs of roles, users or groups allowed broad EFS administration (break-glass).',
    }),
  },
  // Without IAM state nothing can be judged: core/rules/resources.ts throws IamStateNotLoadedError.
  judge: ({ topology, params }) => {
    const judge = createJudge();
    const holders = holdersByArn(topology.iam ?? { policies: [], principals: [] });
    const principal = (resource: IamPrincipal): Verdict => judgePrincipal(resource, params, judge);
    return {
      'AWS::IAM::Policy': (policy) =>
        judgeManagedPolicy(policy, holders.get(policy.arn) ?? [], params, judge),
      'AWS::IAM::Role': principal,
      'AWS::IAM::User': principal,
      'AWS::IAM::Group': principal,
    };
  },
});
