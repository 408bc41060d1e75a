// Writes TFRecord-framed Event messages for tests, with a bit-by-bit CRC-32C independent of the reader's.

/** Bitwise CRC-32C (reference implementation, slow and obviously right). */
export function referenceCrc32c(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return ~crc >>> 0;
}

export function referenceMask(crc: number): number {
  return (((crc >>> 15) | (crc << 17)) + 0xa282ead8) >>> 0;
}

/** One TFRecord: length, masked CRC of the length, data, masked CRC of the data. */
export function frame(data: Uint8Array): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt32LE(data.length, 0);
  header.writeUInt32LE(0, 4);
  header.writeUInt32LE(referenceMask(referenceCrc32c(header.subarray(0, 8))), 8);
  const footer = Buffer.alloc(4);
  footer.writeUInt32LE(referenceMask(referenceCrc32c(data)), 0);
  return Buffer.concat([header, data, footer]);
}

export function varint(value: number | bigint): Buffer {
  let v = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    out.push(byte);
  } while (v > 0n);
  return Buffer.from(out);
}

const key = (field: number, wire: number): Buffer => varint((field << 3) | wire);
export const fieldVarint = (field: number, value: number | bigint): Buffer =>
  Buffer.concat([key(field, 0), varint(value)]);
export const fieldBytes = (field: number, bytes: Uint8Array | string): Buffer => {
  const data = typeof bytes === 'string' ? Buffer.from(bytes) : Buffer.from(bytes);
  return Buffer.concat([key(field, 2), varint(data.length), data]);
};
export const fieldDouble = (field: number, value: number): Buffer => {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(value);
  return Buffer.concat([key(field, 1), b]);
};
export const fieldFloat = (field: number, value: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeFloatLE(value);
  return Buffer.concat([key(field, 5), b]);
};

export interface ValueSpec {
  tag: string | Uint8Array;
  simple?: number;
  tensor?: Buffer;
  plugin?: string;
}

export function summaryValue(v: ValueSpec): Buffer {
  const parts = [fieldBytes(1, v.tag)];
  if (v.simple !== undefined) parts.push(fieldFloat(2, v.simple));
  if (v.tensor) parts.push(fieldBytes(8, v.tensor));
  if (v.plugin !== undefined) parts.push(fieldBytes(9, fieldBytes(1, fieldBytes(1, v.plugin))));
  return Buffer.concat(parts);
}

export function event(spec: {
  wallTime: number;
  step?: number | bigint;
  fileVersion?: string;
  values?: ValueSpec[];
}): Buffer {
  const parts = [fieldDouble(1, spec.wallTime)];
  if (spec.step !== undefined) parts.push(fieldVarint(2, spec.step));
  if (spec.fileVersion) parts.push(fieldBytes(3, spec.fileVersion));
  if (spec.values) parts.push(fieldBytes(5, Buffer.concat(spec.values.map((v) => fieldBytes(1, summaryValue(v))))));
  return Buffer.concat(parts);
}

/** A TensorProto: dtype, shape (dims), and one of its value encodings. */
export function tensor(spec: { dtype: number; shape?: number[]; content?: Buffer; fields?: Buffer[] }): Buffer {
  const parts = [fieldVarint(1, spec.dtype)];
  parts.push(fieldBytes(2, Buffer.concat((spec.shape ?? []).map((size) => fieldBytes(2, fieldVarint(1, size))))));
  if (spec.content) parts.push(fieldBytes(4, spec.content));
  parts.push(...(spec.fields ?? []));
  return Buffer.concat(parts);
}

/** A whole event file: the file_version event and then the given events. */
export function eventFile(events: Buffer[]): Buffer {
  return Buffer.concat([frame(event({ wallTime: 1, fileVersion: 'brain.Event:2' })), ...events.map(frame)]);
}
