// Where the large lists of a snapshot file lie, found in its bytes without parsing it: the piecewise
// reader (piecewise.ts) then parses each item on its own, so that no copy of the whole file's objects is
// ever made. The scan judges structure only (brackets, strings, the commas between items); the pieces it
// finds are handed to JSON.parse, which judges everything else. Whatever it cannot lay out for sure, it
// declines (undefined), and the file is read whole, as before.
//
// The work is split into small functions (a string, a value, an item) called hundreds of thousands of
// times: V8 compiles those early. One loop over the whole 140 MB file ran in slower code for most of it
// and took 770-860 ms where these take about half.

/** One top-level list: its value's bytes, and each item's bytes and id. */
export interface ListLayout {
  /** The array value, from its '[' to one past its ']'. */
  readonly start: number;
  readonly end: number;
  /** Each item, from its '{' to one past its '}'. */
  readonly itemStarts: readonly number[];
  readonly itemEnds: readonly number[];
  /** Each item's id: the content of the string value of its id key, without the quotes. */
  readonly idStarts: readonly number[];
  readonly idEnds: readonly number[];
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

/** JSON's four whitespace bytes (RFC 8259 §2): space, tab, line feed, carriage return. */
const isWhitespace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/** A byte of a number, true, false or null: a letter, a digit, '+', '-' or '.'. */
const isScalarByte = (c: number) =>
  (c >= 0x30 && c <= 0x39) ||
  (c >= 0x61 && c <= 0x7a) ||
  (c >= 0x41 && c <= 0x5a) ||
  c === 0x2b ||
  c === 0x2d ||
  c === 0x2e;

/** The first byte at or after `i` that is not whitespace (bytes.length at the end). */
function skipWhitespace(bytes: Uint8Array, i: number): number {
  while (i < bytes.length && isWhitespace(bytes[i] as number)) i++;
  return i;
}

/**
 * One past the closing quote of the string whose content starts at `start`, negated when the string
 * holds an escape; 0 when it never closes.
 */
function stringEnd(bytes: Uint8Array, start: number): number {
  const n = bytes.length;
  let escaped = false;
  let i = start;
  while (i < n) {
    const c = bytes[i++] as number;
    if (c === QUOTE) return escaped ? -i : i;
    if (c === BACKSLASH) {
      escaped = true;
      i++;
    }
  }
  return 0;
}

/**
 * One past the end of the object or array that opens at `start`, by its brackets outside strings; 0
 * when it never closes. Whatever lies inside is for JSON.parse to judge.
 */
function containerEnd(bytes: Uint8Array, start: number): number {
  const n = bytes.length;
  let depth = 0;
  let i = start;
  while (i < n) {
    const c = bytes[i] as number;
    if (c === QUOTE) {
      const after = stringEnd(bytes, i + 1);
      if (after === 0) return 0;
      i = after < 0 ? -after : after;
      continue;
    }
    if (c === OPEN_OBJECT || c === OPEN_ARRAY) depth++;
    else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      depth--;
      if (depth === 0) return i + 1;
    }
    i++;
  }
  return 0;
}

/** Does `bytes[start, end)` hold exactly the ASCII text `text`? */
function bytesEqual(bytes: Uint8Array, start: number, end: number, text: string): boolean {
  if (end - start !== text.length) return false;
  for (let i = 0; i < text.length; i++) if (bytes[start + i] !== text.charCodeAt(i)) return false;
  return true;
}

/** Where scanItem leaves the id it found. */
interface FoundId {
  start: number;
  end: number;
}

/**
 * One past the end of the item object that opens at `start`, its id's content in `id`; 0 when the item
 * lacks its id key, has it twice, or has it with anything but a string without escapes (or never ends).
 */
