// The adapter side of waivers: the published JSON schema, ARNs and tags from snapshots, the handler's
// waiver parameters and the signed SSM GetParameter request.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { waiverSchemaJson } from '../../../aws/config/waiver-schema-json';
import {
  createSsmWaiverReader,
  splitWaiverParameters,
  WAIVER_CACHE_MS,
} from '../../../aws/config/waiver-source';
import { parseWaiverJson, resourceFactsFromSnapshot, todayUtc } from '../../../aws/config/waivers';
import { getParameterValue } from '../../../aws/sdk/ssm-parameter';
import { emptySnapshot } from '../../../aws/snapshot/format';
import { InvalidParametersError } from '../../../core/errors';
import { InvalidWaiversError } from '../../../core/waivers';
import { ACCOUNT, REGION } from '../../helpers/accounts';

const SCHEMA_PATH = join(__dirname, '../../../docs/schema/waivers.schema.json');

describe('published JSON schema', () => {
  it('docs/schema/waivers.schema.json is the zod schema (npm run schema rewrites it)', () => {
    expect(JSON.parse(readFileSync(SCHEMA_PATH, 'utf8'))).toEqual(waiverSchemaJson());
  });
  it('requires the owner, reason and expiry and allows no other field', () => {
    const schema = waiverSchemaJson() as {
      properties: { waivers: { items: { required: string[]; additionalProperties: boolean } } };
    };
    expect(schema.properties.waivers.items.required).toEqual([
      'rule',
      'resource',
      'reason',
      'owner',
      'expires',
    ]);
    expect(schema.properties.waivers.items.additionalProperties).toBe(false);
  });
});

describe('todayUtc and parseWaiverJson', () => {
  it('takes the UTC day', () => {
    expect(todayUtc(new Date('2026-11-30T23:59:59-05:00'))).toBe('2026-12-01');
  });
  it('names the source when the text is not JSON, and points at the JSON form', () => {
    expect(() =>
      parseWaiverJson('waivers: []', 'SSM parameter /efsguard/waivers', { now: new Date() }),
    ).toThrow(/SSM parameter \/efsguard\/waivers: not valid JSON .*efsguard waivers --format document/);
  });
  it('validates against the date it is given', () => {
    const text = JSON.stringify({
      waivers: [{ rule: '*', resource: 'sg-1', reason: 'r', owner: 'o', expires: '2027-06-01' }],
    });
    expect(parseWaiverJson(text, 'p', { now: new Date('2026-11-30T00:00:00Z') }).waivers).toHaveLength(1);
    expect(() => parseWaiverJson(text, 'p', { now: new Date('2026-01-01T00:00:00Z') })).toThrow(
      InvalidWaiversError,
    );
  });
});

describe('resourceFactsFromSnapshot', () => {
  const snapshot = emptySnapshot(ACCOUNT, REGION, {
    securityGroups: [
      {
        GroupId: 'sg-1',
        VpcId: 'vpc-1',
        OwnerId: ACCOUNT,
        Tags: [{ Key: 'exception', Value: 'approved' }],
      },
    ],
    iam: {
      RoleDetailList: [
        {
          RoleId: 'AROA1',
          RoleName: 'app',
          Arn: `arn:aws:iam::${ACCOUNT}:role/app`,
          Tags: [{ Key: 'k', Value: 'v' }],
        },
      ],
    },
  });
  const describe = resourceFactsFromSnapshot(snapshot);
  it('builds EC2 and EFS ARNs from the id and reads tags', () => {
    expect(describe({ resourceType: 'AWS::EC2::SecurityGroup', resourceId: 'sg-1' })).toEqual({
      arn: `arn:aws:ec2:${REGION}:${ACCOUNT}:security-group/sg-1`,
      tags: { exception: 'approved' },
    });
    expect(describe({ resourceType: 'AWS::EFS::FileSystem', resourceId: 'fs-9' })).toEqual({
      arn: `arn:aws:elasticfilesystem:${REGION}:${ACCOUNT}:file-system/fs-9`,
    });
  });
  it('takes IAM ARNs from the load', () => {
    expect(describe({ resourceType: 'AWS::IAM::Role', resourceId: 'AROA1' })).toEqual({
      arn: `arn:aws:iam::${ACCOUNT}:role/app`,
      tags: { k: 'v' },
    });
    expect(describe({ resourceType: 'AWS::IAM::User', resourceId: 'AIDA-unknown' })).toBeUndefined();
  });
});

