import { InvalidParametersError } from '../../../core/errors';
import {
  cidrListParam,
  listParam,
  type ParamParser,
  parameter,
  parseRuleParameters,
  stringListParam,
} from '../../../core/params';

const evenNumber = (item: string): number => {
  if (!/^\d+$/.test(item) || Number(item) % 2 !== 0) throw new Error(`"${item}" is not an even number`);
  return Number(item);
};
const parse = (shape: Record<string, ParamParser<unknown>>, raw: Record<string, unknown>) =>
  parseRuleParameters(
    'test-rule',
    Object.fromEntries(
      Object.entries(shape).map(([key, parse]) => [key, parameter(parse, { description: key })]),
    ),
    raw,
  );

describe('listParam', () => {
  const shape = { evens: listParam(evenNumber) };

  it.each([
    ['a comma-separated string', ' 2, 4 ,,6 ', [2, 4, 6]],
    ['a JSON array', ['2', 4], [2, 4]],
    ['a JSON array written as a string', '["2", 8]', [2, 8]],
    ['a bare number', 10, [10]],
    ['an empty string', '  ', []],
    ['null', null, []],
  ])('takes %s', (_name, value, expected) => {
    expect(parse(shape, { evens: value })).toEqual({ evens: expected });
  });

  it('defaults to an empty list when absent', () => {
    expect(parse(shape, {})).toEqual({ evens: [] });
  });

  it.each([
    ['an item that parseItem rejects', '2,3', /evens: "3" is not an even number/],
    ['a non-string item', [2, { x: 1 }], /evens: list items must be strings, got \{"x":1\}/],
    ['malformed JSON', '[2,', /evens: not a valid JSON array: \[2,/],
    ['an object', { a: 1 }, /evens: expected a comma-separated list or a JSON array/],
  ])('rejects %s with an error naming the parameter', (_name, value, message) => {
    expect(() => parse(shape, { evens: value })).toThrow(InvalidParametersError);
    expect(() => parse(shape, { evens: value })).toThrow(message);
  });
});

describe('stringListParam', () => {
  it('keeps items as written, trimmed', () => {
    expect(parse({ names: stringListParam() }, { names: 'admin, Break-Glass ' })).toEqual({
      names: ['admin', 'Break-Glass'],
    });
  });
});

describe('cidrListParam on malformed lists', () => {
  it('reports a parameter error, not a TypeError', () => {
    expect(() => parse({ cidrs: cidrListParam() }, { cidrs: '[10.0.0.0/8' })).toThrow(
      /cidrs: not a valid JSON array/,
    );
  });
});
