// One round of a neighbourhood load: the Describe calls a planned Work sends, all at once, and where
// their answers go in the state. Filters, not id parameters: an id that no longer exists matches
// nothing instead of failing the call (ACLs are the exception: see describeNetworkAclsById).
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { EFSClient } from '@aws-sdk/client-efs';
import { isNotFound } from '../../sdk/errors';
import {
  describeFileSystems,
  describeManagedPrefixLists,
  describeMountTargetSecurityGroups,
  describeMountTargets,
  describeNetworkAcls,
  describeNetworkAclsById,
  describeNetworkInterfaces,
  describeSecurityGroups,
  describeSubnets,
  describeVpcs,
  getManagedPrefixListEntries,
  mapWithConcurrency,
} from '../describe';
import { BATCHED, type NeighbourhoodState, PER_RESOURCE, type Work } from './state';

export const FILE_SYSTEM_GONE = ['FileSystemNotFound'];

type Filters = { name: string; values: string[] }[];

/** Sends one round's calls and records their answers in `state`. */
export async function runRound(
  clients: { readonly ec2: EC2Client; readonly efs: EFSClient },
  state: NeighbourhoodState,
  work: Work,
  concurrency: number,
): Promise<void> {
  const { ec2, efs } = clients;
  for (const kind of [...BATCHED, ...PER_RESOURCE]) for (const id of work[kind]) state.asked[kind].add(id);
  const list = (set: Set<string>) => [...set].sort();
  const tasks: Promise<void>[] = [];
  const ec2Lookup = <T>(
    ids: Set<string>,
    filter: string,
    run: (filters: Filters) => Promise<T[]>,
    add: (items: T[]) => void,
  ) => {
    if (ids.size === 0) return;
    tasks.push(run([{ name: filter, values: list(ids) }]).then(add));
  };
  const addGroups = state.addGroups.bind(state);
  const addInterfaces = state.addInterfaces.bind(state);
  const addAcls = state.addAcls.bind(state);
  ec2Lookup(work.groups, 'group-id', (f) => describeSecurityGroups(ec2, f), addGroups);
  ec2Lookup(work.reverse, 'ip-permission.group-id', (f) => describeSecurityGroups(ec2, f), addGroups);
  ec2Lookup(
    work.reverseEgress,
    'egress.ip-permission.group-id',
    (f) => describeSecurityGroups(ec2, f),
    addGroups,
  );
  ec2Lookup(work.carriers, 'group-id', (f) => describeNetworkInterfaces(ec2, f), addInterfaces);
  ec2Lookup(work.interfaces, 'network-interface-id', (f) => describeNetworkInterfaces(ec2, f), addInterfaces);
  ec2Lookup(work.subnetInterfaces, 'subnet-id', (f) => describeNetworkInterfaces(ec2, f), addInterfaces);
  if (work.aclIds.size > 0) tasks.push(describeNetworkAclsById(ec2, list(work.aclIds)).then(addAcls));
  ec2Lookup(work.aclVpcs, 'vpc-id', (f) => describeNetworkAcls(ec2, f), addAcls);
  ec2Lookup(work.vpcs, 'vpc-id', (f) => describeVpcs(ec2, f), state.addVpcs.bind(state));
  ec2Lookup(work.subnets, 'subnet-id', (f) => describeSubnets(ec2, f), state.addSubnets.bind(state));

  const efsEach = (ids: Set<string>, fn: (id: string) => Promise<void>) => {
    if (ids.size > 0) tasks.push(mapWithConcurrency(list(ids), concurrency, fn).then(() => undefined));
  };
  const readMountTargets = async (fsId: string) => {
    try {
      state.setMountTargets(fsId, await describeMountTargets(efs, { fileSystemId: fsId }));
    } catch (error) {
      if (!isNotFound(error, FILE_SYSTEM_GONE)) throw error;
      state.setMountTargets(fsId, null);
    }
  };
  efsEach(work.mountTargets, readMountTargets);
  efsEach(work.fileSystems, async (fsId) => {
    try {
      state.fileSystems.set(fsId, (await describeFileSystems(efs, { fileSystemId: fsId }))[0] ?? null);
    } catch (error) {
      if (!isNotFound(error, FILE_SYSTEM_GONE)) throw error;
      state.fileSystems.set(fsId, null);
    }
  });
  efsEach(work.mountTargetGroups, async (mountTargetId) => {
    try {
      state.mountTargetGroups.set(mountTargetId, await describeMountTargetSecurityGroups(efs, mountTargetId));
    } catch (error) {
      // Deleted since DescribeMountTargets, or not in a state that has groups: leave it out.
      if (!isNotFound(error, ['MountTargetNotFound', 'IncorrectMountTargetState'])) throw error;
      state.mountTargetGroups.set(mountTargetId, null);
    }
  });
  if (work.prefixLists.size > 0) tasks.push(readPrefixLists(ec2, state, list(work.prefixLists), concurrency));
  if (work.scan) {
    tasks.push(
      (async () => {
        // The fallback when an interface may be a mount target without saying of which file system:
        // its cost grows with the number of file systems in the region (docs/neighbourhood.md).
        const all = await describeFileSystems(efs);
        for (const fs of all) if (fs.FileSystemId) state.fileSystems.set(fs.FileSystemId, fs);
        const missing = all
          .map((fs) => fs.FileSystemId)
          .filter((id): id is string => Boolean(id) && !state.mountTargets.has(id as string));
        for (const id of missing) state.asked.mountTargets.add(id);
        await mapWithConcurrency(missing, concurrency, readMountTargets);
        state.scanned = true;
      })(),
    );
  }
  await Promise.all(tasks);
}

/**
 * One DescribeManagedPrefixLists for all of them first: a list it does not show is missing, whatever
 * GetManagedPrefixListEntries would answer (some endpoints, moto among them, answer a missing list with
 * no entries). A missing list stays unresolved: the rules fail closed on it.
 */
async function readPrefixLists(
  ec2: EC2Client,
  state: NeighbourhoodState,
  ids: string[],
  concurrency: number,
): Promise<void> {
  const shown = new Set(
    (await describeManagedPrefixLists(ec2, [{ name: 'prefix-list-id', values: ids }])).map(
      (pl) => pl.PrefixListId,
    ),
  );
  await mapWithConcurrency(ids, concurrency, async (prefixListId) => {
    const entries = shown.has(prefixListId) ? await getManagedPrefixListEntries(ec2, prefixListId) : null;
    state.prefixLists.set(
      prefixListId,
      entries === null ? null : { PrefixListId: prefixListId, Entries: entries },
    );
  });
}
