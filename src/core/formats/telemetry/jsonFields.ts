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
/** Distinct strings remembered per key (a log's models, versions, callers and statuses are mostly a handful). */
const CACHED_STRINGS = 16;
/** Key positions remembered (a log of one shape has its keys in the same order). */
const MAX_POSITIONS = 64;

const QUOTE = 34;
const BACKSLASH = 92;

/** 10^k for k = 0..22: exact doubles, so m / 10^k is the correctly rounded value of a decimal with m < 2^53. */
const POW10 = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

/** Whether `known` equals buf[start..start+length). */
function sameBytes(known: Uint8Array, buf: Buffer, start: number, length: number): boolean {
  if (known.length !== length) return false;
  for (let i = 0; i < length; i++) if (buf[start + i] !== known[i]) return false;
  return true;
}

const isWs = (c: number): boolean => c === 32 || c === 9 || c === 13 || c === 10;
const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isHex = (c: number): boolean => (c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 102);

/**
 * Scans one JSON Lines record for a fixed set of top-level keys. After `scan` answers true, `value(name)` gives what
 * a wanted key held (the last occurrence wins, as in JSON.parse).
 */
export class JsonFieldScanner {
  private readonly slots = new Map<string, number>();
  /**
   * Per slot, the line it was set in (the scan's generation, shifted left by 3) and what it held (low 3 bits): a
   * slot set in an earlier line is absent, so nothing is cleared between lines.
   */
  private readonly kinds: Uint32Array;
  private generation = 0;
  private readonly starts: Int32Array;
  private readonly ends: Int32Array;
  /** Per slot, the bytes and strings of up to CACHED_STRINGS string values decoded, and the one found last. */
  private readonly cachedBytes: Uint8Array[][];
  private readonly cachedStrings: string[][];
  private readonly lastHit: Int32Array;
  private readonly nextFree: Int32Array;
  /** Per slot, in the line scanned last: the cached string its value equals (-1: not known yet), or its number. */
  private readonly resolved: Int32Array;
  private readonly numbers: Float64Array;
  /** Per key position: the key's bytes and its slot (-1: not wanted) the last time a key was seen there. */
  private readonly positionKeys: (Uint8Array | undefined)[] = [];
  private readonly positionSlots = new Int32Array(MAX_POSITIONS);
  private buf: Buffer = Buffer.alloc(0);
  private end = 0;

