import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CONFIGURATION_ITEM_STATUSES,
  type ConfigRuleEvent,
  InvalidEventError,
  MAX_FORMER_REFERENCES,
  parseConfigEvent,
  type ResourceTrigger,
} from '../../aws/config/event';
import { InvalidParametersError } from '../../core/errors';
import { editInvokingEvent, itemOf, loadEvent } from '../helpers/events';

const INGRESS = 'efs-mount-target-nfs-ingress';

describe('parseConfigEvent', () => {
  it('turns a change notification into a change trigger with the capture time', () => {
    const trigger = parseConfigEvent(loadEvent(`${INGRESS}/security-group-change.json`));
    expect(trigger).toEqual({
      kind: 'change',
      messageType: 'ConfigurationItemChangeNotification',
      resourceType: 'AWS::EC2::SecurityGroup',
      resourceId: 'sg-0123456789abcdef0',
      resourceName: 'efs-mount-targets',
      arn: 'arn:aws:ec2:us-east-1:123456789012:security-group/sg-0123456789abcdef0',
      configurationItemStatus: 'OK',
      eventLeftScope: false,
      orderingTimestamp: new Date('2025-06-02T09:14:27.512Z'),
      accountId: '123456789012',
      awsRegion: 'us-east-1',
      partition: 'aws',
      resultToken: expect.stringMatching(/^eyJ/),
      testMode: false,
      configRuleName: INGRESS,
      ruleParameters: {},
      formerReferences: [],
    });
  });

  it('reads an oversized item from its summary', () => {
    const trigger = parseConfigEvent(loadEvent(`${INGRESS}/testmode-security-group-oversized.json`));
    expect(trigger).toMatchObject({
      kind: 'change',
      messageType: 'OversizedConfigurationItemChangeNotification',
      resourceId: 'sg-0123456789abcdef0',
      testMode: true,
      resultToken: 'TESTMODE',
    });
  });

  it('orders a scheduled run by the notification time and takes the region from the rule ARN', () => {
    const event = loadEvent(`${INGRESS}/scheduled.json`);
    const trigger = parseConfigEvent({
      ...event,
      configRuleArn: 'arn:aws-cn:config:cn-north-1:123456789012:config-rule/x',
    });
    expect(trigger).toMatchObject({
      kind: 'scheduled',
      orderingTimestamp: new Date('2025-06-02T12:00:00.000Z'),
      awsRegion: 'cn-north-1',
      partition: 'aws-cn',
    });
    expect(trigger).not.toHaveProperty('resourceId');
  });

  it('falls back to the default region when a scheduled event has no rule ARN, and fails without one', () => {
    const { configRuleArn: _, ...event } = loadEvent(`${INGRESS}/scheduled.json`);
    expect(parseConfigEvent(event, { defaultRegion: 'eu-west-1' }).awsRegion).toBe('eu-west-1');
    expect(() => parseConfigEvent(event)).toThrow(/configRuleArn/);
  });

  it.each([
    ['OK', 'change'],
    ['ResourceDiscovered', 'change'],
    ['ResourceNotRecorded', 'deleted'],
    ['ResourceDeleted', 'deleted'],
    ['ResourceDeletedNotRecorded', 'deleted'],
  ])('maps configurationItemStatus %s to a %s trigger', (status, kind) => {
    const event = editInvokingEvent(loadEvent(`${INGRESS}/security-group-change.json`), (invokingEvent) => {
      itemOf(invokingEvent).configurationItemStatus = status;
    });
    expect(parseConfigEvent(event)).toMatchObject({ kind, configurationItemStatus: status });
  });

  it('covers every status Config documents', () => {
    expect([...CONFIGURATION_ITEM_STATUSES].sort()).toEqual(
      [
        'OK',
        'ResourceDeleted',
        'ResourceDeletedNotRecorded',
        'ResourceDiscovered',
        'ResourceNotRecorded',
      ].sort(),
    );
  });

  it('treats eventLeftScope as a deletion', () => {
    const trigger = parseConfigEvent(
      loadEvent(`${INGRESS}/security-group-left-scope.json`),
    ) as ResourceTrigger;
    expect(trigger).toMatchObject({ kind: 'deleted', eventLeftScope: true, configurationItemStatus: 'OK' });
  });

  it('orders a deleted item without a capture time by the notification time', () => {
    const event = editInvokingEvent(loadEvent(`${INGRESS}/security-group-deleted.json`), (invokingEvent) => {
      itemOf(invokingEvent).configurationItemCaptureTime = null;
    });
    expect(parseConfigEvent(event).orderingTimestamp).toEqual(new Date('2025-06-02T09:14:31.870Z'));
  });

  describe("AWS's published example events (Config Developer Guide, Example Events for AWS Config Rules)", () => {
    const example = (name: string): ConfigRuleEvent =>
      JSON.parse(
        readFileSync(join(__dirname, '..', 'fixtures', 'config-events', `aws-docs-${name}.json`), 'utf8'),
      ) as ConfigRuleEvent;

    it('accepts the change example, which has no notificationCreationTime, ordered by its capture time', () => {
      expect(parseConfigEvent(example('change'))).toMatchObject({
        kind: 'change',
        resourceType: 'AWS::EC2::Instance',
        resourceId: 'i-00000000',
        awsRegion: 'us-east-2',
        orderingTimestamp: new Date('2016-02-17T01:36:34.043Z'),
        ruleParameters: { myParameterKey: 'myParameterValue' },
      });
    });

    it('accepts the oversized example, which has no notificationCreationTime either', () => {
      expect(parseConfigEvent(example('oversized'))).toMatchObject({
        kind: 'change',
        messageType: 'OversizedConfigurationItemChangeNotification',
        resourceId: 'i-00000000',
        awsRegion: 'us-west-2',
        orderingTimestamp: new Date('2016-10-06T16:46:16.261Z'),
      });
    });

    it('accepts the periodic example', () => {
      expect(parseConfigEvent(example('periodic'))).toMatchObject({
        kind: 'scheduled',
        awsRegion: 'us-east-2',
        orderingTimestamp: new Date('2016-07-13T21:50:00.373Z'),
      });
    });

    it('refuses an item with neither a capture time nor a notification time, naming the field', () => {
      const event = editInvokingEvent(example('change'), (invokingEvent) => {
        delete itemOf(invokingEvent).configurationItemCaptureTime;
      });
      expect(() => parseConfigEvent(event)).toThrow(
        'invokingEvent.configurationItem.configurationItemCaptureTime: missing',
      );
    });
  });

  it.each([[undefined], [null], [''], ['  '], ['{}']])(
    'reads ruleParameters %p as no parameters',
    (ruleParameters) => {
      const event = { ...loadEvent(`${INGRESS}/security-group-change.json`), ruleParameters };
      if (ruleParameters === undefined) delete event.ruleParameters;
      expect(parseConfigEvent(event).ruleParameters).toEqual({});
    },
  );

  it('strips executionRoleName from the rule parameters', () => {
    const event = {
      ...loadEvent(`${INGRESS}/security-group-change.json`),
      ruleParameters: '{"executionRoleName":"org/efsguard-config-rules","allowedCidrs":"10.0.0.0/8"}',
    };
    const trigger = parseConfigEvent(event);
    expect(trigger.executionRoleName).toBe('org/efsguard-config-rules');
    expect(trigger.ruleParameters).toEqual({ allowedCidrs: '10.0.0.0/8' });
  });

  it('rejects a malformed executionRoleName with InvalidParametersError', () => {
    const event = {
      ...loadEvent(`${INGRESS}/security-group-change.json`),
      ruleParameters: '{"executionRoleName":"arn:aws:iam::123456789012:role/x"}',
    };
    expect(() => parseConfigEvent(event)).toThrow(InvalidParametersError);
    expect(() => parseConfigEvent(event)).toThrow(/executionRoleName/);
  });

  it.each<[string, (event: Record<string, unknown>) => void, RegExp]>([
    [
      'malformed invokingEvent JSON',
      (e) => (e.invokingEvent = '{"messageType":'),
      /^invalid AWS Config event: invokingEvent: not valid JSON/,
    ],
    ['missing resultToken', (e) => delete e.resultToken, /: resultToken: /],
    ['a bad accountId', (e) => (e.accountId = '1234'), /: accountId: expected a 12-digit/],
    [
      'ruleParameters not an object',
      (e) => (e.ruleParameters = '[1,2]'),
      /: ruleParameters: expected a JSON object/,
    ],
    [
      'ruleParameters not JSON',
      (e) => (e.ruleParameters = '{allowedCidrs'),
      /: ruleParameters: not valid JSON/,
    ],
    ['eventLeftScope a string', (e) => (e.eventLeftScope = 'true'), /: eventLeftScope: /],
  ])('rejects %s with InvalidEventError naming the field', (_name, mutate, message) => {
    const event = loadEvent(`${INGRESS}/security-group-change.json`) as unknown as Record<string, unknown>;
    mutate(event);
    expect(() => parseConfigEvent(event)).toThrow(InvalidEventError);
    expect(() => parseConfigEvent(event)).toThrow(message);
  });

  it.each<[string, (invokingEvent: Record<string, unknown>) => void, string]>([
    [
      'an unknown messageType',
      (i) => (i.messageType = 'ComplianceChangeNotification'),
      'invokingEvent.messageType',
    ],
    [
      'a missing resourceId',
      (i) => delete itemOf(i).resourceId,
      'invokingEvent.configurationItem.resourceId',
    ],
    [
      'an unknown status',
      (i) => (itemOf(i).configurationItemStatus = 'Gone'),
      'invokingEvent.configurationItem.configurationItemStatus',
    ],
    [
      'a bad capture time',
      (i) => (itemOf(i).configurationItemCaptureTime = 'yesterday'),
      'invokingEvent.configurationItem.configurationItemCaptureTime',
    ],
    ['a missing configurationItem', (i) => delete i.configurationItem, 'invokingEvent.configurationItem'],
  ])('rejects %s, naming its path', (_name, mutate, path) => {
    const event = editInvokingEvent(loadEvent(`${INGRESS}/security-group-change.json`), mutate);
    try {
      parseConfigEvent(event);
      throw new Error('expected InvalidEventError');
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidEventError);
      expect((error as InvalidEventError).path).toBe(path);
    }
  });

  it('rejects an event that is not an object', () => {
    expect(() => parseConfigEvent(null)).toThrow(InvalidEventError);
    expect(() => parseConfigEvent('{}')).toThrow(InvalidEventError);
  });
});

