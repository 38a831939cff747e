import { describeStatement, PolicyParseError, parsePolicyDocument } from '../../../../core/iam';

describe('parsePolicyDocument', () => {
  it('accepts a single statement object and normalises single values to lists', () => {
    const document = parsePolicyDocument(
      JSON.stringify({
        Version: '2012-10-17',
        Statement: {
          Effect: 'Allow',
          Principal: { AWS: '*' },
          Action: 'elasticfilesystem:ClientMount',
          Condition: {
            Bool: { 'aws:SecureTransport': true },
            'ForAnyValue:StringLikeIfExists': { 'aws:TagKeys': ['a*', 'b'] },
          },
        },
      }),
    );
    expect(document.version).toBe('2012-10-17');
    const [statement] = document.statements;
    expect(statement).toEqual({
      index: 0,
      effect: 'Allow',
      principal: { negated: false, entries: [{ type: 'AWS', value: '*' }] },
      action: { negated: false, patterns: ['elasticfilesystem:ClientMount'] },
      conditions: [
        {
          written: 'Bool',
          operator: 'Bool',
          ifExists: false,
          key: 'aws:SecureTransport',
          keyLower: 'aws:securetransport',
          values: ['true'],
        },
        {
          written: 'ForAnyValue:StringLikeIfExists',
          operator: 'StringLike',
          qualifier: 'ForAnyValue',
          ifExists: true,
          key: 'aws:TagKeys',
          keyLower: 'aws:tagkeys',
          values: ['a*', 'b'],
        },
      ],
    });
    expect(describeStatement(document.statements[0] as never)).toBe('statement #1');
  });

  it('reads Principal "*", NotPrincipal, NotAction and NotResource', () => {
    const document = parsePolicyDocument({
      Statement: [
        { Sid: 'A', Effect: 'Deny', Principal: '*', NotAction: 's3:*', NotResource: ['arn:aws:s3:::b'] },
        {
          Effect: 'Allow',
          NotPrincipal: { AWS: ['arn:aws:iam::111122223333:root'], Service: 'ec2.amazonaws.com' },
          Action: '*',
        },
      ],
    });
    expect(document.statements[0]).toMatchObject({
      sid: 'A',
      principal: { negated: false, entries: [{ type: '*', value: '*' }] },
      action: { negated: true, patterns: ['s3:*'] },
      resource: { negated: true, patterns: ['arn:aws:s3:::b'] },
    });
    expect(document.statements[1]?.principal).toEqual({
      negated: true,
      entries: [
        { type: 'AWS', value: 'arn:aws:iam::111122223333:root' },
        { type: 'Service', value: 'ec2.amazonaws.com' },
      ],
    });
    expect(describeStatement(document.statements[0] as never)).toBe('statement "A"');
  });

  it.each([
    ['not JSON', '{"Statement": [', /^not valid JSON/],
    ['a string', '"x"', /a policy must be a JSON object/],
    ['no Statement', '{"Version": "2012-10-17"}', /missing Statement/],
    [
      'an unknown element',
      '{"Statement": {"Effect": "Allow", "Action": "*", "Resources": "*"}}',
      /^Statement: unknown element "Resources"/,
    ],
    [
      'a bad Effect',
      '{"Statement": [{"Effect": "Permit", "Action": "*"}]}',
      /^Statement\[0\]\.Effect: expected "Allow" or "Deny"/,
    ],
    ['no Action', '{"Statement": [{"Effect": "Allow"}]}', /missing Action or NotAction/],
    [
      'Action and NotAction',
      '{"Statement": [{"Effect": "Allow", "Action": "*", "NotAction": "*"}]}',
      /both Action and NotAction/,
    ],
    [
      'Principal and NotPrincipal',
      '{"Statement": [{"Effect": "Allow", "Action": "*", "Principal": "*", "NotPrincipal": "*"}]}',
      /both Principal and NotPrincipal/,
    ],
    [
      'an empty Action list',
      '{"Statement": [{"Effect": "Allow", "Action": []}]}',
      /Statement\[0\]\.Action: must not be an empty list/,
    ],
    [
      'a numeric action',
      '{"Statement": [{"Effect": "Allow", "Action": ["a:b", 3]}]}',
      /Statement\[0\]\.Action\[1\]: expected a non-empty string/,
    ],
    [
      'a bad principal',
      '{"Statement": [{"Effect": "Allow", "Action": "*", "Principal": "everyone"}]}',
      /Principal: expected "\*" or an object/,
    ],
    [
      'an unknown operator',
      '{"Statement": [{"Effect": "Allow", "Action": "*", "Condition": {"StringIs": {"k": "v"}}}]}',
      /unknown condition operator "StringIs"/,
    ],
    [
      'an unknown qualifier',
      '{"Statement": [{"Effect": "Allow", "Action": "*", "Condition": {"ForSome:StringEquals": {"k": "v"}}}]}',
      /unknown set qualifier "ForSome"/,
    ],
    [
      'NullIfExists',
      '{"Statement": [{"Effect": "Allow", "Action": "*", "Condition": {"NullIfExists": {"k": "true"}}}]}',
      /Null cannot take the IfExists suffix/,
    ],
    [
      'a Bool that is not boolean',
      '{"Statement": [{"Effect": "Allow", "Action": "*", "Condition": {"Bool": {"aws:SecureTransport": "no"}}}]}',
      /Bool takes true or false, got "no"/,
    ],
    [
      'an object condition value',
      '{"Statement": [{"Effect": "Allow", "Action": "*", "Condition": {"StringEquals": {"k": {"v": 1}}}}]}',
      /Condition\.StringEquals\.k: expected a string, boolean or number/,
    ],
  ])('rejects %s with a PolicyParseError naming it', (_name, text, message) => {
    expect(() => parsePolicyDocument(text)).toThrow(PolicyParseError);
    expect(() => parsePolicyDocument(text)).toThrow(message);
  });
});
