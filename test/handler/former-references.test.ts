// Removed references (configurationItemDiff): the real rule handlers, with the production loaders in
// front of a snapshot-backed fake of EC2/EFS (test/helpers/fake-aws.ts) and a mocked Config client.
// The account is the state AFTER the change; the sample events' diffs say what the change removed, and
// the handler re-evaluates what those former references reach (docs/lambda.md, "Removed references").
import 'aws-sdk-client-mock-jest';
import { Logger } from '@aws-lambda-powertools/logger';
import {
  ConfigServiceClient,
  GetComplianceDetailsByConfigRuleCommand,
  PutEvaluationsCommand,
} from '@aws-sdk/client-config-service';
import { mockClient } from 'aws-sdk-client-mock';
import type { ConfigRuleEvent } from '../../aws/config/event';
import { efsClientNfsEgress } from '../../core/rules/efs-client-nfs-egress';
import { efsFileSystemPolicy } from '../../core/rules/efs-file-system-policy';
import { efsMountTargetNfsIngress } from '../../core/rules/efs-mount-target-nfs-ingress';
import { efsNfsNetworkAcl } from '../../core/rules/efs-nfs-network-acl';
import type { Rule } from '../../core/rules/types';
import { createRuleHandler } from '../../handlers/runtime/factory';
import type { RuleHandlerResult } from '../../handlers/runtime/ports';
import { MOTO_ACCOUNT_ID } from '../helpers/accounts';
import { editInvokingEvent, loadEvent } from '../helpers/events';
import { ALLOW_ALL_ACL, allTraffic, FakeAccount, fromCidr, fromGroup, nfs } from '../helpers/fake-account';
import { type FakeAws, installFakeAws } from '../helpers/fake-aws';
import { fakeContext } from '../helpers/lambda';

const REGION = 'us-east-1';
const VPC = 'vpc-0a1b2c3d4e5f60718';
// The ids of the sample events.
const MT_GROUP = 'sg-0123456789abcdef0';
const CLIENT_GROUP = 'sg-0fedcba9876543210';
const FORMER_CLIENT_GROUP = 'sg-0c1c2c3c4c5c6c7c8';
const FORMER_MT_GROUP = 'sg-0d1d2d3d4d5d6d7d8';
const FILE_SYSTEM = 'fs-0123456789abcdef0';
const MT_INTERFACE = 'eni-0ee11ff22aa33bb44';
const GROUP_CHANGE = 'efs-client-nfs-egress/security-group-reference-removed.json';
const INTERFACE_CHANGE = 'efs-mount-target-nfs-ingress/network-interface-group-removed.json';
const NOT_A_CLIENT = 'Not an NFS client: no mount-target security group admits its groups.';

/**
 * After the change: the mount-target group admits NFS from CLIENT_GROUP only (it no longer admits
 * FORMER_CLIENT_GROUP), and the mount target carries MT_GROUP only (no longer FORMER_MT_GROUP, a
 * world-open group). `without` leaves groups out, as if deleted since.
 */
function accountAfterChange(without: readonly string[] = []): FakeAccount {
  const account = new FakeAccount(MOTO_ACCOUNT_ID, REGION)
    .vpc(VPC, '10.0.0.0/16')
    .subnet('subnet-0app', VPC, '10.0.1.0/24', `${REGION}a`)
    .subnet('subnet-0data', VPC, '10.0.2.0/24', `${REGION}a`)
    .acl('acl-0app', VPC, ['subnet-0app'], ALLOW_ALL_ACL)
    .acl('acl-0data', VPC, ['subnet-0data'], ALLOW_ALL_ACL);
  const groups: [string, Parameters<FakeAccount['group']>[2]][] = [
    [MT_GROUP, { ingress: [nfs(fromGroup(CLIENT_GROUP))] }],
    [CLIENT_GROUP, { egress: [nfs(fromGroup(MT_GROUP))] }],
    [FORMER_CLIENT_GROUP, { egress: [allTraffic(fromCidr('0.0.0.0/0'))] }],
    [FORMER_MT_GROUP, { ingress: [nfs(fromCidr('0.0.0.0/0'))] }],
  ];
  for (const [groupId, rules] of groups) if (!without.includes(groupId)) account.group(groupId, VPC, rules);
  return account
    .fileSystem(FILE_SYSTEM)
    .mountTarget(FILE_SYSTEM, `fsmt-${MT_INTERFACE.slice(4)}`, 'subnet-0data', [MT_GROUP])
    .eni('eni-0client', 'subnet-0app', [CLIENT_GROUP])
    .eni('eni-0former1', 'subnet-0app', without.includes(FORMER_CLIENT_GROUP) ? [] : [FORMER_CLIENT_GROUP])
    .eni('eni-0former2', 'subnet-0app', without.includes(FORMER_CLIENT_GROUP) ? [] : [FORMER_CLIENT_GROUP]);
}

