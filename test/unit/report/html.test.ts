// The HTML report as text: self-contained, escaped, every verdict in the table, and a picture that
// stays bounded for a file system with 50 mount targets and 2,000 clients.
import { formatHtml } from '../../../report/html';
import { CLIENT_GROUP_LIMIT } from '../../../report/svg-layout';
import { aclEntry, allowAllEntries, cidr, sgRef, tcp, topology } from '../../fixtures/topology-builder';
import { REGION } from '../../helpers/accounts';
import {
  demoReportInput,
  EMPTY_INPUT,
  edgeCaseInput,
  LONG_ANNOTATION,
  WAIVED_FINDING,
  waivedInput,
} from '../../helpers/report-input';

const count = (text: string, pattern: RegExp) => (text.match(pattern) ?? []).length;

/** fs-big: 50 mount targets over 3 AZs, 2,000 clients in 20 subnets, one subnet's ACL dropping NFS. */
function largeTopology() {
  const builder = topology()
    .vpc('vpc-1', ['10.0.0.0/8'])
    .securityGroup('sg-mt', {
      ingress: [tcp(2049, sgRef('sg-app')), tcp(2049, sgRef('sg-batch')), tcp(2049, cidr('0.0.0.0/0'))],
    })
    .securityGroup('sg-app', { egress: [tcp(2049, sgRef('sg-mt'))] })
    .securityGroup('sg-batch', { egress: [tcp(443, cidr('0.0.0.0/0'))] });
  const azs = ['a', 'b', 'c'];
  for (let i = 0; i < 50; i++) {
    builder.subnet(`subnet-mt${i}`, 'vpc-1', `10.1.${i}.0/24`, `${REGION}${azs[i % 3]}`);
    builder.mountTarget(`fsmt-${String(i).padStart(3, '0')}`, {
      fs: 'fs-big',
      subnet: `subnet-mt${i}`,
      ip: `10.1.${i}.10`,
      groups: ['sg-mt'],
    });
  }
  const mtSubnets = Array.from({ length: 50 }, (_, i) => `subnet-mt${i}`);
  builder.networkAcl('acl-mt', { subnets: mtSubnets, entries: allowAllEntries() });
  const clientSubnets: string[] = [];
  for (let s = 0; s < 20; s++) {
    builder.subnet(`subnet-c${s}`, 'vpc-1', `10.2.${s}.0/24`, `${REGION}${azs[s % 3]}`);
    clientSubnets.push(`subnet-c${s}`);
    for (let c = 0; c < 100; c++) {
      builder.networkInterface(`eni-${s}-${c}`, {
        subnet: `subnet-c${s}`,
        ip: `10.2.${s}.${c + 10}`,
        groups: [c % 10 === 0 ? 'sg-batch' : 'sg-app'],
      });
    }
  }
  builder.networkAcl('acl-clients', { subnets: clientSubnets.slice(1), entries: allowAllEntries() });
  builder.networkAcl('acl-strict', {
    subnets: ['subnet-c0'],
    entries: [aclEntry(100, 'out', 'allow', 'tcp', '10.0.0.0/8', 2049)],
  });
  return builder.build();
}

