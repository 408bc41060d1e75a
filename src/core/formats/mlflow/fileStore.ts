// MLflow's file store (`mlruns/`): experiments, runs, metric histories, params, tags and the model registry, read
// straight from the files. Listing runs reads each metric file's latest value only: a small file in one read (its
// highest step), a larger one from its tail; a full history is read on demand.
//
//   mlruns/<experiment_id>/meta.yaml              experiment (ids are strings: never parsed as numbers)
//   mlruns/<experiment_id>/<run_id>/meta.yaml     run (status 1..5, start/end time, lifecycle_stage)
//   .../<run_id>/metrics/<key>                     lines `<timestamp_ms> <value> [<step> [<dataset> <digest>]]`
//   .../<run_id>/params/<key>, tags/<key>          raw text; keys with `/` are nested folders
//   mlruns/.trash/<experiment_id>/                 deleted experiments
//   mlruns/models/<name>/[version-<n>/]meta.yaml   model registry
//
// Runs copied without their experiment's meta.yaml are read too: an experiment folder without meta.yaml is named by
// its folder, and a run folder copied straight into the store folder joins the experiment its own meta.yaml names.
//
// A store is thousands of small files. Each run is read with synchronous calls (several times faster than one
// promise per file), and the functions yield to the event loop between small batches of runs, so a listing never
// blocks it for more than a few milliseconds at a time.
import { type Dirent, closeSync, fstatSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { parse as parseYaml } from 'yaml';
import { parsePythonFloat } from '../metricsFiles/parse';
import { MetricsError, type MetricPoint, type MetricSeries } from '../../metrics/model';
import {
  compareText,
  DELETED_VERSION_STAGE,
  errorCode,
  integerField,
  metricSeries,
  runLabel,
  statusFromNumber,
  textField,
  type MlflowExperiment,
  type MlflowModelVersion,
  type MlflowRegisteredModel,
  type MlflowRun,
  type MlflowRunListing,
  type MlflowRunQuery,
} from './entities';

const TRASH = '.trash';
const MODELS = 'models';
/** Folders inside an experiment folder that are not runs (nor are the folders of a run's own content). */
const RESERVED = new Set(['tags', 'datasets', 'traces', 'models', 'metrics', 'params', 'artifacts']);
/** Bytes read from the end of a metric file to find its latest value; more while no whole line fits. */
const TAIL_BYTES = 1024;
/**
 * Bytes read from the start of a metric file first: a file this small (most are) is read whole in one call, without
 * asking for its size.
 */
const HEAD_BYTES = 4096;
/** Runs read between two yields to the event loop. */
const BATCH = 16;

function exists(file: string): boolean {
  try {
    statSync(file);
    return true;
  } catch {
    return false;
  }
}

/** A buffer reused by the reads of one listing (grown when a file does not fit). */
interface Scratch {
  buffer: Buffer;
}

/**
 * The text of a file, or a MetricsError naming it. With `scratch`, a file that fits its buffer costs one open, one
 * read and one close, and no buffer of its own (the params, tags and meta.yaml of a run are small).
 */
function readText(file: string, scratch?: Scratch): string {
  try {
    return scratch ? readInto(file, scratch) : readFileSync(file, 'utf8');
  } catch (err) {
    throw new MetricsError(`${file}: cannot read (${errorCode(err)}).`, file);
  }
}

/** A whole file's text, read into `scratch.buffer` (grown when the file does not fit); fs errors as they are. */
function readInto(file: string, scratch: Scratch): string {
  const fd = openSync(file, 'r');
  try {
    let length = 0;
    for (;;) {
      if (length === scratch.buffer.length) {
        const grown = Buffer.allocUnsafe(scratch.buffer.length * 2);
        scratch.buffer.copy(grown, 0, 0, length);
        scratch.buffer = grown;
      }
      const bytesRead = readSync(fd, scratch.buffer, length, scratch.buffer.length - length, length);
      length += bytesRead;
      // A read that does not fill the buffer reached the end of the file.
      if (bytesRead === 0 || length < scratch.buffer.length) return scratch.buffer.toString('utf8', 0, length);
    }
  } finally {
    closeSync(fd);
  }
}

const PLAIN_KEY = /^([A-Za-z_][A-Za-z0-9_]*):(?: (.*))?$/;

/**
 * The `key: value` lines MLflow writes (PyYAML's block style), with plain scalars kept as text (MLflow quotes any
 * string YAML would read as something else). Undefined when the text uses anything more (continuation lines,
 * double quotes, anchors, blocks): then the full YAML parser reads it.
 */
function parseFlatYaml(content: string): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  for (const raw of content.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line === '') continue;
    const match = PLAIN_KEY.exec(line);
    const key = match?.[1];
    if (!match || key === undefined) return undefined;
    const value = (match[2] ?? '').trimEnd();
    if (value === '' || value === 'null' || value === '~') out[key] = null;
    else if (value === '[]') out[key] = [];
    else if (value === '{}') out[key] = {};
    else if (value.startsWith("'")) {
      if (value.length < 2 || !value.endsWith("'") || value.slice(1, -1).replace(/''/g, '').includes("'"))
        return undefined;
      out[key] = value.slice(1, -1).replace(/''/g, "'");
    } else if (/^[-?:,[\]{}#&*!|>"%@`\s]/.test(value) && !/^-\d/.test(value)) return undefined;
    else if (value.includes(': ') || value.includes(' #')) return undefined;
    else out[key] = value;
  }
  return out;
}

/**
 * Reads a `meta.yaml` into a mapping. On the fast path scalar values stay text; ids never go through a number
 * either way (they come from folder names).
 */
function readMeta(file: string): Record<string, unknown> {
  return parseMeta(readText(file), file);
}

/** A `meta.yaml`'s text (from `file`) as a mapping (see readMeta). */
function parseMeta(content: string, file: string): Record<string, unknown> {
  const flat = parseFlatYaml(content);
  if (flat) return flat;
  let data: unknown;
  try {
    data = parseYaml(content, { maxAliasCount: 10, logLevel: 'error' });
  } catch (err) {
    const line = (err as { linePos?: { line: number; col: number }[] }).linePos?.[0];
    throw new MetricsError(
      `${file}${line ? `:${line.line}:${line.col}` : ''}: not valid YAML (${err instanceof Error ? err.message.split('\n')[0] : String(err)}); MLflow cannot read it either: restore it from a backup or delete the folder.`,
      file,
      line ? { line: line.line, column: line.col } : undefined,
    );
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new MetricsError(
      `${file}: expected a mapping of MLflow fields (name, lifecycle_stage, ...), found ${data === null || data === undefined ? 'nothing' : Array.isArray(data) ? 'a list' : 'a single value'}.`,
      file,
    );
  }
  return data as Record<string, unknown>;
}

function listDir(directory: string): Dirent[] {
  try {
    return readdirSync(directory, { withFileTypes: true });
  } catch (err) {
    if (errorCode(err) === 'ENOENT' || errorCode(err) === 'ENOTDIR') return [];
    throw new MetricsError(`${directory}: cannot list (${errorCode(err)}).`, directory);
  }
}

/** A child path of a folder (names from `readdir` have no separators; `path.join` would only normalise again). */
function child(directory: string, name: string): string {
  return directory + path.sep + name;
}

/** The files under `directory` as [relative path with `/`, absolute path], sorted by key: metrics, params or tags. */
function listKeyFiles(directory: string): [string, string][] {
  const keys: [string, string][] = [];
  const walk = (dir: string, prefix: string, depth: number): void => {
    if (depth > 32) return;
    for (const entry of listDir(dir)) {
      if (entry.isDirectory()) walk(child(dir, entry.name), `${prefix}${entry.name}/`, depth + 1);
      else if (entry.isFile()) keys.push([prefix + entry.name, child(dir, entry.name)]);
    }
  };
  walk(directory, '', 0);
  return keys.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Files under `directory` as key -> raw text (params and tags). */
function readKeyValues(directory: string, scratch?: Scratch): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, file] of listKeyFiles(directory)) out[key] = readText(file, scratch);
  return out;
}

