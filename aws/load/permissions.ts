// The single source of truth of the IAM actions each rule's function may call. serverless.yml's
// generated roles, the member-account execution role (the member template, deploy/serverless/member-template.cjs) and the tests
// that check both are derived from this file, and so is the test that the loaders call nothing else.
// A rule's reads follow from the topology parts it declares (`requires`, core/rules/types.ts): the
// loaders read exactly those parts (aws/load/region.ts, aws/load/neighbourhood/), so PART_READ_ACTIONS
// is the one place that says which actions reading a part takes.
// Describe*/Get*/List* calls of EC2, EFS and IAM do not support resource-level permissions, so their
// statements use Resource "*" (Service Authorization Reference: Amazon EC2, Amazon EFS, IAM).

import { EfsguardError } from '../../core/errors';
import type { TopologyPart } from '../../core/model';
import { RULES } from '../../core/rules';

/** The read actions of each topology part: what the loaders call to read it, and nothing more. */
export const PART_READ_ACTIONS = {
  // VPCs, subnets, groups, interfaces, ACLs, referenced prefix lists, file systems and mount targets.
  network: [
    'ec2:DescribeVpcs',
    'ec2:DescribeSubnets',
    'ec2:DescribeSecurityGroups',
    'ec2:DescribeNetworkInterfaces',
    'ec2:DescribeNetworkAcls',
    'ec2:DescribeManagedPrefixLists',
    'ec2:GetManagedPrefixListEntries',
    'elasticfilesystem:DescribeFileSystems',
    'elasticfilesystem:DescribeMountTargets',
    'elasticfilesystem:DescribeMountTargetSecurityGroups',
  ],
  fileSystemPolicies: ['elasticfilesystem:DescribeFileSystems', 'elasticfilesystem:DescribeFileSystemPolicy'],
  accessPoints: ['elasticfilesystem:DescribeAccessPoints'],
  iam: [
    // The sweep (aws/load/iam.ts loadIamSweep); GetPolicy fills in ids an emulator leaves out.
    'iam:GetAccountAuthorizationDetails',
    // The neighbourhood of one changed IAM resource (loadIamNeighbourhood).
    'iam:GetPolicy',
    'iam:GetPolicyVersion',
    // A changed policy's holders, so that exemptions still apply to it.
    'iam:ListEntitiesForPolicy',
    'iam:GetRole',
    'iam:GetRolePolicy',
    'iam:ListRolePolicies',
    'iam:ListAttachedRolePolicies',
    'iam:GetUser',
    'iam:GetUserPolicy',
    'iam:ListUserPolicies',
    'iam:ListAttachedUserPolicies',
    'iam:GetGroup',
    'iam:GetGroupPolicy',
    'iam:ListGroupPolicies',
    'iam:ListAttachedGroupPolicies',
  ],
  // Route tables, peerings, TGW attachments and route tables, VPN gateways (aws/load/routing.ts), and
  // the prefix lists that routes name as destinations.
  routing: [
    'ec2:DescribeRouteTables',
    'ec2:DescribeVpcPeeringConnections',
    'ec2:DescribeTransitGatewayAttachments',
    'ec2:DescribeTransitGatewayVpcAttachments',
    'ec2:DescribeTransitGatewayRouteTables',
    'ec2:SearchTransitGatewayRoutes',
    'ec2:GetTransitGatewayRouteTableAssociations',
    'ec2:GetTransitGatewayRouteTablePropagations',
    'ec2:DescribeVpnGateways',
    'ec2:DescribeManagedPrefixLists',
    'ec2:GetManagedPrefixListEntries',
  ],
} as const satisfies Record<TopologyPart, readonly string[]>;

/** Every Describe call the network loaders make (kept for callers of the earlier name). */
export const NETWORK_READ_ACTIONS = PART_READ_ACTIONS.network;

function sortUnique(actions: Iterable<string>): string[] {
  return [...new Set(actions)].sort();
}

/** The read actions of a set of parts, sorted. */
export function readActionsForParts(parts: readonly TopologyPart[]): string[] {
  return sortUnique(parts.flatMap((part) => PART_READ_ACTIONS[part]));
}

/** The read-only actions per rule id, derived from each registered rule's `requires`. */
export const RULE_READ_ACTIONS: Readonly<Record<string, readonly string[]>> = Object.fromEntries(
  RULES.map((rule) => [rule.id, readActionsForParts(rule.requires)]),
);

/**
 * What every rule needs from Config: PutEvaluations to post verdicts, and
 * GetComplianceDetailsByConfigRule so that a scheduled sweep can mark resources that vanished since the
 * last sweep NOT_APPLICABLE. Neither supports resource-level permissions on the evaluated account's rule
 * in a way that survives organization rules' generated names, so they use Resource "*".
 */
export const EVALUATION_ACTIONS = [
  'config:PutEvaluations',
  'config:GetComplianceDetailsByConfigRule',
] as const;

/** Organization mode: the function acts in a member account through its execution role. */
export const ASSUME_ROLE_ACTION = 'sts:AssumeRole';

/**
 * The function's own log group. The group is a stack resource (serverless creates it), so the function
 * needs no logs:CreateLogGroup (Lambda Developer Guide, "Sending Lambda function logs to CloudWatch Logs").
 */
export const LOG_ACTIONS = ['logs:CreateLogStream', 'logs:PutLogEvents'] as const;

/** Where the functions are deployed: rules in this account, or organization rules for every member. */
export type DeploymentMode = 'account' | 'organization';

export const DEPLOYMENT_MODES: readonly DeploymentMode[] = ['account', 'organization'];

/** A rule id that has no entry here: a new rule must declare its actions before it can be deployed. */
export class UnknownPermissionsError extends EfsguardError {
  override readonly name = 'UnknownPermissionsError';
  constructor(readonly ruleId: string) {
    super(
      `no IAM actions for rule ${ruleId}: it is not in core/rules/index.ts; known: ${Object.keys(RULE_READ_ACTIONS).join(', ')}`,
    );
  }
}

/** The read-only actions a rule's loader calls, sorted. Throws UnknownPermissionsError for an unknown id. */
export function readActionsFor(ruleId: string): string[] {
  const actions = RULE_READ_ACTIONS[ruleId];
  if (!Object.hasOwn(RULE_READ_ACTIONS, ruleId) || !actions) throw new UnknownPermissionsError(ruleId);
  return [...actions];
}

/**
 * Everything a rule's function role may call besides its own log group, sorted. In account mode: its
 * reads and the evaluation actions. In organization mode only sts:AssumeRole on the member execution
 * role: organization rules always pass executionRoleName, so every read and every PutEvaluations runs
 * with the assumed role, the central and management accounts' included (handlers/runtime/clients.ts
 * createClientsFor), and the function's own role never uses them.
 */
export function functionActionsFor(ruleId: string, mode: DeploymentMode): string[] {
  if (mode === 'organization') {
    readActionsFor(ruleId); // still refuse an unknown rule
    return [ASSUME_ROLE_ACTION];
  }
  return sortUnique([...readActionsFor(ruleId), ...EVALUATION_ACTIONS]);
}

/** The member-account execution role's actions: every rule's reads plus the evaluation actions, sorted. */
export function memberRoleActions(ruleIds: readonly string[] = Object.keys(RULE_READ_ACTIONS)): string[] {
  return sortUnique([...ruleIds.flatMap((ruleId) => readActionsFor(ruleId)), ...EVALUATION_ACTIONS]);
}
