// Organization mode's view over every account: the Config aggregator.
'use strict';

const { IAM_REGION_CONDITION } = require('./settings.cjs');

// ---------------------------------------------------------------------------------------------- org view

/** Organization mode: a Config aggregator over every account and region, in the IAM region's stack. */
function organizationViewSection({ settings }) {
  if (settings.mode !== 'organization') return {};
  return {
    Resources: {
      AggregatorRole: {
        Type: 'AWS::IAM::Role',
        Condition: IAM_REGION_CONDITION,
        Properties: {
          Description: 'efsguard: lets AWS Config read the organization for the aggregator',
          AssumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              { Effect: 'Allow', Principal: { Service: 'config.amazonaws.com' }, Action: 'sts:AssumeRole' },
            ],
          },
          // AWS Config Developer Guide, "Setting up an aggregator": the organization source's role.
          ManagedPolicyArns: [
            {
              'Fn::Sub': `arn:\${AWS::Partition}:iam::aws:policy/service-role/AWSConfigRoleForOrganizations`,
            },
          ],
        },
      },
      ConfigurationAggregator: {
        Type: 'AWS::Config::ConfigurationAggregator',
        Condition: IAM_REGION_CONDITION,
        Properties: {
          ConfigurationAggregatorName: `${settings.service}-${settings.stage}`,
          OrganizationAggregationSource: {
            RoleArn: { 'Fn::GetAtt': ['AggregatorRole', 'Arn'] },
            AllAwsRegions: true,
          },
        },
      },
    },
    Outputs: {
      ConfigurationAggregatorName: {
        Condition: IAM_REGION_CONDITION,
        Description: 'Config aggregator over the organization',
        Value: { Ref: 'ConfigurationAggregator' },
      },
    },
  };
}

module.exports = { organizationViewSection };
