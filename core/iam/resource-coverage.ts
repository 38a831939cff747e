// Which EFS resources a set of Resource/NotResource elements reaches, decided from the patterns themselves
// rather than by probing a few made-up ARNs.
//
// The question rules ask is "does this grant reach every file system (or every access point) of some
// account and region?". IAM matches a Resource pattern against the whole ARN with '*' (any run, across
// ':' and '/') and '?' (exactly one character) ("IAM JSON policy elements: Resource", IAM User Guide).
// EFS ids are "fs-" or "fsap-" followed by 8 to 40 lower-case hex digits: the EFS API reference gives
// FileSystemId the pattern fs-[0-9a-f]{8,40} and AccessPointId fsap-[0-9a-f]{8,40} (for example
// "DescribeAccessPoints", Amazon EFS API reference); the ids EFS issues today have 8 (older) or 17 digits.
//
// A grant is judged unscoped when, for some partition, region and account and some id length n in 8..40,
// it reaches EVERY id of n hex digits of one resource type. So 'file-system/fs-????????' (every 8-digit id)
// and 'us-east-?' as the region are unscoped, while 'fs-0123*' (ids that start 0123) names a subset.
//
// Method: every pattern becomes a small automaton (a state per pattern position); all patterns run side by
// side over the candidate ARNs. The ARN is built from character classes: chosen existentially for the
// prefix (partition, region, account: some value will do) and universally for the id (every digit string
// must be reached). Sets of automaton states stand for all strings read so far that lead to them, so the
// search is exact, finite and independent of any sample ARN.
import type { ResourceElement } from './policy-document';
import { hasWildcard } from './wildcard';

/**
 * A question: do the `allow` elements, minus the `deny` elements, reach every EFS resource of one kind?
 * An absent element (a statement without Resource or NotResource) reaches every resource.
 */
export interface CoverageQuery {
  readonly allow: readonly (ResourceElement | undefined)[];
  readonly deny: readonly (ResourceElement | undefined)[];
}

/** The EFS ARN partitions ("Partitions", AWS General Reference); an unknown one is matched like these. */
const PARTITIONS = [
  'aws',
  'aws-cn',
  'aws-us-gov',
  'aws-iso',
  'aws-iso-b',
  'aws-iso-e',
  'aws-iso-f',
  'aws-eusc',
];
const REGION_CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789-';
const DIGITS = '0123456789';
const HEX = '0123456789abcdef';
/** EFS resource types whose ARNs the EFS write actions take, with the id prefix of each. */
export const EFS_RESOURCE_KINDS = [
  { type: 'file-system', idPrefix: 'fs-' },
  { type: 'access-point', idPrefix: 'fsap-' },
] as const;
const MIN_ID_DIGITS = 8;
const MAX_ID_DIGITS = 40;
/**
 * The search's budget: distinct state sets at one step, and state-set transitions computed in all.
 * Ordinary policies need a few thousand transitions; a pattern built to blow up the search (such as
 * '*0???????????????', whose automaton needs 2^16 state sets) would otherwise take seconds. Past either
 * limit the search gives up and answers "covered" (fail closed).
 */
const MAX_STATE_SETS = 2_000;
const MAX_TRANSITIONS = 20_000;

/** The patterns of all elements, laid out as one automaton: pattern i owns states offset[i]..offset[i]+len. */
class Automaton {
  readonly patterns: string[] = [];
  readonly offsets: number[] = [];
  /** Owning pattern index of each state. */
  private readonly owner: number[] = [];
  private readonly cache = new Map<string, StateSet>();
  private transitions = 0;

  constructor(patterns: readonly string[]) {
    let offset = 0;
    for (const [index, pattern] of patterns.entries()) {
      this.patterns.push(pattern);
      this.offsets.push(offset);
      for (let i = 0; i <= pattern.length; i++) this.owner.push(index);
      offset += pattern.length + 1;
    }
  }

  /** Adds `state` and the states a '*' at it may skip to (a '*' matches the empty run). */
  private close(state: number, into: Set<number>): void {
    let current = state;
    for (;;) {
      if (into.has(current)) return;
      into.add(current);
      const pattern = this.owner[current] as number;
      const local = current - (this.offsets[pattern] as number);
      if ((this.patterns[pattern] as string)[local] !== '*') return;
      current++;
    }
  }

  start(): StateSet {
    const states = new Set<number>();
    for (const offset of this.offsets) this.close(offset, states);
    return toStateSet(states);
  }

