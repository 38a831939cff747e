// Throttling goes through the SDK's real retry middleware (aws-sdk-client-mock would bypass it), so
// these clients get a fake HTTP handler instead: the first DescribeSecurityGroups and the first
// PutEvaluations are throttled, and the handler must still complete. The same real stack feeds the
// ApiCalls metric, which counts every attempt.
import { Readable } from 'node:stream';
import { Logger } from '@aws-lambda-powertools/logger';
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { createAwsClients } from '../../aws/sdk/clients';
import { getRule } from '../../core/rules';
import { createRuleHandler } from '../../handlers/runtime/factory';
import { useEmfCapture } from '../helpers/emf';
import { loadEvent } from '../helpers/events';
import { fakeContext } from '../helpers/lambda';

interface FakeRequest {
  hostname: string;
  path: string;
  body?: unknown;
  headers: Record<string, string>;
}

function respond(statusCode: number, body: string, contentType: string) {
  return {
    response: {
      statusCode,
      headers: { 'content-type': contentType },
      body: Readable.from([Buffer.from(body)]),
    },
  };
}

const EC2_XMLNS = 'http://ec2.amazonaws.com/doc/2016-11-15/';

function fakeAws() {
  const seen: string[] = [];
  const throttled = new Set<string>();
  const handle = async (request: FakeRequest) => {
    const body = typeof request.body === 'string' ? request.body : '';
    const target = request.headers['x-amz-target'];
    if (target) {
      // Config (JSON 1.1): StarlingDoveService.<Operation>
      const operation = target.split('.')[1] ?? '';
      seen.push(`config:${operation}`);
      if (operation === 'PutEvaluations' && !throttled.has(operation)) {
        throttled.add(operation);
        return respond(
          400,
          JSON.stringify({ __type: 'ThrottlingException', message: 'Rate exceeded' }),
          'application/x-amz-json-1.1',
        );
      }
      const output =
        operation === 'GetComplianceDetailsByConfigRule'
          ? {
              EvaluationResults: [
                {
                  EvaluationResultIdentifier: {
                    EvaluationResultQualifier: {
                      ResourceType: 'AWS::EC2::SecurityGroup',
                      ResourceId: 'sg-old',
                    },
                  },
                },
              ],
            }
          : { FailedEvaluations: [] };
      return respond(200, JSON.stringify(output), 'application/x-amz-json-1.1');
    }
    const action = /Action=(\w+)/.exec(body)?.[1];
    if (action) {
      seen.push(`ec2:${action}`);
      if (action === 'DescribeSecurityGroups' && !throttled.has(action)) {
        throttled.add(action);
        return respond(
          503,
          '<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message></Error></Errors><RequestID>r1</RequestID></Response>',
          'text/xml',
        );
      }
      return respond(
        200,
        `<${action}Response xmlns="${EC2_XMLNS}"><requestId>r</requestId></${action}Response>`,
        'text/xml',
      );
    }
    // EFS (REST JSON): an empty region.
    seen.push(`efs:${request.path}`);
    return respond(200, '{}', 'application/json');
  };
  return { seen, requestHandler: { handle } };
}

const emf = useEmfCapture();

it('retries a throttled Describe call and a throttled PutEvaluations, then completes', async () => {
  const { seen, requestHandler } = fakeAws();
  const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };
  const handler = createRuleHandler(getRule('efs-mount-target-nfs-ingress'), {
    createClients: (region) => {
      const aws = createAwsClients({ region, credentials, retryMode: 'standard', maxAttempts: 3 });
      for (const client of [aws.ec2, aws.efs, aws.iam, aws.sts]) {
        (client.config as unknown as { requestHandler: unknown }).requestHandler = requestHandler;
      }
      return {
        aws,
        config: new ConfigServiceClient({
          region,
          credentials,
          maxAttempts: 3,
          requestHandler: requestHandler as never,
        }),
      };
    },
    logger: new Logger({ logLevel: 'SILENT' }),
  });

  const result = await handler(loadEvent('efs-mount-target-nfs-ingress/scheduled.json'), fakeContext());

  expect(seen.filter((call) => call === 'ec2:DescribeSecurityGroups')).toHaveLength(2);
  expect(seen.filter((call) => call === 'config:PutEvaluations')).toHaveLength(2);
  // The empty region's sweep posts nothing; the stale result is cleared once the throttle passes.
  expect(result.evaluations).toEqual([
    expect.objectContaining({ resourceId: 'sg-old', complianceType: 'NOT_APPLICABLE' }),
  ]);
  // Every request that reached the HTTP handler, the two throttled attempts included.
  expect(emf.metrics()).toContainEqual(
    expect.objectContaining({ name: 'ApiCalls', unit: 'Count', value: seen.length }),
  );
  expect(seen.length).toBeGreaterThan(4);
});
