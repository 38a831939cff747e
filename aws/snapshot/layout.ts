// The large lists of a snapshot file, found in its bytes as they stream in, without parsing the file:
// the piecewise reader (piecewise.ts) is handed each item of them in turn, to parse on its own, so no
// copy of the whole file, as text or as objects, is ever made. The scan judges structure only
// (brackets, strings, the commas between items); the pieces it hands on go to JSON.parse, which judges
// everything else. Whatever it cannot lay out for sure, it declines (undefined), and the file is read
// whole, as before.
//
// The bytes come through a window of about a megabyte, refilled as the scan moves on: reading a 140 MB
// file whole into fresh memory took 580-620 ms here, and the first pass over those bytes about 350 ms
// more than a second pass, where streaming them through one buffer takes about 140 ms in all.
//
// The work is split into small functions (a string, a value, an item) called hundreds of thousands of
// times: V8 compiles those early. One loop over the whole 140 MB file ran in slower code for most of it.

/** Where a snapshot file's bytes come from, in order. */
export interface ByteSource {
  /** Reads up to `length` bytes into `target` at `offset`; 0 at the end. */
  read(target: Buffer, offset: number, length: number): number;
}

/**
 * One item of a named list, as the scan found it: its bytes are `bytes[start, end)` and its id's content
 * (without the quotes) `bytes[idStart, idEnd)`, valid only during the call. Returns false to stop the
 * scan (it then declines).
 */
export type ItemSink = (
  list: string,
  bytes: Buffer,
  start: number,
  end: number,
  idStart: number,
  idEnd: number,
) => boolean;

export interface StreamedSnapshot {
  /** The file's JSON text with each named list that it holds replaced by `[]`. */
  readonly rest: string;
  /** The named lists the file holds. */
  readonly lists: ReadonlySet<string>;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
/** A unit (string, value, item) that the bytes in the window end inside of. */
const MORE = 0;
/** A unit laid out as the scan does not accept. */
const DECLINE = -1;

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

/**
 * One past the closing quote of the string whose content starts at `start`, negated when the string
 * holds an escape; MORE when it does not close before `n`.
 */
function stringEnd(bytes: Buffer, n: number, start: number): number {
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
  return MORE;
}

/** Does `bytes[start, end)` hold exactly the ASCII text `text`? */
function bytesEqual(bytes: Buffer, start: number, end: number, text: string): boolean {
  if (end - start !== text.length) return false;
  for (let i = 0; i < text.length; i++) if (bytes[start + i] !== text.charCodeAt(i)) return false;
  return true;
}

/** Where valueEnd leaves the id it found. */
interface FoundId {
  start: number;
  end: number;
}

/**
 * One past the end of the object or array that opens at `start`, by its brackets outside strings; MORE
 * when it does not end before `n`. Whatever lies inside is for JSON.parse to judge. With `idKey`, the
 * value is a list item, whose id's content it leaves in `id`: DECLINE when the item lacks its id key,
 * has it twice, or has it with anything but a string without escapes.
 */
function valueEnd(bytes: Buffer, n: number, start: number, idKey?: string, id?: FoundId): number {
  let depth = 0;
  let keyNext = false;
  let idNext = false;
  let found = false;
  let i = start;
  while (i < n) {
    const c = bytes[i] as number;
    if (c === QUOTE) {
      const after = stringEnd(bytes, n, i + 1);
      if (after === MORE) return MORE;
      const end = (after < 0 ? -after : after) - 1;
      if (depth === 1 && idKey !== undefined) {
        if (idNext) {
          if (after < 0 || !id) return DECLINE;
          id.start = i + 1;
          id.end = end;
          idNext = false;
          found = true;
        } else if (keyNext) {
          keyNext = false;
          if (bytesEqual(bytes, i + 1, end, idKey)) {
            if (found) return DECLINE;
            idNext = true;
          }
        }
      }
      i = end + 1;
      continue;
    }
    if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (idNext) return DECLINE;
      depth++;
      if (depth === 1) keyNext = true;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      depth--;
      if (depth === 0) return found || idKey === undefined ? i + 1 : DECLINE;
    } else if (c === COMMA) {
      if (depth === 1) keyNext = true;
    } else if (idNext && c !== COLON && !isWhitespace(c)) {
      return DECLINE; // a number, true, false or null
    }
    i++;
  }
  return MORE;
}

/**
 * The window onto the source: `bytes[0, end)` holds the file's bytes from some position on. `more(keep)`
 * drops the bytes before `keep`, moves the rest to the front, and reads on (growing the buffer when the
 * kept bytes fill it); it returns how far it moved them, or -1 at the end of the file.
 */
class Window {
  bytes: Buffer;
  end = 0;
  private done = false;

  constructor(
    private readonly source: ByteSource,
    size: number,
  ) {
    this.bytes = Buffer.allocUnsafe(size);
  }

  more(keep: number): number {
    if (this.done) return -1;
    const kept = this.end - keep;
    if (kept === this.bytes.length) {
      const larger = Buffer.allocUnsafe(this.bytes.length * 2);
      this.bytes.copy(larger, 0, keep, this.end);
      this.bytes = larger;
    } else if (keep > 0) {
      this.bytes.copy(this.bytes, 0, keep, this.end);
    }
    this.end = kept;
    const read = this.source.read(this.bytes, this.end, this.bytes.length - this.end);
    if (read === 0) this.done = true;
    this.end += read;
    return read === 0 ? -1 : keep;
  }
}

