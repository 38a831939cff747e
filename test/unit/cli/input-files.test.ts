// Snapshot files are read and parsed once per scan, even when the scan first asks which kind they are.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isSnapshotSetFile, readSnapshotFile } from '../../../cli/input-files';

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
});
