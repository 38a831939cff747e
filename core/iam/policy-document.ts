// Parses an IAM policy document (identity or resource policy) into a normalised, validated shape, as
// IAM reads it: single values or lists, Principal '*' or {"AWS": …}, NotPrincipal/NotAction/NotResource,
// and Condition blocks with set qualifiers and the …IfExists forms.
// Grammar: "IAM JSON policy element reference" and "Grammar of the IAM JSON policy language" (IAM User Guide).
import { EfsguardError } from '../errors';

/** A policy that is not valid JSON or not a valid policy shape. `path` points at the offending element. */
export class PolicyParseError extends EfsguardError {
  override readonly name = 'PolicyParseError';
  constructor(
    readonly path: string,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(path ? `${path}: ${detail}` : detail, options);
  }
}

export type Effect = 'Allow' | 'Deny';

export interface PrincipalEntry {
  /** 'AWS', 'Service', 'Federated', 'CanonicalUser', or '*' for the bare "Principal": "*". */
  readonly type: string;
  readonly value: string;
}

export interface PrincipalElement {
  /** True for NotPrincipal: the statement applies to everyone except the entries. */
  readonly negated: boolean;
  readonly entries: readonly PrincipalEntry[];
}

export interface ActionElement {
  /** True for NotAction. */
  readonly negated: boolean;
  readonly patterns: readonly string[];
}

export interface ResourceElement {
  /** True for NotResource. */
  readonly negated: boolean;
  readonly patterns: readonly string[];
}

export type SetQualifier = 'ForAnyValue' | 'ForAllValues';

export const CONDITION_OPERATORS = [
  'StringEquals',
  'StringNotEquals',
  'StringEqualsIgnoreCase',
  'StringNotEqualsIgnoreCase',
  'StringLike',
  'StringNotLike',
  'NumericEquals',
  'NumericNotEquals',
  'NumericLessThan',
  'NumericLessThanEquals',
  'NumericGreaterThan',
  'NumericGreaterThanEquals',
  'DateEquals',
  'DateNotEquals',
  'DateLessThan',
  'DateLessThanEquals',
  'DateGreaterThan',
  'DateGreaterThanEquals',
  'Bool',
  'BinaryEquals',
  'IpAddress',
  'NotIpAddress',
  'ArnEquals',
  'ArnNotEquals',
  'ArnLike',
  'ArnNotLike',
  'Null',
] as const;

export type ConditionOperator = (typeof CONDITION_OPERATORS)[number];

/** Operators that match when the value is NOT one of the policy values ("negated matching"). */
export const NEGATED_OPERATORS: ReadonlySet<ConditionOperator> = new Set<ConditionOperator>([
  'StringNotEquals',
  'StringNotEqualsIgnoreCase',
  'StringNotLike',
  'NumericNotEquals',
  'DateNotEquals',
  'NotIpAddress',
  'ArnNotEquals',
  'ArnNotLike',
]);

export interface ConditionClause {
  /** The operator as written, e.g. 'ForAnyValue:StringLikeIfExists'. */
  readonly written: string;
  readonly operator: ConditionOperator;
  readonly qualifier?: SetQualifier;
  readonly ifExists: boolean;
  /** The condition key as written, e.g. 'aws:SecureTransport'. */
  readonly key: string;
  /** Lower-cased: condition key names are not case-sensitive. */
  readonly keyLower: string;
  /** Policy values as strings: JSON true/false/numbers become 'true'/'false'/'12'. */
  readonly values: readonly string[];
}

export interface PolicyStatement {
  /** Position in the Statement list, from 0. */
  readonly index: number;
  readonly sid?: string;
  readonly effect: Effect;
  /** Absent in identity policies. */
  readonly principal?: PrincipalElement;
  readonly action: ActionElement;
  /** Absent when the statement has neither Resource nor NotResource (EFS file-system policies allow that). */
  readonly resource?: ResourceElement;
  /** Every clause must hold for the statement to apply (AND across operators and keys). */
  readonly conditions: readonly ConditionClause[];
}

export interface PolicyDocument {
  readonly version?: string;
  readonly id?: string;
  readonly statements: readonly PolicyStatement[];
}

const TOP_LEVEL_ELEMENTS = ['Version', 'Id', 'Statement'] as const;
const STATEMENT_ELEMENTS = [
  'Sid',
  'Effect',
  'Principal',
  'NotPrincipal',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Condition',
] as const;

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads the object's elements by their canonical names. Element names are matched case-insensitively
 * (leniency: AWS stores validated documents, so a stored policy never relies on it); an unknown or
 * duplicated element is an error.
 */