/** Parses one metric line; undefined when it is not `<timestamp> <value> [<step> [<dataset> <digest>]]`. */
function parseMetricLine(line: string): MetricPoint | undefined {
  return parseFields(line.trim().split(' '));
}

/**
 * Whether the last line of a file, which has no newline after it, is a line still being written: it does not
 * parse, or it has fewer fields than the complete line before it (MLflow ends every line it writes with a newline).
 */
function isPartial(line: string, previous: string | undefined): boolean {
  const parts = line.trim().split(' ');
  if (!parseFields(parts)) return true;
  return previous !== undefined && parts.length < previous.trim().split(' ').length;
}

const INTEGER = /^-?\d+$/;

function parseFields(parts: string[]): MetricPoint | undefined {
  if (parts.length !== 2 && parts.length !== 3 && parts.length !== 5) return undefined;
  const [first = '', second = '', third] = parts;
  const timestamp = INTEGER.test(first) ? Number(first) : NaN;
  const value = parsePythonFloat(second);
  const step = third !== undefined ? (INTEGER.test(third) ? Number(third) : NaN) : 0;
  if (Number.isNaN(timestamp) || value === undefined || Number.isNaN(step)) return undefined;
  return { step, value, timestamp };
}

/**
 * Every point of a metric file, in file order. A last line without its newline that does not parse is a line
 * still being written and is left out; any other bad line is an error naming the file and line.
 */
export function parseMetricFile(content: string, file: string): MetricPoint[] {
  const points: MetricPoint[] = [];
  const lines = content.split('\n');
  let previous: string | undefined;
  for (const [i, line] of lines.entries()) {
    if (line.trim() === '') continue;
    // The last piece has no newline after it: it may be a line still being written.
    if (i === lines.length - 1 && isPartial(line, previous)) break;
    const point = parseMetricLine(line);
    previous = line;
    if (point) {
      points.push(point);
      continue;
    }
    throw new MetricsError(
      `${file}:${i + 1}: not a metric line (expected '<timestamp> <value> <step>', found '${line.slice(0, 80)}'); fix or delete the line.`,
      file,
      { line: i + 1 },
    );
  }
  return points;
}

/**
 * The latest point of a metric file, read with one call when the file is at most HEAD_BYTES (`scratch` is a buffer
 * reused between files): then it is the point the full history gives (see latestOfBytes), the highest step as
 * MLflow's own "latest". A larger file is read from its tail: its last complete line, which is the same point unless
 * a lower step was logged after a higher one (the full history is always exact).
 */
