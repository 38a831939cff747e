// Lambda entry point of the efs-nfs-network-acl Config rule (contract: docs/lambda.md).
// It imports its own rule module, not the registry, so the bundle carries this rule alone.
import { efsNfsNetworkAcl } from '../core/rules/efs-nfs-network-acl';
import { createRuleHandler, LAMBDA_PORTS } from './runtime/factory';

export const handler = createRuleHandler(efsNfsNetworkAcl, LAMBDA_PORTS);
