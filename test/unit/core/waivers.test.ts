// Waivers in the pure core: validation with messages naming entry and field, expiry, unused waivers,
// scoping by account, region, ARN and tags, and the rule that nothing unresolved is ever waived.
import { ALL, type Evaluation } from '../../../core/model';
import { efsClientNfsEgress } from '../../../core/rules/efs-client-nfs-egress';
import { efsMountTargetNfsIngress } from '../../../core/rules/efs-mount-target-nfs-ingress';
import {
  addDays,
  applyWaivers,
  InvalidWaiversError,
  isCalendarDate,
  parseWaiverDocument,
  type Waiver,
  type WaiverScope,
  waivedAnnotation,
} from '../../../core/waivers';
import { cidr, pl, standardNfs, tcp } from '../../fixtures/topology-builder';
import { ACCOUNT } from '../../helpers/accounts';

const TODAY = '2026-11-30';
const REGION = 'eu-west-1';
const INGRESS = 'efs-mount-target-nfs-ingress';

function waiver(overrides: Partial<Waiver> = {}): Waiver {
  return {
    rule: INGRESS,
    resource: 'sg-open',
    reason: 'legacy partner range, ticket OPS-12',
    owner: 'team-storage',
    expires: '2027-01-31',
    ...overrides,
  };
}

function finding(resourceId: string, extra: Partial<Evaluation> = {}): Evaluation {
  return {
    rule: INGRESS,
    resourceType: 'AWS::EC2::SecurityGroup',
    resourceId,
    complianceType: 'NON_COMPLIANT',
    annotation: `${resourceId} allows tcp 2049 from 0.0.0.0/0.`,
    ...extra,
  };
}

function scope(evaluations: Evaluation[], extra: Partial<WaiverScope> = {}): WaiverScope {
  return { accountId: ACCOUNT, region: REGION, evaluations, ...extra };
}

function apply(
  waivers: Waiver[],
  evaluations: Evaluation[],
  options: { today?: string; allowTags?: boolean } = {},
) {
  const result = applyWaivers(waivers, [scope(evaluations)], {
    today: options.today ?? TODAY,
    allowTagSelectors: options.allowTags ?? false,
  });
  return { evaluations: result.scopes[0] as Evaluation[], reports: result.reports };
}

describe('parseWaiverDocument', () => {
  const parse = (value: unknown, maxDays?: number) =>
    parseWaiverDocument(
      value,
      { today: TODAY, knownRules: [INGRESS], ...(maxDays ? { maxDays } : {}) },
      'w.yaml',
    );

  it('accepts a valid document with optional account and region', () => {
    const document = parse({ waivers: [waiver({ account: ACCOUNT, region: REGION })] });
    expect(document.waivers[0]).toMatchObject({ account: ACCOUNT, region: REGION, owner: 'team-storage' });
  });

  it.each<[string, unknown, RegExp]>([
    [
      'a missing owner',
      { waivers: [waiver(), { ...waiver(), owner: undefined }] },
      /w\.yaml: invalid waivers: waivers\[1\]\.owner: /,
    ],
    ['an empty reason', { waivers: [waiver({ reason: '  ' })] }, /waivers\[0\]\.reason: must not be empty/],
    [
      'a date in another format',
      { waivers: [waiver({ expires: '31/01/2027' })] },
      /waivers\[0\]\.expires: expected a date YYYY-MM-DD/,
    ],
    [
      'a day that does not exist',
      { waivers: [waiver({ expires: '2027-02-29' })] },
      /waivers\[0\]\.expires: not a calendar date/,
    ],
    [
      'an expiry beyond 365 days',
      { waivers: [waiver({ expires: '2027-12-01' })] },
      /waivers\[0\]\.expires: 2027-12-01 is more than 365 days from 2026-11-30 \(latest 2027-11-30\)/,
    ],
    [
      'an unknown field',
      { waivers: [{ ...waiver(), severity: 'low' }] },
      /waivers\[0\]: Unrecognized key: "severity"/,
    ],
    [
      'a bad account',
      { waivers: [waiver({ account: '12345' })] },
      /waivers\[0\]\.account: expected a 12-digit AWS account id/,
    ],
    [
      'a malformed tag selector',
      { waivers: [waiver({ resource: 'tag:=x' })] },
      /waivers\[0\]\.resource: expected a resource id/,
    ],
    [
      'an unknown rule',
      { waivers: [waiver({ rule: 'efs-nope' })] },
      /waivers\[0\]\.rule: unknown rule efs-nope; known rules: efs-mount-target-nfs-ingress, or \*/,
    ],
    ['no waivers list', { exemptions: [] }, /waivers: /],
  ])('rejects %s, naming the entry and the field', (_name, value, message) => {
    expect(() => parse(value)).toThrow(InvalidWaiversError);
    expect(() => parse(value)).toThrow(message);
  });

  it('takes a configurable maximum lifetime', () => {
    expect(() => parse({ waivers: [waiver({ expires: '2027-01-31' })] }, 30)).toThrow(
      /waivers\[0\]\.expires: 2027-01-31 is more than 30 days from 2026-11-30 \(latest 2026-12-30\)/,
    );
  });

  it('accepts an expired waiver: it is reported, not rejected', () => {
    expect(parse({ waivers: [waiver({ expires: '2025-01-01' })] }).waivers).toHaveLength(1);
  });
});

