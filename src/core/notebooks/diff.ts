// Semantic notebook diff. Cells are aligned as nbdime aligns them (a multilevel LCS: equal ids, then near-equal source
// and outputs, then similar source and aligned outputs, then similar source), and each aligned pair is compared by
// category (source, outputs, metadata, execution count, attachments, id). Outputs are compared by digest, so large
// base64 images cost one hash per notebook, not one comparison per pair of cells.

import { createHash } from 'node:crypto';
import { type NotebookDocument, type NotebookJson } from '../formats/notebook/format';
import { type JsonObject, type JsonValue } from '../formats/notebook/jsonText';
import { pythonEqual, pythonLength, pythonSplitLines } from './pythonCompat';
import { keyedPairs, keyedSnakes, multilevelSnakes, type Predicate, type Snake } from './sequence';
import { TextComparer } from './similarity';

/** What a diff can be told to ignore (nbdime's -s -o -a -m -i -d, inverted). */
export type DiffCategory = 'source' | 'outputs' | 'metadata' | 'executionCount' | 'attachments' | 'id';
/** What can change in a cell: a category, its type, or another key. */
export type CellChangeCategory = DiffCategory | 'cellType' | 'other';

export const DIFF_CATEGORIES: readonly DiffCategory[] = Object.freeze([
  'source',
  'outputs',
  'metadata',
  'executionCount',
  'attachments',
  'id',
]);

export interface NotebookDiffOptions {
  /** Categories whose changes are not reported (alignment still uses them, as in nbdime). */
  ignore?: Iterable<DiffCategory>;
  /** Report a cell removed in one place and added in another (same id, or same type and source) as moved. Default true. */
  detectMoves?: boolean;
}

export type CellDiffKind = 'unchanged' | 'modified' | 'added' | 'removed' | 'moved';

export interface CellDiff {
  kind: CellDiffKind;
  /** Index in the first notebook (absent for added cells). */
  beforeIndex?: number;
  /** Index in the second notebook (absent for removed cells). */
  afterIndex?: number;
  cellType: string;
  id?: string;
  /** For modified and moved cells: what changed, in DIFF order (source, outputs, ...). */
  changes: CellChangeCategory[];
  /** Source lines added and removed (whole cell for added and removed cells). */
  linesAdded: number;
  linesRemoved: number;
}

export interface NotebookDiffSummary {
  cellsBefore: number;
  cellsAfter: number;
  added: number;
  removed: number;
  moved: number;
  modified: number;
  unchanged: number;
  /** Cells with a real change: added, removed, moved, or modified in source, attachments, type or other keys. */
  changed: number;
  /** Modified or moved cells with each kind of change. */
  byCategory: Record<CellChangeCategory, number>;
  /** Modified cells whose only changes are outputs and execution counts (and metadata): re-run noise. */
  outputsOnly: number;
  /** Modified cells whose only changes are metadata, ids or execution counts. */
  metadataOnly: number;
  notebookMetadataChanged: boolean;
  nbformatChanged: boolean;
  /** Nothing reported at all. */
  identical: boolean;
}

export interface NotebookDiff {
  /** Every cell of both notebooks in reading order: removed cells where they were, added and moved where they are. */
  cells: CellDiff[];
  notebookMetadataChanged: boolean;
  nbformatChanged: boolean;
  ignored: DiffCategory[];
  summary: NotebookDiffSummary;
}

type NotebookInput = NotebookJson | NotebookDocument;

const cellKeys = new Set(['cell_type', 'id', 'source', 'metadata', 'outputs', 'execution_count', 'attachments']);
const LARGE_STRING = 512;
/** Largest region the moderate and approximate levels compare pair by pair. */
const LOOSE_GRID_CELLS = 100_000;

function isObject(value: JsonValue | undefined): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function has(object: JsonObject, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(object, key) && object[key] !== undefined;
}

function sha1(text: string): string {
  return createHash('sha1').update(text).digest('base64');
}

