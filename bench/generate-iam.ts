// The IAM of a generated account (bench/generate-account.ts): roles with one inline EFS policy each, one
// in ten of them granting elasticfilesystem:* on every resource.
import type { Snapshot } from '../aws/snapshot/format';
import { ACCOUNT_ID, REGION } from './generate-common';

/** `roles` roles, in the shapes of GetAccountAuthorizationDetails. */
export function generateIam(roles: number): NonNullable<Snapshot['iam']> {
  const roleStatement = (i: number) =>
    i % 10 === 0
      ? { Effect: 'Allow', Action: 'elasticfilesystem:*', Resource: '*' }
      : {
          Effect: 'Allow',
          Action: ['elasticfilesystem:DescribeFileSystems', 'elasticfilesystem:ClientMount'],
          Resource: `arn:aws:elasticfilesystem:${REGION}:${ACCOUNT_ID}:file-system/fs-${i}`,
        };
  return {
    RoleDetailList: Array.from({ length: roles }, (_, i) => ({
      RoleName: `app-role-${i}`,
      RoleId: `AROA${i.toString().padStart(17, '0')}`,
      Arn: `arn:aws:iam::${ACCOUNT_ID}:role/app-role-${i}`,
      Path: '/',
      CreateDate: new Date(Date.UTC(2025, 0, 1)),
      RolePolicyList: [
        {
          PolicyName: 'efs',
          PolicyDocument: encodeURIComponent(
            JSON.stringify({ Version: '2012-10-17', Statement: [roleStatement(i)] }),
          ),
        },
      ],
      AttachedManagedPolicies: [],
    })),
    UserDetailList: [],
    GroupDetailList: [],
    Policies: [],
  };
}