function scanItem(bytes: Uint8Array, start: number, idKey: string, id: FoundId): number {
  const n = bytes.length;
  let depth = 0;
  let keyNext = false;
  let idNext = false;
  let found = false;
  let i = start;
  while (i < n) {
    const c = bytes[i] as number;
    if (c === QUOTE) {
      const after = stringEnd(bytes, i + 1);
      if (after === 0) return 0;
      const end = (after < 0 ? -after : after) - 1;
      if (depth === 1) {
        if (idNext) {
          if (after < 0) return 0;
          id.start = i + 1;
          id.end = end;
          idNext = false;
          found = true;
        } else if (keyNext) {
          keyNext = false;
          if (bytesEqual(bytes, i + 1, end, idKey)) {
            if (found) return 0;
            idNext = true;
          }
        }
      }
      i = end + 1;
      continue;
    }
    if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (idNext) return 0;
      depth++;
      if (depth === 1) keyNext = true;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      depth--;
      if (depth === 0) return found ? i + 1 : 0;
    } else if (c === COMMA) {
      if (depth === 1) keyNext = true;
    } else if (idNext && c !== COLON && !isWhitespace(c)) {
      return 0; // a number, true, false or null
    }
    i++;
  }
  return 0;
}

/**
 * The layout of the list whose '[' is at `start`: its items must be objects with one comma and
 * whitespace between them. Undefined otherwise.
 */
function scanList(bytes: Uint8Array, start: number, idKey: string): ListLayout | undefined {
  const itemStarts: number[] = [];
  const itemEnds: number[] = [];
  const idStarts: number[] = [];
  const idEnds: number[] = [];
  const id: FoundId = { start: 0, end: 0 };
  let i = skipWhitespace(bytes, start + 1);
  if (bytes[i] !== CLOSE_ARRAY) {
    for (;;) {
      if (bytes[i] !== OPEN_OBJECT) return undefined;
      const end = scanItem(bytes, i, idKey, id);
      if (end === 0) return undefined;
      itemStarts.push(i);
      itemEnds.push(end);
      idStarts.push(id.start);
      idEnds.push(id.end);
      i = skipWhitespace(bytes, end);
      if (bytes[i] === CLOSE_ARRAY) break;
      if (bytes[i] !== COMMA) return undefined;
      i = skipWhitespace(bytes, i + 1);
    }
  }
  return { start, end: i + 1, itemStarts, itemEnds, idStarts, idEnds };
}

/**
 * The layout of the top-level lists named in `lists` (list name -> the id key of its items), in a JSON
 * object that starts at `from`. Undefined when the bytes are not laid out as this reader needs: not an
 * object, a named list given twice or not as an array, an item that is not an object or lacks its id
 * key (or has it twice, or not as a plain string), a top-level key with an escape, or anything but one
 * comma and whitespace between items. A list not in the file is absent from the result.
 */
export function scanListLayout(
  bytes: Uint8Array,
  from: number,
  lists: Readonly<Record<string, string>>,
): Map<string, ListLayout> | undefined {
  const names = Object.keys(lists);
  const found = new Map<string, ListLayout>();
  let i = skipWhitespace(bytes, from);
  if (bytes[i] !== OPEN_OBJECT) return undefined;
  i = skipWhitespace(bytes, i + 1);
  if (bytes[i] === CLOSE_OBJECT) return found;
  for (;;) {
    // A member: its key, a colon, its value.
    if (bytes[i] !== QUOTE) return undefined;
    const after = stringEnd(bytes, i + 1);
    if (after <= 0) return undefined; // unclosed, or a key with an escape
    const name = names.find((candidate) => bytesEqual(bytes, i + 1, after - 1, candidate));
    i = skipWhitespace(bytes, after);
    if (bytes[i] !== COLON) return undefined;
    i = skipWhitespace(bytes, i + 1);
    const c = bytes[i];
    if (name !== undefined) {
      if (c !== OPEN_ARRAY || found.has(name)) return undefined;
      const list = scanList(bytes, i, lists[name] as string);
      if (!list) return undefined;
      found.set(name, list);
      i = list.end;
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      i = containerEnd(bytes, i);
      if (i === 0) return undefined;
    } else if (c === QUOTE) {
      const end = stringEnd(bytes, i + 1);
      if (end === 0) return undefined;
      i = end < 0 ? -end : end;
    } else {
      // A number, true, false or null: its letters, digits and signs; JSON.parse judges the token.
      const start = i;
      while (i < bytes.length && isScalarByte(bytes[i] as number)) i++;
      if (i === start) return undefined;
    }
    i = skipWhitespace(bytes, i);
    if (bytes[i] === CLOSE_OBJECT) break;
    if (bytes[i] !== COMMA) return undefined;
    i = skipWhitespace(bytes, i + 1);
  }
  // Only whitespace may follow the object.
  return skipWhitespace(bytes, i + 1) === bytes.length ? found : undefined;
}
