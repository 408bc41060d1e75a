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
  const n = text.length;
  const skipSpace = (): void => {
    while (i < n && isSpace(text.charCodeAt(i))) i++;
  };
  /** From the opening quote at i: the index after the closing quote; whether the text holds an escape. */
  const stringEnd = (): { end: number; escaped: boolean } => {
    let j = text.indexOf('"', i + 1);
    let escaped = false;
    for (;;) {
      if (j < 0) throw new GiveUp();
      let slashes = 0;
      while (text.charCodeAt(j - 1 - slashes) === BACKSLASH) slashes++;
      if (slashes > 0) escaped = true;
      if (slashes % 2 === 0) return { end: j + 1, escaped };
      j = text.indexOf('"', j + 1);
    }
  };
  /** A JSON number at i (without an exponent): its value; i moves past it. */
  const number = (): number => {
    const start = i;
    if (text.charCodeAt(i) === MINUS) i++;
    const digits = i;
    let whole = 0;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c < ZERO || c > NINE) break;
      whole = whole * 10 + (c - ZERO);
      i++;
    }
    const count = i - digits;
    if (count === 0 || (count > 1 && text.charCodeAt(digits) === ZERO)) throw new GiveUp();
    if (text.charCodeAt(i) === DOT) {
      i++;
      const fraction = i;
      while (i < n && text.charCodeAt(i) >= ZERO && text.charCodeAt(i) <= NINE) i++;
      if (i === fraction) throw new GiveUp();
      return Number(text.slice(start, i));
    }
    const c = text.charCodeAt(i);
    if (c === 0x65 || c === 0x45) throw new GiveUp(); // an exponent: rare, left to JSON.parse
    if (count > 15) return Number(text.slice(start, i));
    return start === digits ? whole : -whole;
  };
  /** A sample value as text (`"123"`, `"0.25"`, `"NaN"`) at i, the opening quote. */
  const value = (): number => {
    const { end, escaped } = stringEnd();
    if (escaped) throw new GiveUp();
    const first = i + 1;
    const last = end - 1;
    i = end;
    // Whole numbers of up to 15 digits: exact as doubles, and as Number() reads them.
    let whole = 0;
    let k = first;
    const negative = text.charCodeAt(k) === MINUS;
    if (negative) k++;
    if (k < last && last - k <= 15) {
      for (; k < last; k++) {
        const c = text.charCodeAt(k);
        if (c < ZERO || c > NINE) break;
        whole = whole * 10 + (c - ZERO);
      }
      if (k === last) return negative ? -whole : whole;
    }
    // Anything else as sampleValue reads it; a control character is not JSON, so JSON.parse words that.
    for (k = first; k < last; k++) if (text.charCodeAt(k) < 0x20) throw new GiveUp();
    const parsed = sampleValue(text.slice(first, last));
    if (parsed === undefined) throw new GiveUp();
    return parsed;
  };
  const expect = (code: number): void => {
    skipSpace();
    if (text.charCodeAt(i) !== code) throw new GiveUp();
    i++;
  };
  /** The list of pairs at i (its `[`), into a column. */
  const pairs = (): SampleColumns => {
    let times = new Float64Array(1024);
    let values = new Float64Array(1024);
    let count = 0;
    i++;
    skipSpace();
    if (text.charCodeAt(i) === CLOSE) {
      i++;
      return { times: new Float64Array(0), values: new Float64Array(0) };
    }
    for (;;) {
      expect(OPEN);
      skipSpace();
      const t = number();
      if (!Number.isFinite(t)) throw new GiveUp();
      expect(COMMA);
      skipSpace();
      if (text.charCodeAt(i) !== QUOTE) throw new GiveUp();
      const v = value();
      expect(CLOSE);
      if (count === times.length) {
        const grownTimes = new Float64Array(count * 2);
        grownTimes.set(times);
        times = grownTimes;
        const grownValues = new Float64Array(count * 2);
        grownValues.set(values);
        values = grownValues;
      }
      times[count] = Math.round(t * 1000);
      values[count] = v;
      count++;
      skipSpace();
      const c = text.charCodeAt(i);
      i++;
      if (c === CLOSE) break;
      if (c !== COMMA) throw new GiveUp();
    }
    return { times: times.slice(0, count), values: values.slice(0, count) };
  };

  for (;;) {
    const quote = text.indexOf('"', i);
    if (quote < 0) break;
    i = quote;
    const { end } = stringEnd();
    const isValuesKey = end - i === 8 && text.startsWith('values', i + 1);
    i = end;
    if (!isValuesKey) continue;
    skipSpace();
    if (text.charCodeAt(i) !== COLON) continue; // the text "values", not a key
    i++;
    skipSpace();
    const c = text.charCodeAt(i);
    if (c === QUOTE) continue; // a label named `values`
    if (c !== OPEN) throw new GiveUp();
    parts.push(text.slice(copied, i), String(columns.length));
    columns.push(pairs());
    copied = i;
  }
  parts.push(text.slice(copied));
  return { json: JSON.parse(parts.join('')) as unknown, columns };
}
