// A ByteSource over bytes already in memory, for tests of the streaming snapshot reader.
import type { ByteSource } from '../../aws/snapshot/layout';

/** Bytes already in memory, handed out `chunk` at a time (tests use a few bytes, to cross every edge). */
export function bufferSource(bytes: Uint8Array, chunk = 1 << 20): ByteSource {
  let at = 0;
  return {
    read(target, offset, length) {
      const count = Math.min(length, chunk, bytes.length - at);
      target.set(bytes.subarray(at, at + count), offset);
      at += count;
      return count;
    },
  };
}
