// Reading a snapshot file piece by piece: the security groups and network interfaces (at the
// benchmark's largest scale 200,000 items, 95% of a 140 MB file) are parsed one item at a time as the
// file streams in (layout.ts), checked and normalised at once, and each item's parsed object is let go
// before the next is made. A whole JSON.parse needs the file as one 140 MB string, makes every object of
// the file first and keeps them all until the normaliser is done: 230 MB at that scale, which the
// garbage collector copies out of the young generation and which memory must hold beside the topology.
// Everything else in the file is small and is parsed and checked whole, as before.
//
// The result is the topology the whole read gives, or nothing: on anything unusual (a layout the scan
// declines, an item the schema refuses, a repeated id, an item the normaliser refuses) the reader
// returns undefined, and the caller reads the file whole, which reports the problem exactly as it
// always has. Bad input is never judged here, only passed on.
import type { NetworkInterface, SecurityGroup, Topology } from '../../core/model';
import { SnapshotError } from '../sdk/errors';
import type { Snapshot } from './format';
import { type ByteSource, streamSnapshotLists } from './layout';
import { normaliseNetworkInterface, normaliseSnapshot } from './normalise';
import { distinctIdOrder, StringPool } from './normalise-fields';
import { normaliseSecurityGroup, PermissionPool } from './normalise-security-groups';
import { isValidNetworkInterface, isValidSecurityGroup, parseSnapshot } from './schema';
import type { FastCheck } from './schema-check';

/** The lists read piece by piece, each with the id key of its items. */
export const PIECEWISE_LISTS = {
  securityGroups: 'GroupId',
  networkInterfaces: 'NetworkInterfaceId',
} as const;

export interface PiecewiseSnapshot {
  /** The file's snapshot with its securityGroups and networkInterfaces empty: they are in the topology. */
  readonly snapshot: Snapshot;
  readonly topology: Topology;
}

/** One list's items as they are read: normalised, with their ids, in file order. */
class ListReader<T> {
  readonly ids: string[] = [];
  readonly items: T[] = [];

  constructor(
    private readonly idKey: string,
    private readonly isValid: FastCheck,
    private readonly normalise: (item: unknown) => T,
  ) {}

  /** False when the item does not parse, the schema refuses it, or its parsed id is not the scanned one. */
  read(bytes: Buffer, start: number, end: number, idStart: number, idEnd: number): boolean {
    const id = bytes.toString('utf8', idStart, idEnd);
    let item: Record<string, unknown>;
    try {
      item = JSON.parse(bytes.toString('utf8', start, end));
    } catch {
      return false;
    }
    if (item[this.idKey] !== id || !this.isValid(item)) return false;
    this.ids.push(id);
    this.items.push(this.normalise(item));
    return true;
  }

  /** The items in id order; undefined when an id is repeated (the whole read names both places). */
  inIdOrder(): T[] | undefined {
    const order = distinctIdOrder(this.ids);
    return order?.map((i) => this.items[i] as T);
  }
}

/**
 * The snapshot and topology of a snapshot file's bytes, read piece by piece; undefined when the file
 * must be read whole (see above). `name` names the file in messages of the checks run on the rest of
 * the file.
 */
export function readSnapshotPiecewise(source: ByteSource, name: string): PiecewiseSnapshot | undefined {
  if (!isValidSecurityGroup || !isValidNetworkInterface) return undefined;
  const pool = new PermissionPool();
  const strings = new StringPool();
  const groups = new ListReader<SecurityGroup>(
    PIECEWISE_LISTS.securityGroups,
    isValidSecurityGroup,
    (group) => normaliseSecurityGroup(group as Parameters<typeof normaliseSecurityGroup>[0], pool),
  );
  const interfaces = new ListReader<NetworkInterface>(
    PIECEWISE_LISTS.networkInterfaces,
    isValidNetworkInterface,
    (eni) => normaliseNetworkInterface(eni as Parameters<typeof normaliseNetworkInterface>[0], strings),
  );
  try {
    const streamed = streamSnapshotLists(source, PIECEWISE_LISTS, (list, bytes, start, end, idStart, idEnd) =>
      (list === 'securityGroups' ? groups : interfaces).read(bytes, start, end, idStart, idEnd),
    );
    if (!streamed || streamed.lists.size < 2) return undefined;
    // The rest, with each list an empty one: the scan declines a list named twice, and any top-level key
    // with an escape, so no other spelling of the key can stand in for them.
    const snapshot = parseSnapshot(JSON.parse(streamed.rest), name);
    const securityGroups = groups.inIdOrder();
    const networkInterfaces = interfaces.inIdOrder();
    if (!securityGroups || !networkInterfaces) return undefined;
    return { snapshot, topology: normaliseSnapshot(snapshot, { securityGroups, networkInterfaces }) };
  } catch (error) {
    // The rest is not JSON or not a valid snapshot, or the normaliser refused something.
    if (error instanceof SnapshotError || error instanceof SyntaxError) return undefined;
    throw error;
  }
}
