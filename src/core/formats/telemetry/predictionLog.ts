// The one reader of prediction and request logs: JSON Lines (the line splitter of src/core/formats/data/jsonl.ts) and
// CSV/TSV (the record scanner of src/core/formats/data/csv.ts), gzip-compressed or not (node:zlib, streaming). Each
// record becomes a TelemetryEvent through a field mapping: the names mlops.yaml gives, else the common names below.
//
// Streaming with bounded memory: one chunk of the file plus one batch of events at a time; a line longer than
// MAX_LINE_CHARS is refused (counted as a bad line) without being kept. Bad lines (not JSON, not an object, no
// readable timestamp, a wrong number of CSV fields) are counted; the first MAX_LISTED_BAD_LINES are listed with
// their line numbers.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import type { Readable } from 'node:stream';
import { CsvParser, detectDialect } from '../data/csv';
import { JsonLineSplitter } from '../data/jsonl';
import { fileHead, isGzip } from '../fileHead';
import { JsonFieldScanner } from './jsonFields';
import type { LatencyUnit, TelemetryEvent, TelemetryFieldMapping } from '../../telemetry/types';

/** The names tried, in order, for each field a log does not name in mlops.yaml. */
export const DEFAULT_FIELD_NAMES: Readonly<Record<keyof TelemetryFieldMapping, readonly string[]>> = {
  timestamp: ['timestamp', 'ts', 'time', '@timestamp', 'datetime', 'created_at'],
  model: ['model', 'model_name'],
  version: ['version', 'model_version'],
  caller: ['caller', 'client', 'client_id', 'app', 'user', 'user_id'],
  latency: [
    'latency_ms',
    'latency',
    'duration_ms',
    'duration',
    'response_time_ms',
    'elapsed_ms',
    'latency_s',
    'duration_s',
    'duration_seconds',
  ],
  status: ['status', 'status_code', 'http_status'],
  error: ['error', 'err', 'exception'],
  memory: ['memory_mb', 'rss_mb', 'memory'],
  features: ['features', 'inputs', 'input'],
  prediction: ['prediction', 'score', 'output', 'predictions'],
};

/** A line longer than this (in characters) is refused. */
export const MAX_LINE_CHARS = 1024 * 1024;
export const MAX_LISTED_BAD_LINES = 5;
/** Events handed over at a time. */
export const BATCH_EVENTS = 4096;

export type PredictionLogFormat = 'jsonl' | 'csv';

export interface PredictionLogOptions {
  format?: PredictionLogFormat;
  fields?: Partial<TelemetryFieldMapping>;
  /** The latency unit when the field's name does not say it (default ms). */
  latencyUnit?: LatencyUnit;
  /** The model of records that name none. */
  model?: string;
  /** Read the features and the prediction too (prediction drift); off, they are skipped. */
  features?: boolean;
  signal?: AbortSignal;
  /**
   * Only the bytes `start` to `end` (exclusive) of an uncompressed JSON Lines file, starting at a line start: one
   * part of a log read in parallel. Line numbers then count from the part's first line.
   */
  range?: { start: number; end: number };
}

export interface BadLine {
  line: number;
  message: string;
}

/** What a read found, filled in as it goes. */
export interface PredictionLogStats {
  lines: number;
  events: number;
  badLines: number;
  /** The first MAX_LISTED_BAD_LINES bad lines. */
  bad: BadLine[];
}

export const emptyStats = (): PredictionLogStats => ({ lines: 0, events: 0, badLines: 0, bad: [] });

/** The format of a log file from its name (a `.gz` looked through); undefined when the name does not say. */
export function predictionLogFormat(file: string): PredictionLogFormat | undefined {
  const name = file.toLowerCase().replace(/\.gz$/, '');
  if (name.endsWith('.jsonl') || name.endsWith('.ndjson') || name.endsWith('.log')) return 'jsonl';
  if (name.endsWith('.csv') || name.endsWith('.tsv')) return 'csv';
  return undefined;
}

/**
 * Whether a CSV header names the columns of a request log by the default names: a timestamp, and a latency, status,
 * error, model or version column (a training log's `epoch,loss,...` or a dataset does not).
 */
