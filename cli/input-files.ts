// Reading the user's input files (--snapshot, --params), with errors that name the file and the problem.
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { SnapshotError } from '../aws/sdk/errors';
import type { Snapshot } from '../aws/snapshot/format';
import { normaliseSnapshot } from '../aws/snapshot/normalise';
import { type PiecewiseSnapshot, readSnapshotPiecewise } from '../aws/snapshot/piecewise';
import { parseSnapshot } from '../aws/snapshot/schema';
import { isSnapshotSet, parseSnapshotSet, type SnapshotSet } from '../aws/snapshot/set';
import type { Topology } from '../core/model';
import { UsageError } from './errors';

/**
 * The text of an input file, which must be UTF-8 (JSON text exchanged between systems "MUST be encoded
 * using UTF-8", RFC 8259 §8.1). A UTF-8 byte-order mark, which some Windows editors write, is dropped;
 * UTF-16 (with a byte-order mark, or JSON's tell-tale zero bytes between ASCII characters) is refused
 * with a message that says so, rather than a JSON syntax error at position 0.
 */
export function decodeInputText(
  bytes: Buffer,
  path: string,
  ErrorType: new (message: string, options?: { cause?: unknown }) => Error = UsageError,
): string {
  const [b0, b1] = [bytes[0], bytes[1]];
  const utf16 =
    (b0 === 0xff && b1 === 0xfe) ||
    (b0 === 0xfe && b1 === 0xff) ||
    (bytes.length >= 2 && ((b0 !== 0 && b1 === 0) || (b0 === 0 && b1 !== 0)));
  if (utf16) throw new ErrorType(`${path}: the file is UTF-16 encoded; save it as UTF-8`);
  const hasBom = b0 === 0xef && b1 === 0xbb && bytes[2] === 0xbf;
  return bytes.toString('utf8', hasBom ? 3 : 0);
}

/**
 * Reads an input file as UTF-8 text, with errors naming the file and the problem. One synchronous
 * read: fs/promises reads in 512 KB chunks, each a round trip to the thread pool, and took 100-170 ms
 * longer over a 140 MB snapshot, while the command has nothing else to do until the file is in.
 */
export async function readText(
  path: string,
  what: string,
  ErrorType: new (message: string, options?: { cause?: unknown }) => Error,
) {
  try {
    return decodeInputText(readFileSync(path), path, ErrorType);
  } catch (error) {
    if (error instanceof ErrorType) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'is a directory'
          : (code ?? (error as Error).message);
    throw new ErrorType(`cannot read ${what} ${path}: ${reason}`, { cause: error });
  }
}

/**
 * Snapshot files already parsed by isSnapshotSetFile, handed to the next read of the same path and
 * then forgotten: deciding which reader a file needs must not parse a 140 MB file twice, and nothing
 * may keep the parsed file alive once the scan has normalised it.
 */
const parsedSnapshots = new Map<string, unknown>();

/** A snapshot file's JSON value (taken from parsedSnapshots when isSnapshotSetFile just parsed it). */
async function readSnapshotJson(path: string): Promise<unknown> {
  if (parsedSnapshots.has(path)) {
    const value = parsedSnapshots.get(path);
    parsedSnapshots.delete(path);
    return value;
  }
  const text = await readText(path, 'snapshot', SnapshotError);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new SnapshotError(`${path}: not valid JSON (${(error as Error).message})`, { cause: error });
  }
}

/**
 * The topology of a single-account snapshot file read piece by piece (aws/snapshot/piecewise.ts), with
 * the file's snapshot less its security groups and network interfaces; undefined when it must be read
 * whole (readSnapshotFile, then normaliseSnapshotFile), which then reports any problem with the file.
 */
export function readSnapshotTopology(path: string): PiecewiseSnapshot | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined; // the whole read says why
  }
  try {
    return readSnapshotPiecewise(
      { read: (target, offset, length) => readSync(fd, target, offset, length, null) },
      path,
    );
  } catch (error) {
    // A read error (a directory, a device gone away): the whole read says what it is.
    if ((error as NodeJS.ErrnoException).code !== undefined) return undefined;
    throw error;
  } finally {
    closeSync(fd);
  }
}

/** Reads and validates a snapshot file (docs/cli.md, Snapshots). */
export async function readSnapshotFile(path: string): Promise<Snapshot> {
  return parseSnapshot(await readSnapshotJson(path), path);
}

/** Normalises a snapshot; when it came from `file`, a SnapshotError names the file before the resource. */
export function normaliseSnapshotFile(snapshot: Snapshot, file: string | undefined): Topology {
  try {
    return normaliseSnapshot(snapshot);
  } catch (error) {
    if (file && error instanceof SnapshotError)
      throw new SnapshotError(`${file}: ${error.message}`, { cause: error });
    throw error;
  }
}

/** Reads a snapshot file that may hold several account-regions (a single-account file is a set of one). */
export async function readSnapshotSetFile(path: string): Promise<SnapshotSet> {
  return parseSnapshotSet(await readSnapshotJson(path), path);
}

/**
 * True when the file is a multi-account snapshot (format efsguard-snapshot/2); false for anything else.
 * The parsed file waits for the read that follows.
 */
export async function isSnapshotSetFile(path: string): Promise<boolean> {
  try {
    const value = await readSnapshotJson(path);
    parsedSnapshots.set(path, value);
    return isSnapshotSet(value);
  } catch {
    return false; // unreadable or not JSON: the reader that follows reports it
  }
}

const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Reads a --params file: a JSON object keyed by rule id, each value an object of that rule's parameters. */
export async function readParamsFile(path: string): Promise<Record<string, Record<string, unknown>>> {
  const text = await readText(path, 'parameters file', UsageError);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${path}: not valid JSON (${(error as Error).message})`, { cause: error });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UsageError(`${path}: expected a JSON object keyed by rule id`);
  }
  const params: Record<string, Record<string, unknown>> = {};
  for (const [ruleId, ruleParams] of Object.entries(value)) {
    // JSON.parse makes "__proto__" an own key; assigned below, it would replace the prototype and slip
    // past the rule-id check. No rule id looks like these.
    if (PROTOTYPE_KEYS.has(ruleId)) {
      throw new UsageError(`${path}: ${JSON.stringify(ruleId)} is not a rule id`);
    }
    if (typeof ruleParams !== 'object' || ruleParams === null || Array.isArray(ruleParams)) {
      throw new UsageError(`${path}: the parameters of ${ruleId} must be a JSON object`);
    }
    params[ruleId] = ruleParams as Record<string, unknown>;
  }
  return params;
}
