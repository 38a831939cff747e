// The decision of one policy document for one request, as IAM's evaluation logic states it: an explicit
// Deny wins, else any Allow, else the implicit deny. Built on the product's action, resource and condition matchers, so the tests
// of the evaluator and the deployment's trust-policy test judge statements exactly as the rules do.
import {
  evaluateConditions,
  type PolicyDocument,
  type PolicyStatement,
  type PrincipalEntry,
  type RequestContext,
  statementCoversAction,
  statementCoversResource,
} from '../../core/iam';

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

/** Whether one Principal entry names the requester. '*' (bare or {"AWS": "*"}) names everyone, anonymous included. */
function entryMatches(entry: PrincipalEntry, principal: RequestPrincipal): boolean {
  if (entry.value === '*') return true;
  if (principal.kind === 'anonymous' || entry.type !== 'AWS') return false;
  // An account id or account root ARN names every principal of that account.
  const accountRoot = /^(?:arn:[^:]+:iam::)?(\d{12})(?::root)?$/.exec(entry.value);
  if (accountRoot) return accountRoot[1] === principal.accountId;
  return entry.value === principal.arn;
}

function statementCoversPrincipal(
  statement: PolicyStatement,
  principal: RequestPrincipal | undefined,
): boolean {
  if (!statement.principal) return true;
  if (!principal) return false;
  const named = statement.principal.entries.some((entry) => entryMatches(entry, principal));
  return statement.principal.negated ? !named : named;
}

/** Does the statement apply to the request: its principal, action, resource and conditions all match. */
export function statementApplies(statement: PolicyStatement, request: PolicyRequest): boolean {
  return (
    statementCoversPrincipal(statement, request.principal) &&
    statementCoversAction(statement, request.action) &&
    statementCoversResource(statement, request.resource) &&
    evaluateConditions(statement.conditions, request.context)
  );
}

export type Decision = 'explicitDeny' | 'allow' | 'implicitDeny';

export function evaluateRequest(document: PolicyDocument, request: PolicyRequest): Decision {
  const applying = document.statements.filter((statement) => statementApplies(statement, request));
  if (applying.some((statement) => statement.effect === 'Deny')) return 'explicitDeny';
  return applying.some((statement) => statement.effect === 'Allow') ? 'allow' : 'implicitDeny';
}