function readLatestPoint(file: string, scratch: Scratch): MetricPoint | undefined {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    throw new MetricsError(`${file}: cannot read (${errorCode(err)}).`, file);
  }
  try {
    if (scratch.buffer.length < HEAD_BYTES + 1) scratch.buffer = Buffer.allocUnsafe(HEAD_BYTES + 1);
    // One byte more than HEAD_BYTES: a read that fills it means the file is larger.
    const headRead = readSync(fd, scratch.buffer, 0, HEAD_BYTES + 1, 0);
    if (headRead <= HEAD_BYTES) return latestOfBytes(file, scratch.buffer, headRead);
    const size = fstatSync(fd).size;
    let length = Math.min(size, TAIL_BYTES);
    for (;;) {
      if (scratch.buffer.length < length) scratch.buffer = Buffer.allocUnsafe(length);
      const bytesRead = readSync(fd, scratch.buffer, 0, length, size - length);
      const point = lastPoint(file, scratch.buffer.toString('utf8', 0, bytesRead), length === size);
      if (point !== null) return point;
      length = Math.min(size, length * 4);
    }
  } catch (err) {
    if (err instanceof MetricsError) throw err;
    throw new MetricsError(`${file}: cannot read (${errorCode(err)}).`, file);
  } finally {
    closeSync(fd);
  }
}

/** The point of `points` a row shows as the latest: the highest step, and of equal steps the later one. */
export function latestOf(points: readonly MetricPoint[]): MetricPoint | undefined {
  let latest: MetricPoint | undefined;
  for (const p of points) if (latest === undefined || p.step >= latest.step) latest = p;
  return latest;
}

/** White space `String.prototype.trim` removes, in ASCII (tab, line feed, vertical tab, form feed, return, space). */
function isAsciiSpace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13);
}

/** A whole number written in `bytes` from `start` to `end` (as INTEGER matches it), else NaN. */
function integerAt(bytes: Buffer, start: number, end: number): number {
  let at = start;
  const negative = at < end && bytes[at] === 45;
  if (negative) at++;
  // Beyond 15 digits a running sum may round differently from Number(): the text goes through Number().
  if (at === end || end - at > 15) {
    const digits = bytes.toString('latin1', start, end);
    return INTEGER.test(digits) ? Number(digits) : NaN;
  }
  let value = 0;
  for (; at < end; at++) {
    const digit = (bytes[at] ?? 0) - 48;
    if (digit < 0 || digit > 9) return NaN;
    value = value * 10 + digit;
  }
  return negative ? -value : value;
}

/** The first space in `bytes` from `from` before `end`, else -1. */
function spaceAt(bytes: Buffer, from: number, end: number): number {
  const at = from < end ? bytes.indexOf(32, from) : -1;
  return at < end ? at : -1;
}

/**
 * The step of the metric line from `start` to `end` (trimmed): 0 for `<timestamp> <value>`, the third field of 3 or
 * 5 fields; NaN when the fields are not those of a metric line.
 */
function stepOfLine(bytes: Buffer, start: number, end: number): number {
  const first = spaceAt(bytes, start, end);
  if (first === -1) return NaN;
  const second = spaceAt(bytes, first + 1, end);
  if (second === -1) return 0;
  let third = spaceAt(bytes, second + 1, end);
  if (third === -1) third = end;
  else {
    const fourth = spaceAt(bytes, third + 1, end);
    if (fourth === -1 || spaceAt(bytes, fourth + 1, end) !== -1) return NaN;
  }
  return integerAt(bytes, second + 1, third);
}

/**
 * The latest point of a whole metric file (its first `length` bytes in `bytes`), the one the full history gives (see
 * latestOf), without decoding or parsing every line: each line's step is read from the bytes and only the chosen
 * line is parsed. A last line still being written is left out; a file with a line that is not a metric line reads
 * as parseMetricFile reads it (an error naming it).
 */
function latestOfBytes(file: string, bytes: Buffer, length: number): MetricPoint | undefined {
  const whole = (): MetricPoint | undefined => latestOf(parseMetricFile(bytes.toString('utf8', 0, length), file));
  let bestStart = -1;
  let bestEnd = -1;
  let bestStep = -Infinity;
  let previousStart = -1;
  let previousEnd = -1;
  for (let start = 0; start < length; ) {
    let newline = bytes.indexOf(10, start);
    if (newline >= length) newline = -1;
    let lineStart = start;
    let lineEnd = newline === -1 ? length : newline;
    while (lineStart < lineEnd && isAsciiSpace(bytes[lineStart] ?? 0)) lineStart++;
    while (lineEnd > lineStart && isAsciiSpace(bytes[lineEnd - 1] ?? 0)) lineEnd--;
    if (lineStart < lineEnd) {
      // The last piece has no newline after it: it may be a line still being written.
      if (
        newline === -1 &&
        isPartial(
          bytes.toString('utf8', lineStart, lineEnd),
          previousStart < 0 ? undefined : bytes.toString('utf8', previousStart, previousEnd),
        )
      )
        break;
      const step = stepOfLine(bytes, lineStart, lineEnd);
      if (Number.isNaN(step)) return whole();
      if (step >= bestStep) {
        bestStep = step;
        bestStart = lineStart;
        bestEnd = lineEnd;
      }
      previousStart = lineStart;
      previousEnd = lineEnd;
    }
    if (newline === -1) break;
    start = newline + 1;
  }
  if (bestStart < 0) return undefined;
  return parseMetricLine(bytes.toString('utf8', bestStart, bestEnd)) ?? whole();
}

