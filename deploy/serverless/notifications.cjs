// Notifications: the compliance-change event pattern, the central event bus of organization mode
// and the notification section.
'use strict';

const { ORGANIZATION_ID_PATTERN } = require('./settings.cjs');

// ---------------------------------------------------------------------------------------------- notifications

/** The central event bus of organization mode: members forward their NON_COMPLIANT events to it. */
function centralEventBusName(settings) {
  return `${settings.service}-${settings.stage}`;
}

/**
 * The NON_COMPLIANT "Config Rules Compliance Change" events of these rules (AWS Config Developer Guide,
 * "Monitoring AWS Config with Amazon EventBridge"). Organization rules run in each member account as
 * OrgConfigRule-<name>-<suffix>. Shared by the central notification rule and the members' forwarding rule.
 */
function complianceChangePattern(ruleIds, mode) {
  return {
    source: ['aws.config'],
    'detail-type': ['Config Rules Compliance Change'],
    detail: {
      messageType: ['ComplianceChangeNotification'],
      configRuleName:
        mode === 'account' ? [...ruleIds] : ruleIds.map((id) => ({ prefix: `OrgConfigRule-${id}-` })),
      newEvaluationResult: { complianceType: ['NON_COMPLIANT'] },
    },
  };
}

function notificationSection({ manifest, settings }) {
  const ruleIds = manifest.rules.map((rule) => rule.id);
  const organization = settings.mode === 'organization';
  const resources = {
    // A customer managed key: EventBridge and CloudWatch alarms can publish to an encrypted topic only
    // if the key policy lets their service principals use the key (SNS Developer Guide, "Data
    // encryption": enabling compatibility between event sources and encrypted topics).
    NotificationKey: {
      Type: 'AWS::KMS::Key',
      Properties: {
        Description: 'efsguard: encrypts the notification topic',
        EnableKeyRotation: true,
        KeyPolicy: {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'AccountAdministers',
              Effect: 'Allow',
              Principal: { AWS: { 'Fn::Sub': `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:root` } },
              Action: 'kms:*',
              Resource: '*',
            },
            {
              Sid: 'PublishersOfThisAccount',
              Effect: 'Allow',
              Principal: { Service: ['events.amazonaws.com', 'cloudwatch.amazonaws.com'] },
              Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
              Resource: '*',
              Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
            },
          ],
        },
      },
    },
    NotificationTopic: {
      Type: 'AWS::SNS::Topic',
      Properties: {
        DisplayName: 'efsguard NON_COMPLIANT and failures',
        KmsMasterKeyId: { Ref: 'NotificationKey' },
      },
    },
    NotificationTopicPolicy: {
      Type: 'AWS::SNS::TopicPolicy',
      Properties: {
        Topics: [{ Ref: 'NotificationTopic' }],
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'AllowComplianceChangeRule',
              Effect: 'Allow',
              Principal: { Service: 'events.amazonaws.com' },
              Action: 'sns:Publish',
              Resource: { Ref: 'NotificationTopic' },
              Condition: {
                ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': ['ComplianceChangeRule', 'Arn'] } },
              },
            },
            {
              Sid: 'AllowAlarmsOfThisAccount',
              Effect: 'Allow',
              Principal: { Service: 'cloudwatch.amazonaws.com' },
              Action: 'sns:Publish',
              Resource: { Ref: 'NotificationTopic' },
              Condition: {
                StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
                ArnLike: {
                  'aws:SourceArn': {
                    'Fn::Sub': `arn:\${AWS::Partition}:cloudwatch:\${AWS::Region}:\${AWS::AccountId}:alarm:*`,
                  },
                },
              },
            },
            {
              Sid: 'DenyInsecureTransport',
              Effect: 'Deny',
              Principal: '*',
              Action: 'sns:Publish',
              Resource: { Ref: 'NotificationTopic' },
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            },
          ],
        },
      },
    },
    // Account mode: this account's default bus. Organization mode: the central bus, which every
    // member's stack of the member template (this account's too) forwards to.
    ComplianceChangeRule: {
      Type: 'AWS::Events::Rule',
      Properties: {
        Description: 'efsguard: a resource became NON_COMPLIANT with an efsguard rule',
        State: 'ENABLED',
        ...(organization ? { EventBusName: { Ref: 'CentralEventBus' } } : {}),
        EventPattern: complianceChangePattern(ruleIds, settings.mode),
        Targets: [{ Id: 'NotificationTopic', Arn: { Ref: 'NotificationTopic' } }],
      },
    },
    NotificationEmailSubscription: {
      Type: 'AWS::SNS::Subscription',
      Condition: 'NotificationEmailGiven',
      Properties: {
        TopicArn: { Ref: 'NotificationTopic' },
        Protocol: 'email',
        Endpoint: { Ref: 'NotificationEmail' },
      },
    },
  };
  const outputs = {
    NotificationTopicArn: {
      Description: 'SNS topic of NON_COMPLIANT transitions and failure alarms',
      Value: { Ref: 'NotificationTopic' },
    },
  };
  const parameters = {
    NotificationEmail: {
      Type: 'String',
      Default: settings.notificationEmail,
      Description: 'Email address subscribed to NON_COMPLIANT notifications and failure alarms (empty: none)',
    },
  };
  if (organization) {
    resources.CentralEventBus = {
      Type: 'AWS::Events::EventBus',
      Properties: { Name: centralEventBusName(settings) },
    };
    // Any account of the organization may put events on the bus (EventBridge User Guide, "Permissions
    // for Amazon EventBridge event buses": aws:PrincipalOrgID); the members' rules send through a role.
    resources.CentralEventBusPolicy = {
      Type: 'AWS::Events::EventBusPolicy',
      Properties: {
        EventBusName: { Ref: 'CentralEventBus' },
        StatementId: 'AllowOrganizationMembers',
        Statement: {
          Effect: 'Allow',
          Principal: '*',
          Action: 'events:PutEvents',
          Resource: { 'Fn::GetAtt': ['CentralEventBus', 'Arn'] },
          Condition: { StringEquals: { 'aws:PrincipalOrgID': { Ref: 'OrganizationId' } } },
        },
      },
    };
    outputs.CentralEventBusName = {
      Description: 'CentralEventBusName for the member template',
      Value: { Ref: 'CentralEventBus' },
    };
    parameters.OrganizationId = {
      Type: 'String',
      ...(settings.organizationId ? { Default: settings.organizationId } : {}),
      AllowedPattern: ORGANIZATION_ID_PATTERN.source,
      Description: 'The AWS Organizations id whose accounts may forward events to the central bus',
    };
  }
  return {
    Parameters: parameters,
    Conditions: {
      NotificationEmailGiven: { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'NotificationEmail' }, ''] }] },
    },
    Resources: resources,
    Outputs: outputs,
  };
}

module.exports = { centralEventBusName, complianceChangePattern, notificationSection };
