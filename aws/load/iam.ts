// IAM loading for efs-api-least-privilege. Both loads return the Snapshot's `iam` field in the shapes of
// GetAccountAuthorizationDetails, so the one normaliser (aws/snapshot/normalise-iam.ts normaliseIam) serves both:
// - the sweep (scheduled notifications, `efsguard scan`): GetAccountAuthorizationDetails, paginated;
// - the neighbourhood of one changed IAM resource (Config change events): a handful of Get/List calls.
//
// Config identifies IAM resources by their unique ids (RoleId, UserId, GroupId, PolicyId), which no IAM
// Get call accepts; the item's resourceName (and, for a policy, its ARN) names the resource instead
// ("Resource types supported by AWS Config" and the configuration item fields, AWS Config Developer Guide).
// An entity whose name now belongs to a different id was deleted and recreated: the id Config asked
// about no longer exists, and it is left out, which the rule reports as NOT_APPLICABLE.
//
// The neighbourhood snapshot is a slice: it holds the seeds (and, for a managed policy, the principals it
// is attached to, without their inline policies). Evaluate it with the seeds' scope, never as a sweep.
import {
  type AttachedPolicy,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  type GroupDetail,
  type IAMClient,
  type ManagedPolicyDetail,
  paginateListEntitiesForPolicy,
  type RoleDetail,
  type UserDetail,
} from '@aws-sdk/client-iam';
import type { ResourceType } from '../../core/model';
import { callAws } from '../sdk/errors';
import type { IamSnapshot } from '../snapshot/format';
import { DEFAULT_CONCURRENCY, getAccountAuthorizationDetails, mapWithConcurrency } from './describe';
import {
  collectPages,
  type LoadedPrincipal,
  loadPrincipal,
  PRINCIPAL_APIS,
  unlessDeleted,
} from './iam-principals';

export type IamResourceType = Extract<
  ResourceType,
  'AWS::IAM::Role' | 'AWS::IAM::User' | 'AWS::IAM::Group' | 'AWS::IAM::Policy'
>;

export const IAM_RESOURCE_TYPES: readonly IamResourceType[] = [
  'AWS::IAM::Role',
  'AWS::IAM::User',
  'AWS::IAM::Group',
  'AWS::IAM::Policy',
];

export function isIamResourceType(resourceType: string): resourceType is IamResourceType {
  return (IAM_RESOURCE_TYPES as readonly string[]).includes(resourceType);
}

/** One changed IAM resource, as its configuration item names it. */
export interface IamSeed {
  readonly resourceType: IamResourceType;
  /** RoleId / UserId / GroupId / PolicyId: Config's resourceId. */
  readonly resourceId: string;
  /** The item's resourceName: the role, user, group or policy name. */
  readonly resourceName?: string;
  /** The item's ARN; required to load a managed policy (GetPolicy takes only the ARN). */
  readonly arn?: string;
}

export interface IamLoadOptions {
  readonly concurrency?: number;
  readonly onProgress?: (message: string) => void;
}

const EMPTY = (): Required<IamSnapshot> => ({
  UserDetailList: [],
  GroupDetailList: [],
  RoleDetailList: [],
  Policies: [],
});

/**
 * The sweep: roles, users, groups and customer-managed policies with their documents. AWS returns each
 * policy's PolicyId and PolicyName (ManagedPolicyDetail, IAM API Reference); an emulator that leaves them
 * out (moto does) gets them from GetPolicy, so the normaliser never has to guess the id Config uses.
 */
export async function loadIamSweep(iam: IAMClient, options: IamLoadOptions = {}): Promise<IamSnapshot> {
  const snapshot = await getAccountAuthorizationDetails(iam);
  const incomplete = (snapshot.Policies ?? []).filter(
    (policy) => policy.Arn && (!policy.PolicyId || !policy.PolicyName),
  );
  await mapWithConcurrency(incomplete, options.concurrency ?? DEFAULT_CONCURRENCY, async (detail) => {
    const policy = (
      await callAws('iam:GetPolicy', () => iam.send(new GetPolicyCommand({ PolicyArn: detail.Arn })))
    ).Policy;
    detail.PolicyId ??= policy?.PolicyId;
    detail.PolicyName ??= policy?.PolicyName;
  });
  return snapshot;
}

function addPrincipal(
  snapshot: Required<IamSnapshot>,
  resourceType: keyof typeof PRINCIPAL_APIS,
  p: LoadedPrincipal,
): void {
  const common = { Arn: p.arn, ...(p.path ? { Path: p.path } : {}), AttachedManagedPolicies: p.attached };
  if (resourceType === 'AWS::IAM::Role') {
    if (snapshot.RoleDetailList.some((role) => role.RoleId === p.id)) return;
    const role: RoleDetail = { ...common, RoleName: p.name, RoleId: p.id, RolePolicyList: p.inline };
    snapshot.RoleDetailList.push(role);
  } else if (resourceType === 'AWS::IAM::User') {
    if (snapshot.UserDetailList.some((user) => user.UserId === p.id)) return;
    const user: UserDetail = { ...common, UserName: p.name, UserId: p.id, UserPolicyList: p.inline };
    snapshot.UserDetailList.push(user);
  } else {
    if (snapshot.GroupDetailList.some((group) => group.GroupId === p.id)) return;
    const group: GroupDetail = { ...common, GroupName: p.name, GroupId: p.id, GroupPolicyList: p.inline };
    snapshot.GroupDetailList.push(group);
  }
}