/** A canonical text of a JSON value (keys sorted, numbers by value, large strings by hash), short enough to compare. */
function canonical(value: JsonValue | undefined, skip?: ReadonlySet<string>): string {
  if (value === undefined) return 'u';
  if (value === null) return 'n';
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (typeof value === 'number') return `d${value === 0 ? 0 : value}`;
  if (typeof value === 'string') return value.length > LARGE_STRING ? `h${sha1(value)}` : JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((item) => canonical(item)).join(',')}]`;
  const keys = Object.keys(value)
    .filter((key) => value[key] !== undefined && !skip?.has(key))
    .sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonical(value[key])}`).join(',')}}`;
}

function digest(value: JsonValue | undefined, skip?: ReadonlySet<string>): string {
  const text = canonical(value, skip);
  return text.length > 40 ? `#${sha1(text)}` : text;
}

function isJsonMime(mime: string): boolean {
  return mime === 'application/json' || (mime.startsWith('application/') && mime.endsWith('+json'));
}

/** A mime bundle as nbformat reads it: text fields stored as lists of lines are joined. */
function rejoinBundle(data: JsonValue | undefined): JsonValue | undefined {
  if (!isObject(data)) return data;
  const result: JsonObject = {};
  for (const key of Object.keys(data)) {
    const value = data[key];
    result[key] =
      !isJsonMime(key) && Array.isArray(value) && value.every((line) => typeof line === 'string')
        ? value.join('')
        : value;
  }
  return result;
}

function joinLines(value: JsonValue | undefined): JsonValue | undefined {
  return Array.isArray(value) ? value.map((line) => (typeof line === 'string' ? line : '')).join('') : value;
}

interface PreparedOutput {
  output: JsonObject;
  /** Digest of the whole output (strict equality). */
  full: string;
  /** Digest without what the options ignore (metadata, execution_count). */
  compared: string;
}

interface PreparedCell {
  cellType: string;
  hasId: boolean;
  id: JsonValue | undefined;
  source: string;
  /** Python len() of the source. */
  sourceLength: number;
  lines?: string[];
  isCode: boolean;
  outputs: PreparedOutput[];
  outputsDigest: string;
  metadataDigest: string;
  executionCount: JsonValue | undefined;
  hasExecutionCount: boolean;
  attachmentsDigest: string;
  otherDigest: string;
  /** Type and source, for moves without ids. */
  contentKey: string;
  full: string;
}

interface Settings {
  ignore: Set<DiffCategory>;
  outputSkip: Set<string>;
}

function prepareOutput(raw: JsonValue, settings: Settings): PreparedOutput {
  const output: JsonObject = isObject(raw) ? { ...raw } : { output_type: null };
  const type = typeof output.output_type === 'string' ? output.output_type : '';
  if (type === 'execute_result' || type === 'display_data') output.data = rejoinBundle(output.data);
  else if (type && Array.isArray(output.text)) output.text = joinLines(output.text);
  const full = digest(output);
  return { output, full, compared: settings.outputSkip.size ? digest(output, settings.outputSkip) : full };
}

function prepareCell(raw: JsonValue, settings: Settings): PreparedCell {
  const cell: JsonObject = isObject(raw) ? raw : {};
  const cellType = typeof cell.cell_type === 'string' ? cell.cell_type : '';
  const source = typeof cell.source === 'string' ? cell.source : ((joinLines(cell.source) as string | undefined) ?? '');
  const outputs = Array.isArray(cell.outputs) ? cell.outputs.map((output) => prepareOutput(output, settings)) : [];
  const metadata = cell.metadata;
  const attachments = isObject(cell.attachments)
    ? Object.fromEntries(Object.entries(cell.attachments).map(([name, bundle]) => [name, rejoinBundle(bundle)]))
    : cell.attachments;
  const other: JsonObject = {};
  for (const key of Object.keys(cell)) if (!cellKeys.has(key)) other[key] = cell[key];
  const prepared: PreparedCell = {
    cellType,
    hasId: has(cell, 'id'),
    id: cell.id,
    source,
    sourceLength: pythonLength(source),
    isCode: cellType === 'code',
    outputs,
    outputsDigest: has(cell, 'outputs') ? outputs.map((output) => output.compared).join('|') : 'u',
    // nbformat drops the transient `trusted` flag when it reads a notebook.
    metadataDigest: digest(metadata, new Set(['trusted'])),
    executionCount: cell.execution_count,
    hasExecutionCount: has(cell, 'execution_count'),
    attachmentsDigest: digest(attachments),
    otherDigest: digest(other),
    contentKey: `${cellType}\u0000${source.length > LARGE_STRING ? sha1(source) : source}`,
    full: '',
  };
  prepared.full = [
    prepared.cellType,
    canonical(prepared.id),
    prepared.contentKey,
    outputs.map((output) => output.full).join('|'),
    prepared.metadataDigest,
    canonical(prepared.executionCount),
    prepared.attachmentsDigest,
    prepared.otherDigest,
  ].join('\u0001');
  return prepared;
}

