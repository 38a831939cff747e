// defineRule itself (core/rules/define.ts): a toy rule that judges security groups and file systems,
// with a fan-out from a group to the file systems that carry it, so that every duty defineRule takes off
// the rules is seen on its own: scope kinds, deleted and hint seeds, the "no longer exists" wording,
// sorting, the part check, and parameters parsed once with errors that name the parameter.
import { InvalidParametersError } from '../../../../core/errors';
import { IamStateNotLoadedError } from '../../../../core/iam';
import { ALL, type ResourceRef, type Scope, type Seed, type Topology } from '../../../../core/model';
import { booleanParam, type ParamParser, parameter, portRangeParam } from '../../../../core/params';
import {
  compliant,
  DELETED_ANNOTATION,
  defineRule,
  nonCompliant,
  notApplicable,
} from '../../../../core/rules/define';
import { TopologyPartMissingError } from '../../../../core/rules/types';
import { sgRef, TopologyBuilder, tcp } from '../../../fixtures/topology-builder';

const SG = 'AWS::EC2::SecurityGroup' as const;
const FS = 'AWS::EFS::FileSystem' as const;
const ENI = 'AWS::EC2::NetworkInterface' as const;

function toyRule(options: { strictParse?: ParamParser<boolean>; judged?: string[] } = {}) {
  return defineRule({
    id: 'toy-rule',
    title: 'Toy resources are judged by a toy rule for the tests',
    description: 'A rule for the tests of defineRule.',
    resourceTypes: [SG, FS],
    triggerResourceTypes: [SG, FS, ENI],
    triggers: ['configurationChange', 'periodic'],
    requires: ['network'],
    severity: 'low',
    risk: 'none',
    remediation: 'none',
    parameters: {
      strict: parameter(options.strictParse ?? booleanParam(), {
        description: 'be strict',
        default: 'false',
      }),
      ports: parameter(portRangeParam(), { description: 'a port range', default: '1000-2000' }),
    },
    // A group reaches the file systems whose mount targets carry it.
    fanOut: (topology, seeds) =>
      seeds.flatMap((seed) =>
        seed.resourceType === SG
          ? topology.mountTargets
              .filter((mt) => mt.securityGroupIds.includes(seed.resourceId))
              .map((mt): ResourceRef => ({ resourceType: FS, resourceId: mt.fileSystemId }))
          : [],
      ),
    judge: ({ params }) => ({
      [SG]: (group) => {
        options.judged?.push(group.groupId);
        return params.strict ? nonCompliant(`${group.groupId} is judged strictly`, true) : compliant();
      },
      [FS]: (fileSystem) => {
        options.judged?.push(fileSystem.fileSystemId);
        return notApplicable(`ports ${params.ports.from}-${params.ports.to} on ${fileSystem.fileSystemId}`);
      },
    }),
  });
}

/** Two groups; fs-b's mount target carries sg-b, fs-a's carries sg-a. */
function topology(): Topology {
  return new TopologyBuilder()
    .vpc('vpc-1', ['10.0.0.0/16'])
    .subnet('subnet-1', 'vpc-1', '10.0.1.0/24')
    .securityGroup('sg-b', { ingress: [tcp(2049, sgRef('sg-b'))] })
    .securityGroup('sg-a', { ingress: [tcp(2049, sgRef('sg-a'))] })
    .mountTarget('fsmt-b', { fs: 'fs-b', subnet: 'subnet-1', groups: ['sg-b'], ip: '10.0.1.10' })
    .mountTarget('fsmt-a', { fs: 'fs-a', subnet: 'subnet-1', groups: ['sg-a'], ip: '10.0.1.11' })
    .build();
}

const seeds = (...list: Seed[]): Scope => ({ kind: 'seeds', seeds: list });
const verdicts = (evaluations: ReturnType<ReturnType<typeof toyRule>['evaluate']>) =>
  evaluations.map((e) => [e.resourceType, e.resourceId, e.complianceType, e.annotation ?? '']);

