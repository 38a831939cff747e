import { perTopology, perTopologyAndKey } from '../../../core/memo';
import { TopologyBuilder } from '../../fixtures/topology-builder';

describe('perTopology', () => {
  it('computes once per topology, and again for another topology', () => {
    const built: string[] = [];
    const vpcCount = perTopology((topology) => {
      built.push(topology.accountId);
      return topology.vpcs.length;
    });
    const one = new TopologyBuilder().vpc('vpc-1', ['10.0.0.0/16']).build();
    const two = new TopologyBuilder().build();
    expect([vpcCount(one), vpcCount(one), vpcCount(two)]).toEqual([1, 1, 0]);
    expect(built).toHaveLength(2);
  });

  it('keeps a computed undefined instead of computing it again', () => {
    let calls = 0;
    const nothing = perTopology(() => {
      calls++;
      return undefined;
    });
    const topology = new TopologyBuilder().build();
    nothing(topology);
    nothing(topology);
    expect(calls).toBe(1);
  });
});

describe('perTopologyAndKey', () => {
  it('computes once per topology and key', () => {
    const asked: string[] = [];
    const label = perTopologyAndKey((topology, vpcId: string) => {
      asked.push(vpcId);
      return `${topology.accountId}/${vpcId}`;
    });
    const topology = new TopologyBuilder().build();
    expect([label(topology, 'vpc-1'), label(topology, 'vpc-2'), label(topology, 'vpc-1')]).toEqual([
      `${topology.accountId}/vpc-1`,
      `${topology.accountId}/vpc-2`,
      `${topology.accountId}/vpc-1`,
    ]);
    expect(asked).toEqual(['vpc-1', 'vpc-2']);
  });
});
