// Snapshot files are read and parsed once per scan, even when the scan first asks which kind they are.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { normaliseSnapshot } from '../../../aws/snapshot/normalise';
import { SNAPSHOT_SET_FORMAT } from '../../../aws/snapshot/set';
import {
  isSnapshotSetFile,
  readSnapshotFile,
  readSnapshotSetFile,
  readSnapshotTopology,
} from '../../../cli/input-files';

const DEMO = join(__dirname, '..', '..', '..', 'demo', 'demo-snapshot.json');

describe('snapshot files', () => {
  it('hands the file isSnapshotSetFile parsed to the read that follows, instead of reading it again', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'efsguard-input-')), 'demo.json');
    copyFileSync(DEMO, file);
    expect(await isSnapshotSetFile(file)).toBe(false);
    rmSync(file); // a second read from disk would now fail
    const snapshot = await readSnapshotFile(file);
    expect(snapshot.accountId).toBe('123456789012');
    // Handed over once: the next read goes to the disk again, and says the file is gone.
    await expect(readSnapshotFile(file)).rejects.toThrow(/cannot read snapshot .*demo\.json: no such file/);
  });

  it('reads a single-account file piece by piece into the topology the whole read gives', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'efsguard-input-')), 'demo.json');
    // With a byte-order mark, which the piecewise read steps over as the whole read does.
    writeFileSync(file, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), readFileSync(DEMO)]));
    const read = readSnapshotTopology(file);
    expect(read?.topology).toEqual(normaliseSnapshot(await readSnapshotFile(file)));
  });

  it('declines a multi-account file, which the whole read then reads', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'efsguard-input-')), 'set.json');
    const demo = JSON.parse(readFileSync(DEMO, 'utf8'));
    writeFileSync(file, JSON.stringify({ format: SNAPSHOT_SET_FORMAT, snapshots: [demo], failures: [] }));
    expect(readSnapshotTopology(file)).toBeUndefined();
    expect((await readSnapshotSetFile(file)).snapshots).toHaveLength(1);
  });

  it('declines a file it cannot read or that is UTF-16, and the whole read says why', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'efsguard-input-'));
    expect(readSnapshotTopology(join(dir, 'missing.json'))).toBeUndefined();
    await expect(readSnapshotFile(join(dir, 'missing.json'))).rejects.toThrow(/no such file/);
    expect(readSnapshotTopology(dir)).toBeUndefined();
    await expect(readSnapshotFile(dir)).rejects.toThrow(/is a directory/);
    const utf16 = join(dir, 'utf16.json');
    writeFileSync(utf16, Buffer.from(readFileSync(DEMO, 'utf8'), 'utf16le'));
    expect(readSnapshotTopology(utf16)).toBeUndefined();
    await expect(readSnapshotFile(utf16)).rejects.toThrow(/UTF-16 encoded/);
  });
});
