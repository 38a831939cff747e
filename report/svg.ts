// The picture of one file system as SVG: sources and clients on the left, mount targets (with subnet,
// AZ and security groups) in the middle, the file system on the right. Allowed NFS paths are solid
// green arrows; blocked paths are dashed red with the rule and group or ACL entry that blocks them;
// exposing sources are thick dotted orange with the rule that flags them. Large file systems are
// grouped: clients by subnet and security groups, mount targets by Availability Zone.
import type { FileSystemView, PathView } from './topology-view';

/** Above these counts the picture groups nodes instead of drawing one per resource. */
export const CLIENT_LIMIT = 12;
export const MOUNT_TARGET_LIMIT = 16;
/** At most this many client groups; the smallest ones without blocked paths merge into one node. */
export const CLIENT_GROUP_LIMIT = 30;
/** Reasons written beside one node; more are counted, and listed under the picture. */
const REASONS_PER_NODE = 2;

const NODE_W = 300;
const NODE_H = 54;
const GAP = 14;
const TOP = 36;
const X_LEFT = 16;
/** Between the left column and the mount targets: room for the reasons written beside each node. */
const LANE = 330;
const X_MID = X_LEFT + NODE_W + LANE;
const X_RIGHT = X_MID + NODE_W + 80;
const FS_W = 190;
const WIDTH = X_RIGHT + FS_W + 16;
const LINE_CHARS = 46;
const REASON_CHARS = 50;

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function short(text: string, max = LINE_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

interface Node {
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

interface Edge {
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

function edgeSvg(edge: Edge): string {
  const x1 = edge.from.x + edge.from.w;
  const y1 = edge.from.y + NODE_H / 2;
  const x2 = edge.to.x;
  const y2 = edge.to.y + NODE_H / 2;
  const mid = (x1 + x2) / 2;
  const d = `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2 - 4},${y2}`;
  const marker = edge.kind === 'member' ? '' : `url(#m-${edge.kind})`;
  const attrs = [
    `class="edge ${edge.kind}"`,
    edge.clients.length ? `data-clients="${escapeXml(edge.clients.join(' '))}"` : '',
    edge.mountTargets.length ? `data-mount-targets="${escapeXml(edge.mountTargets.join(' '))}"` : '',
    edge.label ? `data-label="${escapeXml(edge.label)}"` : '',
  ]
    .filter(Boolean)
    .join(' ');
  const endMark =
    edge.kind === 'blocked'
      ? `<text class="block-mark" x="${(x2 - 18).toFixed(1)}" y="${(y2 + 4).toFixed(1)}">✕</text>`
      : '';
  return `<g ${attrs}><title>${escapeXml(edge.title)}</title><path d="${d}"${marker ? ` marker-end="${marker}"` : ''}/>${endMark}</g>`;
}

/**
 * The reasons of a node's blocked or exposing edges, written once beside the node where its edges
 * start (edges to several mount targets usually share one reason): the rule on one line, the group or
 * ACL entry on the next.
 */
function reasonsSvg(node: Node, kind: 'blocked' | 'exposing', reasons: readonly string[]): string {
  const shown = reasons.slice(0, REASONS_PER_NODE);
  const lines: string[] = [];
  for (const reason of shown) {
    const cut = reason.indexOf(': ');
    if (cut > 0) lines.push(reason.slice(0, cut), `  ${reason.slice(cut + 2)}`);
    else lines.push(reason);
  }
  if (reasons.length > shown.length)
    lines.push(`+${reasons.length - shown.length} more (see the list below)`);
  const x = node.x + node.w + 10;
  const y0 = node.y + NODE_H / 2 - 6 - (lines.length - 1) * 12;
  const text = lines
    .map(
      (line, i) =>
        `<text x="${x}" y="${(y0 + i * 12).toFixed(1)}">${escapeXml(short(line, REASON_CHARS))}</text>`,
    )
    .join('');
  return `<g class="reason ${kind}"><title>${escapeXml(reasons.join('\n'))}</title>${text}</g>`;
}

function nodeSvg(node: Node): string {
  const cls = `node ${node.kind}${node.status ? ` ${node.status}` : ''}`;
  const data =
    node.kind === 'mount-target' || node.kind === 'mount-target-group'
      ? `data-mount-targets="${escapeXml(node.members.join(' '))}"`
      : node.kind === 'client' || node.kind === 'client-group'
        ? `data-clients="${escapeXml(node.members.join(' '))}"`
        : node.kind === 'file-system'
          ? `data-file-system="${escapeXml(node.members[0] ?? '')}"`
          : `data-source="${escapeXml(node.members[0] ?? '')}"`;
  const text = node.lines
    .map(
      (line, i) =>
        `<text x="${node.x + 10}" y="${node.y + 17 + i * 15}"${i === 0 ? ' class="head"' : ''}>${escapeXml(line)}</text>`,
    )
    .join('');
  return `<g class="${cls}" ${data}><title>${escapeXml(node.title)}</title><rect x="${node.x}" y="${node.y}" width="${node.w}" height="${NODE_H}" rx="6"/>${text}</g>`;
}

const DEFS =
  '<defs>' +
  '<marker id="m-allowed" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#2e7d32"/></marker>' +
  '<marker id="m-blocked" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#c62828"/></marker>' +
  '<marker id="m-exposing" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#e65100"/></marker>' +
  '<marker id="m-source" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#78909c"/></marker>' +
  '</defs>';

/** The SVG picture of one file system. */
export function fileSystemSvg(view: FileSystemView): string {
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
  const totalHeight = TOP + height + 24;
  const headings =
    `<text class="column" x="${X_LEFT}" y="20">Clients and source networks</text>` +
    `<text class="column" x="${X_MID}" y="20">Mount targets (subnet · AZ · security groups)</text>` +
    `<text class="column" x="${X_RIGHT}" y="20">File system</text>`;
  // Blocked and exposing edges drawn last, so they are on top.
  const order = { member: 0, source: 1, allowed: 2, exposing: 3, blocked: 4 } as const;
  const sorted = edges
    .map((edge, i) => ({ edge, i }))
    .sort((a, b) => order[a.edge.kind] - order[b.edge.kind] || a.i - b.i);
  return (
    `<svg class="fs-picture" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${totalHeight}" width="100%" style="max-width:${WIDTH}px;min-width:${Math.round(WIDTH * 0.7)}px" role="img" aria-label="NFS paths of ${escapeXml(view.id)}">` +
    DEFS +
    headings +
    sorted.map(({ edge }) => edgeSvg(edge)).join('') +
    [...left, ...mts, fsNode].map(nodeSvg).join('') +
    [...reasonsByNode.entries()]
      .map(([node, entry]) => reasonsSvg(node, entry.kind, entry.reasons))
      .join('') +
    '</svg>'
  );
}
