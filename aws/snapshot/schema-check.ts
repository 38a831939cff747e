// A fast yes/no check compiled from a zod schema, for the common case of a valid snapshot file.
// zod's parse builds a full copy of its input (every loose object, every array), which at organization
// scale cost about as long as JSON.parse itself and doubled the memory the snapshot holds. This check
// walks the value once and allocates nothing: when it says yes, the input is returned as is; when it
// says no, zod runs as before and produces the error messages with their paths.
//
// It is derived from the schema itself, so the two cannot drift apart: every construct the compiler
// does not know (a transform, a default, a refinement, an unknown check...) makes it give up, and zod
// alone decides, as before. test/unit/aws/schema-check.test.ts compares both on mutated snapshots.
import type { $ZodType } from 'zod/v4/core';

export type FastCheck = (value: unknown) => boolean;

/** A construct this compiler does not understand: the caller falls back to zod alone. */
class Unsupported extends Error {
  override readonly name = 'Unsupported';
}

interface ZodInternals {
  _zod: { def: Record<string, unknown> & { type: string } };
}

const internals = (schema: unknown): ZodInternals['_zod']['def'] => (schema as ZodInternals)._zod.def;

/** The source of a boolean expression checking `v` (an identifier) against a string, number or array's checks. */
function checkExpressions(
  checks: unknown[] | undefined,
  kind: 'string' | 'number' | 'array',
  v: string,
  constant: (value: unknown) => string,
): string[] {
  const compiled: string[] = [];
  for (const check of checks ?? []) {
    const def = internals(check) as unknown as Record<string, unknown>;
    if (
      (kind === 'string' || kind === 'array') &&
      def.check === 'min_length' &&
      typeof def.minimum === 'number'
    ) {
      compiled.push(`${v}.length >= ${def.minimum}`);
    } else if (kind === 'array' && def.check === 'max_length' && typeof def.maximum === 'number') {
      compiled.push(`${v}.length <= ${def.maximum}`);
    } else if (
      kind === 'string' &&
      def.check === 'string_format' &&
      def.format === 'regex' &&
      def.pattern instanceof RegExp
    ) {
      // A fresh RegExp without the global or sticky flag: test() then keeps no state between calls.
      const pattern = new RegExp(def.pattern.source, def.pattern.flags.replace(/[gy]/g, ''));
      compiled.push(`${constant(pattern)}.test(${v})`);
    } else if (kind === 'number' && def.check === 'number_format' && def.format === 'safeint') {
      compiled.push(`Number.isSafeInteger(${v})`);
    } else {
      throw new Unsupported(`check ${String(def.check)}`);
    }
  }
  return compiled;
}

/** The definition keys each construct may carry here; any other (a format, coercion...) is unknown. */
const KNOWN_KEYS: Readonly<Record<string, readonly string[]>> = {
  unknown: ['type'],
  any: ['type'],
  string: ['type', 'checks'],
  number: ['type', 'checks'],
  boolean: ['type'],
  literal: ['type', 'values'],
  enum: ['type', 'entries'],
  optional: ['type', 'innerType'],
  nullable: ['type', 'innerType'],
  array: ['type', 'element', 'checks'],
  object: ['type', 'shape', 'catchall'],
  union: ['type', 'options'],
  record: ['type', 'keyType', 'valueType'],
};

/** The generated guard of an object's and a record's function: a JSON object, not null or an array. */
const REJECT_UNLESS_PLAIN_OBJECT =
  "if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;";

/**
 * Compiles a schema to JavaScript source: one function per array, object and record, each field checked
 * inline. Every check then has call sites of its own, which V8 can specialise; a tree of shared closures
 * made those sites megamorphic, and the walk of a scale-16 snapshot took about three times as long.
 * Values from the schema (patterns, literals) are passed in as constants, never written into the source.
 */
class SourceCompiler {
  readonly functions: string[] = [];
  readonly constants: unknown[] = [];
  private names = 0;

  constant(value: unknown): string {
    this.constants.push(value);
    return `k[${this.constants.length - 1}]`;
  }

  private define(body: string): string {
    const name = `c${this.names++}`;
    this.functions.push(`function ${name}(v) {\n${body}\n}`);
    return name;
  }

