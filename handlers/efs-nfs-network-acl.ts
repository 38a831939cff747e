// Lambda entry point of the efs-nfs-network-acl Config rule (contract: docs/lambda.md).
import { getRule } from '../core/rules';
import { createRuleHandler } from './factory';

export const handler = createRuleHandler(getRule('efs-nfs-network-acl'));
