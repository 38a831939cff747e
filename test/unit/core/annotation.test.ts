import {
  composeAnnotation,
  MAX_ANNOTATION_LENGTH,
  makeEvaluation,
  truncateAnnotation,
} from '../../../core/annotation';
import { RULES } from '../../../core/rules';

describe('annotations', () => {
  it('truncates with an ellipsis at 256 characters', () => {
    const text = truncateAnnotation('x'.repeat(300));
    expect(text).toHaveLength(MAX_ANNOTATION_LENGTH);
    expect(text.endsWith('…')).toBe(true);
    expect(truncateAnnotation('short')).toBe('short');
  });

  it('never splits a surrogate pair at the cut, and drops the spaces before the marker', () => {
    // A 2-unit character straddling the cut at 255: posting half of it would send a lone surrogate.
    const text = truncateAnnotation(`${'x'.repeat(254)}\u{1F4C1}${'y'.repeat(10)}`);
    expect(text).toBe(`${'x'.repeat(254)}…`);
    expect(text.length).toBeLessThanOrEqual(MAX_ANNOTATION_LENGTH);
    expect(truncateAnnotation(`${'x'.repeat(250)}     ${'y'.repeat(10)}`)).toBe(`${'x'.repeat(250)}…`);
  });

  it('keeps the advice and counts dropped findings', () => {
    const findings = Array.from({ length: 30 }, (_, i) => `finding number ${i} is quite long indeed`);
    const text = composeAnnotation(findings, 'Fix it.');
    expect(text.length).toBeLessThanOrEqual(256);
    expect(text).toMatch(/^finding number 0 .*; \(\+\d+ more\)\. Fix it\.$/);
  });

  it('omits an empty annotation', () => {
    const evaluation = makeEvaluation(
      'r',
      { resourceType: 'AWS::EC2::NetworkAcl', resourceId: 'acl-1' },
      'COMPLIANT',
      '',
    );
    expect('annotation' in evaluation).toBe(false);
  });
});

describe('network rule metadata', () => {
  const network = RULES.filter(
    (rule) => rule.id.startsWith('efs-') && rule.resourceTypes.some((t) => t.startsWith('AWS::EC2')),
  );
  it('registers the three network rules in order', () => {
    expect(network.map((rule) => rule.id)).toEqual([
      'efs-mount-target-nfs-ingress',
      'efs-client-nfs-egress',
      'efs-nfs-network-acl',
    ]);
  });
  it.each(network.map((rule) => [rule.id, rule]))('%s has complete metadata', (_id, rule) => {
    expect(rule.title.length).toBeGreaterThan(20);
    expect(rule.description.length).toBeGreaterThan(80);
    expect(rule.risk).not.toBe('');
    expect(rule.remediation).not.toBe('');
    for (const type of rule.resourceTypes) expect(rule.triggerResourceTypes).toContain(type);
    // Every documented parameter parses at its documented default.
    const defaults = Object.fromEntries(rule.parameters.map((p) => [p.name, p.default]));
    expect(() => rule.parseParameters(defaults)).not.toThrow();
  });
});

describe('composeAnnotation when findings and advice do not both fit', () => {
  const advice =
    'Remove the offending rules and allow only what clients need, one rule per client security group.';
  it('cuts the advice rather than a finding when most of the advice still fits', () => {
    const findings = ['a'.repeat(90), 'b'.repeat(90)];
    const text = composeAnnotation(findings, advice);
    expect(text).toHaveLength(256);
    expect(text.startsWith(`${'a'.repeat(90)}; ${'b'.repeat(90)}. Remove the offending`)).toBe(true);
    expect(text.endsWith('…')).toBe(true);
  });
  it('simply cuts findings without advice', () => {
    const text = composeAnnotation(['c'.repeat(200), 'd'.repeat(200)]);
    expect(text).toHaveLength(256);
    expect(text).toContain('; ddd');
  });
});