function readElements<K extends string>(
  object: JsonObject,
  names: readonly K[],
  path: string,
): Partial<Record<K, unknown>> {
  const byLower = new Map(names.map((name) => [name.toLowerCase(), name]));
  const result: Partial<Record<K, unknown>> = {};
  for (const [key, value] of Object.entries(object)) {
    const name = byLower.get(key.toLowerCase());
    if (!name)
      throw new PolicyParseError(path, `unknown element "${key}"; expected one of ${names.join(', ')}`);
    if (name in result) throw new PolicyParseError(path, `element ${name} appears twice`);
    result[name] = value;
  }
  return result;
}

function readStringList(value: unknown, path: string): string[] {
  const items = Array.isArray(value) ? value : [value];
  if (items.length === 0) throw new PolicyParseError(path, 'must not be an empty list');
  return items.map((item, index) => {
    if (typeof item !== 'string' || item === '') {
      throw new PolicyParseError(
        Array.isArray(value) ? `${path}[${index}]` : path,
        `expected a non-empty string, got ${JSON.stringify(item)}`,
      );
    }
    return item;
  });
}

function parsePrincipal(value: unknown, negated: boolean, path: string): PrincipalElement {
  if (value === '*') return { negated, entries: [{ type: '*', value: '*' }] };
  if (!isObject(value)) {
    throw new PolicyParseError(
      path,
      `expected "*" or an object such as {"AWS": "…"}, got ${JSON.stringify(value)}`,
    );
  }
  const entries: PrincipalEntry[] = [];
  for (const [type, values] of Object.entries(value)) {
    for (const principal of readStringList(values, `${path}.${type}`))
      entries.push({ type, value: principal });
  }
  if (entries.length === 0) throw new PolicyParseError(path, 'names no principal');
  return { negated, entries };
}

function parseEffect(value: unknown, path: string): Effect {
  if (typeof value === 'string') {
    const lower = value.toLowerCase();
    if (lower === 'allow') return 'Allow';
    if (lower === 'deny') return 'Deny';
  }
  throw new PolicyParseError(path, `expected "Allow" or "Deny", got ${JSON.stringify(value)}`);
}

const OPERATORS_BY_LOWER = new Map<string, ConditionOperator>(
  CONDITION_OPERATORS.map((op) => [op.toLowerCase(), op]),
);

/** Splits 'ForAllValues:StringLikeIfExists' into its qualifier, operator and IfExists flag. */
export function parseConditionOperator(
  written: string,
  path: string,
): { operator: ConditionOperator; qualifier?: SetQualifier; ifExists: boolean } {
  let rest = written;
  let qualifier: SetQualifier | undefined;
  const colon = rest.indexOf(':');
  if (colon >= 0) {
    const prefix = rest.slice(0, colon).toLowerCase();
    if (prefix === 'foranyvalue') qualifier = 'ForAnyValue';
    else if (prefix === 'forallvalues') qualifier = 'ForAllValues';
    else
      throw new PolicyParseError(
        path,
        `unknown set qualifier "${rest.slice(0, colon)}" (expected ForAnyValue or ForAllValues)`,
      );
    rest = rest.slice(colon + 1);
  }
  let ifExists = false;
  let operator = OPERATORS_BY_LOWER.get(rest.toLowerCase());
  if (!operator && rest.toLowerCase().endsWith('ifexists')) {
    operator = OPERATORS_BY_LOWER.get(rest.slice(0, -'IfExists'.length).toLowerCase());
    ifExists = true;
    // "You can add IfExists to the end of any condition operator name except the Null condition."
    if (operator === 'Null') throw new PolicyParseError(path, 'Null cannot take the IfExists suffix');
  }
  if (!operator) throw new PolicyParseError(path, `unknown condition operator "${written}"`);
  return qualifier ? { operator, qualifier, ifExists } : { operator, ifExists };
}

function readConditionValues(value: unknown, path: string): string[] {
  const items = Array.isArray(value) ? value : [value];
  if (items.length === 0) throw new PolicyParseError(path, 'must not be an empty list');
  return items.map((item, index) => {
    // IAM accepts JSON booleans and numbers and compares their text ("Bool": {"aws:SecureTransport": false}).
    if (typeof item === 'string') return item;
    if (typeof item === 'boolean' || typeof item === 'number') return String(item);
    throw new PolicyParseError(
      Array.isArray(value) ? `${path}[${index}]` : path,
      `expected a string, boolean or number, got ${JSON.stringify(item)}`,
    );
  });
}

