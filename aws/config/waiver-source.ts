// Waivers for the Lambda rules: the handler-level rule parameters that name the document, and the read of
// that document from SSM Parameter Store with the function's OWN role. In organization mode the
// parameter lives in the central (delegated administrator) account next to the functions, and the
// member execution role is never used to read it: a member account cannot waive its own findings.
// (Trust model: docs/waivers.md.)
import { InvalidParametersError } from '../../core/errors';
import { DEFAULT_MAX_WAIVER_DAYS, type WaiverDocument } from '../../core/waivers';
import { getParameterValue } from '../sdk/ssm-parameter';
import { parseWaiverJson } from './waivers';

/** The rule parameters the handler consumes (the core rule never sees them). */
export const WAIVERS_PARAMETER = 'waiversParameter';
export const ALLOW_TAG_WAIVERS_PARAMETER = 'allowTagWaivers';
export const MAX_WAIVER_DAYS_PARAMETER = 'maxWaiverDays';

export interface WaiverSettings {
  /** The SSM parameter name (e.g. /efsguard/waivers) or ARN holding the document. */
  readonly parameterName: string;
  readonly allowTagSelectors: boolean;
  readonly maxDays: number;
}

/** SSM parameter names: letters, digits, . - _ and / (path levels), at most 1011 characters, or an ARN. */
const PARAMETER_NAME = /^(arn:[a-z-]+:ssm:[a-z0-9-]+:\d{12}:parameter\/[\w./-]+|\/?[\w./-]{1,1011})$/;

/**
 * Splits the waiver parameters off the rule's parameters. Returns no settings when waiversParameter is
 * absent or empty; throws InvalidParametersError for a malformed value, before any AWS call.
 */
export function splitWaiverParameters(
  ruleId: string,
  raw: Readonly<Record<string, unknown>>,
): { settings?: WaiverSettings; ruleParameters: Record<string, unknown> } {
  const {
    [WAIVERS_PARAMETER]: name,
    [ALLOW_TAG_WAIVERS_PARAMETER]: allowTags,
    [MAX_WAIVER_DAYS_PARAMETER]: maxDays,
    ...ruleParameters
  } = raw;
  const text = (value: unknown) => (value === undefined || value === null ? '' : String(value).trim());
  const allow = text(allowTags).toLowerCase();
  if (!['', 'true', 'false'].includes(allow))
    throw new InvalidParametersError(
      ruleId,
      ALLOW_TAG_WAIVERS_PARAMETER,
      `expected true or false, got ${text(allowTags)}`,
    );
  const days = text(maxDays);
  if (days !== '' && !/^\d+$/.test(days))
    throw new InvalidParametersError(
      ruleId,
      MAX_WAIVER_DAYS_PARAMETER,
      `expected a whole number of days, got ${days}`,
    );
  const parameterName = text(name);
  if (parameterName === '') return { ruleParameters };
  if (!PARAMETER_NAME.test(parameterName))
    throw new InvalidParametersError(
      ruleId,
      WAIVERS_PARAMETER,
      `not an SSM parameter name or ARN: ${parameterName}`,
    );
  return {
    settings: {
      parameterName,
      allowTagSelectors: allow === 'true',
      maxDays: days === '' ? DEFAULT_MAX_WAIVER_DAYS : Number(days),
    },
    ruleParameters,
  };
}

/** Reads a waiver document's text by parameter name. */
export type ReadWaiverText = (parameterName: string) => Promise<string>;

/** How long a warm function reuses a read document: waiver edits take effect within this time. */
export const WAIVER_CACHE_MS = 5 * 60_000;

/**
 * GetParameter with the function's own credentials (never an assumed member role), in the function's
 * own region unless the name is an ARN (then the ARN's region). WithDecryption is set, so a SecureString
 * under the AWS managed key reads too. A warm function reuses a read for WAIVER_CACHE_MS.
 */
export function createSsmWaiverReader(
  options: {
    readonly region?: string;
    readonly endpoint?: string;
    readonly env?: Readonly<Record<string, string | undefined>>;
    readonly now?: () => number;
    readonly fetch?: typeof fetch;
  } = {},
): ReadWaiverText {
  const now = options.now ?? Date.now;
  const cache = new Map<string, { at: number; text: string }>();
  return async (parameterName) => {
    const cached = cache.get(parameterName);
    if (cached && now() - cached.at < WAIVER_CACHE_MS) return cached.text;
    const region = parameterName.startsWith('arn:') ? parameterName.split(':')[3] : options.region;
    if (!region)
      throw new InvalidParametersError('efsguard', WAIVERS_PARAMETER, 'no region to read it in (AWS_REGION)');
    const text = await getParameterValue(parameterName, {
      region,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      ...(options.env ? { env: options.env } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
    cache.set(parameterName, { at: now(), text });
    return text;
  };
}

/** Reads and validates the document; any failure names the parameter, and fails the invocation. */
export async function readWaiverDocument(
  read: ReadWaiverText,
  settings: WaiverSettings,
  now: Date,
): Promise<WaiverDocument> {
  const text = await read(settings.parameterName);
  return parseWaiverJson(text, `SSM parameter ${settings.parameterName}`, { now, maxDays: settings.maxDays });
}
