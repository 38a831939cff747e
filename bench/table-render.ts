// Table rendering at size: `efsguard scan` (table format) over synthetic evaluations, every row shown
// (--max-rows 0) and capped (the default). Rendering must grow linearly with the rows.
import { performance } from 'node:perf_hooks';
import { formatTables, summarise } from '../cli/output';
import type { Evaluation } from '../core/model';
import { RULES } from '../core/rules/index';

export interface TableRenderRow {
  rows: number;
  allRowsMs: number;
  cappedMs: number;
}

function evaluations(count: number): Evaluation[] {
  const rule = RULES[0]?.id ?? 'efs-mount-target-nfs-ingress';
  return Array.from({ length: count }, (_, i) => ({
    rule,
    resourceType: 'AWS::EC2::SecurityGroup',
    resourceId: `sg-${i.toString(16).padStart(17, '0')}`,
    complianceType: i % 3 === 0 ? 'NON_COMPLIANT' : 'COMPLIANT',
    annotation: `sg-${i} allows tcp 2049 from 0.0.0.0/0; sg-${i} has unused inbound tcp 22 from 10.10.0.0/16. Allow only tcp 2049 from client security groups of this account; remove other inbound rules.`,
  }));
}

export function measureTableRender(sizes: readonly number[]): TableRenderRow[] {
  return sizes.map((rows) => {
    const all = evaluations(rows);
    const summary = summarise(all, RULES, '123456789012', 'eu-west-1');
    const time = (maxRows: number | undefined) => {
      const started = performance.now();
      formatTables(all, RULES, summary, {
        colour: false,
        showNotApplicable: false,
        ...(maxRows === undefined ? {} : { maxRows }),
      });
      return Math.round(performance.now() - started);
    };
    return { rows, allRowsMs: time(0), cappedMs: time(undefined) };
  });
}
