// A JSON reader and writer that keeps what JSON.parse throws away, so a notebook can be written back the way its
// author's tool wrote it: the text of numbers (1.0, 1e-05, integers beyond 2^53), the order of keys that JavaScript
// would move ("0", "1", ...), and the formatting conventions of the file. The parsed value is made of plain
// objects, arrays, strings, numbers, booleans and null; the extra facts ride on a non-enumerable symbol property of
// the object or array that holds them, so they follow the value wherever it is moved.

import { lineColumn } from '../../textPosition';
import { comparePythonStrings, pythonFloatRepr } from '../../notebooks/pythonCompat';

export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue | undefined;
}

/** How a JSON document is laid out; `stringifyJson` follows it. */
export interface JsonStyle {
  /** The indentation unit (" ", "  ", "\t"), or null for a document on one line. */
  indent: string | null;
  /** The line break between items of an indented document. */
  newline: '\n' | '\r\n';
  /** Between a key and its value: ": " (Python, JavaScript) or ":". */
  keySeparator: string;
  /** After an item: "," (then the line break when indented) or ", " on one line. */
  itemSeparator: string;
  /** Keys in Python's sorted order (nbformat, VS Code) rather than in the order they were read or added. */
  sortKeys: boolean;
  /** Escape every non-ASCII character as \uXXXX (Python's ensure_ascii=True). */
  asciiOnly: boolean;
  /** How to write a number whose original text is unknown or not kept. */
  numbers: 'python' | 'javascript';
  /** Write numbers read from the file with their original text while their value is unchanged. */
  keepNumberText: boolean;
}

/** The facts JSON.parse loses, for one object or array. */
interface ContainerFormat {
  /** Original text of numbers (by key or index) whose text differs from JavaScript's String(value). */
  numbers?: Map<string | number, string>;
  /** Key order as read, when JavaScript would not keep it (integer-like keys). */
  keys?: string[];
}

const formatInfo = Symbol('jsonFormat');

type Container = (JsonObject | JsonValue[]) & { [formatInfo]?: ContainerFormat };

function attachFormat(container: Container, format: ContainerFormat): void {
  Object.defineProperty(container, formatInfo, {
    value: format,
    enumerable: false,
    configurable: true,
    writable: true,
  });
}

/** The text a number had in the file, when it differs from JavaScript's String(value) (e.g. "1.0", "1e-05"). */
export function rawNumberText(container: JsonObject | JsonValue[], key: string | number): string | undefined {
  const format = (container as Container)[formatInfo];
  return format?.numbers?.get(Array.isArray(container) ? Number(key) : String(key));
}

export class JsonSyntaxError extends Error {
  constructor(
    readonly reason: string,
    readonly offset: number,
    readonly line: number,
    readonly column: number,
    /** The input ended before the value did (a truncated file). */
    readonly truncated: boolean,
  ) {
    super(`${reason} at line ${line}, column ${column}`);
    this.name = 'JsonSyntaxError';
  }
}

export interface JsonParseResult {
  value: JsonValue;
  /** Every object's keys were in Python's sorted order. */
  sortedKeys: boolean;
  /** How floats were written, when a float token showed it (Python: 1e-05, 1.0; JavaScript: 1e-7). */
  numberStyle?: 'python' | 'javascript';
  /** Text between the first item and the next line break or token, starting with the comma (", " or ","). */
  itemSeparator?: string;
  /** Text between the first key and its value (": " or ":"). */
  keySeparator?: string;
}

const numberPattern = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
// JSON forbids raw control characters in strings; matching them is the point.
// eslint-disable-next-line no-control-regex
const controlCharacter = /[\u0000-\u001f]/;
const arrayIndexKey = /^(?:0|[1-9][0-9]{0,9})$/;

function isArrayIndex(key: string): boolean {
  return arrayIndexKey.test(key) && Number(key) < 4294967295;
}

class Parser {
  private pos = 0;
  private depth = 0;
  private nextBackslash = -1;
  sortedKeys = true;
  numberStyle: 'python' | 'javascript' | undefined;
  itemSeparator: string | undefined;
  keySeparator: string | undefined;

