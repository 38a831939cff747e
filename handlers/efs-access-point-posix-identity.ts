// Lambda entry point of the efs-access-point-posix-identity Config rule (contract: docs/lambda.md).
// It imports its own rule module, not the registry, so the bundle carries this rule alone.
import { efsAccessPointPosixIdentity } from '../core/rules/efs-access-point-posix-identity';
import { createRuleHandler, LAMBDA_PORTS } from './runtime/factory';

export const handler = createRuleHandler(efsAccessPointPosixIdentity, LAMBDA_PORTS);
