// ARNs efsguard builds itself: the partition of a region, and the ARN of a resource whose ARN format
// takes only its id (AWS General Reference, "Amazon Resource Names (ARNs)"; Service Authorization
// Reference, "Resource types defined by Amazon EC2" and "… by Amazon EFS"). IAM ARNs carry a path and
// a name, so they only ever come from a load.
import type { ResourceType } from './model';

/** The ARN partition of a region. */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  return 'aws';
}

/** Service and resource path of the types whose ARN is built from the id (EC2 and EFS). */
export const ARN_RESOURCE_PATHS: Readonly<Partial<Record<ResourceType, readonly [string, string]>>> = {
  'AWS::EC2::SecurityGroup': ['ec2', 'security-group'],
  'AWS::EC2::NetworkInterface': ['ec2', 'network-interface'],
  'AWS::EC2::NetworkAcl': ['ec2', 'network-acl'],
  'AWS::EFS::FileSystem': ['elasticfilesystem', 'file-system'],
  'AWS::EFS::AccessPoint': ['elasticfilesystem', 'access-point'],
};

/** The ARN of an EC2 or EFS resource from its id; undefined for types whose ARN is not built so. */
export function arnFromId(
  region: string,
  accountId: string,
  resourceType: ResourceType,
  resourceId: string,
): string | undefined {
  const path = ARN_RESOURCE_PATHS[resourceType];
  return path && `arn:${partitionOf(region)}:${path[0]}:${region}:${accountId}:${path[1]}/${resourceId}`;
}
