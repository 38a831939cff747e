// Paginated Describe helpers shared by the whole-region and the neighbourhood loaders. Each returns
// every page's items (SDK paginators; a NextToken loop where the SDK has none) and translates a
// failure into a typed error naming the IAM action: a failed call fails the load, never half of it.

import {
  type DescribeManagedPrefixListsCommandOutput,
  type DescribeNetworkAclsCommandOutput,
  type DescribeNetworkInterfacesCommandOutput,
  type DescribeSecurityGroupsCommandOutput,
  type DescribeSubnetsCommandOutput,
  type DescribeVpcsCommandOutput,
  type EC2Client,
  type EC2PaginationConfiguration,
  type Filter,
  type ManagedPrefixList,
  type NetworkAcl,
  type NetworkInterface,
  type PrefixListEntry,
  paginateDescribeManagedPrefixLists,
  paginateDescribeNetworkAcls,
  paginateDescribeNetworkInterfaces,
  paginateDescribeSecurityGroups,
  paginateDescribeSubnets,
  paginateDescribeVpcs,
  paginateGetManagedPrefixListEntries,
  type SecurityGroup,
  type Subnet,
  type Vpc,
} from '@aws-sdk/client-ec2';
import {
  type AccessPointDescription,
  DescribeFileSystemPolicyCommand,
  DescribeMountTargetSecurityGroupsCommand,
  type EFSClient,
  type FileSystemDescription,
  type MountTargetDescription,
  paginateDescribeAccessPoints,
  paginateDescribeFileSystems,
  paginateDescribeMountTargets,
} from '@aws-sdk/client-efs';
import { type IAMClient, paginateGetAccountAuthorizationDetails } from '@aws-sdk/client-iam';
// Every paginator runs through guardPages, which stops at a page token the endpoint repeats.
import type { Paginator } from '@smithy/types';
import { callAws, isNotFound } from '../sdk/errors';
import { guardPages } from '../sdk/pagination';
import { UniqueById } from '../sdk/unique-by-id';
import type { IamSnapshot } from '../snapshot/format';

/** An EC2 Describe filter: values are ORed, filters ANDed (EC2 API Reference, "Filter"). */
export interface Ec2Filter {
  readonly name: string;
  readonly values: readonly string[];
}

/**
 * EC2 rejects requests with too many values in one filter (observed limit: 200), so longer lists are
 * split over several requests whose results are merged.
 */
export const MAX_FILTER_VALUES = 200;

/** Per-resource EFS calls (mount targets, policies) run this many at a time. */
export const DEFAULT_CONCURRENCY = 8;

const EC2_PAGE_SIZE = 1000; // MaxResults upper bound of the EC2 Describe calls used here
const PREFIX_LIST_PAGE_SIZE = 100; // DescribeManagedPrefixLists / GetManagedPrefixListEntries upper bound
const EFS_PAGE_SIZE = 100;

/** Splits values into chunks of at most `size` (deduplicated, order kept). */
export function chunkValues(values: readonly string[], size = MAX_FILTER_VALUES): string[][] {
  const unique = [...new Set(values)];
  const chunks: string[][] = [];
  for (let i = 0; i < unique.length; i += size) chunks.push(unique.slice(i, i + size));
  return chunks;
}

/**
 * The filter sets to send so that no filter exceeds MAX_FILTER_VALUES: the cartesian product of
 * each filter's chunks. Empty when a filter has no values (it can match nothing; AWS would reject it).
 */
export function expandFilters(filters: readonly Ec2Filter[]): Filter[][] {
  let sets: Filter[][] = [[]];
  for (const filter of filters) {
    const chunks = chunkValues(filter.values);
    if (chunks.length === 0) return [];
    sets = sets.flatMap((set) => chunks.map((chunk) => [...set, { Name: filter.name, Values: chunk }]));
  }
  return sets;
}

