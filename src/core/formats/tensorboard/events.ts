// TensorBoard event files (`events.out.tfevents.*`): TFRecord framing with CRC-32C checks, and the scalars in
// their Event protocol buffers, both PyTorch/tensorboardX style (`simple_value`) and TF2 style (scalar tensors
// under the `scalars` plugin). Reads in big chunks into one reused buffer and allocates nothing per record; a
// reader keeps its offset so a file still being written can be tailed with `readFrom()`.
import { promises as fs } from 'node:fs';
import { MetricsError } from '../../metrics/model';
import { maskedCrc32c } from './crc32c';
import {
  ProtobufError,
  ProtobufReader,
  WIRE_FIXED32,
  WIRE_FIXED64,
  WIRE_LENGTH_DELIMITED,
  WIRE_VARINT,
} from './protobuf';

/** The scalars of one tag, as parallel columns (no object per point). */
export interface ScalarColumns {
  tag: string;
  steps: number[];
  values: number[];
  /** Seconds since the epoch, as the event file records them. */
  wallTimes: number[];
}

export interface EventReadResult {
  file: string;
  /** Where this read started. */
  startOffset: number;
  /** Just past the last complete record: where the next `readFrom()` continues. */
  nextOffset: number;
  /** Set when the file ends inside a record (it is still being written): the offset of that record. */
  truncatedAt?: number;
  /** Records (events) read. */
  events: number;
  /** Scalars read, one entry per tag, in order of first appearance. */
  scalars: ScalarColumns[];
  /** `file_version` of the file's first event (e.g. `brain.Event:2`), when this read saw it. */
  fileVersion?: string;
  /** Smallest and largest wall time seen, in seconds. */
  firstWallTime?: number;
  lastWallTime?: number;
  /**
   * The hyperparameters of the run's HParams session (`_hparams_/session_start_info`, as Keras's `hp.hparams` and
   * tensorboardX's `add_hparams` write them), when this read saw one; the last one wins.
   */
  hparams?: Record<string, HParamValue>;
  /** This read saw the HParams experiment definition (`_hparams_/experiment`: the domains, not a run's values). */
  hparamsExperiment?: boolean;
}

/** A hyperparameter's value (google.protobuf.Value's number, string or bool). */
export type HParamValue = number | string | boolean;

export interface EventReaderOptions {
  /** Bytes read at a time (default 8 MiB); a larger record grows the buffer. */
  chunkSize?: number;
  /** Check both CRCs of every record (default true). */
  verifyChecksums?: boolean;
}

const DEFAULT_CHUNK = 8 * 1024 * 1024;
const MAX_RECORD = 1024 * 1024 * 1024;
const HEADER = 12;
const FOOTER = 4;

// TensorProto data types with a numeric scalar reading.
const DT_FLOAT = 1;
const DT_DOUBLE = 2;
const DT_INT32 = 3;
const DT_UINT8 = 4;
const DT_INT16 = 5;
const DT_INT8 = 6;
const DT_INT64 = 9;
const DT_BFLOAT16 = 14;
const DT_UINT16 = 17;
const DT_HALF = 19;
const DT_UINT32 = 22;
const DT_UINT64 = 23;

interface TagEntry {
  bytes: Buffer;
  tag: string;
  /** Plugin named by the first metadata seen for this tag (TF writes it only with a tag's first value). */
  plugin?: string;
  /** Columns filled by the current read. */
  columns?: ScalarColumns;
  next?: TagEntry;
}

/** Converts IEEE 754 half-precision bits to a number. */
function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >>> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** Converts bfloat16 bits (the high half of a float32: 8 exponent bits, 7 fraction bits) to a number. */
function bfloat16ToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >>> 7) & 0xff;
  const fraction = bits & 0x7f;
  if (exponent === 0) return sign * fraction * 2 ** -133;
  if (exponent === 0xff) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 128) * 2 ** (exponent - 127);
}

/**
 * Parses TFRecord-framed Event messages and collects scalars. One instance per event file: it remembers which
 * tags belong to the `scalars` plugin across reads.
 */