const config = mockClient(ConfigServiceClient);
let fake: FakeAws | undefined;

beforeEach(() => {
  config.reset();
  config.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [] });
  config.on(GetComplianceDetailsByConfigRuleCommand).resolves({ EvaluationResults: [] });
});

afterEach(() => {
  fake?.restore();
  fake = undefined;
});

interface Run {
  readonly verdicts: string[];
  readonly annotations: ReadonlyMap<string, string | undefined>;
  readonly calls: number;
  /** Each call as 'Operation {input}'. */
  readonly log: string[];
  readonly actions: string[];
}

/** Runs the rule's real handler on the event against the account; the verdicts as "id:ComplianceType". */
async function run(rule: Rule, event: ConfigRuleEvent, account: FakeAccount): Promise<Run> {
  fake?.restore();
  fake = installFakeAws(account.snapshot());
  const handler = createRuleHandler(rule, {
    logger: new Logger({ logLevel: 'SILENT' }),
    sleep: async () => {},
  });
  const result: RuleHandlerResult = await handler(event, fakeContext());
  return {
    verdicts: result.evaluations.map((e) => `${e.resourceId}:${e.complianceType}`).sort(),
    annotations: new Map(result.evaluations.map((e) => [e.resourceId, e.annotation])),
    calls: fake.calls().length,
    log: fake.calls().map((call) => `${call.command} ${JSON.stringify(call.input)}`),
    actions: fake.actions(),
  };
}

/** The same event with its diff emptied, as the sample events without a diff have it. */
function withoutDiff(event: ConfigRuleEvent): ConfigRuleEvent {
  return editInvokingEvent(event, (invokingEvent) => {
    invokingEvent.configurationItemDiff = { changedProperties: {}, changeType: 'UPDATE' };
  });
}

describe('efs-client-nfs-egress: a mount-target group stops admitting a client group', () => {
  it('posts the interfaces of the former client group NOT_APPLICABLE', async () => {
    const event = loadEvent(GROUP_CHANGE);
    const result = await run(efsClientNfsEgress, event, accountAfterChange());

    expect(result.verdicts).toEqual([
      'eni-0client:COMPLIANT',
      'eni-0former1:NOT_APPLICABLE',
      'eni-0former2:NOT_APPLICABLE',
    ]);
    expect(result.annotations.get('eni-0former1')).toBe(NOT_A_CLIENT);
    // The group itself is not the rule's resource type: no verdict for it.
    expect(result.verdicts.some((verdict) => verdict.startsWith('sg-'))).toBe(false);
    expect(config).toHaveReceivedCommandWith(PutEvaluationsCommand, {
      ResultToken: event.resultToken,
      Evaluations: expect.arrayContaining([
        {
          ComplianceResourceType: 'AWS::EC2::NetworkInterface',
          ComplianceResourceId: 'eni-0former1',
          ComplianceType: 'NOT_APPLICABLE',
          Annotation: NOT_A_CLIENT,
          OrderingTimestamp: new Date('2025-06-02T09:14:27.512Z'),
        },
      ]),
    });
  });

  it('without the diff, reaches only what live state leads to (the documented gap)', async () => {
    const result = await run(efsClientNfsEgress, withoutDiff(loadEvent(GROUP_CHANGE)), accountAfterChange());
    expect(result.verdicts).toEqual(['eni-0client:COMPLIANT']);
  });

  it('costs no more calls than the event without a diff', async () => {
    const withDiff = await run(efsClientNfsEgress, loadEvent(GROUP_CHANGE), accountAfterChange());
    const plain = await run(efsClientNfsEgress, withoutDiff(loadEvent(GROUP_CHANGE)), accountAfterChange());
    // The former group joins the batched filters of the requests the change sends anyway.
    expect(withDiff.calls).toBeLessThanOrEqual(plain.calls);
    expect(withDiff.log[0]).toContain(FORMER_CLIENT_GROUP);
  });

  // efs-nfs-network-acl takes the former seeds too; it posts the ACLs of pairs that exist now. An ACL
  // left on no pair at all still waits for the sweep (docs/neighbourhood.md, Known limits).
  it('efs-nfs-network-acl accepts the former seeds and posts the ACLs of current pairs', async () => {
    const account = accountAfterChange().eni('eni-0both', 'subnet-0app', [FORMER_CLIENT_GROUP, CLIENT_GROUP]);
    const result = await run(efsNfsNetworkAcl, loadEvent(GROUP_CHANGE), account);
    expect(result.verdicts).toEqual(['acl-0app:COMPLIANT', 'acl-0data:COMPLIANT']);
  });

  it('is harmless when the former group no longer exists', async () => {
    const account = accountAfterChange([FORMER_CLIENT_GROUP]);
    const result = await run(efsClientNfsEgress, loadEvent(GROUP_CHANGE), account);
    const plain = await run(efsClientNfsEgress, withoutDiff(loadEvent(GROUP_CHANGE)), account);
    expect(result.verdicts).toEqual(['eni-0client:COMPLIANT']);
    expect(result.verdicts).toEqual(plain.verdicts);
  });
});

