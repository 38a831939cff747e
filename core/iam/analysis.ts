// Questions rules ask about a statement as a whole (for every request, not one): does it reach everyone,
// and does its Condition narrow who it reaches?
import type { ConditionClause, PolicyStatement } from './policy-document';
import { hasWildcard, isAllWildcard } from './wildcard';

/**
 * Whether an Allow statement reaches everyone, anonymous callers included: Principal "*", {"AWS": "*"}
 * (equivalent in resource policies, "IAM JSON policy elements: Principal"), or NotPrincipal, which
 * reaches everyone it does not list.
 */
export function reachesEveryone(statement: PolicyStatement): boolean {
  const principal = statement.principal;
  if (!principal) return false;
  const hasStar = principal.entries.some((entry) => entry.value === '*');
  return principal.negated ? !hasStar : hasStar;
}

/**
 * Whether a statement names every principal with no exception: Principal "*" or {"AWS": "*"}, not
 * NotPrincipal. Rules use it to credit a Deny, so it reads the element strictly (fail closed): a
 * wildcard of another principal type, such as {"Service": "*"}, does not name anonymous NFS clients or
 * IAM principals ("IAM JSON policy elements: Principal", IAM User Guide).
 */
export function namesEveryPrincipal(statement: PolicyStatement): boolean {
  const principal = statement.principal;
  return (
    principal !== undefined &&
    !principal.negated &&
    principal.entries.some((entry) => entry.value === '*' && (entry.type === '*' || entry.type === 'AWS'))
  );
}

/**
 * Condition keys that tie a request to an identity, an organization or a network place, so that a
 * condition on them fixed to specific values narrows who a statement reaches. Sources:
 * - "Blocking public access" (Amazon EFS User Guide): a file-system policy is non-public when it grants
 *   access only to fixed values of aws:SourceIp, a principal (e.g. aws:PrincipalOrgID), aws:SourceArn,
 *   aws:SourceVpc, aws:SourceVpce, aws:SourceOwner, aws:SourceAccount, elasticfilesystem:AccessedViaMountTarget
 *   or aws:userid outside "AROLEID:*".
 * - "Using IAM to control access to file systems" (Amazon EFS User Guide), "EFS condition keys for clients":
 *   for NFS clients EFS supplies only aws:SecureTransport, aws:SourceIp (public addresses),
 *   elasticfilesystem:AccessPointArn and elasticfilesystem:AccessedViaMountTarget, and "no other condition
 *   keys are enforced". A positive condition on a key the request lacks is false ("Condition operators":
 *   absent key => no match), so an Allow conditioned on, say, aws:PrincipalOrgID grants NFS clients nothing:
 *   it may over-narrow, but it never grants anonymous access, which is what the rules ask.
 * elasticfilesystem:AccessedViaMountTarget is deliberately absent: every NFS client reaches EFS through a
 * mount target, so it limits the path (it excludes, e.g., cross-account AWS Transfer Family access) and
 * not who. The console's policies pair it with Principal {"AWS": "*"}, which is exactly the default
 * policy's audience: "any anonymous client that can connect to the file system using a mount target".
 */
export const NARROWING_KEYS: ReadonlySet<string> = new Set([
  'aws:principalorgid',
  'aws:principalorgpaths',
  'aws:principalaccount',
  'aws:principalarn',
  'aws:userid',
  'aws:sourceaccount',
  'aws:sourcearn',
  'aws:sourceowner',
  'aws:sourcevpc',
  'aws:sourcevpce',
  'aws:sourceip',
  'elasticfilesystem:accesspointarn',
]);

const ARN_KEYS = new Set(['aws:principalarn', 'aws:sourcearn', 'elasticfilesystem:accesspointarn']);

const POSITIVE_NARROWING_OPERATORS = new Set([
  'StringEquals',
  'StringEqualsIgnoreCase',
  'StringLike',
  'ArnEquals',
  'ArnLike',
  'IpAddress',
]);
const NEGATED_NARROWING_OPERATORS = new Set([
  'StringNotEquals',
  'StringNotEqualsIgnoreCase',
  'StringNotLike',
  'ArnNotEquals',
  'ArnNotLike',
  'NotIpAddress',
]);

/**
 * Whether a policy value pins the key down to specific callers. Wildcards are fixed enough only where
 * AWS itself says so: an ARN whose account is fixed, an aws:userid of the form "AROLEID:*". A /0 CIDR
 * pins nothing.
 */
function isFixedValue(clause: ConditionClause, value: string): boolean {
  if (clause.operator === 'IpAddress' || clause.operator === 'NotIpAddress')
    return !/\/0$/.test(value.trim());
  const wildcards = clause.operator.includes('Like') || clause.operator.startsWith('Arn');
  if (!wildcards || !hasWildcard(value)) return true;
  if (isAllWildcard(value)) return false;
  if (ARN_KEYS.has(clause.keyLower)) {
    const account = value.split(':')[4];
    return account !== undefined && account !== '' && !hasWildcard(account);
  }
  if (clause.keyLower === 'aws:userid') {
    const head = value.split(':')[0] ?? '';
    return value.includes(':') && head !== '' && !hasWildcard(head);
  }
  return false;
}

/** Whether the clause, as a condition of an Allow, limits the statement to specific callers. */
export function isNarrowingClause(clause: ConditionClause): boolean {
  return (
    NARROWING_KEYS.has(clause.keyLower) &&
    POSITIVE_NARROWING_OPERATORS.has(clause.operator) &&
    // IfExists and ForAllValues are true when the key is absent: an anonymous request passes them.
    !clause.ifExists &&
    clause.qualifier !== 'ForAllValues' &&
    clause.values.every((value) => isFixedValue(clause, value))
  );
}

/** The first clause that narrows who an Allow reaches, if any (clauses are ANDed: one is enough). */
export function findNarrowingClause(statement: PolicyStatement): ConditionClause | undefined {
  return statement.conditions.find(isNarrowingClause);
}

/**
 * Whether a Deny clause fires for everyone outside a fixed set of callers, e.g. StringNotEquals
 * aws:PrincipalOrgID "o-…": the mirror image of a narrowing Allow. Absent keys make negated operators
 * true, so anonymous callers are denied.
 */
export function isExclusionClause(clause: ConditionClause): boolean {
  return (
    NARROWING_KEYS.has(clause.keyLower) &&
    NEGATED_NARROWING_OPERATORS.has(clause.operator) &&
    clause.qualifier !== 'ForAnyValue' &&
    clause.values.every((value) => isFixedValue(clause, value))
  );
}
