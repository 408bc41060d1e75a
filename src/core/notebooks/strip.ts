// Stripping outputs and volatile metadata from notebooks, with nbstripout 0.9.1's semantics and output bytes: the
// notebook is normalised the way nbformat reads it (multi-line fields joined, transient keys dropped, missing 4.5
// cell ids filled in), stripped as nbstripout's strip_output does, and written the way nbformat.write does.

import { randomUUID } from 'node:crypto';
import { cloneJson, rawNumberText, type JsonObject, type JsonValue } from '../formats/notebook/jsonText';
import {
  JUPYTER_STYLE,
  notebookToText,
  parseNotebook,
  type NotebookDocument,
  type ReadOptions,
} from '../formats/notebook/format';
import {
  hasNonSpace,
  pythonEqual,
  pythonFloatRepr,
  pythonLength,
  pythonSplitLines,
  pythonTruthy,
} from './pythonCompat';

export interface StripOptions {
  /** Keep outputs (nbstripout --keep-output). Unset: the notebook's metadata `keep_output` decides; false: strip. */
  keepOutput?: boolean;
  /** Keep execution counts (--keep-count). */
  keepCount?: boolean;
  /** Keep cell ids (--keep-id); by default ids become "0", "1", ... so they do not change at every run. */
  keepId?: boolean;
  /** More keys to remove, e.g. `metadata.foo` (notebook) or `cell.metadata.bar` (each cell) (--extra-keys). */
  extraKeys?: string[];
  /** Keys to keep although nbstripout removes them by default, e.g. `cell.metadata.collapsed` (--keep-metadata-keys). */
  keepKeys?: string[];
  /** Remove cells whose source is empty or only whitespace (--drop-empty-cells). */
  dropEmptyCells?: boolean;
  /** Remove cells carrying any of these tags (--drop-tagged-cells). */
  dropTaggedCells?: string[];
  /** Strip outputs of cells marked `init_cell: true` too (--strip-init-cells). */
  stripInitCells?: boolean;
  /** Output types to keep even when stripping, "stream" or "stream:stderr" (--keep-output-type). */
  keepOutputTypes?: string[];
  /** Output types to drop even when keeping outputs (--drop-output-type). */
  dropOutputTypes?: string[];
  /** Keep outputs of at most this many characters (--max-size); 0 strips all. */
  maxSize?: number;
}

/** The keys nbstripout removes by default, besides outputs and execution counts. */
export const DEFAULT_STRIP_KEYS: readonly string[] = Object.freeze([
  'metadata.signature',
  'metadata.widgets',
  'cell.metadata.collapsed',
  'cell.metadata.ExecuteTime',
  'cell.metadata.execution',
  'cell.metadata.heading_collapsed',
  'cell.metadata.hidden',
  'cell.metadata.scrolled',
]);

export interface StripResult {
  /** The stripped notebook as nbstripout writes it (nbformat.write: indent 1, sorted keys, final newline). */
  text: string;
  /** Whether stripping changed the notebook; nbstripout rewrites a file in place only then. */
  changed: boolean;
  bytesBefore: number;
  bytesAfter: number;
  /** bytesBefore - bytesAfter (negative when the reformatting adds more than the strip removes). */
  bytesRemoved: number;
  outputsRemoved: number;
  cellsRemoved: number;
  /** Non-fatal notes, e.g. an extra key that is neither `metadata.*` nor `cell.*`. */
  warnings: string[];
}

/** Cell metadata that contradicts itself (keep_output false but tagged keep_output), as nbstripout refuses it. */
export class StripError extends Error {
  constructor(
    message: string,
    readonly file: string,
  ) {
    super(message);
    this.name = 'StripError';
  }
}

type Node = JsonObject;

function isObject(value: JsonValue | undefined): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function has(object: JsonObject, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(object, key) && object[key] !== undefined;
}

function isJsonMime(mime: string): boolean {
  return mime === 'application/json' || (mime.startsWith('application/') && mime.endsWith('+json'));
}

function rejoinMimeBundle(data: JsonValue | undefined): void {
  if (!isObject(data)) return;
  for (const key of Object.keys(data)) {
    const value = data[key];
    if (!isJsonMime(key) && Array.isArray(value) && value.every((line) => typeof line === 'string'))
      data[key] = value.join('');
  }
}

