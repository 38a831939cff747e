// Writes a synthetic account snapshot for one scale: node --import tsx bench/write-account.ts <scale> <out.json>
import { writeFileSync } from 'node:fs';
import type { Snapshot } from '../aws/snapshot/format';
import { generateAccount } from './generate-account';

const scale = Number(process.argv[2]);
const out = process.argv[3];
if (!Number.isInteger(scale) || scale < 1 || !out) throw new Error('usage: write-account <scale> <out.json>');
const snapshot = generateAccount(scale);
writeFileSync(out, JSON.stringify(snapshot));
process.stdout.write(`${JSON.stringify(describeAccount(snapshot))}\n`);

/** Counts of what a generated account holds, as the benchmark reports them. */
function describeAccount(snapshot: Snapshot): {
  fileSystems: number;
  mountTargets: number;
  securityGroups: number;
  rules: number;
  networkInterfaces: number;
} {
  let rules = 0;
  for (const group of snapshot.securityGroups) {
    for (const permission of [...(group.IpPermissions ?? []), ...(group.IpPermissionsEgress ?? [])]) {
      rules +=
        (permission.IpRanges?.length ?? 0) +
        (permission.Ipv6Ranges?.length ?? 0) +
        (permission.PrefixListIds?.length ?? 0) +
        (permission.UserIdGroupPairs?.length ?? 0);
    }
  }
  return {
    fileSystems: snapshot.fileSystems.length,
    mountTargets: snapshot.fileSystems.reduce((sum, fs) => sum + fs.MountTargets.length, 0),
    securityGroups: snapshot.securityGroups.length,
    rules,
    networkInterfaces: snapshot.networkInterfaces.length,
  };
}
