// The data-plane rules' Lambda handlers (efs-file-system-policy, efs-access-point-posix-identity) on the
// sample events of events/, with the production loaders in front of a snapshot-backed fake of the AWS
// APIs (test/helpers/fake-aws.ts) and a mocked Config client: the tests assert the exact PutEvaluations
// commands sent, and that these functions read EFS only. Their roles hold no ec2:Describe* permission
// (aws/load/permissions.ts), so a single EC2 call would fail them in AWS.
import type { AccessPointDescription } from '@aws-sdk/client-efs';
import 'aws-sdk-client-mock-jest';
import { Logger } from '@aws-lambda-powertools/logger';
import {
  ConfigServiceClient,
  GetComplianceDetailsByConfigRuleCommand,
  PutEvaluationsCommand,
} from '@aws-sdk/client-config-service';
import { mockClient } from 'aws-sdk-client-mock';
import { STALE_ANNOTATION } from '../../aws/config/stale-results';
import { readActionsFor } from '../../aws/load/permissions';
import type { Snapshot } from '../../aws/snapshot/format';
import { DELETED_ANNOTATION } from '../../core/rules/define';
import { efsAccessPointPosixIdentity } from '../../core/rules/efs-access-point-posix-identity';
import { efsApiLeastPrivilege } from '../../core/rules/efs-api-least-privilege';
import { efsFileSystemPolicy } from '../../core/rules/efs-file-system-policy';
import type { Rule } from '../../core/rules/types';
import { createRuleHandler } from '../../handlers/runtime/factory';
import { ANONYMOUS_POLICY, TLS_ONLY_POLICY } from '../fixtures/data-plane-policies';
import { MOTO_ACCOUNT_ID, MOTO_REGION } from '../helpers/accounts';
import { invokingEventOf, itemOf, loadEvent, retarget } from '../helpers/events';
import { FakeAccount, fromCidr, nfs } from '../helpers/fake-account';
import { awsError, type FakeAws, installFakeAws } from '../helpers/fake-aws';
import { fakeContext } from '../helpers/lambda';

const POLICY_RULE = 'efs-file-system-policy';
const AP_RULE = 'efs-access-point-posix-identity';
const IAM_RULE = 'efs-api-least-privilege';
const FS = 'AWS::EFS::FileSystem';
const AP = 'AWS::EFS::AccessPoint';
/** configurationItemCaptureTime and notificationCreationTime of the sample events. */
const CAPTURE_TIME = new Date('2025-06-02T09:14:27.512Z');
const SCHEDULED_TIME = new Date('2025-06-02T12:00:00.000Z');

const VPC = 'vpc-0a1b2c3d4e5f60718';
const SUBNET = 'subnet-0a1a2a3a4a5a6a7a8';

/** One region: three file systems (no policy, TLS-only, anonymous) and three access points. */
function dataPlaneSnapshot(): Snapshot {
  const account = new FakeAccount(MOTO_ACCOUNT_ID, MOTO_REGION);
  account.vpc(VPC, '10.0.0.0/16').subnet(SUBNET, VPC, '10.0.1.0/24');
  account.group('sg-open', VPC, { ingress: [nfs(fromCidr('0.0.0.0/0'))] });
  const policies: [string, object | null][] = [
    ['fs-anonymous', ANONYMOUS_POLICY],
    ['fs-nopolicy', null],
    ['fs-tls', TLS_ONLY_POLICY],
  ];
  for (const [index, [id, policy]] of policies.entries()) {
    account.fileSystem(id, policy === null ? null : JSON.stringify(policy), {
      Encrypted: true,
      Tags: [{ Key: 'Name', Value: id }],
    });
    // A mount target with a world-open group: a rule that read the network would have something to say.
    account.mountTarget(id, `fsmt-0${index + 1}`, SUBNET, ['sg-open']);
  }
  const accessPoint = (id: string, extra: Partial<AccessPointDescription>) =>
    account.accessPoint(id, 'fs-tls', { Name: id, Tags: [], ...extra });
  accessPoint('fsap-good', { PosixUser: { Uid: 1001, Gid: 1001 }, RootDirectory: { Path: '/apps/web' } });
  accessPoint('fsap-nouser', { RootDirectory: { Path: '/apps/batch' } });
  accessPoint('fsap-root', { PosixUser: { Uid: 1002, Gid: 1002 }, RootDirectory: { Path: '/' } });
  return account.snapshot();
}