describe('splitWaiverParameters', () => {
  it('takes the waiver parameters off the rule parameters', () => {
    expect(
      splitWaiverParameters('r', {
        waiversParameter: '/efsguard/waivers',
        allowTagWaivers: 'TRUE',
        maxWaiverDays: '90',
        allowedCidrs: '10.0.0.0/8',
      }),
    ).toEqual({
      settings: { parameterName: '/efsguard/waivers', allowTagSelectors: true, maxDays: 90 },
      ruleParameters: { allowedCidrs: '10.0.0.0/8' },
    });
  });
  it('leaves tag waivers off and the maximum at 365 days by default', () => {
    expect(splitWaiverParameters('r', { waiversParameter: 'waivers' }).settings).toEqual({
      parameterName: 'waivers',
      allowTagSelectors: false,
      maxDays: 365,
    });
  });
  it('needs no waiver parameter at all', () => {
    expect(splitWaiverParameters('r', { allowUnusedIngress: 'true' })).toEqual({
      ruleParameters: { allowUnusedIngress: 'true' },
    });
  });
  it.each([
    [{ waiversParameter: 'has space' }, /invalid parameter waiversParameter: not an SSM parameter name/],
    [
      { waiversParameter: 'w', allowTagWaivers: 'yes' },
      /invalid parameter allowTagWaivers: expected true or false/,
    ],
    [{ waiversParameter: 'w', maxWaiverDays: '-3' }, /invalid parameter maxWaiverDays/],
  ])('rejects %j', (raw, message) => {
    expect(() => splitWaiverParameters('r', raw)).toThrow(InvalidParametersError);
    expect(() => splitWaiverParameters('r', raw)).toThrow(message);
  });
});

describe('getParameterValue (signed AWS JSON 1.1 request)', () => {
  const saved = { ...process.env };
  beforeEach(() => {
    process.env.AWS_ACCESS_KEY_ID = 'AKIDEXAMPLE';
    process.env.AWS_SECRET_ACCESS_KEY = 'secret';
    delete process.env.AWS_SESSION_TOKEN;
    delete process.env.AWS_PROFILE;
  });
  afterAll(() => {
    process.env = saved;
  });

  function fakeFetch(responses: { status: number; body: unknown }[]) {
    const calls: { url: string; init: RequestInit }[] = [];
    const fetch = (async (url: URL | string, init?: RequestInit) => {
      calls.push({ url: String(url), init: init ?? {} });
      const next = responses.shift() ?? { status: 500, body: {} };
      return new Response(JSON.stringify(next.body), { status: next.status });
    }) as typeof globalThis.fetch;
    return { fetch, calls };
  }

  it('sends GetParameter, signed for ssm in the region, to the regional endpoint', async () => {
    const { fetch, calls } = fakeFetch([{ status: 200, body: { Parameter: { Value: '{"waivers":[]}' } } }]);
    await expect(
      getParameterValue('/efsguard/waivers', { region: 'eu-west-1', fetch, env: {} }),
    ).resolves.toBe('{"waivers":[]}');
    expect(calls).toHaveLength(1);
    const [call] = calls;
    expect(call?.url).toBe('https://ssm.eu-west-1.amazonaws.com/');
    const headers = call?.init.headers as Record<string, string>;
    expect(headers['x-amz-target']).toBe('AmazonSSM.GetParameter');
    expect(headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/ssm\/aws4_request/,
    );
    expect(JSON.parse(String(call?.init.body))).toEqual({ Name: '/efsguard/waivers', WithDecryption: true });
  });

  it('honours AWS_ENDPOINT_URL_SSM, then AWS_ENDPOINT_URL', async () => {
    const first = fakeFetch([{ status: 200, body: { Parameter: { Value: 'x' } } }]);
    await getParameterValue('p', {
      region: 'eu-west-1',
      fetch: first.fetch,
      env: { AWS_ENDPOINT_URL: 'http://127.0.0.1:1', AWS_ENDPOINT_URL_SSM: 'http://127.0.0.1:2' },
    });
    expect(first.calls[0]?.url).toBe('http://127.0.0.1:2/');
  });

  it('names ssm:GetParameter when access is denied, and the parameter when it is missing', async () => {
    const denied = fakeFetch([{ status: 400, body: { __type: 'AccessDeniedException', message: 'no' } }]);
    await expect(
      getParameterValue('p', { region: 'eu-west-1', fetch: denied.fetch, env: {} }),
    ).rejects.toThrow(/not allowed to call ssm:GetParameter/);
    const missing = fakeFetch([{ status: 400, body: { __type: 'ParameterNotFound' } }]);
    await expect(
      getParameterValue('/w', { region: 'eu-west-1', fetch: missing.fetch, env: {} }),
    ).rejects.toThrow('ssm:GetParameter failed: ParameterNotFound (parameter /w)');
  });

  it('retries throttling', async () => {
    const { fetch, calls } = fakeFetch([
      { status: 400, body: { __type: 'ThrottlingException' } },
      { status: 200, body: { Parameter: { Value: 'ok' } } },
    ]);
    await expect(
      getParameterValue('p', { region: 'eu-west-1', fetch, env: {}, sleep: async () => {} }),
    ).resolves.toBe('ok');
    expect(calls).toHaveLength(2);
  });

  it('is read once per cache period by a warm function', async () => {
    let now = 0;
    const { fetch, calls } = fakeFetch([
      { status: 200, body: { Parameter: { Value: 'a' } } },
      { status: 200, body: { Parameter: { Value: 'b' } } },
    ]);
    const read = createSsmWaiverReader({ region: 'eu-west-1', fetch, env: {}, now: () => now });
    expect(await read('p')).toBe('a');
    now = WAIVER_CACHE_MS - 1;
    expect(await read('p')).toBe('a');
    now = WAIVER_CACHE_MS;
    expect(await read('p')).toBe('b');
    expect(calls).toHaveLength(2);
  });
});
