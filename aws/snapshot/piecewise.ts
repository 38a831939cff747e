// Reading a snapshot file piece by piece: the security groups and network interfaces (at the
// benchmark's largest scale 200,000 items, 95% of a 140 MB file) are parsed one item at a time, checked
// and normalised at once, and each item's parsed object is let go before the next is made. A whole
// JSON.parse makes every object of the file first and keeps them all until the normaliser is done:
// 230 MB at that scale, which the garbage collector copies out of the young generation and which
// memory must hold beside the topology. Everything else in the file is small and is parsed and checked
// whole, as before.
//
// The result is the topology the whole read gives, or nothing: on anything unusual (a layout the scan
// declines, an item the schema refuses, a repeated id, an item the normaliser refuses) the reader
// returns undefined, and the caller reads the file whole, which reports the problem exactly as it
// always has. Bad input is never judged here, only passed on.
import type { NetworkInterface, SecurityGroup, Topology } from '../../core/model';
import { SnapshotError } from '../sdk/errors';
import type { Snapshot } from './format';
import { type ListLayout, scanListLayout } from './layout';
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

/**
 * The snapshot and topology of a snapshot file's bytes, the JSON text starting at `start` (past any
 * byte-order mark), read piece by piece; undefined when the file must be read whole (see above).
 * `source` names the file in messages of the checks it runs on the rest of the file. `layout` is
 * where the lists lie (scanListLayout).
 */
export function readSnapshotPiecewise(
  bytes: Buffer,
  start: number,
  source: string,
  // Given by the benchmark, which times the scan on its own.
  layout = scanListLayout(bytes, start, PIECEWISE_LISTS),
): PiecewiseSnapshot | undefined {
  if (!isValidSecurityGroup || !isValidNetworkInterface) return undefined;
  const groups = layout?.get('securityGroups');
  const interfaces = layout?.get('networkInterfaces');
  if (!groups || !interfaces) return undefined;

  // The rest of the file, each list replaced by an empty one, is parsed and checked whole first: if it
  // is not a valid snapshot, nothing more is read.
  const [first, second] = groups.start < interfaces.start ? [groups, interfaces] : [interfaces, groups];
  const rest =
    `${bytes.toString('utf8', start, first.start)}[]` +
    `${bytes.toString('utf8', first.end, second.start)}[]${bytes.toString('utf8', second.end)}`;
  let snapshot: Snapshot;
  try {
    snapshot = parseSnapshot(JSON.parse(rest), source);
  } catch {
    return undefined;
  }
  // The rest's lists are the empty ones put in: the scan declines a list named twice, and any top-level
  // key with an escape, so no other spelling of the key can stand in for them (JSON.parse keeps the last
  // of two equal keys).

  try {
    const pool = new PermissionPool();
    const strings = new StringPool();
    const securityGroups = readItems<SecurityGroup>(
      bytes,
      groups,
      PIECEWISE_LISTS.securityGroups,
      isValidSecurityGroup,
      (group) => normaliseSecurityGroup(group as Parameters<typeof normaliseSecurityGroup>[0], pool),
    );
    if (!securityGroups) return undefined;
    const networkInterfaces = readItems<NetworkInterface>(
      bytes,
      interfaces,
      PIECEWISE_LISTS.networkInterfaces,
      isValidNetworkInterface,
      (eni) => normaliseNetworkInterface(eni as Parameters<typeof normaliseNetworkInterface>[0], strings),
    );
    if (!networkInterfaces) return undefined;
    return { snapshot, topology: normaliseSnapshot(snapshot, { securityGroups, networkInterfaces }) };
  } catch (error) {
    if (error instanceof SnapshotError) return undefined;
    throw error;
  }
}

/**
 * The items of one list, normalised, in id order, each parsed and checked on its own; undefined when an
 * item does not parse, the schema refuses it, its parsed id is not the one the scan found, or an id is
 * repeated. Made in id order, the normalised items lie in memory in the order the rules walk them.
 */
function readItems<T>(
  bytes: Buffer,
  list: ListLayout,
  idKey: string,
  isValid: FastCheck,
  normalise: (item: unknown) => T,
): T[] | undefined {
  const count = list.itemStarts.length;
  const ids: string[] = new Array(count);
  for (let i = 0; i < count; i++) {
    ids[i] = bytes.toString('utf8', list.idStarts[i] as number, list.idEnds[i] as number);
  }
  // A repeated id: the whole read names both places.
  const order = distinctIdOrder(ids);
  if (!order) return undefined;
  const items: T[] = new Array(count);
  for (let k = 0; k < count; k++) {
    const i = order[k] as number;
    let item: Record<string, unknown>;
    try {
      item = JSON.parse(bytes.toString('utf8', list.itemStarts[i] as number, list.itemEnds[i] as number));
    } catch {
      return undefined;
    }
    if (item[idKey] !== ids[i] || !isValid(item)) return undefined;
    items[k] = normalise(item);
  }
  return items;
}
