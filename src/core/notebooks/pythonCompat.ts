// Python semantics the notebook tools (nbformat, nbstripout, nbdime) rely on, reproduced exactly so that our output
// matches theirs byte for byte: str.splitlines(keepends=True), str.isspace, float repr, truthiness, len() in code
// points, sorted() order of keys, and == between JSON-like values.

import { type JsonValue } from '../formats/notebook/jsonText';

// Line boundaries of str.splitlines: \n, \r, \r\n, \v, \f, \x1c, \x1d, \x1e, \x85, \u2028, \u2029 (control characters on purpose).
/* eslint-disable no-control-regex */
const lineBoundary = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/g;
const rareBoundary = /[\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/;
/* eslint-enable no-control-regex */

/** `text.splitlines(True)`: the lines with their endings; an empty string gives no lines. */
export function pythonSplitLines(text: string): string[] {
  const lines: string[] = [];
  if (text.length === 0) return lines;
  let start = 0;
  if (!rareBoundary.test(text)) {
    // Fast path: only \n ends lines.
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      lines.push(text.slice(start, end + 1));
      start = end + 1;
    }
  } else {
    lineBoundary.lastIndex = 0;
    for (let match = lineBoundary.exec(text); match; match = lineBoundary.exec(text)) {
      const end = match.index + match[0].length;
      lines.push(text.slice(start, end));
      start = end;
    }
  }
  if (start < text.length) lines.push(text.slice(start));
  return lines;
}

/** Whether the code unit is whitespace for Python's str.isspace (Unicode White_Space as Python 3.11 defines it). */
export function isPythonSpace(code: number): boolean {
  if (code <= 0x20) return code === 0x20 || (code >= 0x09 && code <= 0x0d) || (code >= 0x1c && code <= 0x1f);
  if (code < 0x85) return false;
  return (
    code === 0x85 ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000
  );
}

/** Whether the text has a character that is not whitespace (Python: `any(c.strip() for c in text)`). */
export function hasNonSpace(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (!isPythonSpace(text.charCodeAt(i))) return true;
  return false;
}

/** `len(text)` in Python: code points, so a surrogate pair counts once. */
export function pythonLength(text: string): number {
  let length = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        length--;
        i++;
      }
    }
  }
  return length;
}

/** The code points of a string (a lone surrogate stays one element), for algorithms that index like Python. */
export function codePoints(text: string): number[] {
  const points: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        points.push((code - 0xd800) * 0x400 + (next - 0xdc00) + 0x10000);
        i++;
        continue;
      }
    }
    points.push(code);
  }
  return points;
}

/** Python's ordering of str: by code point (JavaScript's `<` compares UTF-16 code units). */
export function comparePythonStrings(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // A surrogate (an astral code point) sorts after every BMP character in code point order.
    if (x >= 0xd800 && x <= 0xdfff && (y < 0xd800 || y >= 0xe000)) x += 0x10000;
    if (y >= 0xd800 && y <= 0xdfff && (x < 0xd800 || x >= 0xe000)) y += 0x10000;
    return x - y;
  }
  return a.length - b.length;
}

/**
 * `repr(float)` as Python writes it (json.dumps uses it): the shortest digits that round-trip, in positional notation
 * with a trailing `.0` for whole numbers, or `1e-05` / `1.5e+16` style when the exponent is below -4 or above 15.
 */
export function pythonFloatRepr(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  // toExponential() without an argument gives the shortest round-trip digits, like Python's repr.
  const [mantissa = '', exponentText] = value.toExponential().split('e');
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  const exponent = Number(exponentText);
  const point = exponent + 1;
  let body: string;
  if (point > 16 || point < -3) {
    const fraction = digits.length > 1 ? `.${digits.slice(1)}` : '';
    body = `${digits[0]}${fraction}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  } else if (point <= 0) {
    body = `0.${'0'.repeat(-point)}${digits}`;
  } else if (point >= digits.length) {
    body = `${digits}${'0'.repeat(point - digits.length)}.0`;
  } else {
    body = `${digits.slice(0, point)}.${digits.slice(point)}`;
  }
  return negative ? `-${body}` : body;
}

/** Python's `bool(value)` for a JSON value. */
export function pythonTruthy(value: JsonValue | undefined): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  // Numbers other than 0 (NaN included), non-empty strings and true.
  return true;
}

/** Python's `==` between JSON values (as containers compare them): dicts ignore key order, 1 == 1.0, True == 1. */
export function pythonEqual(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return false;
  const ta = typeof a;
  const tb = typeof b;
  if ((ta === 'number' || ta === 'boolean') && (tb === 'number' || tb === 'boolean')) {
    // A NaN compares equal to its copy in Python: containers check identity first and copies share the float.
    return Number(a) === Number(b) || (Number.isNaN(a) && Number.isNaN(b));
  }
  if (ta !== tb || ta !== 'object') return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!pythonEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const objectA = a as Record<string, JsonValue | undefined>;
  const objectB = b as Record<string, JsonValue | undefined>;
  const keysA = Object.keys(objectA);
  if (keysA.length !== Object.keys(objectB).length) return false;
  for (const key of keysA) {
    if (!Object.prototype.hasOwnProperty.call(objectB, key)) return false;
    if (!pythonEqual(objectA[key], objectB[key])) return false;
  }
  return true;
}