export function isRequestLogHeader(cells: readonly string[]): boolean {
  const names = new Set(cells.map((c) => c.trim()));
  const has = (field: keyof TelemetryFieldMapping): boolean => DEFAULT_FIELD_NAMES[field].some((n) => names.has(n));
  return has('timestamp') && (['latency', 'status', 'error', 'model', 'version'] as const).some(has);
}

/**
 * The header cells of a CSV or TSV log (gzip too) from its first 64 KiB; undefined when it cannot be read. For
 * deciding whether a file found by a broad glob is a request log before reading it all.
 */
export async function readCsvHeader(file: string): Promise<string[] | undefined> {
  const head = await fileHead(file, 64 * 1024);
  if (!head) return undefined;
  const sample = new TextDecoder('utf-8').decode(head);
  const tsv = file.toLowerCase().replace(/\.gz$/, '').endsWith('.tsv');
  const dialect = detectDialect(sample, { header: true, ...(tsv ? { preferDelimiter: '\t' } : {}) });
  let header: string[] | undefined;
  const parser = new CsvParser(dialect.delimiter, dialect.quote, (cells) => {
    header ??= [...cells];
  });
  parser.push(sample.replace(/^\ufeff/, ''));
  parser.push('', true);
  return header;
}

const UNIT_FACTOR: Record<LatencyUnit, number> = { ms: 1, s: 1000, us: 0.001, ns: 0.000001 };

/** The unit a latency field's name says (`latency_ms`, `duration_seconds`, `elapsedUs`), else undefined. */
export function unitOfName(name: string): LatencyUnit | undefined {
  const lower = name.toLowerCase();
  if (/(^|[_.-])(ms|millis|milliseconds)$|[a-z]Ms$/.test(name) || lower.endsWith('_ms')) return 'ms';
  if (/(^|[_.-])(s|sec|secs|seconds)$|[a-z]Seconds$/.test(name)) return 's';
  if (/(^|[_.-])(us|micros|microseconds)$|[a-z]Us$/.test(name)) return 'us';
  if (/(^|[_.-])(ns|nanos|nanoseconds)$|[a-z]Ns$/.test(name)) return 'ns';
  return undefined;
}

/** Megabytes per unit a memory field's name says (`rss_kb`, `memory_bytes`); 1 when it says MB or nothing. */
function memoryFactorOfName(name: string): number {
  const lower = name.toLowerCase();
  if (/(^|[_.-])(kb|kib)$/.test(lower)) return 1 / 1024;
  if (/(^|[_.-])(bytes|b)$/.test(lower)) return 1 / (1024 * 1024);
  if (/(^|[_.-])(gb|gib)$/.test(lower)) return 1024;
  return 1;
}

const digit = (code: number): number => code - 48;
const isDigit = (code: number): boolean => code >= 48 && code <= 57;

/** The last date and hour parsed (`2024-05-01T12`) and its time: a log's timestamps mostly share them. */
export interface HourCache {
  text: string;
  ms: number;
}

/** ISO 8601 date-times (`2024-05-01T12:00:00.123Z`, a space instead of T, an offset; none: UTC) without Date.parse. */
function parseIso(s: string, cache: HourCache): number | undefined {
  // The common shape `YYYY-MM-DDTHH:MM:SS[.fff]Z`: the hour from the cache, minutes, seconds and fraction here.
  const n0 = s.length;
  if (n0 >= 20 && s.charCodeAt(n0 - 1) === 90 && s.charCodeAt(13) === 58 && s.charCodeAt(16) === 58) {
    const hour = s.slice(0, 13);
    if (hour !== cache.text) {
      const t = parseIsoSlow(`${hour}:00:00Z`);
      if (t === undefined) return parseIsoSlow(s);
      cache.text = hour;
      cache.ms = t;
    }
    const c14 = s.charCodeAt(14);
    const c15 = s.charCodeAt(15);
    const c17 = s.charCodeAt(17);
    const c18 = s.charCodeAt(18);
    if (isDigit(c14) && isDigit(c15) && isDigit(c17) && isDigit(c18)) {
      let ms = 0;
      let i = 19;
      if (i < n0 - 1) {
        if (s.charCodeAt(i) !== 46) return parseIsoSlow(s);
        i++;
        let scale = 100;
        for (; i < n0 - 1; i++) {
          const c = s.charCodeAt(i);
          if (!isDigit(c)) return parseIsoSlow(s);
          ms += digit(c) * scale;
          scale /= 10;
        }
      }
      const minute = digit(c14) * 10 + digit(c15);
      const second = digit(c17) * 10 + digit(c18);
      if (minute < 60 && second < 61) return cache.ms + minute * 60_000 + second * 1000 + ms;
    }
  }
  return parseIsoSlow(s);
}

