// Statement-level matching: does a statement cover an action, a resource ("Policy evaluation logic",
// IAM User Guide). Combining statements and policies is the caller's business.
import type { PolicyStatement } from './policy-document';
import { matchesAction, matchesWildcard } from './wildcard';

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
