// The member template of organization mode, deployed as one service-managed StackSet to every member
// account and every region efsguard runs in (and as ordinary stacks in the central account): the
// execution role the central functions assume, the forwarding of NON_COMPLIANT compliance changes to the
// central event bus, and (off by default) the organization-wide remediation. scripts/package.mjs writes
// it to dist/serverless/member/efsguard-member.json from the same manifest as the central stack, so the
// role's actions, the rule names and the remediation document always match what is deployed centrally.
'use strict';

const { FUNCTION_ROLE_PATH } = require('./settings.cjs');
const {
  REMEDIATED_RULE_ID,
  REMEDIATED_RESOURCE_TYPE,
  MEMBER_REMEDIATION_DOCUMENT_NAME,
  remediationDocumentContent,
  remediationPolicy,
  automationTrustPolicy,
} = require('./remediation.cjs');
const { complianceChangePattern } = require('./notifications.cjs');

// IAM is global: the template's roles are created in RoleRegion only, under fixed names that the
// other regions' stacks name in ARNs. StackSets deploy RoleRegion first (docs/deploy.md).
const FORWARDER_ROLE_NAME = 'efsguard-event-forwarder';
const REMEDIATION_ROLE_NAME = 'efsguard-remediation';
const REMEDIATION_STARTER_ROLE_NAME = 'efsguard-remediation-starter';

function roleArn(name) {
  return { 'Fn::Sub': `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/${name}` };
}

function eventsTrustPolicy() {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      },
    ],
  };
}

/** NON_COMPLIANT events of the remediated rule for security groups: what starts the automation. */
function remediationPattern() {
  const pattern = complianceChangePattern([REMEDIATED_RULE_ID], 'organization');
  pattern.detail.resourceType = [REMEDIATED_RESOURCE_TYPE];
  return pattern;
}

