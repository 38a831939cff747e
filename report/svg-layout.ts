// The layout of one file system's picture (report/svg.ts draws it): which nodes stand in each column
// (one per resource, or grouped when a file system is large: clients by subnet and security groups,
// mount targets by Availability Zone), where they stand, and the edges between them with their reasons.
import type { FileSystemView, PathView } from './topology-view';

/** Above these counts the picture groups nodes instead of drawing one per resource. */
export const CLIENT_LIMIT = 12;
export const MOUNT_TARGET_LIMIT = 16;
/** At most this many client groups; the smallest ones without blocked paths merge into one node. */
export const CLIENT_GROUP_LIMIT = 30;

const NODE_W = 300;
export const NODE_H = 54;
const GAP = 14;
export const TOP = 36;
export const X_LEFT = 16;
/** Between the left column and the mount targets: room for the reasons written beside each node. */
const LANE = 330;
export const X_MID = X_LEFT + NODE_W + LANE;
export const X_RIGHT = X_MID + NODE_W + 80;
const FS_W = 190;
export const WIDTH = X_RIGHT + FS_W + 16;
const LINE_CHARS = 46;

export function short(text: string, max = LINE_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export interface Node {
  readonly key: string;
  readonly kind: 'client' | 'client-group' | 'source' | 'mount-target' | 'mount-target-group' | 'file-system';
  readonly status?: 'exposing' | 'allowed' | 'blocked';
  readonly lines: readonly string[];
  readonly title: string;
  /** Resource ids the node stands for (data-* attributes for tests and for people). */
  readonly members: readonly string[];
  x: number;
  y: number;
  w: number;
}

export interface Edge {
  readonly from: Node;
  readonly to: Node;
  readonly kind: 'allowed' | 'blocked' | 'exposing' | 'source' | 'member';
  readonly label: string;
  readonly reasons: readonly string[];
  readonly title: string;
  readonly clients: readonly string[];
  readonly mountTargets: readonly string[];
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function groupClients(view: FileSystemView, blockedClients: ReadonlySet<string>): Node[] {
  if (view.clients.length <= CLIENT_LIMIT) {
    return view.clients.map((client) => ({
      key: client.id,
      kind: 'client',
      ...(blockedClients.has(client.id) ? { status: 'blocked' as const } : {}),
      lines: [
        `${client.id}  ${client.address}`,
        short(client.label),
        short(`${client.groupIds.join(', ')} · ${client.subnetId} · ${client.availabilityZone}`),
      ],
      title: `client ${client.id} (${client.label}) ${client.address} in ${client.subnetId}, ${client.availabilityZone}; groups ${client.groupIds.join(', ')}`,
      members: [client.id],
      x: X_LEFT,
      y: 0,
      w: NODE_W,
    }));
  }
  const groups = new Map<string, { subnet: string; az: string; groups: string; ids: string[] }>();
  for (const client of view.clients) {
    const key = `${client.subnetId}|${client.groupIds.join(',')}`;
    const group = groups.get(key);
    if (group) group.ids.push(client.id);
    else
      groups.set(key, {
        subnet: client.subnetId,
        az: client.availabilityZone,
        groups: client.groupIds.join(', '),
        ids: [client.id],
      });
  }
  let list = [...groups.entries()].map(([key, group]) => ({
    key,
    ...group,
    blocked: group.ids.some((id) => blockedClients.has(id)),
  }));
  if (list.length > CLIENT_GROUP_LIMIT) {
    list.sort((a, b) => Number(b.blocked) - Number(a.blocked) || b.ids.length - a.ids.length);
    const kept = list.slice(0, CLIENT_GROUP_LIMIT - 1);
    const rest = list.slice(CLIENT_GROUP_LIMIT - 1);
    kept.push({
      key: 'other',
      subnet: `${plural(new Set(rest.map((group) => group.subnet)).size, 'subnet')}`,
      az: 'several AZs',
      groups: `${plural(rest.length, 'group combination')}`,
      ids: rest.flatMap((group) => group.ids),
      blocked: rest.some((group) => group.blocked),
    });
    list = kept;
  }
  return list.map((group) => ({
    key: `clients:${group.key}`,
    kind: 'client-group',
    ...(group.blocked ? { status: 'blocked' as const } : {}),
    lines: [plural(group.ids.length, 'client'), short(`${group.subnet} · ${group.az}`), short(group.groups)],
    title: `${plural(group.ids.length, 'client')} in ${group.subnet} (${group.az}) with groups ${group.groups}: ${group.ids.slice(0, 20).join(', ')}${group.ids.length > 20 ? ', …' : ''}`,
    members: group.ids,
    x: X_LEFT,
    y: 0,
    w: NODE_W,
  }));
}

function groupMountTargets(view: FileSystemView): Node[] {
  if (view.mountTargets.length <= MOUNT_TARGET_LIMIT) {
    return view.mountTargets.map((mt) => ({
      key: mt.id,
      kind: 'mount-target',
      lines: [
        `${mt.id}  ${mt.address}`,
        short(`${mt.subnetId} · ${mt.availabilityZone}`),
        short(mt.groups.map((group) => (group.name ? `${group.id} (${group.name})` : group.id)).join(', ')),
      ],
      title: `mount target ${mt.id} ${mt.address} in ${mt.subnetId}, ${mt.availabilityZone}; groups ${mt.groups.map((group) => group.id).join(', ')}`,
      members: [mt.id],
      x: X_MID,
      y: 0,
      w: NODE_W,
    }));
  }
  const byAz = new Map<string, (typeof view.mountTargets)[number][]>();
  for (const mt of view.mountTargets)
    byAz.set(mt.availabilityZone, [...(byAz.get(mt.availabilityZone) ?? []), mt]);
  return [...byAz.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([az, mts]) => {
      const groups = [...new Set(mts.flatMap((mt) => mt.groups.map((group) => group.id)))];
      return {
        key: `mount-targets:${az}`,
        kind: 'mount-target-group',
        lines: [
          `${az}: ${plural(mts.length, 'mount target')}`,
          short(plural(new Set(mts.map((mt) => mt.subnetId)).size, 'subnet')),
          short(groups.join(', ')),
        ],
        title: `${plural(mts.length, 'mount target')} in ${az}: ${mts.map((mt) => `${mt.id} (${mt.subnetId})`).join(', ')}`,
        members: mts.map((mt) => mt.id),
        x: X_MID,
        y: 0,
        w: NODE_W,
      };
    });
}

function stack(nodes: Node[], height: number): void {
  const used = nodes.length * NODE_H + Math.max(0, nodes.length - 1) * GAP;
  let y = TOP + Math.max(0, (height - used) / 2);
  for (const node of nodes) {
    node.y = y;
    y += NODE_H + GAP;
  }
}

function aggregatePaths(
  paths: readonly PathView[],
  clientNode: ReadonlyMap<string, Node>,
  mtNode: ReadonlyMap<string, Node>,
): Edge[] {
  const edges = new Map<
    string,
    {
      from: Node;
      to: Node;
      kind: 'allowed' | 'blocked';
      reasons: Map<string, number>;
      clients: Set<string>;
      mts: Set<string>;
      count: number;
    }
  >();
  for (const path of paths) {
    const from = clientNode.get(path.clientId);
    const to = mtNode.get(path.mountTargetId);
    if (!from || !to) continue;
    const key = `${from.key}|${to.key}|${path.status}`;
    let edge = edges.get(key);
    if (!edge) {
      edge = {
        from,
        to,
        kind: path.status,
        reasons: new Map(),
        clients: new Set(),
        mts: new Set(),
        count: 0,
      };
      edges.set(key, edge);
    }
    edge.count += 1;
    edge.clients.add(path.clientId);
    edge.mts.add(path.mountTargetId);
    for (const reason of path.reasons) edge.reasons.set(reason, (edge.reasons.get(reason) ?? 0) + 1);
  }
  return [...edges.values()].map((edge) => {
    const reasons = [...edge.reasons.keys()];
    const many = edge.count > 1 ? `${edge.count} paths: ` : '';
    const label =
      edge.kind === 'blocked'
        ? `${many}${reasons[0] ?? 'blocked'}${reasons.length > 1 ? ` (+${reasons.length - 1})` : ''}`
        : edge.count > 1
          ? `${edge.count} paths`
          : '';
    return {
      from: edge.from,
      to: edge.to,
      kind: edge.kind,
      label,
      reasons,
      title: `${edge.kind === 'blocked' ? 'NFS blocked' : 'NFS allowed'}: ${[...edge.clients].slice(0, 10).join(', ')}${edge.clients.size > 10 ? ', …' : ''} → ${[...edge.mts].slice(0, 10).join(', ')}${edge.mts.size > 10 ? ', …' : ''}${reasons.length ? `. ${reasons.join('; ')}` : ''}`,
      clients: [...edge.clients],
      mountTargets: [...edge.mts],
    };
  });
}

/** A file system's picture laid out: the nodes of each column in place, and every edge between them. */
export interface Layout {
  /** Source networks (exposing first) and clients. */
  readonly left: readonly Node[];
  readonly mountTargets: readonly Node[];
  readonly fileSystem: Node;
  readonly edges: readonly Edge[];
  /** The reasons of each node's blocked or exposing edges, written once beside the node. */
  readonly reasonsByNode: ReadonlyMap<Node, { kind: 'blocked' | 'exposing'; reasons: string[] }>;
  /** Height of the tallest column. */
  readonly height: number;
}

export function layoutFileSystem(view: FileSystemView): Layout {
  const blockedClients = new Set(
    view.paths.filter((path) => path.status === 'blocked').map((path) => path.clientId),
  );
  const sources: Node[] = view.sources.map((source) => ({
    key: `source:${source.id}`,
    kind: 'source',
    status: source.status,
    lines: [
      short(source.label),
      source.status === 'exposing' ? 'source network: EXPOSES NFS' : 'source network',
      short(source.reason),
    ],
    title: source.reason,
    members: [source.id],
    x: X_LEFT,
    y: 0,
    w: NODE_W,
  }));
  const clients = groupClients(view, blockedClients);
  const mts = groupMountTargets(view);
  const fsNode: Node = {
    key: view.id,
    kind: 'file-system',
    lines: [view.id, short(view.name ?? '', 24), plural(view.mountTargets.length, 'mount target')],
    title: `file system ${view.id}${view.name ? ` (${view.name})` : ''}`,
    members: [view.id],
    x: X_RIGHT,
    y: 0,
    w: FS_W,
  };
  const left = [
    ...sources.filter((s) => s.status === 'exposing'),
    ...sources.filter((s) => s.status !== 'exposing'),
    ...clients,
  ];
  const rows = Math.max(left.length, mts.length, 1);
  const height = rows * NODE_H + (rows - 1) * GAP;
  stack(left, height);
  stack(mts, height);
  stack([fsNode], height);

  const clientNode = new Map<string, Node>();
  for (const node of clients) for (const id of node.members) clientNode.set(id, node);
  const mtNode = new Map<string, Node>();
  for (const node of mts) for (const id of node.members) mtNode.set(id, node);

  const edges: Edge[] = aggregatePaths(view.paths, clientNode, mtNode);
  for (const [i, source] of view.sources.entries()) {
    const from = sources[i];
    if (!from) continue;
    const targets = [...new Set(source.mountTargetIds.flatMap((id) => mtNode.get(id) ?? []))];
    for (const to of targets) {
      edges.push({
        from,
        to,
        kind: source.status === 'exposing' ? 'exposing' : 'source',
        label: source.status === 'exposing' ? source.reason : '',
        reasons: source.status === 'exposing' ? [source.reason] : [],
        title: source.reason,
        clients: [],
        mountTargets: to.members.filter((id) => source.mountTargetIds.includes(id)),
      });
    }
  }
  for (const mt of mts) {
    edges.push({
      from: mt,
      to: fsNode,
      kind: 'member',
      label: '',
      reasons: [],
      title: `${mt.lines[0]} serves ${view.id}`,
      clients: [],
      mountTargets: [...mt.members],
    });
  }
  const reasonsByNode = new Map<Node, { kind: 'blocked' | 'exposing'; reasons: string[] }>();
  for (const edge of edges) {
    if (edge.kind !== 'blocked' && edge.kind !== 'exposing') continue;
    const entry = reasonsByNode.get(edge.from) ?? { kind: edge.kind, reasons: [] };
    for (const reason of edge.reasons) if (!entry.reasons.includes(reason)) entry.reasons.push(reason);
    reasonsByNode.set(edge.from, entry);
  }
  return { left, mountTargets: mts, fileSystem: fsNode, edges, reasonsByNode, height };
}
