// The first bytes of a file, looked through gzip: a prefix of a compressed stream is inflated as far as it goes (no
// error for the missing end), for deciding what a file holds before reading it all.
import fs from 'node:fs';
import zlib from 'node:zlib';

/** At most this much is inflated from a compressed prefix (4 KB can inflate to megabytes). */
const MAX_INFLATED = 8 * 1024 * 1024;

/** Whether bytes start with gzip's magic number. */
export const isGzip = (bytes: Uint8Array): boolean => bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;

/** Up to `bytes` bytes from the start of a file, decompressed when it is gzip; undefined when it cannot be read. */
export async function fileHead(file: string, bytes: number): Promise<Buffer | undefined> {
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(file, 'r');
  } catch {
    return undefined;
  }
  try {
    const head = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    const read = head.subarray(0, bytesRead);
    if (!isGzip(read)) return read;
    return zlib.gunzipSync(read, { finishFlush: zlib.constants.Z_SYNC_FLUSH, maxOutputLength: MAX_INFLATED });
  } catch {
    return undefined;
  } finally {
    await handle.close();
  }
}
