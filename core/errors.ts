// Typed errors, in the Powertools style: named `…Error`, carrying `cause` where there is one.

export class EfsguardError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A rule parameter is malformed or unknown. `parameter` names the offending key. */
export class InvalidParametersError extends EfsguardError {
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
  constructor(
    readonly ruleId: string,
    known: readonly string[],
  ) {
    super(`unknown rule ${ruleId}; known rules: ${known.join(', ')}`);
  }
}
