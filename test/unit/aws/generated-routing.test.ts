// The benchmark's synthetic accounts carry routes (bench/generate-routing.ts): they must
// be valid snapshots whose routing normalises, so exposure and explain can be measured at scale.
import { normaliseSnapshot } from '../../../aws/snapshot/normalise';
import { parseSnapshot } from '../../../aws/snapshot/schema';
import { generateAccount } from '../../../bench/generate-account';

describe('generated accounts with routes', () => {
  it('validate, record the part routing and normalise to route tables, peerings and a TGW', () => {
    const snapshot = generateAccount(1);
    const topology = normaliseSnapshot(parseSnapshot(JSON.parse(JSON.stringify(snapshot))));
    expect(topology.parts).toContain('routing');
    const routing = topology.routing;
    expect(routing?.routeTables).toHaveLength(topology.vpcs.length);
    expect(routing?.routeTables.every((t) => t.main && !t.malformed)).toBe(true);
    expect(routing?.peeringConnections.every((p) => p.status === 'active')).toBe(true);
    expect(routing?.peeringConnections.length).toBeGreaterThan(0);
    const [tgwTable] = routing?.transitGatewayRouteTables ?? [];
    expect(tgwTable?.routes.filter((r) => r.state === 'blackhole')).toHaveLength(1);
    expect(tgwTable?.associatedAttachmentIds).toEqual(
      routing?.transitGatewayAttachments.map((a) => a.attachmentId),
    );
    expect(routing?.vpnGateways).toHaveLength(1);
  });
});