  /** A boolean expression that is true when `v` (an identifier) passes `schema`. */
  expression(schema: unknown, v: string): string {
    const def = internals(schema);
    const known = KNOWN_KEYS[def.type];
    for (const key of Object.keys(def)) {
      if (!known?.includes(key) && def[key] !== undefined) throw new Unsupported(`${def.type}.${key}`);
    }
    const all = (parts: string[]): string =>
      parts.length === 1 ? (parts[0] as string) : `(${parts.join(' && ')})`;
    switch (def.type) {
      case 'unknown':
      case 'any':
        return 'true';
      case 'string':
        return all([
          `typeof ${v} === 'string'`,
          ...checkExpressions(def.checks as unknown[], 'string', v, (x) => this.constant(x)),
        ]);
      case 'number':
        // zod 4 numbers are finite: NaN and the infinities fail.
        return all([
          `typeof ${v} === 'number'`,
          `Number.isFinite(${v})`,
          ...checkExpressions(def.checks as unknown[], 'number', v, (x) => this.constant(x)),
        ]);
      case 'boolean':
        return `typeof ${v} === 'boolean'`;
      case 'literal': {
        const values = def.values as unknown[];
        return values.length === 1
          ? `${v} === ${this.constant(values[0])}`
          : `${this.constant(values)}.includes(${v})`;
      }
      case 'enum':
        return `${this.constant(Object.values(def.entries as Record<string, unknown>))}.includes(${v})`;
      case 'optional':
        return `(${v} === undefined || ${this.expression(def.innerType, v)})`;
      case 'nullable':
        return `(${v} === null || ${this.expression(def.innerType, v)})`;
      case 'array': {
        const checks = checkExpressions(def.checks as unknown[], 'array', 'v', (x) => this.constant(x));
        const name = this.define(
          [
            `if (!Array.isArray(v)${checks.map((check) => ` || !(${check})`).join('')}) return false;`,
            'for (let i = 0; i < v.length; i++) {',
            '  const x = v[i];',
            `  if (!(${this.expression(def.element, 'x')})) return false;`,
            '}',
            'return true;',
          ].join('\n'),
        );
        return `${name}(${v})`;
      }
      case 'object': {
        // A loose object lets unknown keys through; a strict or strip one is not this compiler's to judge.
        if (!def.catchall || internals(def.catchall).type !== 'unknown') throw new Unsupported('object mode');
        const fields = Object.entries(def.shape as Record<string, unknown>).map(
          ([key, field]) =>
            `x = v[${JSON.stringify(key)}];\nif (!(${this.expression(field, 'x')})) return false;`,
        );
        const name = this.define(
          [REJECT_UNLESS_PLAIN_OBJECT, 'let x;', ...fields, 'return true;'].join('\n'),
        );
        return `${name}(${v})`;
      }
      case 'union':
        // zod takes the first option that accepts; for a yes/no answer any accepting option will do.
        return `(${(def.options as unknown[]).map((option) => this.expression(option, v)).join(' || ')})`;
      case 'record': {
        // Only string keys: every key of a parsed JSON object is a string, so only the values need a look.
        if (internals(def.keyType).type !== 'string' || internals(def.keyType).checks)
          throw new Unsupported('record key');
        const name = this.define(
          [
            REJECT_UNLESS_PLAIN_OBJECT,
            'for (const key of Object.keys(v)) {',
            '  const x = v[key];',
            `  if (!(${this.expression(def.valueType, 'x')})) return false;`,
            '}',
            'return true;',
          ].join('\n'),
        );
        return `${name}(${v})`;
      }
      default:
        throw new Unsupported(def.type);
    }
  }
}

function compile(schema: unknown): FastCheck {
  const compiler = new SourceCompiler();
  const root = compiler.expression(schema, 'v');
  const source = `${compiler.functions.join('\n')}\nreturn (v) => ${root};`;
  // The source is made from the schema's structure alone (keys are JSON-quoted, values are constants).
  return new Function('k', source)(compiler.constants) as FastCheck;
}

/**
 * The yes/no check of `schema`, or undefined when the schema uses a construct the compiler does not
 * know (then only zod can judge). A yes means `schema.safeParse(value)` succeeds with an output equal
 * to `value`; a no means zod must be asked for the reasons.
 */
export function compileFastCheck(schema: $ZodType): FastCheck | undefined {
  try {
    return compile(schema);
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
}
