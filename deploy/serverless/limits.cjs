// The AWS quotas a packaged template must fit, checked by scripts/package.mjs on what osls produced, so
// that a deployment fails at package time with the limit's name rather than half-way through a stack
// operation in one of a thousand accounts.
'use strict';

/** CloudFormation: resources per template ("CloudFormation quotas", CloudFormation User Guide). */
const MAX_RESOURCES = 500;
/** Lambda: a function's resource-based policy ("Lambda quotas", Lambda Developer Guide). */
const MAX_LAMBDA_POLICY_BYTES = 20 * 1024;
/**
 * Config: InputParameters of a ConfigRule is 1..1,024 characters (AWS Config API Reference, "ConfigRule");
 * OrganizationCustomRuleMetadata allows 2,048, but efsguard holds both modes to 1,024 so that the same
 * ruleParameters deploy in either mode.
 */
const MAX_INPUT_PARAMETERS = 1024;

// Lambda renders each AddPermission as a statement with a generated Sid (CloudFormation uses
// <stack>-<logicalId>-<suffix>, up to 100 characters) and the function's full ARN. These stand-ins are
// the longest values those can take, so the estimate errs on the large side.
const LONGEST_SID = 'x'.repeat(100);
const LONGEST_FUNCTION_ARN = `arn:aws:lambda:ap-southeast-7:123456789012:function:${'f'.repeat(64)}`;
const ACCOUNT_PLACEHOLDER = '123456789012';

class DeploymentLimitError extends Error {
  constructor(message) {
    super(`efsguard package: ${message}`);
    this.name = 'DeploymentLimitError';
  }
}

/** A template value with CloudFormation intrinsics replaced by the longest literal they can stand for. */
function concrete(value) {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    if ('Ref' in value) return value.Ref === 'AWS::AccountId' ? ACCOUNT_PLACEHOLDER : LONGEST_FUNCTION_ARN;
    if ('Fn::GetAtt' in value || 'Fn::Sub' in value) return LONGEST_FUNCTION_ARN;
  }
  return JSON.stringify(value);
}

/** The statement Lambda stores for one AWS::Lambda::Permission (AddPermission), as JSON. */
function permissionStatement(properties) {
  const principal = concrete(properties.Principal);
  const statement = {
    Sid: LONGEST_SID,
    Effect: 'Allow',
    Principal: /^\d{12}$/.test(principal)
      ? { AWS: `arn:aws:iam::${principal}:root` }
      : principal === '*'
        ? '*'
        : { Service: principal },
    Action: concrete(properties.Action),
    Resource: LONGEST_FUNCTION_ARN,
  };
  const condition = {};
  if (properties.SourceAccount)
    condition.StringEquals = { 'AWS:SourceAccount': concrete(properties.SourceAccount) };
  if (properties.PrincipalOrgID)
    condition.StringEquals = {
      ...condition.StringEquals,
      'aws:PrincipalOrgID': concrete(properties.PrincipalOrgID),
    };
  if (properties.SourceArn) condition.ArnLike = { 'AWS:SourceArn': concrete(properties.SourceArn) };
  if (Object.keys(condition).length > 0) statement.Condition = condition;
  return statement;
}

/** The estimated size in bytes of each function's resource policy, keyed by the function's logical id. */
function lambdaPolicySizes(template) {
  const statements = new Map();
  for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
    if (resource.Type === 'AWS::Lambda::Function') statements.set(logicalId, statements.get(logicalId) ?? []);
    if (resource.Type !== 'AWS::Lambda::Permission') continue;
    const target = resource.Properties?.FunctionName;
    const fn = target?.['Fn::GetAtt']?.[0] ?? target?.Ref ?? JSON.stringify(target);
    statements.set(fn, [...(statements.get(fn) ?? []), permissionStatement(resource.Properties)]);
  }
  const sizes = {};
  for (const [fn, list] of statements) {
    sizes[fn] = Buffer.byteLength(JSON.stringify({ Version: '2012-10-17', Id: 'default', Statement: list }));
  }
  return sizes;
}

/** Every InputParameters string of the template's Config rules, with the rule's name. */
function inputParameters(template) {
  const found = [];
  for (const resource of Object.values(template.Resources ?? {})) {
    if (resource.Type === 'AWS::Config::ConfigRule') {
      const value = resource.Properties?.InputParameters;
      if (value !== undefined)
        found.push({
          rule: resource.Properties.ConfigRuleName,
          value: typeof value === 'string' ? value : JSON.stringify(value),
        });
    }
    if (resource.Type === 'AWS::Config::OrganizationConfigRule') {
      const value = resource.Properties?.OrganizationCustomRuleMetadata?.InputParameters;
      if (value !== undefined)
        found.push({ rule: resource.Properties.OrganizationConfigRuleName, value: String(value) });
    }
  }
  return found;
}

/** What the checks measured, for the package log and the tests. */
function measureTemplate(template) {
  const sizes = lambdaPolicySizes(template);
  return {
    resources: Object.keys(template.Resources ?? {}).length,
    largestLambdaPolicyBytes: Math.max(0, ...Object.values(sizes)),
    lambdaPolicyBytes: sizes,
    longestInputParameters: Math.max(0, ...inputParameters(template).map((entry) => entry.value.length)),
  };
}

/** Throws DeploymentLimitError naming the limit, the value and what to change; returns the measures. */
function checkTemplateLimits(template, name = 'template') {
  const measured = measureTemplate(template);
  if (measured.resources > MAX_RESOURCES) {
    throw new DeploymentLimitError(
      `${name} has ${measured.resources} resources, over CloudFormation's limit of ${MAX_RESOURCES} resources per stack`,
    );
  }
  for (const [fn, bytes] of Object.entries(measured.lambdaPolicyBytes)) {
    if (bytes > MAX_LAMBDA_POLICY_BYTES) {
      throw new DeploymentLimitError(
        `${name}: the resource-based policy of ${fn} would be about ${bytes} bytes, over Lambda's limit of ${MAX_LAMBDA_POLICY_BYTES} bytes (20 KB) per function policy`,
      );
    }
  }
  for (const { rule, value } of inputParameters(template)) {
    if (value.length > MAX_INPUT_PARAMETERS) {
      throw new DeploymentLimitError(
        `${name}: InputParameters of ${rule} is ${value.length} characters, over AWS Config's limit of ${MAX_INPUT_PARAMETERS} characters; shorten its ruleParameters`,
      );
    }
  }
  return measured;
}

module.exports = {
  MAX_RESOURCES,
  MAX_LAMBDA_POLICY_BYTES,
  MAX_INPUT_PARAMETERS,
  DeploymentLimitError,
  checkTemplateLimits,
  measureTemplate,
};
