// Typed errors, in the Powertools style: named `…Error`, carrying `cause` where there is one.
// Each class spells its own `name`: minified Lambda bundles rename classes, and Config and the logs
// must still show InvalidEventError rather than a mangled identifier (test/unit/error-names.test.ts).

export class EfsguardError extends Error {
  override readonly name: string = 'EfsguardError';
}

/** A rule parameter is malformed or unknown. `parameter` names the offending key. */
export class InvalidParametersError extends EfsguardError {
  override readonly name = 'InvalidParametersError';
  constructor(
    readonly ruleId: string,
    readonly parameter: string,
    detail: string,
  ) {
    super(`${ruleId}: invalid parameter ${parameter}: ${detail}`);
  }
}

/** A rule id that the registry does not hold. */
export class UnknownRuleError extends EfsguardError {
  override readonly name = 'UnknownRuleError';
  constructor(
    readonly ruleId: string,
    known: readonly string[],
  ) {
    super(`unknown rule ${ruleId}; known rules: ${known.join(', ')}`);
  }
}