  constructor(
    private readonly text: string,
    private readonly maxDepth: number,
  ) {}

  parseDocument(): JsonValue {
    this.skipWhitespace();
    if (this.pos >= this.text.length) this.fail('the input is empty');
    const value = this.parseValue();
    this.skipWhitespace();
    if (this.pos < this.text.length) this.fail(`unexpected ${this.describe()} after the end of the JSON value`);
    return value;
  }

  private fail(reason: string, at = this.pos): never {
    const { line, column } = lineColumn(this.text, at);
    throw new JsonSyntaxError(reason, at, line, column, at >= this.text.length);
  }

  private describe(): string {
    if (this.pos >= this.text.length) return 'end of input';
    const code = this.text.codePointAt(this.pos) ?? 0;
    if (code < 0x20 || code === 0x7f) return `control character U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
    return `'${String.fromCodePoint(code)}'`;
  }

  private skipWhitespace(): void {
    const text = this.text;
    let pos = this.pos;
    while (pos < text.length) {
      const code = text.charCodeAt(pos);
      if (code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09) pos++;
      else break;
    }
    this.pos = pos;
  }

  private parseValue(): JsonValue {
    const code = this.text.charCodeAt(this.pos);
    switch (code) {
      case 0x7b: // {
        return this.parseObject();
      case 0x5b: // [
        return this.parseArray();
      case 0x22: // "
        return this.parseString();
      case 0x74: // t
        return this.parseLiteral('true', true);
      case 0x66: // f
        return this.parseLiteral('false', false);
      case 0x6e: // n
        return this.parseLiteral('null', null);
      case 0x4e: // N (Python writes NaN)
        return this.parseLiteral('NaN', NaN);
      case 0x49: // I
        return this.parseLiteral('Infinity', Infinity);
      default:
        if (code === 0x2d && this.text.startsWith('-Infinity', this.pos))
          return this.parseLiteral('-Infinity', -Infinity);
        if (code === 0x2d || (code >= 0x30 && code <= 0x39)) return this.parseNumber().value;
        if (this.pos >= this.text.length) this.fail('unexpected end of input: expected a value');
        return this.fail(`unexpected ${this.describe()}: expected a value`);
    }
  }

  private parseLiteral<T extends JsonValue>(word: string, value: T): T {
    if (!this.text.startsWith(word, this.pos)) {
      if (word.startsWith(this.text.slice(this.pos)))
        this.fail(`unexpected end of input in '${word}'`, this.text.length);
      this.fail(`unexpected ${this.describe()}: expected a value`);
    }
    this.pos += word.length;
    return value;
  }

  /** Parses a number token; `raw` is set when String(value) would not give the same text back. */
  parseNumber(): { value: number; raw?: string } {
    numberPattern.lastIndex = this.pos;
    const match = numberPattern.exec(this.text);
    if (!match) {
      if (this.pos + 1 >= this.text.length) this.fail('unexpected end of input in a number', this.text.length);
      this.fail(`unexpected ${this.describe()}: expected a value`);
    }
    const raw = match[0];
    this.pos += raw.length;
    const value = Number(raw);
    if (this.numberStyle === undefined && (raw.includes('.') || raw.includes('e') || raw.includes('E'))) {
      if (/e[-+]0[0-9]/i.test(raw) || /\.0(?:$|e)/i.test(raw)) this.numberStyle = 'python';
      else if (/e[-+]?[1-9]$/i.test(raw)) this.numberStyle = 'javascript';
    }
    return String(value) === raw ? { value } : { value, raw };
  }

  private parseString(): string {
    const text = this.text;
    const start = this.pos + 1;
    const end = text.indexOf('"', start);
    if (end === -1) this.fail('unexpected end of input in a string (missing closing quote)', text.length);
    if (this.nextBackslash < start && this.nextBackslash !== -2) {
      this.nextBackslash = text.indexOf('\\', start);
      if (this.nextBackslash === -1) this.nextBackslash = -2; // none left in the document
    }
    if (this.nextBackslash === -2 || this.nextBackslash > end) {
      const value = text.slice(start, end);
      if (controlCharacter.test(value)) this.failControl(start, end);
      this.pos = end + 1;
      return value;
    }
    return this.parseEscapedString(start);
  }

  private failControl(start: number, end: number): never {
    for (let i = start; i < end; i++) {
      if (this.text.charCodeAt(i) < 0x20) {
        this.pos = i;
        this.fail(`invalid ${this.describe()} in a string (control characters must be escaped)`);
      }
    }
    return this.fail('invalid control character in a string');
  }

  private parseEscapedString(start: number): string {
    const text = this.text;
    const parts: string[] = [];
    let chunk = start;
    let pos = start;
    for (;;) {
      if (pos >= text.length) this.fail('unexpected end of input in a string (missing closing quote)', text.length);
      const code = text.charCodeAt(pos);
      if (code === 0x22) break;
      if (code < 0x20) {
        this.pos = pos;
        this.fail(`invalid ${this.describe()} in a string (control characters must be escaped)`);
      }
      if (code !== 0x5c) {
        pos++;
        continue;
      }
      parts.push(text.slice(chunk, pos));
      const escape = text.charCodeAt(pos + 1);
      switch (escape) {
        case 0x22:
          parts.push('"');
          break;
        case 0x5c:
          parts.push('\\');
          break;
        case 0x2f:
          parts.push('/');
          break;
        case 0x62:
          parts.push('\b');
          break;
        case 0x66:
          parts.push('\f');
          break;
        case 0x6e:
          parts.push('\n');
          break;
        case 0x72:
          parts.push('\r');
          break;
        case 0x74:
          parts.push('\t');
          break;
        case 0x75: {
          const hex = text.slice(pos + 2, pos + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
            if (pos + 6 > text.length) this.fail('unexpected end of input in a \\u escape', text.length);
            this.fail('invalid \\u escape (expected 4 hexadecimal digits)', pos);
          }
          parts.push(String.fromCharCode(parseInt(hex, 16)));
          pos += 4;
          break;
        }
        default:
          if (pos + 1 >= text.length) this.fail('unexpected end of input in a string escape', text.length);
          this.pos = pos + 1;
          this.fail(`invalid escape '\\${text[pos + 1]}' in a string`, pos);
      }
      pos += 2;
      chunk = pos;
    }
    parts.push(text.slice(chunk, pos));
    this.pos = pos + 1;
    return parts.join('');
  }

  private enter(): void {
    if (++this.depth > this.maxDepth) this.fail(`values nested more than ${this.maxDepth} levels deep`);
  }

  private recordItemSeparator(commaAt: number): void {
    let end = commaAt + 1;
    while (end < this.text.length && (this.text[end] === ' ' || this.text[end] === '\t')) end++;
    this.itemSeparator = this.text.slice(commaAt, end);
  }

  private parseArray(): JsonValue[] {
    this.enter();
    this.pos++;
    const array: JsonValue[] = [];
    let numbers: Map<number, string> | undefined;
    this.skipWhitespace();
    if (this.text.charCodeAt(this.pos) === 0x5d) {
      this.pos++;
      this.depth--;
      return array;
    }
    for (;;) {
      this.skipWhitespace();
      const code = this.text.charCodeAt(this.pos);
      if (code === 0x2d || (code >= 0x30 && code <= 0x39)) {
        if (code === 0x2d && this.text.startsWith('-Infinity', this.pos)) {
          array.push(this.parseLiteral('-Infinity', -Infinity));
        } else {
          const number = this.parseNumber();
          if (number.raw !== undefined) (numbers ??= new Map()).set(array.length, number.raw);
          array.push(number.value);
        }
      } else {
        array.push(this.parseValue());
      }
      this.skipWhitespace();
      const next = this.text.charCodeAt(this.pos);
      if (next === 0x2c) {
        if (this.itemSeparator === undefined) this.recordItemSeparator(this.pos);
        this.pos++;
        continue;
      }
      if (next === 0x5d) {
        this.pos++;
        break;
      }
      if (this.pos >= this.text.length) this.fail("unexpected end of input in an array (missing ']')");
      this.fail(`unexpected ${this.describe()} in an array: expected ',' or ']'`);
    }
    if (numbers) attachFormat(array, { numbers });
    this.depth--;
    return array;
  }

  private parseObject(): JsonObject {
    this.enter();
    this.pos++;
    const object: JsonObject = {};
    let numbers: Map<string, string> | undefined;
    let keys: string[] | undefined;
    let hasIndexKey = false;
    let previous: string | undefined;
    this.skipWhitespace();
    if (this.text.charCodeAt(this.pos) === 0x7d) {
      this.pos++;
      this.depth--;
      return object;
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text.charCodeAt(this.pos) !== 0x22) {
        if (this.pos >= this.text.length) this.fail("unexpected end of input in an object (missing '}')");
        this.fail(`unexpected ${this.describe()} in an object: expected a key in double quotes`);
      }
      const key = this.parseString();
      const keyEnd = this.pos;
      this.skipWhitespace();
      if (this.text.charCodeAt(this.pos) !== 0x3a) {
        if (this.pos >= this.text.length) this.fail("unexpected end of input in an object (missing ':')");
        this.fail(`unexpected ${this.describe()} after a key: expected ':'`);
      }
      this.pos++;
      this.skipWhitespace();
      if (this.keySeparator === undefined) this.keySeparator = this.text.slice(keyEnd, this.pos);
      const exists = Object.prototype.hasOwnProperty.call(object, key);
      if (previous !== undefined && comparePythonStrings(previous, key) > 0) this.sortedKeys = false;
      previous = key;
      if (isArrayIndex(key)) hasIndexKey = true;
      if (!exists) (keys ??= []).push(key);
      let value: JsonValue;
      const code = this.text.charCodeAt(this.pos);
      if ((code === 0x2d && !this.text.startsWith('-Infinity', this.pos)) || (code >= 0x30 && code <= 0x39)) {
        const number = this.parseNumber();
        value = number.value;
        if (number.raw !== undefined) (numbers ??= new Map()).set(key, number.raw);
        else numbers?.delete(key);
      } else {
        value = this.parseValue();
        numbers?.delete(key);
      }
      if (key === '__proto__')
        Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
      else object[key] = value;
      this.skipWhitespace();
      const next = this.text.charCodeAt(this.pos);
      if (next === 0x2c) {
        if (this.itemSeparator === undefined) this.recordItemSeparator(this.pos);
        this.pos++;
        continue;
      }
      if (next === 0x7d) {
        this.pos++;
        break;
      }
      if (this.pos >= this.text.length) this.fail("unexpected end of input in an object (missing '}')");
      this.fail(`unexpected ${this.describe()} in an object: expected ',' or '}'`);
    }
    if (numbers?.size || hasIndexKey)
      attachFormat(object, { numbers: numbers?.size ? numbers : undefined, keys: hasIndexKey ? keys : undefined });
    this.depth--;
    return object;
  }
}

/**
 * Parses JSON as Python's json module does (NaN, Infinity and -Infinity accepted; duplicate keys keep the first
 * position and the last value) and records the facts `stringifyJson` needs to write it back the same way. Throws
 * JsonSyntaxError with the line and column of the problem.
 */
export function parseJson(text: string, options: { maxDepth?: number } = {}): JsonParseResult {
  const parser = new Parser(text, options.maxDepth ?? 1000);
  const value = parser.parseDocument();
  return {
    value,
    sortedKeys: parser.sortedKeys,
    numberStyle: parser.numberStyle,
    itemSeparator: parser.itemSeparator,
    keySeparator: parser.keySeparator,
  };
}

function isIntegerToken(raw: string): boolean {
  return !/[.eEIN]/.test(raw);
}

function numberText(value: number, raw: string | undefined, style: JsonStyle): string {
  if (raw !== undefined && !Object.is(Number(raw), value)) raw = undefined; // the value changed since it was read
  if (raw !== undefined && style.keepNumberText) return raw;
  if (style.numbers === 'python') {
    if (raw !== undefined) return isIntegerToken(raw) ? BigInt(raw).toString() : pythonFloatRepr(value);
    if (Number.isInteger(value) && Math.abs(value) < 1e21) return value === 0 ? '0' : String(value);
    return pythonFloatRepr(value);
  }
  return String(value);
}

const nonAscii = /[\u007f-\uffff]/g;

function stringText(value: string, style: JsonStyle): string {
  const text = JSON.stringify(value);
  if (!style.asciiOnly) return text;
  return text.replace(nonAscii, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function objectKeys(object: JsonObject, style: JsonStyle): string[] {
  const keys = Object.keys(object).filter((key) => object[key] !== undefined);
  if (style.sortKeys) return keys.sort(comparePythonStrings);
  const order = (object as Container)[formatInfo]?.keys;
  if (!order) return keys;
  const present = new Set(keys);
  const ordered = order.filter((key) => present.has(key));
  const placed = new Set(ordered);
  for (const key of keys) if (!placed.has(key)) ordered.push(key);
  return ordered;
}

/** Writes a value in the given style (without a final line break). */
export function stringifyJson(value: JsonValue, style: JsonStyle): string {
  const parts: string[] = [];
  const indents: string[] = [''];
  const indentAt = (depth: number): string => {
    while (indents.length <= depth) indents.push((indents.at(-1) ?? '') + (style.indent ?? ''));
    return indents[depth] ?? '';
  };
  const open = (depth: number): string => (style.indent === null ? '' : style.newline + indentAt(depth));

  const write = (item: JsonValue, depth: number, raw: string | undefined): void => {
    if (item === null) parts.push('null');
    else if (typeof item === 'string') parts.push(stringText(item, style));
    else if (typeof item === 'number') parts.push(numberText(item, raw, style));
    else if (typeof item === 'boolean') parts.push(item ? 'true' : 'false');
    else if (Array.isArray(item)) {
      if (item.length === 0) {
        parts.push('[]');
        return;
      }
      const numbers = (item as Container)[formatInfo]?.numbers;
      parts.push('[');
      for (let i = 0; i < item.length; i++) {
        if (i > 0) parts.push(style.itemSeparator);
        parts.push(open(depth + 1));
        const element = item[i];
        write(element === undefined ? null : element, depth + 1, numbers?.get(i));
      }
      parts.push(open(depth), ']');
    } else {
      const keys = objectKeys(item, style);
      if (keys.length === 0) {
        parts.push('{}');
        return;
      }
      const numbers = (item as Container)[formatInfo]?.numbers;
      parts.push('{');
      keys.forEach((key, i) => {
        if (i > 0) parts.push(style.itemSeparator);
        parts.push(open(depth + 1), stringText(key, style), style.keySeparator);
        write(item[key] as JsonValue, depth + 1, numbers?.get(key));
      });
      parts.push(open(depth), '}');
    }
  };
  write(value, 0, undefined);
  return parts.join('');
}

/** Exact equality of two parsed values (same keys and values; numbers by value, NaN equal to NaN). */
export function jsonEqual(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'number') return Object.is(a, b) || (a === 0 && b === 0);
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const keysA = Object.keys(a).filter((key) => a[key] !== undefined);
  const keysB = Object.keys(b).filter((key) => b[key] !== undefined);
  if (keysA.length !== keysB.length) return false;
  for (const key of keysA) if (!jsonEqual(a[key], b[key])) return false;
  return true;
}

/** A deep copy that keeps the recorded number text and key order. */
export function cloneJson<T extends JsonValue>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  const format = (value as Container)[formatInfo];
  let copy: Container;
  if (Array.isArray(value)) {
    copy = value.map((item) => cloneJson(item));
  } else {
    const object: JsonObject = {};
    for (const key of Object.keys(value)) {
      const item = value[key];
      if (item === undefined) continue;
      if (key === '__proto__')
        Object.defineProperty(object, key, {
          value: cloneJson(item),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      else object[key] = cloneJson(item);
    }
    copy = object;
  }
  if (format)
    attachFormat(copy, { numbers: format.numbers && new Map(format.numbers), keys: format.keys && [...format.keys] });
  return copy as T;
}