/** The rule's real handler: production loaders and clients (answered by the fake), silent logs. */
function handlerFor(rule: Rule) {
  return createRuleHandler(rule, {
    logger: new Logger({ logLevel: 'SILENT' }),
    sleep: async () => {},
  });
}

const config = mockClient(ConfigServiceClient);
let fake: FakeAws;

beforeEach(() => {
  config.reset();
  config.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [] });
  config.on(GetComplianceDetailsByConfigRuleCommand).resolves({ EvaluationResults: [] });
  fake = installFakeAws(dataPlaneSnapshot());
});

afterEach(() => {
  fake.restore();
});

/** Every AWS read the handler made is EFS, and is one the rule's function role holds. */
function expectEfsReadsOnly(ruleId: string): void {
  const actions = fake.actions();
  expect(actions.length).toBeGreaterThan(0);
  expect(actions.filter((action) => !action.startsWith('elasticfilesystem:'))).toEqual([]);
  const allowed = readActionsFor(ruleId);
  expect(actions.filter((action) => !allowed.includes(action))).toEqual([]);
}

describe('efs-file-system-policy handler', () => {
  const handler = () => handlerFor(efsFileSystemPolicy);

  it('posts NON_COMPLIANT, with the annotation, for a file system without a policy', async () => {
    const event = retarget(loadEvent(`${POLICY_RULE}/file-system-change.json`), 'fs-nopolicy');
    const result = await handler()(event, fakeContext());

    expect(config).toHaveReceivedCommandTimes(PutEvaluationsCommand, 1);
    expect(config).toHaveReceivedCommandWith(PutEvaluationsCommand, {
      ResultToken: event.resultToken,
      Evaluations: [
        {
          ComplianceResourceType: FS,
          ComplianceResourceId: 'fs-nopolicy',
          ComplianceType: 'NON_COMPLIANT',
          Annotation: expect.stringMatching(/^No file system policy: .*read-write as root/),
          OrderingTimestamp: CAPTURE_TIME,
        },
      ],
    });
    expect(config.commandCalls(PutEvaluationsCommand)[0]?.args[0].input).not.toHaveProperty('TestMode');
    expect(result.trigger).toBe('change');
    // The live policy decides, not the item's FileSystemPolicy (which shows a compliant policy).
    expect(fake.calls()).toContainEqual({
      command: 'DescribeFileSystemPolicy',
      input: { FileSystemId: 'fs-nopolicy' },
    });
    expectEfsReadsOnly(POLICY_RULE);
  });

  it('posts COMPLIANT, without an annotation, for a TLS-only policy', async () => {
    const event = retarget(loadEvent(`${POLICY_RULE}/file-system-change.json`), 'fs-tls');
    await handler()(event, fakeContext());
    expect(config).toHaveReceivedCommandWith(PutEvaluationsCommand, {
      ResultToken: event.resultToken,
      Evaluations: [
        {
          ComplianceResourceType: FS,
          ComplianceResourceId: 'fs-tls',
          ComplianceType: 'COMPLIANT',
          OrderingTimestamp: CAPTURE_TIME,
        },
      ],
    });
    expectEfsReadsOnly(POLICY_RULE);
  });

  it('evaluates an oversized item from live state and names the offending statement', async () => {
    const event = retarget(loadEvent(`${POLICY_RULE}/file-system-oversized.json`), 'fs-anonymous');
    await handler()(event, fakeContext());
    expect(config).toHaveReceivedCommandWith(PutEvaluationsCommand, {
      Evaluations: [
        {
          ComplianceResourceType: FS,
          ComplianceResourceId: 'fs-anonymous',
          ComplianceType: 'NON_COMPLIANT',
          Annotation: expect.stringContaining('AnonymousReadWrite'),
          OrderingTimestamp: CAPTURE_TIME,
        },
      ],
    });
  });

  it('sends TestMode for the TESTMODE sample', async () => {
    await handler()(
      retarget(loadEvent(`${POLICY_RULE}/testmode-file-system-change.json`), 'fs-tls'),
      fakeContext(),
    );
    expect(config).toHaveReceivedCommandWith(PutEvaluationsCommand, {
      ResultToken: 'TESTMODE',
      TestMode: true,
      Evaluations: [expect.objectContaining({ ComplianceResourceId: 'fs-tls', ComplianceType: 'COMPLIANT' })],
    });
  });

  it('posts NOT_APPLICABLE for a deleted file system', async () => {
    const event = retarget(loadEvent(`${POLICY_RULE}/file-system-deleted.json`), 'fs-0gone');
    await handler()(event, fakeContext());
    expect(config).toHaveReceivedCommandTimes(PutEvaluationsCommand, 1);
    expect(config).toHaveReceivedCommandWith(PutEvaluationsCommand, {
      Evaluations: [
        {
          ComplianceResourceType: FS,
          ComplianceResourceId: 'fs-0gone',
          ComplianceType: 'NOT_APPLICABLE',
          Annotation: DELETED_ANNOTATION,
          OrderingTimestamp: CAPTURE_TIME,
        },
      ],
    });
  });

  it('a scheduled sweep posts every file system, then clears the ones that vanished', async () => {
    config.on(GetComplianceDetailsByConfigRuleCommand).resolves({
      EvaluationResults: [
        {
          EvaluationResultIdentifier: {
            EvaluationResultQualifier: {
              ResourceType: FS,
              ResourceId: 'fs-tls',
              ConfigRuleName: POLICY_RULE,
            },
          },
          ComplianceType: 'COMPLIANT',
        },
        {
          EvaluationResultIdentifier: {
            EvaluationResultQualifier: {
              ResourceType: FS,
              ResourceId: 'fs-0gone',
              ConfigRuleName: POLICY_RULE,
            },
          },
          ComplianceType: 'NON_COMPLIANT',
        },
      ],
    });
    const event = loadEvent(`${POLICY_RULE}/scheduled.json`);
    const result = await handlerFor(efsFileSystemPolicy)(event, fakeContext());

    expect(config).toHaveReceivedCommandTimes(PutEvaluationsCommand, 2);
    expect(config).toHaveReceivedNthSpecificCommandWith(1, PutEvaluationsCommand, {
      ResultToken: event.resultToken,
      Evaluations: [
        {
          ComplianceResourceType: FS,
          ComplianceResourceId: 'fs-anonymous',
          ComplianceType: 'NON_COMPLIANT',
          Annotation: expect.stringContaining('AnonymousReadWrite'),
          OrderingTimestamp: SCHEDULED_TIME,
        },
        {
          ComplianceResourceType: FS,
          ComplianceResourceId: 'fs-nopolicy',
          ComplianceType: 'NON_COMPLIANT',
          Annotation: expect.stringContaining('No file system policy'),
          OrderingTimestamp: SCHEDULED_TIME,
        },
        {
          ComplianceResourceType: FS,
          ComplianceResourceId: 'fs-tls',
          ComplianceType: 'COMPLIANT',
          OrderingTimestamp: SCHEDULED_TIME,
        },
      ],
    });
    expect(config).toHaveReceivedNthSpecificCommandWith(2, PutEvaluationsCommand, {
      Evaluations: [
        {
          ComplianceResourceType: FS,
          ComplianceResourceId: 'fs-0gone',
          ComplianceType: 'NOT_APPLICABLE',
          Annotation: STALE_ANNOTATION,
          OrderingTimestamp: SCHEDULED_TIME,
        },
      ],
    });
    expect(config).toHaveReceivedCommandWith(GetComplianceDetailsByConfigRuleCommand, {
      ConfigRuleName: POLICY_RULE,
    });
    expect(result.trigger).toBe('scheduled');
    // The sweep reads policies, never mount targets or their groups.
    expect(new Set(fake.actions())).toEqual(
      new Set(['elasticfilesystem:DescribeFileSystems', 'elasticfilesystem:DescribeFileSystemPolicy']),
    );
    expect(fake.count('DescribeFileSystemPolicy')).toBe(3);
  });
});