export class EventParser {
  private readonly event = new ProtobufReader();
  private readonly summary = new ProtobufReader();
  private readonly value = new ProtobufReader();
  private readonly inner = new ProtobufReader();
  private readonly tags = new Map<number, TagEntry>();
  private readonly summaryRanges: number[] = [];
  private scalars: ScalarColumns[] = [];
  private touched: TagEntry[] = [];
  events = 0;
  fileVersion?: string;
  firstWallTime?: number;
  lastWallTime?: number;
  hparams?: Record<string, HParamValue>;
  hparamsExperiment = false;
  /** Bytes the record at the stop position needs in total (header, data, footer), once its header was read. */
  needed = 0;

  constructor(
    readonly location: string,
    private readonly verifyChecksums = true,
  ) {}

  /** Hands over what was gathered since the last call, and starts afresh. */
  take(): {
    scalars: ScalarColumns[];
    events: number;
    fileVersion?: string;
    firstWallTime?: number;
    lastWallTime?: number;
    hparams?: Record<string, HParamValue>;
    hparamsExperiment: boolean;
  } {
    for (const entry of this.touched) entry.columns = undefined;
    const out = {
      scalars: this.scalars,
      events: this.events,
      fileVersion: this.fileVersion,
      firstWallTime: this.firstWallTime,
      lastWallTime: this.lastWallTime,
      hparams: this.hparams,
      hparamsExperiment: this.hparamsExperiment,
    };
    this.hparams = undefined;
    this.hparamsExperiment = false;
    this.scalars = [];
    this.touched = [];
    this.events = 0;
    this.fileVersion = undefined;
    this.firstWallTime = undefined;
    this.lastWallTime = undefined;
    return out;
  }

  /**
   * Parses the complete records in `bytes[start, end)`, whose first byte is at `fileOffset` in the file, and
   * returns the position just past the last complete record.
   */
  parseRecords(bytes: Buffer, start: number, end: number, fileOffset: number): number {
    let pos = start;
    this.needed = 0;
    while (pos + HEADER <= end) {
      const lengthLow = bytes.readUInt32LE(pos);
      const lengthHigh = bytes.readUInt32LE(pos + 4);
      const at = fileOffset + (pos - start);
      if (this.verifyChecksums && maskedCrc32c(bytes, pos, pos + 8) !== bytes.readUInt32LE(pos + 8)) {
        throw new MetricsError(
          `${this.location}: the length checksum of the record at byte ${at} does not match: the event file is damaged at this point (copy it again, or delete it if it is not needed).`,
          this.location,
          { offset: at },
        );
      }
      if (lengthHigh !== 0 || lengthLow > MAX_RECORD) {
        throw new MetricsError(
          `${this.location}: the record at byte ${at} claims ${lengthHigh ? 'more than 4 GiB' : `${lengthLow} bytes`}, more than an event file record can hold: this is not a TensorBoard event file or it is damaged.`,
          this.location,
          { offset: at },
        );
      }
      const total = HEADER + lengthLow + FOOTER;
      if (pos + total > end) {
        this.needed = total;
        break;
      }
      const dataStart = pos + HEADER;
      const dataEnd = dataStart + lengthLow;
      if (this.verifyChecksums && maskedCrc32c(bytes, dataStart, dataEnd) !== bytes.readUInt32LE(dataEnd)) {
        throw new MetricsError(
          `${this.location}: the data checksum of the record at byte ${at} does not match: the event file is damaged at this point (copy it again, or delete it if it is not needed).`,
          this.location,
          { offset: at },
        );
      }
      try {
        this.parseEvent(bytes, dataStart, dataEnd);
      } catch (err) {
        if (err instanceof ProtobufError) {
          throw new MetricsError(
            `${this.location}: the record at byte ${at} is not a valid Event (${err.message} at byte ${fileOffset + (err.offset - start)}): the file is damaged or is not a TensorBoard event file.`,
            this.location,
            { offset: at },
          );
        }
        throw err;
      }
      this.events++;
      pos += total;
    }
    return pos;
  }

