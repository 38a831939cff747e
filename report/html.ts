// The HTML report: one self-contained file (inline CSS, inline script, inline SVG; a Content Security
// Policy forbids every network fetch), so it opens offline and can be attached to a ticket.

import { waiverHeadline } from '../core/annotation';
import type { Severity } from '../core/rules/types';
import {
  findingHash,
  findingText,
  type ReportInput,
  type ReportState,
  reportState,
  ruleDocUrl,
  ruleLookup,
  SEVERITIES,
  STATE_ORDER,
} from './input';
import { escapeXml as esc, fileSystemSvg } from './svg';
import { buildFileSystemViews, type FileSystemView } from './topology-view';

const SEVERITY_RANK: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3 };
const COMPLIANCE_RANK = Object.fromEntries(STATE_ORDER.map((state, rank) => [state, rank])) as Record<
  ReportState,
  number
>;
/** Rows of blocked paths listed under a picture before "and N more". */
const PROBLEM_LIST_LIMIT = 200;
/** Up to this many, the list is shown open; more fold into a <details> element. */
const PROBLEM_LIST_OPEN = 20;

const CSS = `
:root { --red:#c62828; --green:#2e7d32; --orange:#e65100; --grey:#78909c; --ink:#1c2430; --muted:#5f6b7a; --line:#d9dee5; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: var(--ink); margin: 0; background: #f6f8fa; }
header { background: #16202c; color: #fff; padding: 16px 24px; }
header h1 { margin: 0 0 4px; font-size: 20px; }
header p { margin: 0; color: #c9d3df; }
main { padding: 16px 24px 40px; max-width: 1400px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 16px; margin: 16px 0; }
h2 { font-size: 17px; margin: 0 0 12px; }
h3 { font-size: 15px; margin: 0 0 8px; }
.summary-grid { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 20px; }
@media (max-width: 900px) { .summary-grid { grid-template-columns: 1fr; } }
.cards { display: flex; gap: 12px; flex-wrap: wrap; margin-bottom: 12px; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 8px 14px; min-width: 150px; }
.card b { display: block; font-size: 20px; }
.card.NON_COMPLIANT b { color: var(--red); } .card.WAIVED b { color: var(--orange); } .card.COMPLIANT b { color: var(--green); } .card.NOT_APPLICABLE b { color: var(--muted); }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: #eef1f5; font-weight: 600; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
#verdicts th { cursor: pointer; user-select: none; white-space: nowrap; }
#verdicts th[aria-sort="ascending"]::after { content: " ▲"; } #verdicts th[aria-sort="descending"]::after { content: " ▼"; }
#verdicts td.annotation { max-width: 640px; overflow-wrap: anywhere; }
#verdicts .waiver { display: block; color: var(--orange); }
#verdicts td.id { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12px; color: var(--muted); }
.pill { font-weight: 600; } .pill.NON_COMPLIANT { color: var(--red); } .pill.WAIVED { color: var(--orange); } .pill.COMPLIANT { color: var(--green); } .pill.NOT_APPLICABLE { color: var(--muted); }
.sev-critical, .sev-high { color: var(--red); } .sev-medium { color: var(--orange); } .sev-low { color: var(--muted); }
.filters { display: flex; gap: 8px; flex-wrap: wrap; align-items: center; margin-bottom: 8px; }
.filters input, .filters select { font: inherit; padding: 4px 6px; }
.picture { overflow-x: auto; border: 1px solid var(--line); border-radius: 6px; background: #fcfdfe; }
svg.fs-picture { display: block; font: 12px system-ui, sans-serif; }
svg .column { font-weight: 600; fill: var(--muted); }
svg .node rect { fill: #fff; stroke: #90a4ae; stroke-width: 1.2; }
svg .node text { fill: var(--ink); } svg .node text.head { font-weight: 600; }
svg .node.mount-target rect, svg .node.mount-target-group rect { fill: #e3f2fd; stroke: #1565c0; }
svg .node.file-system rect { fill: #ede7f6; stroke: #4527a0; stroke-width: 2; }
svg .node.source.exposing rect { fill: #fff3e0; stroke: var(--orange); stroke-width: 2; }
svg .node.blocked rect { stroke: var(--red); }
svg .edge path { fill: none; }
svg .edge.allowed path { stroke: var(--green); stroke-width: 2; }
svg .edge.blocked path { stroke: var(--red); stroke-width: 2; stroke-dasharray: 7 5; }
svg .edge.exposing path { stroke: var(--orange); stroke-width: 3.5; stroke-dasharray: 2 4; stroke-linecap: round; }
svg .edge.source path { stroke: var(--grey); stroke-width: 1.2; }
svg .edge.member path { stroke: #4527a0; stroke-width: 1; }
svg .reason text { font-size: 11px; font-weight: 600; paint-order: stroke; stroke: #fcfdfe; stroke-width: 4px; }
svg .reason.blocked text, svg .block-mark { fill: var(--red); font-weight: 600; }
svg .reason.exposing text { fill: var(--orange); }
.legend { display: flex; gap: 18px; flex-wrap: wrap; margin: 0 0 10px; color: var(--muted); }
.legend svg { vertical-align: middle; }
ul.problems { margin: 8px 0 0; padding-left: 20px; } ul.problems li.blocked { color: var(--red); } ul.problems li.exposing { color: var(--orange); }
.muted { color: var(--muted); }
a { color: #1565c0; }
`;

