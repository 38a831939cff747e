import 'aws-sdk-client-mock-jest';
import {
  ConfigServiceClient,
  ConfigServiceServiceException,
  PutEvaluationsCommand,
} from '@aws-sdk/client-config-service';
import { mockClient } from 'aws-sdk-client-mock';
import { createEvaluationSink } from '../../../aws/config/evaluation-sink';
import { AccessDeniedError, AwsCallError } from '../../../aws/sdk/errors';
import type { Evaluation } from '../../../core/model';

const config = mockClient(ConfigServiceClient);
const ORDERING = new Date('2025-06-02T09:14:27.512Z');

const evaluation = (resourceId: string): Evaluation => ({
  rule: 'efs-mount-target-nfs-ingress',
  resourceType: 'AWS::EC2::SecurityGroup',
  resourceId,
  complianceType: 'NON_COMPLIANT',
  annotation: 'NFS open to 0.0.0.0/0',
});

function sink() {
  return createEvaluationSink(new ConfigServiceClient({ region: 'us-east-1' }), {
    resultToken: 'token',
    testMode: false,
    orderingTimestamp: ORDERING,
    sleep: async () => {},
  });
}

beforeEach(() => config.reset());

describe('PutEvaluations failures', () => {
  it('names the missing IAM action when PutEvaluations is denied', async () => {
    config.on(PutEvaluationsCommand).rejects(
      new ConfigServiceServiceException({
        name: 'AccessDeniedException',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
        message:
          'User: arn:aws:sts::111122223333:assumed-role/x/y is not authorized to perform: config:PutEvaluations',
      }),
    );
    const posting = sink().post([evaluation('sg-1')]);
    await expect(posting).rejects.toThrow(AccessDeniedError);
    await expect(sink().post([evaluation('sg-1')])).rejects.toThrow(
      /not allowed to call config:PutEvaluations/,
    );
  });

  it('turns any other PutEvaluations failure into an AwsCallError naming the call', async () => {
    config.on(PutEvaluationsCommand).rejects(
      new ConfigServiceServiceException({
        name: 'ServiceUnavailableException',
        $fault: 'server',
        $metadata: { httpStatusCode: 503 },
        message: 'Service unavailable',
      }),
    );
    await expect(sink().post([evaluation('sg-1')])).rejects.toThrow(AwsCallError);
    await expect(sink().post([evaluation('sg-1')])).rejects.toThrow(/^config:PutEvaluations failed/);
  });

  it('posts nothing and records nothing as posted when the first batch fails', async () => {
    config.on(PutEvaluationsCommand).rejects(new Error('socket hang up'));
    const s = sink();
    await expect(s.post([evaluation('sg-1')])).rejects.toThrow();
    expect(s.posted).toEqual([]);
  });
});