describe('efs-access-point-posix-identity handler', () => {
  const handler = () => handlerFor(efsAccessPointPosixIdentity);

  it("posts NON_COMPLIANT for an access point with root directory '/'", async () => {
    const event = retarget(loadEvent(`${AP_RULE}/access-point-change.json`), 'fsap-root');
    await handler()(event, fakeContext());
    expect(config).toHaveReceivedCommandTimes(PutEvaluationsCommand, 1);
    expect(config).toHaveReceivedCommandWith(PutEvaluationsCommand, {
      ResultToken: event.resultToken,
      Evaluations: [
        {
          ComplianceResourceType: AP,
          ComplianceResourceId: 'fsap-root',
          ComplianceType: 'NON_COMPLIANT',
          Annotation: expect.stringContaining("root directory '/'"),
          OrderingTimestamp: CAPTURE_TIME,
        },
      ],
    });
    // One access point, by id: no listing of the region for a single change.
    expect(fake.calls()).toEqual([
      { command: 'DescribeAccessPoints', input: { AccessPointId: 'fsap-root' } },
    ]);
    expectEfsReadsOnly(AP_RULE);
  });

  it('posts COMPLIANT for an access point with a POSIX user and an application directory', async () => {
    const event = retarget(loadEvent(`${AP_RULE}/access-point-change.json`), 'fsap-good');
    await handler()(event, fakeContext());
    expect(config).toHaveReceivedCommandWith(PutEvaluationsCommand, {
      ResultToken: event.resultToken,
      Evaluations: [
        {
          ComplianceResourceType: AP,
          ComplianceResourceId: 'fsap-good',
          ComplianceType: 'COMPLIANT',
          OrderingTimestamp: CAPTURE_TIME,
        },
      ],
    });
  });

  it('applies the rule parameters from the event', async () => {
    const event = {
      ...retarget(loadEvent(`${AP_RULE}/access-point-change.json`), 'fsap-good'),
      ruleParameters: JSON.stringify({ approvedDirectories: '/apps/api' }),
    };
    await handler()(event, fakeContext());
    expect(config).toHaveReceivedCommandWith(PutEvaluationsCommand, {
      Evaluations: [
        expect.objectContaining({
          ComplianceResourceId: 'fsap-good',
          ComplianceType: 'NON_COMPLIANT',
          Annotation: expect.stringContaining('/apps/web, not in approvedDirectories'),
        }),
      ],
    });
  });

  it('evaluates an oversized item from live state (TESTMODE): no POSIX user', async () => {
    await handler()(
      retarget(loadEvent(`${AP_RULE}/testmode-access-point-oversized.json`), 'fsap-nouser'),
      fakeContext(),
    );
    expect(config).toHaveReceivedCommandWith(PutEvaluationsCommand, {
      ResultToken: 'TESTMODE',
      TestMode: true,
      Evaluations: [
        {
          ComplianceResourceType: AP,
          ComplianceResourceId: 'fsap-nouser',
          ComplianceType: 'NON_COMPLIANT',
          Annotation: expect.stringContaining('enforces no POSIX user'),
          OrderingTimestamp: CAPTURE_TIME,
        },
      ],
    });
  });

  it('posts NOT_APPLICABLE for a deleted access point (DescribeAccessPoints answers AccessPointNotFound)', async () => {
    const event = loadEvent(`${AP_RULE}/access-point-deleted.json`);
    await handler()(event, fakeContext());
    expect(config).toHaveReceivedCommandTimes(PutEvaluationsCommand, 1);
    expect(config).toHaveReceivedCommandWith(PutEvaluationsCommand, {
      ResultToken: event.resultToken,
      Evaluations: [
        {
          ComplianceResourceType: AP,
          ComplianceResourceId: 'fsap-0123456789abcdef0',
          ComplianceType: 'NOT_APPLICABLE',
          Annotation: DELETED_ANNOTATION,
          OrderingTimestamp: CAPTURE_TIME,
        },
      ],
    });
    expectEfsReadsOnly(AP_RULE);
  });

  it('a scheduled sweep (TESTMODE) posts every access point of the region', async () => {
    await handler()(loadEvent(`${AP_RULE}/testmode-scheduled.json`), fakeContext());
    expect(config).toHaveReceivedCommandTimes(PutEvaluationsCommand, 1);
    expect(config).toHaveReceivedCommandWith(PutEvaluationsCommand, {
      ResultToken: 'TESTMODE',
      TestMode: true,
      Evaluations: [
        {
          ComplianceResourceType: AP,
          ComplianceResourceId: 'fsap-good',
          ComplianceType: 'COMPLIANT',
          OrderingTimestamp: SCHEDULED_TIME,
        },
        {
          ComplianceResourceType: AP,
          ComplianceResourceId: 'fsap-nouser',
          ComplianceType: 'NON_COMPLIANT',
          Annotation: expect.stringContaining('enforces no POSIX user'),
          OrderingTimestamp: SCHEDULED_TIME,
        },
        {
          ComplianceResourceType: AP,
          ComplianceResourceId: 'fsap-root',
          ComplianceType: 'NON_COMPLIANT',
          Annotation: expect.stringContaining("root directory '/'"),
          OrderingTimestamp: SCHEDULED_TIME,
        },
      ],
    });
    // One region-wide listing; no file-system or mount-target reads.
    expect(new Set(fake.actions())).toEqual(new Set(['elasticfilesystem:DescribeAccessPoints']));
  });
});

