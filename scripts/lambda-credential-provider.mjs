// What the Lambda bundles get in place of @aws-sdk/credential-provider-node (scripts/build-handlers.mjs).
// In Lambda, the function's execution-role credentials are always in the environment
// (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN: AWS Lambda Developer Guide, "Defined
// runtime environment variables"), so the SDK's default chain (SSO, shared ini files, process, web
// identity, container and IMDS) would only be dead weight: about 90 KB of every bundle, compiled at
// each cold start. Member accounts are reached through STS AssumeRole, called with these credentials.
// The CLI and `efsguard invoke` run from source and keep the full chain.
import { fromEnv } from '@aws-sdk/credential-provider-env';

export const defaultProvider = (init = {}) => fromEnv(init);

// The same two helpers the real module exports, with the same meaning.
export const credentialsWillNeedRefresh = (credentials) => credentials?.expiration !== undefined;
export const credentialsTreatedAsExpired = (credentials) =>
  credentials?.expiration !== undefined && credentials.expiration.getTime() - Date.now() < 300000;
