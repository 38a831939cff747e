// The IAM reads of one role, user or group (Get, List and Get of its inline policies, List of its attached
// policies), for the neighbourhood load in aws/load/iam.ts, which assembles them into the Snapshot's `iam`.
// Every read treats NoSuchEntity as "deleted meanwhile" and answers undefined.
import {
  type AttachedPolicy,
  GetGroupCommand,
  GetGroupPolicyCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  type IAMClient,
  type PolicyDetail,
  paginateListAttachedGroupPolicies,
  paginateListAttachedRolePolicies,
  paginateListAttachedUserPolicies,
  paginateListGroupPolicies,
  paginateListRolePolicies,
  paginateListUserPolicies,
} from '@aws-sdk/client-iam';
import { callAws, isNotFound } from '../sdk/errors';
import { guardPages } from '../sdk/pagination';
import { mapWithConcurrency } from './describe';

/**
 * IAM's NoSuchEntity ("The request was rejected because it referenced a resource entity that does not
 * exist", IAM API Reference): the SDK names the error NoSuchEntityException and keeps the wire code.
 */
const NO_SUCH_ENTITY = ['NoSuchEntity', 'NoSuchEntityException'];

/** Runs one IAM call; NoSuchEntity becomes undefined: the entity was deleted. */
export async function unlessDeleted<T>(action: string, run: () => Promise<T>): Promise<T | undefined> {
  try {
    return await callAws(action, run);
  } catch (error) {
    if (isNotFound(error, NO_SUCH_ENTITY)) return undefined;
    throw error;
  }
}

/** Drains a paginator; undefined when the entity disappeared (NoSuchEntity). */
export function collectPages<P, T>(
  action: string,
  pages: () => AsyncIterable<P>,
  itemsOf: (page: P) => T[] | undefined,
): Promise<T[] | undefined> {
  return unlessDeleted(action, async () => {
    const items: T[] = [];
    for await (const page of guardPages(action, pages())) items.push(...(itemsOf(page) ?? []));
    return items;
  });
}

/** What differs between roles, users and groups: the calls and the detail's field names. */
interface PrincipalApi {
  readonly noun: 'Role' | 'User' | 'Group';
  /** Get<Noun>: the entity's id and ARN, or undefined when it does not exist. */
  get(iam: IAMClient, name: string): Promise<{ id?: string; arn?: string; path?: string } | undefined>;
  listInline(iam: IAMClient, name: string): Promise<string[] | undefined>;
  getInline(iam: IAMClient, name: string, policyName: string): Promise<string | undefined>;
  listAttached(iam: IAMClient, name: string): Promise<AttachedPolicy[] | undefined>;
}

const ROLE_API: PrincipalApi = {
  noun: 'Role',
  get: async (iam, name) => {
    const out = await unlessDeleted('iam:GetRole', () => iam.send(new GetRoleCommand({ RoleName: name })));
    return out?.Role && { id: out.Role.RoleId, arn: out.Role.Arn, path: out.Role.Path };
  },
  listInline: (iam, name) =>
    collectPages(
      'iam:ListRolePolicies',
      () => paginateListRolePolicies({ client: iam }, { RoleName: name }),
      (page) => page.PolicyNames,
    ),
  getInline: async (iam, name, policyName) =>
    (
      await unlessDeleted('iam:GetRolePolicy', () =>
        iam.send(new GetRolePolicyCommand({ RoleName: name, PolicyName: policyName })),
      )
    )?.PolicyDocument,
  listAttached: (iam, name) =>
    collectPages(
      'iam:ListAttachedRolePolicies',
      () => paginateListAttachedRolePolicies({ client: iam }, { RoleName: name }),
      (page) => page.AttachedPolicies,
    ),
};

const USER_API: PrincipalApi = {
  noun: 'User',
  get: async (iam, name) => {
    const out = await unlessDeleted('iam:GetUser', () => iam.send(new GetUserCommand({ UserName: name })));
    return out?.User && { id: out.User.UserId, arn: out.User.Arn, path: out.User.Path };
  },
  listInline: (iam, name) =>
    collectPages(
      'iam:ListUserPolicies',
      () => paginateListUserPolicies({ client: iam }, { UserName: name }),
      (page) => page.PolicyNames,
    ),
  getInline: async (iam, name, policyName) =>
    (
      await unlessDeleted('iam:GetUserPolicy', () =>
        iam.send(new GetUserPolicyCommand({ UserName: name, PolicyName: policyName })),
      )
    )?.PolicyDocument,
  listAttached: (iam, name) =>
    collectPages(
      'iam:ListAttachedUserPolicies',
      () => paginateListAttachedUserPolicies({ client: iam }, { UserName: name }),
      (page) => page.AttachedPolicies,
    ),
};

const GROUP_API: PrincipalApi = {
  noun: 'Group',
  get: async (iam, name) => {
    // GetGroup also pages through the members; one member is enough to learn the group's id and ARN.
    const out = await unlessDeleted('iam:GetGroup', () =>
      iam.send(new GetGroupCommand({ GroupName: name, MaxItems: 1 })),
    );
    return out?.Group && { id: out.Group.GroupId, arn: out.Group.Arn, path: out.Group.Path };
  },
  listInline: (iam, name) =>
    collectPages(
      'iam:ListGroupPolicies',
      () => paginateListGroupPolicies({ client: iam }, { GroupName: name }),
      (page) => page.PolicyNames,
    ),
  getInline: async (iam, name, policyName) =>
    (
      await unlessDeleted('iam:GetGroupPolicy', () =>
        iam.send(new GetGroupPolicyCommand({ GroupName: name, PolicyName: policyName })),
      )
    )?.PolicyDocument,
  listAttached: (iam, name) =>
    collectPages(
      'iam:ListAttachedGroupPolicies',
      () => paginateListAttachedGroupPolicies({ client: iam }, { GroupName: name }),
      (page) => page.AttachedPolicies,
    ),
};

export const PRINCIPAL_APIS = {
  'AWS::IAM::Role': ROLE_API,
  'AWS::IAM::User': USER_API,
  'AWS::IAM::Group': GROUP_API,
} as const;

export interface LoadedPrincipal {
  readonly id: string;
  readonly arn: string;
  readonly path?: string;
  readonly name: string;
  readonly inline: PolicyDetail[];
  readonly attached: AttachedPolicy[];
}

/**
 * One role, user or group with its inline policy documents and attached policy ARNs; undefined when it
 * no longer exists under `expectedId` (deleted, or deleted and recreated under the same name).
 */
export async function loadPrincipal(
  iam: IAMClient,
  api: PrincipalApi,
  name: string,
  expectedId: string | undefined,
  concurrency: number,
): Promise<LoadedPrincipal | undefined> {
  const entity = await api.get(iam, name);
  if (!entity?.id || !entity.arn || (expectedId !== undefined && entity.id !== expectedId)) return undefined;
  const [policyNames, attached] = await Promise.all([api.listInline(iam, name), api.listAttached(iam, name)]);
  if (policyNames === undefined || attached === undefined) return undefined;
  const documents = await mapWithConcurrency(policyNames, concurrency, (policyName) =>
    api.getInline(iam, name, policyName),
  );
  // An inline policy deleted between the List and the Get is simply gone.
  const inline: PolicyDetail[] = policyNames.flatMap((policyName, index) => {
    const document = documents[index];
    return document === undefined ? [] : [{ PolicyName: policyName, PolicyDocument: document }];
  });
  return {
    id: entity.id,
    arn: entity.arn,
    ...(entity.path ? { path: entity.path } : {}),
    name,
    inline,
    attached,
  };
}