describe('the data-plane handlers need no EC2 permission', () => {
  const EC2_COMMANDS = [
    'DescribeVpcs',
    'DescribeSubnets',
    'DescribeSecurityGroups',
    'DescribeNetworkInterfaces',
    'DescribeNetworkAcls',
    'DescribeManagedPrefixLists',
    'GetManagedPrefixListEntries',
  ];
  const CASES: [string, Rule, () => ReturnType<typeof loadEvent>][] = [
    [
      'file-system change',
      efsFileSystemPolicy,
      () => retarget(loadEvent(`${POLICY_RULE}/file-system-change.json`), 'fs-tls'),
    ],
    ['file-system sweep', efsFileSystemPolicy, () => loadEvent(`${POLICY_RULE}/scheduled.json`)],
    [
      'access-point change',
      efsAccessPointPosixIdentity,
      () => retarget(loadEvent(`${AP_RULE}/access-point-change.json`), 'fsap-good'),
    ],
    ['access-point sweep', efsAccessPointPosixIdentity, () => loadEvent(`${AP_RULE}/scheduled.json`)],
  ];

  it.each(CASES)('%s: still posts when every EC2 call is denied', async (_name, rule, event) => {
    // What AWS answers a role without ec2:Describe*.
    for (const command of EC2_COMMANDS) fake.fail(command, awsError('UnauthorizedOperation'));
    const result = await handlerFor(rule)(event(), fakeContext());
    expect(result.evaluations.length).toBeGreaterThan(0);
    expect(config).toHaveReceivedCommand(PutEvaluationsCommand);
    expect(fake.calls().filter((call) => EC2_COMMANDS.includes(call.command))).toEqual([]);
    expectEfsReadsOnly(rule.id);
  });
});

