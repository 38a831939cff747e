// The routing figures of `npm run bench -- --only=routing`: on a generated account (bench/generate-account.ts,
// routes included: peerings, a Transit Gateway with a blackhole, a VPN gateway), the time to judge every
// file system with efs-nfs-exposure, and to explain (efsguard explain) every client path of a sample of file
// systems, in-process on the normalised topology (no I/O, no CLI start-up).
import { performance } from 'node:perf_hooks';
import { normaliseSnapshot } from '../aws/snapshot/normalise';
import { explainPaths } from '../cli/commands/explain';
import { ALL } from '../core/model';
import { getRule } from '../core/rules';
import { generateAccount } from './generate-account';

export interface RoutingRow {
  readonly scale: number;
  readonly fileSystems: number;
  readonly mountTargets: number;
  readonly routeTables: number;
  readonly exposureMs: number;
  readonly nonCompliant: number;
  readonly explainedFileSystems: number;
  readonly explainedPaths: number;
  readonly explainMsPerFileSystem: number;
}

export function measureRouting(scale: number, sample = 20): RoutingRow {
  const topology = normaliseSnapshot(generateAccount(scale));
  const started = performance.now();
  const evaluations = getRule('efs-nfs-exposure').evaluate(topology, ALL);
  const exposureMs = performance.now() - started;
  const fileSystems = topology.fileSystems.filter((fs) =>
    topology.mountTargets.some((mt) => mt.fileSystemId === fs.fileSystemId),
  );
  const step = Math.max(1, Math.floor(fileSystems.length / sample));
  const chosen = fileSystems.filter((_, i) => i % step === 0).slice(0, sample);
  let paths = 0;
  const explainStarted = performance.now();
  for (const fs of chosen) paths += explainPaths(topology, { fileSystem: fs.fileSystemId }).length;
  const explainMs = performance.now() - explainStarted;
  return {
    scale,
    fileSystems: topology.fileSystems.length,
    mountTargets: topology.mountTargets.length,
    routeTables: topology.routing?.routeTables.length ?? 0,
    exposureMs: Math.round(exposureMs),
    nonCompliant: evaluations.filter((e) => e.complianceType === 'NON_COMPLIANT').length,
    explainedFileSystems: chosen.length,
    explainedPaths: paths,
    explainMsPerFileSystem: Math.round(explainMs / Math.max(1, chosen.length)),
  };
}