const SCRIPT = `
(function () {
  var table = document.getElementById('verdicts');
  var body = table.tBodies[0];
  var text = document.getElementById('filter-text');
  var selects = ['compliance', 'rule', 'severity'].map(function (name) { return document.getElementById('filter-' + name); });
  var shown = document.getElementById('shown-count');
  function apply() {
    var q = text.value.trim().toLowerCase();
    var n = 0;
    Array.prototype.forEach.call(body.rows, function (row) {
      var ok = (!q || row.textContent.toLowerCase().indexOf(q) >= 0) &&
        selects.every(function (select) { return !select.value || row.getAttribute('data-' + select.id.slice(7)) === select.value; });
      row.hidden = !ok;
      if (ok) n++;
    });
    shown.textContent = String(n);
  }
  text.addEventListener('input', apply);
  selects.forEach(function (select) { select.addEventListener('change', apply); });
  table.tHead.addEventListener('click', function (event) {
    var th = event.target.closest('th');
    if (!th) return;
    var i = th.cellIndex;
    var dir = th.getAttribute('aria-sort') === 'ascending' ? -1 : 1;
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (cell) { cell.removeAttribute('aria-sort'); });
    th.setAttribute('aria-sort', dir === 1 ? 'ascending' : 'descending');
    var key = function (row) { var cell = row.cells[i]; return cell.getAttribute('data-key') || cell.textContent; };
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) { return dir * key(a).localeCompare(key(b), undefined, { numeric: true }); });
    rows.forEach(function (row) { body.appendChild(row); });
  });
  apply();
})();
`;

const LEGEND = `<div class="legend">
<span><svg width="46" height="10"><line x1="2" y1="5" x2="44" y2="5" stroke="#2e7d32" stroke-width="2"/></svg> NFS allowed</span>
<span><svg width="46" height="10"><line x1="2" y1="5" x2="44" y2="5" stroke="#c62828" stroke-width="2" stroke-dasharray="7 5"/></svg> NFS blocked (labelled with the rule and the group or ACL entry)</span>
<span><svg width="46" height="10"><line x1="2" y1="5" x2="44" y2="5" stroke="#e65100" stroke-width="3.5" stroke-dasharray="2 4" stroke-linecap="round"/></svg> exposure: a source network that should not reach NFS</span>
<span><svg width="46" height="10"><line x1="2" y1="5" x2="44" y2="5" stroke="#78909c" stroke-width="1.2"/></svg> admitted source network</span>
</div>`;

function ruleLink(input: ReportInput, ruleId: string): string {
  const url = ruleDocUrl(input, ruleId);
  return url ? `<a href="${esc(url)}">${esc(ruleId)}</a>` : esc(ruleId);
}

