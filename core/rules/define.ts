// defineRule: what every rule shares, so that a rule only judges. docs/architecture.md ("Adding a rule")
// describes the contract; in short, a rule supplies its metadata, one ParameterSpec per parameter, its
// fan-out (which resources a change to others can affect) and `judge`: given the topology and the parsed
// parameters, one function per resource type it reports on, from one resource to its Verdict.
//
// defineRule owns the rest, once for every rule:
// - parameters: parsed once per invocation (withParameters), defaults read from the specs;
// - the part check: a topology without a part the rule reads is refused (TopologyPartMissingError);
// - the scope: 'all' is every resource of the rule's types; 'seeds' is the seeds of its types plus the
//   fan-out of every seed, each resource once;
// - what no longer exists: a seed the event says was deleted, and a resource the topology no longer
//   holds, are NOT_APPLICABLE (noLongerExists), except a hint seed, which is left out;
// - the Evaluation (core/annotation.ts makeEvaluation) and the stable order (sortEvaluations).
import { makeEvaluation, sortEvaluations } from '../annotation';
import type { FanOut } from '../fan-out';
import {
  type ComplianceType,
  type Evaluation,
  type ResourceRef,
  type ResourceType,
  refKey,
  type Scope,
  type Seed,
  type Topology,
} from '../model';
import { type ParameterSpecs, parseRuleParameters } from '../params';
import { lookupResources, type ReportedResourceType, type ResourceOfType } from './resources';
import {
  type Evaluator,
  indispensableParts,
  missingParts,
  type Rule,
  type RuleMetadata,
  TopologyPartMissingError,
} from './types';

/** What a rule says about one resource; defineRule turns it into the Evaluation. */
export interface Verdict {
  readonly complianceType: ComplianceType;
  /** Cut to Config's 256 characters by makeEvaluation; leave it out rather than empty. */
  readonly annotation?: string;
  /** A NON_COMPLIANT verdict that rests on something efsguard could not see (model.ts Evaluation.unresolved). */
  readonly unresolved?: boolean;
}

export const compliant = (annotation?: string): Verdict =>
  annotation ? { complianceType: 'COMPLIANT', annotation } : { complianceType: 'COMPLIANT' };

export const nonCompliant = (annotation: string, unresolved = false): Verdict =>
  unresolved
    ? { complianceType: 'NON_COMPLIANT', annotation, unresolved }
    : { complianceType: 'NON_COMPLIANT', annotation };

export const notApplicable = (annotation: string): Verdict => ({
  complianceType: 'NOT_APPLICABLE',
  annotation,
});

/** The annotation of a seed that its change event says was deleted (or left the rule's scope). */
export const DELETED_ANNOTATION = 'The resource was deleted or left the rule scope.';

/**
 * The one "no longer exists" wording: a resource the rule must report that the topology does not hold.
 * The noun is the resource's own for the types whose rules always said so, and "resource" otherwise.
 */
const GONE_NOUNS: Partial<Record<ResourceType, string>> = {
  'AWS::EFS::FileSystem': 'file system',
  'AWS::EFS::AccessPoint': 'access point',
  'AWS::IAM::Policy': 'policy',
};

export function noLongerExists(ref: ResourceRef): string {
  return `The ${GONE_NOUNS[ref.resourceType] ?? 'resource'} no longer exists.`;
}

/** A seed's verdict when its change event says it was deleted: no load can judge it any more. */
export function deletedEvaluation(ruleId: string, ref: ResourceRef): Evaluation {
  return makeEvaluation(ruleId, ref, 'NOT_APPLICABLE', DELETED_ANNOTATION);
}

/** One resource type's judge: the resource (present in the topology) and its ref, to a verdict. */
export type JudgeOf<T extends ReportedResourceType> = (
  resource: ResourceOfType[T],
  ref: ResourceRef,
) => Verdict;

/** The judges of the types a rule reports on, one per type. */
export type Judges<T extends ReportedResourceType> = { readonly [K in T]: JudgeOf<K> };

/** What `judge` gets: build shared work (indexes, graphs, caches) once here, then judge per resource. */
export interface JudgeContext<P> {
  readonly topology: Topology;
  readonly params: P;
  /** The resources that will be judged (present in the topology), for work that only they need. */
  readonly targets: readonly ResourceRef[];
}

/** A rule as written. */
export interface RuleSpec<P, T extends ReportedResourceType>
  extends Omit<RuleMetadata, 'parameters' | 'resourceTypes'> {
  /** The types the rule posts verdicts on; `judge` returns one judge per type. */
  readonly resourceTypes: readonly T[];
  /** One spec per parameter: parser, default and description together. */
  readonly parameters: ParameterSpecs<P>;
  /**
   * The resources (of any type; others are ignored) whose verdicts a change to the seeds can alter,
   * besides the seeds themselves. Leave out for a rule whose verdicts depend on the resource alone.
   */
  readonly fanOut?: FanOut;
  /** Pure: the same topology and parameters always give the same judges and verdicts. */
  readonly judge: (context: JudgeContext<P>) => Judges<T>;
}