/** Runs `fn` over items with at most `limit` in flight; results keep the items' order. */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(limit, 1), items.length) }, worker));
  return results;
}

/** Runs one paginated EC2 Describe for every filter set and merges the items, deduplicated by id. */
export async function describeEc2<T>(
  action: string,
  filters: readonly Ec2Filter[] | undefined,
  pages: (filterSet: Filter[] | undefined) => AsyncIterable<T[]>,
  idOf: (item: T) => string | undefined,
): Promise<T[]> {
  const filterSets = filters === undefined || filters.length === 0 ? [undefined] : expandFilters(filters);
  return callAws(action, async () => {
    const unique = new UniqueById(action, idOf);
    for (const filterSet of filterSets) {
      for await (const page of pages(filterSet)) unique.addAll(page);
    }
    return unique.items;
  });
}

const withFilters = (filterSet: Filter[] | undefined) => (filterSet ? { Filters: filterSet } : {});

/**
 * One filtered, paginated EC2 Describe: the action (for errors and the page guard), the SDK paginator,
 * the page's list and each item's id (to merge the pages of several filter sets without repeats).
 */
export function ec2Describe<O, T>(
  action: string,
  paginate: (config: EC2PaginationConfiguration, input: { Filters?: Filter[] }) => Paginator<O>,
  itemsOf: (page: O) => T[] | undefined,
  idOf: (item: T) => string | undefined,
  pageSize = EC2_PAGE_SIZE,
): (ec2: EC2Client, filters?: readonly Ec2Filter[]) => Promise<T[]> {
  return (ec2, filters) =>
    describeEc2(
      action,
      filters,
      async function* (filterSet) {
        for await (const page of guardPages(
          action,
          paginate({ client: ec2, pageSize }, withFilters(filterSet)),
        )) {
          yield itemsOf(page) ?? [];
        }
      },
      idOf,
    );
}

// The filtered Describe calls the loaders make: one row each.
export const describeVpcs = ec2Describe<DescribeVpcsCommandOutput, Vpc>(
  'ec2:DescribeVpcs',
  paginateDescribeVpcs,
  (page) => page.Vpcs,
  (vpc) => vpc.VpcId,
);
export const describeSubnets = ec2Describe<DescribeSubnetsCommandOutput, Subnet>(
  'ec2:DescribeSubnets',
  paginateDescribeSubnets,
  (page) => page.Subnets,
  (subnet) => subnet.SubnetId,
);
export const describeSecurityGroups = ec2Describe<DescribeSecurityGroupsCommandOutput, SecurityGroup>(
  'ec2:DescribeSecurityGroups',
  paginateDescribeSecurityGroups,
  (page) => page.SecurityGroups,
  (group) => group.GroupId,
);
export const describeNetworkInterfaces = ec2Describe<
  DescribeNetworkInterfacesCommandOutput,
  NetworkInterface
>(
  'ec2:DescribeNetworkInterfaces',
  paginateDescribeNetworkInterfaces,
  (page) => page.NetworkInterfaces,
  (eni) => eni.NetworkInterfaceId,
);
export const describeNetworkAcls = ec2Describe<DescribeNetworkAclsCommandOutput, NetworkAcl>(
  'ec2:DescribeNetworkAcls',
  paginateDescribeNetworkAcls,
  (page) => page.NetworkAcls,
  (acl) => acl.NetworkAclId,
);
export const describeManagedPrefixLists = ec2Describe<
  DescribeManagedPrefixListsCommandOutput,
  ManagedPrefixList
>(
  'ec2:DescribeManagedPrefixLists',
  paginateDescribeManagedPrefixLists,
  (page) => page.PrefixLists,
  (list) => list.PrefixListId,
  PREFIX_LIST_PAGE_SIZE,
);

