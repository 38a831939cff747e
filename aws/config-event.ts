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
import { EfsguardError, InvalidParametersError } from '../core/errors';

/** The handler-level parameter naming the role to assume in the event's account (DESIGN.md §1). */
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

const changeNotificationSchema = z.looseObject({
  messageType: z.literal('ConfigurationItemChangeNotification'),
  notificationCreationTime: timestamp,
  configurationItem: z.looseObject(configurationItemFields),
});

// An item too large for the event: only a summary, no configuration. Live state is loaded anyway.
const oversizedNotificationSchema = z.looseObject({
  messageType: z.literal('OversizedConfigurationItemChangeNotification'),
  notificationCreationTime: timestamp,
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
  return {
    ...base,
    kind: eventLeftScope || GONE_STATUSES.has(item.configurationItemStatus) ? 'deleted' : 'change',
    awsRegion,
    // Deleted items may carry no capture time; the notification time still orders them.
    orderingTimestamp: new Date(item.configurationItemCaptureTime ?? invokingEvent.notificationCreationTime),
    resourceType: item.resourceType,
    resourceId: item.resourceId,
    ...(item.resourceName ? { resourceName: item.resourceName } : {}),
    ...(item.ARN ? { arn: item.ARN } : {}),
    configurationItemStatus: item.configurationItemStatus,
    eventLeftScope,
  };
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