/**
 * The point of the last complete line of a piece of a metric file that ends at the file's end (`fromStart`: the piece
 * is the whole file); null when the piece may not hold a whole line (read more), undefined for no line at all.
 */
function lastPoint(file: string, text: string, fromStart: boolean): MetricPoint | undefined | null {
  const lines = text.split('\n');
  // The last non-empty piece; if it has no newline after it and looks cut, the one before.
  let last = lines.length - 1;
  const lineAt = (index: number): string => lines[index] ?? '';
  while (last >= 0 && lineAt(last).trim() === '') last--;
  let previous = last - 1;
  while (previous >= 0 && lineAt(previous).trim() === '') previous--;
  if (last === lines.length - 1 && last >= 0 && isPartial(lineAt(last), lines[previous])) last = previous;
  // Without the file's start, the first piece may be the end of a longer line: read more.
  if (last < 0 ? !fromStart : last === 0 && !fromStart) return null;
  if (last < 0) return undefined;
  const point = parseMetricLine(lineAt(last));
  if (!point)
    throw new MetricsError(
      `${file}: its last line is not a metric line ('${lineAt(last).slice(0, 80)}'); fix or delete it.`,
      file,
    );
  return point;
}

interface ExperimentFolder {
  experiment: MlflowExperiment;
  /** The experiment's folder; undefined for an experiment known only from runs copied straight into the store. */
  directory?: string;
  /** Run folders found outside the experiment's folder: runs copied straight into the store folder. */
  looseRuns: string[];
}

/** Whether a `meta.yaml` describes a run (it has a run id), not an experiment. */
function isRunMeta(meta: Record<string, unknown>): boolean {
  return meta.run_uuid !== undefined || meta.run_id !== undefined;
}

/** An experiment whose `meta.yaml` is missing (runs copied without it): its id is its folder's name. */
function experimentWithoutMeta(id: string, directory: string | undefined, deleted: boolean): MlflowExperiment {
  return {
    id,
    name: id,
    lifecycleStage: deleted ? 'deleted' : 'active',
    tags: directory ? readKeyValues(path.join(directory, 'tags')) : {},
  };
}

function readExperiment(
  directory: string,
  id: string,
  deleted: boolean,
  meta = readMeta(path.join(directory, 'meta.yaml')),
): MlflowExperiment {
  return {
    id,
    name: textField(meta.name) ?? id,
    lifecycleStage: deleted ? 'deleted' : (textField(meta.lifecycle_stage) ?? 'active'),
    artifactLocation: textField(meta.artifact_location),
    creationTime: integerField(meta.creation_time),
    lastUpdateTime: integerField(meta.last_update_time),
    tags: readKeyValues(path.join(directory, 'tags')),
  };
}

function experimentFolders(root: string, includeDeleted: boolean, problems: MetricsError[]): ExperimentFolder[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(root, { withFileTypes: true });
  } catch (err) {
    throw new MetricsError(
      `${root}: no MLflow file store here (${errorCode(err)}); give the folder that holds the experiment folders (usually mlruns).`,
      root,
    );
  }
  const candidates = entries
    .filter((e) => e.isDirectory() && e.name !== MODELS && !e.name.startsWith('.'))
    .map((e) => ({ directory: path.join(root, e.name), id: e.name, deleted: false }));
  if (includeDeleted) {
    for (const e of listDir(path.join(root, TRASH))) {
      if (e.isDirectory()) candidates.push({ directory: path.join(root, TRASH, e.name), id: e.name, deleted: true });
    }
  }
  const found: ExperimentFolder[] = [];
  const looseRuns: { directory: string; experimentId: string; deleted: boolean }[] = [];
  for (const c of candidates) {
    if (!exists(path.join(c.directory, 'meta.yaml'))) {
      // Runs copied without their experiment's meta.yaml: an experiment named by its folder.
      if (runFolders(c.directory).some((run) => exists(path.join(run, 'meta.yaml'))))
        found.push({
          experiment: experimentWithoutMeta(c.id, c.directory, c.deleted),
          directory: c.directory,
          looseRuns: [],
        });
      continue;
    }
    try {
      const meta = readMeta(path.join(c.directory, 'meta.yaml'));
      if (isRunMeta(meta)) {
        // A run copied straight into the store folder, without an experiment folder around it.
        looseRuns.push({
          directory: c.directory,
          experimentId: textField(meta.experiment_id) ?? '0',
          deleted: c.deleted,
        });
        continue;
      }
      const experiment = readExperiment(c.directory, c.id, c.deleted, meta);
      found.push({ experiment, directory: c.directory, looseRuns: [] });
    } catch (err) {
      if (!(err instanceof MetricsError)) throw err;
      problems.push(err);
    }
  }
  for (const run of looseRuns) {
    let folder = found.find((f) => f.experiment.id === run.experimentId);
    if (!folder)
      found.push(
        (folder = { experiment: experimentWithoutMeta(run.experimentId, undefined, run.deleted), looseRuns: [] }),
      );
    folder.looseRuns.push(run.directory);
  }
  return found
    .filter((f) => includeDeleted || f.experiment.lifecycleStage !== 'deleted')
    .sort((a, b) => compareIds(a.experiment.id, b.experiment.id));
}