/** EC2's codes for an ACL or prefix-list id that does not exist (it spells them with ID and with Id). */
const ACL_NOT_FOUND = ['InvalidNetworkAclID.NotFound', 'InvalidNetworkAclId.NotFound'];
const PREFIX_LIST_NOT_FOUND = ['InvalidPrefixListID.NotFound', 'InvalidPrefixListId.NotFound'];

/**
 * DescribeNetworkAcls by id, with the NetworkAclIds parameter rather than the `network-acl-id` filter:
 * both are in the EC2 API Reference (DescribeNetworkAcls), but some endpoints (moto) lack the filter.
 * Unlike a filter, an id that no longer exists fails the request (InvalidNetworkAclID.NotFound); the
 * ids are then asked one by one, so a deleted ACL is simply absent and the others still load.
 */
export async function describeNetworkAclsById(
  ec2: EC2Client,
  networkAclIds: readonly string[],
): Promise<NetworkAcl[]> {
  const byIds = async (ids: string[]): Promise<NetworkAcl[]> =>
    callAws('ec2:DescribeNetworkAcls', async () => {
      const items: NetworkAcl[] = [];
      for await (const page of guardPages(
        'ec2:DescribeNetworkAcls',
        paginateDescribeNetworkAcls({ client: ec2 }, { NetworkAclIds: ids }),
      )) {
        items.push(...(page.NetworkAcls ?? []));
      }
      return items;
    });
  const isGone = (error: unknown) => isNotFound(error, ACL_NOT_FOUND);
  const acls: NetworkAcl[] = [];
  for (const chunk of chunkValues(networkAclIds)) {
    try {
      acls.push(...(await byIds(chunk)));
    } catch (error) {
      if (!isGone(error)) throw error;
      if (chunk.length === 1) continue;
      for (const id of chunk) {
        try {
          acls.push(...(await byIds([id])));
        } catch (inner) {
          if (!isGone(inner)) throw inner;
        }
      }
    }
  }
  return acls;
}

/** Every entry of one prefix list; null when the list does not exist or is not visible to the caller. */
export async function getManagedPrefixListEntries(
  ec2: EC2Client,
  prefixListId: string,
): Promise<PrefixListEntry[] | null> {
  try {
    return await callAws('ec2:GetManagedPrefixListEntries', async () => {
      const entries: PrefixListEntry[] = [];
      for await (const page of guardPages(
        'ec2:GetManagedPrefixListEntries',
        paginateGetManagedPrefixListEntries(
          { client: ec2, pageSize: PREFIX_LIST_PAGE_SIZE },
          { PrefixListId: prefixListId },
        ),
      )) {
        entries.push(...(page.Entries ?? []));
      }
      return entries;
    });
  } catch (error) {
    // The list was deleted or belongs to an account that no longer shares it: the reference cannot
    // be resolved, which the rules report (fail closed) rather than the load failing.
    if (isNotFound(error, PREFIX_LIST_NOT_FOUND)) return null;
    throw error;
  }
}

/** DescribeFileSystems, optionally for one file system. */
export function describeFileSystems(
  efs: EFSClient,
  input: { fileSystemId?: string } = {},
): Promise<FileSystemDescription[]> {
  const action = 'elasticfilesystem:DescribeFileSystems';
  return callAws(action, async () => {
    const unique = new UniqueById<FileSystemDescription>(action, (fs) => fs.FileSystemId);
    for await (const page of guardPages(
      action,
      paginateDescribeFileSystems(
        { client: efs, pageSize: EFS_PAGE_SIZE },
        input.fileSystemId ? { FileSystemId: input.fileSystemId } : {},
      ),
    )) {
      unique.addAll(page.FileSystems ?? []);
    }
    return unique.items;
  });
}

