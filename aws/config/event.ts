// The AWS Config custom-rule event, validated once at the edge and turned into a Trigger.
//
// Event shape: "Example Events for AWS Config Rules"
// (https://docs.aws.amazon.com/config/latest/developerguide/evaluate-config_develop-rules_example-events.html).
// `invokingEvent` and `ruleParameters` arrive as JSON *strings*; everything after this module sees
// parsed, typed values only.
// zod/mini: the same validation as zod with a tree-shakable API, so each Lambda bundle carries only
// the checks used here (classic zod adds about 440 KB to a bundle).
import { en } from 'zod/locales';
import * as z from 'zod/mini';
import { EfsguardError, InvalidParametersError } from '../../core/errors';
import type { ResourceRef } from '../../core/model';

/** The handler-level parameter naming the role to assume in the event's account (docs/lambda.md, cross-account and organization rules). */
export const EXECUTION_ROLE_NAME_PARAMETER = 'executionRoleName';

/** Config's resultToken for a test invocation: PutEvaluations must then run with TestMode. */
export const TEST_MODE_RESULT_TOKEN = 'TESTMODE';

/** The event, or a part of it, is not a Config rule event. `path` names the offending field. */
export class InvalidEventError extends EfsguardError {
  override readonly name = 'InvalidEventError';
  constructor(
    readonly path: string,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`invalid AWS Config event: ${path}: ${detail}`, options);
  }
}

export const CONFIGURATION_ITEM_STATUSES = [
  'OK',
  'ResourceDiscovered',
  'ResourceNotRecorded',
  'ResourceDeleted',
  'ResourceDeletedNotRecorded',
] as const;
export type ConfigurationItemStatus = (typeof CONFIGURATION_ITEM_STATUSES)[number];

/**
 * Statuses after which the resource no longer gets a verdict from this rule. Deleted items are gone;
 * ResourceNotRecorded means Config stopped recording the type, so its verdict would go stale (the
 * AWS Config RDK templates answer NOT_APPLICABLE for all three).
 */
const GONE_STATUSES: ReadonlySet<ConfigurationItemStatus> = new Set([
  'ResourceDeleted',
  'ResourceDeletedNotRecorded',
  'ResourceNotRecorded',
]);

const timestamp = z
  .string()
  .check(z.refine((value) => !Number.isNaN(Date.parse(value)), 'expected an ISO 8601 time'));
const accountId = z.string().check(z.regex(/^\d{12}$/, 'expected a 12-digit AWS account id'));
const nonEmpty = z.string().check(z.minLength(1));

// zod/mini ships no messages by default; English ones name what was expected and what came.
z.config(en());

/** The fields of a configuration item (or its oversized summary) that the trigger needs. */
const configurationItemFields = {
  configurationItemCaptureTime: z.nullish(timestamp),
  configurationItemStatus: z.enum(CONFIGURATION_ITEM_STATUSES),
  resourceType: nonEmpty,
  resourceId: nonEmpty,
  awsAccountId: z.nullish(accountId),
  awsRegion: z.nullish(nonEmpty),
  // IAM items are identified by RoleId/UserId/GroupId/PolicyId; the loader reads them by name or ARN.
  resourceName: z.nullish(z.string()),
  ARN: z.nullish(z.string()),
};

// notificationCreationTime is optional on change notifications: AWS's own example change and oversized
// events ("Example Events for AWS Config Rules") have none. The trigger orders a change by the item's
// capture time, and falls back to the notification time only when the item has none (deletions).
const changeNotificationSchema = z.looseObject({
  messageType: z.literal('ConfigurationItemChangeNotification'),
  notificationCreationTime: z.nullish(timestamp),
  configurationItem: z.looseObject(configurationItemFields),
});

// An item too large for the event: only a summary, no configuration. Live state is loaded anyway.
const oversizedNotificationSchema = z.looseObject({
  messageType: z.literal('OversizedConfigurationItemChangeNotification'),
  notificationCreationTime: z.nullish(timestamp),
  configurationItemSummary: z.looseObject(configurationItemFields),
});

const scheduledNotificationSchema = z.looseObject({
  messageType: z.literal('ScheduledNotification'),
  notificationCreationTime: timestamp,
  awsAccountId: z.nullish(accountId),
});