/** Whether Python's len(text) exceeds a limit, without a full count for clearly long texts. */
function longerThan(text: string, limit: number): boolean {
  return text.length > 2 * limit || (text.length > limit && pythonLength(text) > limit);
}

const pointer = /0x[a-f0-9]{8,16}/gi;
// Python's line boundaries (str.splitlines), control characters included on purpose.
// eslint-disable-next-line no-control-regex
const lineEnd = /(?:\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029])$/;

/** nbdime's _is_base64: at least 64 characters that form base64 once line breaks are removed. */
function isBase64(text: string): boolean {
  if (text.length < 64) return false;
  const joined = pythonSplitLines(text)
    .map((line) => line.replace(lineEnd, ''))
    .join('');
  if (joined.length % 4 !== 0) return false;
  let end = joined.length;
  if (joined.endsWith('==')) end -= 2;
  else if (joined.endsWith('=')) end -= 1;
  for (let i = 0; i < end; i++) {
    const code = joined.charCodeAt(i);
    const ok =
      (code >= 0x41 && code <= 0x5a) ||
      (code >= 0x61 && code <= 0x7a) ||
      (code >= 0x30 && code <= 0x39) ||
      code === 0x2b ||
      code === 0x2f;
    if (!ok) return false;
  }
  return true;
}

/** The comparison predicates nbdime uses to align cells and outputs, over prepared data. */
class Heuristics {
  readonly text = new TextComparer();

  constructor(private readonly settings: Settings) {}

  private textStrict(x: JsonValue | undefined, y: JsonValue | undefined, maxLength?: number): boolean {
    if (typeof x !== 'string' || typeof y !== 'string') return pythonEqual(x, y);
    return x === y || this.text.similar(x, y, 0.95, maxLength);
  }

  textApproximate(x: JsonValue | undefined, y: JsonValue | undefined, maxLength?: number): boolean {
    if (typeof x !== 'string' || typeof y !== 'string') return pythonEqual(x, y);
    if (x.length > 0 !== y.length > 0) return false;
    if (this.text.length(x) < 10 && this.text.length(y) < 10) return true;
    return this.text.similar(x, y, 0.7, maxLength);
  }

  private mimeData(mimeType: string, x: JsonValue | undefined, y: JsonValue | undefined, strict: boolean): boolean {
    const mime = mimeType.toLowerCase();
    const compareText = (a: JsonValue | undefined, b: JsonValue | undefined): boolean =>
      strict ? this.textStrict(a, b, 10000) : this.textApproximate(a, b, 10000);
    if (
      mime === 'text/plain' &&
      typeof x === 'string' &&
      typeof y === 'string' &&
      !x.includes('\n') &&
      !y.includes('\n')
    ) {
      const partsX = x.split(pointer);
      const partsY = y.split(pointer);
      if (partsX.length === partsY.length && partsX.every((part, i) => part === partsY[i])) return true;
    }
    if (typeof x === 'string' && typeof y === 'string') {
      if (x === y) return true;
      // Both beyond the 10,000-character limit: only equality counts, base64 or text alike.
      if (longerThan(x, 10000) && longerThan(y, 10000)) return false;
      if (mime.startsWith('text/')) return compareText(x, y);
      return isBase64(x) ? false : compareText(x, y);
    }
    if (mime.startsWith('text/')) return compareText(x, y);
    return pythonEqual(x, y);
  }

