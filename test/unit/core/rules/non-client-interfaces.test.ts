// Interfaces that can never mount NFS: with no IP address (efa-only), or belonging to a service such as
// a VPC endpoint, NAT gateway, load balancer or RDS. They leave the client set of the egress and ACL
// rules (NOT_APPLICABLE, saying why), while their groups still count wherever exposure is judged.
import { ALL, type NetworkInterface, type Topology } from '../../../../core/model';
import { efsClientNfsEgress } from '../../../../core/rules/efs-client-nfs-egress';
import { efsMountTargetNfsIngress } from '../../../../core/rules/efs-mount-target-nfs-ingress';
import { efsNfsNetworkAcl } from '../../../../core/rules/efs-nfs-network-acl';
import { aclEntry, allowAllEntries, standardNfs } from '../../../fixtures/topology-builder';

/** The standard NFS account plus one more interface carrying the admitted client group. */
function withInterface(extra: Partial<NetworkInterface>): Topology {
  const topology = standardNfs().build();
  const eni: NetworkInterface = {
    networkInterfaceId: 'eni-other',
    subnetId: 'subnet-a',
    vpcId: 'vpc-1',
    ownerId: topology.accountId,
    availabilityZone: 'eu-west-1a',
    interfaceType: 'interface',
    requesterManaged: false,
    description: '',
    primaryPrivateIp: '10.0.1.20',
    privateIpAddresses: ['10.0.1.20'],
    ipv6Addresses: [],
    groupIds: ['sg-client'],
    ...extra,
  };
  return { ...topology, networkInterfaces: [...topology.networkInterfaces, eni] };
}

const egressOf = (topology: Topology, id = 'eni-other') =>
  efsClientNfsEgress.evaluate(topology, ALL).find((e) => e.resourceId === id);

describe('interfaces that can never mount NFS', () => {
  it('an interface with no IP address (efa-only) is NOT_APPLICABLE, saying why, and the rest is judged', () => {
    const topology = withInterface({
      interfaceType: 'efa-only',
      primaryPrivateIp: undefined,
      privateIpAddresses: [],
    });
    expect(egressOf(topology)).toMatchObject({
      complianceType: 'NOT_APPLICABLE',
      annotation: expect.stringContaining('no IP address'),
    });
    expect(egressOf(topology, 'eni-client')?.complianceType).toBe('COMPLIANT');
    expect(() => efsNfsNetworkAcl.evaluate(topology, ALL)).not.toThrow();
  });

  it.each<[string, Partial<NetworkInterface>, string]>([
    ['a VPC endpoint (by type)', { interfaceType: 'vpc_endpoint', requesterManaged: true }, 'vpc_endpoint'],
    ['a NAT gateway', { interfaceType: 'nat_gateway', requesterManaged: true }, 'nat_gateway'],
    [
      'a load balancer',
      { interfaceType: 'network_load_balancer', requesterManaged: true },
      'network_load_balancer',
    ],
    ['an RDS instance', { requesterManaged: true, requesterId: 'amazon-rds' }, 'amazon-rds'],
    [
      'a VPC endpoint of type interface (by its description)',
      { requesterManaged: true, description: 'VPC Endpoint Interface vpce-0f00567fa8477a1e6' },
      'VPC Endpoint Interface',
    ],
  ])('%s is not judged as an NFS client', (_name, extra, reason) => {
    // Its group's egress reaches no mount target: as a client it would be NON_COMPLIANT.
    const topology = withInterface({ ...extra, groupIds: ['sg-client', 'sg-none'] });
    const blocked: Topology = {
      ...topology,
      securityGroups: topology.securityGroups.map((g) =>
        g.groupId === 'sg-client' ? { ...g, egress: [] } : g,
      ),
    };
    expect(egressOf(blocked)).toMatchObject({
      complianceType: 'NOT_APPLICABLE',
      annotation: expect.stringContaining(reason),
    });
  });

  it("a user's own interface described like a service's is still a client", () => {
    const topology = withInterface({ description: 'VPC Endpoint Interface vpce-0f00567fa8477a1e6' });
    const blocked: Topology = {
      ...topology,
      securityGroups: topology.securityGroups.map((g) =>
        g.groupId === 'sg-client' ? { ...g, egress: [] } : g,
      ),
    };
    expect(egressOf(blocked)?.complianceType).toBe('NON_COMPLIANT');
  });

  it('leaves the ACL path of such an interface alone, but its group still counts where exposure is judged', () => {
    // The only client behind acl-c is an RDS interface: its ACL blocks everything, yet is on no NFS path.
    const base = standardNfs()
      .subnet('subnet-c', 'vpc-1', '10.0.3.0/24')
      .networkAcl('acl-c', {
        subnets: ['subnet-c'],
        entries: [
          aclEntry(100, 'in', 'deny', 'all', '0.0.0.0/0'),
          aclEntry(100, 'out', 'deny', 'all', '0.0.0.0/0'),
        ],
      })
      .networkAcl('acl-a', { subnets: ['subnet-a'], entries: allowAllEntries() })
      .build();
    const rds: NetworkInterface = {
      networkInterfaceId: 'eni-rds',
      subnetId: 'subnet-c',
      vpcId: 'vpc-1',
      ownerId: base.accountId,
      availabilityZone: 'eu-west-1a',
      interfaceType: 'interface',
      requesterManaged: true,
      requesterId: 'amazon-rds',
      description: 'RDSNetworkInterface',
      primaryPrivateIp: '10.0.3.5',
      privateIpAddresses: ['10.0.3.5'],
      ipv6Addresses: [],
      groupIds: ['sg-client'],
    };
    const topology: Topology = { ...base, networkInterfaces: [...base.networkInterfaces, rds] };
    expect(efsNfsNetworkAcl.evaluate(topology, ALL).find((e) => e.resourceId === 'acl-c')).toMatchObject({
      complianceType: 'NOT_APPLICABLE',
    });
    // The mount-target group admitting sg-client is judged as before: the interface changes nothing there.
    expect(
      efsMountTargetNfsIngress.evaluate(topology, ALL).find((e) => e.resourceId === 'sg-mt')?.complianceType,
    ).toBe('COMPLIANT');
  });
});
