// How the Prometheus client reads samples: a value as Prometheus writes it (a decimal as text, `NaN`, `+Inf`), and
// the fast path for large answers: a range query's `values` lists ([time, "value"] pairs,
// hundreds of thousands in a week at a fine step) are read straight into number columns, without a JSON array and a
// string per sample, and the rest of the answer (status, labels, warnings: small) is parsed as JSON with each list
// replaced by its column's index. Only the well-formed shape is read here; on anything else (an escape in a value,
// an exponent in a time, a value that is not a number as text, a `values` that is not a list) it gives up and the
// client reads the whole answer with JSON.parse, which words what is wrong. Both give the same numbers.
/** A sample value as Prometheus sends it: a decimal string, `NaN`, `+Inf`, `-Inf`; undefined when it is none. */
export function sampleValue(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  if (value === 'NaN') return NaN;
  if (value === '+Inf' || value === 'Inf') return Infinity;
  if (value === '-Inf') return -Infinity;
  if (value.trim() === '') return undefined;
  const n = Number(value);
  return Number.isNaN(n) ? undefined : n;
}

/** The samples of one series: times in milliseconds since the epoch, values as numbers (NaN, ±Infinity kept). */
export interface SampleColumns {
  times: Float64Array;
  values: Float64Array;
}

/** An answer whose `values` lists became column indexes into `columns`. */
export interface MatrixAnswer {
  json: unknown;
  columns: SampleColumns[];
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN = 0x5b;
const CLOSE = 0x5d;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

class GiveUp extends Error {}

/** Reads `text` with its `values` lists as columns; undefined when it is not the well-formed shape (see above). */
export function readMatrixAnswer(text: string): MatrixAnswer | undefined {
  try {
    return read(text);
  } catch (err) {
    if (err instanceof GiveUp || err instanceof SyntaxError) return undefined;
    throw err;
  }
}

function read(text: string): MatrixAnswer {
  const columns: SampleColumns[] = [];
  const parts: string[] = [];
  let copied = 0;
  let i = 0;
  for (;;) {
    const quote = text.indexOf('"', i);
    if (quote < 0) break;
    const end = stringEnd(text, quote);
    i = end;
    if (end - quote !== 8 || !text.startsWith('values', quote + 1)) continue;
    i = space(text, i);
    if (text.charCodeAt(i) !== COLON) continue; // the text "values", not a key
    i = space(text, i + 1);
    const c = text.charCodeAt(i);
    if (c === QUOTE) continue; // a label named `values`
    if (c !== OPEN) throw new GiveUp();
    parts.push(text.slice(copied, i), String(columns.length));
    // The series of a range answer mostly have the same number of samples: the last one's is the first guess.
    const { column, end: after } = readPairs(text, i, columns[columns.length - 1]?.times.length ?? 0);
    columns.push(column);
    i = copied = after;
  }
  parts.push(text.slice(copied));
  return { json: JSON.parse(parts.join('')) as unknown, columns };
}

/** The index of the first character at or after `i` that is not JSON whitespace. */
function space(text: string, i: number): number {
  while (isSpace(text.charCodeAt(i))) i++;
  return i;
}

/** From the opening quote at `i`: the index after the closing quote (one not escaped by a backslash). */
function stringEnd(text: string, i: number): number {
  let j = text.indexOf('"', i + 1);
  for (;;) {
    if (j < 0) throw new GiveUp();
    let slashes = 0;
    while (text.charCodeAt(j - 1 - slashes) === BACKSLASH) slashes++;
    if (slashes % 2 === 0) return j + 1;
    j = text.indexOf('"', j + 1);
  }
}

/**
 * The list of [time, "value"] pairs whose `[` is at `open`, into a column (room for `expected` samples to begin
 * with), and the index after its `]`. One loop with its position in a local variable: this is where a large answer's
 * time goes.
 */
function readPairs(text: string, open: number, expected: number): { column: SampleColumns; end: number } {
  let times = new Float64Array(Math.max(expected, 64));
  let values = new Float64Array(times.length);
  let count = 0;
  let i = space(text, open + 1);
  if (text.charCodeAt(i) === CLOSE)
    return { column: { times: new Float64Array(0), values: new Float64Array(0) }, end: i + 1 };
  for (;;) {
    if (text.charCodeAt(i) !== OPEN) throw new GiveUp();
    i = space(text, i + 1);
    // The time: a JSON number without an exponent (an exponent is rare: left to JSON.parse).
    const start = i;
    let c = text.charCodeAt(i);
    const negativeTime = c === MINUS;
    if (negativeTime) c = text.charCodeAt(++i);
    const digits = i;
    let whole = 0;
    while (c >= ZERO && c <= NINE) {
      whole = whole * 10 + (c - ZERO);
      c = text.charCodeAt(++i);
    }
    const length = i - digits;
    if (length === 0 || (length > 1 && text.charCodeAt(digits) === ZERO) || c === 0x65 || c === 0x45)
      throw new GiveUp();
    let t: number;
    if (c === DOT) {
      const fraction = ++i;
      c = text.charCodeAt(i);
      while (c >= ZERO && c <= NINE) c = text.charCodeAt(++i);
      if (i === fraction || c === 0x65 || c === 0x45) throw new GiveUp();
      t = Number(text.slice(start, i));
    } else if (length > 15) {
      t = Number(text.slice(start, i));
    } else {
      t = negativeTime ? -whole : whole;
    }
    if (!Number.isFinite(t)) throw new GiveUp();
    i = space(text, i);
    if (text.charCodeAt(i) !== COMMA) throw new GiveUp();
    i = space(text, i + 1);
    if (text.charCodeAt(i) !== QUOTE) throw new GiveUp();
    // The value: whole numbers of up to 15 digits read here (exact as doubles, as Number() reads them); anything
    // else as sampleValue reads it. A backslash (an escape) or a control character (not JSON) is left to JSON.parse.
    const first = i + 1;
    let k = first;
    c = text.charCodeAt(k);
    const negative = c === MINUS;
    if (negative) c = text.charCodeAt(++k);
    const valueDigits = k;
    let v = 0;
    while (c >= ZERO && c <= NINE) {
      v = v * 10 + (c - ZERO);
      c = text.charCodeAt(++k);
    }
    let value: number;
    if (c === QUOTE && k > valueDigits && k - valueDigits <= 15) {
      value = negative ? -v : v;
      i = k + 1;
    } else {
      const close = text.indexOf('"', first);
      if (close < 0) throw new GiveUp();
      for (k = first; k < close; k++) {
        const d = text.charCodeAt(k);
        if (d === BACKSLASH || d < 0x20) throw new GiveUp();
      }
      const parsed = sampleValue(text.slice(first, close));
      if (parsed === undefined) throw new GiveUp();
      value = parsed;
      i = close + 1;
    }
    i = space(text, i);
    if (text.charCodeAt(i) !== CLOSE) throw new GiveUp();
    if (count === times.length) {
      const grownTimes = new Float64Array(count * 2);
      grownTimes.set(times);
      times = grownTimes;
      const grownValues = new Float64Array(count * 2);
      grownValues.set(values);
      values = grownValues;
    }
    times[count] = Math.round(t * 1000);
    values[count] = value;
    count++;
    i = space(text, i + 1);
    c = text.charCodeAt(i);
    if (c === CLOSE) break;
    if (c !== COMMA) throw new GiveUp();
    i = space(text, i + 1);
  }
  const column =
    count === times.length ? { times, values } : { times: times.slice(0, count), values: values.slice(0, count) };
  return { column, end: i + 1 };
}
