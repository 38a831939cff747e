// Writing report text to a file descriptor synchronously, chunk by chunk: stdout redirected to a file
// (`efsguard scan ... > report.json`) and --output FILE.
//
// Node's own stdout on a regular file (a SyncWriteStream) also writes synchronously, but it first copies
// every string chunk into a new Buffer. A 56 MB JSON report at scale 16 took 330-380 ms through it, most
// of it faulting in memory for those copies, and 20-25 ms written as strings with fs.writeSync.
import { fstatSync, writeSync } from 'node:fs';

/** Is `fd` open on a regular file (not a pipe, terminal or device)? */
export function isRegularFile(fd: number): boolean {
  try {
    return fstatSync(fd).isFile();
  } catch {
    return false;
  }
}

/** The part of fs.writeSync this module uses: a string, or bytes from an offset. */
export interface WriteSync {
  (fd: number, text: string): number;
  (fd: number, bytes: Uint8Array, offset: number, length: number): number;
}

/**
 * Writes all of `text` to `fd` as UTF-8. One write usually takes it all; should the system take only
 * part (a full disk takes what fits, then fails the next write), the rest follows from where it stopped.
 */
export function writeAllSync(fd: number, text: string, write: WriteSync = writeSync): void {
  const written = write(fd, text);
  const total = Buffer.byteLength(text);
  if (written === total) return;
  const bytes = Buffer.from(text);
  for (let offset = written; offset < total; ) {
    const more = write(fd, bytes, offset, total - offset);
    if (more <= 0)
      throw new Error(`writing to file descriptor ${fd} stopped after ${offset} of ${total} bytes`);
    offset += more;
  }
}
