// Statement-level matching and the decision for one concrete request against one policy document:
// an explicit Deny wins, then any Allow, else the implicit deny ("Policy evaluation logic", IAM User Guide).
// Only this document is evaluated: combining identity, resource, boundary and SCP policies is the
// caller's business.
import { evaluateConditions, type RequestContext } from './conditions';
import type { PolicyDocument, PolicyStatement, PrincipalEntry } from './policy-document';
import { matchesAction, matchesWildcard } from './wildcard';

/** Who makes the request. `anonymous` has no AWS identity (an NFS client mounting without IAM). */
export type RequestPrincipal =
  | { readonly kind: 'anonymous' }
  | { readonly kind: 'aws'; readonly arn: string; readonly accountId: string };

export interface PolicyRequest {
  /** Absent for identity policies, where the principal is implied. */
  readonly principal?: RequestPrincipal;
  readonly action: string;
  readonly resource: string;
  readonly context: RequestContext;
}

export type Decision = 'explicitDeny' | 'allow' | 'implicitDeny';

/** Whether the Action/NotAction element covers the concrete action. */
export function statementCoversAction(statement: PolicyStatement, action: string): boolean {
  const matched = statement.action.patterns.some((pattern) => matchesAction(pattern, action));
  return statement.action.negated ? !matched : matched;
}

/** Whether the Resource/NotResource element covers the ARN; a statement with neither covers every resource. */
export function statementCoversResource(statement: PolicyStatement, arn: string): boolean {
  if (!statement.resource) return true;
  const matched = statement.resource.patterns.some((pattern) => matchesWildcard(pattern, arn));
  return statement.resource.negated ? !matched : matched;
}

/** Whether one Principal entry names the requester. '*' (bare or {"AWS": "*"}) names everyone, anonymous included. */
function entryMatches(entry: PrincipalEntry, principal: RequestPrincipal): boolean {
  if (entry.value === '*') return true;
  if (principal.kind === 'anonymous' || entry.type !== 'AWS') return false;
  // An account id or account root ARN names every principal of that account.
  const accountRoot = /^(?:arn:[^:]+:iam::)?(\d{12})(?::root)?$/.exec(entry.value);
  if (accountRoot) return accountRoot[1] === principal.accountId;
  return entry.value === principal.arn;
}

export function statementCoversPrincipal(
  statement: PolicyStatement,
  principal: RequestPrincipal | undefined,
): boolean {
  if (!statement.principal) return true;
  if (!principal) return false;
  const named = statement.principal.entries.some((entry) => entryMatches(entry, principal));
  return statement.principal.negated ? !named : named;
}

export function statementApplies(statement: PolicyStatement, request: PolicyRequest): boolean {
  return (
    statementCoversPrincipal(statement, request.principal) &&
    statementCoversAction(statement, request.action) &&
    statementCoversResource(statement, request.resource) &&
    evaluateConditions(statement.conditions, request.context)
  );
}

export function evaluateRequest(document: PolicyDocument, request: PolicyRequest): Decision {
  const applying = document.statements.filter((statement) => statementApplies(statement, request));
  if (applying.some((statement) => statement.effect === 'Deny')) return 'explicitDeny';
  return applying.some((statement) => statement.effect === 'Allow') ? 'allow' : 'implicitDeny';
}