  private mimeBundle(x: JsonValue | undefined, y: JsonValue | undefined, strict: boolean): boolean {
    if ((x === undefined || x === null) && (y === undefined || y === null)) return true;
    if (!isObject(x) || !isObject(y)) return pythonEqual(x ?? null, y ?? null);
    const keys = Object.keys(x).filter((key) => x[key] !== undefined);
    if (
      keys.length !== Object.keys(y).filter((key) => y[key] !== undefined).length ||
      !keys.every((key) => has(y, key))
    )
      return false;
    return keys.every((key) => this.mimeData(key, x[key], y[key], strict));
  }

  private sameKeys(x: JsonObject, y: JsonObject): string[] | undefined {
    const keys = Object.keys(x).filter((key) => x[key] !== undefined);
    if (
      keys.length !== Object.keys(y).filter((key) => y[key] !== undefined).length ||
      !keys.every((key) => has(y, key))
    )
      return undefined;
    return keys;
  }

  outputStrict(a: PreparedOutput, b: PreparedOutput): boolean {
    if (a.full === b.full) return true;
    const x = a.output;
    const y = b.output;
    if (x.output_type !== y.output_type) return false;
    const keys = this.sameKeys(x, y);
    if (!keys) return false;
    for (const key of keys) if (key !== 'output_type' && key !== 'data' && !pythonEqual(x[key], y[key])) return false;
    return this.mimeBundle(x.data, y.data, true);
  }

  outputApproximate(a: PreparedOutput, b: PreparedOutput): boolean {
    if (a.full === b.full) return true;
    const x = a.output;
    const y = b.output;
    const type = x.output_type;
    if (type !== y.output_type) return false;
    const keys = this.sameKeys(x, y);
    if (!keys) return false;
    const handled = new Set(['output_type', 'metadata', 'execution_count']);
    if (type === 'stream') {
      if (!pythonEqual(x.name, y.name)) return false;
      if (!this.stringsApproximate(x.text, y.text, 1000)) return false;
      handled.add('name').add('text');
    } else if (type === 'error') {
      if (!pythonEqual(x.ename, y.ename) || !pythonEqual(x.evalue, y.evalue)) return false;
      const tracebackX = Array.isArray(x.traceback) ? x.traceback : [];
      const tracebackY = Array.isArray(y.traceback) ? y.traceback : [];
      if (tracebackX.length !== tracebackY.length) return false;
      for (let i = 0; i < tracebackX.length; i++)
        if (!this.stringsApproximate(tracebackX[i], tracebackY[i])) return false;
      handled.add('ename').add('evalue').add('traceback');
    } else if (type === 'display_data' || type === 'execute_result') {
      if (!this.mimeBundle(x.data, y.data, false)) return false;
      handled.add('data');
    }
    for (const key of keys) if (!handled.has(key) && !pythonEqual(x[key], y[key])) return false;
    return true;
  }

  private stringsApproximate(x: JsonValue | undefined, y: JsonValue | undefined, maxLength?: number): boolean {
    if (typeof x !== 'string' || typeof y !== 'string') return pythonEqual(x, y);
    return this.text.similar(x, y, 0.7, maxLength);
  }

  /** compare_outputs_approximate: the outputs align one to one (always true when outputs are ignored, as in nbdime). */
  outputsAlign(x: PreparedOutput[], y: PreparedOutput[]): boolean {
    if (this.settings.ignore.has('outputs')) return true;
    if (x.length !== y.length) return false;
    const compares: Predicate[] = [
      (i, j) => this.outputApproximate(x[i], y[j]),
      (i, j) => this.outputStrict(x[i], y[j]),
    ];
    const snakes = multilevelSnakes(compares, [0, 0, x.length, y.length], () => []);
    return snakes.reduce((sum, snake) => sum + snake[2], 0) === x.length;
  }

