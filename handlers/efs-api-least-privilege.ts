// Lambda entry point of the efs-api-least-privilege Config rule (contract: docs/lambda.md).
// It imports its own rule module, not the registry, so the bundle carries this rule alone.
import { efsApiLeastPrivilege } from '../core/rules/efs-api-least-privilege';
import { createRuleHandler, LAMBDA_PORTS } from './runtime/factory';

export const handler = createRuleHandler(efsApiLeastPrivilege, LAMBDA_PORTS);