describe('efs-mount-target-nfs-ingress: a group is removed from a mount target', () => {
  it('posts the removed group NOT_APPLICABLE, with the mount target group and file system', async () => {
    const result = await run(efsMountTargetNfsIngress, loadEvent(INTERFACE_CHANGE), accountAfterChange());
    expect(result.verdicts).toEqual([
      `${FILE_SYSTEM}:COMPLIANT`,
      `${MT_GROUP}:COMPLIANT`,
      `${FORMER_MT_GROUP}:NOT_APPLICABLE`,
    ]);
    expect(result.annotations.get(FORMER_MT_GROUP)).toBe('Not attached to any EFS mount target.');
  });

  it('without the diff, the removed group keeps its old verdict (the documented gap)', async () => {
    const event = withoutDiff(loadEvent(INTERFACE_CHANGE));
    const result = await run(efsMountTargetNfsIngress, event, accountAfterChange());
    expect(result.verdicts).toEqual([`${FILE_SYSTEM}:COMPLIANT`, `${MT_GROUP}:COMPLIANT`]);
  });

  it('posts nothing for a removed group that no longer exists', async () => {
    const account = accountAfterChange([FORMER_MT_GROUP]);
    const result = await run(efsMountTargetNfsIngress, loadEvent(INTERFACE_CHANGE), account);
    expect(result.verdicts).toEqual([`${FILE_SYSTEM}:COMPLIANT`, `${MT_GROUP}:COMPLIANT`]);
  });
});

describe('diffs that add nothing', () => {
  it.each<[string, unknown]>([
    ['a string', 'Configuration.IpPermissions.1'],
    [
      'changedProperties an array',
      { changedProperties: [{ previousValue: { groupId: FORMER_CLIENT_GROUP } }] },
    ],
    ['entries of the wrong shape', { changedProperties: { a: 'DELETE', b: { previousValue: 'sg-0c' } } }],
  ])('ignores a malformed diff (%s): same verdicts and calls as no diff', async (_, diff) => {
    const event = editInvokingEvent(loadEvent(GROUP_CHANGE), (invokingEvent) => {
      invokingEvent.configurationItemDiff = diff;
    });
    const result = await run(efsClientNfsEgress, event, accountAfterChange());
    const plain = await run(efsClientNfsEgress, withoutDiff(loadEvent(GROUP_CHANGE)), accountAfterChange());
    expect(result.verdicts).toEqual(['eni-0client:COMPLIANT']);
    expect(result.calls).toBe(plain.calls);
  });

  it('gives a rule that reads no network no group seeds (efs-file-system-policy reads EFS only)', async () => {
    const event = editInvokingEvent(loadEvent('efs-file-system-policy/file-system-change.json'), (ie) => {
      ie.configurationItemDiff = {
        changedProperties: {
          'Relationships.0': {
            previousValue: { resourceId: FORMER_MT_GROUP, resourceType: 'AWS::EC2::SecurityGroup' },
            updatedValue: null,
            changeType: 'DELETE',
          },
        },
        changeType: 'UPDATE',
      };
    });
    const result = await run(efsFileSystemPolicy, event, accountAfterChange());
    expect(result.verdicts).toEqual([`${FILE_SYSTEM}:NON_COMPLIANT`]);
    expect(result.actions.filter((action) => !action.startsWith('elasticfilesystem:'))).toEqual([]);
  });
});
