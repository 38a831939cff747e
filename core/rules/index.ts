// The explicit registry of rules. Order is the order the CLI prints them in.
import { UnknownRuleError } from '../errors';
import { efsAccessPointPosixIdentity } from './efs-access-point-posix-identity';
import { efsApiLeastPrivilege } from './efs-api-least-privilege';
import { efsClientNfsEgress } from './efs-client-nfs-egress';
import { efsFileSystemPolicy } from './efs-file-system-policy';
import { efsMountTargetNfsIngress } from './efs-mount-target-nfs-ingress';
import { efsNfsExposure } from './efs-nfs-exposure';
import { efsNfsNetworkAcl } from './efs-nfs-network-acl';
import type { Rule } from './types';

export const RULES: readonly Rule[] = [
  efsMountTargetNfsIngress,
  efsClientNfsEgress,
  efsNfsNetworkAcl,
  efsNfsExposure,
  efsFileSystemPolicy,
  efsAccessPointPosixIdentity,
  efsApiLeastPrivilege,
];

export const RULE_IDS: readonly string[] = RULES.map((rule) => rule.id);

export function getRule(id: string): Rule {
  const rule = RULES.find((candidate) => candidate.id === id);
  if (!rule) throw new UnknownRuleError(id, RULE_IDS);
  return rule;
}