/** The run folders of an experiment: inside its folder, and copied straight into the store. */
function runsOf(folder: ExperimentFolder): string[] {
  return [...(folder.directory ? runFolders(folder.directory) : []), ...folder.looseRuns];
}

/** Orders id strings numerically when both are digits (without converting them to numbers). */
function compareIds(a: string, b: string): number {
  if (/^\d+$/.test(a) && /^\d+$/.test(b) && a.length !== b.length) return a.length - b.length;
  return compareText(a, b);
}

/** The experiments of a file store (`root` is the `mlruns` folder); deleted ones (in `.trash`) only when asked. */
export async function listExperiments(
  root: string,
  options: { includeDeleted?: boolean } = {},
): Promise<MlflowExperiment[]> {
  await yieldToEventLoop();
  const problems: MetricsError[] = [];
  const folders = experimentFolders(root, options.includeDeleted ?? false, problems);
  const [problem] = problems;
  if (problem && !folders.length) throw problem;
  return folders.map((f) => f.experiment);
}

function readRunFolder(
  directory: string,
  experiment: MlflowExperiment,
  root: string,
  fullHistory: boolean,
  scratch: Scratch,
  meta = parseMeta(readText(child(directory, 'meta.yaml'), scratch), child(directory, 'meta.yaml')),
): MlflowRun {
  const runId = path.basename(directory);
  const params = readKeyValues(child(directory, 'params'), scratch);
  const tags = readKeyValues(child(directory, 'tags'), scratch);
  const metrics: MetricSeries[] = listKeyFiles(child(directory, 'metrics')).map(([key, file]) => {
    if (fullHistory) return metricSeries(key, parseMetricFile(readText(file, scratch), file));
    const latest = readLatestPoint(file, scratch);
    return metricSeries(key, latest ? [latest] : []);
  });
  return {
    id: runId,
    source: { kind: 'mlflow-file', location: root },
    label: runLabel(runId, textField(meta.run_name), tags),
    revision: runId,
    experiment: experiment.name,
    experimentId: experiment.id,
    time: integerField(meta.start_time),
    endTime: integerField(meta.end_time),
    params,
    tags,
    status: statusFromNumber(integerField(meta.status)),
    metrics,
    lifecycleStage: experiment.lifecycleStage === 'deleted' ? 'deleted' : (textField(meta.lifecycle_stage) ?? 'active'),
    userId: textField(meta.user_id),
    artifactUri: textField(meta.artifact_uri),
    fullHistory,
  };
}

function runFolders(directory: string): string[] {
  return listDir(directory)
    .filter((e) => e.isDirectory() && !RESERVED.has(e.name) && !e.name.startsWith('.'))
    .map((e) => path.join(directory, e.name));
}

/**
 * The runs of a file store, each metric with its latest point only unless `fullHistory` is set. Deleted runs and
 * the runs of deleted experiments are left out unless `includeDeleted` is set. A run that cannot be read is
 * reported in `problems` and the others are still listed. Sorted by start time, newest first.
 */
export async function listRuns(root: string, query: MlflowRunQuery = {}): Promise<MlflowRunListing> {
  const includeDeleted = query.includeDeleted ?? false;
  const problems: MetricsError[] = [];
  let experiments = experimentFolders(root, includeDeleted, problems);
  if (query.experimentIds) experiments = experiments.filter((e) => query.experimentIds!.includes(e.experiment.id));
  const folders = experiments.flatMap((e) => runsOf(e).map((directory) => ({ directory, experiment: e.experiment })));
  const listed: Placed[] = [];
  const scratch = { buffer: Buffer.allocUnsafe(TAIL_BYTES) };
  const cache = query.fullHistory ? undefined : query.cache;
  const cacheKey = `mlflow-file:${path.resolve(root)}`;
  const cached = cache ? cachedRunsOf(cache.read(cacheKey)) : {};
  const kept: Record<string, CachedRun> = {};
  let changed = false;
  const started = Date.now();
  for (const [i, { directory, experiment }] of folders.entries()) {
    if (i % BATCH === 0) await yieldToEventLoop();
    const entry = cached[directory];
    if (entry) {
      const run = validCachedRun(directory, entry, experiment, root);
      if (run) {
        kept[directory] = entry;
        if (includeDeleted || run.lifecycleStage !== 'deleted')
          listed.push({ run, directory, metaExperimentId: entry.experimentId });
        continue;
      }
    }
    // The meta.yaml is read here: a missing one (ENOENT) is a folder MLflow skips, without a stat for each run.
    const metaFile = child(directory, 'meta.yaml');
    let metaText: string | undefined;
    try {
      metaText = readInto(metaFile, scratch);
    } catch (err) {
      if (errorCode(err) !== 'ENOENT') {
        problems.push(new MetricsError(`${metaFile}: cannot read (${errorCode(err)}).`, metaFile));
        continue;
      }
    }
    if (metaText === undefined) {
      problems.push(
        new MetricsError(
          `${directory}: a run folder without meta.yaml; MLflow skips it too (delete the folder if it is left over).`,
          directory,
        ),
      );
      continue;
    }
    try {
      const meta = parseMeta(metaText, metaFile);
      const run = readRunFolder(directory, experiment, root, query.fullHistory ?? false, scratch, meta);
      // An id the YAML parser read as a number beyond 2^53 is not comparable: taken as agreeing.
      const metaExperimentId =
        typeof meta.experiment_id === 'number' && !Number.isSafeInteger(meta.experiment_id)
          ? undefined
          : textField(meta.experiment_id);
      if (includeDeleted || run.lifecycleStage !== 'deleted') listed.push({ run, directory, metaExperimentId });
      if (cache) {
        const files = stampedFiles(run);
        const stamp = stampOf(directory, files);
        // Files written while (or just before) this read may be written again within the same clock tick: such a
        // run (a run training now) is read again next time, and the cache is not rewritten for it.
        if (!stamp.some((time, j) => j % 2 === 0 && time > started - SETTLE_MS)) {
          kept[directory] = {
            files,
            stamp,
            stage: textField(meta.lifecycle_stage) ?? null,
            experimentId: metaExperimentId,
            run,
          };
          changed = true;
        }
      }
    } catch (err) {
      if (!(err instanceof MetricsError)) throw err;
      problems.push(err);
    }
  }
  if (cache && (changed || Object.keys(kept).length !== Object.keys(cached).length))
    cache.write(cacheKey, { runs: kept });
  const runs = placedRuns(root, listed, problems);
  runs.sort((a, b) => (b.time ?? 0) - (a.time ?? 0) || (a.id < b.id ? -1 : 1));
  return { runs, problems };
}

