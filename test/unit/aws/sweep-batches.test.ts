import { EC2Client } from '@aws-sdk/client-ec2';
import { EFSClient } from '@aws-sdk/client-efs';
import { planVpcBatches, sweepNetworkInBatches } from '../../../aws/load/sweep-batches';
import type { Snapshot } from '../../../aws/snapshot/format';
import { normaliseSnapshot } from '../../../aws/snapshot/normalise';
import { ALL, type Evaluation } from '../../../core/model';
import { getRule } from '../../../core/rules';
import {
  addIpv6Resources,
  addUnrelatedVpcs,
  buildRichAccount,
  buildRoutedAccount,
  FakeAccount,
  fromGroup,
  nfs,
} from '../../helpers/fake-account';
import { type FakeAws, installFakeAws } from '../../helpers/fake-aws';

const NETWORK_RULES = ['efs-mount-target-nfs-ingress', 'efs-client-nfs-egress', 'efs-nfs-network-acl'];

const CLIENTS = {
  ec2: new EC2Client({ region: 'eu-west-1' }),
  efs: new EFSClient({ region: 'eu-west-1' }),
};

const verdictKey = (ruleId: string, evaluation: Evaluation) =>
  `${ruleId}|${evaluation.resourceType}|${evaluation.resourceId}`;

/**
 * Sweeps `snapshot` (served by the fake AWS) in batches and judges each batch with `ruleIds`, failing on
 * a verdict given twice; returns the batches' VPCs, the verdicts, and the whole region's verdicts.
 */
async function sweepAndJudge(
  snapshot: Snapshot,
  ruleIds: readonly string[],
  options: { readonly routing?: boolean },
  onBatch: (batch: Snapshot) => void = () => {},
) {
  const whole = normaliseSnapshot(snapshot);
  const expected = new Map<string, Evaluation>();
  for (const ruleId of ruleIds)
    for (const evaluation of getRule(ruleId).evaluate(whole, ALL))
      expected.set(verdictKey(ruleId, evaluation), evaluation);
  const got = new Map<string, Evaluation>();
  const batches: string[][] = [];
  await sweepNetworkInBatches(
    CLIENTS,
    { accountId: snapshot.accountId, region: snapshot.region, maxGroupsPerBatch: 1, ...options },
    async (batch) => {
      batches.push(batch.vpcs.map((vpc) => vpc.VpcId as string));
      onBatch(batch);
      const topology = normaliseSnapshot(batch);
      for (const ruleId of ruleIds) {
        for (const evaluation of getRule(ruleId).evaluate(topology, ALL)) {
          expect(got.has(verdictKey(ruleId, evaluation))).toBe(false);
          got.set(verdictKey(ruleId, evaluation), evaluation);
        }
      }
    },
  );
  return { batches, got: new Map([...got].sort()), expected: new Map([...expected].sort()) };
}

describe('planVpcBatches', () => {
  const groups = new Map([
    ['sg-a', 'vpc-a'],
    ['sg-b', 'vpc-b'],
    ['sg-c', 'vpc-c'],
    ['sg-d', 'vpc-d'],
    ['sg-d2', 'vpc-d'],
  ]);

  it('keeps VPCs linked by a group reference, in either direction, in one batch', () => {
    const batches = planVpcBatches(
      ['vpc-a', 'vpc-b', 'vpc-c', 'vpc-d'],
      groups,
      [
        { vpcId: 'vpc-c', groupId: 'sg-a' }, // c references a: c and a together
        { vpcId: 'vpc-b', groupId: 'sg-b' }, // within one VPC: links nothing
        { vpcId: 'vpc-b', groupId: 'sg-elsewhere' }, // a group outside the listing links nothing
      ],
      1,
    );
    expect(batches.map((batch) => batch.vpcIds)).toEqual([['vpc-a', 'vpc-c'], ['vpc-d'], ['vpc-b']]);
    expect(batches.map((batch) => batch.securityGroups)).toEqual([2, 2, 1]);
  });

  it('packs whole connected groups up to the budget, and a VPC without groups still gets a batch', () => {
    const batches = planVpcBatches(['vpc-a', 'vpc-b', 'vpc-c', 'vpc-d', 'vpc-empty'], groups, [], 3);
    expect(batches.flatMap((batch) => batch.vpcIds).sort()).toEqual([
      'vpc-a',
      'vpc-b',
      'vpc-c',
      'vpc-d',
      'vpc-empty',
    ]);
    for (const batch of batches) expect(batch.securityGroups).toBeLessThanOrEqual(3);
    expect(batches).toHaveLength(2);
  });

  it('keeps VPCs that routing joins (peering, a shared Transit Gateway) in one batch', () => {
    const batches = planVpcBatches(['vpc-a', 'vpc-b', 'vpc-c', 'vpc-d'], groups, [], 1, [
      ['vpc-b', 'vpc-d'],
      ['vpc-d', 'vpc-a'],
    ]);
    expect(batches.map((batch) => batch.vpcIds)).toEqual([['vpc-a', 'vpc-b', 'vpc-d'], ['vpc-c']]);
  });

  it('gives a connected group larger than the budget a batch of its own', () => {
    // vpc-b and vpc-c are not in the VPC listing but hold groups: they are swept too.
    const batches = planVpcBatches(['vpc-a', 'vpc-d'], groups, [{ vpcId: 'vpc-a', groupId: 'sg-d' }], 1);
    expect(batches).toEqual([
      { vpcIds: ['vpc-a', 'vpc-d'], securityGroups: 3 },
      { vpcIds: ['vpc-b'], securityGroups: 1 },
      { vpcIds: ['vpc-c'], securityGroups: 1 },
    ]);
  });
});

