// Loads the optional Security Hub sink only when the deployment turns it on. The Security Hub SDK
// client carries the whole ASFF schema (about 136 KB minified), which would push every rule's bundle
// past its 600,000-byte budget, so it is bundled apart (scripts/build-handlers.mjs writes
// dist/handlers/<rule>/securityhub.js beside index.js) and required at run time.
import { join } from 'node:path';
import type { SecurityHubPort, SecurityHubPortOptions } from './securityhub-sink';

/** The sidecar module's file name, beside the handler bundle. */
export const SECURITY_HUB_MODULE = 'securityhub.js';

export class SecurityHubModuleError extends Error {
  override readonly name = 'SecurityHubModuleError';
}

/** The Security Hub port when EFSGUARD_SECURITY_HUB is "true", else undefined (nothing is loaded). */
export function loadSecurityHubPort(
  env: Readonly<Record<string, string | undefined>>,
  options: SecurityHubPortOptions = {},
  directory: string = __dirname,
): SecurityHubPort | undefined {
  if (env.EFSGUARD_SECURITY_HUB !== 'true') return undefined;
  const path = join(directory, SECURITY_HUB_MODULE);
  let sink: typeof import('./securityhub-sink');
  try {
    sink = require(path) as typeof import('./securityhub-sink');
  } catch (error) {
    throw new SecurityHubModuleError(
      `EFSGUARD_SECURITY_HUB is true but ${path} cannot be loaded (${(error as Error).message}); deploy the bundles that scripts/build-handlers.mjs builds`,
      { cause: error },
    );
  }
  return sink.securityHubFromEnv(env, options);
}