/**
 * The runs of a listing, each run id once. A run whose meta.yaml names another experiment than the folder it is in
 * (a run folder copied by hand into another experiment) is listed where it is, with a problem: MLflow ignores such a
 * run ("Wrong experiment ID"). When one run id is in two folders (a copy), the run in its own experiment's folder is
 * listed and the other copy is a problem.
 */
interface Placed {
  run: MlflowRun;
  /** The run's folder. */
  directory: string;
  /** The experiment id its meta.yaml names. */
  metaExperimentId: string | undefined;
}

function placedRuns(root: string, listed: Placed[], problems: MetricsError[]): MlflowRun[] {
  const agrees = (e: Placed): boolean => e.metaExperimentId === undefined || e.metaExperimentId === e.run.experimentId;
  const byId = new Map<string, Placed>();
  for (const entry of listed) {
    const other = byId.get(entry.run.id);
    if (!other || (!agrees(other) && agrees(entry))) byId.set(entry.run.id, entry);
  }
  const runs: MlflowRun[] = [];
  for (const entry of listed) {
    const { run, metaExperimentId, directory: folder } = entry;
    if (byId.get(run.id) !== entry) {
      problems.push(
        new MetricsError(
          `${folder}: run ${run.id} is also in the folder of experiment ${byId.get(run.id)?.run.experimentId ?? '?'}; this copy is left out (MLflow reads one of them): delete one copy.`,
          folder,
        ),
      );
      continue;
    }
    if (!agrees(entry))
      problems.push(
        new MetricsError(
          `${path.join(folder, 'meta.yaml')}: the run's experiment_id is ${metaExperimentId} but it is in the folder of experiment ${run.experimentId}; it is listed there, but MLflow ignores it (wrong experiment ID): set experiment_id: '${run.experimentId}' in its meta.yaml, or move the folder into ${path.join(root, metaExperimentId ?? '')}.`,
          path.join(folder, 'meta.yaml'),
        ),
      );
    runs.push(run);
  }
  return runs;
}

/** How long ago a run's files must have last changed for its listing to be kept in the cache. */
const SETTLE_MS = 2000;

/** A run folder's listing in the cache: the stamps of the files it was read from, its own lifecycle stage, the run. */
interface CachedRun {
  /** The files and folders it was read from, relative to the run folder (`/`-separated). */
  files: string[];
  /** Their modification times and sizes, two numbers per file. */
  stamp: number[];
  stage: string | null;
  /** The experiment id its meta.yaml names (it may disagree with the folder the run is in). */
  experimentId?: string;
  run: MlflowRun;
}

/** The cached run folders of a store, by folder; empty when the cache holds nothing usable. */
function cachedRunsOf(value: unknown): Record<string, CachedRun> {
  if (typeof value !== 'object' || value === null) return {};
  const runs = (value as { runs?: unknown }).runs;
  return typeof runs === 'object' && runs !== null && !Array.isArray(runs) ? (runs as Record<string, CachedRun>) : {};
}

/**
 * The cached run of a folder when none of the files it was read from changed since (its meta.yaml, its metric and
 * tag files, the folders of its metrics, params and tags, which change when a key is added or removed); else
 * undefined. Params are not stamped one by one: MLflow never changes a logged param (a new one adds a file). The
 * files are checked in the order they were stamped, and the first that changed ends the check.
 */