  cellPredicates(before: PreparedCell[], after: PreparedCell[]): Predicate[] {
    // Small integer keys per cell (equal key, equal text) keep the pairwise loops on typed arrays.
    const keyer = (): ((text: string) => number) => {
      const keys = new Map<string, number>();
      return (text) => {
        let key = keys.get(text);
        if (key === undefined) keys.set(text, (key = keys.size));
        return key;
      };
    };
    const typeKey = keyer();
    const sourceKey = keyer();
    const outputsKey = keyer();
    const columns = (cells: PreparedCell[]) => ({
      type: Int32Array.from(cells, (cell) => typeKey(cell.cellType)),
      source: Int32Array.from(cells, (cell) => sourceKey(cell.source)),
      length: Float64Array.from(cells, (cell) => cell.sourceLength),
      outputs: Int32Array.from(cells, (cell) => outputsKey(cell.outputs.map((output) => output.full).join('|'))),
    });
    const a = columns(before);
    const b = columns(after);
    const approximateSource = (i: number, j: number): boolean =>
      a.source[i] === b.source[j] || this.textApproximate(before[i].source, after[j].source);

    const approximate: Predicate = (i, j) => a.type[i] === b.type[j] && approximateSource(i, j);
    const moderate: Predicate = (i, j) => {
      if (a.type[i] !== b.type[j] || !approximateSource(i, j)) return false;
      const x = before[i];
      const y = after[j];
      if (!x.isCode) return true;
      if (x.outputs.length > 0 !== y.outputs.length > 0) return false;
      return a.outputs[i] === b.outputs[j] || this.outputsAlign(x.outputs, y.outputs);
    };
    const strict: Predicate = (i, j) => {
      if (a.type[i] !== b.type[j]) return false;
      const x = before[i];
      const y = after[j];
      if (a.source[i] !== b.source[j]) {
        // real_quick_ratio first, from lengths computed once per cell.
        const lengthX = a.length[i];
        const lengthY = b.length[j];
        if (lengthX > 0 !== lengthY > 0 || (2 * Math.min(lengthX, lengthY)) / (lengthX + lengthY) < 0.95) return false;
        if (!this.text.similar(x.source, y.source, 0.95)) return false;
      }
      if (!x.isCode || a.outputs[i] === b.outputs[j]) return true;
      if (x.outputs.length !== y.outputs.length) return false;
      for (let k = 0; k < x.outputs.length; k++) if (!this.outputStrict(x.outputs[k], y.outputs[k])) return false;
      return true;
    };
    const byIds: Predicate = (i, j) => before[i].hasId && after[j].hasId && pythonEqual(before[i].id, after[j].id);
    // Equal ids are equal canonical texts: the grid is filled from a key per cell instead of pair by pair.
    const ids = new Map<string, number>();
    const idKeys = (cells: PreparedCell[]): Int32Array =>
      Int32Array.from(cells, (cell) => {
        if (!cell.hasId) return -1;
        const text = canonical(cell.id);
        let key = ids.get(text);
        if (key === undefined) ids.set(text, (key = ids.size));
        return key;
      });
    byIds.keys = [idKeys(before), idKeys(after)];
    // The looser levels compute many similarity ratios; over a large unaligned region (a rewritten notebook) they
    // fall back to exact content, where nbdime would take minutes.
    moderate.maxCells = LOOSE_GRID_CELLS;
    approximate.maxCells = LOOSE_GRID_CELLS;
    return [approximate, moderate, strict, byIds];
  }
}

function linesOf(cell: PreparedCell): string[] {
  return (cell.lines ??= pythonSplitLines(cell.source));
}

function lineChanges(before: PreparedCell, after: PreparedCell): { linesAdded: number; linesRemoved: number } {
  const ids = new Map<string, number>();
  const toIds = (lines: string[]): number[] =>
    lines.map((line) => {
      let id = ids.get(line);
      if (id === undefined) ids.set(line, (id = ids.size));
      return id;
    });
  const a = toIds(linesOf(before));
  const b = toIds(linesOf(after));
  const matched = keyedPairs(a, b).length;
  return { linesAdded: b.length - matched, linesRemoved: a.length - matched };
}

