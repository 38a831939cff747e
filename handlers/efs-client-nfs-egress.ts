// Lambda entry point of the efs-client-nfs-egress Config rule (contract: docs/lambda.md).
// It imports its own rule module, not the registry, so the bundle carries this rule alone.
import { efsClientNfsEgress } from '../core/rules/efs-client-nfs-egress';
import { createRuleHandler, LAMBDA_PORTS } from './runtime/factory';

export const handler = createRuleHandler(efsClientNfsEgress, LAMBDA_PORTS);
