// The neighbourhood load (Config change events): given the resources a change touched (seeds), load
// only what can change their verdicts and the verdicts of their fan-out (docs/neighbourhood.md,
// core/fan-out.ts), with Describe filters, never a whole-account listing. The result is a Snapshot of
// the same shape as a whole-region load, so the same normaliser and rules evaluate it.
//
// The part 'network' is read in rounds: each round, core answers over what was read so far which
// resources the change reaches and what is still unknown (core/neighbourhood.ts); plan.ts turns that
// into batched lookups in named stages, rounds.ts sends them (one filtered request per kind of lookup,
// more only past 200 filter values or past a page), state.ts keeps what came back. The other parts are
// flat (flat-parts.ts). assemble.ts builds the snapshot. Only the parts asked for are read
// (aws/load/permissions.ts lists the actions each takes), so a rule's function needs permission for its own
// parts alone.
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { EFSClient } from '@aws-sdk/client-efs';
import type { IAMClient } from '@aws-sdk/client-iam';
import { EfsguardError } from '../../../core/errors';
import type { ResourceRef, ResourceType, TopologyPart } from '../../../core/model';
import { exposureSeeds, NeighbourhoodView } from '../../../core/neighbourhood';
import type { Snapshot } from '../../snapshot/format';
import { DEFAULT_CONCURRENCY } from '../describe';
import { orderParts } from '../region';
import { fileSystemSeedsForRouting, ROUTING_SEED_TYPES } from '../routing';
import { assembleNeighbourhood } from './assemble';
import { firstStageWithWork, plan } from './plan';
import { runRound } from './rounds';
import { type NeighbourhoodSeed, NeighbourhoodState } from './state';

export type { NeighbourhoodSeed } from './state';

export interface NeighbourhoodClients {
  readonly ec2: EC2Client;
  readonly efs: EFSClient;
  /** Needed only for IAM seeds (the part 'iam'). */
  readonly iam?: IAMClient;
}

export interface NeighbourhoodOptions {
  readonly accountId: string;
  readonly region: string;
  /**
   * What to read: the `requires` of the rule to evaluate. Every seed must be of a type one of these
   * parts expands (SEED_PARTS); nothing outside them is called.
   */
  readonly parts: readonly TopologyPart[];
  /**
   * Also treat interfaces with nothing that identifies them (plain type, not requester-managed, no
   * description, no instance) as possible mount targets, found by listing every file system's mount
   * targets. AWS never creates mount-target interfaces like that; emulators such as moto do. Defaults
   * to true when the EC2 client has a custom endpoint, false against AWS.
   */
  readonly probeUnlabelledInterfaces?: boolean;
  /** Per-file-system calls in flight at once. */
  readonly concurrency?: number;
  /** Recording time; defaults to now. */
  readonly capturedAt?: Date;
  /** Progress lines (e.g. an IAM seed without a name falling back to the sweep). */
  readonly onProgress?: (message: string) => void;
}

/** The seed types each part expands: a change of one of these types can alter that part's verdicts. */
export const SEED_PARTS: Readonly<Record<TopologyPart, readonly ResourceType[]>> = {
  network: [
    'AWS::EC2::SecurityGroup',
    'AWS::EC2::NetworkInterface',
    'AWS::EC2::NetworkAcl',
    'AWS::EFS::FileSystem',
  ],
  fileSystemPolicies: ['AWS::EFS::FileSystem'],
  accessPoints: ['AWS::EFS::AccessPoint'],
  iam: ['AWS::IAM::Role', 'AWS::IAM::User', 'AWS::IAM::Group', 'AWS::IAM::Policy'],
  routing: ROUTING_SEED_TYPES,
};

/** A seed that none of the parts asked for expands: loading would silently read nothing for it. */
export class UnsupportedSeedError extends EfsguardError {
  override readonly name = 'UnsupportedSeedError';
  constructor(
    readonly seed: ResourceRef,
    readonly parts: readonly TopologyPart[],
  ) {
    const expanding = (Object.keys(SEED_PARTS) as TopologyPart[]).filter((part) =>
      SEED_PARTS[part].includes(seed.resourceType),
    );
    super(
      `the neighbourhood load of parts ${parts.join(', ') || '(none)'} cannot expand ${seed.resourceType} seeds (${seed.resourceId}); ` +
        (expanding.length > 0
          ? `the part${expanding.length > 1 ? 's' : ''} ${expanding.join(', ')} would`
          : 'no part does'),
    );
  }
}

/**
 * An explicit endpoint, or one the SDK takes from AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_EC2 (which leave
 * `isCustomEndpoint` false): "Service-specific endpoints", AWS SDKs and Tools Reference Guide.
 */
function isCustomEndpoint(ec2: EC2Client): boolean {
  if ((ec2.config as { isCustomEndpoint?: boolean }).isCustomEndpoint) return true;
  const env = process.env;
  if (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS?.toLowerCase() === 'true') return false;
  return Boolean(env.AWS_ENDPOINT_URL_EC2 || env.AWS_ENDPOINT_URL);
}

/** Safety net against a planning bug: no neighbourhood needs anywhere near this many rounds. */
const MAX_ROUNDS = 50;

/**
 * Loads what can change the verdicts of `seeds` and of their fan-out, for the parts asked for, as a
 * Snapshot whose `parts` says what was read. Seeds that no longer exist are simply absent. Any failed
 * call (AccessDenied, throttled past retries) rejects the whole load with the typed error of
 * aws/sdk/errors.ts: there is never a partial snapshot.
 *
 * Policies ('fileSystemPolicies') are read for FileSystem seeds only: other file systems in the snapshot
 * carry no Policy field, since no rule that reads a policy reports them for these seeds.
 */
export async function loadNeighbourhood(
  clients: NeighbourhoodClients,
  seeds: readonly NeighbourhoodSeed[],
  options: NeighbourhoodOptions,
): Promise<Snapshot> {
  const parts = orderParts(options.parts);
  for (const seed of seeds) {
    if (!parts.some((part) => SEED_PARTS[part].includes(seed.resourceType)))
      throw new UnsupportedSeedError(seed, parts);
  }
  const seedsOf = (part: TopologyPart) =>
    parts.includes(part) ? seeds.filter((seed) => SEED_PARTS[part].includes(seed.resourceType)) : [];
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  // A routing change is judged on the file systems whose reach it can alter (aws/load/routing.ts).
  const routingOptions = { accountId: options.accountId, region: options.region, concurrency };
  const fileSystemSeeds = parts.includes('network')
    ? await fileSystemSeedsForRouting(clients, seedsOf('routing'), routingOptions)
    : [];
  const network = new NeighbourhoodState(
    [...seedsOf('network'), ...fileSystemSeeds],
    options.probeUnlabelledInterfaces ?? isCustomEndpoint(clients.ec2),
    { accountId: options.accountId, region: options.region },
  );
  const routingAware = parts.includes('routing');
  for (let round = 0; network.seeds.length > 0; round++) {
    // A routing-aware load judges whole file systems (efs-nfs-exposure): more seeds as they appear.
    if (routingAware) network.addSeeds(exposureSeeds(new NeighbourhoodView(network.partial())));
    const work = firstStageWithWork(plan(network));
    if (!work) break;
    if (round >= MAX_ROUNDS)
      throw new EfsguardError(`the neighbourhood load did not converge after ${MAX_ROUNDS} rounds`);
    await runRound(clients, network, work, concurrency);
  }
  return assembleNeighbourhood({
    clients,
    network,
    parts,
    seedsOf,
    accountId: options.accountId,
    region: options.region,
    capturedAt: options.capturedAt ?? new Date(),
    concurrency,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
}
