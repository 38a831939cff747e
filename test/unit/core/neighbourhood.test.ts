// The questions a neighbourhood load asks of what it has read so far (core/neighbourhood.ts).

import { inboundGroupReferences, judgedAgainstVpcCidrs } from '../../../core/group-references';
import type { NetworkInterface, SecurityGroup } from '../../../core/model';
import {
  admittingMountTargets,
  type MountTargetRecord,
  NeighbourhoodView,
  noUnknowns,
  type PartialTopology,
} from '../../../core/neighbourhood';
import { allTraffic, cidr, perm, pl, sgRef, tcp } from '../../fixtures/topology-builder';
import { ACCOUNT, OTHER_ACCOUNT } from '../../helpers/accounts';

function group(groupId: string, ingress: SecurityGroup['ingress'] = []): SecurityGroup {
  return { groupId, groupName: groupId, vpcId: 'vpc-1', ownerId: ACCOUNT, ingress, egress: [] };
}

function eni(
  id: string,
  groupIds: readonly string[],
  extra: Partial<NetworkInterface> = {},
): NetworkInterface {
  return {
    networkInterfaceId: id,
    subnetId: 'subnet-1',
    vpcId: 'vpc-1',
    ownerId: ACCOUNT,
    availabilityZone: 'eu-west-1a',
    interfaceType: 'interface',
    requesterManaged: false,
    description: '',
    primaryPrivateIp: '10.0.0.5',
    privateIpAddresses: ['10.0.0.5'],
    ipv6Addresses: [],
    groupIds,
    attachedInstanceId: `i-${id}`,
    ...extra,
  };
}

function view(parts: Partial<PartialTopology>): NeighbourhoodView {
  return new NeighbourhoodView({
    seeds: [],
    groups: new Map(),
    interfaces: new Map(),
    networkAcls: new Map(),
    mountTargets: new Map<string, MountTargetRecord[] | null>(),
    everyFileSystemListed: false,
    probeUnlabelled: false,
    referencesAsked: new Set(),
    ...parts,
  });
}

describe('interface roles over a partial topology', () => {
  const named = eni('eni-mt', ['sg-mt'], {
    interfaceType: 'efs',
    requesterManaged: true,
    description: 'EFS mount target for fs-0abc (fsmt-0abc)',
  });

  it('waits for the file system an EFS description names, then trusts DescribeMountTargets alone', () => {
    expect(view({}).roleOf(named)).toBe('pending');
    expect(view({}).fileSystemToAsk(named)).toBe('fs-0abc');
    const listed = new Map([['fs-0abc', [{ fileSystemId: 'fs-0abc', networkInterfaceId: 'eni-mt' }]]]);
    expect(view({ mountTargets: listed }).roleOf(named)).toBe('mount-target');
    // A forged description: the file system's mount targets do not list the interface.
    const forged = eni('eni-forged', ['sg-c'], { description: named.description });
    expect(view({ mountTargets: listed }).roleOf(forged)).toBe('client');
    // An `efs` interface no mount target lists is never a client.
    expect(
      view({ mountTargets: listed, everyFileSystemListed: true }).roleOf({
        ...named,
        networkInterfaceId: 'x',
      }),
    ).toBe('efs-unmatched');
  });

  it('lists every file system for an unnamed EFS interface, and for an unlabelled one only when probing', () => {
    const unnamed = eni('eni-u', ['sg-x'], { requesterManaged: true });
    expect(view({}).needsEveryFileSystem(unnamed)).toBe(true);
    const { attachedInstanceId: _, ...unlabelled } = eni('eni-plain', ['sg-x']);
    expect(view({}).roleOf(unlabelled)).toBe('client');
    expect(view({ probeUnlabelled: true }).roleOf(unlabelled)).toBe('pending');
    expect(view({ probeUnlabelled: true, everyFileSystemListed: true }).roleOf(unlabelled)).toBe('client');
  });
});

describe('group questions use the normalised rule, as the rules do', () => {
  it('counts only same-account NFS-covering references as NFS sources', () => {
    const mtGroup = group('sg-mt', [
      tcp(2049, sgRef('sg-a')),
      allTraffic(sgRef('sg-b')),
      perm('udp', 2049, sgRef('sg-c')),
      tcp(1000, sgRef('sg-d')),
      tcp(2049, sgRef('sg-e', OTHER_ACCOUNT)),
    ]);
    const v = view({ groups: new Map([['sg-mt', mtGroup]]) });
    expect(v.nfsSourcesOf(eni('eni-mt', ['sg-mt']))).toEqual(['sg-a', 'sg-b']);
    // Any same-account inbound reference, NFS or not, is read (a deleted one is unresolvable).
    expect(inboundGroupReferences(mtGroup)).toEqual(['sg-a', 'sg-b', 'sg-c', 'sg-d']);
    // The cross-account reference still names the group id: an interface carrying it is admitted.
    expect(v.nfsAdmittingGroups(eni('eni-c', ['sg-e'])).map((g) => g.groupId)).toEqual(['sg-mt']);
    expect(v.nfsAdmittingGroups(eni('eni-c', ['sg-c'])).map((g) => g.groupId)).toEqual([]);
  });

  it('reads VPC CIDRs only for NFS rules from CIDRs or prefix lists', () => {
    expect(judgedAgainstVpcCidrs(group('sg-1', [tcp(2049, sgRef('sg-a'))]))).toBe(false);
    expect(judgedAgainstVpcCidrs(group('sg-1', [tcp(443, cidr('10.0.0.0/8'))]))).toBe(false);
    expect(judgedAgainstVpcCidrs(group('sg-1', [tcp([2000, 3000], pl('pl-1'))]))).toBe(true);
    expect(judgedAgainstVpcCidrs(group('sg-1', [allTraffic(cidr('10.0.0.0/8'))]))).toBe(true);
  });
});

it('finds no admitting mount target for a client until the groups referencing its groups were read', () => {
  const mtGroup = group('sg-mt', [tcp(2049, sgRef('sg-c'))]);
  const listed = new Map([['fs-1', [{ fileSystemId: 'fs-1', networkInterfaceId: 'eni-mt' }]]]);
  const interfaces = new Map([
    ['eni-mt', eni('eni-mt', ['sg-mt'])],
    ['eni-c', eni('eni-c', ['sg-c'])],
  ]);
  const client = interfaces.get('eni-c') as NetworkInterface;
  const before = noUnknowns();
  const parts = { groups: new Map([['sg-mt', mtGroup]]), interfaces, mountTargets: listed };
  expect(admittingMountTargets(view(parts), client, before)).toEqual([]);
  expect(before.carriers.size).toBe(0);
  const after = noUnknowns();
  const found = admittingMountTargets(view({ ...parts, referencesAsked: new Set(['sg-c']) }), client, after);
  expect(found.map((e) => e.networkInterfaceId)).toEqual(['eni-mt']);
  expect([...after.carriers]).toEqual(['sg-mt']);
});