const splitMimes = new Set(['application/javascript', 'image/svg+xml']);

function splitMimeBundle(data: JsonValue | undefined): void {
  if (!isObject(data)) return;
  for (const key of Object.keys(data)) {
    const value = data[key];
    if (typeof value === 'string' && (key.startsWith('text/') || splitMimes.has(key)))
      data[key] = pythonSplitLines(value);
  }
}

function cellsOf(notebook: Node): Node[] {
  return Array.isArray(notebook.cells) ? notebook.cells.filter(isObject) : [];
}

function outputsOf(cell: Node): Node[] {
  return Array.isArray(cell.outputs) ? cell.outputs.filter(isObject) : [];
}

function attachmentBundles(cell: Node): JsonValue[] {
  return isObject(cell.attachments)
    ? Object.values(cell.attachments).filter((value): value is JsonValue => value !== undefined)
    : [];
}

/** nbformat's rejoin_lines: multi-line fields read as lists become strings. */
function rejoinLines(notebook: Node): void {
  for (const cell of cellsOf(notebook)) {
    if (Array.isArray(cell.source))
      cell.source = cell.source.map((line) => (typeof line === 'string' ? line : '')).join('');
    for (const bundle of attachmentBundles(cell)) rejoinMimeBundle(bundle);
    if (cell.cell_type !== 'code') continue;
    for (const output of outputsOf(cell)) {
      const type = typeof output.output_type === 'string' ? output.output_type : '';
      if (type === 'execute_result' || type === 'display_data') rejoinMimeBundle(output.data);
      else if (type && Array.isArray(output.text))
        output.text = output.text.map((line) => (typeof line === 'string' ? line : '')).join('');
    }
  }
}

/** nbformat's split_lines, used when writing: text becomes lists of lines. */
function splitLines(notebook: Node): void {
  for (const cell of cellsOf(notebook)) {
    if (typeof cell.source === 'string') cell.source = pythonSplitLines(cell.source);
    for (const bundle of attachmentBundles(cell)) splitMimeBundle(bundle);
    if (cell.cell_type !== 'code') continue;
    for (const output of outputsOf(cell)) {
      if (output.output_type === 'execute_result' || output.output_type === 'display_data')
        splitMimeBundle(output.data);
      else if (output.output_type === 'stream' && typeof output.text === 'string')
        output.text = pythonSplitLines(output.text);
    }
  }
}

/** nbformat's strip_transient, applied on read and on write. */
function stripTransient(notebook: Node): void {
  if (isObject(notebook.metadata)) {
    delete notebook.metadata.orig_nbformat;
    delete notebook.metadata.orig_nbformat_minor;
    delete notebook.metadata.signature;
  }
  for (const cell of cellsOf(notebook)) if (isObject(cell.metadata)) delete cell.metadata.trusted;
}

function newCellId(): string {
  return randomUUID().replace(/-/g, '').slice(0, 8);
}

/** nbformat's validator normalisation for 4.5+: a cell without an id, or with a duplicate one, gets a fresh id. */
function repairCellIds(notebook: Node): void {
  const major = typeof notebook.nbformat === 'number' ? notebook.nbformat : 1;
  const minor = typeof notebook.nbformat_minor === 'number' ? notebook.nbformat_minor : 0;
  if (major < 4 || (major === 4 && minor < 5)) return;
  const cells = cellsOf(notebook);
  for (const cell of cells) if (!has(cell, 'id')) cell.id = newCellId();
  const seen = new Set<string>();
  for (const cell of cells) {
    const key = JSON.stringify(cell.id ?? null);
    if (seen.has(key)) cell.id = newCellId();
    seen.add(JSON.stringify(cell.id ?? null));
  }
}

/** Python's len(str(x)) summed over an output, as nbstripout's get_size measures it. */
function pythonSize(value: JsonValue | undefined, container?: JsonObject | JsonValue[], key?: string | number): number {
  if (typeof value === 'string') return pythonLength(value);
  if (Array.isArray(value)) return value.reduce<number>((sum, item, index) => sum + pythonSize(item, value, index), 0);
  if (isObject(value)) return Object.keys(value).reduce((sum, name) => sum + pythonSize(value[name], value, name), 0);
  if (value === null || value === undefined) return 4; // "None"
  if (typeof value === 'boolean') return value ? 4 : 5;
  const raw = container !== undefined && key !== undefined ? rawNumberText(container, key) : undefined;
  if (raw !== undefined && Object.is(Number(raw), value))
    return (/[.eEIN]/.test(raw) ? pythonFloatRepr(value) : BigInt(raw).toString()).length;
  return (Number.isInteger(value) && Math.abs(value) < 1e21 ? String(value) : pythonFloatRepr(value)).length;
}