  private parseEvent(bytes: Buffer, start: number, end: number): void {
    const r = this.event.reset(bytes, start, end);
    const ranges = this.summaryRanges;
    ranges.length = 0;
    let wallTime = 0;
    let step = 0;
    while (r.pos < end) {
      const key = r.uint32();
      const field = key >>> 3;
      const wire = key & 7;
      if (field === 1 && wire === WIRE_FIXED64) wallTime = r.double();
      else if (field === 2 && wire === WIRE_VARINT) step = r.int64();
      else if (field === 5 && wire === WIRE_LENGTH_DELIMITED) {
        const summaryEnd = r.delimitedEnd();
        ranges.push(r.pos, summaryEnd);
        r.pos = summaryEnd;
      } else if (field === 3 && wire === WIRE_LENGTH_DELIMITED) {
        const versionEnd = r.delimitedEnd();
        if (this.fileVersion === undefined) this.fileVersion = bytes.toString('utf8', r.pos, versionEnd);
        r.pos = versionEnd;
      } else r.skip(wire);
    }
    if (this.firstWallTime === undefined || wallTime < this.firstWallTime) this.firstWallTime = wallTime;
    if (this.lastWallTime === undefined || wallTime > this.lastWallTime) this.lastWallTime = wallTime;
    for (let i = 0; i + 1 < ranges.length; i += 2) this.parseSummary(bytes, ranges[i]!, ranges[i + 1]!, step, wallTime);
  }

  private parseSummary(bytes: Buffer, start: number, end: number, step: number, wallTime: number): void {
    const r = this.summary.reset(bytes, start, end);
    while (r.pos < end) {
      const key = r.uint32();
      if (key === ((1 << 3) | WIRE_LENGTH_DELIMITED)) {
        const valueEnd = r.delimitedEnd();
        this.parseValue(bytes, r.pos, valueEnd, step, wallTime);
        r.pos = valueEnd;
      } else r.skip(key & 7);
    }
  }

  private parseValue(bytes: Buffer, start: number, end: number, step: number, wallTime: number): void {
    const r = this.value.reset(bytes, start, end);
    let tagStart = -1;
    let tagEnd = -1;
    let simple = 0;
    let hasSimple = false;
    let tensorStart = -1;
    let tensorEnd = -1;
    let metadataStart = -1;
    let metadataEnd = -1;
    while (r.pos < end) {
      const key = r.uint32();
      const field = key >>> 3;
      const wire = key & 7;
      if (field === 1 && wire === WIRE_LENGTH_DELIMITED) {
        tagEnd = r.delimitedEnd();
        tagStart = r.pos;
        r.pos = tagEnd;
      } else if (field === 2 && wire === WIRE_FIXED32) {
        simple = r.float();
        hasSimple = true;
      } else if (field === 8 && wire === WIRE_LENGTH_DELIMITED) {
        tensorEnd = r.delimitedEnd();
        tensorStart = r.pos;
        r.pos = tensorEnd;
      } else if (field === 9 && wire === WIRE_LENGTH_DELIMITED) {
        metadataEnd = r.delimitedEnd();
        metadataStart = r.pos;
        r.pos = metadataEnd;
      } else r.skip(wire);
    }
    if (tagStart < 0) return;
    const entry = this.entryFor(bytes, tagStart, tagEnd);
    if (metadataStart >= 0 && entry.plugin === undefined)
      entry.plugin = this.pluginName(bytes, metadataStart, metadataEnd);
    if (entry.plugin === 'hparams') {
      if (metadataStart >= 0) this.readHParams(bytes, metadataStart, metadataEnd);
      return;
    }
    let value: number;
    if (hasSimple) value = simple;
    else if (tensorStart >= 0 && entry.plugin === 'scalars') {
      const scalar = this.scalarTensor(bytes, tensorStart, tensorEnd);
      if (scalar === undefined) return;
      value = scalar;
    } else return;
    let columns = entry.columns;
    if (!columns) {
      columns = entry.columns = { tag: entry.tag, steps: [], values: [], wallTimes: [] };
      this.scalars.push(columns);
      this.touched.push(entry);
    }
    columns.steps.push(step);
    columns.values.push(value);
    columns.wallTimes.push(wallTime);
  }