function buildMemberTemplate(manifest) {
  const ruleIds = manifest.rules.map((rule) => rule.id);
  const remediable = ruleIds.includes(REMEDIATED_RULE_ID);
  const resources = {
    ExecutionRole: {
      Type: 'AWS::IAM::Role',
      Condition: 'IsRoleRegion',
      Properties: {
        RoleName: { Ref: 'ExecutionRoleName' },
        Description:
          'efsguard: read-only EFS/network/IAM topology and Config evaluations for the central functions',
        MaxSessionDuration: 3600,
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'TrustEfsguardFunctionsOnly',
              Effect: 'Allow',
              // The central account as principal, narrowed by aws:PrincipalArn to the function roles'
              // path: every region's functions are admitted, and a function role deleted and created
              // again keeps working (IAM User Guide, "AWS JSON policy elements: Principal",
              // "aws:PrincipalArn"). Only efsguard's function roles may use the path.
              Principal: { AWS: { 'Fn::Sub': `arn:\${AWS::Partition}:iam::\${CentralAccountId}:root` } },
              Action: 'sts:AssumeRole',
              Condition: {
                ArnLike: {
                  'aws:PrincipalArn': {
                    'Fn::Sub': `arn:\${AWS::Partition}:iam::\${CentralAccountId}:role${FUNCTION_ROLE_PATH}*`,
                  },
                },
              },
            },
          ],
        },
        Policies: [
          {
            PolicyName: 'efsguard-read-and-evaluate',
            PolicyDocument: {
              Version: '2012-10-17',
              Statement: [
                {
                  // Describe/Get/List calls of EC2, EFS and IAM support no resource-level permissions.
                  Sid: 'ReadTopologyAndPostEvaluations',
                  Effect: 'Allow',
                  Action: manifest.memberRoleActions,
                  Resource: '*',
                },
              ],
            },
          },
        ],
      },
    },
    EventForwarderRole: {
      Type: 'AWS::IAM::Role',
      Condition: 'ForwardInRoleRegion',
      Properties: {
        RoleName: FORWARDER_ROLE_NAME,
        Description: 'efsguard: forwards NON_COMPLIANT compliance changes to the central event bus',
        AssumeRolePolicyDocument: eventsTrustPolicy(),
        Policies: [
          {
            PolicyName: 'efsguard-forward',
            PolicyDocument: {
              Version: '2012-10-17',
              Statement: [
                {
                  Effect: 'Allow',
                  Action: 'events:PutEvents',
                  Resource: {
                    'Fn::Sub': `arn:\${AWS::Partition}:events:*:\${CentralAccountId}:event-bus/\${CentralEventBusName}`,
                  },
                },
              ],
            },
          },
        ],
      },
    },
    // EventBridge User Guide, "Sending and receiving events between AWS accounts": a bus that admits
    // the organization (aws:PrincipalOrgID) is a target that needs a role.
    ComplianceForwardingRule: {
      Type: 'AWS::Events::Rule',
      Condition: 'Forward',
      Properties: {
        Description:
          'efsguard: forward NON_COMPLIANT compliance changes of efsguard rules to the central bus',
        State: 'ENABLED',
        EventPattern: complianceChangePattern(ruleIds, 'organization'),
        Targets: [
          {
            Id: 'CentralEventBus',
            Arn: {
              'Fn::Sub': `arn:\${AWS::Partition}:events:\${AWS::Region}:\${CentralAccountId}:event-bus/\${CentralEventBusName}`,
            },
            RoleArn: roleArn(FORWARDER_ROLE_NAME),
          },
        ],
      },
    },
  };
  if (remediable) {
    Object.assign(resources, {
      RemediationDocument: {
        Type: 'AWS::SSM::Document',
        Condition: 'Remediate',
        Properties: {
          Name: MEMBER_REMEDIATION_DOCUMENT_NAME,
          DocumentType: 'Automation',
          DocumentFormat: 'JSON',
          UpdateMethod: 'NewVersion',
          Content: remediationDocumentContent(),
        },
      },
      RemediationRole: {
        Type: 'AWS::IAM::Role',
        Condition: 'RemediateInRoleRegion',
        Properties: {
          RoleName: REMEDIATION_ROLE_NAME,
          Description: 'efsguard remediation: revoke world-open NFS ingress from a security group',
          AssumeRolePolicyDocument: automationTrustPolicy('*'),
          Policies: [remediationPolicy('*')],
        },
      },
      RemediationStarterRole: {
        Type: 'AWS::IAM::Role',
        Condition: 'RemediateInRoleRegion',
        Properties: {
          RoleName: REMEDIATION_STARTER_ROLE_NAME,
          Description: 'efsguard: lets EventBridge start the remediation automation',
          AssumeRolePolicyDocument: eventsTrustPolicy(),
          Policies: [
            {
              PolicyName: 'efsguard-start-remediation',
              PolicyDocument: {
                Version: '2012-10-17',
                Statement: [
                  {
                    Effect: 'Allow',
                    Action: 'ssm:StartAutomationExecution',
                    Resource: {
                      'Fn::Sub': `arn:\${AWS::Partition}:ssm:*:\${AWS::AccountId}:automation-definition/${MEMBER_REMEDIATION_DOCUMENT_NAME}:*`,
                    },
                  },
                  {
                    Effect: 'Allow',
                    Action: 'iam:PassRole',
                    Resource: roleArn(REMEDIATION_ROLE_NAME),
                    Condition: { StringEquals: { 'iam:PassedToService': 'ssm.amazonaws.com' } },
                  },
                ],
              },
            },
          ],
        },
      },
      // Starts the automation in this account and region for each security group that became
      // NON_COMPLIANT (EventBridge User Guide, "Systems Manager Automation" targets).
      RemediationRule: {
        Type: 'AWS::Events::Rule',
        Condition: 'Remediate',
        DependsOn: ['RemediationDocument'],
        Properties: {
          Description:
            'efsguard: revoke world-open NFS ingress from security groups that became NON_COMPLIANT',
          State: 'ENABLED',
          EventPattern: remediationPattern(),
          Targets: [
            {
              Id: 'RevokeWorldOpenNfs',
              Arn: {
                'Fn::Sub': `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:automation-definition/${MEMBER_REMEDIATION_DOCUMENT_NAME}:$DEFAULT`,
              },
              RoleArn: roleArn(REMEDIATION_STARTER_ROLE_NAME),
              InputTransformer: {
                InputPathsMap: { groupId: '$.detail.resourceId' },
                InputTemplate: {
                  'Fn::Sub': `{"GroupId":[<groupId>],"AutomationAssumeRole":["arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/${REMEDIATION_ROLE_NAME}"]}`,
                },
              },
            },
          ],
        },
      },
    });
  }
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description:
      'efsguard member template (organization mode): the execution role the central functions assume, forwarding of NON_COMPLIANT events to the central bus, optional remediation. Deploy as a service-managed StackSet to every member account and region, and as stacks in the central account.',
    Parameters: {
      CentralAccountId: {
        Type: 'String',
        AllowedPattern: '^\\d{12}$',
        Description: 'The account that runs the efsguard functions (management or delegated administrator)',
      },
      ExecutionRoleName: {
        Type: 'String',
        Default: 'efsguard-execution',
        AllowedPattern: '^[\\w+=,.@-]{1,64}$',
        Description: 'Must equal the executionRoleName stage parameter of the central stacks',
      },
      RoleRegion: {
        Type: 'String',
        Default: 'us-east-1',
        AllowedPattern: '^[a-z]{2}(-[a-z]+)+-\\d+$',
        Description: 'The one region whose stack instance creates the (global) IAM roles; deploy it first',
      },
      CentralEventBusName: {
        Type: 'String',
        AllowedPattern: '^[\\w.-]{1,256}$',
        Description: 'The CentralEventBusName output of the central stacks (efsguard-<stage>)',
      },
      ForwardNonCompliantEvents: {
        Type: 'String',
        Default: 'true',
        AllowedValues: ['true', 'false'],
        Description: 'Forward NON_COMPLIANT compliance changes of efsguard rules to the central bus',
      },
      ...(remediable
        ? {
            OrganizationWideRemediation: {
              Type: 'String',
              Default: 'false',
              AllowedValues: ['true', 'false'],
              Description:
                'Revoke world-open NFS ingress automatically on NON_COMPLIANT security groups (read the blast radius in docs/deploy.md first)',
            },
          }
        : {}),
    },
    Conditions: {
      IsRoleRegion: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, { Ref: 'RoleRegion' }] },
      Forward: { 'Fn::Equals': [{ Ref: 'ForwardNonCompliantEvents' }, 'true'] },
      ForwardInRoleRegion: { 'Fn::And': [{ Condition: 'Forward' }, { Condition: 'IsRoleRegion' }] },
      ...(remediable
        ? {
            Remediate: { 'Fn::Equals': [{ Ref: 'OrganizationWideRemediation' }, 'true'] },
            RemediateInRoleRegion: { 'Fn::And': [{ Condition: 'Remediate' }, { Condition: 'IsRoleRegion' }] },
          }
        : {}),
    },
    Resources: resources,
    Outputs: {
      ExecutionRoleArn: {
        Condition: 'IsRoleRegion',
        Description: 'The role the efsguard functions assume in this account',
        Value: { 'Fn::GetAtt': ['ExecutionRole', 'Arn'] },
      },
    },
  };
}

module.exports = {
  buildMemberTemplate,
  FORWARDER_ROLE_NAME,
  REMEDIATION_ROLE_NAME,
  REMEDIATION_STARTER_ROLE_NAME,
};
