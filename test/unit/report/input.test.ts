// Facts every format shares: docs anchors that exist, ARNs, and stable ids.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { partitionOf } from '../../../core/arn';
import { RULES } from '../../../core/rules';
import { clip, findingHash, findingUuid, resourceArn, ruleDocPath } from '../../../report/input';
import { demoReportInput, ROOT } from '../../helpers/report-input';

describe('report input helpers', () => {
  it.each(RULES.map((rule) => [rule.id]))('links %s to a heading that exists in its docs page', (id) => {
    const [page, anchor] = ruleDocPath(id).split('#');
    const text = readFileSync(join(ROOT, 'docs', page ?? ''), 'utf8');
    expect(text).toMatch(new RegExp(`^## ${anchor}$`, 'm'));
  });

  it('builds EC2 ARNs and reads EFS and IAM ARNs from the topology', () => {
    const input = demoReportInput();
    expect(resourceArn(input, 'AWS::EC2::NetworkAcl', 'acl-1')).toBe(
      `arn:aws:ec2:${input.region}:${input.accountId}:network-acl/acl-1`,
    );
    const fs = input.topology?.fileSystems[0];
    expect(resourceArn(input, 'AWS::EFS::FileSystem', fs?.fileSystemId ?? '')).toBe(fs?.fileSystemArn);
    const role = input.topology?.iam?.principals.find((principal) => principal.kind === 'role');
    expect(role).toBeDefined();
    expect(resourceArn(input, 'AWS::IAM::Role', role?.id ?? '')).toBe(role?.arn);
    expect(resourceArn({ ...input, topology: undefined }, 'AWS::IAM::Role', role?.id ?? '')).toBeUndefined();
    expect(partitionOf('cn-north-1')).toBe('aws-cn');
    expect(partitionOf('us-gov-west-1')).toBe('aws-us-gov');
    expect(partitionOf('us-iso-east-1')).toBe('aws-iso');
  });

  it('derives a UUID-shaped id from the hash, deterministically', () => {
    const hash = findingHash(
      { accountId: '123456789012', region: 'eu-west-1' },
      { rule: 'r', resourceType: 'AWS::EC2::SecurityGroup', resourceId: 'sg-1' },
    );
    expect(hash).toMatch(/^[0-9a-f]{32}$/);
    expect(findingUuid(hash)).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(findingUuid(hash)).toBe(findingUuid(hash));
  });

  it('clips to a UTF-16 length without splitting a surrogate pair', () => {
    expect(clip('abc', 3)).toBe('abc');
    expect(clip('abcd', 3)).toBe('ab…');
    const clipped = clip('a😀😀😀', 3);
    expect(clipped.length).toBeLessThanOrEqual(3);
    expect(clipped).toBe('a…');
  });
});