describe('sweepNetworkInBatches', () => {
  /** The rich account, IPv6 included, three unrelated VPCs, and one of them admitting a client group of vpc-0a. */
  function account(): Snapshot {
    const snapshot = addUnrelatedVpcs(addIpv6Resources(buildRichAccount()), 3).snapshot();
    const peered = snapshot.securityGroups.find((group) => group.GroupId === 'sg-10001mt');
    const client = snapshot.securityGroups.find((group) => group.VpcId === 'vpc-0a')?.GroupId as string;
    peered?.IpPermissions?.push(nfs(fromGroup(client)));
    return snapshot;
  }

  const snapshot = account();
  let fake: FakeAws;
  beforeAll(() => {
    fake = installFakeAws(snapshot, { pageSize: 2 });
  });
  afterAll(() => fake.restore());

  it('judges every resource exactly once, as the whole-region load does, one batch at a time', async () => {
    const { batches, got, expected } = await sweepAndJudge(snapshot, NETWORK_RULES, {});
    // Several batches; the VPC whose group admits a client group of vpc-0a is judged with vpc-0a.
    expect(batches.length).toBeGreaterThan(2);
    expect(batches.find((vpcIds) => vpcIds.includes('vpc-0a'))).toContain('vpc-10001');
    expect(got).toEqual(expected);
  });

  it('hands file systems without mount targets to the first batch, even in a region without VPCs', async () => {
    const empty = new FakeAccount().fileSystem('fs-0lonely').snapshot();
    fake.restore();
    fake = installFakeAws(empty);
    const seen: string[][] = [];
    await sweepNetworkInBatches(
      CLIENTS,
      { accountId: empty.accountId, region: empty.region },
      async (batch) => {
        seen.push(batch.fileSystems.map((fs) => fs.FileSystemId as string));
      },
    );
    expect(seen).toEqual([['fs-0lonely']]);
  });
});

describe('sweepNetworkInBatches with routing', () => {
  const ROUTED_RULES = ['efs-client-nfs-egress', 'efs-nfs-network-acl', 'efs-nfs-exposure'];
  // vpc-0e is joined to vpc-0a by the Transit Gateway alone, vpc-0d by a pending peering alone.
  const snapshot = addUnrelatedVpcs(buildRoutedAccount(), 3).snapshot();
  let fake: FakeAws;
  beforeAll(() => {
    fake = installFakeAws(snapshot, { pageSize: 2 });
  });
  afterAll(() => fake.restore());

  it('never splits a routed pair, carries routing in every batch, and judges as the whole region', async () => {
    const { batches, got, expected } = await sweepAndJudge(
      snapshot,
      ROUTED_RULES,
      { routing: true },
      (batch) => {
        expect(batch.parts).toEqual(['network', 'routing']);
        expect(batch.routing?.routeTables.length).toBeGreaterThan(0);
      },
    );
    expect(batches.length).toBeGreaterThan(1);
    expect(batches.find((vpcIds) => vpcIds.includes('vpc-0a'))).toEqual(
      expect.arrayContaining(['vpc-0a', 'vpc-0b', 'vpc-0c', 'vpc-0d', 'vpc-0e']),
    );
    expect(got).toEqual(expected);
  });
});
