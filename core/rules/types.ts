import type { Evaluation, ResourceType, Scope, Topology } from '../model';

export type Severity = 'critical' | 'high' | 'medium' | 'low';

/** How Config invokes a rule: on configuration changes of its resource types, on a schedule, or both. */
export type Trigger = 'configurationChange' | 'periodic';

/** Documentation of one rule parameter, as users set it in Config's InputParameters. */
export interface ParameterDoc {
  readonly name: string;
  readonly description: string;
  /** The default, written as a user would type it ('' for none). */
  readonly default: string;
}

export interface RuleMetadata {
  /** Fixed id: the Config rule name, the handler file and the CLI all use it. */
  readonly id: string;
  /** States the compliant state, e.g. "EFS mount targets admit NFS only from intended clients". */
  readonly title: string;
  /** What the rule checks and why, in a user's words (used by the README and `--help`). */
  readonly description: string;
  /** The resource types this rule posts verdicts on. */
  readonly resourceTypes: readonly ResourceType[];
  /**
   * The resource types whose changes can alter a verdict: the Config rule's scope. A superset of
   * resourceTypes, e.g. a mount target's interface changing groups re-evaluates its file system.
   */
  readonly triggerResourceTypes: readonly ResourceType[];
  readonly triggers: readonly Trigger[];
  readonly severity: Severity;
  readonly risk: string;
  readonly remediation: string;
  readonly parameters: readonly ParameterDoc[];
}

/** A rule as written: typed parameters. */
export interface RuleDefinition<P> extends RuleMetadata {
  /**
   * Validates Config's ruleParameters. Values may be strings (the console sends only strings) or JSON
   * values. Unknown keys are an error. Throws InvalidParametersError naming the key.
   */
  parseParameters(raw: Readonly<Record<string, unknown>>): P;
  /** Pure: the same topology, scope and parameters always give the same evaluations, in a stable order. */
  evaluate(topology: Topology, scope: Scope, params: P): Evaluation[];
}

/** A rule as the registry holds it: parameters stay raw until the rule validates them. */
export interface Rule extends RuleMetadata {
  parseParameters(raw: Readonly<Record<string, unknown>>): unknown;
  evaluate(topology: Topology, scope: Scope, rawParameters?: Readonly<Record<string, unknown>>): Evaluation[];
}

export function defineRule<P>(definition: RuleDefinition<P>): Rule {
  return {
    ...definition,
    evaluate: (topology, scope, rawParameters = {}) =>
      definition.evaluate(topology, scope, definition.parseParameters(rawParameters)),
  };
}
