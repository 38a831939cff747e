// The Config rules: per rule, a role, an invoke permission and a Config rule (account mode) or an
// organization Config rule (organization mode).
'use strict';

const {
  CHANGE_MESSAGE_TYPES,
  SCHEDULED_MESSAGE_TYPE,
  REGION_PATTERN,
  IAM_REGION_CONDITION,
  IAM_REGION_PARAMETER,
  FUNCTION_ROLE_PATH,
  pascal,
  slsFunctionLogicalId,
  slsLogGroupLogicalId,
  roleLogicalId,
  inputParametersFor,
} = require('./settings.cjs');
const { functionRole } = require('./functions.cjs');

// ---------------------------------------------------------------------------------------------- Config

/** A rule that reads IAM evaluates global resources: its Config rule exists only in iamRegion. */
function isGlobalRule(rule) {
  return (rule.requires ?? []).includes('iam');
}

/** Puts a rule's Config resources under the iamRegion condition when the rule evaluates global resources. */
function conditionFor(rule, resources) {
  if (!isGlobalRule(rule)) return resources;
  for (const resource of Object.values(resources)) resource.Condition = IAM_REGION_CONDITION;
  return resources;
}

function sourceDetails(rule, settings) {
  const details = [];
  if (rule.triggers.includes('configurationChange')) {
    for (const MessageType of CHANGE_MESSAGE_TYPES) details.push({ EventSource: 'aws.config', MessageType });
  }
  if (rule.triggers.includes('periodic')) {
    details.push({
      EventSource: 'aws.config',
      MessageType: SCHEDULED_MESSAGE_TYPE,
      MaximumExecutionFrequency: settings.frequency,
    });
  }
  return details;
}

function accountResources(rule, settings) {
  const fn = slsFunctionLogicalId(rule.id);
  const permission = `${pascal(rule.id)}ConfigPermission`;
  const properties = {
    ConfigRuleName: rule.id,
    Description: rule.title.slice(0, 256),
    InputParameters: inputParametersFor(rule, settings),
    Source: {
      Owner: 'CUSTOM_LAMBDA',
      SourceIdentifier: { 'Fn::GetAtt': [fn, 'Arn'] },
      SourceDetails: sourceDetails(rule, settings),
    },
  };
  // Scope only narrows change-triggered evaluations (AWS Config API Reference, "Scope").
  if (rule.triggers.includes('configurationChange')) {
    properties.Scope = { ComplianceResourceTypes: rule.triggerResourceTypes };
  }
  return conditionFor(rule, {
    [permission]: {
      Type: 'AWS::Lambda::Permission',
      Properties: {
        FunctionName: { 'Fn::GetAtt': [fn, 'Arn'] },
        Action: 'lambda:InvokeFunction',
        Principal: 'config.amazonaws.com',
        // Only this account's Config may invoke it (confused-deputy prevention, Lambda Developer Guide,
        // "Working with resource-based IAM policies in Lambda").
        SourceAccount: { Ref: 'AWS::AccountId' },
      },
    },
    [`${pascal(rule.id)}ConfigRule`]: {
      Type: 'AWS::Config::ConfigRule',
      DependsOn: [permission],
      Properties: properties,
    },
  });
}

function organizationResources(rule, settings) {
  const fn = slsFunctionLogicalId(rule.id);
  const permission = `${pascal(rule.id)}ConfigPermission`;
  // One statement per function, whatever the size of the organization. Config calls from every member
  // account, and AddPermission has nothing narrower that holds at that scale: SourceAccount takes one
  // account (so one statement each, and Lambda's 20 KB policy holds about 57), SourceArn must name a
  // 12-digit account (no wildcard), and PrincipalOrgID becomes aws:PrincipalOrgID, which a service
  // principal's request does not carry (Lambda API Reference, "AddPermission"; IAM User Guide, "AWS
  // global condition context keys"). docs/deploy.md, "The invoke permission", says what bounds it.
  const resources = {
    [permission]: {
      Type: 'AWS::Lambda::Permission',
      Properties: {
        FunctionName: { 'Fn::GetAtt': [fn, 'Arn'] },
        Action: 'lambda:InvokeFunction',
        Principal: 'config.amazonaws.com',
      },
    },
  };
  const changeTriggered = rule.triggers.includes('configurationChange');
  const triggerTypes = [
    ...(changeTriggered ? CHANGE_MESSAGE_TYPES : []),
    ...(rule.triggers.includes('periodic') ? [SCHEDULED_MESSAGE_TYPE] : []),
  ];
  const metadata = {
    Description: rule.title.slice(0, 256),
    LambdaFunctionArn: { 'Fn::GetAtt': [fn, 'Arn'] },
    OrganizationConfigRuleTriggerTypes: triggerTypes,
    InputParameters: JSON.stringify(inputParametersFor(rule, settings)),
    ...(changeTriggered ? { ResourceTypesScope: rule.triggerResourceTypes } : {}),
    ...(rule.triggers.includes('periodic') ? { MaximumExecutionFrequency: settings.frequency } : {}),
  };
  resources[`${pascal(rule.id)}OrganizationConfigRule`] = {
    Type: 'AWS::Config::OrganizationConfigRule',
    DependsOn: [permission],
    Properties: {
      OrganizationConfigRuleName: rule.id,
      OrganizationCustomRuleMetadata: metadata,
      ...(settings.excludedAccounts.length > 0 ? { ExcludedAccounts: settings.excludedAccounts } : {}),
    },
  };
  return conditionFor(rule, resources);
}

// ---------------------------------------------------------------------------------------------- rules

/** The rules: a role, an invoke permission and a Config rule (or organization rule) each. */
function rulesSection({ manifest, settings }) {
  const resources = {};
  for (const rule of manifest.rules) {
    resources[roleLogicalId(rule.id)] = functionRole(rule, settings);
    Object.assign(
      resources,
      settings.mode === 'account' ? accountResources(rule, settings) : organizationResources(rule, settings),
    );
  }
  // Lambda's log groups (generated by osls) stay when the stack goes; recreating the stack in the
  // region then needs them deleted or imported first (docs/deploy.md, "Tear down").
  const extensions = Object.fromEntries(
    manifest.rules.map((rule) => [
      slsLogGroupLogicalId(rule.id),
      { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' },
    ]),
  );
  const hasGlobalRule = manifest.rules.some(isGlobalRule);
  const needsIamRegion = hasGlobalRule || settings.mode === 'organization';
  return {
    Parameters: needsIamRegion
      ? {
          [IAM_REGION_PARAMETER]: {
            Type: 'String',
            Default: settings.iamRegion,
            AllowedPattern: REGION_PATTERN.source,
            Description:
              'The region where AWS Config records IAM (global) resources: the IAM rule (and the organization aggregator) is deployed there only',
          },
        }
      : {},
    Conditions: needsIamRegion
      ? { [IAM_REGION_CONDITION]: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, { Ref: IAM_REGION_PARAMETER }] } }
      : {},
    Resources: resources,
    Outputs:
      settings.mode === 'organization'
        ? {
            FunctionRolePath: {
              Description: 'The IAM path of the function roles, which the member template trusts',
              Value: FUNCTION_ROLE_PATH,
            },
          }
        : {},
    extensions,
  };
}

module.exports = { rulesSection };
