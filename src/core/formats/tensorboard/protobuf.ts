// A minimal protocol-buffer wire-format reader: varints, fixed 32/64-bit and length-delimited fields over a byte
// range. It allocates nothing per field; callers read fields in a loop and skip what they do not know.

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LENGTH_DELIMITED = 2;
export const WIRE_START_GROUP = 3;
export const WIRE_END_GROUP = 4;
export const WIRE_FIXED32 = 5;

/** Thrown for bytes that are not a valid message; `offset` is relative to the buffer the reader was given. */
export class ProtobufError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'ProtobufError';
  }
}

const TWO_32 = 4294967296;

/** Reads one message (or sub-message) between `pos` and `end`. Reset it to reuse it for the next message. */
export class ProtobufReader {
  bytes: Buffer;
  pos: number;
  end: number;

  constructor(bytes: Buffer = Buffer.alloc(0), start = 0, end = bytes.length) {
    this.bytes = bytes;
    this.pos = start;
    this.end = end;
  }

  reset(bytes: Buffer, start: number, end: number): this {
    this.bytes = bytes;
    this.pos = start;
    this.end = end;
    return this;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** A varint of up to 32 significant bits (field keys, lengths, enums, int32). */
  uint32(): number {
    const b = this.bytes;
    let pos = this.pos;
    const end = this.end;
    if (pos >= end) throw new ProtobufError('message ends inside a varint', pos);
    let byte = b[pos++];
    let value = byte & 0x7f;
    if (byte < 0x80) {
      this.pos = pos;
      return value;
    }
    for (let shift = 7; shift < 70; shift += 7) {
      if (pos >= end) throw new ProtobufError('message ends inside a varint', pos);
      byte = b[pos++];
      if (shift < 32) value = (value | ((byte & 0x7f) << shift)) >>> 0;
      if (byte < 0x80) {
        this.pos = pos;
        return value;
      }
    }
    throw new ProtobufError('varint longer than 10 bytes', this.pos);
  }

  /** A varint read as a signed 64-bit integer (int64), as a number (exact up to 2^53). */
  int64(): number {
    const b = this.bytes;
    let pos = this.pos;
    const end = this.end;
    let low = 0;
    let high: number;
    let byte: number;
    let shift = 0;
    for (; shift < 28; shift += 7) {
      if (pos >= end) throw new ProtobufError('message ends inside a varint', pos);
      byte = b[pos++];
      low |= (byte & 0x7f) << shift;
      if (byte < 0x80) {
        this.pos = pos;
        return low;
      }
    }
    // Bits 28..31 of the low word and bits 0..2 of the high word share the fifth byte.
    if (pos >= end) throw new ProtobufError('message ends inside a varint', pos);
    byte = b[pos++];
    low = (low | ((byte & 0x0f) << 28)) >>> 0;
    high = (byte & 0x7f) >>> 4;
    if (byte >= 0x80) {
      for (shift = 3; shift < 32; shift += 7) {
        if (pos >= end) throw new ProtobufError('message ends inside a varint', pos);
        byte = b[pos++];
        high |= (byte & 0x7f) << shift;
        if (byte < 0x80) break;
      }
      if (byte >= 0x80) throw new ProtobufError('varint longer than 10 bytes', this.pos);
    }
    this.pos = pos;
    high |= 0;
    return high * TWO_32 + low;
  }

  /** A varint read as an unsigned 64-bit integer (uint64), as a number. */
  uint64(): number {
    const value = this.int64();
    return value < 0 ? value + TWO_32 * TWO_32 : value;
  }

  double(): number {
    if (this.pos + 8 > this.end) throw new ProtobufError('message ends inside a 64-bit field', this.pos);
    const value = this.bytes.readDoubleLE(this.pos);
    this.pos += 8;
    return value;
  }

  float(): number {
    if (this.pos + 4 > this.end) throw new ProtobufError('message ends inside a 32-bit field', this.pos);
    const value = this.bytes.readFloatLE(this.pos);
    this.pos += 4;
    return value;
  }

  /** Reads the length of a length-delimited field and returns its end; `pos` is then at its first byte. */
  delimitedEnd(): number {
    const length = this.uint32();
    const end = this.pos + length;
    if (end > this.end) throw new ProtobufError(`field of ${length} bytes runs past the end of its message`, this.pos);
    return end;
  }

  /** Skips a field of the given wire type (after its key). */
  skip(wireType: number, depth = 0): void {
    switch (wireType) {
      case WIRE_VARINT:
        this.int64();
        return;
      case WIRE_FIXED64:
        if (this.pos + 8 > this.end) throw new ProtobufError('message ends inside a 64-bit field', this.pos);
        this.pos += 8;
        return;
      case WIRE_LENGTH_DELIMITED:
        this.pos = this.delimitedEnd();
        return;
      case WIRE_FIXED32:
        if (this.pos + 4 > this.end) throw new ProtobufError('message ends inside a 32-bit field', this.pos);
        this.pos += 4;
        return;
      case WIRE_START_GROUP: {
        // Deprecated groups: skip fields up to the matching end-group key.
        if (depth > 64) throw new ProtobufError('groups nested more than 64 deep', this.pos);
        for (;;) {
          const key = this.uint32();
          const type = key & 7;
          if (type === WIRE_END_GROUP) return;
          this.skip(type, depth + 1);
        }
      }
      default:
        throw new ProtobufError(`invalid wire type ${wireType}`, this.pos);
    }
  }
}