  constructor(readonly names: readonly string[]) {
    names.forEach((name, slot) => {
      if (!this.slots.has(name)) this.slots.set(name, slot);
    });
    this.kinds = new Uint32Array(names.length);
    this.starts = new Int32Array(names.length);
    this.ends = new Int32Array(names.length);
    this.cachedBytes = names.map(() => []);
    this.cachedStrings = names.map(() => []);
    this.lastHit = new Int32Array(names.length);
    this.nextFree = new Int32Array(names.length);
    this.resolved = new Int32Array(names.length);
    this.numbers = new Float64Array(names.length);
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

  /** What a slot held in the line scanned last. */
  private kindOf(slot: number): number {
    const kind = this.kinds[slot]!;
    return (kind & ~7) === this.generation ? kind & 7 : ABSENT;
  }

  /** Whether a slot held something other than null or '' (what the field mapping skips). */
  present(slot: number): boolean {
    const kind = this.kindOf(slot);
    return kind === STRING ? this.ends[slot]! > this.starts[slot]! : kind !== ABSENT && kind !== NULL;
  }

  /** The value a slot held, like `value`. */
  valueAt(slot: number): unknown {
    switch (this.kindOf(slot)) {
      case STRING:
        return this.string(slot);
      case NUMBER:
        return this.numbers[slot]!;
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
    if (this.kindOf(slot) !== STRING) return false;
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
    const strings = this.cachedStrings[slot]!;
    // The scan already compared the value with every remembered one (cachedAt): unresolved means new.
    const known = this.resolved[slot]!;
    if (known >= 0) return strings[known]!;
    const cached = this.cachedBytes[slot]!;
    const count = cached.length;
    const text = buf.toString('latin1', start, start + length);
    const bytes = Uint8Array.prototype.slice.call(buf, start, start + length);
    const at = count < CACHED_STRINGS ? count : this.nextFree[slot]!;
    if (count >= CACHED_STRINGS) this.nextFree[slot] = (at + 1) % CACHED_STRINGS;
    cached[at] = bytes;
    strings[at] = text;
    this.lastHit[slot] = at;
    this.resolved[slot] = at;
    return text;
  }

  /** The number at buf[start..end) (JSON's grammar checked), as JSON.parse reads it. */
  private number(start: number, end: number): number {
    const buf = this.buf;
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
    this.generation += 8;
    if (this.generation >= 0x80000000) {
      this.kinds.fill(ABSENT);
      this.generation = 8;
    }
    let i = this.ws(start);
    if (i >= end || buf[i] !== 123) return false;
    i = this.ws(i + 1);
    if (i < end && buf[i] === 125) return this.ws(i + 1) === end;
    for (let position = 0; ; position++) {
      if (i >= end || buf[i] !== QUOTE) return false;
      const keyStart = i + 1;
      let j = keyStart;
      let slot: number;
      // The key seen at this position before (checked when it was first read) answers without a second look.
      const known = position < MAX_POSITIONS ? this.positionKeys[position] : undefined;
      if (
        known !== undefined &&
        keyStart + known.length < end &&
        buf[keyStart + known.length] === QUOTE &&
        sameBytes(known, buf, keyStart, known.length)
      ) {
        j = keyStart + known.length;
        slot = this.positionSlots[position]!;
      } else {
        for (;;) {
          if (j >= end) return false;
          const c = buf[j]!;
          if (c === QUOTE) break;
          if (c === BACKSLASH || c < 32 || c >= 128) return false;
          j++;
        }
        slot = this.keySlot(position, keyStart, j);
      }
      i = buf[j + 1]! > 32 ? j + 1 : this.ws(j + 1);
      if (i >= end || buf[i] !== 58) return false;
      i = buf[i + 1]! > 32 ? i + 1 : this.ws(i + 1);
      if (i >= end) return false;
      if (slot >= 0) {
        const c = buf[i]!;
        const valueStart = i;
        if (c === QUOTE) {
          i++;
          // A value the slot held before (checked then) is taken whole; else each byte is checked.
          const at = this.cachedAt(slot, i);
          this.resolved[slot] = at;
          if (at >= 0) i += this.cachedBytes[slot]![at]!.length;
          else
            for (;;) {
              if (i >= end) return false;
              const d = buf[i]!;
              if (d === QUOTE) break;
              if (d === BACKSLASH || d < 32 || d >= 128) return false;
              i++;
            }
          this.kinds[slot] = this.generation | STRING;
          this.starts[slot] = valueStart + 1;
          this.ends[slot] = i;
          i++;
        } else if (c === 45 || isDigit(c)) {
          i = this.skipNumber(i);
          if (i < 0) return false;
          this.kinds[slot] = this.generation | NUMBER;
          this.starts[slot] = valueStart;
          this.ends[slot] = i;
          this.numbers[slot] = this.number(valueStart, i);
        } else if (c === 116 && this.literal(i, 'true')) {
          this.kinds[slot] = this.generation | TRUE;
          i += 4;
        } else if (c === 102 && this.literal(i, 'false')) {
          this.kinds[slot] = this.generation | FALSE;
          i += 5;
        } else if (c === 110 && this.literal(i, 'null')) {
          this.kinds[slot] = this.generation | NULL;
          i += 4;
        } else return false;
      } else {
        i = this.skipValue(i, 1);
        if (i < 0) return false;
      }
      i = buf[i]! > 32 ? i : this.ws(i);
      if (i >= end) return false;
      const c = buf[i];
      if (c === 44) i = buf[i + 1]! > 32 ? i + 1 : this.ws(i + 1);
      else if (c === 125) return this.ws(i + 1) === end;
      else return false;
    }
  }

  /**
   * The index of the cached string of `slot` that the string starting at `start` (after its opening quote) equals,
   * closing quote included, or -1: the value found last is tried first.
   */
  private cachedAt(slot: number, start: number): number {
    const cached = this.cachedBytes[slot]!;
    const count = cached.length;
    if (count === 0) return -1;
    const buf = this.buf;
    const end = this.end;
    const last = this.lastHit[slot]!;
    for (let k = 0; k < count; k++) {
      const at = k === 0 ? last : k === last ? 0 : k;
      const bytes = cached[at]!;
      const close = start + bytes.length;
      if (close < end && buf[close] === QUOTE && sameBytes(bytes, buf, start, bytes.length)) {
        this.lastHit[slot] = at;
        return at;
      }
    }
    return -1;
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
        i = buf[i]! > 32 ? i : this.ws(i);
        if (i >= end || buf[i] !== 58) return -1;
        i = this.skipValue(buf[i + 1]! > 32 ? i + 1 : this.ws(i + 1), depth + 1);
        if (i < 0) return -1;
        i = buf[i]! > 32 ? i : this.ws(i);
        if (i >= end) return -1;
        if (buf[i] === 44) i = buf[i + 1]! > 32 ? i + 1 : this.ws(i + 1);
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
        if (buf[i] === 44) i = buf[i + 1]! > 32 ? i + 1 : this.ws(i + 1);
        else if (buf[i] === 93) return i + 1;
        else return -1;
      }
    }
    return -1;
  }
}