  step(from: StateSet, char: string): StateSet {
    const key = `${from.key}|${char}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    if (++this.transitions > MAX_TRANSITIONS) throw new SearchTooLarge();
    const next = new Set<number>();
    for (const state of from.states) {
      const pattern = this.owner[state] as number;
      const text = this.patterns[pattern] as string;
      const local = state - (this.offsets[pattern] as number);
      const expected = text[local];
      if (expected === undefined) continue; // at the end of the pattern: nothing more may be read
      if (expected === '*') this.close(state, next);
      else if (expected === '?' || expected === char) this.close(state + 1, next);
    }
    const result = toStateSet(next);
    this.cache.set(key, result);
    return result;
  }

  /** Whether pattern `index` has matched the whole string read so far. */
  accepts(set: StateSet, index: number): boolean {
    return set.states.has((this.offsets[index] as number) + (this.patterns[index] as string).length);
  }
}

interface StateSet {
  readonly key: string;
  readonly states: ReadonlySet<number>;
}

function toStateSet(states: Set<number>): StateSet {
  // One character per state (policies are far shorter than 65,536 characters): a compact, cheap key.
  return { key: String.fromCharCode(...Uint16Array.from(states).sort()), states };
}

class SearchTooLarge extends Error {
  override readonly name = 'SearchTooLarge';
}

/** Every state set reachable from `sets` by reading one character of `chars`. */
function stepAll(
  automaton: Automaton,
  sets: ReadonlyMap<string, StateSet>,
  chars: string,
): Map<string, StateSet> {
  const next = new Map<string, StateSet>();
  for (const set of sets.values()) {
    for (const char of chars) {
      const stepped = automaton.step(set, char);
      next.set(stepped.key, stepped);
    }
  }
  if (next.size > MAX_STATE_SETS) throw new SearchTooLarge();
  return next;
}

function sameKeys(a: ReadonlyMap<string, StateSet>, b: ReadonlyMap<string, StateSet>): boolean {
  if (a.size !== b.size) return false;
  for (const key of a.keys()) if (!b.has(key)) return false;
  return true;
}

function readLiteral(automaton: Automaton, sets: ReadonlyMap<string, StateSet>, text: string) {
  let current = new Map(sets);
  for (const char of text) current = stepAll(automaton, current, char);
  return current;
}

/** State sets after reading one or more characters of `chars` (a region name of any length). */
function readOneOrMore(automaton: Automaton, sets: ReadonlyMap<string, StateSet>, chars: string) {
  const seen = stepAll(automaton, sets, chars);
  let frontier = seen;
  while (frontier.size > 0) {
    const next = new Map<string, StateSet>();
    for (const [key, set] of stepAll(automaton, frontier, chars)) {
      if (!seen.has(key)) {
        seen.set(key, set);
        next.set(key, set);
      }
    }
    if (seen.size > MAX_STATE_SETS) throw new SearchTooLarge();
    frontier = next;
  }
  return seen;
}

/**
 * Whether `allow` minus `deny` reaches every EFS file system, or every access point, of some partition,
 * region and account: for some id length, every id of that length. Fails closed (answers true) when the
 * patterns are too intricate to decide within a fixed budget.
 */
export function coversEveryEfsResource(query: CoverageQuery): boolean {
  // Named ARNs only (the common case): a finite list cannot reach every id of any length.
  if (
    query.allow.every(
      (element) => element && !element.negated && element.patterns.every((pattern) => !hasWildcard(pattern)),
    )
  )
    return false;
  const elements = [...query.allow, ...query.deny];
  const patterns: string[] = [];
  /** Per element: its pattern indices, and whether it is a NotResource. Absent elements become '*'. */
  const layout = elements.map((element) => {
    const own = (element?.patterns ?? ['*']).map((pattern) => patterns.push(pattern) - 1);
    return { indices: own, negated: element?.negated ?? false };
  });
  // State numbers are kept as 16-bit characters; no real policy comes near that size (fail closed).
  if (patterns.reduce((total, pattern) => total + pattern.length + 1, 0) > 0xffff) return true;
  const automaton = new Automaton(patterns);
  // Characters that no pattern names literally all move the automaton alike: one of them stands for all.
  const literals = new Set(patterns.join('').replace(/[*?]/g, ''));
  const reduce = (chars: string): string => {
    const named = [...chars].filter((char) => literals.has(char));
    const other = [...chars].find((char) => !literals.has(char));
    return named.join('') + (other ?? '');
  };
  const reaches = (set: StateSet, element: (typeof layout)[number]): boolean => {
    const matched = element.indices.some((index) => automaton.accepts(set, index));
    return element.negated ? !matched : matched;
  };
  const allowCount = query.allow.length;
  const granted = (set: StateSet): boolean =>
    layout.slice(0, allowCount).some((element) => reaches(set, element)) &&
    !layout.slice(allowCount).some((element) => reaches(set, element));

  try {
    // Some partition, region and account: collect every state set the prefix can lead to.
    const start = new Map([[automaton.start().key, automaton.start()]]);
    let prefixes = new Map<string, StateSet>();
    for (const partition of PARTITIONS) {
      for (const [key, set] of readLiteral(automaton, start, `arn:${partition}:elasticfilesystem:`))
        prefixes.set(key, set);
    }
    prefixes = readOneOrMore(automaton, prefixes, reduce(REGION_CHARS));
    prefixes = readLiteral(automaton, prefixes, ':');
    const digits = reduce(DIGITS);
    for (let i = 0; i < 12; i++) prefixes = stepAll(automaton, prefixes, digits);
    prefixes = readLiteral(automaton, prefixes, ':');

    for (const prefix of prefixes.values()) {
      const hex = reduce(HEX);
      for (const kind of EFS_RESOURCE_KINDS) {
        // Every id: all state sets reachable by some digit string must grant.
        let ids = readLiteral(automaton, new Map([[prefix.key, prefix]]), `${kind.type}/${kind.idPrefix}`);
        for (let length = 1; length <= MAX_ID_DIGITS; length++) {
          const before = ids;
          ids = stepAll(automaton, ids, hex);
          const sets = [...ids.values()];
          if (length >= MIN_ID_DIGITS && sets.every(granted)) return true;
          // The same state sets as one digit earlier: every longer id gets the same answer.
          if (length >= MIN_ID_DIGITS && sameKeys(before, ids)) break;
          // Once no pattern can read further, every longer id gets the same answer.
          if (sets.every((set) => set.states.size === 0)) {
            if (sets.length > 0 && granted(sets[0] as StateSet)) return true;
            break;
          }
        }
      }
    }
    return false;
  } catch (error) {
    if (error instanceof SearchTooLarge) return true;
    throw error;
  }
}