function parseIsoSlow(s: string): number | undefined {
  const n = s.length;
  if (n < 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return undefined;
  const num = (at: number, len: number): number => {
    let v = 0;
    for (let i = at; i < at + len; i++) {
      const c = s.charCodeAt(i);
      if (!isDigit(c)) return NaN;
      v = v * 10 + digit(c);
    }
    return v;
  };
  const year = num(0, 4);
  const month = num(5, 2);
  const day = num(8, 2);
  let hour = 0;
  let minute = 0;
  let second = 0;
  let ms = 0;
  let i = 10;
  if (i < n && (s[i] === 'T' || s[i] === ' ' || s[i] === 't')) {
    if (n < i + 6 || s.charCodeAt(i + 3) !== 58) return undefined;
    hour = num(i + 1, 2);
    minute = num(i + 4, 2);
    i += 6;
    if (i < n && s.charCodeAt(i) === 58) {
      second = num(i + 1, 2);
      i += 3;
      if (i < n && (s[i] === '.' || s[i] === ',')) {
        i++;
        let scale = 100;
        while (i < n && isDigit(s.charCodeAt(i))) {
          ms += digit(s.charCodeAt(i)) * scale;
          scale /= 10;
          i++;
        }
      }
    }
  }
  let offset = 0;
  if (i < n) {
    const c = s[i];
    if (c === 'Z' || c === 'z') i++;
    else if (c === '+' || c === '-') {
      const oh = num(i + 1, 2);
      const om = s.charCodeAt(i + 3) === 58 ? num(i + 4, 2) : num(i + 3, 2);
      offset = (c === '+' ? 1 : -1) * (oh * 60 + om) * 60_000;
      i += s.charCodeAt(i + 3) === 58 ? 6 : 5;
    }
    if (i !== n) return undefined;
  }
  const t = Date.UTC(year, month - 1, day, hour, minute, second) + ms - offset;
  if (!Number.isFinite(t) || month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  return t;
}

/** A number of seconds, milliseconds, microseconds or nanoseconds since the epoch, told apart by size. */
function epochToMs(value: number): number {
  const a = Math.abs(value);
  if (a >= 1e17) return value / 1e6;
  if (a >= 1e14) return value / 1e3;
  if (a >= 1e11) return value;
  return value * 1000;
}

/** Milliseconds since the epoch of a logged timestamp; undefined when it is not one. */
export function parseTimestamp(value: unknown, cache: HourCache = { text: '', ms: 0 }): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? epochToMs(value) : undefined;
  if (typeof value !== 'string' || value === '') return undefined;
  const trimmed = value.trim();
  if (trimmed.charCodeAt(4) === 45) {
    const iso = parseIso(trimmed, cache);
    if (iso !== undefined) return iso;
  } else if (/^-?\d+(\.\d+)?$/.test(trimmed)) return epochToMs(Number(trimmed));
  const parsed = Date.parse(trimmed);
  return Number.isFinite(parsed) ? parsed : undefined;
}

const toNumber = (value: unknown): number | undefined => {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
};

const toText = (value: unknown): string =>
  typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';

const FAILED_STATUS = /^(error|errors|err|fail|failed|failure|exception|timeout|timed[ _-]?out|ko)$/i;
const NO_ERROR = new Set(['', 'false', '0', 'null', 'none', 'nan', 'no']);

/** A status that says the request failed: 'error', 'fail...', 'exception', false, or a number >= 500. */
export function statusFailed(value: unknown): boolean {
  if (value === false) return true;
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  if (Number.isFinite(n)) return n >= 500;
  return typeof value === 'string' && (FAILED_STATUS.test(value) || /^fail/i.test(value));
}

/** An error field that says the request failed: present and not empty, null, false or 0. */
export function errorPresent(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === 0) return false;
  if (typeof value === 'string') return !NO_ERROR.has(value.trim().toLowerCase());
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

/** A value by a field name: the key itself, else a dotted path into objects. */
function lookup(record: Record<string, unknown>, name: string): unknown {
  const direct = record[name];
  if (direct !== undefined || !name.includes('.')) return direct;
  let value: unknown = record;
  for (const part of name.split('.')) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

const isSpace = (c: number): boolean => c === 32 || c === 9 || c === 13 || c === 10;

type Field = keyof TelemetryFieldMapping;
const SCALAR_FIELDS: readonly Exclude<Field, 'features'>[] = [
  'timestamp',
  'model',
  'version',
  'caller',
  'latency',
  'status',
  'error',
  'memory',
  'prediction',
];

/** Moves the item at i to the front, the ones before it one place on. */
function toFront<T>(items: T[], i: number): void {
  const item = items[i]!;
  items.copyWithin(1, 0, i);
  items[0] = item;
}

/**
 * Turns records into events. The names tried for a field are the configured one, else the defaults; the one that
 * answered last is tried first, so a log of one shape costs one lookup per field.
 */
class RecordMapper {
  private readonly candidates: Record<Exclude<Field, 'features'>, string[]>;
  private readonly featureList: string[] | undefined;
  private readonly featureObjects: string[];
  private readonly latencyFactors = new Map<string, number>();
  private readonly memoryFactors = new Map<string, number>();
  private readonly hour: HourCache = { text: '', ms: 0 };

  constructor(private readonly options: PredictionLogOptions) {
    const fields = options.fields ?? {};
    const candidates = {} as Record<Exclude<Field, 'features'>, string[]>;
    for (const field of SCALAR_FIELDS) {
      const named = fields[field];
      candidates[field] = typeof named === 'string' ? [named] : [...DEFAULT_FIELD_NAMES[field]];
    }
    this.candidates = candidates;
    const features = fields.features;
    this.featureList = Array.isArray(features) ? features : undefined;
    this.featureObjects = typeof features === 'string' ? [features] : [...DEFAULT_FIELD_NAMES.features];
  }

  /**
   * The keys the JSON field scanner takes out of each line, or undefined when records need JSON.parse (features
   * and predictions are read, or a name is a dotted path).
   */
  scannedNames(): string[] | undefined {
    if (this.options.features) return undefined;
    const names = new Set<string>();
    for (const field of SCALAR_FIELDS)
      if (field !== 'prediction') for (const name of this.candidates[field]) names.add(name);
    return JsonFieldScanner.serves([...names]) ? [...names] : undefined;
  }

  /** The name that held the value `find` returned last. */
  private found = '';

  /** The scanner's slot of each candidate name, in the order of `candidates` (set by `scanWith`). */
  private candidateSlots: Record<Exclude<Field, 'features'>, number[]> | undefined;

  /** Scanned lines come from this scanner: candidate names are looked up by slot. */
  scanWith(scanner: JsonFieldScanner): void {
    const slots = {} as Record<Exclude<Field, 'features'>, number[]>;
    for (const field of SCALAR_FIELDS) slots[field] = this.candidates[field].map((name) => scanner.slotOf(name));
    this.candidateSlots = slots;
  }

  /** The value of a field (its name in `found`), or undefined. */
  private find(record: Record<string, unknown>, field: Exclude<Field, 'features'>): unknown {
    const names = this.candidates[field];
    for (let i = 0; i < names.length; i++) {
      const name = names[i]!;
      const value = lookup(record, name);
      if (value === undefined || value === null || value === '') continue;
      if (i > 0) this.moveToFront(field, i);
      this.found = name;
      return value;
    }
    return undefined;
  }

  /**
   * `find` in a scanned line: the slot holding a field's value (its name in `found`), or -1, without making the
   * value. `names` and `slots` are the field's candidates and their slots.
   */
  private pick(scanner: JsonFieldScanner, names: string[], slots: number[]): number {
    for (let i = 0; i < slots.length; i++) {
      const slot = slots[i]!;
      if (slot < 0 || !scanner.present(slot)) continue;
      this.found = names[i]!;
      if (i > 0) {
        toFront(names, i);
        toFront(slots, i);
      }
      return slot;
    }
    return -1;
  }

  /** The name that answered is tried first next time. */
  private moveToFront(field: Exclude<Field, 'features'>, i: number): void {
    const names = this.candidates[field];
    toFront(names, i);
    const slots = this.candidateSlots?.[field];
    if (slots) toFront(slots, i);
  }

  /** The hour (`2024-05-01T12`) of the last timestamp read from bytes, and its time. */
  private readonly hourBytes = new Uint8Array(13);
  private hourMs = NaN;

  /**
   * The time of a timestamp of the common shape `YYYY-MM-DDTHH:MM:SS[.fff]Z` straight from a scanned line's bytes
   * (no string made); undefined for any other shape, which `parseTimestamp` then reads (the same answer either way).
   */
  private scannedTime(scanner: JsonFieldScanner, slot: number): number | undefined {
    if (!scanner.stringBytes(slot)) return undefined;
    const buf = scanner.buffer;
    const s = scanner.start;
    const n = scanner.stop - s;
    if (
      n < 20 ||
      buf[s + n - 1] !== 90 ||
      buf[s + 4] !== 45 ||
      buf[s + 13] !== 58 ||
      buf[s + 16] !== 58 ||
      !isDigit(buf[s]!)
    )
      return undefined;
    const hour = this.hourBytes;
    let same = this.hourMs === this.hourMs;
    for (let i = 0; same && i < 13; i++) same = buf[s + i] === hour[i];
    if (!same) {
      const t = parseIsoSlow(`${buf.toString('latin1', s, s + 13)}:00:00Z`);
      if (t === undefined) return undefined;
      for (let i = 0; i < 13; i++) hour[i] = buf[s + i]!;
      this.hourMs = t;
    }
    const c14 = buf[s + 14]!;
    const c15 = buf[s + 15]!;
    const c17 = buf[s + 17]!;
    const c18 = buf[s + 18]!;
    if (!isDigit(c14) || !isDigit(c15) || !isDigit(c17) || !isDigit(c18)) return undefined;
    let ms = 0;
    let i = 19;
    if (i < n - 1) {
      if (buf[s + i] !== 46) return undefined;
      i++;
      let scale = 100;
      for (; i < n - 1; i++) {
        const c = buf[s + i]!;
        if (!isDigit(c)) return undefined;
        ms += digit(c) * scale;
        scale /= 10;
      }
    }
    const minute = digit(c14) * 10 + digit(c15);
    const second = digit(c17) * 10 + digit(c18);
    return minute < 60 && second < 61 ? this.hourMs + minute * 60_000 + second * 1000 + ms : undefined;
  }

  private lastStatus: unknown = undefined;
  private lastStatusFailed = false;

  /** statusFailed, remembering the last answer (a log's statuses are a handful of values). */
  private failed(status: unknown): boolean {
    if (status !== this.lastStatus) {
      this.lastStatus = status;
      this.lastStatusFailed = statusFailed(status);
    }
    return this.lastStatusFailed;
  }

  private latencyFactor(name: string): number {
    let factor = this.latencyFactors.get(name);
    if (factor === undefined) {
      factor = UNIT_FACTOR[unitOfName(name) ?? this.options.latencyUnit ?? 'ms'];
      this.latencyFactors.set(name, factor);
    }
    return factor;
  }

  private memoryFactor(name: string): number {
    let factor = this.memoryFactors.get(name);
    if (factor === undefined) {
      factor = memoryFactorOfName(name);
      this.memoryFactors.set(name, factor);
    }
    return factor;
  }

  /**
   * The event of a line the scanner read (features are not read then), like `map` of its record; written into
   * `into` when given (its latency and memory set to undefined when the line has none), else a new object.
   */
  mapScanned(scanner: JsonFieldScanner, line: number, into?: TelemetryEvent): TelemetryEvent | string {
    const names = this.candidates;
    const slots = this.candidateSlots!;
    const stamp = this.pick(scanner, names.timestamp, slots.timestamp);
    if (stamp < 0) return `no timestamp (looked for ${names.timestamp.join(', ')})`;
    const time = this.scannedTime(scanner, stamp) ?? parseTimestamp(scanner.valueAt(stamp), this.hour);
    if (time === undefined) return `"${String(this.found)}" is not a timestamp`;
    const model = this.pick(scanner, names.model, slots.model);
    const version = this.pick(scanner, names.version, slots.version);
    const caller = this.pick(scanner, names.caller, slots.caller);
    let event: TelemetryEvent;
    if (into) {
      event = into;
      event.time = time;
      event.model = model >= 0 ? toText(scanner.valueAt(model)) : (this.options.model ?? '');
      event.version = version >= 0 ? toText(scanner.valueAt(version)) : '';
      event.caller = caller >= 0 ? toText(scanner.valueAt(caller)) : '';
      event.error = false;
      event.line = line;
      event.latencyMs = undefined;
      event.memoryMb = undefined;
    } else
      event = {
        time,
        model: model >= 0 ? toText(scanner.valueAt(model)) : (this.options.model ?? ''),
        version: version >= 0 ? toText(scanner.valueAt(version)) : '',
        caller: caller >= 0 ? toText(scanner.valueAt(caller)) : '',
        error: false,
        line,
      };
    const latency = this.pick(scanner, names.latency, slots.latency);
    if (latency >= 0) {
      const n = toNumber(scanner.valueAt(latency));
      if (n !== undefined) event.latencyMs = n * this.latencyFactor(this.found);
    }
    const status = this.pick(scanner, names.status, slots.status);
    if (status >= 0 && this.failed(scanner.valueAt(status))) event.error = true;
    if (!event.error) {
      const error = this.pick(scanner, names.error, slots.error);
      if (error >= 0 && errorPresent(scanner.valueAt(error))) event.error = true;
    }
    const memory = this.pick(scanner, names.memory, slots.memory);
    if (memory >= 0) {
      const n = toNumber(scanner.valueAt(memory));
      if (n !== undefined) event.memoryMb = n * this.memoryFactor(this.found);
    }
    return event;
  }

  /** The event of a record, or the reason it is a bad line. */
  map(record: Record<string, unknown>, line: number): TelemetryEvent | string {
    const stamp = this.find(record, 'timestamp');
    if (stamp === undefined) return `no timestamp (looked for ${this.candidates.timestamp.join(', ')})`;
    const time = parseTimestamp(stamp, this.hour);
    if (time === undefined) return `"${String(this.found)}" is not a timestamp`;
    const model = this.find(record, 'model');
    const version = this.find(record, 'version');
    const caller = this.find(record, 'caller');
    const event: TelemetryEvent = {
      time,
      model: model !== undefined ? toText(model) : (this.options.model ?? ''),
      version: version !== undefined ? toText(version) : '',
      caller: caller !== undefined ? toText(caller) : '',
      error: false,
      line,
    };
    const latency = this.find(record, 'latency');
    if (latency !== undefined) {
      const n = toNumber(latency);
      if (n !== undefined) event.latencyMs = n * this.latencyFactor(this.found);
    }
    const status = this.find(record, 'status');
    if (status !== undefined && this.failed(status)) event.error = true;
    if (!event.error) {
      const error = this.find(record, 'error');
      if (error !== undefined && errorPresent(error)) event.error = true;
    }
    const memory = this.find(record, 'memory');
    if (memory !== undefined) {
      const n = toNumber(memory);
      if (n !== undefined) event.memoryMb = n * this.memoryFactor(this.found);
    }
    if (this.options.features) {
      if (this.featureList) {
        const features: Record<string, unknown> = {};
        for (const name of this.featureList) features[name] = lookup(record, name) ?? null;
        event.features = features;
      } else {
        for (const name of this.featureObjects) {
          const value = lookup(record, name);
          if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
            event.features = value as Record<string, unknown>;
            break;
          }
        }
      }
      const prediction = this.find(record, 'prediction');
      if (prediction !== undefined) event.prediction = prediction;
    }
    return event;
  }
}

/** The bytes of a log, gunzipped when they start with the gzip magic bytes. */
function openLog(file: string, range?: { start: number; end: number }): Readable {
  if (range) return fs.createReadStream(file, { highWaterMark: 1024 * 1024, start: range.start, end: range.end - 1 });
  const magic = Buffer.alloc(2);
  const fd = fs.openSync(file, 'r');
  let n: number;
  try {
    n = fs.readSync(fd, magic, 0, 2, 0);
  } finally {
    fs.closeSync(fd);
  }
  const input = fs.createReadStream(file, { highWaterMark: 4 * 1024 * 1024 });
  if (!isGzip(magic.subarray(0, n))) return input;
  const gunzip = zlib.createGunzip({ chunkSize: 256 * 1024 });
  input.on('error', (err) => gunzip.destroy(err));
  // A damaged stream or an early stop ends the gunzip side only: close the file with it (fuzzing found the leak).
  gunzip.once('close', () => input.destroy());
  return input.pipe(gunzip);
}

/** Raised when a log's bytes cannot be read as what they claim to be (a gzip file that is not whole). */
export class PredictionLogFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PredictionLogFormatError';
  }
}

