// Lambda entry point of the efs-mount-target-nfs-ingress Config rule (contract: docs/lambda.md).
// It imports its own rule module, not the registry, so the bundle carries this rule alone.
import { efsMountTargetNfsIngress } from '../core/rules/efs-mount-target-nfs-ingress';
import { createRuleHandler, LAMBDA_PORTS } from './runtime/factory';

export const handler = createRuleHandler(efsMountTargetNfsIngress, LAMBDA_PORTS);