/**
 * Streams a snapshot file: hands each item of the top-level lists named in `lists` (list name -> the id
 * key of its items) to `onItem`, in file order, and returns the rest of the file's text. Undefined when
 * the bytes are not laid out as this reader needs: not a JSON object (after a UTF-8 byte-order mark, if
 * any), a named list given twice or not as an array, an item that is not an object or lacks its id key
 * (or has it twice, or not as a plain string), a top-level key with an escape, or anything but one
 * comma and whitespace between items; or when `onItem` returns false. `chunk` is the window's first size.
 */
export function streamSnapshotLists(
  source: ByteSource,
  lists: Readonly<Record<string, string>>,
  onItem: ItemSink,
  chunk = 1 << 20,
): StreamedSnapshot | undefined {
  const names = Object.keys(lists);
  const found = new Set<string>();
  const members: string[] = [];
  const window = new Window(source, chunk);
  const id: FoundId = { start: 0, end: 0 };
  let i = 0;
  /** The next byte that is not whitespace, reading on as needed; undefined at the end of the file. */
  const next = (): number | undefined => {
    for (;;) {
      while (i < window.end && isWhitespace(window.bytes[i] as number)) i++;
      if (i < window.end) return window.bytes[i];
      const moved = window.more(i);
      if (moved < 0) return undefined;
      i -= moved;
    }
  };
  /** Ends the unit `scan` lays out from `i`, reading on while it says MORE; DECLINE at the end of the file. */
  const unit = (scan: (bytes: Buffer, n: number, start: number) => number): number => {
    for (;;) {
      const end = scan(window.bytes, window.end, i);
      if (end !== MORE) return end;
      const moved = window.more(i);
      if (moved < 0) return DECLINE;
      i -= moved;
    }
  };

  /**
   * Walks `each` over the elements of the object or array just opened, which must be separated by one
   * comma each and closed by `close` (consumed); false on anything else, or when `each` says false.
   */
  const elements = (close: number, each: () => boolean): boolean => {
    if (next() !== close) {
      for (;;) {
        if (!each()) return false;
        const after = next();
        if (after === close) break;
        if (after !== COMMA) return false;
        i++;
      }
    }
    i++;
    return true;
  };

  /** One member of the top-level object: its key, a colon, its value. */
  const member = (): boolean => {
    if (next() !== QUOTE) return false;
    const keyEnd = unit((bytes, n, start) => stringEnd(bytes, n, start + 1));
    if (keyEnd <= 0) return false; // unclosed, or a key with an escape
    const key = window.bytes.toString('utf8', i, keyEnd);
    const name = names.find((candidate) => bytesEqual(window.bytes, i + 1, keyEnd - 1, candidate));
    i = keyEnd;
    if (next() !== COLON) return false;
    i++;
    const c = next();
    if (name !== undefined) {
      if (c !== OPEN_ARRAY || found.has(name)) return false;
      found.add(name);
      i++;
      const idKey = lists[name] as string;
      const item = (bytes: Buffer, n: number, start: number) => valueEnd(bytes, n, start, idKey, id);
      // The items: objects, one comma and whitespace between them.
      const read = elements(CLOSE_ARRAY, () => {
        if (next() !== OPEN_OBJECT) return false;
        const end = unit(item);
        if (end === DECLINE || !onItem(name, window.bytes, i, end, id.start, id.end)) return false;
        i = end;
        return true;
      });
      members.push(`${key}:[]`);
      return read;
    }
    let end: number;
    if (c === OPEN_OBJECT || c === OPEN_ARRAY) end = unit((bytes, n, at) => valueEnd(bytes, n, at));
    else if (c === QUOTE) {
      end = unit((bytes, n, at) => stringEnd(bytes, n, at + 1));
      if (end < 0 && end !== DECLINE) end = -end;
    } else {
      // A number, true, false or null: its letters, digits and signs; JSON.parse judges the token.
      end = unit((bytes, n, at) => {
        let j = at;
        while (j < n && isScalarByte(bytes[j] as number)) j++;
        return j < n ? (j === at ? DECLINE : j) : MORE;
      });
    }
    if (end === DECLINE) return false;
    // `unit` moved `i` along with the window: it is still where the value starts.
    members.push(`${key}:${window.bytes.toString('utf8', i, end)}`);
    i = end;
    return true;
  };

  // At least the three bytes a byte-order mark would take, unless the file is shorter.
  while (window.end < 3 && window.more(0) >= 0) {}
  const bom = window.bytes[0] === 0xef && window.bytes[1] === 0xbb && window.bytes[2] === 0xbf;
  if (bom) i = 3;
  if (next() !== OPEN_OBJECT) return undefined;
  i++;
  if (!elements(CLOSE_OBJECT, member)) return undefined;
  // Only whitespace may follow the object.
  if (next() !== undefined) return undefined;
  return { rest: `{${members.join(',')}}`, lists: found };
}
