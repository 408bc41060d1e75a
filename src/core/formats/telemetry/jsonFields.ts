// The fast path of the prediction-log reader (predictionLog.ts) for JSON Lines: one line's bytes are checked against
// the JSON grammar and only the top-level keys the field mapping can use are taken out, without building the other
// values (features, scores, nested objects). It answers only when it is sure: a line that is not a JSON object, or
// whose wanted keys are escaped or not ASCII, or whose wanted values are objects, arrays, escaped or non-ASCII
// strings, is left to JSON.parse, which then decides (a bad line, or a record read the ordinary way). So the events
// of a line are the same whichever path read it.

/** What a wanted key held in the line scanned last. */
const ABSENT = 0;
const STRING = 1;
const NUMBER = 2;
const TRUE = 3;
const FALSE = 4;
const NULL = 5;

/** Nesting deeper than this is left to JSON.parse. */
const MAX_DEPTH = 64;
/** Strings up to this many bytes are remembered per key, so a repeated value is one string. */
const CACHED_BYTES = 64;
/** Key positions remembered (a log of one shape has its keys in the same order). */
const MAX_POSITIONS = 64;

const QUOTE = 34;
const BACKSLASH = 92;

/** 10^k for k = 0..22: exact doubles, so m / 10^k is the correctly rounded value of a decimal with m < 2^53. */
const POW10 = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

const isWs = (c: number): boolean => c === 32 || c === 9 || c === 13 || c === 10;
const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isHex = (c: number): boolean => (c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 102);

/**
 * Scans one JSON Lines record for a fixed set of top-level keys. After `scan` answers true, `value(name)` gives what
 * a wanted key held (the last occurrence wins, as in JSON.parse).
 */
export class JsonFieldScanner {
  private readonly slots = new Map<string, number>();
  private readonly kinds: Uint8Array;
  private readonly starts: Int32Array;
  private readonly ends: Int32Array;
  /** Per slot, the bytes and string of the last string value decoded. */
  private readonly lastBytes: Uint8Array[];
  private readonly lastLength: Int32Array;
  private readonly lastString: string[];
  /** Per key position: the key's bytes and its slot (-1: not wanted) the last time a key was seen there. */
  private readonly positionKeys: (Uint8Array | undefined)[] = [];
  private readonly positionSlots = new Int32Array(MAX_POSITIONS);
  private buf: Buffer = Buffer.alloc(0);
  private end = 0;

  constructor(readonly names: readonly string[]) {
    names.forEach((name, slot) => {
      if (!this.slots.has(name)) this.slots.set(name, slot);
    });
    this.kinds = new Uint8Array(names.length);
    this.starts = new Int32Array(names.length);
    this.ends = new Int32Array(names.length);
    this.lastBytes = names.map(() => new Uint8Array(CACHED_BYTES));
    this.lastLength = new Int32Array(names.length).fill(-1);
    this.lastString = names.map(() => '');
  }

  /** Whether these names can be served here (plain ASCII keys; dotted paths and `__proto__` need JSON.parse). */
  static serves(names: readonly string[]): boolean {
    return names.every((n) => n !== '' && n !== '__proto__' && !n.includes('.') && /^[\x20-\x7e]+$/.test(n));
  }

  /** The value a wanted key held in the line scanned last (undefined when absent), as JSON.parse gives it. */
  value(name: string): unknown {
    const slot = this.slots.get(name);
    return slot === undefined ? undefined : this.valueAt(slot);
  }

  /** The slot of a wanted name (its index in `names`, the first when a name is listed twice), or -1. */
  slotOf(name: string): number {
    return this.slots.get(name) ?? -1;
  }

  /** Whether a slot held something other than null or '' (what the field mapping skips). */
  present(slot: number): boolean {
    const kind = this.kinds[slot];
    return kind === STRING ? this.ends[slot]! > this.starts[slot]! : kind !== ABSENT && kind !== NULL;
  }

  /** The value a slot held, like `value`. */
  valueAt(slot: number): unknown {
    switch (this.kinds[slot]) {
      case STRING:
        return this.string(slot);
      case NUMBER:
        return this.number(slot);
      case TRUE:
        return true;
      case FALSE:
        return false;
      case NULL:
        return null;
      default:
        return undefined;
    }
  }

  /** The bytes of the string a slot held (ASCII, no escapes), in `buffer` from `start` to `end`; false when no string. */
  stringBytes(slot: number): boolean {
    if (this.kinds[slot] !== STRING) return false;
    this.start = this.starts[slot]!;
    this.stop = this.ends[slot]!;
    return true;
  }