/** Raised when a read is aborted through its signal. */
export class PredictionLogAbortedError extends Error {
  constructor() {
    super('Reading the log was cancelled.');
    this.name = 'PredictionLogAbortedError';
  }
}

/**
 * JSON Lines from bytes, cut by the one JSON Lines splitter: each line is scanned for the mapped fields
 * (jsonFields.ts) and only handed to JSON.parse when the scanner is not sure. Decoded text is the same as a streaming
 * UTF-8 decode of the whole file would give, so line numbers, bad lines and events are too.
 */
class JsonLines {
  private readonly scanner: JsonFieldScanner | undefined;
  private readonly decoder = new TextDecoder('utf-8');
  private readonly splitter: JsonLineSplitter;

  constructor(
    mapper: RecordMapper,
    private readonly stats: PredictionLogStats,
    private readonly take: (record: Record<string, unknown> | JsonFieldScanner, line: number) => void,
    private readonly bad: (line: number, message: string) => void,
    /** Whether the bytes start the file (a byte order mark may lead them). */
    fileStart: boolean,
  ) {
    const names = mapper.scannedNames();
    this.scanner = names ? new JsonFieldScanner(names) : undefined;
    if (this.scanner) mapper.scanWith(this.scanner);
    // A UTF-16 character takes at most 3 UTF-8 bytes: beyond 3x the limit in bytes a line is too long whatever it holds.
    this.splitter = new JsonLineSplitter(
      (buf, start, end, line) => this.onLine(buf, start, end, line),
      3 * MAX_LINE_CHARS,
      (line) => {
        this.stats.lines = line;
        this.bad(line, `longer than ${MAX_LINE_CHARS} characters: not read`);
      },
      fileStart,
    );
  }

