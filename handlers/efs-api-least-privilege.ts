// Lambda entry point of the efs-api-least-privilege Config rule (contract: docs/lambda.md).
import { getRule } from '../core/rules';
import { createRuleHandler } from './factory';

export const handler = createRuleHandler(getRule('efs-api-least-privilege'));
