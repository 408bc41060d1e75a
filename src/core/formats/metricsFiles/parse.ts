// Metrics and params files with DVC's semantics: JSON, YAML, TOML, CSV and TSV. The one reader of these files: the
// metrics views, the CLI, DVC projects and the pipeline checks all parse them here.
//
// - The parser is chosen by extension like DVC does: `.json` JSON, `.toml` TOML (smol-toml, TOML 1.0), `.csv` CSV,
//   `.tsv` TSV, anything else YAML.
// - A mapping is a metrics file: its scalar leaves (number, string, boolean) are the metrics, nested keys are joined
//   with `.`; lists and nulls inside it are ignored, as `dvc metrics show` ignores them. A file that is a bare
//   scalar is one metric named after the file.
// - A table is a plots file: CSV/TSV rows, a JSON/YAML list of records, or (for a declared plots file) the first
//   list of records inside a mapping, as DVC's plots do. Every numeric column becomes a per-step series; x is the
//   `step` column when there is one, else the row index; a `timestamp` column gives the points' timestamps.
// - NaN and +/-Infinity are kept: JSON `NaN`/`Infinity`/`-Infinity` (what Python's json writes), YAML
//   `.nan`/`.inf`/`-.inf`, TOML `nan`/`inf`/`-inf`, CSV `nan`/`inf`/`-inf`/`infinity` in any case.
// - Errors are MetricsErrors naming the file, the line and the column; a syntax error is a MetricsSyntaxError that
//   also carries the format and the reason alone, so a caller can word its own message.
import fs from 'node:fs';
import path from 'node:path';
import { isUtf8 } from 'node:buffer';
import type * as SmolToml from 'smol-toml' with { 'resolution-mode': 'import' };
import { parseDocument } from 'yaml';
import {
  MetricsError,
  type MetricPoint,
  type MetricSeries,
  type Run,
  type Split,
  type TextMetric,
} from '../../metrics/model';
import { splitOf, type SplitTokens } from '../../metrics/split';
import { lineColumn } from '../../textPosition';
import { MAX_YAML_DEPTH, nestingBeyond } from '../yamlText';

// smol-toml ships ES module typings beside its CommonJS build; the extension and the CLI are CommonJS bundles, so
// the CommonJS build is required (a plain require, which the bundler follows) and typed from the ES typings.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parse: parseToml, TomlError } = require('smol-toml') as typeof SmolToml;

export type MetricsFormat = 'json' | 'yaml' | 'toml' | 'csv' | 'tsv';
/** The formats that hold structured data (a mapping or a list), as opposed to a table. */
export type StructuredFormat = 'json' | 'yaml' | 'toml';

/** A file that does not parse: the position, the format and the reason (without the file name or a hint). */
export class MetricsSyntaxError extends MetricsError {
  constructor(
    message: string,
    location: string,
    position: { line: number; column: number; offset?: number },
    readonly format: MetricsFormat,
    readonly reason: string,
  ) {
    super(message, location, position);
    this.name = 'MetricsSyntaxError';
  }
}
export type Scalar = number | string | boolean;

export interface MetricsDocument {
  /** The path (or `rev:path`) the content came from, as given. */
  location: string;
  format: MetricsFormat;
  /** Scalar leaves of a mapping, keys flattened with `.`, in file order. */
  scalars: Map<string, Scalar>;
  /** One series per numeric column of a table. */
  series: MetricSeries[];
}

export interface ParseOptions {
  /** Overrides the format chosen by extension. */
  format?: MetricsFormat;
  /** A declared plots file: a mapping is searched for its first list of records. */
  asPlot?: boolean;
  /** Extra split names from configuration. */
  splits?: SplitTokens;
}

/** Files larger than this are refused rather than read into memory. */
export const MAX_METRICS_FILE_BYTES = 64 * 1024 * 1024;
/** Deeper nesting is refused (Python's json stops near the same depth). */
export const MAX_NESTING = 1000;

