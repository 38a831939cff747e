// Lambda entry point of the efs-client-nfs-egress Config rule (contract: docs/lambda.md).
import { getRule } from '../core/rules';
import { createRuleHandler } from './factory';

export const handler = createRuleHandler(getRule('efs-client-nfs-egress'));