function compareCells(before: PreparedCell, after: PreparedCell, ignore: Set<DiffCategory>): CellChangeCategory[] {
  const changes: CellChangeCategory[] = [];
  if (before.cellType !== after.cellType) changes.push('cellType');
  if (!ignore.has('source') && before.source !== after.source) changes.push('source');
  if (!ignore.has('outputs') && before.outputsDigest !== after.outputsDigest) changes.push('outputs');
  if (!ignore.has('metadata') && before.metadataDigest !== after.metadataDigest) changes.push('metadata');
  if (
    !ignore.has('executionCount') &&
    (before.hasExecutionCount !== after.hasExecutionCount || !pythonEqual(before.executionCount, after.executionCount))
  )
    changes.push('executionCount');
  if (!ignore.has('attachments') && before.attachmentsDigest !== after.attachmentsDigest) changes.push('attachments');
  if (!ignore.has('id') && (before.hasId !== after.hasId || !pythonEqual(before.id, after.id))) changes.push('id');
  if (before.otherDigest !== after.otherDigest) changes.push('other');
  return changes;
}

function notebookOf(input: NotebookInput): NotebookJson {
  return 'notebook' in input && 'style' in input ? (input as NotebookDocument).notebook : input;
}

const substantive: ReadonlySet<CellChangeCategory> = new Set(['source', 'attachments', 'cellType', 'other']);

/** Aligns the cells of two notebooks, nbdime-style, with a keyed fallback for regions too large for a grid. */
function alignCells(before: PreparedCell[], after: PreparedCell[], heuristics: Heuristics): Snake[] {
  const predicates = heuristics.cellPredicates(before, after);
  const keys = new Map<string, number>();
  const keyOf = (text: string): number => {
    let key = keys.get(text);
    if (key === undefined) keys.set(text, (key = keys.size));
    return key;
  };
  let unique = -1;
  const idKeys = (cells: PreparedCell[]): number[] =>
    cells.map((cell) => (cell.hasId ? keyOf(`i${canonical(cell.id)}`) : unique--));
  const contentKeys = (cells: PreparedCell[]): number[] => cells.map((cell) => keyOf(`c${cell.contentKey}`));
  let byId: [number[], number[]] | undefined;
  let byContent: [number[], number[]] | undefined;
  // Regions too large for a grid: exact ids at the id level, exact type and source below it.
  const fallback = (level: number, i0: number, j0: number, i1: number, j1: number): Snake[] => {
    const [keysBefore, keysAfter] =
      level === 3
        ? (byId ??= [idKeys(before), idKeys(after)])
        : (byContent ??= [contentKeys(before), contentKeys(after)]);
    return keyedSnakes(keysBefore, keysAfter, i0, j0, i1, j1);
  };
  return multilevelSnakes(predicates, [0, 0, before.length, after.length], fallback);
}

/**
 * Compares two notebooks (documents or their JSON) and reports every cell as unchanged, modified (with what
 * changed), added, removed or moved, plus notebook metadata and version changes and a summary.
 */
