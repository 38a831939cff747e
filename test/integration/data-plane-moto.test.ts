// The data-plane and API rules end to end against one real moto server: file systems, policies, access
// points and IAM are created through the AWS API, then judged by `efsguard scan --format json` and by
// `efsguard invoke` on the TESTMODE sample events of events/ retargeted at those resources (what the
// handler posted with PutEvaluations, which moto accepts in test mode). Both go through the CLI's
// in-process entry point, cli/run.ts.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeAccessPointsCommand,
  DescribeFileSystemPolicyCommand,
  PutFileSystemPolicyCommand,
} from '@aws-sdk/client-efs';
import {
  AttachUserPolicyCommand,
  CreateGroupCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  PutGroupPolicyCommand,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam';
import type { PostedEvaluation } from '../../aws/config/evaluation-sink';
import type { ConfigRuleEvent } from '../../aws/config/event';
import { type AwsClients, createAwsClients } from '../../aws/sdk/clients';
import { destroyAwsClients } from '../../aws/sdk/destroy-clients';
import type { ScanReport } from '../../cli/output';
import { ANONYMOUS_POLICY, TLS_ONLY_POLICY } from '../fixtures/data-plane-policies';
import { MOTO_ACCOUNT_ID, MOTO_REGION } from '../helpers/accounts';
import { AccountBuilder } from '../helpers/build-account';
import { runCli } from '../helpers/cli';
import { editInvokingEvent, itemOf, loadEvent, retarget } from '../helpers/events';
import { type MotoServer, startMoto } from '../helpers/moto';

const POLICY_RULE = 'efs-file-system-policy';
const AP_RULE = 'efs-access-point-posix-identity';
const IAM_RULE = 'efs-api-least-privilege';

const TRUST = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};
const EFS_ALL_ON_STAR = {
  Version: '2012-10-17',
  Statement: [{ Sid: 'EfsEverything', Effect: 'Allow', Action: 'elasticfilesystem:*', Resource: '*' }],
};
const EFS_READ_ONLY = {
  Version: '2012-10-17',
  Statement: [
    { Sid: 'DescribeOnly', Effect: 'Allow', Action: ['elasticfilesystem:Describe*'], Resource: '*' },
  ],
};

// Allows minus Denies: each judged through the real IAM loaders (GetAccountAuthorizationDetails for scan,
// GetPolicy/GetPolicyVersion or GetRole/GetRolePolicy for invoke).
const EFS_ALL_DENIED = {
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: 'elasticfilesystem:*', Resource: '*' },
    { Effect: 'Deny', Action: 'elasticfilesystem:*', Resource: '*' },
  ],
};
const efsGuardrail = (fileSystemArn: string) => ({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: '*', Resource: '*' },
    { Sid: 'OnlyOneFileSystem', Effect: 'Deny', Action: 'elasticfilesystem:*', NotResource: fileSystemArn },
  ],
});
const EFS_NO_DELETES = {
  Version: '2012-10-17',
  Statement: [
    { Sid: 'EfsAll', Effect: 'Allow', Action: 'elasticfilesystem:*', Resource: '*' },
    { Sid: 'NoDeletes', Effect: 'Deny', Action: 'elasticfilesystem:Delete*', Resource: '*' },
  ],
};

let moto: MotoServer;
let clients: AwsClients;
const ids: Record<string, string> = {};
const workDir = mkdtempSync(join(tmpdir(), 'efsguard-data-plane-'));

async function scan(rules: string[]): Promise<ScanReport> {
  const result = await runCli([
    'scan',
    '--endpoint-url',
    moto.endpoint,
    '--region',
    MOTO_REGION,
    '--format',
    'json',
    '--no-progress',
    '--rules',
    rules.join(','),
  ]);
  if (result.code !== 0) throw new Error(`efsguard scan exited ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout) as ScanReport;
}

async function invoke(event: ConfigRuleEvent): Promise<PostedEvaluation[]> {
  const file = join(workDir, `event-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(event));
  const result = await runCli([
    'invoke',
    '--event',
    file,
    '--endpoint-url',
    moto.endpoint,
    '--format',
    'json',
  ]);
  if (result.code !== 0) throw new Error(`efsguard invoke exited ${result.code}: ${result.stderr}`);
  return (JSON.parse(result.stdout) as { evaluations: PostedEvaluation[] }).evaluations;
}