describe('dates without a clock', () => {
  it.each([
    ['2026-11-30', 365, '2027-11-30'],
    ['2027-12-31', 1, '2028-01-01'],
    ['2028-02-28', 1, '2028-02-29'],
    ['2100-02-28', 1, '2100-03-01'],
    ['2000-02-28', 1, '2000-02-29'],
    ['2026-03-01', -1, '2026-02-28'],
  ])('%s + %d days = %s', (date, days, expected) => {
    expect(addDays(date, days)).toBe(expected);
  });
  it('knows calendar dates', () => {
    expect(isCalendarDate('2024-02-29')).toBe(true);
    expect(isCalendarDate('2026-02-29')).toBe(false);
    expect(isCalendarDate('2026-04-31')).toBe(false);
    expect(isCalendarDate('2026-13-01')).toBe(false);
  });
});

describe('applyWaivers', () => {
  it('posts a waived finding as COMPLIANT, saying who waived it, why and until when, and keeps the finding', () => {
    const { evaluations, reports } = apply([waiver()], [finding('sg-open'), finding('sg-other')]);
    const [waived, other] = evaluations;
    expect(waived).toMatchObject({
      complianceType: 'COMPLIANT',
      waived: {
        index: 0,
        owner: 'team-storage',
        expires: '2027-01-31',
        finding: 'sg-open allows tcp 2049 from 0.0.0.0/0.',
      },
    });
    expect(waived?.annotation).toMatch(
      /^Waived until 2027-01-31 by team-storage: legacy partner range, ticket OPS-12 \| sg-open allows/,
    );
    expect(other).toEqual(finding('sg-other'));
    expect(reports[0]).toMatchObject({ status: 'active' });
    expect(reports[0]?.suppressed.map((match) => match.evaluation.resourceId)).toEqual(['sg-open']);
  });

  it('keeps the annotation within 256 characters, the waiver first', () => {
    const long = waiver({ owner: 'o'.repeat(64), reason: 'r'.repeat(160) });
    const text = waivedAnnotation(long, 'x'.repeat(300));
    expect(text.length).toBeLessThanOrEqual(256);
    expect(text.startsWith(`Waived until 2027-01-31 by ${'o'.repeat(64)}: ${'r'.repeat(160)}`)).toBe(true);
  });

  it('applies up to and including the expiry day, and not the day after', () => {
    const onTheDay = apply([waiver({ expires: TODAY })], [finding('sg-open')]);
    expect(onTheDay.evaluations[0]?.complianceType).toBe('COMPLIANT');
    const after = apply([waiver({ expires: '2026-11-29' })], [finding('sg-open')]);
    expect(after.evaluations[0]).toEqual(finding('sg-open'));
    expect(after.reports[0]).toMatchObject({ status: 'expired', suppressed: [] });
    expect(after.reports[0]?.dormant.map((match) => match.evaluation.resourceId)).toEqual(['sg-open']);
  });

  it('reports a waiver that matches no NON_COMPLIANT verdict as unused', () => {
    const compliant: Evaluation = { ...finding('sg-open'), complianceType: 'COMPLIANT' };
    delete (compliant as { annotation?: string }).annotation;
    const { evaluations, reports } = apply([waiver(), waiver({ resource: 'sg-gone' })], [compliant]);
    expect(evaluations).toEqual([compliant]);
    expect(reports.map((report) => report.status)).toEqual(['unused', 'unused']);
  });

  it('never waives a verdict that rests on something unresolved', () => {
    const unresolved = finding('sg-open', {
      annotation: 'sg-open allows tcp 2049 from prefix list pl-1, which cannot be resolved.',
      unresolved: true,
    });
    const { evaluations, reports } = apply([waiver({ rule: '*' })], [unresolved]);
    expect(evaluations).toEqual([unresolved]);
    expect(reports[0]).toMatchObject({ status: 'unused', suppressed: [] });
    expect(reports[0]?.refused.map((match) => match.evaluation.resourceId)).toEqual(['sg-open']);
  });

  it('never waives an unresolved verdict the rules produce (end to end through the ingress and egress rules)', () => {
    const topology = standardNfs()
      .securityGroup('sg-mt', { ingress: [tcp(2049, pl('pl-missing')), tcp(2049, cidr('0.0.0.0/0'))] })
      .build();
    const evaluations = [
      ...efsMountTargetNfsIngress.evaluate(topology, ALL),
      ...efsClientNfsEgress.evaluate(topology, ALL),
    ];
    const unresolved = evaluations.filter((evaluation) => evaluation.unresolved);
    expect(unresolved.map((evaluation) => evaluation.resourceId)).toContain('sg-mt');
    // Every verdict that says it could not resolve something carries the marker.
    for (const evaluation of evaluations) {
      if (/cannot be resolved|cannot be parsed|cannot check/.test(evaluation.annotation ?? ''))
        expect(evaluation.unresolved).toBe(true);
    }
    const result = applyWaivers(
      [waiver({ rule: '*', resource: 'sg-mt' }), waiver({ rule: '*', resource: 'fs-1' })],
      [{ accountId: topology.accountId, region: topology.region, evaluations }],
      { today: TODAY },
    );
    const after = result.scopes[0] ?? [];
    for (const evaluation of after.filter((e) => e.resourceId === 'sg-mt'))
      expect(evaluation.complianceType).toBe('NON_COMPLIANT');
  });

  it('leaves COMPLIANT and NOT_APPLICABLE verdicts alone', () => {
    const notApplicable: Evaluation = { ...finding('sg-open'), complianceType: 'NOT_APPLICABLE' };
    expect(apply([waiver()], [notApplicable]).evaluations).toEqual([notApplicable]);
  });

  it('limits a waiver to its rule, account and region', () => {
    const other = { ...finding('sg-open'), rule: 'efs-client-nfs-egress' };
    expect(apply([waiver()], [other]).evaluations[0]?.complianceType).toBe('NON_COMPLIANT');
    expect(apply([waiver({ rule: '*' })], [other]).evaluations[0]?.complianceType).toBe('COMPLIANT');
    expect(
      apply([waiver({ account: '999999999999' })], [finding('sg-open')]).evaluations[0]?.complianceType,
    ).toBe('NON_COMPLIANT');
    expect(
      apply([waiver({ region: 'us-east-1' })], [finding('sg-open')]).evaluations[0]?.complianceType,
    ).toBe('NON_COMPLIANT');
    expect(
      apply([waiver({ account: ACCOUNT, region: REGION })], [finding('sg-open')]).evaluations[0]
        ?.complianceType,
    ).toBe('COMPLIANT');
  });

  it('matches by ARN and, only when enabled, by tag', () => {
    const arn = `arn:aws:ec2:${REGION}:${ACCOUNT}:security-group/sg-open`;
    const describe = () => ({ arn, tags: { exception: 'approved' } });
    const run = (w: Waiver, allowTagSelectors: boolean) =>
      applyWaivers([w], [scope([finding('sg-open')], { describe })], { today: TODAY, allowTagSelectors });
    expect(run(waiver({ resource: arn }), false).scopes[0]?.[0]?.complianceType).toBe('COMPLIANT');
    const tagOff = run(waiver({ resource: 'tag:exception=approved' }), false);
    expect(tagOff.scopes[0]?.[0]?.complianceType).toBe('NON_COMPLIANT');
    expect(tagOff.reports[0]?.status).toBe('disabled');
    expect(run(waiver({ resource: 'tag:exception=approved' }), true).scopes[0]?.[0]?.complianceType).toBe(
      'COMPLIANT',
    );
    expect(run(waiver({ resource: 'tag:exception=other' }), true).scopes[0]?.[0]?.complianceType).toBe(
      'NON_COMPLIANT',
    );
  });

  it('credits the first matching waiver in document order', () => {
    const { reports } = apply(
      [waiver({ owner: 'first' }), waiver({ owner: 'second' })],
      [finding('sg-open')],
    );
    expect(reports.map((report) => report.status)).toEqual(['active', 'unused']);
  });
});
