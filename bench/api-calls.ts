// API calls per change event: the real rule handler, on a snapshot-backed fake of EC2/EFS (the same
// fake the tests use) and a mocked Config, counting every call it sends, PutEvaluations included.
// The same neighbourhood sits once in a small account and once among 100 times more unrelated
// resources: a neighbourhood load must cost the same in both.
import { Logger } from '@aws-lambda-powertools/logger';
import { ConfigServiceClient, PutEvaluationsCommand } from '@aws-sdk/client-config-service';
import { mockClient } from 'aws-sdk-client-mock';
import type { ConfigRuleEvent } from '../aws/config/event';
import type { ResourceType } from '../core/model';
import { efsClientNfsEgress } from '../core/rules/efs-client-nfs-egress';
import { efsMountTargetNfsIngress } from '../core/rules/efs-mount-target-nfs-ingress';
import { efsNfsNetworkAcl } from '../core/rules/efs-nfs-network-acl';
import type { Rule } from '../core/rules/types';
import { createRuleHandler } from '../handlers/runtime/factory';
import { localLambdaContext } from '../handlers/runtime/local-context';
import { ACCOUNT, REGION } from '../test/helpers/accounts';
import { addUnrelatedVpcs, buildTypicalAccount } from '../test/helpers/fake-account';
import { installFakeAws } from '../test/helpers/fake-aws';

export interface ApiCallsRow {
  event: string;
  /** The rule the event is sent to, and whether it reads routing (the routing-aware rules' budget is 20). */
  rule: string;
  routing: boolean;
  smallAccount: number;
  largeAccount: number;
}

/** How many times larger the large account is, in unrelated VPCs each with its own EFS estate. */
export const UNRELATED_COPIES = 100;

interface ChangeEvent {
  event: string;
  rule: Rule;
  resourceType: ResourceType;
  resourceId: string;
}

// The typical change events of the README's per-event API-call table, each sent to the rule that reports on the changed resource's type.
const EVENTS: readonly ChangeEvent[] = [
  {
    event: 'mount-target group change',
    rule: efsMountTargetNfsIngress,
    resourceType: 'AWS::EC2::SecurityGroup',
    resourceId: 'sg-0mt',
  },
  {
    event: 'client group change',
    rule: efsClientNfsEgress,
    resourceType: 'AWS::EC2::SecurityGroup',
    resourceId: 'sg-0client',
  },
  {
    event: 'client interface change',
    rule: efsClientNfsEgress,
    resourceType: 'AWS::EC2::NetworkInterface',
    resourceId: 'eni-0client1',
  },
  {
    event: 'file-system change',
    rule: efsMountTargetNfsIngress,
    resourceType: 'AWS::EFS::FileSystem',
    resourceId: 'fs-0001',
  },
  {
    event: 'ACL change',
    rule: efsNfsNetworkAcl,
    resourceType: 'AWS::EC2::NetworkAcl',
    resourceId: 'acl-0data',
  },
];

function changeEvent(rule: Rule, resourceType: ResourceType, resourceId: string): ConfigRuleEvent {
  const time = '2026-01-01T00:00:00.000Z';
  return {
    invokingEvent: JSON.stringify({
      messageType: 'ConfigurationItemChangeNotification',
      notificationCreationTime: time,
      configurationItem: {
        configurationItemCaptureTime: time,
        configurationItemStatus: 'OK',
        resourceType,
        resourceId,
        awsAccountId: ACCOUNT,
        awsRegion: REGION,
      },
    }),
    ruleParameters: '{}',
    resultToken: 'bench-token',
    eventLeftScope: false,
    configRuleName: rule.id,
    configRuleArn: `arn:aws:config:${REGION}:${ACCOUNT}:config-rule/config-rule-bench`,
    accountId: ACCOUNT,
  };
}

const silentLogger = new Logger({ logLevel: 'SILENT' });

async function countCalls(
  account: ReturnType<typeof buildTypicalAccount>,
  change: ChangeEvent,
): Promise<number> {
  const fake = installFakeAws(account.snapshot());
  const config = mockClient(ConfigServiceClient);
  config.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [] });
  try {
    const handler = createRuleHandler(change.rule, {
      logger: silentLogger,
      defaultRegion: REGION,
    });
    const result = await handler(
      changeEvent(change.rule, change.resourceType, change.resourceId),
      localLambdaContext({ accountId: ACCOUNT, region: REGION }),
    );
    if (result.evaluations.length === 0) throw new Error(`${change.event}: the handler posted nothing`);
    return fake.count() + config.calls().length;
  } finally {
    config.restore();
    fake.restore();
  }
}

export async function measureApiCallsPerEvent(): Promise<ApiCallsRow[]> {
  const small = buildTypicalAccount();
  const large = addUnrelatedVpcs(buildTypicalAccount(), UNRELATED_COPIES);
  const rows: ApiCallsRow[] = [];
  for (const change of EVENTS) {
    rows.push({
      event: change.event,
      rule: change.rule.id,
      routing: change.rule.requires.includes('routing'),
      smallAccount: await countCalls(small, change),
      largeAccount: await countCalls(large, change),
    });
  }
  return rows;
}
