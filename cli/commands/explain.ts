// `efsguard explain`: the hop-by-hop NFS path between clients (or a source range) and a file system's
// mount targets, with each hop's verdict and the rule, route or entry that decides it. The paths come
// from core/routing (explainClientPath, explainSourcePath): the same functions the rules judge with.
import { type Command, Option } from 'commander';
import { destroyAwsClients } from '../../aws/sdk/destroy-clients';
import type { Snapshot } from '../../aws/snapshot/format';
import { normaliseSnapshot } from '../../aws/snapshot/normalise';
import type { MountTarget, Topology } from '../../core/model';
import { canonicaliseCidr, InvalidCidrError } from '../../core/net/cidr';
import { buildNfsGraph } from '../../core/net/nfs-paths';
import { cutsForMountTarget } from '../../core/routing/exposure';
import { explainClientPath, explainSourcePath, type NfsPath } from '../../core/routing/nfs-path';
import { atomsOf, describeAtom } from '../../core/routing/ranges';
import { CLIENT_PORT_RANGE } from '../../core/rules/efs-nfs-network-acl';
import { indexTopology } from '../../core/topology-index';
import {
  type AwsCliOptions,
  addAwsOptions,
  addTimeoutOption,
  type CliContext,
  createClientsFromOptions,
  type RegisterCommand,
  refuseAwsOptionsWithSnapshot,
  withDeadline,
} from '../context';
import { UsageError } from '../errors';
import { normaliseSnapshotFile, readSnapshotFile, readSnapshotTopology } from '../input-files';
import { loadRegion } from '../live-aws';

interface ExplainOptions extends AwsCliOptions {
  readonly fileSystem: string;
  readonly client?: string;
  readonly source?: string;
  readonly snapshot?: string;
  readonly format: 'text' | 'json';
  readonly timeout: string;
}

async function loadTopology(context: CliContext, options: ExplainOptions): Promise<Topology> {
  refuseAwsOptionsWithSnapshot(options);
  if (options.snapshot) {
    return (
      readSnapshotTopology(options.snapshot)?.topology ??
      normaliseSnapshotFile(await readSnapshotFile(options.snapshot), options.snapshot)
    );
  }
  const clients = await createClientsFromOptions(context, options);
  let snapshot: Snapshot;
  try {
    // Routes decide every cross-VPC hop: without them each would only say 'routing was not recorded'.
    snapshot = await loadRegion(clients, { parts: ['network', 'routing'] });
  } finally {
    destroyAwsClients(clients);
  }
  return normaliseSnapshot(snapshot);
}

/** Every path the options ask for, in a stable order. */
export function explainPaths(
  topology: Topology,
  options: Pick<ExplainOptions, 'fileSystem' | 'client' | 'source'>,
): NfsPath[] {
  const index = indexTopology(topology);
  if (!index.fileSystemsById.has(options.fileSystem)) {
    const known = [...index.fileSystemsById.keys()].sort();
    throw new UsageError(
      `--file-system ${options.fileSystem}: no such file system in this account and region (known: ${known.join(', ') || 'none'})`,
    );
  }
  const mountTargets: MountTarget[] = [
    ...(index.mountTargetsByFileSystem.get(options.fileSystem) ?? []),
  ].sort((a, b) => (a.mountTargetId < b.mountTargetId ? -1 : 1));
  const pathOptions = { clientPorts: CLIENT_PORT_RANGE.parse(CLIENT_PORT_RANGE.default) };
  if (options.source !== undefined) {
    let range: string;
    try {
      range = canonicaliseCidr(options.source);
    } catch (error) {
      if (error instanceof InvalidCidrError) throw new UsageError(`--source: ${error.message}`);
      throw error;
    }
    return mountTargets.flatMap((mt) =>
      atomsOf(range, cutsForMountTarget(topology, mt)).map((atom) =>
        explainSourcePath(topology, mt, atom.representative, describeAtom(atom), pathOptions),
      ),
    );
  }
  if (options.client !== undefined) {
    const client = index.interfacesById.get(options.client);
    if (!client) {
      throw new UsageError(
        `--client ${options.client}: no such network interface in this account and region`,
      );
    }
    return mountTargets.map((mt) => explainClientPath(topology, client, mt, pathOptions));
  }
  const graph = buildNfsGraph(topology);
  return mountTargets.flatMap((mt) =>
    [...(graph.clientsOf.get(mt.mountTargetId) ?? [])]
      .sort((a, b) => (a.networkInterfaceId < b.networkInterfaceId ? -1 : 1))
      .map((client) => explainClientPath(topology, client, mt, pathOptions)),
  );
}

/** The JSON form: exactly {paths: [{source, mountTarget, reachable, hops: [{hop, verdict, by, detail}]}]}. */
export function pathsJson(paths: readonly NfsPath[]): string {
  return `${JSON.stringify(
    {
      paths: paths.map((path) => ({
        source: path.source,
        mountTarget: path.mountTarget,
        reachable: path.reachable,
        hops: path.hops.map(({ hop, verdict, by, detail }) => ({ hop, verdict, by, detail })),
      })),
    },
    null,
    2,
  )}\n`;
}

export function pathsText(paths: readonly NfsPath[]): string {
  if (paths.length === 0)
    return 'No paths: no interface is admitted by a mount target of this file system.\n';
  const lines: string[] = [];
  for (const path of paths) {
    const state =
      path.reachable === true
        ? 'REACHABLE'
        : path.reachable === false
          ? 'BLOCKED'
          : 'UNKNOWN (not every hop is visible)';
    lines.push(`${path.source} -> ${path.mountTarget}: ${state}`);
    path.hops.forEach((hop, i) => {
      const mark = i === path.blockedAt ? '  <- first blocking hop' : '';
      lines.push(`  ${String(i + 1).padStart(2)}. ${hop.verdict.padEnd(7)} ${hop.hop}${mark}`);
      lines.push(`        by ${hop.by}: ${hop.detail}`);
    });
    lines.push('');
  }
  return `${lines.join('\n')}`;
}

async function explain(context: CliContext, options: ExplainOptions): Promise<void> {
  if (options.client !== undefined && options.source !== undefined) {
    throw new UsageError(
      '--client and --source cannot be combined: explain one interface or one source range',
    );
  }
  const topology = await loadTopology(context, options);
  const paths = explainPaths(topology, options);
  context.io.stdout.write(options.format === 'json' ? pathsJson(paths) : pathsText(paths));
}

export const registerExplainCommand: RegisterCommand = (program: Command, context: CliContext) => {
  const command = program
    .command('explain')
    .description(
      "show the hop-by-hop NFS path (security groups, ACLs, routes both ways) from clients or a source range to a file system's mount targets",
    );
  addTimeoutOption(addAwsOptions(command))
    .requiredOption('--file-system <id>', 'the file system (fs-…)')
    .option('--client <eni>', 'explain this client interface only (eni-…)')
    .option('--source <cidr>', 'explain this source range instead of the admitted clients')
    .option('--snapshot <file>', 'read a snapshot file (efsguard snapshot) instead of calling AWS')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (options: ExplainOptions) => {
      await withDeadline(context, options.timeout, () => explain(context, options));
    });
};
