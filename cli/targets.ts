// What a scan judges: one or more account-regions, each either a loaded snapshot or the error that kept
// it from loading, and the rules' verdicts on them. `scan` and `waivers` share this.

import { resourceFactsFromSnapshot } from '../aws/config/waivers';
import { destroyAwsClients } from '../aws/sdk/destroy-clients';
import { type Snapshot, snapshotParts } from '../aws/snapshot/format';
import { mergeRegionSnapshots } from '../aws/snapshot/merge';
import { normaliseSnapshot } from '../aws/snapshot/normalise';
import type { TargetFailure } from '../aws/snapshot/set';
import { ALL, type Evaluation, type TopologyPart } from '../core/model';
import { indispensableParts, type Rule } from '../core/rules/types';
import type { WaiverScope } from '../core/waivers';
import type { ConfiguredRule } from './configured-rules';
import { type AwsCliOptions, type CliContext, createClientsFromOptions, createProgress } from './context';
import { UsageError } from './errors';
import { readSnapshotFile, readSnapshotSetFile } from './input-files';
import { loadMultiTargets, loadRegion } from './live-aws';
import { isMultiTarget, type MultiAccountOptions } from './multi-account';

export type { TargetFailure };

export interface LoadedTarget {
  readonly accountId: string;
  readonly region: string;
  readonly snapshot: Snapshot;
}

export type TargetResult = LoadedTarget | TargetFailure;

export function isFailure(target: TargetResult): target is TargetFailure {
  return 'error' in target;
}

/** One account-region's verdicts. */
export interface EvaluatedTarget extends WaiverScope {
  readonly evaluations: Evaluation[];
}

export interface TargetOptions extends AwsCliOptions, MultiAccountOptions {
  readonly snapshot?: string;
  readonly progress?: boolean;
}

/**
 * Every account-region the options name: a snapshot file (one account-region, or a multi-account set),
 * the account-regions of --accounts/--regions, or the caller's own account and region.
 */
export async function loadTargets(
  context: CliContext,
  options: TargetOptions,
  parts: readonly TopologyPart[],
): Promise<TargetResult[]> {
  if (options.snapshot) {
    if (isMultiTarget(options))
      throw new UsageError(
        '--snapshot cannot be combined with --accounts or --regions (the file says what it holds)',
      );
    const set = await readSnapshotSetFile(options.snapshot);
    return [
      ...set.snapshots.map((snapshot) => ({
        accountId: snapshot.accountId,
        region: snapshot.region,
        snapshot,
      })),
      ...set.failures,
    ];
  }
  if (isMultiTarget(options)) return loadMultiTargets(context, options, parts);
  return loadSingleTarget(context, options, parts);
}

/** Loads the one account-region of a snapshot file or of the caller's credentials. */
export async function loadSingleTarget(
  context: CliContext,
  options: TargetOptions,
  parts: readonly TopologyPart[],
): Promise<LoadedTarget[]> {
  let snapshot: Snapshot;
  if (options.snapshot) snapshot = await readSnapshotFile(options.snapshot);
  else {
    const clients = await createClientsFromOptions(context, options);
    try {
      snapshot = await loadRegion(clients, { parts, onProgress: createProgress(context, options.progress) });
    } finally {
      destroyAwsClients(clients);
    }
  }
  return [{ accountId: snapshot.accountId, region: snapshot.region, snapshot }];
}

/** The rules a snapshot holds the parts for. */
export function rulesFor(snapshot: Snapshot, rules: readonly Rule[]): Rule[] {
  const available = snapshotParts(snapshot);
  return rules.filter((rule) => indispensableParts(rule).every((part) => available.includes(part)));
}

/**
 * Each loaded target's verdicts from the rules its snapshot can feed. The account-regions of one region
 * are judged together where their topologies meet (aws/snapshot/merge.ts): each resource once, its
 * verdict credited to the account that owns it. IAM rules judge each account on its own.
 */
export function evaluateTargets(
  targets: readonly LoadedTarget[],
  rules: readonly ConfiguredRule[],
): EvaluatedTarget[] {
  const out = targets.map((target) => ({
    accountId: target.accountId,
    region: target.region,
    evaluations: [] as Evaluation[],
    describe: resourceFactsFromSnapshot(target.snapshot),
  }));
  const byRegion = new Map<string, number[]>();
  targets.forEach((target, index) => {
    byRegion.set(target.region, [...(byRegion.get(target.region) ?? []), index]);
  });
  for (const indexes of byRegion.values()) {
    const group = indexes.map((index) => targets[index] as LoadedTarget);
    const merged =
      group.length > 1 ? mergeRegionSnapshots(group.map((target) => target.snapshot)) : undefined;
    const mergedTopology = merged ? normaliseSnapshot(merged.snapshot) : undefined;
    const own = group.map((target) => normaliseSnapshot(target.snapshot));
    for (const { rule, evaluate } of rules) {
      const shared = merged && mergedTopology && !rule.requires.includes('iam');
      if (shared && rulesFor(merged.snapshot, [rule]).length > 0) {
        for (const evaluation of evaluate(mergedTopology, ALL)) {
          const accountId = merged.accountOf(evaluation) ?? group[0]?.accountId;
          const slot = indexes.find((index) => targets[index]?.accountId === accountId) ?? indexes[0];
          out[slot as number]?.evaluations.push(evaluation);
        }
        continue;
      }
      group.forEach((target, position) => {
        if (rulesFor(target.snapshot, [rule]).length === 0) return;
        const topology = own[position];
        if (!topology) return;
        const into = out[indexes[position] as number]?.evaluations;
        // One by one: a spread into push() passes every verdict as an argument, and V8 refuses that
        // from about 130,000 (an account with that many interfaces has as many egress verdicts).
        if (into) for (const evaluation of evaluate(topology, ALL)) into.push(evaluation);
      });
    }
  }
  return out;
}
