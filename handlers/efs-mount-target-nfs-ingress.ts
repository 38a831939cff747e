// Lambda entry point of the efs-mount-target-nfs-ingress Config rule (contract: docs/lambda.md).
import { getRule } from '../core/rules';
import { createRuleHandler } from './factory';

export const handler = createRuleHandler(getRule('efs-mount-target-nfs-ingress'));