/**
 * A customer-managed policy with its default version's document, and the principals it is attached to
 * (ListEntitiesForPolicy), so that a policy attached only to exempt principals can be recognised. Each
 * holder is looked up (Get<Role|User|Group>) for its ARN, which exemptions may name; holders are listed
 * with their attachments only, not their inline policies.
 */
async function loadManagedPolicy(
  iam: IAMClient,
  arn: string,
  expectedId: string,
  concurrency: number,
  snapshot: Required<IamSnapshot>,
): Promise<void> {
  const policy = (
    await unlessDeleted('iam:GetPolicy', () => iam.send(new GetPolicyCommand({ PolicyArn: arn })))
  )?.Policy;
  if (!policy?.PolicyId || policy.PolicyId !== expectedId || !policy.DefaultVersionId) return;
  const version = (
    await unlessDeleted('iam:GetPolicyVersion', () =>
      iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: policy.DefaultVersionId })),
    )
  )?.PolicyVersion;
  if (version?.Document === undefined) return;
  const holders = await collectPages(
    'iam:ListEntitiesForPolicy',
    () => paginateListEntitiesForPolicy({ client: iam }, { PolicyArn: arn }),
    (page) => [
      ...(page.PolicyRoles ?? []).map((r) => ({
        type: 'AWS::IAM::Role' as const,
        name: r.RoleName,
        id: r.RoleId,
      })),
      ...(page.PolicyUsers ?? []).map((u) => ({
        type: 'AWS::IAM::User' as const,
        name: u.UserName,
        id: u.UserId,
      })),
      ...(page.PolicyGroups ?? []).map((g) => ({
        type: 'AWS::IAM::Group' as const,
        name: g.GroupName,
        id: g.GroupId,
      })),
    ],
  );
  if (holders === undefined) return;
  const detail: ManagedPolicyDetail = {
    PolicyName: policy.PolicyName,
    PolicyId: policy.PolicyId,
    Arn: policy.Arn ?? arn,
    ...(policy.Path ? { Path: policy.Path } : {}),
    DefaultVersionId: policy.DefaultVersionId,
    AttachmentCount: policy.AttachmentCount,
    IsAttachable: policy.IsAttachable,
    PolicyVersionList: [{ ...version, IsDefaultVersion: true }],
  };
  snapshot.Policies.push(detail);
  const attachment: AttachedPolicy = { PolicyName: detail.PolicyName, PolicyArn: detail.Arn };
  await mapWithConcurrency(holders, concurrency, async (holder) => {
    if (!holder.name || !holder.id) return;
    const entity = await PRINCIPAL_APIS[holder.type].get(iam, holder.name);
    // Detached or deleted meanwhile: it no longer holds the policy.
    if (!entity?.arn || entity.id !== holder.id) return;
    addPrincipal(snapshot, holder.type, {
      id: holder.id,
      arn: entity.arn,
      ...(entity.path ? { path: entity.path } : {}),
      name: holder.name,
      inline: [],
      attached: [attachment],
    });
  });
}

/**
 * The neighbourhood load: for each seed, the one resource (and a policy's holders). A seed that names
 * neither its resource nor, for a policy, its ARN (the item lacked them) cannot be looked up by id, so the
 * whole sweep is loaded instead: slower, never wrong.
 */
export async function loadIamNeighbourhood(
  iam: IAMClient,
  seeds: readonly IamSeed[],
  options: IamLoadOptions = {},
): Promise<IamSnapshot> {
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  const unnamed = seeds.find((seed) =>
    seed.resourceType === 'AWS::IAM::Policy' ? !seed.arn : !seed.resourceName,
  );
  if (unnamed) {
    options.onProgress?.(
      `${unnamed.resourceType} ${unnamed.resourceId} has no ${unnamed.resourceType === 'AWS::IAM::Policy' ? 'ARN' : 'name'} in its configuration item; loading every IAM resource`,
    );
    return loadIamSweep(iam, options);
  }
  const snapshot = EMPTY();
  // Policies after principals: a holder entry never replaces a seed principal with its inline policies.
  const ordered = [...seeds].sort(
    (a, b) => Number(a.resourceType === 'AWS::IAM::Policy') - Number(b.resourceType === 'AWS::IAM::Policy'),
  );
  for (const seed of ordered) {
    if (seed.resourceType === 'AWS::IAM::Policy') {
      await loadManagedPolicy(iam, seed.arn as string, seed.resourceId, concurrency, snapshot);
      continue;
    }
    const principal = await loadPrincipal(
      iam,
      PRINCIPAL_APIS[seed.resourceType],
      seed.resourceName as string,
      seed.resourceId,
      concurrency,
    );
    if (principal) addPrincipal(snapshot, seed.resourceType, principal);
    else
      options.onProgress?.(`${seed.resourceType} ${seed.resourceName} (${seed.resourceId}) no longer exists`);
  }
  return snapshot;
}