  /** The tag entry for the tag bytes, creating it (and decoding the string) only on first sight. */
  private entryFor(bytes: Buffer, start: number, end: number): TagEntry {
    let hash = 0x811c9dc5;
    for (let i = start; i < end; i++) hash = Math.imul(hash ^ bytes[i]!, 0x01000193);
    hash >>>= 0;
    const length = end - start;
    const first = this.tags.get(hash);
    for (let entry = first; entry; entry = entry.next) {
      const known = entry.bytes;
      if (known.length !== length) continue;
      let same = true;
      for (let i = 0; i < length; i++) {
        if (known[i] !== bytes[start + i]) {
          same = false;
          break;
        }
      }
      if (same) return entry;
    }
    const entry: TagEntry = {
      bytes: Buffer.from(bytes.subarray(start, end)),
      tag: bytes.toString('utf8', start, end),
      next: first,
    };
    this.tags.set(hash, entry);
    return entry;
  }

  /**
   * The HParams plugin's data in SummaryMetadata.plugin_data(1).content(2): an HParamsPluginData whose
   * session_start_info(3) holds the hparams(1) map (key(1) -> google.protobuf.Value(2)), or whose experiment(2) defines
   * the domains. Other parts (session end, domains, metrics) are skipped.
   */
  private readHParams(bytes: Buffer, start: number, end: number): void {
    const metadata = new ProtobufReader(bytes, start, end);
    while (metadata.pos < end) {
      const key = metadata.uint32();
      if (key !== ((1 << 3) | WIRE_LENGTH_DELIMITED)) {
        metadata.skip(key & 7);
        continue;
      }
      const dataEnd = metadata.delimitedEnd();
      const data = new ProtobufReader(bytes, metadata.pos, dataEnd);
      metadata.pos = dataEnd;
      while (data.pos < dataEnd) {
        const dataKey = data.uint32();
        if (dataKey !== ((2 << 3) | WIRE_LENGTH_DELIMITED)) {
          data.skip(dataKey & 7);
          continue;
        }
        const contentEnd = data.delimitedEnd();
        const content = new ProtobufReader(bytes, data.pos, contentEnd);
        data.pos = contentEnd;
        while (content.pos < contentEnd) {
          const contentKey = content.uint32();
          if (contentKey === ((2 << 3) | WIRE_LENGTH_DELIMITED)) {
            this.hparamsExperiment = true;
            content.pos = content.delimitedEnd();
          } else if (contentKey === ((3 << 3) | WIRE_LENGTH_DELIMITED)) {
            const sessionEnd = content.delimitedEnd();
            this.hparams = this.sessionHParams(bytes, content.pos, sessionEnd);
            content.pos = sessionEnd;
          } else content.skip(contentKey & 7);
        }
      }
    }
  }

  /** SessionStartInfo.hparams(1): map entries of key(1) and google.protobuf.Value(2). */
  private sessionHParams(bytes: Buffer, start: number, end: number): Record<string, HParamValue> {
    const hparams: Record<string, HParamValue> = Object.create(null) as Record<string, HParamValue>;
    const session = new ProtobufReader(bytes, start, end);
    while (session.pos < end) {
      const key = session.uint32();
      if (key !== ((1 << 3) | WIRE_LENGTH_DELIMITED)) {
        session.skip(key & 7);
        continue;
      }
      const entryEnd = session.delimitedEnd();
      const entry = new ProtobufReader(bytes, session.pos, entryEnd);
      session.pos = entryEnd;
      let name: string | undefined;
      let value: HParamValue | undefined;
      while (entry.pos < entryEnd) {
        const entryKey = entry.uint32();
        if (entryKey === ((1 << 3) | WIRE_LENGTH_DELIMITED)) {
          const nameEnd = entry.delimitedEnd();
          name = bytes.toString('utf8', entry.pos, nameEnd);
          entry.pos = nameEnd;
        } else if (entryKey === ((2 << 3) | WIRE_LENGTH_DELIMITED)) {
          const valueEnd = entry.delimitedEnd();
          value = this.protobufValue(bytes, entry.pos, valueEnd);
          entry.pos = valueEnd;
        } else entry.skip(entryKey & 7);
      }
      if (name !== undefined && value !== undefined) hparams[name] = value;
    }
    return hparams;
  }