/** DescribeMountTargets of one file system, or the one mount target by id. */
export function describeMountTargets(
  efs: EFSClient,
  input: { fileSystemId: string } | { mountTargetId: string },
): Promise<MountTargetDescription[]> {
  const action = 'elasticfilesystem:DescribeMountTargets';
  return callAws(action, async () => {
    const unique = new UniqueById<MountTargetDescription>(action, (mt) => mt.MountTargetId);
    for await (const page of guardPages(
      action,
      paginateDescribeMountTargets(
        { client: efs, pageSize: EFS_PAGE_SIZE },
        'fileSystemId' in input
          ? { FileSystemId: input.fileSystemId }
          : { MountTargetId: input.mountTargetId },
      ),
    )) {
      unique.addAll(page.MountTargets ?? []);
    }
    return unique.items;
  });
}

/** The security groups of one mount target (DescribeMountTargetSecurityGroups has no pagination). */
export async function describeMountTargetSecurityGroups(
  efs: EFSClient,
  mountTargetId: string,
): Promise<string[]> {
  const output = await callAws('elasticfilesystem:DescribeMountTargetSecurityGroups', () =>
    efs.send(new DescribeMountTargetSecurityGroupsCommand({ MountTargetId: mountTargetId })),
  );
  return output.SecurityGroups ?? [];
}

/** The file-system policy text, or null when the file system has none (PolicyNotFound). */
export async function describeFileSystemPolicy(efs: EFSClient, fileSystemId: string): Promise<string | null> {
  try {
    const output = await callAws('elasticfilesystem:DescribeFileSystemPolicy', () =>
      efs.send(new DescribeFileSystemPolicyCommand({ FileSystemId: fileSystemId })),
    );
    return output.Policy ?? null;
  } catch (error) {
    // PolicyNotFound: "Returned if the default file system policy is in effect for the EFS file system
    // specified" (EFS API Reference, DescribeFileSystemPolicy): the file system has no policy of its own.
    if (isNotFound(error, ['PolicyNotFound'])) return null;
    throw error;
  }
}

/** DescribeAccessPoints of the region, or of one file system. */
export function describeAccessPoints(
  efs: EFSClient,
  input: { fileSystemId?: string } = {},
): Promise<AccessPointDescription[]> {
  const action = 'elasticfilesystem:DescribeAccessPoints';
  return callAws(action, async () => {
    const unique = new UniqueById<AccessPointDescription>(action, (ap) => ap.AccessPointId);
    for await (const page of guardPages(
      action,
      paginateDescribeAccessPoints(
        { client: efs, pageSize: EFS_PAGE_SIZE },
        input.fileSystemId ? { FileSystemId: input.fileSystemId } : {},
      ),
    )) {
      unique.addAll(page.AccessPoints ?? []);
    }
    return unique.items;
  });
}

/** GetAccountAuthorizationDetails for roles, users, groups and customer-managed policies, pages merged. */
export function getAccountAuthorizationDetails(iam: IAMClient): Promise<IamSnapshot> {
  const action = 'iam:GetAccountAuthorizationDetails';
  return callAws(action, async () => {
    type Lists = Required<IamSnapshot>;
    const users = new UniqueById<Lists['UserDetailList'][number]>(action, (user) => user.UserId);
    const groups = new UniqueById<Lists['GroupDetailList'][number]>(action, (group) => group.GroupId);
    const roles = new UniqueById<Lists['RoleDetailList'][number]>(action, (role) => role.RoleId);
    const policies = new UniqueById<Lists['Policies'][number]>(action, (policy) => policy.Arn);
    for await (const page of guardPages(
      action,
      paginateGetAccountAuthorizationDetails(
        { client: iam },
        { Filter: ['Role', 'User', 'Group', 'LocalManagedPolicy'] },
      ),
    )) {
      users.addAll(page.UserDetailList ?? []);
      groups.addAll(page.GroupDetailList ?? []);
      roles.addAll(page.RoleDetailList ?? []);
      policies.addAll(page.Policies ?? []);
    }
    return {
      UserDetailList: users.items,
      GroupDetailList: groups.items,
      RoleDetailList: roles.items,
      Policies: policies.items,
    };
  });
}
