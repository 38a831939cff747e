// Reading the user's input files (--snapshot, --params), with errors that name the file and the problem.
import { readFile } from 'node:fs/promises';
import { SnapshotError } from '../aws/errors';
import type { Snapshot } from '../aws/snapshot';
import { parseSnapshotText } from '../aws/snapshot-schema';
import { UsageError } from './errors';

async function readText(
  path: string,
  what: string,
  ErrorType: new (message: string, options?: { cause?: unknown }) => Error,
) {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'is a directory'
          : (code ?? (error as Error).message);
    throw new ErrorType(`cannot read ${what} ${path}: ${reason}`, { cause: error });
  }
}

/** Reads and validates a snapshot file (DESIGN.md §4). */
export async function readSnapshotFile(path: string): Promise<Snapshot> {
  return parseSnapshotText(await readText(path, 'snapshot', SnapshotError), path);
}

const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Reads a --params file: a JSON object keyed by rule id, each value an object of that rule's parameters. */
export async function readParamsFile(path: string): Promise<Record<string, Record<string, unknown>>> {
  const text = await readText(path, 'parameters file', UsageError);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${path}: not valid JSON (${(error as Error).message})`, { cause: error });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UsageError(`${path}: expected a JSON object keyed by rule id`);
  }
  const params: Record<string, Record<string, unknown>> = {};
  for (const [ruleId, ruleParams] of Object.entries(value)) {
    // JSON.parse makes "__proto__" an own key; assigned below, it would replace the prototype and slip
    // past the rule-id check. No rule id looks like these.
    if (PROTOTYPE_KEYS.has(ruleId)) {
      throw new UsageError(`${path}: ${JSON.stringify(ruleId)} is not a rule id`);
    }
    if (typeof ruleParams !== 'object' || ruleParams === null || Array.isArray(ruleParams)) {
      throw new UsageError(`${path}: the parameters of ${ruleId} must be a JSON object`);
    }
    params[ruleId] = ruleParams as Record<string, unknown>;
  }
  return params;
}
