// The AWS regions efsguard is packaged and linted for (npm test runs cfn-lint --regions over all of them),
// and the subset whose CloudFormation has AWS::Config::RemediationConfiguration. The subset is read from
// the resource schemas cfn-lint ships per region (the same data the E3006 "resource type does not exist
// in region" check uses): a template that declares the type fails to validate in the other regions even
// under a false Condition, so remediation is a packaging option there, not a stack condition.
'use strict';

/** Commercial regions (partition aws). China, GovCloud and the isolated partitions are not supported. */
const SUPPORTED_REGIONS = [
  'af-south-1',
  'ap-east-1',
  'ap-east-2',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-south-1',
  'ap-south-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-southeast-4',
  'ap-southeast-5',
  'ap-southeast-6',
  'ap-southeast-7',
  'ca-central-1',
  'ca-west-1',
  'eu-central-1',
  'eu-central-2',
  'eu-north-1',
  'eu-south-1',
  'eu-south-2',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'il-central-1',
  'me-central-1',
  'me-south-1',
  'mx-central-1',
  'sa-east-1',
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
];

/** Regions whose CloudFormation schema has AWS::Config::RemediationConfiguration (cfn-lint 1.51 data). */
const REMEDIATION_CONFIGURATION_REGIONS = [
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-south-1',
  'ap-southeast-1',
  'ap-southeast-2',
  'eu-central-1',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'me-central-1',
  'me-south-1',
  'sa-east-1',
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
];

/** The longest supported region name: role names are checked against it at package time. */
const LONGEST_REGION_LENGTH = Math.max(...SUPPORTED_REGIONS.map((region) => region.length));

module.exports = { SUPPORTED_REGIONS, REMEDIATION_CONFIGURATION_REGIONS, LONGEST_REGION_LENGTH };
