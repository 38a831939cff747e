// Lambda entry point of the efs-nfs-exposure Config rule (contract: docs/lambda.md).
// It imports its own rule module, not the registry, so the bundle carries this rule alone.
import { efsNfsExposure } from '../core/rules/efs-nfs-exposure';
import { createRuleHandler, LAMBDA_PORTS } from './runtime/factory';

export const handler = createRuleHandler(efsNfsExposure, LAMBDA_PORTS);
