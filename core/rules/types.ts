import { EfsguardError } from '../errors';
import {
  type Evaluation,
  type ResourceType,
  type Scope,
  TOPOLOGY_PARTS,
  type Topology,
  type TopologyPart,
} from '../model';

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
  /** The parts of the account this rule reads; loaders read exactly these (and need IAM permission for them only). */
  readonly requires: readonly TopologyPart[];
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

/** The topology lacks a part the rule reads: evaluating it would mistake "not loaded" for "none". */
export class TopologyPartMissingError extends EfsguardError {
  override readonly name = 'TopologyPartMissingError';
  constructor(
    readonly ruleId: string,
    readonly missing: readonly TopologyPart[],
  ) {
    super(`${ruleId} needs ${missing.join(', ')} loaded, but the topology was loaded without it`);
  }
}

export function missingParts(topology: Topology, requires: readonly TopologyPart[]): TopologyPart[] {
  const loaded = topology.parts;
  return loaded ? requires.filter((part) => !loaded.includes(part)) : [];
}

/** The union of the rules' required parts, in TOPOLOGY_PARTS order: what a load for them must read. */
export function partsRequiredBy(rules: readonly Pick<RuleMetadata, 'requires'>[]): TopologyPart[] {
  return TOPOLOGY_PARTS.filter((part) => rules.some((rule) => rule.requires.includes(part)));
}

export function defineRule<P>(definition: RuleDefinition<P>): Rule {
  return {
    ...definition,
    evaluate: (topology, scope, rawParameters = {}) => {
      const params = definition.parseParameters(rawParameters);
      const missing = missingParts(topology, definition.requires);
      if (missing.length > 0) throw new TopologyPartMissingError(definition.id, missing);
      return definition.evaluate(topology, scope, params);
    },
  };
}
