// Failures and the dashboard: the on-failure queue, alarms to the topic, and the CloudWatch dashboard
// over the handlers' metrics.
'use strict';

const { pascal, slsFunctionLogicalId, functionName } = require('./settings.cjs');
const { ASYNC_INVOKE_CONFIG } = require('./functions.cjs');

/** 14 days, SQS's maximum: failed events stay long enough to be read after a holiday. */
const FAILED_EVENTS_RETENTION_SECONDS = 1209600;

/**
 * The handlers' Powertools metrics (EMF), as the dashboard reads them (handlers/runtime/instrumentation.ts): namespace
 * and service from METRICS_NAMESPACE and SERVICE_NAME (the manifest carries them), default dimensions
 * service and rule on every metric, and Evaluations emitted as a single metric that adds ComplianceType.
 * CloudWatch matches a metric by its whole dimension set, so every dimension is listed.
 */
const METRIC_NAMES = {
  evaluations: 'Evaluations',
  errors: 'Errors',
  missingExecutionRole: 'MissingExecutionRole',
  apiCalls: 'ApiCalls',
  ruleDimension: 'rule',
  serviceDimension: 'service',
  accountDimension: 'account',
  complianceTypeDimension: 'ComplianceType',
  complianceTypes: ['COMPLIANT', 'NON_COMPLIANT', 'NOT_APPLICABLE'],
};

// ---------------------------------------------------------------------------------------------- failures

/**
 * Failures are loud, once: every function has an asynchronous-invocation config (bounded retries of the
 * transient failures the handler throws, then the on-failure queue), and alarms on the handlers' Errors
 * metric, Lambda's Errors, Throttles and AsyncEventsDropped, and the queue, all to the topic.
 */
function failureSection({ manifest, settings }) {
  const { namespace, service } = manifest.metrics;
  const resources = {
    FailedEventsQueue: {
      Type: 'AWS::SQS::Queue',
      // Kept when the stack goes: what failed is still there to read.
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        MessageRetentionPeriod: FAILED_EVENTS_RETENTION_SECONDS,
        SqsManagedSseEnabled: true,
      },
    },
    FailedEventsQueuePolicy: {
      Type: 'AWS::SQS::QueuePolicy',
      Properties: {
        Queues: [{ Ref: 'FailedEventsQueue' }],
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'DenyInsecureTransport',
              Effect: 'Deny',
              Principal: '*',
              Action: 'sqs:*',
              Resource: { 'Fn::GetAtt': ['FailedEventsQueue', 'Arn'] },
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            },
          ],
        },
      },
    },
    FailedEventsAlarm: alarm({
      description:
        'efsguard: an evaluation failed after its retries; the event is in the failed-events queue',
      namespace: 'AWS/SQS',
      metricName: 'ApproximateNumberOfMessagesVisible',
      dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['FailedEventsQueue', 'QueueName'] } }],
      statistic: 'Maximum',
    }),
  };
  for (const rule of manifest.rules) {
    const fn = slsFunctionLogicalId(rule.id);
    const id = pascal(rule.id);
    const fnName = functionName(settings, rule.id);
    resources[`${id}EventInvokeConfig`] = {
      Type: 'AWS::Lambda::EventInvokeConfig',
      Properties: {
        FunctionName: { Ref: fn },
        Qualifier: '$LATEST',
        ...ASYNC_INVOKE_CONFIG,
        DestinationConfig: {
          OnFailure: { Destination: { 'Fn::GetAtt': ['FailedEventsQueue', 'Arn'] } },
        },
      },
    };
    const lambdaDimensions = [{ Name: 'FunctionName', Value: { Ref: fn } }];
    resources[`${id}RuleErrorsAlarm`] = alarm({
      description: `efsguard ${rule.id}: an evaluation failed (the dashboard shows the account)`,
      namespace,
      metricName: METRIC_NAMES.errors,
      dimensions: [
        { Name: METRIC_NAMES.serviceDimension, Value: service },
        { Name: METRIC_NAMES.ruleDimension, Value: rule.id },
      ],
    });
    for (const [suffix, metricName, what] of [
      ['LambdaErrors', 'Errors', 'the function failed'],
      ['Throttles', 'Throttles', 'invocations were throttled'],
      ['AsyncEventsDropped', 'AsyncEventsDropped', 'Lambda dropped events without running them'],
    ]) {
      resources[`${id}${suffix}Alarm`] = alarm({
        description: `efsguard ${fnName}: ${what}`,
        namespace: 'AWS/Lambda',
        metricName,
        dimensions: lambdaDimensions,
      });
    }
  }
  return {
    Resources: resources,
    Outputs: {
      FailedEventsQueueUrl: {
        Description: 'Events that failed after their retries',
        Value: { Ref: 'FailedEventsQueue' },
      },
    },
  };
}

