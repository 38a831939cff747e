// Writing report text to a file descriptor: all of it, as UTF-8, however many writes the system takes.
import { closeSync, mkdtempSync, openSync, readFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isRegularFile, type WriteSync, writeAllSync } from '../../../cli/file-writes';

const dir = mkdtempSync(join(tmpdir(), 'efsguard-writes-'));
const TEXT = '{"annotation": "sg-1 admits 10.0.0.0/8 — über alles ✓"}\n';

describe('writeAllSync', () => {
  it('writes the text as UTF-8, chunk after chunk', () => {
    const path = join(dir, 'chunks.json');
    const fd = openSync(path, 'w');
    writeAllSync(fd, TEXT);
    writeAllSync(fd, TEXT);
    closeSync(fd);
    expect(readFileSync(path, 'utf8')).toBe(TEXT + TEXT);
  });

  it('goes on from where a write that took only part of the text stopped', () => {
    const path = join(dir, 'partial.json');
    const fd = openSync(path, 'w');
    let calls = 0;
    // Each write takes at most 7 bytes, splitting the multi-byte characters too.
    const short = ((target: number, data: string | Uint8Array, offset?: number, length?: number) => {
      calls++;
      const bytes = Buffer.from(data);
      const from = offset ?? 0;
      const end = Math.min(from + 7, length === undefined ? bytes.length : from + length);
      return writeSync(target, bytes, from, end - from);
    }) as WriteSync;
    writeAllSync(fd, TEXT, short);
    closeSync(fd);
    expect(readFileSync(path, 'utf8')).toBe(TEXT);
    expect(calls).toBe(Math.ceil(Buffer.byteLength(TEXT) / 7));
  });

  it('fails, saying how far it got, when a write takes nothing', () => {
    let first = true;
    const stuck = ((_fd: number, data: string | Uint8Array) => {
      if (!first) return 0;
      first = false;
      return Math.min(5, typeof data === 'string' ? Buffer.byteLength(data) : data.length);
    }) as WriteSync;
    expect(() => writeAllSync(42, TEXT, stuck)).toThrow(
      `writing to file descriptor 42 stopped after 5 of ${Buffer.byteLength(TEXT)} bytes`,
    );
  });
});

describe('isRegularFile', () => {
  it('is true for a file and false for a directory or a closed descriptor', () => {
    const file = openSync(join(dir, 'regular'), 'w');
    const folder = openSync(dir, 'r');
    expect(isRegularFile(file)).toBe(true);
    expect(isRegularFile(folder)).toBe(false);
    closeSync(file);
    closeSync(folder);
    expect(isRegularFile(file)).toBe(false);
  });
});