  /** google.protobuf.Value: number_value(2), string_value(3) or bool_value(4); undefined for null, struct, list. */
  private protobufValue(bytes: Buffer, start: number, end: number): HParamValue | undefined {
    const r = new ProtobufReader(bytes, start, end);
    let value: HParamValue | undefined;
    while (r.pos < end) {
      const key = r.uint32();
      if (key === ((2 << 3) | WIRE_FIXED64)) value = r.double();
      else if (key === ((3 << 3) | WIRE_LENGTH_DELIMITED)) {
        const textEnd = r.delimitedEnd();
        value = bytes.toString('utf8', r.pos, textEnd);
        r.pos = textEnd;
      } else if (key === ((4 << 3) | WIRE_VARINT)) value = r.uint32() !== 0;
      else {
        r.skip(key & 7);
        value = undefined;
      }
    }
    return value;
  }

  /** SummaryMetadata.plugin_data(1).plugin_name(1). */
  private pluginName(bytes: Buffer, start: number, end: number): string {
    const r = this.inner.reset(bytes, start, end);
    let name = '';
    while (r.pos < end) {
      const key = r.uint32();
      if (key === ((1 << 3) | WIRE_LENGTH_DELIMITED)) {
        const dataEnd = r.delimitedEnd();
        while (r.pos < dataEnd) {
          const inner = r.uint32();
          if (inner === ((1 << 3) | WIRE_LENGTH_DELIMITED)) {
            const nameEnd = r.delimitedEnd();
            name = bytes.toString('utf8', r.pos, nameEnd);
            r.pos = nameEnd;
          } else r.skip(inner & 7);
        }
      } else r.skip(key & 7);
    }
    return name;
  }

  /** The value of a one-element numeric TensorProto, or undefined for anything else. */
  private scalarTensor(bytes: Buffer, start: number, end: number): number | undefined {
    const r = this.inner.reset(bytes, start, end);
    let dtype = 0;
    let elements = 1;
    let contentStart = -1;
    let contentEnd = -1;
    let first: number | undefined;
    while (r.pos < end) {
      const key = r.uint32();
      const field = key >>> 3;
      const wire = key & 7;
      if (field === 1 && wire === WIRE_VARINT) dtype = r.uint32();
      else if (field === 2 && wire === WIRE_LENGTH_DELIMITED) {
        const shapeEnd = r.delimitedEnd();
        elements = this.countElements(r, shapeEnd);
        r.pos = shapeEnd;
      } else if (field === 4 && wire === WIRE_LENGTH_DELIMITED) {
        contentEnd = r.delimitedEnd();
        contentStart = r.pos;
        r.pos = contentEnd;
      } else if (
        field === 5 ||
        field === 6 ||
        field === 7 ||
        field === 10 ||
        field === 13 ||
        field === 16 ||
        field === 17
      ) {
        // Repeated numeric fields, packed (length-delimited) or one value per key; keep the first value.
        const v = this.firstRepeated(r, field, wire);
        if (first === undefined) first = v;
      } else r.skip(wire);
    }
    if (elements !== 1) return undefined;
    if (contentStart >= 0 && contentEnd > contentStart) return this.fromContent(bytes, dtype, contentStart, contentEnd);
    switch (dtype) {
      case DT_FLOAT:
      case DT_DOUBLE:
      case DT_INT32:
      case DT_UINT8:
      case DT_INT16:
      case DT_INT8:
      case DT_INT64:
      case DT_UINT16:
      case DT_UINT32:
      case DT_UINT64:
        return first ?? 0;
      case DT_HALF:
        return first === undefined ? 0 : halfToNumber(first);
      case DT_BFLOAT16:
        return first === undefined ? 0 : bfloat16ToNumber(first);
      default:
        return undefined;
    }
  }

