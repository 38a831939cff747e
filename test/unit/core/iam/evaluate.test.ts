import fc from 'fast-check';
import {
  createRequestContext,
  evaluateConditions,
  matchesAction,
  matchesWildcard,
  parseIamDate,
  parsePolicyDocument,
} from '../../../../core/iam';
import { evaluateRequest, type PolicyRequest } from '../../../helpers/iam-decision';

const clauses = (condition: unknown) =>
  parsePolicyDocument({ Statement: { Effect: 'Allow', Action: '*', Condition: condition } }).statements[0]
    ?.conditions ?? [];
const holds = (condition: unknown, context: Record<string, string | boolean | string[]>): boolean =>
  evaluateConditions(clauses(condition), createRequestContext(context));

describe('IAM wildcards', () => {
  it('matches * and ? across separators and action names case-insensitively', () => {
    expect(matchesAction('elasticfilesystem:Client*', 'ElasticFileSystem:clientMount')).toBe(true);
    expect(matchesAction('*', 'elasticfilesystem:ClientWrite')).toBe(true);
    expect(matchesAction('elasticfilesystem:Client????', 'elasticfilesystem:ClientMount')).toBe(false);
    expect(matchesAction('elasticfilesystem:Client?ount', 'elasticfilesystem:ClientMount')).toBe(true);
    expect(
      matchesWildcard('arn:aws:*:file-system/*', 'arn:aws:elasticfilesystem:us-east-1:1:file-system/fs-1'),
    ).toBe(true);
    expect(matchesWildcard('File-System/*', 'file-system/fs-1')).toBe(false);
  });

  it('agrees with a regular-expression reference on random patterns', () => {
    const alphabet = fc.constantFrom('a', 'b', ':', '*', '?');
    fc.assert(
      fc.property(
        fc.string({ unit: alphabet, maxLength: 8 }),
        fc.string({ unit: fc.constantFrom('a', 'b', ':'), maxLength: 10 }),
        (pattern, value) => {
          const regex = new RegExp(
            `^${[...pattern].map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c)).join('')}$`,
            's',
          );
          expect(matchesWildcard(pattern, value)).toBe(regex.test(value));
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('condition evaluation', () => {
  it('Bool compares strings and booleans alike; IfExists passes absent keys', () => {
    expect(holds({ Bool: { 'aws:SecureTransport': false } }, { 'aws:SecureTransport': 'false' })).toBe(true);
    expect(holds({ Bool: { 'aws:SecureTransport': 'false' } }, { 'AWS:SECURETRANSPORT': false })).toBe(true);
    expect(holds({ Bool: { 'aws:SecureTransport': 'false' } }, {})).toBe(false);
    expect(holds({ BoolIfExists: { 'aws:SecureTransport': 'false' } }, {})).toBe(true);
    expect(
      holds({ BoolIfExists: { 'aws:SecureTransport': 'false' } }, { 'aws:SecureTransport': 'true' }),
    ).toBe(false);
  });

  it('absent keys: positive operators false, negated operators true', () => {
    expect(holds({ StringEquals: { 'aws:PrincipalOrgID': 'o-1' } }, {})).toBe(false);
    expect(holds({ StringNotEquals: { 'aws:PrincipalOrgID': 'o-1' } }, {})).toBe(true);
    expect(holds({ ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::1:role/*' } }, {})).toBe(true);
  });

  it('ORs positive values and ANDs negated ones', () => {
    expect(holds({ StringEquals: { k: ['a', 'b'] } }, { k: 'b' })).toBe(true);
    expect(holds({ StringNotEquals: { k: ['a', 'b'] } }, { k: 'b' })).toBe(false);
    expect(holds({ StringNotEquals: { k: ['a', 'b'] } }, { k: 'c' })).toBe(true);
  });

  it('handles set qualifiers over multivalued keys', () => {
    expect(
      holds({ 'ForAllValues:StringEquals': { 'aws:TagKeys': ['a', 'b'] } }, { 'aws:TagKeys': ['a', 'b'] }),
    ).toBe(true);
    expect(
      holds({ 'ForAllValues:StringEquals': { 'aws:TagKeys': ['a'] } }, { 'aws:TagKeys': ['a', 'c'] }),
    ).toBe(false);
    expect(holds({ 'ForAllValues:StringEquals': { 'aws:TagKeys': ['a'] } }, {})).toBe(true);
    expect(
      holds({ 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['a'] } }, { 'aws:TagKeys': ['c', 'a'] }),
    ).toBe(true);
    expect(holds({ 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['a'] } }, {})).toBe(false);
  });

  it('evaluates Null, string case, numbers, dates, addresses and ARNs', () => {
    expect(holds({ Null: { 'aws:TokenIssueTime': 'true' } }, {})).toBe(true);
    expect(holds({ Null: { 'aws:TokenIssueTime': 'false' } }, {})).toBe(false);
    expect(holds({ StringEqualsIgnoreCase: { k: 'ABC' } }, { k: 'abc' })).toBe(true);
    expect(holds({ StringEquals: { k: 'ABC' } }, { k: 'abc' })).toBe(false);
    expect(
      holds(
        { NumericLessThanEquals: { 'aws:MultiFactorAuthAge': '3600' } },
        { 'aws:MultiFactorAuthAge': '3600' },
      ),
    ).toBe(true);
    expect(
      holds(
        { DateGreaterThan: { 'aws:CurrentTime': '2020-01-01T00:00:00Z' } },
        { 'aws:CurrentTime': '2020-01-01T00:00:01Z' },
      ),
    ).toBe(true);
    expect(
      holds({ IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }, { 'aws:SourceIp': '203.0.113.9' }),
    ).toBe(true);
    expect(
      holds(
        { NotIpAddress: { 'aws:SourceIp': ['203.0.113.0/24', '198.51.100.7'] } },
        { 'aws:SourceIp': '198.51.100.7' },
      ),
    ).toBe(false);
    expect(
      holds(
        { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/app-*' } },
        { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/app-web' },
      ),
    ).toBe(true);
    expect(
      holds(
        { ArnEquals: { 'aws:SourceArn': 'arn:aws:sns:*:111122223333:t' } },
        { 'aws:SourceArn': 'arn:aws:sns:us-east-1:111122223333:t' },
      ),
    ).toBe(true);
    expect(
      holds(
        { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*' } },
        { 'aws:PrincipalArn': 'arn:aws:iam::1:role/x' },
      ),
    ).toBe(false);
  });

  it('parses IAM dates without the clock', () => {
    expect(parseIamDate('1970-01-02')).toBe(86_400_000);
    expect(parseIamDate('2020-02-29T12:00:00.5+02:00')).toBe(1582970400500);
    expect(parseIamDate('1582970400')).toBe(1582970400000);
    expect(Number.isNaN(parseIamDate('yesterday'))).toBe(true);
  });
});

describe('evaluateRequest', () => {
  const document = parsePolicyDocument({
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: 'elasticfilesystem:Client*',
        Condition: { Bool: { 'elasticfilesystem:AccessedViaMountTarget': 'true' } },
      },
      {
        Effect: 'Deny',
        Principal: '*',
        Action: '*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
      {
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::111122223333:root' },
        Action: 'elasticfilesystem:DescribeMountTargets',
      },
    ],
  });
  const request = (overrides: Partial<PolicyRequest>): PolicyRequest => ({
    principal: { kind: 'anonymous' },
    action: 'elasticfilesystem:ClientWrite',
    resource: 'arn:aws:elasticfilesystem:us-east-1:111122223333:file-system/fs-1',
    context: createRequestContext({
      'elasticfilesystem:AccessedViaMountTarget': 'true',
      'aws:SecureTransport': 'true',
    }),
    ...overrides,
  });

  it('an explicit Deny wins, then an Allow, else the implicit deny', () => {
    expect(evaluateRequest(document, request({}))).toBe('allow');
    expect(
      evaluateRequest(
        document,
        request({
          context: createRequestContext({
            'elasticfilesystem:AccessedViaMountTarget': 'true',
            'aws:SecureTransport': 'false',
          }),
        }),
      ),
    ).toBe('explicitDeny');
    expect(evaluateRequest(document, request({ action: 'elasticfilesystem:DescribeMountTargets' }))).toBe(
      'implicitDeny',
    );
    expect(
      evaluateRequest(
        document,
        request({
          action: 'elasticfilesystem:DescribeMountTargets',
          principal: { kind: 'aws', arn: 'arn:aws:iam::111122223333:role/r', accountId: '111122223333' },
        }),
      ),
    ).toBe('allow');
  });
});