const invokingEventSchema = z.discriminatedUnion('messageType', [
  changeNotificationSchema,
  oversizedNotificationSchema,
  scheduledNotificationSchema,
]);

/** The Lambda event itself. Unknown top-level keys (version, evaluationMode, ...) pass through. */
const configRuleEventSchema = z.looseObject({
  invokingEvent: z.string(),
  ruleParameters: z.nullish(z.string()),
  resultToken: nonEmpty,
  eventLeftScope: z.nullish(z.boolean()),
  configRuleName: nonEmpty,
  configRuleArn: z.nullish(nonEmpty),
  accountId,
});

/** The raw event Config sends to a custom-rule Lambda. */
export type ConfigRuleEvent = z.input<typeof configRuleEventSchema>;

export type MessageType = z.infer<typeof invokingEventSchema>['messageType'];

interface TriggerBase {
  readonly messageType: MessageType;
  /** OrderingTimestamp for PutEvaluations: capture time (change) or notification time (scheduled). */
  readonly orderingTimestamp: Date;
  /** The account whose resources are evaluated: the member account for organization rules. */
  readonly accountId: string;
  readonly awsRegion: string;
  /** 'aws', 'aws-cn', 'aws-us-gov': taken from configRuleArn, for the role ARN. */
  readonly partition: string;
  readonly resultToken: string;
  readonly testMode: boolean;
  /** The rule's name in Config: differs from the rule id for organization rules and renamed deployments. */
  readonly configRuleName: string;
  /** Rule parameters for the core rule, with handler-level ones (executionRoleName) removed. */
  readonly ruleParameters: Readonly<Record<string, unknown>>;
  readonly executionRoleName?: string;
}

export interface ResourceTrigger extends TriggerBase {
  /** 'deleted' covers deletion, eventLeftScope and ResourceNotRecorded. */
  readonly kind: 'change' | 'deleted';
  readonly resourceType: string;
  readonly resourceId: string;
  /** The item's resourceName and ARN, when Config gives them (IAM resources are loaded by name or ARN). */
  readonly resourceName?: string;
  readonly arn?: string;
  readonly configurationItemStatus: ConfigurationItemStatus;
  readonly eventLeftScope: boolean;
  /**
   * Security groups the item referenced before this change and no longer does, read from the
   * notification's configurationItemDiff (see extractFormerReferences). Empty when there is no diff
   * (oversized items, deletions Config records without one, malformed diffs); at most
   * MAX_FORMER_REFERENCES.
   */
  readonly formerReferences: readonly ResourceRef[];
}

export interface ScheduledTrigger extends TriggerBase {
  readonly kind: 'scheduled';
}

export type Trigger = ResourceTrigger | ScheduledTrigger;

export interface ParseConfigEventOptions {
  /** Region when the event names none (a scheduled event without configRuleArn): the Lambda's own. */
  readonly defaultRegion?: string;
  /** Rule id used in InvalidParametersError messages; defaults to configRuleName. */
  readonly ruleId?: string;
}

/** The awsRegion of configuration items of global resources (IAM). */
const GLOBAL_REGION = 'global';

/**
 * Validates a Config rule event and turns it into a Trigger. Throws InvalidEventError naming the field
 * path for anything malformed, and InvalidParametersError for a bad executionRoleName. Never throws
 * anything else, whatever the input (fuzzed in test/property/config-event-fuzz.test.ts).
 */
