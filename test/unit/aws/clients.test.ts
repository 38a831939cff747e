// Retries and error translation through the real SDK middleware stack, against a loopback HTTP
// server that plays EC2 (aws-sdk-client-mock replaces send() and so would bypass the retry logic).
import { createServer, type Server } from 'node:http';
import {
  type AddressInfo,
  createServer as createNetServer,
  type Server as NetServer,
  type Socket,
} from 'node:net';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { describeVpcs } from '../../../aws/load/describe';
import { CONNECTION_TIMEOUT_MS, createAwsClients, REQUEST_TIMEOUT_MS } from '../../../aws/sdk/clients';
import { destroyAwsClients } from '../../../aws/sdk/destroy-clients';
import { AccessDeniedError, AwsCallError, EndpointUnreachableError } from '../../../aws/sdk/errors';
import { findFreePort } from '../../helpers/moto';

const THROTTLED = `<?xml version="1.0" encoding="UTF-8"?>
<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message></Error></Errors><RequestID>r1</RequestID></Response>`;
const DENIED = `<?xml version="1.0" encoding="UTF-8"?>
<Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>You are not authorized to perform this operation.</Message></Error></Errors><RequestID>r2</RequestID></Response>`;
const VPCS = `<?xml version="1.0" encoding="UTF-8"?>
<DescribeVpcsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r3</requestId><vpcSet><item><vpcId>vpc-1</vpcId><ownerId>123456789012</ownerId><cidrBlock>10.0.0.0/16</cidrBlock></item></vpcSet></DescribeVpcsResponse>`;

let server: Server;
let endpoint: string;
let responses: { status: number; body: string; contentType?: string }[] = [];
let requests = 0;

