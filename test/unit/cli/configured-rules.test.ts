import { configureRules, withDefaultParameters } from '../../../cli/configured-rules';
import { UsageError } from '../../../cli/errors';
import { InvalidParametersError } from '../../../core/errors';
import { ALL } from '../../../core/model';
import { efsNfsNetworkAcl } from '../../../core/rules/efs-nfs-network-acl';
import { RULES } from '../../../core/rules/index';
import { aclEntry, standardNfs } from '../../fixtures/topology-builder';

describe('configureRules', () => {
  it('rejects a --params key that is no rule, naming the source and the known rules', () => {
    expect(() => configureRules(RULES, RULES, { 'efs-nope': {} }, 'params.json')).toThrow(UsageError);
    expect(() => configureRules(RULES, RULES, { 'efs-nope': {} }, 'params.json')).toThrow(
      /^params\.json: unknown rule efs-nope; known rules: efs-/,
    );
  });

  it('parses every selected rule before anything is evaluated, naming a bad key', () => {
    expect(() =>
      configureRules(RULES, [efsNfsNetworkAcl], { [efsNfsNetworkAcl.id]: { clientPortRange: '9-1' } }, 'p'),
    ).toThrow(InvalidParametersError);
  });

  it("evaluates with the run's parameters, every time it is asked", () => {
    // The mount target's ACL lets the replies out only to ports 1024-65535.
    const topology = standardNfs()
      .networkAcl('acl-b', {
        subnets: ['subnet-b'],
        entries: [
          aclEntry(100, 'in', 'allow', 'all', '0.0.0.0/0'),
          aclEntry(100, 'out', 'allow', 'tcp', '0.0.0.0/0', [1024, 65535]),
        ],
      })
      .build();
    const [defaults] = withDefaultParameters([efsNfsNetworkAcl]);
    const [privileged] = configureRules(
      RULES,
      [efsNfsNetworkAcl],
      { [efsNfsNetworkAcl.id]: { clientPortRange: '0-1023' } },
      'p',
    );
    const verdict = (evaluate: NonNullable<typeof defaults>['evaluate']) =>
      evaluate(topology, ALL).find((e) => e.resourceId === 'acl-b')?.complianceType;
    expect(verdict(privileged?.evaluate ?? (() => []))).toBe('NON_COMPLIANT');
    expect(verdict(privileged?.evaluate ?? (() => []))).toBe('NON_COMPLIANT');
    expect(verdict(defaults?.evaluate ?? (() => []))).not.toBe('NON_COMPLIANT');
  });
});
