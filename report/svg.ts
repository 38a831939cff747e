// The picture of one file system as SVG: sources and clients on the left, mount targets (with subnet,
// AZ and security groups) in the middle, the file system on the right. Allowed NFS paths are solid
// green arrows; blocked paths are dashed red with the rule and group or ACL entry that blocks them;
// exposing sources are thick dotted orange with the rule that flags them. Where the nodes stand, and how
// large file systems are grouped, is report/svg-layout.ts.
import {
  type Edge,
  layoutFileSystem,
  NODE_H,
  type Node,
  short,
  TOP,
  WIDTH,
  X_LEFT,
  X_MID,
  X_RIGHT,
} from './svg-layout';
import type { FileSystemView } from './topology-view';

/** Reasons written beside one node; more are counted, and listed under the picture. */
const REASONS_PER_NODE = 2;
const REASON_CHARS = 50;

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
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
  const {
    left,
    mountTargets: mts,
    fileSystem: fsNode,
    edges,
    reasonsByNode,
    height,
  } = layoutFileSystem(view);
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
