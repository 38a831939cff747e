// The loaders that call AWS, as the commands call them: each imports its module (and with it the AWS
// SDK) on first use. A command that reads a snapshot file, or prints help, then starts without
// reading, compiling and initialising the SDK (docs/architecture.md, The CLI).
import type { loadRegion as LoadRegion } from '../aws/load/region';
import type { loadMultiTargets as LoadMultiTargets } from './multi-account-load';

export const loadRegion: typeof LoadRegion = async (...args) =>
  (await import('../aws/load/region')).loadRegion(...args);

export const loadMultiTargets: typeof LoadMultiTargets = async (...args) =>
  (await import('./multi-account-load')).loadMultiTargets(...args);
