// Lambda entry point of the efs-file-system-policy Config rule (contract: docs/lambda.md).
// It imports its own rule module, not the registry, so the bundle carries this rule alone.
import { efsFileSystemPolicy } from '../core/rules/efs-file-system-policy';
import { createRuleHandler, LAMBDA_PORTS } from './runtime/factory';

export const handler = createRuleHandler(efsFileSystemPolicy, LAMBDA_PORTS);