// The IAM samples of events/efs-api-least-privilege/ name these entities (ids, names, ARNs), so the
// fake serves them as they are (the managed policy as policy-change.json names it). Documents are URL-encoded, as GetAccountAuthorizationDetails returns them.
const encode = (document: object) => encodeURIComponent(JSON.stringify(document));
const EFS_ADMIN = {
  Version: '2012-10-17',
  Statement: [{ Sid: 'EfsAdmin', Effect: 'Allow', Action: 'elasticfilesystem:*', Resource: '*' }],
};
const ONE_FILE_SYSTEM = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'OneFileSystem',
      Effect: 'Allow',
      Action: ['elasticfilesystem:PutFileSystemPolicy', 'elasticfilesystem:DeleteFileSystemPolicy'],
      Resource: `arn:aws:elasticfilesystem:${MOTO_REGION}:${MOTO_ACCOUNT_ID}:file-system/fs-tls`,
    },
  ],
};

/** The entity an IAM sample event names: Config's resourceId, resourceName and ARN. */
function entityOf(file: string): { id: string; name: string; arn: string } {
  const item = itemOf(invokingEventOf(loadEvent(`${IAM_RULE}/${file}`)));
  return { id: String(item.resourceId), name: String(item.resourceName), arn: String(item.ARN) };
}

