// The one "the resource is gone" test (aws/sdk/errors.ts isNotFound): on the SDK's own error and on the
// typed error callAws makes of it, by exact code.
import { EC2ServiceException } from '@aws-sdk/client-ec2';
import { callAws, isNotFound } from '../../../aws/sdk/errors';

const ec2Error = (name: string) =>
  new EC2ServiceException({ name, message: `${name} happened`, $fault: 'client', $metadata: {} });

async function translated(error: unknown): Promise<unknown> {
  return callAws('ec2:DescribeNetworkAcls', () => Promise.reject(error)).catch((caught: unknown) => caught);
}

describe('isNotFound', () => {
  it('recognises the code on the SDK error and on the error callAws translated it into', async () => {
    const raw = ec2Error('InvalidNetworkAclID.NotFound');
    expect(isNotFound(raw, ['InvalidNetworkAclID.NotFound'])).toBe(true);
    expect(isNotFound(await translated(raw), ['InvalidNetworkAclID.NotFound'])).toBe(true);
  });

  it('matches codes exactly: another not-found, or an unrelated failure, is not "gone"', async () => {
    expect(
      isNotFound(await translated(ec2Error('InvalidVpcID.NotFound')), ['InvalidNetworkAclID.NotFound']),
    ).toBe(false);
    expect(isNotFound(await translated(ec2Error('Throttling')), ['FileSystemNotFound'])).toBe(false);
    expect(isNotFound(undefined, ['FileSystemNotFound'])).toBe(false);
  });
});
