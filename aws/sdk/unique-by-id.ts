// The one rule for a resource id that a listing returns more than once (docs/cli.md, "What validation
// accepts and refuses").
import { isDeepStrictEqual } from 'node:util';
import { EfsguardError } from '../../core/errors';

/** A listing returned one resource id twice with different contents: which copy is current is unknown. */
export class ConflictingDuplicateError extends EfsguardError {
  override readonly name = 'ConflictingDuplicateError';
  constructor(
    readonly action: string,
    readonly id: string,
  ) {
    super(
      `${action} returned ${id} twice with different contents (it changed while being listed); ` +
        'efsguard cannot tell which is current, so the load fails: run it again',
    );
  }
}

/**
 * The one rule for a resource id that a listing returns more than once (pages that overlap while the
 * account changes, or several filter chunks matching the same item): identical copies are merged into
 * one; copies that differ fail the load (ConflictingDuplicateError), since keeping either could hide
 * the one that matters. Items without an id are kept as they are.
 */
export class UniqueById<T> {
  private readonly seen = new Map<string, T>();
  readonly items: T[] = [];

  constructor(
    private readonly action: string,
    private readonly idOf: (item: T) => string | undefined,
  ) {}

  add(item: T): void {
    const id = this.idOf(item);
    if (id !== undefined) {
      const earlier = this.seen.get(id);
      if (earlier !== undefined) {
        if (!isDeepStrictEqual(earlier, item)) throw new ConflictingDuplicateError(this.action, id);
        return;
      }
      this.seen.set(id, item);
    }
    this.items.push(item);
  }

  addAll(items: Iterable<T>): void {
    for (const item of items) this.add(item);
  }
}