  /** Where the string of the last `stringBytes` is. */
  get buffer(): Buffer {
    return this.buf;
  }
  start = 0;
  stop = 0;

  /** The string a slot held (ASCII, no escapes). */
  private string(slot: number): string {
    const buf = this.buf;
    const start = this.starts[slot]!;
    const length = this.ends[slot]! - start;
    if (length > CACHED_BYTES) return buf.toString('latin1', start, start + length);
    const last = this.lastBytes[slot]!;
    if (length === this.lastLength[slot]) {
      let same = true;
      for (let i = 0; i < length; i++)
        if (buf[start + i] !== last[i]) {
          same = false;
          break;
        }
      if (same) return this.lastString[slot]!;
    }
    for (let i = 0; i < length; i++) last[i] = buf[start + i]!;
    this.lastLength[slot] = length;
    const text = buf.toString('latin1', start, start + length);
    this.lastString[slot] = text;
    return text;
  }

  /** The number a slot held, as JSON.parse reads it. */
  private number(slot: number): number {
    const buf = this.buf;
    const start = this.starts[slot]!;
    const end = this.ends[slot]!;
    let i = start;
    const negative = buf[i] === 45;
    if (negative) i++;
    let mantissa = 0;
    let digits = 0;
    let fraction = 0;
    for (; i < end; i++) {
      const c = buf[i]!;
      if (isDigit(c)) {
        mantissa = mantissa * 10 + (c - 48);
        if (mantissa !== 0) digits++;
      } else if (c === 46) fraction = end - i - 1;
      else return Number(buf.toString('latin1', start, end)); // an exponent
    }
    // Up to 15 significant digits: the mantissa is exact, and one division rounds correctly.
    if (digits > 15 || fraction > 22) return Number(buf.toString('latin1', start, end));
    const value = fraction === 0 ? mantissa : mantissa / POW10[fraction]!;
    return negative ? -value : value;
  }

  /**
   * Scans `buf[start..end)` (one line without its line end). True when it is a JSON object whose wanted keys hold
   * ASCII strings without escapes, numbers, booleans or null; false when JSON.parse has to decide.
   */
  scan(buf: Buffer, start: number, end: number): boolean {
    this.buf = buf;
    this.end = end;
    this.kinds.fill(ABSENT);
    let i = this.ws(start);
    if (i >= end || buf[i] !== 123) return false;
    i = this.ws(i + 1);
    if (i < end && buf[i] === 125) return this.ws(i + 1) === end;
    for (let position = 0; ; position++) {
      if (i >= end || buf[i] !== QUOTE) return false;
      const keyStart = i + 1;
      let j = keyStart;
      for (;;) {
        if (j >= end) return false;
        const c = buf[j]!;
        if (c === QUOTE) break;
        if (c === BACKSLASH || c < 32 || c >= 128) return false;
        j++;
      }
      const slot = this.keySlot(position, keyStart, j);
      i = this.ws(j + 1);
      if (i >= end || buf[i] !== 58) return false;
      i = this.ws(i + 1);
      if (i >= end) return false;
      if (slot >= 0) {
        const c = buf[i]!;
        const valueStart = i;
        if (c === QUOTE) {
          i++;
          for (;;) {
            if (i >= end) return false;
            const d = buf[i]!;
            if (d === QUOTE) break;
            if (d === BACKSLASH || d < 32 || d >= 128) return false;
            i++;
          }
          this.kinds[slot] = STRING;
          this.starts[slot] = valueStart + 1;
          this.ends[slot] = i;
          i++;
        } else if (c === 45 || isDigit(c)) {
          i = this.skipNumber(i);
          if (i < 0) return false;
          this.kinds[slot] = NUMBER;
          this.starts[slot] = valueStart;
          this.ends[slot] = i;
        } else if (c === 116 && this.literal(i, 'true')) {
          this.kinds[slot] = TRUE;
          i += 4;
        } else if (c === 102 && this.literal(i, 'false')) {
          this.kinds[slot] = FALSE;
          i += 5;
        } else if (c === 110 && this.literal(i, 'null')) {
          this.kinds[slot] = NULL;
          i += 4;
        } else return false;
      } else {
        i = this.skipValue(i, 1);
        if (i < 0) return false;
      }
      i = this.ws(i);
      if (i >= end) return false;
      const c = buf[i];
      if (c === 44) i = this.ws(i + 1);
      else if (c === 125) return this.ws(i + 1) === end;
      else return false;
    }
  }