/** Whether pythonSize(value) > limit, stopping as soon as it is (most outputs exceed a limit of 0 at once). */
function sizeExceeds(value: JsonValue, limit: number): boolean {
  let total = 0;
  const visit = (item: JsonValue | undefined, container?: JsonObject | JsonValue[], key?: string | number): boolean => {
    if (typeof item === 'string') total += item.length > 2 * (limit - total) + 2 ? item.length : pythonLength(item);
    else if (Array.isArray(item)) {
      for (let i = 0; i < item.length; i++) if (visit(item[i], item, i)) return true;
    } else if (isObject(item)) {
      for (const name of Object.keys(item)) if (visit(item[name], item, name)) return true;
    } else total += pythonSize(item, container, key);
    return total > limit;
  };
  return visit(value);
}

function matchesOutputType(output: Node, pattern: string, file: string): boolean {
  const parts = pattern.split(':');
  if (parts.length > 2)
    throw new StripError(
      `${file}: invalid output type '${pattern}': use 'type' or 'type:name', e.g. 'stream:stderr'`,
      file,
    );
  const [type, name] = parts;
  return output.output_type === type && (name === undefined || output.name === name);
}

/** Python's `needle in haystack` for a tags value (a list, or a string where it means a substring). */
function contains(haystack: JsonValue | undefined, needle: string): boolean {
  if (Array.isArray(haystack)) return haystack.includes(needle);
  if (typeof haystack === 'string') return haystack.includes(needle);
  if (isObject(haystack)) return has(haystack, needle);
  return false;
}

function keepOutputOf(
  cell: Node,
  fallback: boolean | undefined,
  stripInitCells: boolean,
  file: string,
  index: number,
): boolean | undefined {
  if (!has(cell, 'metadata') || !isObject(cell.metadata)) return fallback;
  const metadata = cell.metadata;
  if (has(metadata, 'init_cell')) return pythonTruthy(metadata.init_cell) && !stripInitCells;
  const hasKeepMetadata = has(metadata, 'keep_output');
  const keepMetadata = pythonTruthy(metadata.keep_output ?? false);
  const hasKeepTag = contains(metadata.tags, 'keep_output');
  if (hasKeepMetadata && hasKeepTag && !keepMetadata) {
    throw new StripError(
      `${file}: cell ${index + 1}: cell metadata contradicts tags: \`keep_output\` is false, but \`keep_output\` in tags; remove one of them`,
      file,
    );
  }
  if (hasKeepMetadata || hasKeepTag) return keepMetadata || hasKeepTag;
  return fallback;
}

/** nbstripout's pop_recursive: removes `a.b.c` from nested objects; a key containing dots is tried whole first. */
function popRecursive(object: JsonValue | undefined, key: string): void {
  if (!isObject(object)) return;
  if (has(object, key)) {
    delete object[key];
    return;
  }
  const dot = key.indexOf('.');
  if (dot === -1) return;
  const head = key.slice(0, dot);
  if (has(object, head)) popRecursive(object[head], key.slice(dot + 1));
}

/** The keys to remove: nbstripout's defaults plus `extraKeys`, minus `keepKeys`, split by where they apply. */
export function resolveStripKeys(options: StripOptions): { notebook: string[]; cell: string[]; warnings: string[] } {
  const keep = new Set(options.keepKeys ?? []);
  const keys = [...DEFAULT_STRIP_KEYS, ...(options.extraKeys ?? [])].filter((key) => !keep.has(key));
  const result = { notebook: [] as string[], cell: [] as string[], warnings: [] as string[] };
  for (const key of keys) {
    const dot = key.indexOf('.');
    const namespace = dot === -1 ? '' : key.slice(0, dot);
    if (namespace === 'metadata') result.notebook.push(key.slice(dot + 1));
    else if (namespace === 'cell') result.cell.push(key.slice(dot + 1));
    else result.warnings.push(`Ignoring invalid extra key \`${key}\` (it must start with "metadata." or "cell.")`);
  }
  return result;
}

