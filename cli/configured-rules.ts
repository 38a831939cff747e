// The rules one CLI run evaluates, each with its parameters parsed once, before any AWS call: a typo
// in --params costs no load, and every evaluation of the run (one per account-region) reuses the parse,
// as the Lambda path does per invocation (core/rules/define.ts withParameters).
import type { Evaluator, Rule } from '../core/rules/types';
import { UsageError } from './errors';

export interface ConfiguredRule {
  readonly rule: Rule;
  /** The rule's evaluation with the run's parameters already parsed. */
  readonly evaluate: Evaluator;
}

/**
 * Each selected rule with its parameters from `params` (keyed by rule id; `source` names the file or
 * flag in errors). An unknown rule id is a UsageError; a bad value throws the rule's
 * InvalidParametersError naming the key.
 */
export function configureRules(
  registry: readonly Rule[],
  selected: readonly Rule[],
  params: Readonly<Record<string, Record<string, unknown>>>,
  source: string,
): ConfiguredRule[] {
  const known = registry.map((rule) => rule.id);
  for (const ruleId of Object.keys(params)) {
    if (!known.includes(ruleId)) {
      throw new UsageError(`${source}: unknown rule ${ruleId}; known rules: ${known.join(', ')}`);
    }
  }
  return selected.map((rule) => ({ rule, evaluate: rule.withParameters(params[rule.id] ?? {}) }));
}

/** Every rule with its default parameters. */
export function withDefaultParameters(rules: readonly Rule[]): ConfiguredRule[] {
  return rules.map((rule) => ({ rule, evaluate: rule.withParameters() }));
}
