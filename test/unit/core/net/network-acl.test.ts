import { evaluateAclTcp } from '../../../../core/net/network-acl';
import { aclEntry, aclOf } from '../../../fixtures/topology-builder';

const NFS = { from: 2049, to: 2049 };

describe('evaluateAclTcp', () => {
  it('lets the lowest-numbered matching rule decide, whatever the entry order', () => {
    const table = aclOf([
      aclEntry(200, 'in', 'allow', 'tcp', '10.0.0.0/16', 2049),
      aclEntry(100, 'in', 'deny', 'tcp', '10.0.1.0/24', [0, 65535]),
    ]);
    expect(evaluateAclTcp(table, 'ingress', '10.0.1.5', NFS)).toEqual({
      allowed: false,
      ruleNumber: 100,
      deniedPort: 2049,
    });
    expect(evaluateAclTcp(table, 'ingress', '10.0.2.5', NFS)).toEqual({ allowed: true, ruleNumber: 200 });
  });

  it('denies with * when nothing matches, and ignores the other direction', () => {
    const table = aclOf([aclEntry(100, 'out', 'allow', 'all', '0.0.0.0/0')]);
    expect(evaluateAclTcp(table, 'ingress', '10.0.1.5', NFS)).toEqual({
      allowed: false,
      ruleNumber: '*',
      deniedPort: 2049,
    });
    expect(evaluateAclTcp(table, 'egress', '10.0.1.5', NFS).allowed).toBe(true);
  });

  it('names the default deny that DescribeNetworkAcls reports as rule 32767 "*", as the console does', () => {
    const table = aclOf([
      aclEntry(100, 'in', 'allow', 'tcp', '10.0.0.0/16', 2049),
      aclEntry(32767, 'in', 'deny', 'all', '0.0.0.0/0'),
    ]);
    expect(evaluateAclTcp(table, 'ingress', '192.168.1.5', NFS)).toEqual({
      allowed: false,
      ruleNumber: '*',
      deniedPort: 2049,
    });
  });

  it('keeps IPv4 and IPv6 rule sets apart', () => {
    const table = aclOf([
      aclEntry(50, 'in', 'deny', 'all', '::/0'),
      aclEntry(100, 'in', 'allow', 'all', '0.0.0.0/0'),
    ]);
    expect(evaluateAclTcp(table, 'ingress', '10.0.1.5', NFS).allowed).toBe(true);
    expect(evaluateAclTcp(table, 'ingress', '2600:1f18::5', NFS)).toEqual({
      allowed: false,
      ruleNumber: 50,
      deniedPort: 2049,
    });
  });

  it('ignores udp and other protocols for tcp traffic', () => {
    const table = aclOf([
      aclEntry(50, 'in', 'deny', 'udp', '0.0.0.0/0', 2049),
      aclEntry(60, 'in', 'allow', 'tcp', '0.0.0.0/0', 2049),
    ]);
    expect(evaluateAclTcp(table, 'ingress', '10.0.1.5', NFS)).toEqual({ allowed: true, ruleNumber: 60 });
  });

  it('requires every port of a range, reporting the first denied port', () => {
    const table = aclOf([
      aclEntry(100, 'out', 'allow', 'tcp', '0.0.0.0/0', [32768, 40000]),
      aclEntry(110, 'out', 'deny', 'tcp', '0.0.0.0/0', [40001, 50000]),
      aclEntry(120, 'out', 'allow', 'tcp', '0.0.0.0/0', [1024, 65535]),
    ]);
    expect(evaluateAclTcp(table, 'egress', '10.0.1.5', { from: 32768, to: 60999 })).toEqual({
      allowed: false,
      ruleNumber: 110,
      deniedPort: 40001,
    });
    expect(evaluateAclTcp(table, 'egress', '10.0.1.5', { from: 32768, to: 40000 })).toEqual({
      allowed: true,
      ruleNumber: 100,
    });
    expect(evaluateAclTcp(table, 'egress', '10.0.1.5', { from: 50001, to: 60999 })).toEqual({
      allowed: true,
      ruleNumber: 120,
    });
  });

  it('denies the uncovered rest of a range with *', () => {
    const table = aclOf([aclEntry(100, 'in', 'allow', 'tcp', '0.0.0.0/0', [32768, 50000])]);
    expect(evaluateAclTcp(table, 'ingress', '10.0.2.10', { from: 32768, to: 60999 })).toEqual({
      allowed: false,
      ruleNumber: '*',
      deniedPort: 50001,
    });
  });
});