  push(chunk: Buffer): void {
    this.splitter.push(chunk);
  }

  end(): void {
    this.splitter.end();
  }

  private onLine(buf: Buffer, start: number, end: number, line: number): void {
    this.stats.lines = line;
    if (start === end) return;
    if (end - start <= MAX_LINE_CHARS && this.scanner?.scan(buf, start, end)) {
      this.take(this.scanner, line);
      return;
    }
    const text = this.decoder.decode(buf.subarray(start, end));
    if (text.length > MAX_LINE_CHARS) {
      this.bad(line, `longer than ${MAX_LINE_CHARS} characters: not read`);
      return;
    }
    if (text.length === 0 || (isSpace(text.charCodeAt(0)) && text.trim() === '')) return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      this.bad(line, 'not valid JSON');
      return;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) this.bad(line, 'not a JSON object');
    else this.take(value as Record<string, unknown>, line);
  }
}

/**
 * The events of a prediction log, in batches of up to BATCH_EVENTS. `stats` is filled in as the read goes (events,
 * bad lines with the first few line numbers). Throws the file system's error when the file cannot be read.
 */
export async function* readPredictionLog(
  file: string,
  options: PredictionLogOptions = {},
  stats: PredictionLogStats = emptyStats(),
): AsyncGenerator<TelemetryEvent[]> {
  yield* readLog(file, options, stats);
}