export function diffNotebooks(
  beforeInput: NotebookInput,
  afterInput: NotebookInput,
  options: NotebookDiffOptions = {},
): NotebookDiff {
  const ignore = new Set(options.ignore ?? []);
  for (const category of ignore)
    if (!DIFF_CATEGORIES.includes(category))
      throw new RangeError(`unknown diff category '${String(category)}' (known: ${DIFF_CATEGORIES.join(', ')})`);
  const settings: Settings = {
    ignore,
    outputSkip: new Set([
      ...(ignore.has('metadata') ? ['metadata'] : []),
      ...(ignore.has('executionCount') ? ['execution_count'] : []),
    ]),
  };
  const beforeNotebook = notebookOf(beforeInput);
  const afterNotebook = notebookOf(afterInput);
  const before = (Array.isArray(beforeNotebook.cells) ? beforeNotebook.cells : []).map((cell) =>
    prepareCell(cell, settings),
  );
  const after = (Array.isArray(afterNotebook.cells) ? afterNotebook.cells : []).map((cell) =>
    prepareCell(cell, settings),
  );
  const heuristics = new Heuristics(settings);
  const snakes = alignCells(before, after, heuristics);

  const cells: CellDiff[] = [];
  const describe = (cell: PreparedCell): Pick<CellDiff, 'cellType' | 'id'> => ({
    cellType: cell.cellType,
    ...(typeof cell.id === 'string' ? { id: cell.id } : {}),
  });
  let i0 = 0;
  let j0 = 0;
  for (const [i, j, n] of [...snakes, [before.length, after.length, 0] as Snake]) {
    for (let k = i0; k < i; k++)
      cells.push({
        kind: 'removed',
        beforeIndex: k,
        ...describe(before[k]),
        changes: [],
        linesAdded: 0,
        linesRemoved: linesOf(before[k]).length,
      });
    for (let k = j0; k < j; k++)
      cells.push({
        kind: 'added',
        afterIndex: k,
        ...describe(after[k]),
        changes: [],
        linesAdded: linesOf(after[k]).length,
        linesRemoved: 0,
      });
    for (let k = 0; k < n; k++) {
      const x = before[i + k];
      const y = after[j + k];
      const changes = compareCells(x, y, ignore);
      const lines = changes.includes('source') ? lineChanges(x, y) : { linesAdded: 0, linesRemoved: 0 };
      cells.push({
        kind: changes.length ? 'modified' : 'unchanged',
        beforeIndex: i + k,
        afterIndex: j + k,
        ...describe(y),
        changes,
        ...lines,
      });
    }
    i0 = i + n;
    j0 = j + n;
  }

  if (options.detectMoves ?? true) detectMoves(cells, before, after, ignore);

  const metadataSkip = new Set(['signature', 'orig_nbformat', 'orig_nbformat_minor']);
  const notebookMetadataChanged =
    !ignore.has('metadata') &&
    digest(beforeNotebook.metadata, metadataSkip) !== digest(afterNotebook.metadata, metadataSkip);
  const nbformatChanged =
    !pythonEqual(beforeNotebook.nbformat, afterNotebook.nbformat) ||
    !pythonEqual(beforeNotebook.nbformat_minor, afterNotebook.nbformat_minor);
  return {
    cells,
    notebookMetadataChanged,
    nbformatChanged,
    ignored: DIFF_CATEGORIES.filter((category) => ignore.has(category)),
    summary: summarize(cells, before.length, after.length, notebookMetadataChanged, nbformatChanged),
  };
}

/** Pairs removed and added cells that are the same cell (same id, or same type and non-empty source) as moves. */
function detectMoves(
  cells: CellDiff[],
  before: PreparedCell[],
  after: PreparedCell[],
  ignore: Set<DiffCategory>,
): void {
  const removedBy = new Map<string, CellDiff[]>();
  const keyOf = (cell: PreparedCell): string | undefined =>
    cell.hasId ? `i${canonical(cell.id)}` : cell.source.trim() ? `c${cell.contentKey}` : undefined;
  for (const entry of cells) {
    if (entry.kind !== 'removed') continue;
    const key = keyOf(before[entry.beforeIndex!]);
    if (key === undefined) continue;
    const list = removedBy.get(key);
    if (list) list.push(entry);
    else removedBy.set(key, [entry]);
  }
  const gone = new Set<CellDiff>();
  for (const entry of cells) {
    if (entry.kind !== 'added') continue;
    const cell = after[entry.afterIndex!];
    const key = keyOf(cell);
    const match = key === undefined ? undefined : removedBy.get(key)?.shift();
    if (!match) continue;
    const source = before[match.beforeIndex!];
    const changes = compareCells(source, cell, ignore);
    const lines = changes.includes('source') ? lineChanges(source, cell) : { linesAdded: 0, linesRemoved: 0 };
    Object.assign(entry, { kind: 'moved', beforeIndex: match.beforeIndex, changes, ...lines });
    gone.add(match);
  }
  if (gone.size) {
    let write = 0;
    for (const entry of cells) if (!gone.has(entry)) cells[write++] = entry;
    cells.length = write;
  }
}