  /** Reads the first value of a repeated numeric field (packed or not) and leaves the reader after the field. */
  private firstRepeated(r: ProtobufReader, field: number, wire: number): number | undefined {
    if (wire === WIRE_LENGTH_DELIMITED) {
      const packedEnd = r.delimitedEnd();
      let value: number | undefined;
      if (r.pos < packedEnd) {
        const savedEnd = r.end;
        r.end = packedEnd;
        try {
          value = this.readNumeric(r, field);
        } finally {
          r.end = savedEnd;
        }
      }
      r.pos = packedEnd;
      return value;
    }
    if (wire !== (field === 5 ? WIRE_FIXED32 : field === 6 ? WIRE_FIXED64 : WIRE_VARINT)) {
      r.skip(wire);
      return undefined;
    }
    return this.readNumeric(r, field);
  }

  /** One element of TensorProto float_val(5), double_val(6), half_val(13), uint32_val(16), uint64_val(17) or the int fields. */
  private readNumeric(r: ProtobufReader, field: number): number {
    switch (field) {
      case 5:
        return r.float();
      case 6:
        return r.double();
      case 13:
        return r.uint32() & 0xffff;
      case 16:
        return r.uint32();
      case 17:
        return r.uint64();
      default:
        return r.int64();
    }
  }

  /** Product of TensorShapeProto dims (field 2, each with size = field 1); a shape with no dims has one element. */
  private countElements(r: ProtobufReader, shapeEnd: number): number {
    let elements = 1;
    while (r.pos < shapeEnd) {
      const key = r.uint32();
      if (key === ((2 << 3) | WIRE_LENGTH_DELIMITED)) {
        const dimEnd = r.delimitedEnd();
        let size = 0;
        while (r.pos < dimEnd) {
          const inner = r.uint32();
          if (inner === ((1 << 3) | WIRE_VARINT)) size = r.int64();
          else r.skip(inner & 7);
        }
        elements *= size;
      } else if (key === ((3 << 3) | WIRE_VARINT)) {
        if (r.uint32()) elements = NaN;
      } else r.skip(key & 7);
    }
    return elements;
  }

  private fromContent(bytes: Buffer, dtype: number, start: number, end: number): number | undefined {
    const size = end - start;
    switch (dtype) {
      case DT_FLOAT:
        return size >= 4 ? bytes.readFloatLE(start) : undefined;
      case DT_DOUBLE:
        return size >= 8 ? bytes.readDoubleLE(start) : undefined;
      case DT_INT32:
        return size >= 4 ? bytes.readInt32LE(start) : undefined;
      case DT_UINT32:
        return size >= 4 ? bytes.readUInt32LE(start) : undefined;
      case DT_INT64:
        return size >= 8 ? bytes.readInt32LE(start + 4) * 4294967296 + bytes.readUInt32LE(start) : undefined;
      case DT_UINT64:
        return size >= 8 ? bytes.readUInt32LE(start + 4) * 4294967296 + bytes.readUInt32LE(start) : undefined;
      case DT_INT16:
        return size >= 2 ? bytes.readInt16LE(start) : undefined;
      case DT_UINT16:
        return size >= 2 ? bytes.readUInt16LE(start) : undefined;
      case DT_INT8:
        return bytes.readInt8(start);
      case DT_UINT8:
        return bytes[start];
      case DT_HALF:
        return size >= 2 ? halfToNumber(bytes.readUInt16LE(start)) : undefined;
      case DT_BFLOAT16:
        return size >= 2 ? bfloat16ToNumber(bytes.readUInt16LE(start)) : undefined;
      default:
        return undefined;
    }
  }
}

/**
 * Reads one event file, from the start or incrementally: each `readFrom()` returns the scalars of the complete
 * records from its offset on and remembers where to continue, so a file still being written can be tailed.
 */
export class EventFileReader {
  /** Where the next `readFrom()` continues by default. */
  nextOffset = 0;
  private readonly parser: EventParser;
  private buffer?: Buffer;
  private readonly chunkSize: number;
  private busy = false;

  constructor(
    readonly file: string,
    options: EventReaderOptions = {},
  ) {
    this.chunkSize = Math.max(64, options.chunkSize ?? DEFAULT_CHUNK);
    this.parser = new EventParser(file, options.verifyChecksums ?? true);
  }