/** One alarm to the topic: any datum of at least 1 in a 5-minute period; no data is not a failure. */
function alarm({ description, namespace, metricName, dimensions, statistic = 'Sum' }) {
  return {
    Type: 'AWS::CloudWatch::Alarm',
    Properties: {
      AlarmDescription: description,
      Namespace: namespace,
      MetricName: metricName,
      Dimensions: dimensions,
      Statistic: statistic,
      Period: 300,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: 'NotificationTopic' }],
    },
  };
}

// ---------------------------------------------------------------------------------------------- dashboard

function dashboardBody(manifest, settings) {
  const { namespace, service } = manifest.metrics;
  const M = METRIC_NAMES;
  const widgets = [];
  const width = 6;
  const height = 6;
  const metricWidget = (x, y, w, title, properties) => ({
    type: 'metric',
    x,
    y,
    width: w,
    height,
    properties: {
      title,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub placeholder
      region: '${AWS::Region}',
      view: 'timeSeries',
      stacked: false,
      period: 300,
      ...properties,
    },
  });
  // First row: failures per account, every rule (a SEARCH over the account dimension the handlers add).
  const perAccount = (metricName) =>
    `SEARCH('{${namespace},${M.accountDimension},${M.ruleDimension},${M.serviceDimension}} MetricName="${metricName}" ${M.serviceDimension}="${service}"', 'Sum', 300)`;
  widgets.push(
    metricWidget(0, 0, 3 * width, 'failures per account (account, rule)', {
      stat: 'Sum',
      metrics: [[{ expression: perAccount(M.errors), id: 'errors', label: '' }]],
    }),
    metricWidget(3 * width, 0, width, 'member accounts without the execution role', {
      stat: 'Sum',
      metrics: [[{ expression: perAccount(M.missingExecutionRole), id: 'missing', label: '' }]],
    }),
  );
  manifest.rules.forEach((rule, index) => {
    const fnName = functionName(settings, rule.id);
    const y = (index + 1) * height;
    widgets.push(
      metricWidget(0, y, width, `${rule.id}: evaluations`, {
        stat: 'Sum',
        metrics: M.complianceTypes.map((complianceType) => [
          namespace,
          M.evaluations,
          M.serviceDimension,
          service,
          M.ruleDimension,
          rule.id,
          M.complianceTypeDimension,
          complianceType,
          { label: complianceType },
        ]),
      }),
      metricWidget(width, y, width, `${rule.id}: errors`, {
        stat: 'Sum',
        metrics: [
          [
            namespace,
            M.errors,
            M.serviceDimension,
            service,
            M.ruleDimension,
            rule.id,
            { label: 'rule errors' },
          ],
          ['AWS/Lambda', 'Errors', 'FunctionName', fnName, { label: 'Lambda errors' }],
          ['AWS/Lambda', 'AsyncEventsDropped', 'FunctionName', fnName, { label: 'events dropped' }],
        ],
      }),
      metricWidget(2 * width, y, width, `${rule.id}: duration (ms)`, {
        stat: 'Average',
        metrics: [
          ['AWS/Lambda', 'Duration', 'FunctionName', fnName, { stat: 'Average', label: 'average' }],
          ['AWS/Lambda', 'Duration', 'FunctionName', fnName, { stat: 'Maximum', label: 'maximum' }],
        ],
      }),
      metricWidget(3 * width, y, width, `${rule.id}: throttles and invocations`, {
        stat: 'Sum',
        metrics: [
          ['AWS/Lambda', 'Throttles', 'FunctionName', fnName, { label: 'throttles' }],
          ['AWS/Lambda', 'Invocations', 'FunctionName', fnName, { label: 'invocations' }],
        ],
      }),
    );
  });
  return { widgets };
}

function dashboardSection({ manifest, settings }) {
  return {
    Resources: {
      Dashboard: {
        Type: 'AWS::CloudWatch::Dashboard',
        Properties: {
          DashboardName: { 'Fn::Sub': `${settings.service}-${settings.stage}-\${AWS::Region}` },
          DashboardBody: { 'Fn::Sub': JSON.stringify(dashboardBody(manifest, settings)) },
        },
      },
    },
    Outputs: { DashboardName: { Description: 'CloudWatch dashboard', Value: { Ref: 'Dashboard' } } },
  };
}

module.exports = { METRIC_NAMES, failureSection, alarm, dashboardSection };