function parseConditions(value: unknown, path: string): ConditionClause[] {
  if (!isObject(value))
    throw new PolicyParseError(
      path,
      `expected an object of condition operators, got ${JSON.stringify(value)}`,
    );
  const clauses: ConditionClause[] = [];
  for (const [written, block] of Object.entries(value)) {
    const operatorPath = `${path}.${written}`;
    const parsed = parseConditionOperator(written, operatorPath);
    if (!isObject(block))
      throw new PolicyParseError(
        operatorPath,
        `expected an object of condition keys, got ${JSON.stringify(block)}`,
      );
    for (const [key, values] of Object.entries(block)) {
      const clause: ConditionClause = {
        written,
        ...parsed,
        key,
        keyLower: key.toLowerCase(),
        values: readConditionValues(values, `${operatorPath}.${key}`),
      };
      if (clause.operator === 'Null' || clause.operator === 'Bool') {
        const bad = clause.values.find((v) => v.toLowerCase() !== 'true' && v.toLowerCase() !== 'false');
        if (bad !== undefined)
          throw new PolicyParseError(
            `${operatorPath}.${key}`,
            `${clause.operator} takes true or false, got "${bad}"`,
          );
      }
      clauses.push(clause);
    }
  }
  return clauses;
}

function parseStatement(value: unknown, index: number, path: string): PolicyStatement {
  if (!isObject(value))
    throw new PolicyParseError(path, `a statement must be an object, got ${JSON.stringify(value)}`);
  const el = readElements(value, STATEMENT_ELEMENTS, path);
  if (el.Sid !== undefined && typeof el.Sid !== 'string')
    throw new PolicyParseError(`${path}.Sid`, 'must be a string');
  if (el.Effect === undefined) throw new PolicyParseError(path, 'missing Effect');
  const effect = parseEffect(el.Effect, `${path}.Effect`);
  if (el.Principal !== undefined && el.NotPrincipal !== undefined)
    throw new PolicyParseError(path, 'has both Principal and NotPrincipal');
  if (el.Action !== undefined && el.NotAction !== undefined)
    throw new PolicyParseError(path, 'has both Action and NotAction');
  if (el.Action === undefined && el.NotAction === undefined)
    throw new PolicyParseError(path, 'missing Action or NotAction');
  if (el.Resource !== undefined && el.NotResource !== undefined)
    throw new PolicyParseError(path, 'has both Resource and NotResource');
  const principal =
    el.Principal !== undefined
      ? parsePrincipal(el.Principal, false, `${path}.Principal`)
      : el.NotPrincipal !== undefined
        ? parsePrincipal(el.NotPrincipal, true, `${path}.NotPrincipal`)
        : undefined;
  const action: ActionElement =
    el.Action !== undefined
      ? { negated: false, patterns: readStringList(el.Action, `${path}.Action`) }
      : { negated: true, patterns: readStringList(el.NotAction, `${path}.NotAction`) };
  const resource: ResourceElement | undefined =
    el.Resource !== undefined
      ? { negated: false, patterns: readStringList(el.Resource, `${path}.Resource`) }
      : el.NotResource !== undefined
        ? { negated: true, patterns: readStringList(el.NotResource, `${path}.NotResource`) }
        : undefined;
  const conditions = el.Condition === undefined ? [] : parseConditions(el.Condition, `${path}.Condition`);
  return {
    index,
    ...(el.Sid ? { sid: el.Sid as string } : {}),
    effect,
    ...(principal ? { principal } : {}),
    action,
    ...(resource ? { resource } : {}),
    conditions,
  };
}

/** Parses policy JSON text (or an already-parsed value). Throws PolicyParseError naming what is wrong. */
export function parsePolicyDocument(input: string | unknown): PolicyDocument {
  let value: unknown = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch (error) {
      throw new PolicyParseError(
        '',
        `not valid JSON (${error instanceof Error ? error.message : String(error)})`,
        {
          cause: error,
        },
      );
    }
  }
  if (!isObject(value))
    throw new PolicyParseError(
      '',
      `a policy must be a JSON object, got ${JSON.stringify(value)?.slice(0, 40)}`,
    );
  const el = readElements(value, TOP_LEVEL_ELEMENTS, '');
  if (el.Version !== undefined && typeof el.Version !== 'string')
    throw new PolicyParseError('Version', 'must be a string');
  if (el.Id !== undefined && typeof el.Id !== 'string') throw new PolicyParseError('Id', 'must be a string');
  if (el.Statement === undefined) throw new PolicyParseError('', 'missing Statement');
  // "Statement": a single statement object or a list of them.
  const raw = Array.isArray(el.Statement) ? el.Statement : [el.Statement];
  const single = !Array.isArray(el.Statement);
  const statements = raw.map((statement, index) =>
    parseStatement(statement, index, single ? 'Statement' : `Statement[${index}]`),
  );
  return {
    ...(el.Version !== undefined ? { version: el.Version as string } : {}),
    ...(el.Id !== undefined ? { id: el.Id as string } : {}),
    statements,
  };
}

/** How annotations name a statement: its Sid, or its 1-based position when it has none. */
export function describeStatement(statement: PolicyStatement): string {
  return statement.sid ? `statement "${statement.sid}"` : `statement #${statement.index + 1}`;
}
