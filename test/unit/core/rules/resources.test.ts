import fc from 'fast-check';
import type { NetworkInterface, Topology } from '../../../../core/model';
import { lookupResources } from '../../../../core/rules/resources';
import { topology } from '../../../fixtures/topology-builder';

const INTERFACE = 'AWS::EC2::NetworkInterface';

/** An interface with only what the table reads; `n` tells copies of one id apart. */
const eni = (networkInterfaceId: string, n: number) =>
  ({ networkInterfaceId, groupIds: [], n }) as unknown as NetworkInterface;

describe('lookupResources: the interfaces by id', () => {
  it('answers as a Map filled in list order, whether the list is sorted by id or not', () => {
    const ids = fc.constantFrom('eni-1', 'eni-2', 'eni-3', 'eni-10', 'eni-a', 'eni-b');
    fc.assert(
      fc.property(fc.array(ids, { maxLength: 12 }), fc.boolean(), fc.array(ids), (list, sorted, probes) => {
        // Sorted and unique is what the normaliser gives; anything else must take the table.
        const order = sorted ? [...new Set(list)].sort() : list;
        const interfaces = order.map((id, n) => eni(id, n));
        const world: Topology = { ...topology().build(), networkInterfaces: interfaces };
        const table = lookupResources(world, 'test')(INTERFACE);
        const map = new Map(interfaces.map((item) => [item.networkInterfaceId, item]));
        expect(table.size).toBe(map.size);
        expect([...table]).toEqual([...map]);
        expect([...table.entries()]).toEqual([...map.entries()]);
        expect([...table.keys()]).toEqual([...map.keys()]);
        expect([...table.values()]).toEqual([...map.values()]);
        const walked: [string, NetworkInterface][] = [];
        table.forEach((item, id) => {
          walked.push([id, item]);
        });
        expect(walked).toEqual([...map]);
        for (const probe of [...probes, ...order]) {
          expect(table.get(probe)).toBe(map.get(probe));
          expect(table.has(probe)).toBe(map.has(probe));
        }
      }),
      { numRuns: 500 },
    );
  });
});
