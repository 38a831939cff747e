import { blockIndex } from '../../../../core/net/block-index';

describe('blockIndex', () => {
  const index = blockIndex([
    ['10.0.0.0/16', 'vpc-a'],
    ['10.0.1.0/24', 'subnet-a1'],
    ['10.0.0.0/16', 'vpc-b (same range, registered later)'],
    ['2001:db8::/56', 'v6'],
  ]);

  it('answers the first-registered block that holds the address, as a scan in order would', () => {
    expect(index.find('10.0.1.7')).toBe('vpc-a');
    expect(index.find('10.0.200.1')).toBe('vpc-a');
  });

  it('answers a later, narrower block when no earlier block holds the address', () => {
    const narrowFirst = blockIndex([
      ['10.0.1.0/24', 'subnet'],
      ['10.0.0.0/16', 'vpc'],
    ]);
    expect(narrowFirst.find('10.0.1.1')).toBe('subnet');
    expect(narrowFirst.find('10.0.2.1')).toBe('vpc');
  });

  it('answers the longest holding block with longest, the first registered among equal blocks', () => {
    expect(index.longest('10.0.1.7')).toBe('subnet-a1');
    expect(index.longest('10.0.200.1')).toBe('vpc-a');
    expect(index.longest('2001:db8:0:ff::1')).toBe('v6');
    expect(index.longest('10.1.0.1')).toBeUndefined();
    const wideLast = blockIndex([
      ['10.0.1.128/25', 'half'],
      ['0.0.0.0/0', 'default'],
      ['10.0.1.0/24', 'subnet'],
    ]);
    expect(wideLast.longest('10.0.1.200')).toBe('half');
    expect(wideLast.longest('10.0.1.1')).toBe('subnet');
    expect(wideLast.longest('192.0.2.1')).toBe('default');
    expect(wideLast.longest('::1')).toBeUndefined();
  });

  it('keeps address families apart and misses addresses outside every block', () => {
    expect(index.find('2001:db8:0:ff::1')).toBe('v6');
    expect(index.find('2001:db8:1::1')).toBeUndefined();
    expect(index.find('10.1.0.1')).toBeUndefined();
    expect(blockIndex([['0.0.0.0/0', 'all']]).find('::1')).toBeUndefined();
  });
});