export function parseConfigEvent(event: unknown, options: ParseConfigEventOptions = {}): Trigger {
  const envelope = validate(configRuleEventSchema, event, '');
  const invokingEvent = validate(
    invokingEventSchema,
    parseJson(envelope.invokingEvent, 'invokingEvent'),
    'invokingEvent',
  );
  const rawParameters = parseRuleParameters(envelope.ruleParameters);
  const { [EXECUTION_ROLE_NAME_PARAMETER]: executionRole, ...ruleParameters } = rawParameters;
  const ruleId = options.ruleId ?? envelope.configRuleName;
  const executionRoleName = parseExecutionRoleName(executionRole, ruleId);
  const arn = parseRuleArn(envelope.configRuleArn);

  const base = {
    messageType: invokingEvent.messageType,
    accountId: envelope.accountId,
    partition: arn?.partition ?? 'aws',
    resultToken: envelope.resultToken,
    testMode: envelope.resultToken === TEST_MODE_RESULT_TOKEN,
    configRuleName: envelope.configRuleName,
    ruleParameters,
    ...(executionRoleName === undefined ? {} : { executionRoleName }),
  };

  if (invokingEvent.messageType === 'ScheduledNotification') {
    const awsRegion = arn?.region ?? options.defaultRegion;
    if (!awsRegion) {
      throw new InvalidEventError(
        'configRuleArn',
        'a scheduled event needs configRuleArn to name its region',
      );
    }
    return {
      ...base,
      kind: 'scheduled',
      awsRegion,
      orderingTimestamp: new Date(invokingEvent.notificationCreationTime),
    };
  }

  const [item, itemPath] =
    invokingEvent.messageType === 'ConfigurationItemChangeNotification'
      ? [invokingEvent.configurationItem, 'invokingEvent.configurationItem']
      : [invokingEvent.configurationItemSummary, 'invokingEvent.configurationItemSummary'];
  // Config records IAM resources with awsRegion "global" (in the one region that records global
  // resources); the region to call and to post the evaluations in is then the rule's own.
  const itemRegion = item.awsRegion === GLOBAL_REGION ? undefined : item.awsRegion;
  const awsRegion = itemRegion ?? arn?.region ?? options.defaultRegion;
  if (!awsRegion) throw new InvalidEventError(`${itemPath}.awsRegion`, 'missing');
  const eventLeftScope = envelope.eventLeftScope === true;
  // Deleted items may carry no capture time; the notification time still orders them.
  const ordering = item.configurationItemCaptureTime ?? invokingEvent.notificationCreationTime;
  if (!ordering) {
    throw new InvalidEventError(
      `${itemPath}.configurationItemCaptureTime`,
      'missing, and the notification has no notificationCreationTime to order the evaluation by',
    );
  }
  return {
    ...base,
    kind: eventLeftScope || GONE_STATUSES.has(item.configurationItemStatus) ? 'deleted' : 'change',
    awsRegion,
    orderingTimestamp: new Date(ordering),
    resourceType: item.resourceType,
    resourceId: item.resourceId,
    ...(item.resourceName ? { resourceName: item.resourceName } : {}),
    ...(item.ARN ? { arn: item.ARN } : {}),
    configurationItemStatus: item.configurationItemStatus,
    eventLeftScope,
    // Only a full change notification carries a diff; an oversized summary never does.
    formerReferences:
      invokingEvent.messageType === 'ConfigurationItemChangeNotification'
        ? extractFormerReferences(invokingEvent, envelope.accountId)
        : [],
  };
}

/**
 * At most this many former references are taken from one diff: each becomes a seed of the
 * neighbourhood load, so a diff that drops more (a group emptied of dozens of rules) must not turn one
 * event into a sweep. Past the cap, the rest wait for the scheduled sweep (docs/lambda.md).
 */
export const MAX_FORMER_REFERENCES = 50;

const SECURITY_GROUP_TYPE = 'AWS::EC2::SecurityGroup';
const SECURITY_GROUP_ID = /^sg-[0-9A-Za-z-]{1,64}$/;
/** Config's diff values are shallow copies of item fields; deeper nesting is not a reference. */
const MAX_DIFF_DEPTH = 8;

/**
 * The security groups that the previousValue of some changed property names and its updatedValue no
 * longer does in the same place: the references this change removed. A group is named by a `groupId`
 * field (security-group items' `userIdGroupPairs`, interface items' `groups`) or by a relationship
 * whose resourceType is AWS::EC2::SecurityGroup. "The same place" is the property (its path without the
 * list index, so a rule that only moved to another index is not a removal) and, inside a permission,
 * its protocol and ports: a reference kept on a rule narrowed from 2049 to 22 no longer admits NFS, so
 * it counts as removed. References to another account's group (a `userId` other than the event's
 * account) are left out: that group cannot be described here.
 *
 * The diff is optional and only advisory, so this never throws: anything malformed yields no refs.
 * Shape: "Example Configuration Item Change Notifications", AWS Config Developer Guide
 * (https://docs.aws.amazon.com/config/latest/developerguide/example-sns-notification.html):
 * `configurationItemDiff.changedProperties` maps a property path ("Configuration.IpPermissions.0",
 * "Configuration.Groups.1", "Relationships.0") to `{ previousValue, updatedValue, changeType }`.
 */
