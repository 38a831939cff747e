// The IAM part of the normaliser: GetAccountAuthorizationDetails output (a whole-account load or a
// neighbourhood load shaped like it, aws/load/iam.ts) -> the core IamState.
import type {
  GroupDetail,
  ManagedPolicyDetail,
  PolicyDetail,
  RoleDetail,
  UserDetail,
} from '@aws-sdk/client-iam';
import type { IamInlinePolicy, IamManagedPolicy, IamPrincipal, IamState } from '../../core/model';
import { SnapshotError } from '../sdk/errors';
import type { IamSnapshot } from './format';
import { byKey, required } from './normalise-fields';

const AWS_MANAGED_POLICY_ARN = /^arn:aws[a-z-]*:iam::aws:policy\//;

/**
 * GetAccountAuthorizationDetails returns policy documents URL-encoded (RFC 3986), as the IAM API
 * Reference notes for PolicyVersion.Document. Text that is already JSON is kept as is, and a JSON
 * object (the AWS CLI and boto3 decode documents before printing them) is turned back into text.
 */
export function decodePolicyDocument(document: unknown, resource: string): string {
  if (typeof document === 'object' && document !== null && !Array.isArray(document)) {
    return JSON.stringify(document);
  }
  if (typeof document !== 'string') {
    throw new SnapshotError(`${resource}: policy document must be JSON text or a JSON object`);
  }
  if (document.trimStart().startsWith('{')) return document;
  try {
    return decodeURIComponent(document);
  } catch (error) {
    throw new SnapshotError(`${resource}: policy document is neither JSON nor URL-encoded JSON`, {
      cause: error,
    });
  }
}

function normaliseManagedPolicy(policy: ManagedPolicyDetail): IamManagedPolicy | undefined {
  const arn = required(policy.Arn, 'IAM policy', 'Arn');
  if (AWS_MANAGED_POLICY_ARN.test(arn)) return undefined;
  const name = `IAM policy ${arn}`;
  const versions = policy.PolicyVersionList ?? [];
  const version =
    versions.find((candidate) => candidate.IsDefaultVersion) ??
    versions.find((candidate) => candidate.VersionId === policy.DefaultVersionId);
  const document = required(version?.Document, name, 'default version Document');
  return {
    policyId: required(policy.PolicyId, name, 'PolicyId'),
    arn,
    policyName: required(policy.PolicyName, name, 'PolicyName'),
    document: decodePolicyDocument(document, name),
  };
}

function normaliseInlinePolicies(list: PolicyDetail[] | undefined, resource: string): IamInlinePolicy[] {
  return (list ?? []).map((policy, index) => {
    const policyName = required(policy.PolicyName, resource, `inline policy [${index}] PolicyName`);
    return {
      policyName,
      document: decodePolicyDocument(
        required(policy.PolicyDocument, resource, `inline policy ${policyName} PolicyDocument`),
        `${resource} inline policy ${policyName}`,
      ),
    };
  });
}

function normalisePrincipal(
  kind: IamPrincipal['kind'],
  detail: RoleDetail | UserDetail | GroupDetail,
  id: string | undefined,
  principalName: string | undefined,
  inline: PolicyDetail[] | undefined,
): IamPrincipal {
  const label = `IAM ${kind} ${principalName ?? id ?? '(unnamed)'}`;
  return {
    kind,
    id: required(id, label, `${kind === 'role' ? 'RoleId' : kind === 'user' ? 'UserId' : 'GroupId'}`),
    arn: required(detail.Arn, label, 'Arn'),
    name: required(principalName, label, 'name'),
    inlinePolicies: normaliseInlinePolicies(inline, label),
    attachedPolicyArns: (detail.AttachedManagedPolicies ?? [])
      .map((attached) => attached.PolicyArn)
      .filter((arn): arn is string => Boolean(arn)),
  };
}

export function normaliseIam(iam: IamSnapshot): IamState {
  const policies = (iam.Policies ?? [])
    .map(normaliseManagedPolicy)
    .filter((policy): policy is IamManagedPolicy => policy !== undefined)
    .sort(byKey((policy) => policy.arn));
  const principals: IamPrincipal[] = [
    ...(iam.RoleDetailList ?? []).map((role) =>
      normalisePrincipal('role', role, role.RoleId, role.RoleName, role.RolePolicyList),
    ),
    ...(iam.UserDetailList ?? []).map((user) =>
      normalisePrincipal('user', user, user.UserId, user.UserName, user.UserPolicyList),
    ),
    ...(iam.GroupDetailList ?? []).map((group) =>
      normalisePrincipal('group', group, group.GroupId, group.GroupName, group.GroupPolicyList),
    ),
  ];
  return { policies, principals };
}
