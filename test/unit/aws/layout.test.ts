// scanListLayout finds the items and ids of a snapshot's large lists in its bytes, or declines: each
// range it gives must parse to exactly the item JSON.parse of the whole file holds, and any layout it
// cannot be sure of must come back undefined (the file is then read whole).
import { type ListLayout, scanListLayout } from '../../../aws/snapshot/layout';

const LISTS = { securityGroups: 'GroupId', networkInterfaces: 'NetworkInterfaceId' };

const scan = (text: string, from = 0) => scanListLayout(Buffer.from(text, 'utf8'), from, LISTS);

/** The items and ids a layout points at, decoded and parsed. */
function piecesOf(text: string, layout: ListLayout | undefined) {
  const bytes = Buffer.from(text, 'utf8');
  if (!layout) return undefined;
  return {
    value: JSON.parse(bytes.toString('utf8', layout.start, layout.end)),
    items: layout.itemStarts.map((start, i) =>
      JSON.parse(bytes.toString('utf8', start, layout.itemEnds[i] as number)),
    ),
    ids: layout.idStarts.map((start, i) => bytes.toString('utf8', start, layout.idEnds[i] as number)),
  };
}

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

describe('scanListLayout', () => {
  it.each([
    ['compact', JSON.stringify(document)],
    ['indented', JSON.stringify(document, null, 2)],
    ['with tabs and CRLF', JSON.stringify(document, null, '\t').replace(/\n/g, '\r\n')],
  ])('finds each item and its own id, %s', (_, text) => {
    const layout = scan(text);
    expect([...(layout?.keys() ?? [])]).toEqual(['securityGroups', 'networkInterfaces']);
    const groups = piecesOf(text, layout?.get('securityGroups'));
    expect(groups?.value).toEqual(document.securityGroups);
    expect(groups?.items).toEqual(document.securityGroups);
    expect(groups?.ids).toEqual(['sg-0a', 'sg-0b']);
    expect(piecesOf(text, layout?.get('networkInterfaces'))?.items).toEqual([]);
  });

  it('starts where it is told (past a byte-order mark) and leaves out lists the file lacks', () => {
    const text = `\ufeff${JSON.stringify({ networkInterfaces: [{ NetworkInterfaceId: 'eni-1' }] })}`;
    const layout = scan(text, 3);
    expect(layout?.has('securityGroups')).toBe(false);
    expect(piecesOf(text, layout?.get('networkInterfaces'))?.ids).toEqual(['eni-1']);
    expect(scan('{}')?.size).toBe(0);
    expect(scan(' { } ')?.size).toBe(0);
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
  });
});
