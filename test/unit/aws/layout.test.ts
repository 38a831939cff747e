// streamSnapshotLists hands on the items and ids of a snapshot's large lists as the bytes stream in, and
// returns the rest of the file, or declines: each item it hands on must parse to exactly the item
// JSON.parse of the whole file holds, the rest must be the file with those lists empty, and any layout
// it cannot be sure of must come back undefined (the file is then read whole).
import { streamSnapshotLists } from '../../../aws/snapshot/layout';
import { bufferSource } from '../../helpers/byte-source';

const LISTS = { securityGroups: 'GroupId', networkInterfaces: 'NetworkInterfaceId' };

/**
 * What the scan hands on and returns for `text`, streamed `chunk` bytes at a time from a window of
 * `window` bytes (small ones cross every edge and make the window grow).
 */
function stream(text: string, chunk?: number, window?: number) {
  const items: { list: string; item: unknown; id: string }[] = [];
  const streamed = streamSnapshotLists(
    bufferSource(Buffer.from(text, 'utf8'), chunk),
    LISTS,
    (list, bytes, start, end, idStart, idEnd) => {
      items.push({
        list,
        item: JSON.parse(bytes.toString('utf8', start, end)),
        id: bytes.toString('utf8', idStart, idEnd),
      });
      return true;
    },
    window,
  );
  return streamed && { rest: JSON.parse(streamed.rest), lists: [...streamed.lists], items };
}

const scan = (text: string) => stream(text);

const document = {
  format: 'efsguard-snapshot/1',
  accountId: '111122223333',
  routing: { routeTables: [{ Routes: [{ GroupId: 'not-a-list-item' }] }], n: [1, 2, { x: '}' }] },
  securityGroups: [
    {
      GroupId: 'sg-0a',
      Description: 'quotes " and braces }{][ and a backslash \\ "GroupId":"sg-fake"',
      Tags: [{ Key: 'GroupId', Value: 'sg-tag' }],
      Nested: { GroupId: 'sg-nested' },
    },
    { Description: 'é, 日本, 🙂', GroupId: 'sg-0b', n: -1.5e3, t: true, f: false, z: null },
  ],
  count: 2,
  networkInterfaces: [],
  empty: {},
  last: 'x',
};

describe('streamSnapshotLists', () => {
  const rest = { ...document, securityGroups: [], networkInterfaces: [] };
  const items = document.securityGroups.map((item) => ({ list: 'securityGroups', item, id: item.GroupId }));

  it.each([
    ['compact', JSON.stringify(document)],
    ['indented', JSON.stringify(document, null, 2)],
    ['with tabs and CRLF', JSON.stringify(document, null, '\t').replace(/\n/g, '\r\n')],
  ])('hands on each item with its own id, and returns the rest, %s', (_, text) => {
    for (const [chunk, window] of [
      [undefined, undefined],
      [1, 16],
      [3, 7],
      [64, 64],
    ]) {
      const streamed = stream(text, chunk, window);
      expect(streamed?.items).toEqual(items);
      expect(streamed?.rest).toEqual(rest);
      expect(streamed?.lists).toEqual(['securityGroups', 'networkInterfaces']);
    }
  });

  it('steps over a byte-order mark, and names only the lists the file holds', () => {
    const text = `\ufeff${JSON.stringify({ a: 1, networkInterfaces: [{ NetworkInterfaceId: 'eni-1' }] })}`;
    const streamed = stream(text, 2, 4);
    expect(streamed?.lists).toEqual(['networkInterfaces']);
    expect(streamed?.items).toEqual([
      { list: 'networkInterfaces', item: { NetworkInterfaceId: 'eni-1' }, id: 'eni-1' },
    ]);
    expect(streamed?.rest).toEqual({ a: 1, networkInterfaces: [] });
    expect(scan('{}')?.rest).toEqual({});
    expect(scan(' { } ')?.lists).toEqual([]);
  });

  it('stops, and declines, when the item handler says no', () => {
    const text = JSON.stringify(document);
    expect(streamSnapshotLists(bufferSource(Buffer.from(text)), LISTS, () => false)).toBeUndefined();
  });

  it.each([
    ['an array at the top', '[]'],
    ['a string at the top', '"x"'],
    ['nothing', ''],
    ['a list given as an object', '{"securityGroups": {}}'],
    ['a list given as a string', '{"securityGroups": "x"}'],
    ['a list given as null', '{"securityGroups": null}'],
    ['a list given twice', '{"securityGroups": [], "securityGroups": []}'],
    ['an item that is a string', '{"securityGroups": ["sg-1"]}'],
    ['an item that is a list', '{"securityGroups": [[{"GroupId": "sg-1"}]]}'],
    ['an item without its id', '{"securityGroups": [{"GroupName": "a"}]}'],
    ['an id only in a nested object', '{"securityGroups": [{"x": {"GroupId": "sg-1"}}]}'],
    ['an id given twice', '{"securityGroups": [{"GroupId": "sg-1", "GroupId": "sg-2"}]}'],
    ['an id that is a number', '{"securityGroups": [{"GroupId": 1}]}'],
    ['an id that is null', '{"securityGroups": [{"GroupId": null}]}'],
    ['an id that is an object', '{"securityGroups": [{"GroupId": {"a": 1}}]}'],
    ['an id with an escape', '{"securityGroups": [{"GroupId": "sg-\\u0031"}]}'],
    ['a top-level key with an escape', '{"security\\u0047roups": []}'],
    ['items without a comma', '{"securityGroups": [{"GroupId": "a"} {"GroupId": "b"}]}'],
    ['two commas', '{"securityGroups": [{"GroupId": "a"},, {"GroupId": "b"}]}'],
    ['a trailing comma', '{"securityGroups": [{"GroupId": "a"},]}'],
    ['a leading comma', '{"securityGroups": [, {"GroupId": "a"}]}'],
    ['a form feed between items', '{"securityGroups": [{"GroupId": "a"},\f{"GroupId": "b"}]}'],
    ['an unclosed string', '{"securityGroups": [{"GroupId": "a}]}'],
    ['an unclosed item', '{"securityGroups": [{"GroupId": "a"'],
    ['an unclosed object', '{"securityGroups": []'],
    ['an unclosed nested value', '{"routing": {"a": [1, 2}'],
    ['text after the object', '{"securityGroups": []} x'],
    ['a member without a colon', '{"securityGroups" []}'],
    ['members without a comma', '{"a": 1 "securityGroups": []}'],
    ['a value missing', '{"a": , "securityGroups": []}'],
    ['a scalar run into a string', '{"a": 1"x", "securityGroups": []}'],
  ])('declines %s', (_, text) => {
    expect(scan(text)).toBeUndefined();
    expect(stream(text, 1, 4)).toBeUndefined();
  });
});