function summarize(
  cells: CellDiff[],
  cellsBefore: number,
  cellsAfter: number,
  notebookMetadataChanged: boolean,
  nbformatChanged: boolean,
): NotebookDiffSummary {
  const byCategory: Record<CellChangeCategory, number> = {
    source: 0,
    outputs: 0,
    metadata: 0,
    executionCount: 0,
    attachments: 0,
    id: 0,
    cellType: 0,
    other: 0,
  };
  const summary: NotebookDiffSummary = {
    cellsBefore,
    cellsAfter,
    added: 0,
    removed: 0,
    moved: 0,
    modified: 0,
    unchanged: 0,
    changed: 0,
    byCategory,
    outputsOnly: 0,
    metadataOnly: 0,
    notebookMetadataChanged,
    nbformatChanged,
    identical: false,
  };
  for (const cell of cells) {
    summary[cell.kind]++;
    for (const change of cell.changes) byCategory[change]++;
    if (cell.kind === 'added' || cell.kind === 'removed' || cell.kind === 'moved') summary.changed++;
    else if (cell.kind === 'modified') {
      if (cell.changes.some((change) => substantive.has(change))) summary.changed++;
      else if (cell.changes.includes('outputs') || cell.changes.includes('executionCount')) summary.outputsOnly++;
      else summary.metadataOnly++;
    }
  }
  summary.identical = summary.changed === 0 && summary.modified === 0 && !notebookMetadataChanged && !nbformatChanged;
  return summary;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/**
 * One line that tells real change from re-run noise, e.g.
 * "3 cells changed (1 added, 2 source), outputs only in 5, notebook metadata changed".
 */
export function describeDiff(diff: NotebookDiff | NotebookDiffSummary): string {
  const summary = 'summary' in diff ? diff.summary : diff;
  if (summary.identical) return 'no changes';
  const parts: string[] = [];
  if (summary.changed > 0) {
    const sourceChanges = summary.byCategory.source;
    const details = [
      summary.added ? `${summary.added} added` : '',
      summary.removed ? `${summary.removed} removed` : '',
      summary.moved ? `${summary.moved} moved` : '',
      sourceChanges ? `${sourceChanges} source` : '',
      summary.byCategory.attachments ? `${summary.byCategory.attachments} attachments` : '',
      summary.byCategory.cellType ? `${summary.byCategory.cellType} cell type` : '',
      summary.byCategory.other ? `${summary.byCategory.other} other` : '',
    ].filter(Boolean);
    parts.push(`${plural(summary.changed, 'cell')} changed${details.length ? ` (${details.join(', ')})` : ''}`);
  } else {
    parts.push('no source changes');
  }
  if (summary.outputsOnly) parts.push(`outputs only in ${summary.outputsOnly}`);
  if (summary.metadataOnly) parts.push(`metadata only in ${summary.metadataOnly}`);
  if (summary.notebookMetadataChanged) parts.push('notebook metadata changed');
  if (summary.nbformatChanged) parts.push('nbformat version changed');
  return parts.join(', ');
}

const categoryAliases: Record<string, DiffCategory> = {
  source: 'source',
  sources: 'source',
  outputs: 'outputs',
  output: 'outputs',
  metadata: 'metadata',
  executioncount: 'executionCount',
  execution_count: 'executionCount',
  'execution-count': 'executionCount',
  counts: 'executionCount',
  details: 'executionCount',
  attachments: 'attachments',
  attachment: 'attachments',
  id: 'id',
  ids: 'id',
};

/** Parses a comma-separated list of categories ("outputs,metadata,details"); throws RangeError naming a bad one. */
export function parseDiffCategories(text: string): DiffCategory[] {
  const result: DiffCategory[] = [];
  for (const part of text.split(',')) {
    const name = part.trim();
    if (!name) continue;
    const category = categoryAliases[name.toLowerCase()];
    if (!category) throw new RangeError(`unknown category '${name}' (use ${DIFF_CATEGORIES.join(', ')})`);
    if (!result.includes(category)) result.push(category);
  }
  return result;
}