/** The parser DVC would use for this path. */
export function formatOf(filePath: string): MetricsFormat {
  const ext = path.extname(filePath).toLowerCase();
  if (ext === '.json') return 'json';
  if (ext === '.toml') return 'toml';
  if (ext === '.csv') return 'csv';
  if (ext === '.tsv') return 'tsv';
  return 'yaml';
}

/** The structured parser for this path (JSON, TOML, else YAML), for files that are never tables (params, dvc.yaml). */
export function structuredFormatOf(filePath: string): StructuredFormat {
  const format = formatOf(filePath);
  return format === 'json' || format === 'toml' ? format : 'yaml';
}

// ------------------------------------------------------------------------------------------------ text and positions

function positionError(
  location: string,
  text: string,
  offset: number,
  what: string,
  hint: string,
  format: MetricsFormat,
): MetricsSyntaxError {
  const { line, column } = lineColumn(text, offset);
  return new MetricsSyntaxError(
    `${location}:${line}:${column}: ${what}. ${hint}`,
    location,
    { line, column, offset },
    format,
    what,
  );
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

/** Offset of the first byte that is not valid UTF-8. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  for (let b = bytes[i]; b !== undefined; b = bytes[i]) {
    let need: number;
    let min: number;
    if (b < 0x80) {
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else return i;
    if (i + need >= bytes.length) return i;
    let cp = b & (need === 1 ? 0x1f : need === 2 ? 0x0f : 0x07);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k]!;
      if ((c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

/** Decodes UTF-8 (a leading byte-order mark is dropped); invalid bytes are an error naming their position. */
export function decodeText(bytes: Buffer | string, location: string): string {
  if (typeof bytes === 'string') return bytes.charCodeAt(0) === 0xfeff ? bytes.slice(1) : bytes;
  if (!isUtf8(bytes)) {
    const at = firstInvalidUtf8(bytes);
    const prefix = bytes.subarray(0, Math.max(at, 0)).toString('utf8');
    const { line, column } = lineColumn(prefix, prefix.length);
    throw new MetricsError(
      `${location}:${line}:${column}: the file is not UTF-8 text (byte 0x${bytes[at]?.toString(16).padStart(2, '0') ?? '??'} at offset ${at}). Save it as UTF-8; metrics files are text.`,
      location,
      { line, column, offset: at },
    );
  }
  const text = bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

// ------------------------------------------------------------------------------------------------ JSON

const jsonHint = 'Fix the JSON syntax (is the file truncated, or still being written?).';

/** A JSON parser for the error path: positions for every error, and Python's NaN/Infinity/-Infinity accepted. */
class JsonParser {
  private at = 0;
  constructor(
    private readonly text: string,
    private readonly location: string,
  ) {}

  parse(): unknown {
    this.space();
    if (this.at >= this.text.length)
      throw positionError(
        this.location,
        this.text,
        this.at,
        'the file is empty',
        'A JSON metrics file holds an object such as {"accuracy": 0.9}.',
        'json',
      );
    const value = this.value(0);
    this.space();
    if (this.at < this.text.length) throw this.fail('unexpected content after the JSON value');
    return value;
  }

  private fail(what: string): MetricsError {
    if (this.at >= this.text.length)
      return positionError(
        this.location,
        this.text,
        this.text.length,
        `${what}: the file ends too early`,
        jsonHint,
        'json',
      );
    return positionError(this.location, this.text, this.at, what, jsonHint, 'json');
  }

  private space(): void {
    const t = this.text;
    while (this.at < t.length) {
      const c = t.charCodeAt(this.at);
      if (c === 32 || c === 9 || c === 10 || c === 13) this.at++;
      else break;
    }
  }

  private word(word: string): boolean {
    if (this.text.startsWith(word, this.at)) {
      this.at += word.length;
      return true;
    }
    return false;
  }

  private value(depth: number): unknown {
    if (depth > MAX_NESTING) throw this.fail(`nesting deeper than ${MAX_NESTING} levels`);
    this.space();
    const c = this.text[this.at];
    if (c === '{') return this.object(depth);
    if (c === '[') return this.array(depth);
    if (c === '"') return this.string();
    if (this.word('true')) return true;
    if (this.word('false')) return false;
    if (this.word('null')) return null;
    if (this.word('NaN')) return NaN;
    if (this.word('Infinity')) return Infinity;
    if (this.word('-Infinity')) return -Infinity;
    if (c === '-' || isDigit(c)) return this.number();
    if (c === undefined) throw this.fail('expected a value');
    throw this.fail(`unexpected character ${JSON.stringify(c)} where a value should be`);
  }

  private number(): number {
    const t = this.text;
    const start = this.at;
    if (t[this.at] === '-') this.at++;
    if (t[this.at] === '0') this.at++;
    else if (isDigit(t[this.at]) && t[this.at] !== '0') while (isDigit(t[this.at])) this.at++;
    else throw this.fail('expected a digit');
    if (t[this.at] === '.') {
      this.at++;
      if (!isDigit(t[this.at])) throw this.fail('expected a digit after the decimal point');
      while (isDigit(t[this.at])) this.at++;
    }
    if (t[this.at] === 'e' || t[this.at] === 'E') {
      this.at++;
      if (t[this.at] === '+' || t[this.at] === '-') this.at++;
      if (!isDigit(t[this.at])) throw this.fail('expected a digit in the exponent');
      while (isDigit(t[this.at])) this.at++;
    }
    return Number(t.slice(start, this.at));
  }

  private string(): string {
    const t = this.text;
    const open = this.at;
    this.at++;
    let out = '';
    let chunk = this.at;
    for (;;) {
      if (this.at >= t.length) {
        throw positionError(this.location, t, open, 'a string starting here is never closed', jsonHint, 'json');
      }
      const c = t.charCodeAt(this.at);
      if (c === 34) {
        out += t.slice(chunk, this.at);
        this.at++;
        return out;
      }
      if (c < 0x20) throw this.fail('a control character (such as a line break) inside a string');
      if (c === 92) {
        out += t.slice(chunk, this.at);
        const e = t[this.at + 1];
        const simple: Record<string, string> = {
          '"': '"',
          '\\': '\\',
          '/': '/',
          b: '\b',
          f: '\f',
          n: '\n',
          r: '\r',
          t: '\t',
        };
        if (e !== undefined && e in simple) {
          out += simple[e];
          this.at += 2;
        } else if (e === 'u') {
          const hex = t.slice(this.at + 2, this.at + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw this.fail('a \\u escape needs four hex digits');
          out += String.fromCharCode(parseInt(hex, 16));
          this.at += 6;
        } else {
          throw this.fail(`an invalid escape \\${e ?? ''} in a string`);
        }
        chunk = this.at;
        continue;
      }
      this.at++;
    }
  }

  private object(depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    this.at++;
    this.space();
    if (this.text[this.at] === '}') {
      this.at++;
      return out;
    }
    for (;;) {
      this.space();
      if (this.text[this.at] !== '"') throw this.fail('expected a property name in double quotes');
      const key = this.string();
      this.space();
      if (this.text[this.at] !== ':') throw this.fail("expected ':' after a property name");
      this.at++;
      out[key] = this.value(depth + 1);
      this.space();
      const c = this.text[this.at];
      if (c === ',') {
        this.at++;
        continue;
      }
      if (c === '}') {
        this.at++;
        return out;
      }
      throw this.fail("expected ',' or '}' after a property value");
    }
  }

  private array(depth: number): unknown[] {
    const out: unknown[] = [];
    this.at++;
    this.space();
    if (this.text[this.at] === ']') {
      this.at++;
      return out;
    }
    for (;;) {
      out.push(this.value(depth + 1));
      this.space();
      const c = this.text[this.at];
      if (c === ',') {
        this.at++;
        continue;
      }
      if (c === ']') {
        this.at++;
        return out;
      }
      throw this.fail("expected ',' or ']' after an array element");
    }
  }
}

/** Parses JSON text; Python's NaN and +/-Infinity are accepted; errors carry line and column. */
export function parseJsonText(text: string, location: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // JSON.parse failed: the careful parser says where and why (or accepts NaN/Infinity).
  }
  return new JsonParser(text, location).parse();
}

// ------------------------------------------------------------------------------------------------ YAML

/** Parses one YAML document (YAML 1.2 core schema, merge keys on, duplicate keys an error). */
export function parseYamlText(text: string, location: string): unknown {
  // Measured with the lexer before parsing: the parser recurses once per level and overflows the stack.
  const excess = nestingBeyond(text, MAX_YAML_DEPTH);
  if (excess) {
    const line = excess.line + 1;
    const column = excess.column + 1;
    const what = `collections nested more than ${MAX_YAML_DEPTH} levels deep`;
    throw new MetricsSyntaxError(
      `${location}:${line}:${column}: ${what}. Flatten the file.`,
      location,
      { line, column },
      'yaml',
      what,
    );
  }
  let doc;
  try {
    // logLevel: the parser writes no warnings about the file's content (collection keys) on the process.
    doc = parseDocument(text, { merge: true, prettyErrors: false, logLevel: 'error' });
  } catch (err) {
    throw new MetricsError(`${location}: cannot parse the YAML (${yamlFailure(err)}).`, location);
  }
  const error = doc.errors[0];
  if (error) {
    const line = error.linePos?.[0].line ?? lineColumn(text, error.pos[0]).line;
    const column = error.linePos?.[0].col ?? lineColumn(text, error.pos[0]).column;
    const what = (error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
    throw new MetricsSyntaxError(
      `${location}:${line}:${column}: ${what}. Fix the YAML syntax (indentation, quotes, a truncated file?).`,
      location,
      { line, column, offset: error.pos[0] },
      'yaml',
      what,
    );
  }
  try {
    return doc.toJS({ maxAliasCount: 1000 }) as unknown;
  } catch (err) {
    throw new MetricsError(`${location}: cannot read the YAML (${yamlFailure(err)}).`, location);
  }
}

/** Why the YAML library gave up: it recurses once per nesting level, so thousands of levels overflow the stack. */
function yamlFailure(err: unknown): string {
  if (err instanceof RangeError) return 'nested too deeply to read';
  return err instanceof Error ? err.message : String(err);
}

// ------------------------------------------------------------------------------------------------ TOML

/** Integers beyond 2^53 become the nearest number, as JSON.parse makes them. */
function withoutBigInts(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map(withoutBigInts);
  if (isRecord(value)) {
    for (const key of Object.keys(value)) value[key] = withoutBigInts(value[key]);
  }
  return value;
}

/** Parses a TOML document (TOML 1.0: tables, dotted keys, nan/inf, dates); errors carry line and column. */
export function parseTomlText(text: string, location: string): unknown {
  try {
    return withoutBigInts(parseToml(text, { integersAsBigInt: 'asNeeded', maxDepth: MAX_NESTING }));
  } catch (err) {
    if (!(err instanceof TomlError)) throw err;
    const line = err.line;
    const rawLine = text.split(/\r?\n/)[line - 1] ?? '';
    const lineText = rawLine.trim();
    // The message quotes the whole line, so the position is where that line's text starts.
    const column = lineText ? rawLine.length - rawLine.trimStart().length + 1 : err.column;
    const reason = (err.message.split('\n')[0] ?? '').replace(/^Invalid TOML document: /, '').trim();
    const what = lineText ? `cannot read '${lineText}' as TOML (${reason})` : `cannot read the TOML (${reason})`;
    throw new MetricsSyntaxError(
      `${location}:${line}:${column}: ${what}. Fix the TOML syntax (quotes, brackets, a key defined twice?).`,
      location,
      { line, column },
      'toml',
      what,
    );
  }
}

// ------------------------------------------------------------------------------------------------ CSV / TSV

export interface Table {
  columns: string[];
  rows: string[][];
  /** 1-based line of each row, for messages. */
  lines: number[];
}

/**
 * Parses delimited text (RFC 4180 quoting, `""` inside quotes, CRLF or LF). Blank lines are skipped; a row shorter
 * than the header (a file still being written) keeps its cells, the missing ones are empty. A row longer than the
 * header, an unclosed quote or text after a closing quote is an error with its position.
 */
export function parseDelimitedText(text: string, location: string, delimiter: ',' | '\t'): Table {
  const rows: string[][] = [];
  const lines: number[] = [];
  const delim = delimiter.charCodeAt(0);
  let i = 0;
  let line = 1;
  const n = text.length;
  while (i < n) {
    const rowLine = line;
    const row: string[] = [];
    let endOfRow = false;
    while (!endOfRow) {
      let cell = '';
      if (text.charCodeAt(i) === 34) {
        const open = i;
        i++;
        let chunk = i;
        for (;;) {
          if (i >= n)
            throw positionError(
              location,
              text,
              open,
              'a quoted field starting here is never closed',
              'Close the quote or remove it.',
              delimiter === ',' ? 'csv' : 'tsv',
            );
          const c = text.charCodeAt(i);
          if (c === 34) {
            if (text.charCodeAt(i + 1) === 34) {
              cell += text.slice(chunk, i + 1);
              i += 2;
              chunk = i;
              continue;
            }
            cell += text.slice(chunk, i);
            i++;
            break;
          }
          if (c === 10) line++;
          i++;
        }
        const c = text.charCodeAt(i);
        if (i < n && c !== delim && c !== 10 && c !== 13) {
          throw positionError(
            location,
            text,
            i,
            'unexpected text after a closing quote',
            'Quote the whole field, and double any quote inside it ("").',
            delimiter === ',' ? 'csv' : 'tsv',
          );
        }
      } else {
        const start = i;
        while (i < n) {
          const c = text.charCodeAt(i);
          if (c === delim || c === 10 || c === 13) break;
          i++;
        }
        cell = text.slice(start, i);
      }
      row.push(cell);
      if (i >= n) endOfRow = true;
      else {
        const c = text.charCodeAt(i);
        if (c === delim) i++;
        else {
          if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
          i++;
          line++;
          endOfRow = true;
        }
      }
    }
    if (row.length === 1 && row[0] === '') continue;
    rows.push(row);
    lines.push(rowLine);
  }
  const columns = rows.shift() ?? [];
  lines.shift();
  for (const [r, row] of rows.entries()) {
    if (row.length > columns.length) {
      const kind = delimiter === ',' ? 'commas' : 'tabs';
      const what = `this row has ${row.length} fields but the header has ${columns.length}`;
      const line = lines[r] ?? 0;
      throw new MetricsSyntaxError(
        `${location}:${line}:1: ${what}. Check for unquoted ${kind} in a value.`,
        location,
        { line, column: 1 },
        delimiter === ',' ? 'csv' : 'tsv',
        what,
      );
    }
  }
  return { columns, rows, lines };
}

// ------------------------------------------------------------------------------------------------ values

const numberPattern = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A number from table text: decimal notation, or nan/inf/infinity in any case with an optional sign. */
export function parseNumber(text: string): number | undefined {
  return parsePythonFloat(text.trim());
}

/**
 * A float as Python's `repr`/`str` writes it (`0.1`, `1e-05`, `inf`, `-inf`, `nan`; the words in any case, with an
 * optional sign), or undefined if it is not one. White space around it makes it not one (see parseNumber).
 */
export function parsePythonFloat(text: string): number | undefined {
  if (numberPattern.test(text)) return Number(text);
  switch (text.toLowerCase()) {
    case 'inf':
    case '+inf':
    case 'infinity':
    case '+infinity':
      return Infinity;
    case '-inf':
    case '-infinity':
      return -Infinity;
    case 'nan':
    case '+nan':
    case '-nan':
      return NaN;
    default:
      return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** Scalar leaves with DVC's metrics semantics: number, string and boolean; lists and nulls are skipped. */
export function flattenScalars(value: unknown, location: string): Map<string, Scalar> {
  const out = new Map<string, Scalar>();
  const walk = (v: unknown, prefix: string, depth: number): void => {
    if (depth > MAX_NESTING)
      throw new MetricsError(`${location}: nesting deeper than ${MAX_NESTING} levels. Flatten the metrics.`, location);
    if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') out.set(prefix, v);
    else if (v instanceof Date) out.set(prefix, v.toISOString());
    else if (isRecord(v))
      for (const key of Object.keys(v)) walk(v[key], prefix === '' ? key : `${prefix}.${key}`, depth + 1);
  };
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') {
    out.set(path.basename(location).replace(/\.[^.]*$/, '') || location, value);
  } else walk(value, '', 0);
  return out;
}

/** A value as text for params: strings as they are, lists and mappings as compact JSON, null as `null`. */
export function formatParam(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number')
    return Number.isNaN(value) ? 'nan' : value === Infinity ? 'inf' : value === -Infinity ? '-inf' : String(value);
  if (typeof value === 'boolean' || value === null || value === undefined) return String(value ?? 'null');
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value))
    return `[${value.map((v) => (typeof v === 'string' ? JSON.stringify(v) : formatParam(v))).join(', ')}]`;
  if (isRecord(value))
    return `{${Object.keys(value)
      .map(
        (k) =>
          `${JSON.stringify(k)}: ${typeof value[k] === 'string' ? JSON.stringify(value[k]) : formatParam(value[k])}`,
      )
      .join(', ')}}`;
  return typeof value === 'bigint' ? value.toString() : '';
}

/**
 * Params with DVC's semantics: every leaf of a mapping, keys joined with `.`; lists are one value (shown as
 * `[a, b]`), nulls are `null`.
 */
export function flattenParams(value: unknown, location: string, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (v: unknown, key: string, depth: number): void => {
    if (depth > MAX_NESTING)
      throw new MetricsError(`${location}: nesting deeper than ${MAX_NESTING} levels.`, location);
    if (isRecord(v) && Object.keys(v).length > 0)
      for (const k of Object.keys(v)) walk(v[k], key === '' ? k : `${key}.${k}`, depth + 1);
    else if (key !== '') out[key] = formatParam(v);
  };
  walk(value, prefix, 0);
  return out;
}

// ------------------------------------------------------------------------------------------------ tables -> series

function tableSeries(
  columns: string[],
  cells: (row: number, column: number) => unknown,
  rowCount: number,
  splits: SplitTokens | undefined,
): MetricSeries[] {
  // Later duplicates of a column name win, as Python's csv.DictReader does.
  const index = new Map<string, number>();
  columns.forEach((c, i) => index.set(c, i));
  const number = (v: unknown): number | undefined =>
    typeof v === 'number' ? v : typeof v === 'string' ? parseNumber(v) : undefined;
  const empty = (v: unknown): boolean => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
  const stepColumn = index.get('step');
  const timeColumn = index.get('timestamp');
  const steps: number[] = [];
  const times: (number | undefined)[] = [];
  for (let r = 0; r < rowCount; r++) {
    const s = stepColumn === undefined ? undefined : number(cells(r, stepColumn));
    steps.push(s !== undefined && Number.isFinite(s) ? s : r);
    const t = timeColumn === undefined ? undefined : number(cells(r, timeColumn));
    times.push(t !== undefined && Number.isFinite(t) ? t : undefined);
  }
  const out: MetricSeries[] = [];
  for (const [name, column] of index) {
    if (name === '' || column === stepColumn || column === timeColumn) continue;
    const points: MetricPoint[] = [];
    let numeric = true;
    for (let r = 0; r < rowCount && numeric; r++) {
      const v = cells(r, column);
      if (empty(v)) continue;
      const value = number(v);
      if (value === undefined) numeric = false;
      else {
        const step = steps[r] ?? r;
        const timestamp = times[r];
        points.push(timestamp === undefined ? { step, value } : { step, value, timestamp });
      }
    }
    if (!numeric || points.length === 0) continue;
    out.push({ key: name, ...splitOf(name, splits), points });
  }
  return out;
}

function recordsSeries(records: unknown[], splits: SplitTokens | undefined): MetricSeries[] {
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const r of records) {
    if (!isRecord(r)) continue;
    for (const k of Object.keys(r)) {
      if (seen.has(k)) continue;
      seen.add(k);
      columns.push(k);
    }
  }
  return tableSeries(
    columns,
    (row, column) => {
      const key = columns[column];
      return key === undefined ? undefined : (records[row] as Record<string, unknown>)[key];
    },
    records.length,
    splits,
  );
}

function isRecordList(value: unknown): value is Record<string, unknown>[] {
  return Array.isArray(value) && value.length > 0 && value.every(isRecord);
}

/** DVC's plots: the value itself when it is a list, else the first list found depth-first in a mapping. */
function firstList(value: unknown, depth = 0): unknown[] | undefined {
  if (Array.isArray(value)) return value as unknown[];
  if (!isRecord(value) || depth > MAX_NESTING) return undefined;
  for (const v of Object.values(value)) {
    if (Array.isArray(v)) return v as unknown[];
    if (isRecord(v)) {
      const found = firstList(v, depth + 1);
      if (found) return found;
    }
  }
  return undefined;
}

// ------------------------------------------------------------------------------------------------ documents

/** Parses the bytes of a metrics or plots file. Throws a MetricsError with the position on malformed input. */
export function parseMetricsDocument(
  content: Buffer | string,
  location: string,
  options: ParseOptions = {},
): MetricsDocument {
  const format = options.format ?? formatOf(location);
  if (content.length > MAX_METRICS_FILE_BYTES) {
    throw new MetricsError(
      `${location}: ${content.length} bytes is more than a metrics file should hold (${MAX_METRICS_FILE_BYTES}). Point the reader at a smaller file.`,
      location,
    );
  }
  const text = decodeText(content, location);
  if (format === 'csv' || format === 'tsv') {
    const table = parseDelimitedText(text, location, format === 'csv' ? ',' : '\t');
    return {
      location,
      format,
      scalars: new Map(),
      series: tableSeries(table.columns, (r, c) => table.rows[r]?.[c], table.rows.length, options.splits),
    };
  }
  const value = parseStructuredText(text, location, format);
  const list = Array.isArray(value) ? value : options.asPlot ? firstList(value) : undefined;
  if (list)
    return {
      location,
      format,
      scalars: new Map(),
      series: isRecordList(list) ? recordsSeries(list, options.splits) : [],
    };
  return { location, format, scalars: flattenScalars(value, location), series: [] };
}

/** Parses JSON, TOML or YAML content (bytes or text) into plain data; a params file, a dvc.yaml, a lock file. */
export function parseStructuredText(
  content: Buffer | string,
  location: string,
  format: StructuredFormat = structuredFormatOf(location),
): unknown {
  if (content.length > MAX_METRICS_FILE_BYTES) {
    throw new MetricsError(
      `${location}: ${content.length} bytes is more than this file should hold (${MAX_METRICS_FILE_BYTES}).`,
      location,
    );
  }
  const text = decodeText(content, location);
  if (format === 'json') return parseJsonText(text, location);
  if (format === 'toml') return parseTomlText(text, location);
  return parseYamlText(text, location);
}

/** Reads and parses a metrics or plots file; a missing or unreadable file is a MetricsError. */
export async function readMetricsDocument(filePath: string, options: ParseOptions = {}): Promise<MetricsDocument> {
  return parseMetricsDocument(await readBytes(filePath), filePath, options);
}

/** The bytes of a file, with errors a user can act on (missing, a folder, too large, unreadable). */
export async function readBytes(filePath: string, maxBytes = MAX_METRICS_FILE_BYTES): Promise<Buffer> {
  let handle: fs.promises.FileHandle | undefined;
  try {
    handle = await fs.promises.open(filePath, 'r');
    const stat = await handle.stat();
    if (stat.isDirectory()) throw new MetricsError(`${filePath} is a folder, not a metrics file.`, filePath);
    if (stat.size > maxBytes) {
      throw new MetricsError(
        `${filePath}: ${stat.size} bytes is more than a metrics file should hold (${maxBytes}). Point the reader at a smaller file.`,
        filePath,
      );
    }
    return await handle.readFile();
  } catch (err) {
    if (err instanceof MetricsError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      throw new MetricsError(`${filePath} does not exist. Check the path, or run the step that writes it.`, filePath);
    if (code === 'EISDIR') throw new MetricsError(`${filePath} is a folder, not a metrics file.`, filePath);
    if (code === 'EACCES' || code === 'EPERM')
      throw new MetricsError(`${filePath} cannot be read (permission denied).`, filePath);
    throw new MetricsError(`${filePath} cannot be read: ${err instanceof Error ? err.message : String(err)}`, filePath);
  } finally {
    await handle?.close();
  }
}

/**
 * The series and text metrics of a document. Scalars become one-point series at `step` (0 unless given);
 * booleans count as 1 and 0 (DVC's diff does the same arithmetic); strings are text metrics.
 */
export function documentMetrics(
  doc: MetricsDocument,
  options: {
    file?: string;
    step?: number;
    timestamp?: number;
    splits?: SplitTokens;
    splitCache?: Map<string, { split?: Split; baseKey: string }>;
  } = {},
): {
  metrics: MetricSeries[];
  textMetrics: TextMetric[];
} {
  const metrics: MetricSeries[] = [];
  const textMetrics: TextMetric[] = [];
  const step = options.step ?? 0;
  const { file } = options;
  const cache = options.splitCache;
  const series = (key: string, points: MetricPoint[]): MetricSeries => {
    let recognised = cache?.get(key);
    if (!recognised) {
      recognised = splitOf(key, options.splits);
      cache?.set(key, recognised);
    }
    const { split, baseKey } = recognised;
    const s: MetricSeries = split === undefined ? { key, baseKey, points } : { key, split, baseKey, points };
    if (file !== undefined) s.file = file;
    return s;
  };
  for (const [key, value] of doc.scalars) {
    if (typeof value === 'string') textMetrics.push(file === undefined ? { key, value } : { key, value, file });
    else {
      const point: MetricPoint = { step, value: typeof value === 'boolean' ? Number(value) : value };
      if (options.timestamp !== undefined) point.timestamp = options.timestamp;
      metrics.push(series(key, [point]));
    }
  }
  for (const s of doc.series) metrics.push(series(s.key, s.points.slice()));
  return { metrics, textMetrics };
}

/** One Run for a plain metrics file (source kind `file`). */
export async function readFileRun(filePath: string, options: ParseOptions & { label?: string } = {}): Promise<Run> {
  const [doc, stat] = await Promise.all([
    readMetricsDocument(filePath, options),
    fs.promises.stat(filePath).catch(() => undefined),
  ]);
  const { metrics, textMetrics } = documentMetrics(doc, { splits: options.splits, timestamp: stat?.mtimeMs });
  const run: Run = {
    id: filePath,
    source: { kind: 'file', location: filePath },
    label: options.label ?? path.basename(filePath),
    params: {},
    tags: {},
    status: 'unknown',
    metrics,
  };
  if (stat) run.time = stat.mtimeMs;
  if (textMetrics.length) run.textMetrics = textMetrics;
  return run;
}
