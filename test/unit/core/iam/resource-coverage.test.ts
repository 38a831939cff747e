import { type CoverageQuery, coversEveryEfsResource } from '../../../../core/iam';

const ARN = 'arn:aws:elasticfilesystem:us-east-1:111122223333';
const FS = `${ARN}:file-system/fs-0123456789abcdef0`;
const res = (...patterns: string[]) => ({ negated: false, patterns });
const notRes = (...patterns: string[]) => ({ negated: true, patterns });
const covers = (query: Partial<CoverageQuery>) => coversEveryEfsResource({ allow: [], deny: [], ...query });

describe('coversEveryEfsResource', () => {
  it('answers from the pattern: every id of some valid length, in some partition, region and account', () => {
    expect(covers({ allow: [res('*')] })).toBe(true);
    expect(covers({ allow: [undefined] })).toBe(true);
    expect(covers({ allow: [res(FS)] })).toBe(false);
    expect(covers({ allow: [res(`${ARN}:file-system/fs-????????`)] })).toBe(true);
    expect(covers({ allow: [res(`${ARN}:file-system/fs-${'?'.repeat(40)}`)] })).toBe(true);
    expect(covers({ allow: [res(`${ARN}:file-system/fs-${'?'.repeat(41)}`)] })).toBe(false);
    expect(covers({ allow: [res(`${ARN}:file-system/fs-???????`)] })).toBe(false);
    expect(covers({ allow: [res(`${ARN}:file-system/fs-0???????`)] })).toBe(false);
    expect(covers({ allow: [res(`${ARN}:access-point/fsap-*`)] })).toBe(true);
    expect(covers({ allow: [res('arn:aws-cn:elasticfilesystem:cn-north-1:111122223333:*')] })).toBe(true);
    expect(covers({ allow: [res('arn:aws:elasticfilesystem:us-east-1:11112222333:*')] })).toBe(false);
    expect(
      covers({ allow: [res('arn:aws:elasticfilesystem:us-east-1:111122223333:file-system/FS-*')] }),
    ).toBe(false);
  });

  it('unions the patterns of one element and of several Allows', () => {
    const halves = ['01234567', '89abcdef'].map((digits) =>
      [...digits].map((digit) => `${ARN}:file-system/fs-${digit}*`),
    );
    expect(covers({ allow: [res(...(halves[0] as string[]))] })).toBe(false);
    expect(covers({ allow: [res(...(halves[0] as string[])), res(...(halves[1] as string[]))] })).toBe(true);
  });

  it('reads NotResource as everything but its patterns', () => {
    expect(covers({ allow: [notRes(FS)] })).toBe(true);
    expect(covers({ allow: [notRes('*')] })).toBe(false);
    expect(covers({ allow: [notRes('arn:*:elasticfilesystem:*')] })).toBe(false);
  });

  it('subtracts Denies, with Resource and NotResource', () => {
    expect(covers({ allow: [res('*')], deny: [res('*')] })).toBe(false);
    expect(covers({ allow: [res('*')], deny: [undefined] })).toBe(false);
    expect(covers({ allow: [res('*')], deny: [notRes(FS)] })).toBe(false);
    expect(covers({ allow: [res('*')], deny: [res(FS)] })).toBe(true);
    // A Deny of the 8-digit ids leaves the 17-digit ones.
    expect(covers({ allow: [res('*')], deny: [res('*/fs-????????', '*/fsap-*')] })).toBe(true);
    expect(covers({ allow: [res('*')], deny: [res('*:file-system/*'), res('*:access-point/*')] })).toBe(
      false,
    );
    // Deny every account but one: that one account is still covered.
    expect(covers({ allow: [res('*')], deny: [notRes('arn:aws:elasticfilesystem:*:111122223333:*')] })).toBe(
      true,
    );
  });

  it('fails closed on a pattern built to blow up the search', () => {
    // The automaton for "…fs-*0" plus 15 '?' needs 2^16 state sets: the exact answer is "not every id",
    // but the search gives up within its budget and answers "covered" rather than run for seconds.
    expect(covers({ allow: [res(`${ARN}:file-system/fs-*0${'?'.repeat(15)}`)] })).toBe(true);
    // A smaller one of the same shape is decided exactly.
    expect(covers({ allow: [res(`${ARN}:file-system/fs-*0??`)] })).toBe(false);
  });
});