function validCachedRun(
  directory: string,
  entry: CachedRun,
  experiment: MlflowExperiment,
  root: string,
): MlflowRun | undefined {
  try {
    const { run, files, stamp, stage } = entry;
    if (!Array.isArray(files) || !Array.isArray(stamp) || stamp.length !== files.length * 2) return undefined;
    if (typeof run !== 'object' || run === null || !Array.isArray(run.metrics)) return undefined;
    if (typeof run.params !== 'object' || typeof run.tags !== 'object' || run.params === null || run.tags === null)
      return undefined;
    for (let i = 0; i < files.length; i++) {
      const name = files[i];
      if (typeof name !== 'string') return undefined;
      const stat = statSync(child(directory, name), { throwIfNoEntry: false });
      if ((stat ? stat.mtimeMs : -1) !== stamp[2 * i] || (stat ? stat.size : -1) !== stamp[2 * i + 1]) return undefined;
    }
    // The store as this listing names it, and the experiment as it is now (renamed or deleted since, perhaps).
    run.source = { kind: 'mlflow-file', location: root };
    run.experiment = experiment.name;
    run.experimentId = experiment.id;
    run.lifecycleStage = experiment.lifecycleStage === 'deleted' ? 'deleted' : (stage ?? 'active');
    return run;
  } catch {
    return undefined;
  }
}

/**
 * The files and folders whose change makes a run's listing stale (see validCachedRun), relative to the run folder
 * with `/` (which every platform's file functions take): meta.yaml, the key folders and their subfolders, then each
 * metric and tag file.
 */
function stampedFiles(run: MlflowRun): string[] {
  const files = ['meta.yaml', 'metrics', 'params', 'tags'];
  const folders = new Set<string>();
  const nested = (folder: string, key: string): string => {
    const rel = `${folder}/${key}`;
    for (let slash = rel.indexOf('/', folder.length + 1); slash !== -1; slash = rel.indexOf('/', slash + 1))
      folders.add(rel.slice(0, slash));
    return rel;
  };
  for (const key of Object.keys(run.params)) nested('params', key);
  const keyFiles = [
    ...run.metrics.map((s) => nested('metrics', s.key)),
    ...Object.keys(run.tags).map((key) => nested('tags', key)),
  ];
  return [...files, ...folders, ...keyFiles];
}

/** Each file's modification time and size (-1, -1 when it is missing), for files relative to `directory`. */
function stampOf(directory: string, files: readonly string[]): number[] {
  const out: number[] = [];
  for (const file of files) {
    const stat = statSync(child(directory, file), { throwIfNoEntry: false });
    out.push(stat ? stat.mtimeMs : -1, stat ? stat.size : -1);
  }
  return out;
}

/**
 * The number of runs of a file store that are not deleted, in experiments that are not deleted, counted from the run
 * folders' `meta.yaml` alone (no metric is read); stops counting at `limit`. A run that cannot be read is not counted.
 */
export async function countRuns(root: string, options: { limit?: number } = {}): Promise<number> {
  await yieldToEventLoop();
  const limit = options.limit ?? Infinity;
  let count = 0;
  for (const folder of experimentFolders(root, false, [])) {
    for (const directory of runsOf(folder)) {
      if (count >= limit) return count;
      try {
        if (textField(readMeta(path.join(directory, 'meta.yaml')).lifecycle_stage) !== 'deleted') count++;
      } catch {
        // Unreadable or missing meta.yaml: listRuns reports it; it is not a run to count.
      }
    }
  }
  return count;
}

/** Whether a file store holds a run that is not deleted (the editor folds stores without runs). */
export async function hasRuns(root: string): Promise<boolean> {
  return (await countRuns(root, { limit: 1 })) > 0;
}

/** Finds the folder of a run by its id (experiment folders first, then deleted experiments). */
function findRunFolder(
  root: string,
  runId: string,
  experimentId?: string,
): { directory: string; experiment: MlflowExperiment } {
  if (!/^[A-Za-z0-9_-]+$/.test(runId)) throw new MetricsError(`${root}: '${runId}' is not an MLflow run id.`, root);
  // A copy in another experiment's folder is taken only when the run is nowhere else (as listRuns lists it).
  let misplaced: { directory: string; experiment: MlflowExperiment } | undefined;
  for (const e of experimentFolders(root, true, [])) {
    if (experimentId !== undefined && e.experiment.id !== experimentId) continue;
    const directories = [
      ...(e.directory ? [path.join(e.directory, runId)] : []),
      ...e.looseRuns.filter((d) => path.basename(d) === runId),
    ];
    const directory = directories.find((d) => exists(path.join(d, 'meta.yaml')));
    if (!directory) continue;
    let named: string | undefined;
    try {
      named = textField(readMeta(path.join(directory, 'meta.yaml')).experiment_id);
    } catch {
      named = undefined;
    }
    if (named === undefined || named === e.experiment.id) return { directory, experiment: e.experiment };
    misplaced ??= { directory, experiment: e.experiment };
  }
  if (misplaced) return misplaced;
  throw new MetricsError(
    `${root}: no run ${runId} in this file store${experimentId !== undefined ? ` (experiment ${experimentId})` : ''}; it may have been deleted for good (mlflow gc).`,
    root,
  );
}

/** One run, with every metric's full history unless `fullHistory` is false. */
export async function readRun(
  root: string,
  runId: string,
  options: { experimentId?: string; fullHistory?: boolean } = {},
): Promise<MlflowRun> {
  await yieldToEventLoop();
  const { directory, experiment } = findRunFolder(root, runId, options.experimentId);
  return readRunFolder(directory, experiment, root, options.fullHistory ?? true, {
    buffer: Buffer.allocUnsafe(TAIL_BYTES),
  });
}