  /** The slot of the key at `buf[start..end)` (the `position`th key of its line), or -1. */
  private keySlot(position: number, start: number, end: number): number {
    const buf = this.buf;
    const length = end - start;
    if (position < MAX_POSITIONS) {
      const known = this.positionKeys[position];
      if (known && known.length === length) {
        let same = true;
        for (let i = 0; i < length; i++)
          if (buf[start + i] !== known[i]) {
            same = false;
            break;
          }
        if (same) return this.positionSlots[position]!;
      }
    }
    const slot = this.slots.get(buf.toString('latin1', start, end)) ?? -1;
    if (position < MAX_POSITIONS) {
      this.positionKeys[position] = Uint8Array.prototype.slice.call(buf, start, end);
      this.positionSlots[position] = slot;
    }
    return slot;
  }

  private ws(i: number): number {
    const buf = this.buf;
    const end = this.end;
    while (i < end && isWs(buf[i]!)) i++;
    return i;
  }

  private literal(i: number, word: string): boolean {
    if (i + word.length > this.end) return false;
    for (let k = 0; k < word.length; k++) if (this.buf[i + k] !== word.charCodeAt(k)) return false;
    return true;
  }

  /** The end of the number starting at i, or -1 when it is not one (JSON's grammar). */
  private skipNumber(i: number): number {
    const buf = this.buf;
    const end = this.end;
    if (buf[i] === 45) i++;
    if (i >= end) return -1;
    if (buf[i] === 48) i++;
    else if (isDigit(buf[i]!)) while (i < end && isDigit(buf[i]!)) i++;
    else return -1;
    if (i < end && buf[i] === 46) {
      i++;
      if (i >= end || !isDigit(buf[i]!)) return -1;
      while (i < end && isDigit(buf[i]!)) i++;
    }
    if (i < end && (buf[i] === 101 || buf[i] === 69)) {
      i++;
      if (i < end && (buf[i] === 43 || buf[i] === 45)) i++;
      if (i >= end || !isDigit(buf[i]!)) return -1;
      while (i < end && isDigit(buf[i]!)) i++;
    }
    return i;
  }

  /** The end of the string whose opening quote is at i, or -1. */
  private skipString(i: number): number {
    const buf = this.buf;
    const end = this.end;
    i++;
    for (;;) {
      if (i >= end) return -1;
      const c = buf[i]!;
      if (c === QUOTE) return i + 1;
      if (c < 32) return -1;
      if (c === BACKSLASH) {
        if (i + 1 >= end) return -1;
        const e = buf[i + 1]!;
        if (e === 117) {
          if (i + 5 >= end) return -1;
          for (let k = 2; k <= 5; k++) if (!isHex(buf[i + k]!)) return -1;
          i += 6;
        } else if (
          e === QUOTE ||
          e === BACKSLASH ||
          e === 47 ||
          e === 98 ||
          e === 102 ||
          e === 110 ||
          e === 114 ||
          e === 116
        )
          i += 2;
        else return -1;
      } else i++;
    }
  }

  /** The end of the JSON value starting at i (not whitespace), or -1 when it is not one. */
  private skipValue(i: number, depth: number): number {
    const buf = this.buf;
    const end = this.end;
    if (i >= end) return -1;
    const c = buf[i]!;
    if (c === QUOTE) return this.skipString(i);
    if (c === 45 || isDigit(c)) return this.skipNumber(i);
    if (c === 116) return this.literal(i, 'true') ? i + 4 : -1;
    if (c === 102) return this.literal(i, 'false') ? i + 5 : -1;
    if (c === 110) return this.literal(i, 'null') ? i + 4 : -1;
    if (depth >= MAX_DEPTH) return -1;
    if (c === 123) {
      i = this.ws(i + 1);
      if (i < end && buf[i] === 125) return i + 1;
      for (;;) {
        if (i >= end || buf[i] !== QUOTE) return -1;
        i = this.skipString(i);
        if (i < 0) return -1;
        i = this.ws(i);
        if (i >= end || buf[i] !== 58) return -1;
        i = this.skipValue(this.ws(i + 1), depth + 1);
        if (i < 0) return -1;
        i = this.ws(i);
        if (i >= end) return -1;
        if (buf[i] === 44) i = this.ws(i + 1);
        else if (buf[i] === 125) return i + 1;
        else return -1;
      }
    }
    if (c === 91) {
      i = this.ws(i + 1);
      if (i < end && buf[i] === 93) return i + 1;
      for (;;) {
        i = this.skipValue(i, depth + 1);
        if (i < 0) return -1;
        i = this.ws(i);
        if (i >= end) return -1;
        if (buf[i] === 44) i = this.ws(i + 1);
        else if (buf[i] === 93) return i + 1;
        else return -1;
      }
    }
    return -1;
  }
}
