// The flat parts of a neighbourhood: what a seed of theirs reads is the seed alone, with no expansion.
// 'fileSystemPolicies' (a file-system seed's policy), 'accessPoints' (an access-point seed) and 'iam'
// (the changed IAM resources, aws/load/iam.ts).

import {
  type AccessPointDescription,
  type EFSClient,
  type FileSystemDescription,
  paginateDescribeAccessPoints,
} from '@aws-sdk/client-efs';
import type { IAMClient } from '@aws-sdk/client-iam';
import { EfsguardError } from '../../../core/errors';
import { callAws, isNotFound } from '../../sdk/errors';
import { guardPages } from '../../sdk/pagination';
import type { Snapshot } from '../../snapshot/format';
import { describeFileSystemPolicy, describeFileSystems, mapWithConcurrency } from '../describe';
import { type IamSeed, isIamResourceType, loadIamNeighbourhood } from '../iam';
import { FILE_SYSTEM_GONE } from './rounds';
import type { NeighbourhoodSeed } from './state';

/**
 * 'fileSystemPolicies': each file-system seed's description (reused when the network part already has
 * it: `described`) and policy, set on the snapshot's file system or added to it. A file system deleted
 * meanwhile is left out.
 */
export async function loadSeedPolicies(
  efs: EFSClient,
  described: ReadonlyMap<string, FileSystemDescription | null>,
  snapshot: Snapshot,
  fileSystemIds: readonly string[],
  concurrency: number,
): Promise<void> {
  const loaded = await mapWithConcurrency(fileSystemIds, concurrency, async (fsId) => {
    try {
      const description = described.has(fsId)
        ? described.get(fsId)
        : (await describeFileSystems(efs, { fileSystemId: fsId }))[0];
      if (!description) return undefined;
      return { description, policy: await describeFileSystemPolicy(efs, fsId) };
    } catch (error) {
      if (isNotFound(error, FILE_SYSTEM_GONE)) return undefined;
      throw error;
    }
  });
  for (const entry of loaded) {
    if (!entry) continue;
    const existing = snapshot.fileSystems.find((fs) => fs.FileSystemId === entry.description.FileSystemId);
    if (existing) existing.Policy = entry.policy;
    else snapshot.fileSystems.push({ ...entry.description, Policy: entry.policy, MountTargets: [] });
  }
  snapshot.fileSystems.sort((a, b) => ((a.FileSystemId ?? '') < (b.FileSystemId ?? '') ? -1 : 1));
}

/** DescribeAccessPoints for one access point; null when it no longer exists. */
async function describeAccessPoint(
  efs: EFSClient,
  accessPointId: string,
): Promise<AccessPointDescription | null> {
  try {
    return await callAws('elasticfilesystem:DescribeAccessPoints', async () => {
      for await (const page of guardPages(
        'elasticfilesystem:DescribeAccessPoints',
        paginateDescribeAccessPoints({ client: efs }, { AccessPointId: accessPointId }),
      )) {
        const found = page.AccessPoints?.find((ap) => ap.AccessPointId === accessPointId);
        if (found) return found;
      }
      return null;
    });
  } catch (error) {
    if (isNotFound(error, ['AccessPointNotFound'])) return null;
    throw error;
  }
}

/** 'accessPoints': each access-point seed, by id; one deleted meanwhile is left out. */
export async function loadSeedAccessPoints(
  efs: EFSClient,
  snapshot: Snapshot,
  accessPointIds: readonly string[],
  concurrency: number,
): Promise<void> {
  const found = await mapWithConcurrency(accessPointIds, concurrency, (id) => describeAccessPoint(efs, id));
  snapshot.accessPoints = found.filter((ap): ap is AccessPointDescription => ap !== null);
}

/** 'iam': the changed IAM resources (aws/load/iam.ts loadIamNeighbourhood). */
export async function loadIamSeeds(
  iam: IAMClient | undefined,
  snapshot: Snapshot,
  seeds: readonly NeighbourhoodSeed[],
  options: { readonly concurrency: number; readonly onProgress?: (message: string) => void },
): Promise<void> {
  const iamSeeds: IamSeed[] = seeds.flatMap((seed) =>
    isIamResourceType(seed.resourceType)
      ? [
          {
            resourceType: seed.resourceType,
            resourceId: seed.resourceId,
            ...(seed.resourceName ? { resourceName: seed.resourceName } : {}),
            ...(seed.arn ? { arn: seed.arn } : {}),
          },
        ]
      : [],
  );
  if (iamSeeds.length === 0) {
    snapshot.iam = { UserDetailList: [], GroupDetailList: [], RoleDetailList: [], Policies: [] };
    return;
  }
  if (!iam) throw new EfsguardError('the neighbourhood load of IAM seeds needs an IAM client');
  snapshot.iam = await loadIamNeighbourhood(iam, iamSeeds, {
    concurrency: options.concurrency,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
}