/** A ref without the seed's flags, so that an Evaluation never carries them. */
const refOf = (ref: ResourceRef): ResourceRef => ({
  resourceType: ref.resourceType,
  resourceId: ref.resourceId,
});

export function defineRule<P, T extends ReportedResourceType>(spec: RuleSpec<P, T>): Rule {
  const { parameters, fanOut, judge, ...metadata } = spec;
  const reported: readonly ResourceType[] = spec.resourceTypes;
  const isReported = (type: ResourceType): type is T => reported.includes(type);

  const evaluateWith = (params: P, topology: Topology, scope: Scope): Evaluation[] => {
    const missing = missingParts(topology, indispensableParts(spec));
    if (missing.length > 0) throw new TopologyPartMissingError(spec.id, missing);
    const lookup = lookupResources(topology, spec.id);
    const evaluations: Evaluation[] = [];
    const judged = (judges: Judges<T>, ref: ResourceRef, resource: unknown): Evaluation => {
      const verdict = (judges[ref.resourceType as T] as JudgeOf<T>)(resource as ResourceOfType[T], ref);
      return makeEvaluation(spec.id, ref, verdict.complianceType, verdict.annotation, verdict.unresolved);
    };
    if (scope.kind === 'all') {
      // Every resource of the reported types, judged as it is listed: a sweep of 160,000 interfaces
      // keeps no list of refs beside the evaluations, unless a judge asks for the targets.
      if (spec.resourceTypes.every((resourceType) => lookup(resourceType).size === 0)) return [];
      let targets: ResourceRef[] | undefined;
      const judges = judge({
        topology,
        params,
        get targets() {
          targets ??= spec.resourceTypes.flatMap((resourceType) =>
            [...lookup(resourceType).keys()].map((resourceId) => ({ resourceType, resourceId })),
          );
          return targets;
        },
      });
      for (const resourceType of spec.resourceTypes) {
        // forEach, not for-of: no [id, resource] pair made per resource.
        lookup(resourceType).forEach((resource, resourceId) => {
          evaluations.push(judged(judges, { resourceType, resourceId }, resource));
        });
      }
      return sortEvaluations(evaluations);
    }
    // The seeds and their fan-out: the resources to judge, and their model objects at the same positions.
    const targets: ResourceRef[] = [];
    const resources: unknown[] = [];
    const seen = new Set<string>();
    const seedsByKey = new Map<string, Seed>();
    for (const seed of scope.seeds) if (!seedsByKey.has(refKey(seed))) seedsByKey.set(refKey(seed), seed);
    const candidates = [
      ...scope.seeds.filter((seed) => isReported(seed.resourceType)),
      ...(fanOut ? fanOut(topology, scope.seeds) : []),
    ];
    for (const candidate of candidates) {
      if (!isReported(candidate.resourceType)) continue;
      const key = refKey(candidate);
      if (seen.has(key)) continue;
      seen.add(key);
      const ref = refOf(candidate);
      const seed = seedsByKey.get(key);
      const resource = seed?.deleted ? undefined : lookup(candidate.resourceType).get(ref.resourceId);
      if (seed?.deleted) evaluations.push(deletedEvaluation(spec.id, ref));
      else if (resource !== undefined) {
        targets.push(ref);
        resources.push(resource);
      } else if (!seed?.hint)
        evaluations.push(makeEvaluation(spec.id, ref, 'NOT_APPLICABLE', noLongerExists(ref)));
    }
    if (targets.length > 0) {
      const judges = judge({ topology, params, targets });
      targets.forEach((ref, position) => {
        evaluations.push(judged(judges, ref, resources[position]));
      });
    }
    return sortEvaluations(evaluations);
  };

  const parseParameters = (raw: Readonly<Record<string, unknown>>): P =>
    parseRuleParameters(spec.id, parameters, raw);
  const withParameters = (raw: Readonly<Record<string, unknown>> = {}): Evaluator => {
    const params = parseParameters(raw);
    return (topology, scope) => evaluateWith(params, topology, scope);
  };
  return {
    ...metadata,
    parameters: Object.entries(parameters as ParameterSpecs<Record<string, unknown>>).map(
      ([name, parameter]) => ({
        name,
        description: parameter.description,
        default: parameter.default,
      }),
    ),
    parseParameters,
    withParameters,
    evaluate: (topology, scope, rawParameters = {}) => withParameters(rawParameters)(topology, scope),
  };
}