  /** Reads the complete records from `offset` on. Calls on one reader must not overlap. */
  async readFrom(offset = this.nextOffset): Promise<EventReadResult> {
    if (this.busy)
      throw new MetricsError(
        `${this.file}: a read of this file is already in progress; wait for it before reading again.`,
        this.file,
      );
    this.busy = true;
    try {
      return await this.read(offset);
    } finally {
      this.busy = false;
    }
  }

  private async read(offset: number): Promise<EventReadResult> {
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(this.file, 'r');
    } catch (err) {
      throw new MetricsError(
        `${this.file}: cannot open the event file (${(err as NodeJS.ErrnoException).code ?? String(err)}).`,
        this.file,
      );
    }
    try {
      const size = (await handle.stat()).size;
      if (offset > size) {
        throw new MetricsError(
          `${this.file}: the file is now ${size} bytes, shorter than the ${offset} bytes already read: it was replaced; read it again from the start.`,
          this.file,
          { offset },
        );
      }
      const parser = this.parser;
      parser.take();
      // Big chunks for big files, without holding megabytes for a small one.
      const wanted = Math.min(this.chunkSize, Math.max(64 * 1024, size - offset));
      if (!this.buffer || this.buffer.length < wanted) this.buffer = Buffer.allocUnsafe(wanted);
      let buffer = this.buffer;
      let bufferOffset = offset; // file offset of buffer[0]
      let filled = 0;
      let readAt = offset;
      let truncatedAt: number | undefined;
      for (;;) {
        if (filled === buffer.length) {
          // One record is larger than the buffer: grow to hold it.
          const grown = Buffer.allocUnsafe(Math.max(buffer.length * 2, parser.needed));
          buffer.copy(grown, 0, 0, filled);
          buffer = this.buffer = grown;
        }
        const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, readAt);
        readAt += bytesRead;
        filled += bytesRead;
        const consumed = parser.parseRecords(buffer, 0, filled, bufferOffset);
        if (bytesRead === 0) {
          if (consumed < filled) truncatedAt = bufferOffset + consumed;
          bufferOffset += consumed;
          break;
        }
        if (consumed > 0) {
          buffer.copy(buffer, 0, consumed, filled);
          filled -= consumed;
          bufferOffset += consumed;
        }
      }
      this.nextOffset = bufferOffset;
      const taken = parser.take();
      return {
        file: this.file,
        startOffset: offset,
        nextOffset: bufferOffset,
        truncatedAt,
        events: taken.events,
        scalars: taken.scalars,
        fileVersion: taken.fileVersion,
        firstWallTime: taken.firstWallTime,
        lastWallTime: taken.lastWallTime,
        ...(taken.hparams ? { hparams: taken.hparams } : {}),
        ...(taken.hparamsExperiment ? { hparamsExperiment: true } : {}),
      };
    } catch (err) {
      if (err instanceof MetricsError) throw err;
      throw new MetricsError(
        `${this.file}: cannot read the event file (${(err as NodeJS.ErrnoException).code ?? String(err)}).`,
        this.file,
      );
    } finally {
      await handle.close();
    }
  }
}

/** Reads a whole event file. */
export function readEventFile(file: string, options: EventReaderOptions = {}): Promise<EventReadResult> {
  return new EventFileReader(file, options).readFrom(0);
}

/** Parses event-file bytes already in memory (`location` names them in errors). */
export function parseEventBytes(
  bytes: Uint8Array,
  location: string,
  options: { verifyChecksums?: boolean } = {},
): Omit<EventReadResult, 'file'> & { location: string } {
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const parser = new EventParser(location, options.verifyChecksums ?? true);
  const consumed = parser.parseRecords(buffer, 0, buffer.length, 0);
  const taken = parser.take();
  return {
    location,
    startOffset: 0,
    nextOffset: consumed,
    truncatedAt: consumed < buffer.length ? consumed : undefined,
    events: taken.events,
    scalars: taken.scalars,
    fileVersion: taken.fileVersion,
    firstWallTime: taken.firstWallTime,
    lastWallTime: taken.lastWallTime,
  };
}
