// The optional Security Hub deployment: with the stage parameter securityHub=true each rule's function
// also imports its verdicts into AWS Security Hub as ASFF findings (aws/config/securityhub-sink.ts).
//
// Why it exists: AWS Config's integration with Security Hub sends evaluation results of AWS Config
// rules, managed and custom, to Security Hub as findings of the product "Config" (Security Hub User
// Guide, "AWS service integrations with Security Hub", AWS Config). Those findings carry Config's
// generic shape: the rule name and the compliance status. This option sends efsguard's own findings
// instead: severity from the rule, the annotation naming the group, ACL entry or statement at fault,
// the ASFF resource type and ARN, a remediation with a docs link, and the same finding Id as
// `efsguard scan --format asff`, so CLI imports and Lambda imports update one finding.
//
// Least privilege: securityhub:BatchImportFindings on this account's default product ARN, the only
// product a custom integration imports into (Security Hub User Guide, "Integrating Security Hub with
// custom products"; Service Authorization Reference, AWS Security Hub: the action's resource is the
// product ARN).
const SECURITY_HUB_PARAMETER = 'securityHub';

/** Reads and checks the stage parameter (default false). */
async function securityHubSettings(resolveVariable, mode, DeploymentConfigError) {
  const raw = await resolveVariable(`param:${SECURITY_HUB_PARAMETER}`);
  const value = raw === null || raw === undefined || raw === '' ? 'false' : String(raw);
  if (!['true', 'false'].includes(value)) {
    throw new DeploymentConfigError(`param ${SECURITY_HUB_PARAMETER} must be true or false, got "${value}"`);
  }
  if (value === 'true' && mode === 'organization') {
    // The function acts in member accounts through the member execution role, which would need the
    // action on each member's product ARN: not provided yet.
    throw new DeploymentConfigError(
      `param ${SECURITY_HUB_PARAMETER}=true is supported in account mode only; in organization mode use the AWS Config integration of Security Hub`,
    );
  }
  return { securityHub: value === 'true' };
}

/** Turns the sink on in a function: its environment, and the sidecar bundle in its zip. */
function applySecurityHubToFunction(fn, ruleId, settings) {
  if (!settings.securityHub) return fn;
  fn.environment = { ...fn.environment, EFSGUARD_SECURITY_HUB: 'true' };
  fn.package = {
    ...fn.package,
    patterns: [...fn.package.patterns, `dist/handlers/${ruleId}/securityhub.js`],
  };
  return fn;
}

/** The extra inline policy of a function's role. */
function securityHubPolicies(settings) {
  if (!settings.securityHub) return [];
  return [
    {
      PolicyName: 'efsguard-security-hub',
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'ImportOwnFindings',
            Effect: 'Allow',
            Action: 'securityhub:BatchImportFindings',
            Resource: {
              'Fn::Sub': `arn:\${AWS::Partition}:securityhub:\${AWS::Region}:\${AWS::AccountId}:product/\${AWS::AccountId}/default`,
            },
          },
        ],
      },
    },
  ];
}

module.exports = { securityHubSettings, applySecurityHubToFunction, securityHubPolicies };
