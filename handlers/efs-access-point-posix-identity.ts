// Lambda entry point of the efs-access-point-posix-identity Config rule (contract: docs/lambda.md).
import { getRule } from '../core/rules';
import { createRuleHandler } from './factory';

export const handler = createRuleHandler(getRule('efs-access-point-posix-identity'));
