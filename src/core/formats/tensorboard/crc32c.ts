// CRC-32C (Castagnoli, reflected polynomial 0x82f63b78), table-driven with slicing-by-8, and the masked form that
// TFRecord framing stores.

const POLYNOMIAL = 0x82f63b78;

/** Eight 256-entry tables: table k gives the CRC of a byte followed by k zero bytes. */
function buildTables(): Uint32Array {
  const tables = new Uint32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let crc = n;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ POLYNOMIAL : crc >>> 1;
    tables[n] = crc >>> 0;
  }
  for (let n = 0; n < 256; n++) {
    let crc = tables[n];
    for (let k = 1; k < 8; k++) {
      crc = tables[crc & 0xff] ^ (crc >>> 8);
      tables[k * 256 + n] = crc >>> 0;
    }
  }
  return tables;
}

// Immutable lookup tables computed once: constant data, not state.
const TABLES = buildTables();

/** Continues a CRC-32C over `bytes[start, end)`; start from 0 for a fresh CRC. */
export function crc32c(bytes: Uint8Array, start = 0, end = bytes.length, previous = 0): number {
  const t = TABLES;
  let crc = ~previous >>> 0;
  let i = start;
  // Align-free slicing-by-8: eight bytes per step, combined through the eight tables.
  const stop = end - 8;
  while (i <= stop) {
    const a = (bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24)) ^ crc;
    crc =
      t[1792 + (a & 0xff)] ^
      t[1536 + ((a >>> 8) & 0xff)] ^
      t[1280 + ((a >>> 16) & 0xff)] ^
      t[1024 + (a >>> 24)] ^
      t[768 + bytes[i + 4]] ^
      t[512 + bytes[i + 5]] ^
      t[256 + bytes[i + 6]] ^
      t[bytes[i + 7]];
    i += 8;
  }
  while (i < end) crc = t[(crc ^ bytes[i++]) & 0xff] ^ (crc >>> 8);
  return ~crc >>> 0;
}

/** The masked CRC TFRecord stores: rotate right by 15 and add a constant, so CRCs of CRCs stay well spread. */
export function maskCrc(crc: number): number {
  return (((crc >>> 15) | (crc << 17)) + 0xa282ead8) >>> 0;
}

/** The masked CRC-32C of `bytes[start, end)`. */
export function maskedCrc32c(bytes: Uint8Array, start = 0, end = bytes.length): number {
  return maskCrc(crc32c(bytes, start, end));
}
