// A fast yes/no check compiled from a zod schema, for the common case of a valid snapshot file.
// zod's parse builds a full copy of its input (every loose object, every array), which at organization
// scale cost about as long as JSON.parse itself and doubled the memory the snapshot holds. This check
// walks the value once and allocates nothing: when it says yes, the input is returned as is; when it
// says no, zod runs as before and produces the error messages with their paths.
//
// It is derived from the schema itself, so the two cannot drift apart: every construct the compiler
// does not know (a transform, a default, a refinement, an unknown check...) makes it give up, and zod
// alone decides, as before. test/unit/aws/schema-check.test.ts compares both on mutated snapshots.
import type { z } from 'zod';

export type FastCheck = (value: unknown) => boolean;

/** A construct this compiler does not understand: the caller falls back to zod alone. */
class Unsupported extends Error {
  override readonly name = 'Unsupported';
}

interface ZodInternals {
  _zod: { def: Record<string, unknown> & { type: string } };
}

const internals = (schema: unknown): ZodInternals['_zod']['def'] => (schema as ZodInternals)._zod.def;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function compileChecks(checks: unknown[] | undefined, kind: 'string' | 'number' | 'array'): FastCheck[] {
  const compiled: FastCheck[] = [];
  for (const check of checks ?? []) {
    const def = internals(check) as unknown as Record<string, unknown>;
    if (
      (kind === 'string' || kind === 'array') &&
      def.check === 'min_length' &&
      typeof def.minimum === 'number'
    ) {
      const minimum = def.minimum;
      compiled.push((value) => (value as string | unknown[]).length >= minimum);
    } else if (kind === 'array' && def.check === 'max_length' && typeof def.maximum === 'number') {
      const maximum = def.maximum;
      compiled.push((value) => (value as unknown[]).length <= maximum);
    } else if (
      kind === 'string' &&
      def.check === 'string_format' &&
      def.format === 'regex' &&
      def.pattern instanceof RegExp
    ) {
      // A fresh RegExp without the global or sticky flag: test() then keeps no state between calls.
      const pattern = new RegExp(def.pattern.source, def.pattern.flags.replace(/[gy]/g, ''));
      compiled.push((value) => pattern.test(value as string));
    } else if (kind === 'number' && def.check === 'number_format' && def.format === 'safeint') {
      compiled.push((value) => Number.isSafeInteger(value));
    } else {
      throw new Unsupported(`check ${String(def.check)}`);
    }
  }
  return compiled;
}

function everyCheck(checks: readonly FastCheck[], value: unknown): boolean {
  for (let i = 0; i < checks.length; i++) if (!(checks[i] as FastCheck)(value)) return false;
  return true;
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

function compile(schema: unknown): FastCheck {
  const def = internals(schema);
  const known = KNOWN_KEYS[def.type];
  for (const key of Object.keys(def)) {
    if (!known?.includes(key) && def[key] !== undefined) throw new Unsupported(`${def.type}.${key}`);
  }
  switch (def.type) {
    case 'unknown':
    case 'any':
      return () => true;
    case 'string': {
      const checks = compileChecks(def.checks as unknown[] | undefined, 'string');
      // Most strings carry no check: the common case is a bare typeof (this walk visits millions).
      if (checks.length === 0) return (value) => typeof value === 'string';
      return (value) => typeof value === 'string' && everyCheck(checks, value);
    }
    case 'number': {
      const checks = compileChecks(def.checks as unknown[] | undefined, 'number');
      // zod 4 numbers are finite: NaN and the infinities fail.
      return (value) => typeof value === 'number' && Number.isFinite(value) && everyCheck(checks, value);
    }
    case 'boolean':
      return (value) => typeof value === 'boolean';
    case 'literal': {
      const values = def.values as unknown[];
      if (values.length === 1) {
        const only = values[0];
        return (value) => value === only;
      }
      return (value) => values.includes(value);
    }
    case 'enum': {
      const values = Object.values(def.entries as Record<string, unknown>);
      return (value) => values.includes(value);
    }
    case 'optional': {
      const inner = compile(def.innerType);
      return (value) => value === undefined || inner(value);
    }
    case 'nullable': {
      const inner = compile(def.innerType);
      return (value) => value === null || inner(value);
    }
    case 'array': {
      const element = compile(def.element);
      const checks = compileChecks(def.checks as unknown[] | undefined, 'array');
      return (value) => {
        if (!Array.isArray(value) || !everyCheck(checks, value)) return false;
        for (let i = 0; i < value.length; i++) if (!element(value[i])) return false;
        return true;
      };
    }
    case 'object': {
      // A loose object lets unknown keys through; a strict or strip one is not this compiler's to judge.
      if (!def.catchall || internals(def.catchall).type !== 'unknown') throw new Unsupported('object mode');
      const entries = Object.entries(def.shape as Record<string, unknown>);
      const keys = entries.map(([key]) => key);
      const fieldChecks = entries.map(([, field]) => compile(field));
      return (value) => {
        if (!isObject(value)) return false;
        for (let i = 0; i < keys.length; i++) {
          if (!(fieldChecks[i] as FastCheck)(value[keys[i] as string])) return false;
        }
        return true;
      };
    }
    case 'union': {
      // zod takes the first option that accepts; for a yes/no answer any accepting option will do.
      const options = (def.options as unknown[]).map(compile);
      return (value) => {
        for (let i = 0; i < options.length; i++) if ((options[i] as FastCheck)(value)) return true;
        return false;
      };
    }
    case 'record': {
      // Only string keys: every key of a parsed JSON object is a string, so only the values need a look.
      if (internals(def.keyType).type !== 'string' || internals(def.keyType).checks)
        throw new Unsupported('record key');
      const valueCheck = compile(def.valueType);
      return (value) => {
        if (!isObject(value)) return false;
        for (const key of Object.keys(value)) if (!valueCheck(value[key])) return false;
        return true;
      };
    }
    default:
      throw new Unsupported(def.type);
  }
}

/**
 * The yes/no check of `schema`, or undefined when the schema uses a construct the compiler does not
 * know (then only zod can judge). A yes means `schema.safeParse(value)` succeeds with an output equal
 * to `value`; a no means zod must be asked for the reasons.
 */
export function compileFastCheck(schema: z.ZodType): FastCheck | undefined {
  try {
    return compile(schema);
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
}