describe('defineRule', () => {
  it("judges every resource of the rule's types in a sweep, sorted by type then id", () => {
    expect(verdicts(toyRule().evaluate(topology(), ALL))).toEqual([
      [SG, 'sg-a', 'COMPLIANT', ''],
      [SG, 'sg-b', 'COMPLIANT', ''],
      [FS, 'fs-a', 'NOT_APPLICABLE', 'ports 1000-2000 on fs-a'],
      [FS, 'fs-b', 'NOT_APPLICABLE', 'ports 1000-2000 on fs-b'],
    ]);
  });

  it('hands the judge the targets it asks for, in a sweep and for seeds, and no judge when nothing is there', () => {
    const asked: ResourceRef[][] = [];
    const rule = defineRule({
      id: 'toy-targets',
      title: 'A toy rule that reads its targets',
      description: 'A rule for the tests of defineRule.',
      resourceTypes: [SG, FS],
      triggerResourceTypes: [SG, FS],
      triggers: ['periodic'],
      requires: ['network'],
      severity: 'low',
      risk: 'none',
      remediation: 'none',
      parameters: {},
      judge: ({ targets }) => {
        asked.push([...targets]);
        return { [SG]: () => compliant(), [FS]: () => compliant() };
      },
    });
    expect(rule.evaluate(topology(), ALL)).toHaveLength(4);
    expect(asked[0]).toEqual([
      { resourceType: SG, resourceId: 'sg-b' },
      { resourceType: SG, resourceId: 'sg-a' },
      { resourceType: FS, resourceId: 'fs-b' },
      { resourceType: FS, resourceId: 'fs-a' },
    ]);
    rule.evaluate(topology(), seeds({ resourceType: SG, resourceId: 'sg-a' }));
    expect(asked[1]).toEqual([{ resourceType: SG, resourceId: 'sg-a' }]);
    expect(rule.evaluate(new TopologyBuilder().build(), ALL)).toEqual([]);
    expect(asked).toHaveLength(2);
  });

  it('judges the seeds of its types and their fan-out, each once, and ignores seeds of other types', () => {
    const judged: string[] = [];
    const scope = seeds(
      { resourceType: SG, resourceId: 'sg-b' },
      { resourceType: FS, resourceId: 'fs-b' },
      { resourceType: ENI, resourceId: 'eni-1' },
    );
    expect(verdicts(toyRule({ judged }).evaluate(topology(), scope))).toEqual([
      [SG, 'sg-b', 'COMPLIANT', ''],
      [FS, 'fs-b', 'NOT_APPLICABLE', 'ports 1000-2000 on fs-b'],
    ]);
    expect(judged.sort()).toEqual(['fs-b', 'sg-b']);
  });

  it('reports a seed the topology no longer holds NOT_APPLICABLE in the one wording, without judging it', () => {
    const judged: string[] = [];
    const scope = seeds(
      { resourceType: SG, resourceId: 'sg-gone' },
      { resourceType: FS, resourceId: 'fs-gone' },
    );
    expect(verdicts(toyRule({ judged }).evaluate(topology(), scope))).toEqual([
      [SG, 'sg-gone', 'NOT_APPLICABLE', 'The resource no longer exists.'],
      [FS, 'fs-gone', 'NOT_APPLICABLE', 'The file system no longer exists.'],
    ]);
    expect(judged).toEqual([]);
  });

  it('reports a deleted seed NOT_APPLICABLE as deleted even while the topology still shows it, and judges its fan-out', () => {
    const judged: string[] = [];
    const evaluations = toyRule({ judged }).evaluate(
      topology(),
      seeds({ resourceType: SG, resourceId: 'sg-b', deleted: true }),
    );
    expect(verdicts(evaluations)).toEqual([
      [SG, 'sg-b', 'NOT_APPLICABLE', DELETED_ANNOTATION],
      [FS, 'fs-b', 'NOT_APPLICABLE', 'ports 1000-2000 on fs-b'],
    ]);
    expect(judged).toEqual(['fs-b']);
    // The seed's flags never reach an Evaluation.
    expect(evaluations[0]).not.toHaveProperty('deleted');
  });

  it('reports a hint seed while it exists and says nothing about it once it is gone', () => {
    const rule = toyRule();
    expect(
      verdicts(rule.evaluate(topology(), seeds({ resourceType: SG, resourceId: 'sg-a', hint: true }))),
    ).toEqual([
      [SG, 'sg-a', 'COMPLIANT', ''],
      [FS, 'fs-a', 'NOT_APPLICABLE', 'ports 1000-2000 on fs-a'],
    ]);
    const evaluations = rule.evaluate(
      topology(),
      seeds({ resourceType: SG, resourceId: 'sg-gone', hint: true }),
    );
    expect(evaluations).toEqual([]);
  });

  it('turns a verdict into the one Evaluation shape: rule id, unresolved only on NON_COMPLIANT', () => {
    const [evaluation] = toyRule().evaluate(topology(), seeds({ resourceType: SG, resourceId: 'sg-a' }), {
      strict: 'true',
    });
    expect(evaluation).toEqual({
      rule: 'toy-rule',
      resourceType: SG,
      resourceId: 'sg-a',
      complianceType: 'NON_COMPLIANT',
      annotation: 'sg-a is judged strictly',
      unresolved: true,
    });
  });

  it('refuses a topology without a part the rule reads', () => {
    const withoutNetwork: Topology = { ...topology(), parts: ['iam'] };
    expect(() => toyRule().evaluate(withoutNetwork, ALL)).toThrow(TopologyPartMissingError);
    expect(() => toyRule().evaluate(withoutNetwork, ALL)).toThrow('toy-rule needs network loaded');
  });

  it('refuses to list IAM resources of a topology that has no IAM state', () => {
    const iamRule = defineRule({
      ...toyRule(),
      parameters: {},
      resourceTypes: ['AWS::IAM::Role'],
      requires: ['network'],
      judge: () => ({ 'AWS::IAM::Role': () => compliant() }),
    });
    expect(() => iamRule.evaluate(topology(), ALL)).toThrow(IamStateNotLoadedError);
    // A change that names no IAM resource needs no IAM state.
    expect(iamRule.evaluate(topology(), seeds({ resourceType: SG, resourceId: 'sg-a' }))).toEqual([]);
  });

  describe('parameters', () => {
    it('documents each parameter from its one spec: name, description and default', () => {
      expect(toyRule().parameters).toEqual([
        { name: 'strict', description: 'be strict', default: 'false' },
        { name: 'ports', description: 'a port range', default: '1000-2000' },
      ]);
    });

    it('parses an absent, null or blank value as the default text', () => {
      const rule = toyRule();
      const defaults = { strict: false, ports: { from: 1000, to: 2000 } };
      expect(rule.parseParameters({})).toEqual(defaults);
      expect(rule.parseParameters({ strict: null, ports: '  ' })).toEqual(defaults);
      expect(rule.parseParameters({ strict: 'TRUE', ports: 2049 })).toEqual({
        strict: true,
        ports: { from: 2049, to: 2049 },
      });
    });

    it('names the parameter and the problem in the error', () => {
      const rule = toyRule();
      expect(() => rule.parseParameters({ ports: '9-1' })).toThrow(InvalidParametersError);
      expect(() => rule.parseParameters({ ports: '9-1' })).toThrow(
        'invalid parameter ports: from-port 9 exceeds to-port 1',
      );
      expect(() => rule.parseParameters({ strict: 'maybe' })).toThrow(
        /invalid parameter strict: expected true or false/,
      );
      expect(() => rule.parseParameters({ strikt: 'true' })).toThrow(
        /strikt: unknown parameter; known parameters: strict, ports/,
      );
    });

    it('parses them once per withParameters, however many batches it evaluates', () => {
      const parse = jest.fn(booleanParam());
      const evaluate = toyRule({ strictParse: parse }).withParameters({ strict: 'true' });
      expect(parse).toHaveBeenCalledTimes(1);
      for (let batch = 0; batch < 3; batch++) evaluate(topology(), ALL);
      expect(parse).toHaveBeenCalledTimes(1);
    });

    it('fails in withParameters, before any evaluation, on a bad value', () => {
      expect(() => toyRule().withParameters({ strict: 'maybe' })).toThrow(InvalidParametersError);
    });
  });
});