/**
 * The events of a prediction log handed to `onEvent` one by one, as they are read: the same events as
 * readPredictionLog, but the object passed is only valid during the call (lines the field scanner reads all reuse
 * one object), so nothing is allocated per line for a caller that only counts them, like the aggregator.
 */
export async function eachPredictionLogEvent(
  file: string,
  options: PredictionLogOptions,
  stats: PredictionLogStats,
  onEvent: (event: TelemetryEvent) => void,
): Promise<void> {
  for await (const batch of readLog(file, options, stats, onEvent)) for (const event of batch) onEvent(event);
}

/** readPredictionLog, or with `onEvent` eachPredictionLogEvent (then only lines read by JSON.parse are batched). */
async function* readLog(
  file: string,
  options: PredictionLogOptions,
  stats: PredictionLogStats,
  onEvent?: (event: TelemetryEvent) => void,
): AsyncGenerator<TelemetryEvent[]> {
  const format = options.format ?? predictionLogFormat(file) ?? 'jsonl';
  const mapper = new RecordMapper(options);
  let batch: TelemetryEvent[] = [];
  const bad = (line: number, message: string): void => {
    stats.badLines++;
    if (stats.bad.length < MAX_LISTED_BAD_LINES) stats.bad.push({ line, message });
  };
  const reused: TelemetryEvent = {
    time: 0,
    model: '',
    version: '',
    caller: '',
    error: false,
    line: 0,
    latencyMs: undefined,
    memoryMb: undefined,
  };
  const take = (record: Record<string, unknown> | JsonFieldScanner, line: number): void => {
    if (onEvent && record instanceof JsonFieldScanner) {
      const event = mapper.mapScanned(record, line, reused);
      if (typeof event === 'string') bad(line, event);
      else {
        stats.events++;
        // Events read earlier by JSON.parse go first: the order is the file's.
        if (batch.length > 0) {
          for (const earlier of batch) onEvent(earlier);
          batch = [];
        }
        onEvent(event);
      }
      return;
    }
    const event = record instanceof JsonFieldScanner ? mapper.mapScanned(record, line) : mapper.map(record, line);
    if (typeof event === 'string') bad(line, event);
    else {
      stats.events++;
      batch.push(event);
    }
  };

  let push: (text: string) => void;
  let end: () => void;
  let pushBytes: ((chunk: Buffer) => void) | undefined;
  if (format === 'jsonl') {
    const lines = new JsonLines(mapper, stats, take, bad, (options.range?.start ?? 0) === 0);
    pushBytes = (chunk) => lines.push(chunk);
    push = () => undefined;
    end = () => lines.end();
  } else {
    let parser: CsvParser | undefined;
    let header: string[] | undefined;
    let pending = '';
    const tsv = file.toLowerCase().replace(/\.gz$/, '').endsWith('.tsv');
    const start = (sample: string): CsvParser => {
      const dialect = detectDialect(sample, { header: true, ...(tsv ? { preferDelimiter: '\t' } : {}) });
      return new CsvParser(
        dialect.delimiter,
        dialect.quote,
        (cells, line) => {
          stats.lines = line;
          if (!header) {
            header = cells.map((c) => c.trim());
            return;
          }
          if (cells.length !== header.length) {
            bad(line, `expected ${header.length} fields, saw ${cells.length}`);
            return;
          }
          const record: Record<string, unknown> = {};
          for (let i = 0; i < header.length; i++) record[header[i]!] = cells[i];
          take(record, line);
        },
        (line) => bad(line, 'a quoted field is not closed'),
        {
          maxRecordChars: MAX_LINE_CHARS,
          onTooLong: (line) => bad(line, `longer than ${MAX_LINE_CHARS} characters: not read`),
        },
      );
    };
    // The dialect is detected on the first 64 KiB (or the whole file when shorter).
    push = (text) => {
      if (!parser) {
        pending += text;
        if (pending.length < 64 * 1024) return;
        parser = start(pending);
        text = pending;
        pending = '';
      }
      parser.push(text);
    };
    end = () => {
      if (!parser) {
        parser = start(pending);
        parser.push(pending);
        pending = '';
      }
      parser.push('', true);
      parser.end();
    };
  }

  const decoder = new TextDecoder('utf-8');
  const stream = openLog(file, options.range);
  try {
    for await (const chunk of stream) {
      if (options.signal?.aborted) throw new PredictionLogAbortedError();
      if (pushBytes) pushBytes(chunk as Buffer);
      else push(decoder.decode(chunk as Buffer, { stream: true }));
      if (batch.length >= BATCH_EVENTS) {
        const full = batch;
        batch = [];
        for (let at = 0; at < full.length; at += BATCH_EVENTS) yield full.slice(at, at + BATCH_EVENTS);
      }
    }
    if (!pushBytes) push(decoder.decode());
    end();
    for (let at = 0; at < batch.length; at += BATCH_EVENTS) yield batch.slice(at, at + BATCH_EVENTS);
  } catch (err) {
    // zlib's errors (Z_DATA_ERROR, Z_BUF_ERROR, ...) say the gzip stream is damaged or cut short.
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('Z_'))
      throw new PredictionLogFormatError(
        `${path.basename(file)} is not a readable gzip file (${(err as Error).message}); ${stats.events} events were read before it.`,
      );
    throw err;
  } finally {
    stream.destroy();
  }
}