/** Strips a normalised notebook in place, as nbstripout's strip_output does. */
function stripOutput(
  notebook: Node,
  options: StripOptions,
  file: string,
  keys: { notebook: string[]; cell: string[] },
): { outputsRemoved: number } {
  let keepOutput = options.keepOutput;
  if (keepOutput === undefined && isObject(notebook.metadata) && has(notebook.metadata, 'keep_output'))
    keepOutput = pythonTruthy(notebook.metadata.keep_output);
  for (const field of keys.notebook) popRecursive(notebook.metadata, field);

  if (Array.isArray(notebook.cells)) {
    let cells = notebook.cells;
    if (options.dropEmptyCells)
      cells = cells.filter((cell) => isObject(cell) && typeof cell.source === 'string' && hasNonSpace(cell.source));
    for (const tag of options.dropTaggedCells ?? [])
      cells = cells.filter(
        (cell) => !(isObject(cell) && isObject(cell.metadata) && contains(cell.metadata.tags ?? [], tag)),
      );
    notebook.cells = cells;
  }

  const keepTypes = options.keepOutputTypes ?? [];
  const dropTypes = options.dropOutputTypes ?? [];
  const maxSize = options.maxSize ?? 0;
  let outputsRemoved = 0;
  cellsOf(notebook).forEach((cell, index) => {
    const keepThis = keepOutputOf(cell, keepOutput, options.stripInitCells ?? false, file, index);
    if (has(cell, 'outputs') && Array.isArray(cell.outputs)) {
      const before = cell.outputs.length;
      if (!keepThis || keepTypes.length > 0) {
        cell.outputs = cell.outputs.filter(
          (output) =>
            isObject(output) &&
            (!sizeExceeds(output, maxSize) || keepTypes.some((type) => matchesOutputType(output, type, file))),
        );
      }
      if (!options.keepCount)
        for (const output of outputsOf(cell)) if (has(output, 'execution_count')) output.execution_count = null;
      if (dropTypes.length > 0)
        cell.outputs = cell.outputs.filter(
          (output) => !(isObject(output) && dropTypes.some((type) => matchesOutputType(output, type, file))),
        );
      outputsRemoved += before - cell.outputs.length;
    }
    if (has(cell, 'prompt_number') && !options.keepCount) cell.prompt_number = null;
    if (has(cell, 'execution_count') && !options.keepCount) cell.execution_count = null;
    if (has(cell, 'id') && !options.keepId) cell.id = String(index);
    for (const field of keys.cell) popRecursive(cell, field);
  });
  return { outputsRemoved };
}

function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/**
 * Strips a notebook as `nbstripout` (0.9.1, same options) would and returns the bytes it would write. Accepts the
 * file's text or bytes, or an already parsed document (its current notebook is used; the document is not changed).
 * Throws NotebookError for input that is not a notebook and StripError for contradictory keep_output metadata.
 */
export function stripNotebook(
  input: string | Uint8Array | NotebookDocument,
  options: StripOptions = {},
  readOptions: ReadOptions = {},
): StripResult {
  const document = typeof input === 'string' || input instanceof Uint8Array ? parseNotebook(input, readOptions) : input;
  const file = document.file;
  const bytesBefore =
    typeof input === 'string' || !(input instanceof Uint8Array) ? byteLength(document.text) : input.byteLength;
  const notebook = cloneJson(document.notebook) as Node;
  const keys = resolveStripKeys(options);

  // What nbformat.read does.
  rejoinLines(notebook);
  stripTransient(notebook);
  repairCellIds(notebook);
  const cellsBefore = cellsOf(notebook).length;
  const original = cloneJson(notebook);

  const { outputsRemoved } = stripOutput(notebook, options, file, keys);
  const changed = !pythonEqual(original, notebook);

  // What nbformat.write does.
  repairCellIds(notebook);
  splitLines(notebook);
  stripTransient(notebook);
  const text = notebookToText(notebook, JUPYTER_STYLE);
  const bytesAfter = byteLength(text);
  return {
    text,
    changed,
    bytesBefore,
    bytesAfter,
    bytesRemoved: bytesBefore - bytesAfter,
    outputsRemoved,
    cellsRemoved: cellsBefore - cellsOf(notebook).length,
    warnings: keys.warnings,
  };
}