/** resourceId -> complianceType of one rule's evaluations. */
function verdicts(
  evaluations: readonly { rule: string; resourceId: string; complianceType: string }[],
  rule: string,
) {
  return Object.fromEntries(
    evaluations.filter((e) => e.rule === rule).map((e) => [e.resourceId, e.complianceType]),
  );
}

function annotationOf(
  evaluations: readonly { resourceId: string; annotation?: string }[],
  resourceId: string,
) {
  return evaluations.find((e) => e.resourceId === resourceId)?.annotation ?? '';
}

/** An IAM sample event pointed at a moto entity: Config names IAM resources by id, name and ARN. */
function retargetIam(
  event: ConfigRuleEvent,
  entity: { id: string; name: string; arn: string },
): ConfigRuleEvent {
  return editInvokingEvent(event, (invokingEvent) => {
    const item = itemOf(invokingEvent);
    item.resourceId = entity.id;
    item.resourceName = entity.name;
    item.ARN = entity.arn;
  });
}

beforeAll(async () => {
  moto = await startMoto();
  clients = createAwsClients({ endpoint: moto.endpoint, region: MOTO_REGION });
  const b = new AccountBuilder(clients);

  ids.fsNoPolicy = await b.fileSystem('no-policy');
  ids.fsTls = await b.fileSystem('tls-only');
  await b.policy(ids.fsTls, TLS_ONLY_POLICY);
  ids.fsAnonymous = await b.fileSystem('anonymous');
  await b.policy(ids.fsAnonymous, ANONYMOUS_POLICY);
  // moto stores any text as a policy (AWS answers InvalidPolicyException): the rule must fail closed on it.
  ids.fsUnreadable = await b.fileSystem('unreadable');
  await clients.efs.send(
    new PutFileSystemPolicyCommand({ FileSystemId: ids.fsUnreadable, Policy: '{"Statement":' }),
  );

  ids.apGood = await b.accessPoint({
    FileSystemId: ids.fsTls,
    PosixUser: { Uid: 1001, Gid: 1001 },
    RootDirectory: {
      Path: '/apps/web',
      CreationInfo: { OwnerUid: 1001, OwnerGid: 1001, Permissions: '0750' },
    },
  });
  ids.apNoUser = await b.accessPoint({ FileSystemId: ids.fsTls, RootDirectory: { Path: '/apps/batch' } });
  ids.apRoot = await b.accessPoint({
    FileSystemId: ids.fsTls,
    PosixUser: { Uid: 1002, Gid: 1002 },
    RootDirectory: { Path: '/' },
  });

  const role = await clients.iam.send(
    new CreateRoleCommand({ RoleName: 'app-deployer', AssumeRolePolicyDocument: JSON.stringify(TRUST) }),
  );
  ids.role = role.Role?.RoleId as string;
  await clients.iam.send(
    new PutRolePolicyCommand({
      RoleName: 'app-deployer',
      PolicyName: 'efs-everything',
      PolicyDocument: JSON.stringify(EFS_ALL_ON_STAR),
    }),
  );
  const user = await clients.iam.send(new CreateUserCommand({ UserName: 'storage-operator' }));
  ids.user = user.User?.UserId as string;
  ids.userArn = user.User?.Arn as string;
  const readOnly = await clients.iam.send(
    new CreatePolicyCommand({ PolicyName: 'efs-read-only', PolicyDocument: JSON.stringify(EFS_READ_ONLY) }),
  );
  ids.readOnlyPolicy = readOnly.Policy?.PolicyId as string;
  ids.readOnlyPolicyArn = readOnly.Policy?.Arn as string;
  await clients.iam.send(
    new AttachUserPolicyCommand({ UserName: 'storage-operator', PolicyArn: ids.readOnlyPolicyArn }),
  );
  const group = await clients.iam.send(new CreateGroupCommand({ GroupName: 'storage-admins' }));
  ids.group = group.Group?.GroupId as string;
  ids.groupArn = group.Group?.Arn as string;
  await clients.iam.send(
    new PutGroupPolicyCommand({
      GroupName: 'storage-admins',
      PolicyName: 'efs-everything',
      PolicyDocument: JSON.stringify(EFS_ALL_ON_STAR),
    }),
  );

  const allDenied = await clients.iam.send(
    new CreatePolicyCommand({ PolicyName: 'efs-all-denied', PolicyDocument: JSON.stringify(EFS_ALL_DENIED) }),
  );
  ids.allDeniedPolicy = allDenied.Policy?.PolicyId as string;
  const guardrail = await clients.iam.send(
    new CreatePolicyCommand({
      PolicyName: 'efs-guardrail',
      PolicyDocument: JSON.stringify(
        efsGuardrail(`arn:aws:elasticfilesystem:${MOTO_REGION}:${MOTO_ACCOUNT_ID}:file-system/${ids.fsTls}`),
      ),
    }),
  );
  ids.guardrailPolicy = guardrail.Policy?.PolicyId as string;
  ids.guardrailPolicyArn = guardrail.Policy?.Arn as string;
  const noDeletes = await clients.iam.send(
    new CreateRoleCommand({ RoleName: 'efs-no-deletes', AssumeRolePolicyDocument: JSON.stringify(TRUST) }),
  );
  ids.noDeletesRole = noDeletes.Role?.RoleId as string;
  ids.noDeletesRoleArn = noDeletes.Role?.Arn as string;
  await clients.iam.send(
    new PutRolePolicyCommand({
      RoleName: 'efs-no-deletes',
      PolicyName: 'efs-no-deletes',
      PolicyDocument: JSON.stringify(EFS_NO_DELETES),
    }),
  );
}, 120_000);

