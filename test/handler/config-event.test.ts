import {
  CONFIGURATION_ITEM_STATUSES,
  InvalidEventError,
  parseConfigEvent,
  type ResourceTrigger,
} from '../../aws/config-event';
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
