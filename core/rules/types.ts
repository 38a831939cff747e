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
export type TriggerType = 'configurationChange' | 'periodic';

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
  readonly triggers: readonly TriggerType[];
  /** The parts of the account this rule reads; loaders read exactly these (and need IAM permission for them only). */
  readonly requires: readonly TopologyPart[];
  /**
   * Parts of `requires` the rule can still judge without: a topology that lacks one (a snapshot recorded
   * before routing was) is not refused; the verdicts that depend on it say it was not recorded instead.
   */
  readonly judgesWithout?: readonly TopologyPart[];
  readonly severity: Severity;
  readonly risk: string;
  readonly remediation: string;
  readonly parameters: readonly ParameterDoc[];
}

/** A rule's evaluation with its parameters already parsed. */
export type Evaluator = (topology: Topology, scope: Scope) => Evaluation[];

/** A rule as the registry holds it (core/rules/define.ts defineRule makes it): parameters stay raw until parsed. */
export interface Rule extends RuleMetadata {
  /** Validates Config's ruleParameters; throws InvalidParametersError naming the key. */
  parseParameters(raw: Readonly<Record<string, unknown>>): unknown;
  /** Parses the parameters once and returns the evaluation for them: one parse per invocation, many batches. */
  withParameters(raw?: Readonly<Record<string, unknown>>): Evaluator;
  /** withParameters(raw), then one evaluation. Pure: the same input always gives the same, sorted, evaluations. */
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
  return requires.filter((part) => !topology.parts.includes(part));
}

/** The parts without which the rule cannot judge at all: `requires` less `judgesWithout`. */
export function indispensableParts(rule: Pick<RuleMetadata, 'requires' | 'judgesWithout'>): TopologyPart[] {
  return rule.requires.filter((part) => !(rule.judgesWithout ?? []).includes(part));
}

/** The union of the rules' required parts, in TOPOLOGY_PARTS order: what a load for them must read. */
export function partsRequiredBy(rules: readonly Pick<RuleMetadata, 'requires'>[]): TopologyPart[] {
  return TOPOLOGY_PARTS.filter((part) => rules.some((rule) => rule.requires.includes(part)));
}