afterAll(async () => {
  if (clients) destroyAwsClients(clients);
  await moto?.stop();
});

describe('moto implements what the data-plane loaders call', () => {
  it('DescribeFileSystemPolicy returns the stored policy, and PolicyNotFound when there is none', async () => {
    const out = await clients.efs.send(new DescribeFileSystemPolicyCommand({ FileSystemId: ids.fsTls }));
    expect(JSON.parse(out.Policy as string)).toEqual(TLS_ONLY_POLICY);
    await expect(
      clients.efs.send(new DescribeFileSystemPolicyCommand({ FileSystemId: ids.fsNoPolicy })),
    ).rejects.toMatchObject({ name: 'PolicyNotFound' });
  });

  it('DescribeAccessPoints lists the region and finds one by id', async () => {
    const all = await clients.efs.send(new DescribeAccessPointsCommand({}));
    expect((all.AccessPoints ?? []).map((ap) => ap.AccessPointId).sort()).toEqual(
      [ids.apGood, ids.apNoUser, ids.apRoot].sort(),
    );
    const one = await clients.efs.send(new DescribeAccessPointsCommand({ AccessPointId: ids.apRoot }));
    expect(one.AccessPoints?.[0]?.RootDirectory?.Path).toBe('/');
  });
});

describe('efsguard scan --rules efs-file-system-policy,efs-access-point-posix-identity,efs-api-least-privilege', () => {
  let report: ScanReport;
  beforeAll(async () => {
    report = await scan([POLICY_RULE, AP_RULE, IAM_RULE]);
  }, 60_000);

  it('judges each file system by its policy', () => {
    expect(verdicts(report.evaluations, POLICY_RULE)).toEqual({
      [ids.fsNoPolicy as string]: 'NON_COMPLIANT',
      [ids.fsTls as string]: 'COMPLIANT',
      [ids.fsAnonymous as string]: 'NON_COMPLIANT',
      [ids.fsUnreadable as string]: 'NON_COMPLIANT',
    });
    expect(annotationOf(report.evaluations, ids.fsNoPolicy as string)).toMatch(/^No file system policy/);
    expect(annotationOf(report.evaluations, ids.fsUnreadable as string)).toMatch(
      /^The file system policy cannot be parsed/,
    );
    expect(annotationOf(report.evaluations, ids.fsAnonymous as string)).toContain(
      '"AnonymousReadWrite" grants ClientMount and ClientWrite to everyone',
    );
  });

  it('judges each access point by its POSIX user and root directory', () => {
    expect(verdicts(report.evaluations, AP_RULE)).toEqual({
      [ids.apGood as string]: 'COMPLIANT',
      [ids.apNoUser as string]: 'NON_COMPLIANT',
      [ids.apRoot as string]: 'NON_COMPLIANT',
    });
    expect(annotationOf(report.evaluations, ids.apNoUser as string)).toContain('enforces no POSIX user');
    expect(annotationOf(report.evaluations, ids.apRoot as string)).toContain("root directory '/'");
  });

  it('flags the role and the group with elasticfilesystem:* on "*", not the read-only user and policy', () => {
    const iam = verdicts(report.evaluations, IAM_RULE);
    expect(iam).toMatchObject({
      [ids.role as string]: 'NON_COMPLIANT',
      [ids.group as string]: 'NON_COMPLIANT',
      [ids.user as string]: 'COMPLIANT',
      [ids.readOnlyPolicy as string]: 'COMPLIANT',
    });
    expect(annotationOf(report.evaluations, ids.role as string)).toContain('EfsEverything');
  });

  it('subtracts Deny statements: what remains allowed on every resource decides', () => {
    expect(verdicts(report.evaluations, IAM_RULE)).toMatchObject({
      [ids.allDeniedPolicy as string]: 'COMPLIANT',
      [ids.guardrailPolicy as string]: 'COMPLIANT',
      [ids.noDeletesRole as string]: 'NON_COMPLIANT',
    });
    expect(annotationOf(report.evaluations, ids.noDeletesRole as string)).toMatch(
      /^inline policy efs-no-deletes: statement "EfsAll" allows every EFS write action but DeleteFileSystem, DeleteMountTarget, DeleteFileSystemPolicy, DeleteAccessPoint, DeleteReplicationConfiguration, DeleteTags on every resource\./,
    );
  });

  it('summarises by rule, for the moto account and region', () => {
    expect(report.summary).toMatchObject({ accountId: MOTO_ACCOUNT_ID, region: MOTO_REGION });
    expect(report.summary.byRule[POLICY_RULE]).toEqual({
      COMPLIANT: 1,
      NON_COMPLIANT: 3,
      NOT_APPLICABLE: 0,
      WAIVED: 0,
    });
    expect(report.summary.byRule[AP_RULE]).toEqual({
      COMPLIANT: 1,
      NON_COMPLIANT: 2,
      NOT_APPLICABLE: 0,
      WAIVED: 0,
    });
  });
});