describe('HTML report', () => {
  it('is one self-contained page: no external script, style, font or image', () => {
    const html = formatHtml(demoReportInput());
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain("default-src 'none'");
    expect(html).not.toMatch(/<script[^>]+src=|<link\b|@import|@font-face|url\((?!#)|<img\b|<iframe\b/i);
    expect(html).not.toMatch(/https?:\/\/(?!docs\.example\.test|www\.w3\.org\/2000\/svg)/);
  });

  it('lists every verdict, and escapes annotations and names', () => {
    const input = edgeCaseInput({
      evaluations: [
        ...edgeCaseInput().evaluations,
        {
          rule: 'efs-file-system-policy',
          resourceType: 'AWS::EFS::FileSystem',
          resourceId: 'fs-<script>',
          complianceType: 'NON_COMPLIANT',
          annotation: '<img src=x onerror=alert(1)> & "quotes"',
        },
      ],
    });
    const html = formatHtml(input);
    expect(count(html, /<tr data-compliance=/g)).toBe(input.evaluations.length);
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quotes&quot;');
    expect(html).toContain('fs-&lt;script&gt;');
    expect(html).toContain(LONG_ANNOTATION.replace(/"/g, '&quot;'));
    expect(html).toContain('AROAEXAMPLE,ÜNICODE');
    for (const type of ['NON_COMPLIANT', 'COMPLIANT', 'NOT_APPLICABLE']) {
      expect(html).toContain(`<tr data-compliance="${type}"`);
    }
  });

  it('renders an empty result with zero counts and no pictures', () => {
    const html = formatHtml(EMPTY_INPUT());
    expect(html).toContain('<b data-count="0">0</b>');
    expect(count(html, /<tr data-compliance=/g)).toBe(0);
    expect(html).not.toContain('class="file-system"');
  });

  it('groups a file system with 50 mount targets and 2,000 clients into a bounded picture that keeps the blocked paths', () => {
    const html = formatHtml({ ...EMPTY_INPUT(), topology: largeTopology() });
    expect(count(html, /<section class="file-system"/g)).toBe(1);
    expect(html).toMatch(
      /50 mount target\(s\), 2000 client\(s\), \d+ allowed and \d+ blocked path\(s\), 1 exposing source/,
    );
    const svg = html.slice(
      html.indexOf('<svg class="fs-picture"'),
      html.indexOf('</svg>', html.indexOf('<svg class="fs-picture"')),
    );
    const mtNodes = count(svg, /<g class="node mount-target-group/g);
    const clientNodes = count(svg, /<g class="node client-group/g);
    expect(mtNodes).toBe(3); // one per AZ
    expect(clientNodes).toBeGreaterThan(0);
    expect(clientNodes).toBeLessThanOrEqual(CLIENT_GROUP_LIMIT);
    expect(count(svg, /<g class="node client /g)).toBe(0);
    // Every mount target is named by its AZ group.
    for (let i = 0; i < 50; i++) {
      expect(svg).toMatch(new RegExp(`data-mount-targets="[^"]*\\bfsmt-${String(i).padStart(3, '0')}\\b`));
    }
    // The batch clients (no NFS egress) and the subnet whose ACL drops the replies are drawn blocked.
    const blocked = svg.match(/<g class="edge blocked"[^>]*>/g) ?? [];
    expect(blocked.some((edge) => edge.includes('efs-client-nfs-egress'))).toBe(true);
    expect(blocked.some((edge) => edge.includes('acl-strict'))).toBe(true);
    expect(svg).toContain('efs-mount-target-nfs-ingress: sg-mt admits NFS from 0.0.0.0/0 (world-open)');
    // Bounded: well under a megabyte, whatever the client count.
    expect(svg.length).toBeLessThan(400_000);
  });

  it('shows a waived finding as WAIVED in the counts, the table and the filter, never as COMPLIANT', () => {
    const html = formatHtml(waivedInput());
    expect(html).toContain(
      '<div class="card WAIVED" id="count-WAIVED"><span>WAIVED</span><b data-count="1">1</b></div>',
    );
    expect(html).toContain(
      '<div class="card COMPLIANT" id="count-COMPLIANT"><span>COMPLIANT</span><b data-count="1">1</b></div>',
    );
    expect(html).toContain(
      '<td class="n" data-rule="efs-mount-target-nfs-ingress" data-compliance="WAIVED">1</td>',
    );
    expect(html).toContain('<td class="n" data-severity="high" data-compliance="WAIVED">1</td>');
    expect(html).toContain('<option value="WAIVED">WAIVED</option>');
    const row = /<tr data-compliance="WAIVED"[^\n]*<\/tr>/.exec(html)?.[0] ?? '';
    expect(row).toContain('sg-0waived000000000');
    expect(row).toContain(
      'Waived until 2027-01-31 by team-storage: legacy NFS clients, &quot;until&quot; migration',
    );
    expect(row).toContain(WAIVED_FINDING);
    expect(count(html, /<tr data-compliance="COMPLIANT"/g)).toBe(1);
  });
});
