// Which ids of a list repeat an earlier one, for the snapshot check (schema.ts findDuplicateIds).

/**
 * For each id equal to an earlier one: its index and the index of the first copy, in list order.
 * Undefined entries (items without an id) are skipped.
 *
 * One table, sized up front for the whole list: open addressing over an Int32Array of indices, at most
 * half full. A Set grows its table about 17 times on the way to 160,000 members (the interfaces of a
 * scale-16 account), each time on fresh memory, and took 90-110 ms for them here, where this takes
 * about 25 ms.
 */
export function repeatedIds(ids: readonly (string | undefined)[]): [index: number, first: number][] {
  let size = 8;
  while (size < ids.length * 2) size *= 2;
  const mask = size - 1;
  const slots = new Int32Array(size).fill(-1);
  const repeats: [number, number][] = [];
  for (let index = 0; index < ids.length; index++) {
    const id = ids[index];
    if (id === undefined) continue;
    let slot = fnv1a(id) & mask;
    for (;;) {
      const held = slots[slot] as number;
      if (held === -1) {
        slots[slot] = index;
        break;
      }
      if (ids[held] === id) {
        repeats.push([index, held]);
        break;
      }
      slot = (slot + 1) & mask;
    }
  }
  return repeats;
}

/** 32-bit FNV-1a over the UTF-16 code units. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}