function summarySection(input: ReportInput): string {
  const lookup = ruleLookup(input.rules);
  const ruleIds = [
    ...input.rules.map((rule) => rule.id),
    ...input.evaluations.map((evaluation) => evaluation.rule),
  ].filter((id, i, all) => all.indexOf(id) === i);
  const count = (filter: (e: (typeof input.evaluations)[number]) => boolean) =>
    input.evaluations.filter(filter).length;
  const cards = [
    `<div class="card" id="count-total"><span>Verdicts</span><b data-count="${input.evaluations.length}">${input.evaluations.length}</b></div>`,
    ...STATE_ORDER.map((type) => {
      const n = count((e) => reportState(e) === type);
      return `<div class="card ${type}" id="count-${type}"><span>${type}</span><b data-count="${n}">${n}</b></div>`;
    }),
  ].join('');
  const byRule = ruleIds
    .map((id) => {
      const rule = lookup(id);
      const cells = STATE_ORDER.map((type) => {
        const n = count((e) => e.rule === id && reportState(e) === type);
        return `<td class="n" data-rule="${esc(id)}" data-compliance="${type}">${n}</td>`;
      }).join('');
      return `<tr><td>${ruleLink(input, id)}<div class="muted">${esc(rule.title)}</div></td><td class="sev-${rule.severity}">${rule.severity}</td>${cells}</tr>`;
    })
    .join('');
  const bySeverity = SEVERITIES.map((severity) => {
    const cells = STATE_ORDER.map((type) => {
      const n = count((e) => lookup(e.rule).severity === severity && reportState(e) === type);
      return `<td class="n" data-severity="${severity}" data-compliance="${type}">${n}</td>`;
    }).join('');
    return `<tr><td class="sev-${severity}">${severity}</td>${cells}</tr>`;
  }).join('');
  const names: Record<ReportState, string> = {
    NON_COMPLIANT: 'Non-compliant',
    WAIVED: 'Waived',
    COMPLIANT: 'Compliant',
    NOT_APPLICABLE: 'Not applicable',
  };
  const head = STATE_ORDER.map((type) => `<th class="n">${names[type]}</th>`).join('');
  return `<section id="summary"><h2>Summary</h2><div class="cards">${cards}</div>
<div class="summary-grid"><div><h3>By rule</h3><table id="summary-by-rule"><thead><tr><th>Rule</th><th>Severity</th>${head}</tr></thead><tbody>${byRule}</tbody></table>
</div><div><h3>By severity</h3><table id="summary-by-severity"><thead><tr><th>Severity</th>${head}</tr></thead><tbody>${bySeverity}</tbody></table></div></div></section>`;
}

function verdictsSection(input: ReportInput): string {
  const lookup = ruleLookup(input.rules);
  // NON_COMPLIANT first, then WAIVED, COMPLIANT, NOT_APPLICABLE; the rules' own order within each.
  const rows = input.evaluations
    .map((evaluation, index) => ({ evaluation, index, state: reportState(evaluation) }))
    .sort((a, b) => COMPLIANCE_RANK[a.state] - COMPLIANCE_RANK[b.state] || a.index - b.index)
    .map(({ evaluation, state }) => {
      const rule = lookup(evaluation.rule);
      const waiver = evaluation.waived
        ? `<span class="waiver">${esc(waiverHeadline(evaluation.waived))}</span>`
        : '';
      return (
        `<tr data-compliance="${state}" data-rule="${esc(evaluation.rule)}" data-severity="${rule.severity}">` +
        `<td data-key="${COMPLIANCE_RANK[state]}"><span class="pill ${state}">${state}</span></td>` +
        `<td data-key="${SEVERITY_RANK[rule.severity]}" class="sev-${rule.severity}">${rule.severity}</td>` +
        `<td>${esc(evaluation.rule)}</td><td>${esc(evaluation.resourceType)}</td><td>${esc(evaluation.resourceId)}</td>` +
        `<td class="annotation">${waiver}${esc(findingText(evaluation) ?? '')}</td><td class="id">${findingHash(input, evaluation)}</td></tr>`
      );
    })
    .join('\n');
  const options = (values: readonly string[]) =>
    values.map((v) => `<option value="${esc(v)}">${esc(v)}</option>`).join('');
  const ruleIds = [
    ...new Set([...input.rules.map((rule) => rule.id), ...input.evaluations.map((e) => e.rule)]),
  ];
  return `<section id="verdicts-section"><h2>Verdicts</h2>
<div class="filters">
<input id="filter-text" type="search" placeholder="Filter: resource, annotation, …" aria-label="Filter verdicts by text">
<select id="filter-compliance" aria-label="Compliance"><option value="">All states</option>${options(STATE_ORDER)}</select>
<select id="filter-rule" aria-label="Rule"><option value="">All rules</option>${options(ruleIds)}</select>
<select id="filter-severity" aria-label="Severity"><option value="">All severities</option>${options(SEVERITIES)}</select>
<span class="muted"><span id="shown-count">${input.evaluations.length}</span> of ${input.evaluations.length} shown; click a column to sort</span>
</div>
<table id="verdicts"><thead><tr><th>Compliance</th><th>Severity</th><th>Rule</th><th>Resource type</th><th>Resource</th><th>Annotation</th><th>Id</th></tr></thead>
<tbody>
${rows}
</tbody></table></section>`;
}