describe('formerReferences (configurationItemDiff)', () => {
  const EGRESS = 'efs-client-nfs-egress';
  const SG = 'AWS::EC2::SecurityGroup';
  const formerOf = (event: ConfigRuleEvent) =>
    (parseConfigEvent(event) as ResourceTrigger).formerReferences.map((ref) => ref.resourceId);
  /** A copy of the mount-target group change with `changedProperties` replaced. */
  const withDiff = (changedProperties: unknown, file = `${EGRESS}/security-group-change.json`) =>
    editInvokingEvent(loadEvent(file), (invokingEvent) => {
      invokingEvent.configurationItemDiff = { changedProperties, changeType: 'UPDATE' };
    });
  const permission = (groupIds: string[], fromPort = 2049, toPort = 2049) => ({
    fromPort,
    ipProtocol: 'tcp',
    ipv6Ranges: [],
    prefixListIds: [],
    toPort,
    userIdGroupPairs: groupIds.map((groupId) => ({ groupId, userId: '123456789012' })),
    ipv4Ranges: [],
    ipRanges: [],
  });

  it('names the client group whose NFS rule a mount-target group lost (sample event)', () => {
    const trigger = parseConfigEvent(loadEvent(`${EGRESS}/security-group-reference-removed.json`));
    expect(trigger).toMatchObject({
      kind: 'change',
      resourceId: 'sg-0123456789abcdef0',
      formerReferences: [{ resourceType: SG, resourceId: 'sg-0c1c2c3c4c5c6c7c8' }],
    });
  });

  it('names the group removed from an interface, once for its Groups and Relationships entries', () => {
    const trigger = parseConfigEvent(loadEvent(`${INGRESS}/network-interface-group-removed.json`));
    expect(trigger).toMatchObject({
      resourceType: 'AWS::EC2::NetworkInterface',
      formerReferences: [{ resourceType: SG, resourceId: 'sg-0d1d2d3d4d5d6d7d8' }],
    });
  });

  it('is empty for the sample events without a diff, oversized items and scheduled runs', () => {
    for (const file of [
      `${INGRESS}/security-group-change.json`,
      `${INGRESS}/security-group-oversized.json`,
      `${EGRESS}/network-interface-change.json`,
    ]) {
      expect(formerOf(loadEvent(file))).toEqual([]);
    }
    expect(parseConfigEvent(loadEvent(`${INGRESS}/scheduled.json`))).not.toHaveProperty('formerReferences');
  });

  it('ignores an oversized summary even if a diff is attached to it', () => {
    const event = editInvokingEvent(
      loadEvent(`${INGRESS}/security-group-oversized.json`),
      (invokingEvent) => {
        invokingEvent.configurationItemDiff = {
          changedProperties: {
            'Configuration.IpPermissions.0': { previousValue: permission(['sg-0aaa']), changeType: 'DELETE' },
          },
        };
      },
    );
    expect(formerOf(event)).toEqual([]);
  });

  it('keeps a group an updatedValue still references in the same place (a rule moved to another index)', () => {
    const event = withDiff({
      'Configuration.IpPermissions.0': {
        previousValue: permission(['sg-0aaa']),
        updatedValue: permission(['sg-0bbb']),
        changeType: 'UPDATE',
      },
      'Configuration.IpPermissions.1': {
        previousValue: permission(['sg-0bbb']),
        updatedValue: null,
        changeType: 'DELETE',
      },
    });
    expect(formerOf(event)).toEqual(['sg-0aaa']);
  });

  it('counts a reference kept on a rule that no longer covers NFS as removed', () => {
    const event = withDiff({
      'Configuration.IpPermissions.0': {
        previousValue: permission(['sg-0aaa']),
        updatedValue: permission(['sg-0aaa'], 22, 22),
        changeType: 'UPDATE',
      },
    });
    expect(formerOf(event)).toEqual(['sg-0aaa']);
  });

  it('counts a reference dropped from the inbound rules as removed even if an outbound rule names it', () => {
    const event = withDiff({
      'Configuration.IpPermissions.0': { previousValue: permission(['sg-0aaa']), changeType: 'DELETE' },
      'Configuration.IpPermissionsEgress.0': {
        previousValue: null,
        updatedValue: permission(['sg-0aaa']),
        changeType: 'CREATE',
      },
    });
    expect(formerOf(event)).toEqual(['sg-0aaa']);
  });

  it("leaves out another account's group, the item's own id and non-group relationships", () => {
    const event = withDiff({
      'Configuration.IpPermissions.0': {
        previousValue: {
          ...permission([]),
          userIdGroupPairs: [
            { groupId: 'sg-0other', userId: '444455556666' },
            { groupId: 'sg-0123456789abcdef0' },
            { groupId: 'sg-0same' },
          ],
        },
        changeType: 'DELETE',
      },
      'Relationships.0': {
        previousValue: { resourceId: 'vpc-0a1b', resourceType: 'AWS::EC2::VPC', name: 'Is contained in Vpc' },
        changeType: 'DELETE',
      },
    });
    expect(formerOf(event)).toEqual(['sg-0same']);
  });

  it('takes the groups of a deleted item from its whole previous configuration', () => {
    const event = editInvokingEvent(loadEvent(`${INGRESS}/security-group-deleted.json`), (invokingEvent) => {
      invokingEvent.configurationItemDiff = {
        changedProperties: {
          Configuration: {
            previousValue: { groupId: 'sg-0123456789abcdef0', ipPermissions: [permission(['sg-0aaa'])] },
            updatedValue: null,
            changeType: 'DELETE',
          },
        },
        changeType: 'DELETE',
      };
    });
    const trigger = parseConfigEvent(event) as ResourceTrigger;
    expect(trigger.kind).toBe('deleted');
    expect(trigger.formerReferences.map((ref) => ref.resourceId)).toEqual(['sg-0aaa']);
  });

  it(`de-duplicates and stops at MAX_FORMER_REFERENCES (${MAX_FORMER_REFERENCES})`, () => {
    const ids = Array.from({ length: MAX_FORMER_REFERENCES + 10 }, (_, i) => `sg-0${i.toString(16)}`);
    const event = withDiff({
      'Configuration.IpPermissions.0': { previousValue: permission(ids), changeType: 'DELETE' },
      'Configuration.IpPermissions.1': { previousValue: permission(ids), changeType: 'DELETE' },
    });
    expect(formerOf(event)).toEqual(ids.slice(0, MAX_FORMER_REFERENCES));
  });

  it.each<[string, unknown]>([
    ['a string', 'Configuration.IpPermissions.0'],
    ['an array', [{ previousValue: { groupId: 'sg-0aaa' } }]],
    ['null', null],
    ['entries that are not objects', { a: 1, b: 'x', c: null, d: [] }],
    [
      'group ids that are not strings or not sg-',
      { a: { previousValue: { groupId: 7, x: { groupId: 'vpc-1' } } } },
    ],
    ['a value nested beyond any item shape', { a: { previousValue: nest({ groupId: 'sg-0deep' }, 40) } }],
  ])('yields no references, and no error, for a malformed diff: %s', (_, changedProperties) => {
    expect(formerOf(withDiff(changedProperties))).toEqual([]);
  });

  it('accepts an event whose diff is missing or not an object', () => {
    for (const diff of [undefined, 'UPDATE', 42, []]) {
      const event = editInvokingEvent(loadEvent(`${EGRESS}/security-group-change.json`), (invokingEvent) => {
        invokingEvent.configurationItemDiff = diff;
      });
      expect(formerOf(event)).toEqual([]);
    }
  });
});

function nest(value: unknown, depth: number): unknown {
  return depth === 0 ? value : { inner: nest(value, depth - 1) };
}
