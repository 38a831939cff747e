// The piecewise read must give exactly the topology the whole read gives, or decline (undefined) so that
// the whole read runs and reports the file's problem as it always has.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { normaliseSnapshot } from '../../../aws/snapshot/normalise';
import { readSnapshotPiecewise } from '../../../aws/snapshot/piecewise';
import { parseSnapshot } from '../../../aws/snapshot/schema';
import { SNAPSHOT_SET_FORMAT } from '../../../aws/snapshot/set';
import { generateAccount } from '../../../bench/generate-account';
import { bufferSource } from '../../helpers/byte-source';

const DEMO = join(__dirname, '../../../demo/demo-snapshot.json');

const wholeRead = (text: string) => normaliseSnapshot(parseSnapshot(JSON.parse(text), 'f.json'));
// Small windows: items cross the window's edges, and the window grows for the largest.
const piecewise = (text: string) =>
  readSnapshotPiecewise(bufferSource(Buffer.from(text, 'utf8'), 4096), 'f.json');

/** The demo snapshot, parsed, to break one field at a time. */
type Parsed = Record<string, unknown> & {
  securityGroups: Record<string, unknown>[];
  networkInterfaces: Record<string, unknown>[];
};
const small = (): Parsed => JSON.parse(readFileSync(DEMO, 'utf8'));

describe('readSnapshotPiecewise', () => {
  it.each([
    ['the demo snapshot', () => readFileSync(DEMO, 'utf8')],
    // Generated accounts list every resource in a shuffled order, as AWS does.
    ['a generated account', () => JSON.stringify(generateAccount(1))],
    ['a generated account, indented', () => JSON.stringify(generateAccount(1, 7), null, 2)],
  ])('gives the topology of the whole read for %s', (_, text) => {
    const file = text();
    const read = piecewise(file);
    expect(read).toBeDefined();
    expect(read?.topology).toEqual(wholeRead(file));
    // The snapshot is the file's own, less the two lists the topology took.
    const whole = parseSnapshot(JSON.parse(file), 'f.json');
    expect(read?.snapshot).toEqual({ ...whole, securityGroups: [], networkInterfaces: [] });
  });

  it('puts the items in id order whatever order the file lists them in', () => {
    const snapshot = small();
    snapshot.securityGroups.reverse();
    snapshot.networkInterfaces.reverse();
    const topology = piecewise(JSON.stringify(snapshot))?.topology;
    const groupIds = topology?.securityGroups.map((group) => group.groupId) ?? [];
    expect(groupIds.length).toBeGreaterThan(2);
    expect(groupIds).toEqual([...groupIds].sort());
    expect(topology).toEqual(wholeRead(JSON.stringify(snapshot)));
  });

  const breaks: [string, (snapshot: Parsed) => string, boolean][] = [
    [
      'a group the schema refuses',
      (s) => {
        delete (s.securityGroups[1]?.IpPermissions as Record<string, unknown>[] | undefined)?.[0]?.IpProtocol;
        (s.securityGroups[1] as Record<string, unknown>).OwnerId = 7;
        return JSON.stringify(s);
      },
      true,
    ],
    [
      'a repeated group id',
      (s) => {
        (s.securityGroups[2] as Record<string, unknown>).GroupId = s.securityGroups[0]?.GroupId;
        return JSON.stringify(s);
      },
      true,
    ],
    [
      'an interface address the normaliser refuses',
      (s) => {
        (s.networkInterfaces[0] as Record<string, unknown>).PrivateIpAddress = '10.0.0.300';
        return JSON.stringify(s);
      },
      true,
    ],
    ['an invalid account id', (s) => JSON.stringify({ ...s, accountId: 'x' }), true],
    [
      'an item that is not JSON',
      (s) => JSON.stringify(s).replace(`"GroupId":"${s.securityGroups[0]?.GroupId}"`, '$&,x'),
      true,
    ],
    [
      'a list given again under an escaped key',
      (s) => `${JSON.stringify(s).slice(0, -1)},"network\\u0049nterfaces":[]}`,
      false,
    ],
    [
      'an id key given again, escaped, with another id',
      (s) =>
        JSON.stringify(s).replace(
          `"GroupId":"${s.securityGroups[0]?.GroupId}"`,
          '$&,"Group\\u0049d":"sg-other"',
        ),
      false,
    ],
    ['a multi-account file', (s) => JSON.stringify({ format: SNAPSHOT_SET_FORMAT, snapshots: [s] }), false],
  ];

  it.each(breaks)('declines %s, which the whole read reports or reads its own way', (_, mutate, throws) => {
    const text = mutate(small());
    expect(piecewise(text)).toBeUndefined();
    if (throws) expect(() => wholeRead(text)).toThrow();
  });
});
