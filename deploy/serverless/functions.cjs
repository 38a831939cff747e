// The Lambda functions of the rules and each function's own IAM role.
'use strict';

const securityHub = require('./security-hub.cjs');
const {
  FUNCTION_ROLE_PATH,
  DeploymentConfigError,
  roleLogicalId,
  roleNameFor,
  functionName,
} = require('./settings.cjs');

/**
 * Asynchronous invocation (Lambda Developer Guide, "Configuring error handling for asynchronous
 * invocation"): the handlers report deterministic failures instead of throwing (handlers/runtime/errors.ts,
 * isDeterministicFailure), so what Lambda retries is transient; one retry, then the on-failure queue.
 * An event older than an hour is stale: the next trigger or sweep re-evaluates the resource anyway.
 */
const ASYNC_INVOKE_CONFIG = { MaximumRetryAttempts: 1, MaximumEventAgeInSeconds: 3600 };

// ---------------------------------------------------------------------------------------------- functions

function buildFunctions({ manifest, settings }) {
  const functions = {};
  for (const rule of manifest.rules) {
    functions[rule.id] = {
      name: functionName(settings, rule.id),
      handler: `dist/handlers/${rule.id}/index.handler`,
      // Lambda descriptions are at most 256 characters.
      description: `efsguard ${rule.id}: ${rule.title}`.slice(0, 256),
      // A Fn::Sub reference: osls adds a DependsOn for a bare logical id, which the GetAtt-implied
      // dependency makes redundant (cfn-lint W3005).
      role: { 'Fn::Sub': `\${${roleLogicalId(rule.id)}.Arn}` },
      package: { patterns: ['!**', `dist/handlers/${rule.id}/index.js`] },
    };
    securityHub.applySecurityHubToFunction(functions[rule.id], rule.id, settings);
  }
  return functions;
}

// ---------------------------------------------------------------------------------------------- IAM

function functionRole(rule, settings) {
  // Every statement is cut from this mode's list in aws/load/permissions.ts, so a mode that needs no reads
  // or Config calls of its own (the function acting only through the member role) grants none.
  const modeActions = rule.functionActions[settings.mode];
  const reads = modeActions.filter((action) => rule.readActions.includes(action));
  const evaluations = modeActions.filter((action) => action.startsWith('config:'));
  const logStatement = {
    Sid: 'WriteOwnLogs',
    Effect: 'Allow',
    Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
    Resource: {
      'Fn::Sub': `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:/aws/lambda/${functionName(settings, rule.id)}:*`,
    },
  };
  const statements = [
    ...(reads.length > 0 ? [{ Sid: 'ReadTopology', Effect: 'Allow', Action: reads, Resource: '*' }] : []),
    ...(evaluations.length > 0
      ? [{ Sid: 'PostEvaluations', Effect: 'Allow', Action: evaluations, Resource: '*' }]
      : []),
    logStatement,
  ];
  if (settings.mode === 'organization') {
    statements.push({
      Sid: 'AssumeMemberExecutionRole',
      Effect: 'Allow',
      Action: 'sts:AssumeRole',
      Resource: { 'Fn::Sub': `arn:\${AWS::Partition}:iam::*:role/${settings.executionRoleName}` },
      // Only roles of accounts in this function's own organization (IAM User Guide, "AWS global condition
      // context keys": aws:ResourceOrgID, and the ${aws:PrincipalOrgID} policy variable).
      // Fn::Join keeps osls from reading the IAM policy variable as one of its own ${aws:…} variables.
      Condition: {
        StringEquals: { 'aws:ResourceOrgID': { 'Fn::Join': ['', ['$', '{aws:PrincipalOrgID}']] } },
      },
    });
  }
  if (settings.waiversParameter) {
    // The waiver document, in this (central) account: read with the function's own role in both modes,
    // never through a member role, so a member account cannot waive its own findings.
    statements.push({
      Sid: 'ReadWaivers',
      Effect: 'Allow',
      Action: 'ssm:GetParameter',
      Resource: {
        'Fn::Sub': `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter/${settings.waiversParameter.replace(/^\//, '')}`,
      },
    });
  }
  const logActions = logStatement.Action;
  const declared = new Set([
    ...rule.functionActions[settings.mode],
    ...logActions,
    ...(settings.waiversParameter ? ['ssm:GetParameter'] : []),
  ]);
  const granted = new Set(statements.flatMap((statement) => [statement.Action].flat()));
  // Lambda sends failed asynchronous events to the destination with the function's own role.
  statements.push({
    Sid: 'OnFailureDestination',
    Effect: 'Allow',
    Action: 'sqs:SendMessage',
    Resource: { 'Fn::GetAtt': ['FailedEventsQueue', 'Arn'] },
  });
  if (declared.size !== granted.size || [...declared].some((action) => !granted.has(action))) {
    throw new DeploymentConfigError(`role of ${rule.id} does not match aws/load/permissions.ts`);
  }
  return {
    Type: 'AWS::IAM::Role',
    Properties: {
      RoleName: { 'Fn::Sub': roleNameFor(settings, rule.id, `\${AWS::Region}`) },
      Path: FUNCTION_ROLE_PATH,
      Description: `efsguard ${rule.id} (${settings.mode} mode): read-only topology, PutEvaluations, own logs`,
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
        ],
      },
      Policies: [
        { PolicyName: 'efsguard-rule', PolicyDocument: { Version: '2012-10-17', Statement: statements } },
        ...securityHub.securityHubPolicies(settings),
      ],
    },
  };
}

module.exports = { ASYNC_INVOKE_CONFIG, buildFunctions, functionRole };