function problemList(view: FileSystemView): string {
  const items: string[] = [];
  for (const source of view.sources) {
    if (source.status === 'exposing')
      items.push(
        `<li class="exposing">${esc(source.label)} → ${esc(source.mountTargetIds.join(', '))}: ${esc(source.reason)}</li>`,
      );
  }
  for (const path of view.paths) {
    if (path.status === 'blocked')
      items.push(
        `<li class="blocked">${esc(path.clientId)} → ${esc(path.mountTargetId)}: ${esc(path.reasons.join('; '))}</li>`,
      );
  }
  const allowed = view.paths.filter((path) => path.status === 'allowed').length;
  const more =
    items.length > PROBLEM_LIST_LIMIT ? `<li>… and ${items.length - PROBLEM_LIST_LIMIT} more</li>` : '';
  const summary = `${view.mountTargets.length} mount target(s), ${view.clients.length} client(s), ${allowed} allowed and ${view.paths.length - allowed} blocked path(s), ${view.sources.filter((s) => s.status === 'exposing').length} exposing source(s)`;
  const list = `<ul class="problems">${items.slice(0, PROBLEM_LIST_LIMIT).join('')}${more}</ul>`;
  // A long list folds away, so that the next file system's picture stays in reach.
  const problems =
    items.length === 0
      ? ''
      : items.length <= PROBLEM_LIST_OPEN
        ? list
        : `<details><summary>${items.length} blocked or exposing paths</summary>${list}</details>`;
  return `<p class="muted fs-stats">${esc(summary)}</p>${problems}`;
}

function picturesSection(input: ReportInput): string {
  if (!input.topology) return '';
  const views = buildFileSystemViews(input.topology, input.parameters ?? {});
  if (views.length === 0) return '';
  const body = views
    .map((view) => {
      const title = `${view.id}${view.name ? ` (${view.name})` : ''}`;
      const picture =
        view.mountTargets.length === 0
          ? '<p class="muted">No mount targets: no client can mount this file system over NFS.</p>'
          : `<div class="picture">${fileSystemSvg(view)}</div>`;
      return `<section class="file-system" data-file-system="${esc(view.id)}"><h3>${esc(title)}</h3>${picture}${problemList(view)}</section>`;
    })
    .join('\n');
  return `<section id="file-systems"><h2>NFS paths by file system</h2>${LEGEND}
<p class="muted">Clients are interfaces whose security groups the mount targets' groups admit for NFS. Large file systems are grouped: clients by subnet and security groups, mount targets by Availability Zone; hover a box or a line for its members.</p>
${body}</section>`;
}

/** The HTML report. */
export function formatHtml(input: ReportInput): string {
  const docs = input.docsBaseUrl
    ? `<a href="${esc(input.docsBaseUrl)}">efsguard docs</a>`
    : 'rule docs: docs/rules-network.md and docs/rules-data-plane.md in the efsguard package';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>efsguard report: ${esc(input.accountId)} ${esc(input.region)}</title>
<style>${CSS}</style>
</head>
<body>
<header><h1>efsguard report</h1><p>Account ${esc(input.accountId)}, region ${esc(input.region)} · evaluated ${esc(input.generatedAt)} · efsguard ${esc(input.toolVersion)} · ${docs}</p></header>
<main>
${summarySection(input)}
${picturesSection(input)}
${verdictsSection(input)}
</main>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