function iamSnapshot(): Snapshot {
  const broad = entityOf('policy-change.json');
  return {
    ...dataPlaneSnapshot(),
    iam: {
      Policies: [
        {
          PolicyName: broad.name,
          PolicyId: broad.id,
          Arn: broad.arn,
          Path: '/',
          DefaultVersionId: 'v2',
          AttachmentCount: 0,
          IsAttachable: true,
          PolicyVersionList: [
            { Document: encode(EFS_ADMIN), VersionId: 'v2', IsDefaultVersion: true },
            { Document: encode(ONE_FILE_SYSTEM), VersionId: 'v1', IsDefaultVersion: false },
          ],
        },
      ],
      UserDetailList: [
        {
          UserName: 'storage-operator',
          UserId: 'AIDAZ2ZQ5EXAMPLE0USER',
          Arn: `arn:aws:iam::${MOTO_ACCOUNT_ID}:user/storage-operator`,
          Path: '/',
          UserPolicyList: [{ PolicyName: 'one-file-system', PolicyDocument: encode(ONE_FILE_SYSTEM) }],
          GroupList: ['storage-admins'],
          AttachedManagedPolicies: [],
        },
      ],
      GroupDetailList: [
        {
          GroupName: 'storage-admins',
          GroupId: 'AGPAZ2ZQ5EXAMPLE0GRUP',
          Arn: `arn:aws:iam::${MOTO_ACCOUNT_ID}:group/storage-admins`,
          Path: '/',
          GroupPolicyList: [{ PolicyName: 'efs-everything', PolicyDocument: encode(EFS_ADMIN) }],
          AttachedManagedPolicies: [],
        },
      ],
      RoleDetailList: [],
    },
  };
}

describe('efs-api-least-privilege handler on the IAM samples', () => {
  beforeEach(() => fake.setSnapshot(iamSnapshot()));

  /** The region of the Config client that posted: IAM items say awsRegion "global", which has no Config endpoint. */
  async function postedRegion(): Promise<string> {
    const call = config.commandCalls(PutEvaluationsCommand)[0];
    const client = call?.thisValue as ConfigServiceClient | undefined;
    return client ? await client.config.region() : '(no PutEvaluations)';
  }

  it.each([
    [
      'policy-change.json',
      'AWS::IAM::Policy',
      entityOf('policy-change.json').id,
      'NON_COMPLIANT',
      'EfsAdmin',
    ],
    ['group-change.json', 'AWS::IAM::Group', 'AGPAZ2ZQ5EXAMPLE0GRUP', 'NON_COMPLIANT', 'efs-everything'],
    ['user-change.json', 'AWS::IAM::User', 'AIDAZ2ZQ5EXAMPLE0USER', 'COMPLIANT', undefined],
  ])('%s: posts %s %s in the rule region, reading IAM only', async (file, type, id, compliance, named) => {
    const event = loadEvent(`${IAM_RULE}/${file}`);
    await handlerFor(efsApiLeastPrivilege)(event, fakeContext());
    expect(config).toHaveReceivedCommandWith(PutEvaluationsCommand, {
      ResultToken: event.resultToken,
      Evaluations: expect.arrayContaining([
        {
          ComplianceResourceType: type,
          ComplianceResourceId: id,
          ComplianceType: compliance,
          ...(named ? { Annotation: expect.stringContaining(named) } : {}),
          OrderingTimestamp: CAPTURE_TIME,
        },
      ]),
    });
    expect(await postedRegion()).toBe(MOTO_REGION);
    const actions = fake.actions();
    expect(actions.filter((action) => !action.startsWith('iam:'))).toEqual([]);
    expect(actions.filter((action) => !readActionsFor(IAM_RULE).includes(action))).toEqual([]);
  });

  it('a scheduled sweep posts every customer-managed policy, user and group', async () => {
    await handlerFor(efsApiLeastPrivilege)(loadEvent(`${IAM_RULE}/testmode-scheduled.json`), fakeContext());
    const posted = config
      .commandCalls(PutEvaluationsCommand)
      .flatMap((call) => call.args[0].input.Evaluations ?? [])
      .map((e) => `${e.ComplianceResourceType} ${e.ComplianceResourceId} ${e.ComplianceType}`)
      .sort();
    expect(posted).toEqual([
      'AWS::IAM::Group AGPAZ2ZQ5EXAMPLE0GRUP NON_COMPLIANT',
      `AWS::IAM::Policy ${entityOf('policy-change.json').id} NON_COMPLIANT`,
      'AWS::IAM::User AIDAZ2ZQ5EXAMPLE0USER COMPLIANT',
    ]);
    expect(config).toHaveReceivedCommandWith(PutEvaluationsCommand, { TestMode: true });
    expect(new Set(fake.actions())).toEqual(new Set(['iam:GetAccountAuthorizationDetails']));
  });
});