/** The whole history of one metric of one run, in logging order (what `MlflowClient.get_metric_history` returns). */
export async function readMetricHistory(
  root: string,
  runId: string,
  key: string,
  options: { experimentId?: string } = {},
): Promise<MetricSeries> {
  await yieldToEventLoop();
  if (key.split('/').some((part) => part === '' || part === '.' || part === '..'))
    throw new MetricsError(`${root}: '${key}' is not a metric key.`, root);
  const { directory } = findRunFolder(root, runId, options.experimentId);
  const file = path.join(directory, 'metrics', ...key.split('/'));
  let content: string;
  try {
    content = readFileSync(file, 'utf8');
  } catch (err) {
    if (errorCode(err) === 'ENOENT' || errorCode(err) === 'EISDIR')
      throw new MetricsError(`${file}: run ${runId} has no metric '${key}'.`, file);
    throw new MetricsError(`${file}: cannot read (${errorCode(err)}).`, file);
  }
  return metricSeries(key, parseMetricFile(content, file));
}

/**
 * The model registry of a file store (`<root>/models`): models with their live versions, tags and aliases. A
 * `meta.yaml` that cannot be read fails the call; `readRegistry` reports it instead.
 */
export async function listRegisteredModels(root: string): Promise<MlflowRegisteredModel[]> {
  await yieldToEventLoop();
  return registeredModels(root, undefined);
}

/**
 * The registry as the explorer and the store summaries read it: a malformed `meta.yaml` is a problem instead of an
 * error (a model's name then comes from its folder; a version is skipped), and every version names its folder.
 */
export async function readRegistry(
  root: string,
): Promise<{ models: MlflowRegisteredModel[]; problems: MetricsError[] }> {
  await yieldToEventLoop();
  const problems: MetricsError[] = [];
  return { models: registeredModels(root, problems), problems };
}

function registeredModels(root: string, problems: MetricsError[] | undefined): MlflowRegisteredModel[] {
  const meta = (file: string): Record<string, unknown> | undefined => {
    if (!exists(file)) return undefined;
    if (!problems) return readMeta(file);
    try {
      return readMeta(file);
    } catch (err) {
      if (!(err instanceof MetricsError)) throw err;
      problems.push(err);
      return undefined;
    }
  };
  const modelsDir = path.join(root, MODELS);
  const models: MlflowRegisteredModel[] = [];
  for (const entry of listDir(modelsDir)) {
    if (!entry.isDirectory()) continue;
    const directory = path.join(modelsDir, entry.name);
    const metaFile = path.join(directory, 'meta.yaml');
    if (!problems && !exists(metaFile)) continue;
    const modelMeta = meta(metaFile) ?? {};
    const name = textField(modelMeta.name) ?? entry.name;
    const versions: MlflowModelVersion[] = [];
    for (const v of listDir(directory)) {
      if (!v.isDirectory() || !/^version-\d+$/.test(v.name)) continue;
      const versionDir = path.join(directory, v.name);
      const versionMeta = meta(path.join(versionDir, 'meta.yaml'));
      if (!versionMeta) continue;
      const stage = textField(versionMeta.current_stage);
      if (stage === DELETED_VERSION_STAGE) continue;
      const version: MlflowModelVersion = {
        name,
        version: textField(versionMeta.version) ?? v.name.slice('version-'.length),
        stage,
        status: textField(versionMeta.status),
        runId: textField(versionMeta.run_id),
        source: textField(versionMeta.source),
        description: textField(versionMeta.description),
        creationTime: integerField(versionMeta.creation_timestamp),
        lastUpdatedTime: integerField(versionMeta.last_updated_timestamp),
        userId: textField(versionMeta.user_id) || undefined,
        tags: readKeyValues(path.join(versionDir, 'tags')),
      };
      if (problems) version.folder = versionDir;
      versions.push(version);
    }
    versions.sort((a, b) => compareIds(a.version, b.version));
    // MLflow reads aliases from `aliases/<alias>` files holding the version; releases that also write them into
    // meta.yaml agree. A meta.yaml mapping is read when there are no alias files.
    const aliasFiles = readKeyValues(path.join(directory, 'aliases'));
    const aliasMap = modelMeta.aliases;
    const aliasEntries: [string, unknown][] =
      Object.keys(aliasFiles).length || aliasMap === null || typeof aliasMap !== 'object' || Array.isArray(aliasMap)
        ? Object.entries(aliasFiles)
        : Object.entries(aliasMap as Record<string, unknown>);
    const aliases = Object.fromEntries(
      aliasEntries.flatMap(([alias, v]) => {
        const text = textField(v);
        return text === undefined ? [] : [[alias, text.trim()]];
      }),
    );
    models.push({
      name,
      description: textField(modelMeta.description),
      creationTime: integerField(modelMeta.creation_timestamp),
      lastUpdatedTime: integerField(modelMeta.last_updated_timestamp),
      tags: readKeyValues(path.join(directory, 'tags')),
      aliases,
      versions,
    });
  }
  return models.sort((a, b) => compareText(a.name, b.name));
}