export function extractFormerReferences(invokingEvent: unknown, accountId: string): ResourceRef[] {
  try {
    const changed = field(field(invokingEvent, 'configurationItemDiff'), 'changedProperties');
    if (!isRecord(changed)) return [];
    const before = new Map<string, string>(); // place|groupId -> groupId
    const after = new Map<string, string>();
    for (const [path, change] of Object.entries(changed)) {
      if (!isRecord(change)) continue;
      const property = path.replace(/\.\d+$/, '');
      collectGroupIds(change.previousValue, { accountId, place: property, into: before }, 0);
      collectGroupIds(change.updatedValue, { accountId, place: property, into: after }, 0);
    }
    const own = field(field(invokingEvent, 'configurationItem'), 'resourceId');
    const removed = new Set<string>();
    for (const [key, groupId] of before) {
      if (after.has(key) || groupId === own) continue;
      removed.add(groupId);
      if (removed.size === MAX_FORMER_REFERENCES) break;
    }
    return [...removed].map((resourceId) => ({ resourceType: SECURITY_GROUP_TYPE, resourceId }));
  } catch {
    return [];
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function field(value: unknown, key: string): unknown {
  return isRecord(value) ? value[key] : undefined;
}

interface Collector {
  readonly accountId: string;
  /** The property path, then the protocol and ports of the enclosing permission. */
  readonly place: string;
  readonly into: Map<string, string>;
}

function collectGroupIds(value: unknown, collector: Collector, depth: number): void {
  if (depth > MAX_DIFF_DEPTH || typeof value !== 'object' || value === null) return;
  if (Array.isArray(value)) {
    for (const element of value) collectGroupIds(element, collector, depth + 1);
    return;
  }
  const record = value as Record<string, unknown>;
  const add = (groupId: unknown): void => {
    if (typeof groupId === 'string' && SECURITY_GROUP_ID.test(groupId))
      collector.into.set(`${collector.place}|${groupId}`, groupId);
  };
  // A permission (security-group items: ipProtocol, fromPort, toPort) scopes the references inside it.
  const inner =
    'ipProtocol' in record
      ? {
          ...collector,
          place: `${collector.place}|${String(record.ipProtocol)}:${String(record.fromPort)}:${String(record.toPort)}`,
        }
      : collector;
  // AWS omits userId for a same-account reference in some shapes; another account's group is skipped.
  const otherAccount = typeof record.userId === 'string' && record.userId !== collector.accountId;
  if (!otherAccount) add(record.groupId);
  if (record.resourceType === SECURITY_GROUP_TYPE) add(record.resourceId);
  for (const nested of Object.values(record)) collectGroupIds(nested, inner, depth + 1);
}

function validate<T extends z.ZodMiniType>(schema: T, value: unknown, prefix: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = [prefix, ...(issue?.path ?? []).map(String)].filter((part) => part !== '').join('.');
  throw new InvalidEventError(path || '(event)', issue?.message ?? 'invalid', { cause: result.error });
}

function parseJson(text: string, path: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InvalidEventError(path, `not valid JSON (${(error as Error).message})`, { cause: error });
  }
}

/** Absent, null, "" and "{}" all mean "no parameters". Anything else must be a JSON object. */
function parseRuleParameters(text: string | null | undefined): Record<string, unknown> {
  if (text === undefined || text === null || text.trim() === '') return {};
  const value = parseJson(text, 'ruleParameters');
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidEventError('ruleParameters', 'expected a JSON object');
  }
  return value as Record<string, unknown>;
}

// IAM role names (with an optional path): "IAM object quotas and identifiers", IAM User Guide.
const ROLE_NAME = /^(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;

function parseExecutionRoleName(value: unknown, ruleId: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' || !ROLE_NAME.test(value) || value.length > 512) {
    throw new InvalidParametersError(
      ruleId,
      EXECUTION_ROLE_NAME_PARAMETER,
      'expected an IAM role name such as efsguard-config-rules (optionally with a path)',
    );
  }
  return value;
}

function parseRuleArn(arn: string | null | undefined): { partition: string; region: string } | undefined {
  // arn:<partition>:config:<region>:<account>:config-rule/<id>
  const match = arn ? /^arn:([\w-]+):config:([\w-]+):/.exec(arn) : null;
  if (!match?.[1] || !match[2]) return undefined;
  return { partition: match[1], region: match[2] };
}
