// Remediation: the SSM Automation document that revokes world-open NFS ingress, its role, and the
// RemediationConfiguration of account mode.
'use strict';

const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { ROOT, pascal } = require('./settings.cjs');

const REMEDIATION_SCRIPT_PATH = join(ROOT, 'deploy', 'remediation', 'revoke_world_open_nfs.py');

/** The rule whose NON_COMPLIANT security groups the SSM document can fix. */
const REMEDIATED_RULE_ID = 'efs-mount-target-nfs-ingress';
const REMEDIATED_RESOURCE_TYPE = 'AWS::EC2::SecurityGroup';

// ---------------------------------------------------------------------------------------------- remediation

/**
 * The runtime of the remediation step. Lambda ended support for python3.11 on 2026-06-30 ("Lambda
 * runtimes", Lambda Developer Guide), and aws:executeScript runs on Lambda's runtimes; python3.12 is the
 * newest Python that aws:executeScript is known to accept (Systems Manager User Guide,
 * "aws:executeScript – Run a script"). Check that page before raising it.
 */
const REMEDIATION_RUNTIME = 'python3.12';
/** The SSM document's name in member accounts (the EventBridge target names it). */
const MEMBER_REMEDIATION_DOCUMENT_NAME = 'efsguard-revoke-world-open-nfs';

function remediationDocumentContent() {
  const script = readFileSync(REMEDIATION_SCRIPT_PATH, 'utf8');
  return {
    schemaVersion: '0.3',
    description:
      'efsguard: revokes the inbound permissions of a security group that admit NFS (all traffic, or tcp ranges containing 2049) from 0.0.0.0/0 or ::/0. Other ranges, sources and permissions stay.',
    assumeRole: '{{ AutomationAssumeRole }}',
    parameters: {
      GroupId: {
        type: 'String',
        description: 'The security group to fix.',
        allowedPattern: '^sg-[0-9a-f]{8,17}$',
      },
      AutomationAssumeRole: {
        type: 'String',
        description:
          'The role the automation runs as: ec2:DescribeSecurityGroups and ec2:RevokeSecurityGroupIngress only.',
        allowedPattern: '^arn:aws[a-z-]*:iam::\\d{12}:role/[\\w+=,.@/-]+$',
      },
    },
    mainSteps: [
      {
        name: 'RevokeWorldOpenNfs',
        action: 'aws:executeScript',
        timeoutSeconds: 120,
        inputs: {
          Runtime: REMEDIATION_RUNTIME,
          Handler: 'handler',
          Script: script,
          InputPayload: { GroupId: '{{ GroupId }}' },
        },
        outputs: [
          { Name: 'Removed', Selector: '$.Payload.removed', Type: 'MapList' },
          { Name: 'Summary', Selector: '$.Payload.summary', Type: 'String' },
        ],
      },
    ],
    outputs: ['RevokeWorldOpenNfs.Removed', 'RevokeWorldOpenNfs.Summary'],
  };
}

/** The remediation role's permissions: read a group, revoke its ingress in this account. */
function remediationPolicy(regionPattern) {
  return {
    PolicyName: 'efsguard-remediation',
    PolicyDocument: {
      Version: '2012-10-17',
      Statement: [
        // DescribeSecurityGroups supports no resource-level permissions.
        { Sid: 'ReadGroup', Effect: 'Allow', Action: 'ec2:DescribeSecurityGroups', Resource: '*' },
        {
          Sid: 'RevokeIngress',
          Effect: 'Allow',
          Action: 'ec2:RevokeSecurityGroupIngress',
          Resource: {
            'Fn::Sub': `arn:\${AWS::Partition}:ec2:${regionPattern}:\${AWS::AccountId}:security-group/*`,
          },
        },
      ],
    },
  };
}

/** Trusted by Systems Manager Automation of this account only (confused-deputy prevention). */
function automationTrustPolicy(regionPattern) {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: 'ssm.amazonaws.com' },
        Action: 'sts:AssumeRole',
        // Systems Manager User Guide, "Cross-service confused deputy prevention".
        Condition: {
          StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
          ArnLike: {
            'aws:SourceArn': {
              'Fn::Sub': `arn:\${AWS::Partition}:ssm:${regionPattern}:\${AWS::AccountId}:automation-execution/*`,
            },
          },
        },
      },
    ],
  };
}

/** Account mode, when the region's CloudFormation has RemediationConfiguration (settings.remediation). */
function remediationSection({ manifest, settings }) {
  const hasRule = manifest.rules.some((rule) => rule.id === REMEDIATED_RULE_ID);
  if (!settings.remediation || !hasRule) return {};
  return {
    Parameters: {
      AutomaticRemediation: {
        Type: 'String',
        Default: settings.automaticRemediation,
        AllowedValues: ['true', 'false'],
        Description: 'Run the remediation automatically on NON_COMPLIANT security groups',
      },
    },
    Conditions: {
      AutomaticRemediationEnabled: { 'Fn::Equals': [{ Ref: 'AutomaticRemediation' }, 'true'] },
    },
    Resources: {
      RemediationDocument: {
        Type: 'AWS::SSM::Document',
        Properties: {
          DocumentType: 'Automation',
          DocumentFormat: 'JSON',
          UpdateMethod: 'NewVersion',
          Content: remediationDocumentContent(),
        },
      },
      RemediationRole: {
        Type: 'AWS::IAM::Role',
        Properties: {
          Description: 'efsguard remediation: revoke world-open NFS ingress from a security group',
          AssumeRolePolicyDocument: automationTrustPolicy(`\${AWS::Region}`),
          Policies: [remediationPolicy(`\${AWS::Region}`)],
        },
      },
      RemediationConfiguration: {
        Type: 'AWS::Config::RemediationConfiguration',
        DependsOn: [`${pascal(REMEDIATED_RULE_ID)}ConfigRule`],
        Properties: {
          ConfigRuleName: REMEDIATED_RULE_ID,
          ResourceType: REMEDIATED_RESOURCE_TYPE,
          TargetType: 'SSM_DOCUMENT',
          TargetId: { Ref: 'RemediationDocument' },
          Parameters: {
            GroupId: { ResourceValue: { Value: 'RESOURCE_ID' } },
            AutomationAssumeRole: {
              StaticValue: { Values: [{ 'Fn::GetAtt': ['RemediationRole', 'Arn'] }] },
            },
          },
          Automatic: { 'Fn::If': ['AutomaticRemediationEnabled', true, false] },
          // Config puts a remediation exception on a resource after MaximumAutomaticAttempts failed
          // attempts within RetryAttemptSeconds (AWS Config API Reference, "RemediationConfiguration").
          MaximumAutomaticAttempts: 3,
          RetryAttemptSeconds: 600,
          // At most a tenth of the rule's NON_COMPLIANT groups at once; stop when a tenth fail.
          ExecutionControls: {
            SsmControls: { ConcurrentExecutionRatePercentage: 10, ErrorPercentage: 10 },
          },
        },
      },
    },
    Outputs: {
      RemediationDocumentName: {
        Description: 'SSM Automation document',
        Value: { Ref: 'RemediationDocument' },
      },
      RemediationRoleArn: {
        Description: 'Role the remediation runs as',
        Value: { 'Fn::GetAtt': ['RemediationRole', 'Arn'] },
      },
    },
  };
}

module.exports = {
  REMEDIATED_RULE_ID,
  REMEDIATED_RESOURCE_TYPE,
  REMEDIATION_RUNTIME,
  MEMBER_REMEDIATION_DOCUMENT_NAME,
  remediationDocumentContent,
  remediationPolicy,
  automationTrustPolicy,
  remediationSection,
};