beforeAll(async () => {
  server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const next = responses[Math.min(requests, responses.length - 1)] ?? { status: 500, body: '' };
      requests += 1;
      response.writeHead(next.status, { 'content-type': next.contentType ?? 'text/xml' }).end(next.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise((resolve) => server.close(resolve)));

beforeEach(() => {
  requests = 0;
});

const fastClients = (url = endpoint, attempts = 3) =>
  createAwsClients({
    region: 'us-east-1',
    endpoint: url,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    // No backoff delay: the test checks that throttling is retried, not how long it waits.
    retryStrategy: new ConfiguredRetryStrategy(attempts, 0),
  });

it('retries a throttled call and returns the result', async () => {
  responses = [
    { status: 503, body: THROTTLED },
    { status: 503, body: THROTTLED },
    { status: 200, body: VPCS },
  ];
  const clients = fastClients();
  const vpcs = await describeVpcs(clients.ec2);
  destroyAwsClients(clients);
  expect(vpcs.map((vpc) => vpc.VpcId)).toEqual(['vpc-1']);
  expect(requests).toBe(3);
});

it('fails the call once throttling outlasts the attempts, naming the action', async () => {
  responses = [{ status: 503, body: THROTTLED }];
  const clients = fastClients(endpoint, 2);
  const failure = describeVpcs(clients.ec2);
  await expect(failure).rejects.toBeInstanceOf(AwsCallError);
  await expect(failure).rejects.toThrow('ec2:DescribeVpcs failed: RequestLimitExceeded');
  destroyAwsClients(clients);
  expect(requests).toBe(2);
});

it('does not retry AccessDenied, and names the action', async () => {
  responses = [{ status: 403, body: DENIED }];
  const clients = fastClients();
  await expect(describeVpcs(clients.ec2)).rejects.toEqual(expect.any(AccessDeniedError));
  destroyAwsClients(clients);
  expect(requests).toBe(1);
});

it('reports an unreachable endpoint, naming its URL even when no endpoint was passed to the call', async () => {
  const port = await findFreePort(); // nothing listens there
  const clients = fastClients(`http://127.0.0.1:${port}`, 1);
  const failure = describeVpcs(clients.ec2);
  await expect(failure).rejects.toEqual(expect.any(EndpointUnreachableError));
  await expect(failure).rejects.toThrow(
    `cannot reach the AWS endpoint http://127.0.0.1:${port} for ec2:DescribeVpcs: connect ECONNREFUSED 127.0.0.1:${port}`,
  );
  destroyAwsClients(clients);
});

describe('a wrong endpoint: answers that are not AWS API responses are summarised, never dumped', () => {
  const PAGE =
    '<!DOCTYPE html><html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>';
  it.each([
    [404, 'text/html', PAGE, 'with an HTML page (HTTP 404, title "404 Not Found")'],
    [
      200,
      'text/html; charset=utf-8',
      '<html><body>Welcome to nginx!</body></html>',
      'with an HTML page (HTTP 200)',
    ],
    [
      200,
      'application/xml',
      '<?xml version="1.0"?><ListAllMyBucketsResult><Owner>x</Owner></ListAllMyBucketsResult>',
      'with XML that is not an ec2:DescribeVpcs answer (root element <ListAllMyBucketsResult>, HTTP 200)',
    ],
  ])('HTTP %i %s', async (status, contentType, body, summary) => {
    responses = [{ status, body, contentType }];
    const clients = fastClients(endpoint, 1);
    const failure = describeVpcs(clients.ec2);
    await expect(failure).rejects.toThrow(
      `the endpoint ${endpoint} answered ec2:DescribeVpcs ${summary}, not an AWS API response; check --endpoint-url or AWS_ENDPOINT_URL`,
    );
    await expect(failure).rejects.not.toThrow(/<(html|body|Owner)/i);
    destroyAwsClients(clients);
  });

  it('https:// to an endpoint that does not speak TLS', async () => {
    const clients = fastClients(endpoint.replace('http:', 'https:'), 1);
    const failure = describeVpcs(clients.ec2);
    await expect(failure).rejects.toThrow(
      `cannot reach the AWS endpoint ${endpoint.replace('http:', 'https:')} for ec2:DescribeVpcs: TLS failed (EPROTO): the endpoint does not speak TLS; is it http:// rather than https://?`,
    );
    await expect(failure).rejects.not.toThrow(/SSL routines|openssl/);
    destroyAwsClients(clients);
  });
});

describe('an endpoint that accepts the connection and never answers', () => {
  let stalled: NetServer;
  let stalledUrl: string;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    stalled = createNetServer((socket) => {
      sockets.push(socket); // accept, read nothing, answer nothing
    });
    await new Promise<void>((resolve) => stalled.listen(0, '127.0.0.1', resolve));
    stalledUrl = `http://127.0.0.1:${(stalled.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => stalled.close(resolve));
  });

  it('gives up after the request timeout, naming the endpoint and the call', async () => {
    const clients = createAwsClients({
      region: 'us-east-1',
      endpoint: stalledUrl,
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
      retryStrategy: new ConfiguredRetryStrategy(2, 0),
      requestTimeoutMs: 300,
    });
    const failure = describeVpcs(clients.ec2);
    await expect(failure).rejects.toEqual(expect.any(EndpointUnreachableError));
    await expect(failure).rejects.toThrow(
      `cannot reach the AWS endpoint ${stalledUrl} for ec2:DescribeVpcs: no answer within 0.3 s`,
    );
    destroyAwsClients(clients);
  }, 15_000);

  it('sets a request timeout on every client by default', async () => {
    const clients = createAwsClients({ region: 'us-east-1' });
    for (const client of [clients.ec2, clients.efs, clients.iam, clients.sts]) {
      const handler = client.config.requestHandler as unknown as { configProvider: Promise<unknown> };
      expect(await handler.configProvider).toMatchObject({
        connectionTimeout: CONNECTION_TIMEOUT_MS,
        requestTimeout: REQUEST_TIMEOUT_MS,
        throwOnRequestTimeout: true,
      });
    }
    destroyAwsClients(clients);
  });
});

it('names the endpoint the SDK resolved itself (no --endpoint-url)', async () => {
  const port = await findFreePort();
  const clients = createAwsClients({
    region: 'us-east-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    retryStrategy: new ConfiguredRetryStrategy(1, 0),
  });
  // Resolved by the SDK (as from AWS_ENDPOINT_URL or the regional default), not passed by efsguard.
  clients.ec2.middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as { hostname: string; port?: number; protocol: string };
      request.hostname = '127.0.0.1';
      request.port = port;
      request.protocol = 'http:';
      return next(args);
    },
    { step: 'build', name: 'redirectForTest' },
  );
  await expect(describeVpcs(clients.ec2)).rejects.toThrow(
    `cannot reach the AWS endpoint http://127.0.0.1:${port} for ec2:DescribeVpcs`,
  );
  destroyAwsClients(clients);
});

it('uses the adaptive retry mode with the configured attempts by default', async () => {
  const clients = createAwsClients({ region: 'eu-west-1', maxAttempts: 7 });
  expect(await clients.ec2.config.maxAttempts()).toBe(7);
  expect((await clients.efs.config.retryStrategy()).constructor.name).toBe('AdaptiveRetryStrategy');
  expect(await clients.sts.config.region()).toBe('eu-west-1');
  destroyAwsClients(clients);
});
