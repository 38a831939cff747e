// The proof that the neighbourhood load is complete: for every resource of rich accounts, each rule
// evaluated on the neighbourhood of that one seed gives exactly what it gives on the whole region
// (same resources, same verdicts, same annotations), and each verdict equals the scheduled sweep's.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EC2Client } from '@aws-sdk/client-ec2';
import { EFSClient } from '@aws-sdk/client-efs';
import { loadNeighbourhood } from '../../../aws/neighbourhood';
import { normaliseSnapshot } from '../../../aws/normalise';
import type { Snapshot } from '../../../aws/snapshot';
import { ALL, type Evaluation, type ResourceRef, type Topology } from '../../../core/model';
import { getRule } from '../../../core/rules';
import { addIpv6Resources, buildRichAccount, FakeAccount, fromGroup, nfs } from '../../helpers/fake-account';
import { type FakeAws, installFakeAws } from '../../helpers/fake-aws';

const NETWORK_RULES = ['efs-mount-target-nfs-ingress', 'efs-client-nfs-egress', 'efs-nfs-network-acl'];

const PARAMETER_VARIANTS: Readonly<Record<string, Record<string, string>>> = {
  'efs-mount-target-nfs-ingress': { allowedCidrs: '192.168.0.0/16', allowUnusedIngress: 'true' },
  'efs-client-nfs-egress': { requireScopedEgress: 'true' },
  'efs-nfs-network-acl': { clientPortRange: '665-1023' },
};

function seedsOf(snapshot: Snapshot): ResourceRef[] {
  const refs = (resourceType: ResourceRef['resourceType'], ids: (string | undefined)[]) =>
    ids.filter((id): id is string => Boolean(id)).map((resourceId) => ({ resourceType, resourceId }));
  return [
    ...refs(
      'AWS::EC2::SecurityGroup',
      snapshot.securityGroups.map((g) => g.GroupId),
    ),
    ...refs(
      'AWS::EC2::NetworkInterface',
      snapshot.networkInterfaces.map((e) => e.NetworkInterfaceId),
    ),
    ...refs(
      'AWS::EC2::NetworkAcl',
      snapshot.networkAcls.map((a) => a.NetworkAclId),
    ),
    ...refs(
      'AWS::EFS::FileSystem',
      snapshot.fileSystems.map((f) => f.FileSystemId),
    ),
    // Deleted resources (and a group that rules still reference although it is gone).
    { resourceType: 'AWS::EC2::SecurityGroup', resourceId: 'sg-0deleted' },
    { resourceType: 'AWS::EC2::NetworkInterface', resourceId: 'eni-0gone' },
    { resourceType: 'AWS::EC2::NetworkAcl', resourceId: 'acl-0gone' },
    { resourceType: 'AWS::EFS::FileSystem', resourceId: 'fs-0gone' },
  ];
}

/** Runs the equivalence over every seed of one account. */
function describeEquivalence(
  name: string,
  makeSnapshot: () => Snapshot,
  probeUnlabelledInterfaces: boolean,
): void {
  describe(name, () => {
    const snapshot = makeSnapshot();
    const full: Topology = normaliseSnapshot(snapshot);
    const sweep = new Map<string, Evaluation>();
    for (const ruleId of NETWORK_RULES) {
      for (const evaluation of getRule(ruleId).evaluate(full, ALL)) {
        sweep.set(`${ruleId}|${evaluation.resourceType}|${evaluation.resourceId}`, evaluation);
      }
    }
    let fake: FakeAws;
    const clients = {
      ec2: new EC2Client({ region: 'eu-west-1' }),
      efs: new EFSClient({ region: 'eu-west-1' }),
    };
    beforeAll(() => {
      // Pages of two items: every multi-item answer is paginated.
      fake = installFakeAws(snapshot, { pageSize: 2 });
    });
    afterAll(() => fake.restore());

    it.each(seedsOf(snapshot).map((seed) => [`${seed.resourceType} ${seed.resourceId}`, seed] as const))(
      'seed %s: neighbourhood verdicts equal the whole-region verdicts',
      async (_label, seed) => {
        const loaded = await loadNeighbourhood(clients, [seed], {
          accountId: snapshot.accountId,
          region: snapshot.region,
          probeUnlabelledInterfaces,
          // Every part but IAM: the network rules and, for file-system seeds, the policy rule.
          parts: ['network', 'fileSystemPolicies'],
        });
        const slice = normaliseSnapshot(loaded);
        const scope = { kind: 'seeds', seeds: [seed] } as const;
        let compared = 0;
        for (const ruleId of NETWORK_RULES) {
          const rule = getRule(ruleId);
          // Non-default parameters read other parts of the neighbourhood (egress scope, other ports).
          const params = PARAMETER_VARIANTS[ruleId] ?? {};
          expect(rule.evaluate(slice, scope, params)).toEqual(rule.evaluate(full, scope, params));
          const expected = rule.evaluate(full, scope);
          expect({ ruleId, evaluations: rule.evaluate(slice, scope) }).toEqual({
            ruleId,
            evaluations: expected,
          });
          for (const evaluation of expected) {
            const swept = sweep.get(`${ruleId}|${evaluation.resourceType}|${evaluation.resourceId}`);
            // A deleted seed is NOT_APPLICABLE and absent from a sweep; everything else matches the sweep.
            if (swept) expect(evaluation).toEqual(swept);
            else expect(evaluation.complianceType).toBe('NOT_APPLICABLE');
            compared++;
          }
        }
        if (seed.resourceType === 'AWS::EFS::FileSystem') {
          const rule = getRule('efs-file-system-policy');
          expect(rule.evaluate(slice, scope)).toEqual(rule.evaluate(full, scope));
        }
        // A seed of a rule's own type is always reported, so every case compares something.
        expect(compared).toBeGreaterThan(0);
        // The neighbourhood is a slice: it never invents a resource.
        expect(slice.networkInterfaces.length).toBeLessThanOrEqual(full.networkInterfaces.length);
      },
    );
  });
}

describeEquivalence(
  'rich account (AWS-shaped mount-target interfaces)',
  () => buildRichAccount('aws').snapshot(),
  false,
);
describeEquivalence(
  'rich account (moto-shaped mount-target interfaces)',
  () => buildRichAccount('moto').snapshot(),
  true,
);
describeEquivalence(
  'rich account after changes (removed reference, moved client)',
  () =>
    buildRichAccount('aws')
      .setRules('sg-0mt1', { ingress: [nfs(fromGroup('sg-0c2'))] })
      .setInterfaceGroups('eni-0c3a', ['sg-0c2', 'sg-0c4'])
      .snapshot(),
  false,
);
describeEquivalence(
  'rich account with IPv6-only and dual-stack clients and mount targets',
  () => addIpv6Resources(buildRichAccount('aws')).snapshot(),
  false,
);
describeEquivalence(
  'rich account with IPv6-only and dual-stack resources (moto-shaped mount-target interfaces)',
  () => addIpv6Resources(buildRichAccount('moto'), 'moto').snapshot(),
  true,
);
describeEquivalence(
  'demo account (demo/demo-snapshot.json, recorded from moto)',
  () => JSON.parse(readFileSync(join(__dirname, '../../../demo/demo-snapshot.json'), 'utf8')) as Snapshot,
  true,
);

it('the fixture builder is exercised by the equivalence suites', () => {
  expect(new FakeAccount().snapshot().networkInterfaces).toEqual([]);
});
