// Every registered rule is one unit whose metadata matches its file, in the style of Prowler's checks:
// the id names the file, the title states the compliant state, the defaults documented for users are
// accepted by the rule, and the Config scope covers every type the rule reports on.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidParametersError, UnknownRuleError } from '../../../../core/errors';
import { RESOURCE_TYPES, TOPOLOGY_PARTS } from '../../../../core/model';
import { getRule, RULE_IDS, RULES } from '../../../../core/rules';

const RULES_DIR = join(__dirname, '..', '..', '..', '..', 'core', 'rules');

describe('the rule registry', () => {
  it('holds the seven rules of the README rule table in a fixed order, each id once', () => {
    expect(RULE_IDS).toEqual([
      'efs-mount-target-nfs-ingress',
      'efs-client-nfs-egress',
      'efs-nfs-network-acl',
      'efs-nfs-exposure',
      'efs-file-system-policy',
      'efs-access-point-posix-identity',
      'efs-api-least-privilege',
    ]);
  });

  it('finds rules by id and names the known ones for an unknown id', () => {
    expect(getRule('efs-nfs-network-acl').id).toBe('efs-nfs-network-acl');
    expect(() => getRule('efs-nope')).toThrow(UnknownRuleError);
    expect(() => getRule('efs-nope')).toThrow(/known rules: efs-mount-target-nfs-ingress, /);
  });

  describe.each(RULES.map((rule) => [rule.id, rule] as const))('%s', (id, rule) => {
    it('lives in core/rules/<id>.ts and has a handler and a docs section', () => {
      expect(existsSync(join(RULES_DIR, `${id}.ts`))).toBe(true);
      expect(existsSync(join(RULES_DIR, '..', '..', 'handlers', `${id}.ts`))).toBe(true);
      const docs = ['rules-network.md', 'rules-data-plane.md']
        .map((file) => readFileSync(join(RULES_DIR, '..', '..', 'docs', file), 'utf8'))
        .join('\n');
      expect(docs).toContain(`## ${id}\n`);
      for (const parameter of rule.parameters) expect(docs).toContain(`\`${parameter.name}\``);
    });

    it("states each parameter's default in its docs table as the rule's own spec does", () => {
      const docs = ['rules-network.md', 'rules-data-plane.md']
        .map((file) => readFileSync(join(RULES_DIR, '..', '..', 'docs', file), 'utf8'))
        .join('\n');
      for (const parameter of rule.parameters) {
        const row = new RegExp(`^\\| \`${parameter.name}\` +\\| ([^|]+?) +\\|`, 'm').exec(docs);
        expect([parameter.name, row?.[1]]).toEqual([
          parameter.name,
          parameter.default === '' ? '_(none)_' : `\`${parameter.default}\``,
        ]);
      }
    });

    it('has complete metadata: a title stating the compliant state, risk, remediation and severity', () => {
      expect(rule.title).toMatch(/^[A-Z].{20,}[^.]$/);
      expect(rule.title).not.toMatch(/\b(check|ensure|detect)s?\b/i);
      for (const text of [rule.description, rule.risk, rule.remediation])
        expect(text.length).toBeGreaterThan(40);
      expect(['critical', 'high', 'medium', 'low']).toContain(rule.severity);
      expect(rule.triggers).toEqual(expect.arrayContaining(['configurationChange', 'periodic']));
    });

    it('is triggered by every type it reports on, and reads known parts only', () => {
      expect(rule.resourceTypes.length).toBeGreaterThan(0);
      for (const type of rule.resourceTypes) expect(rule.triggerResourceTypes).toContain(type);
      for (const type of rule.triggerResourceTypes) expect(RESOURCE_TYPES).toContain(type);
      expect(rule.requires.length).toBeGreaterThan(0);
      for (const part of rule.requires) expect(TOPOLOGY_PARTS).toContain(part);
    });

    it('accepts no parameters, and every documented default as Config would send it', () => {
      expect(() => rule.parseParameters({})).not.toThrow();
      const defaults = Object.fromEntries(rule.parameters.map((p) => [p.name, p.default]));
      expect(() => rule.parseParameters(defaults)).not.toThrow();
      for (const parameter of rule.parameters) expect(parameter.description.length).toBeGreaterThan(10);
    });

    it('rejects an unknown parameter, naming it', () => {
      expect(() => rule.parseParameters({ notAParameter: 'x' })).toThrow(InvalidParametersError);
      expect(() => rule.parseParameters({ notAParameter: 'x' })).toThrow(/notAParameter/);
    });
  });
});
