// CLI-level errors: a user mistake in arguments or input files (exit 2, one line on stderr).
import { EfsguardError } from '../core/errors';

export class UsageError extends EfsguardError {
  override readonly name = 'UsageError';
}

/** Exit codes, documented in docs/cli.md. */
export const EXIT_OK = 0;
/** A user error: bad option, unreadable input, AWS access problem. */
export const EXIT_USAGE = 2;
/** An unexpected internal failure (a bug): reported in one line as well. */
export const EXIT_INTERNAL = 1;
/** A multi-account scan or snapshot ran, but some account-region could not be loaded. */
export const EXIT_TARGETS_FAILED = 4;
