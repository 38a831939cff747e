import 'aws-sdk-client-mock-jest';
import {
  DescribeFileSystemsCommand,
  DescribeMountTargetSecurityGroupsCommand,
  DescribeMountTargetsCommand,
  EFSClient,
  type FileSystemDescription,
  IncorrectMountTargetState,
  type LifeCycleState,
  type MountTargetDescription,
  MountTargetNotFound,
} from '@aws-sdk/client-efs';
import { mockClient } from 'aws-sdk-client-mock';
import { loadFileSystems } from '../../../aws/load/region';
import { AccessDeniedError } from '../../../aws/sdk/errors';

const efsMock = mockClient(EFSClient);
const efs = new EFSClient({ region: 'us-east-1' });
const FS: FileSystemDescription = {
  CreationToken: 'fs',
  CreationTime: new Date(0),
  LifeCycleState: 'available',
  NumberOfMountTargets: 3,
  SizeInBytes: { Value: 0 },
  PerformanceMode: 'generalPurpose',
  Tags: [],
  FileSystemId: 'fs-0001',
  FileSystemArn: 'arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-0001',
  OwnerId: '123456789012',
};
const mountTarget = (id: string, state: LifeCycleState): MountTargetDescription => ({
  MountTargetId: id,
  FileSystemId: 'fs-0001',
  SubnetId: `subnet-${id}`,
  LifeCycleState: state,
  IpAddress: '10.0.1.10',
  NetworkInterfaceId: `eni-${id}`,
  OwnerId: '123456789012',
});

beforeEach(() => {
  efsMock.reset();
  efsMock.on(DescribeFileSystemsCommand).resolves({ FileSystems: [FS] });
});

describe('loadFileSystems', () => {
  it('leaves out a mount target created or deleted during the sweep instead of failing it', async () => {
    // DescribeMountTargetSecurityGroups "requires that the network interface of the mount target has
    // been created and the lifecycle state of the mount target is not deleted" (EFS API Reference).
    efsMock.on(DescribeMountTargetsCommand).resolves({
      MountTargets: [
        mountTarget('fsmt-ok', 'available'),
        mountTarget('fsmt-new', 'creating'),
        mountTarget('fsmt-gone', 'deleting'),
      ],
    });
    efsMock
      .on(DescribeMountTargetSecurityGroupsCommand, { MountTargetId: 'fsmt-ok' })
      .resolves({ SecurityGroups: ['sg-mt'] })
      .on(DescribeMountTargetSecurityGroupsCommand, { MountTargetId: 'fsmt-new' })
      .rejects(new IncorrectMountTargetState({ message: 'not available', $metadata: {}, ErrorCode: 'x' }))
      .on(DescribeMountTargetSecurityGroupsCommand, { MountTargetId: 'fsmt-gone' })
      .rejects(new MountTargetNotFound({ message: 'gone', $metadata: {}, ErrorCode: 'x' }));

    const [fs] = await loadFileSystems({ efs }, undefined, { mountTargets: true, policies: false });
    expect(fs?.MountTargets).toEqual([{ ...mountTarget('fsmt-ok', 'available'), SecurityGroups: ['sg-mt'] }]);
  });

  it('still fails the load when an available mount target cannot be read', async () => {
    efsMock.on(DescribeMountTargetsCommand).resolves({ MountTargets: [mountTarget('fsmt-ok', 'available')] });
    efsMock
      .on(DescribeMountTargetSecurityGroupsCommand)
      .rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }));
    await expect(
      loadFileSystems({ efs }, undefined, { mountTargets: true, policies: false }),
    ).rejects.toThrow(AccessDeniedError);
  });

  it('fails the load when an available mount target says it is in the wrong state', async () => {
    // Only a mount target whose own listing shows it coming or going may be left out: fail closed.
    efsMock.on(DescribeMountTargetsCommand).resolves({ MountTargets: [mountTarget('fsmt-ok', 'available')] });
    efsMock
      .on(DescribeMountTargetSecurityGroupsCommand)
      .rejects(new IncorrectMountTargetState({ message: 'odd', $metadata: {}, ErrorCode: 'x' }));
    await expect(
      loadFileSystems({ efs }, undefined, { mountTargets: true, policies: false }),
    ).rejects.toThrow(/DescribeMountTargetSecurityGroups/);
  });
});
