// The explicit registry of rules. Order is the order the CLI prints them in.
import { UnknownRuleError } from '../errors';
import type { Rule } from './types';

export const RULES: readonly Rule[] = [];

export const RULE_IDS: readonly string[] = RULES.map((rule) => rule.id);

export function getRule(id: string): Rule {
  const rule = RULES.find((candidate) => candidate.id === id);
  if (!rule) throw new UnknownRuleError(id, RULE_IDS);
  return rule;
}