describe('efsguard invoke on the TESTMODE samples', () => {
  it('a file-system change posts the verdict of its live policy', async () => {
    const noPolicy = await invoke(
      retarget(loadEvent(`${POLICY_RULE}/testmode-file-system-change.json`), ids.fsNoPolicy as string),
    );
    expect(noPolicy).toEqual([
      expect.objectContaining({
        rule: POLICY_RULE,
        resourceType: 'AWS::EFS::FileSystem',
        resourceId: ids.fsNoPolicy,
        complianceType: 'NON_COMPLIANT',
        annotation: expect.stringMatching(/^No file system policy/),
      }),
    ]);
    const tls = await invoke(
      retarget(loadEvent(`${POLICY_RULE}/testmode-file-system-change.json`), ids.fsTls as string),
    );
    expect(verdicts(tls, POLICY_RULE)).toEqual({ [ids.fsTls as string]: 'COMPLIANT' });
  });

  it('an oversized file-system item is judged from live state', async () => {
    const evaluations = await invoke(
      retarget(loadEvent(`${POLICY_RULE}/testmode-file-system-oversized.json`), ids.fsAnonymous as string),
    );
    expect(verdicts(evaluations, POLICY_RULE)).toEqual({ [ids.fsAnonymous as string]: 'NON_COMPLIANT' });
    expect(annotationOf(evaluations, ids.fsAnonymous as string)).toContain('AnonymousReadWrite');
  });

  it('a deleted file system is NOT_APPLICABLE', async () => {
    const evaluations = await invoke(loadEvent(`${POLICY_RULE}/testmode-file-system-deleted.json`));
    expect(evaluations).toEqual([
      expect.objectContaining({ resourceId: 'fs-0123456789abcdef0', complianceType: 'NOT_APPLICABLE' }),
    ]);
  });

  it('an access-point change posts its verdict', async () => {
    const root = await invoke(
      retarget(loadEvent(`${AP_RULE}/testmode-access-point-change.json`), ids.apRoot as string),
    );
    expect(root).toEqual([
      expect.objectContaining({
        rule: AP_RULE,
        resourceType: 'AWS::EFS::AccessPoint',
        resourceId: ids.apRoot,
        complianceType: 'NON_COMPLIANT',
        annotation: expect.stringContaining("root directory '/'"),
      }),
    ]);
    const good = await invoke(
      retarget(loadEvent(`${AP_RULE}/testmode-access-point-change.json`), ids.apGood as string),
    );
    expect(verdicts(good, AP_RULE)).toEqual({ [ids.apGood as string]: 'COMPLIANT' });
  });

  it('a deleted access point is NOT_APPLICABLE', async () => {
    const evaluations = await invoke(loadEvent(`${AP_RULE}/testmode-access-point-deleted.json`));
    expect(evaluations).toEqual([
      expect.objectContaining({ resourceId: 'fsap-0123456789abcdef0', complianceType: 'NOT_APPLICABLE' }),
    ]);
  });

  it('scheduled runs sweep the region', async () => {
    expect(verdicts(await invoke(loadEvent(`${POLICY_RULE}/testmode-scheduled.json`)), POLICY_RULE)).toEqual({
      [ids.fsNoPolicy as string]: 'NON_COMPLIANT',
      [ids.fsTls as string]: 'COMPLIANT',
      [ids.fsAnonymous as string]: 'NON_COMPLIANT',
      [ids.fsUnreadable as string]: 'NON_COMPLIANT',
    });
    expect(verdicts(await invoke(loadEvent(`${AP_RULE}/testmode-scheduled.json`)), AP_RULE)).toEqual({
      [ids.apGood as string]: 'COMPLIANT',
      [ids.apNoUser as string]: 'NON_COMPLIANT',
      [ids.apRoot as string]: 'NON_COMPLIANT',
    });
  });

  it('IAM change events load the changed entity by name', async () => {
    const group = await invoke(
      retargetIam(loadEvent(`${IAM_RULE}/testmode-group-change.json`), {
        id: ids.group as string,
        name: 'storage-admins',
        arn: ids.groupArn as string,
      }),
    );
    expect(verdicts(group, IAM_RULE)).toEqual({ [ids.group as string]: 'NON_COMPLIANT' });
    const user = await invoke(
      retargetIam(loadEvent(`${IAM_RULE}/testmode-user-change.json`), {
        id: ids.user as string,
        name: 'storage-operator',
        arn: ids.userArn as string,
      }),
    );
    expect(verdicts(user, IAM_RULE)).toEqual({ [ids.user as string]: 'COMPLIANT' });
    const policy = await invoke(
      retargetIam(loadEvent(`${IAM_RULE}/testmode-policy-change.json`), {
        id: ids.readOnlyPolicy as string,
        name: 'efs-read-only',
        arn: ids.readOnlyPolicyArn as string,
      }),
    );
    expect(verdicts(policy, IAM_RULE)).toMatchObject({ [ids.readOnlyPolicy as string]: 'COMPLIANT' });
  });

  it('IAM change events judge Allows minus Denies', async () => {
    const guardrail = await invoke(
      retargetIam(loadEvent(`${IAM_RULE}/testmode-policy-change.json`), {
        id: ids.guardrailPolicy as string,
        name: 'efs-guardrail',
        arn: ids.guardrailPolicyArn as string,
      }),
    );
    expect(verdicts(guardrail, IAM_RULE)).toMatchObject({ [ids.guardrailPolicy as string]: 'COMPLIANT' });
    const role = await invoke(
      retargetIam(loadEvent(`${IAM_RULE}/testmode-role-change.json`), {
        id: ids.noDeletesRole as string,
        name: 'efs-no-deletes',
        arn: ids.noDeletesRoleArn as string,
      }),
    );
    expect(verdicts(role, IAM_RULE)).toEqual({ [ids.noDeletesRole as string]: 'NON_COMPLIANT' });
    expect(annotationOf(role, ids.noDeletesRole as string)).toContain(
      'every EFS write action but DeleteFileSystem',
    );
  });
});
