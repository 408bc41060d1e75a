// Jupyter notebooks (nbformat 4.0-4.5): read into a typed model that is the file's own JSON, and write back with the
// file's conventions, so a notebook we do not change comes back byte for byte and a changed one looks as if its
// own tool had saved it.

import { isUtf8 } from 'node:buffer';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import {
  cloneJson,
  jsonEqual,
  JsonSyntaxError,
  parseJson,
  stringifyJson,
  type JsonObject,
  type JsonParseResult,
  type JsonStyle,
  type JsonValue,
} from './jsonText';
import { pythonSplitLines } from '../../notebooks/pythonCompat';

/** A multi-line text field: nbformat writes a list of lines, other tools sometimes one string. */
export type MultilineText = string | string[];

export interface MimeBundle extends JsonObject {
  [mimeType: string]: JsonValue | undefined;
}

export interface OutputJson extends JsonObject {
  output_type: 'execute_result' | 'display_data' | 'stream' | 'error' | (string & {});
  execution_count?: number | null;
  data?: MimeBundle;
  metadata?: JsonObject;
  /** stream: "stdout" or "stderr". */
  name?: string;
  text?: MultilineText;
  ename?: string;
  evalue?: string;
  traceback?: string[];
}

export interface CellJson extends JsonObject {
  cell_type: 'code' | 'markdown' | 'raw' | (string & {});
  /** Required from nbformat 4.5. */
  id?: string;
  source: MultilineText;
  metadata: JsonObject;
  /** Code cells. */
  outputs?: OutputJson[];
  execution_count?: number | null;
  /** Markdown and raw cells: file name -> mime bundle. */
  attachments?: Record<string, MimeBundle>;
}

export interface NotebookJson extends JsonObject {
  nbformat: number;
  nbformat_minor: number;
  metadata: JsonObject;
  cells: CellJson[];
}

/** How the file was written: indentation, line breaks, key order, escapes, numbers, final newline, byte order mark. */
export interface NotebookStyle extends JsonStyle {
  /** What follows the closing brace ("\n" for Jupyter, "" for some tools). */
  finalNewline: string;
  /** The file started with a UTF-8 byte order mark. */
  bom: boolean;
}

/** What nbformat.write produces (Jupyter, nbstripout): indent 1, sorted keys, raw UTF-8, Python numbers, final "\n". */
export const JUPYTER_STYLE: Readonly<NotebookStyle> = Object.freeze({
  indent: ' ',
  newline: '\n',
  keySeparator: ': ',
  itemSeparator: ',',
  sortKeys: true,
  asciiOnly: false,
  numbers: 'python',
  keepNumberText: false,
  finalNewline: '\n',
  bom: false,
});

export interface NotebookDocument {
  /** The file name used in messages. */
  readonly file: string;
  /** The text as read (decoded, byte order mark included), returned as is when the model is unchanged. */
  readonly text: string;
  /** The notebook: the file's own JSON, typed. Change it in place, then call `serializeNotebook`. */
  readonly notebook: NotebookJson;
  readonly style: NotebookStyle;
  readonly nbformat: number;
  readonly nbformatMinor: number;
}

export type NotebookErrorCode =
  | 'invalid-json'
  | 'truncated'
  | 'binary'
  | 'not-notebook'
  | 'unsupported-version'
  | 'invalid-notebook'
  | 'too-large'
  | 'read-failed';

/** A notebook that cannot be read: the message names the file, the position when known, and what to do. */
export class NotebookError extends Error {
  constructor(
    message: string,
    readonly code: NotebookErrorCode,
    readonly file: string,
    readonly position?: { line: number; column: number; offset: number },
  ) {
    super(message);
    this.name = 'NotebookError';
  }
}

/** Notebooks larger than this are refused unless a caller raises the limit. */
export const DEFAULT_MAX_NOTEBOOK_BYTES = 256 * 1024 * 1024;

export interface ReadOptions {
  /** The file name used in messages (default "notebook"). */
  file?: string;
  maxBytes?: number;
}

function decode(input: string | Uint8Array, file: string, maxBytes: number): string {
  if (typeof input === 'string') return input;
  if (input.byteLength > maxBytes) {
    throw new NotebookError(
      `${file}: the file is ${input.byteLength} bytes, more than the ${maxBytes}-byte limit for notebooks`,
      'too-large',
      file,
    );
  }
  const probe = input.subarray(0, 8192);
  if (probe.includes(0))
    throw new NotebookError(
      `${file}: this is a binary file, not a Jupyter notebook (it contains NUL bytes)`,
      'binary',
      file,
    );
  if (!isUtf8(input))
    throw new NotebookError(
      `${file}: not UTF-8 text; a notebook is a UTF-8 JSON file (is this a binary file?)`,
      'binary',
      file,
    );
  // Decoding keeps a byte order mark as U+FEFF, so the text gives back the same bytes.
  return Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('utf8');
}

function conflictMarkerLine(text: string): number | undefined {
  const match = /^(?:<{7}|>{7}) /m.exec(text);
  if (!match) return undefined;
  return text.slice(0, match.index).split('\n').length;
}

/** Reads the style of a notebook's text from the parse and the text around the first tokens. */
function detectStyle(
  text: string,
  parsed: Pick<JsonParseResult, 'sortedKeys' | 'numberStyle' | 'itemSeparator' | 'keySeparator'>,
): NotebookStyle {
  const bom = text.charCodeAt(0) === 0xfeff;
  const body = bom ? text.slice(1) : text;
  const open = body.indexOf('{');
  let indent: string | null = null;
  let newline: '\n' | '\r\n' = '\n';
  const afterOpen = /^[ \t\r\n]*/.exec(body.slice(open + 1, open + 200))?.[0] ?? '';
  const lastBreak = afterOpen.lastIndexOf('\n');
  if (lastBreak !== -1) {
    indent = afterOpen.slice(lastBreak + 1);
    if (afterOpen.includes('\r\n')) newline = '\r\n';
  }
  let end = body.length;
  while (end > 0 && ' \t\r\n'.includes(body.charAt(end - 1))) end--;
  const trailing = body.slice(end);
  // ensure_ascii=True leaves no raw non-ASCII character and escapes at least one.
  const asciiOnly = !/[\u0080-\uffff]/.test(body) && body.includes('\\u') && /\\u(?!00[0-7])[0-9a-fA-F]{4}/.test(body);
  const keySeparator =
    parsed.keySeparator !== undefined && !/[\r\n]/.test(parsed.keySeparator) ? parsed.keySeparator : ': ';
  let itemSeparator = parsed.itemSeparator ?? (indent === null ? ', ' : ',');
  if (/[\r\n]/.test(itemSeparator)) itemSeparator = ',';
  return {
    indent,
    newline,
    keySeparator,
    itemSeparator,
    sortKeys: parsed.sortedKeys,
    asciiOnly,
    numbers: parsed.numberStyle ?? 'python',
    keepNumberText: true,
    finalNewline: trailing,
    bom,
  };
}

/** Checks the shape the rest of the code relies on and names the first problem. */
function checkShape(value: JsonValue, file: string): NotebookJson {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new NotebookError(
      `${file}: not a Jupyter notebook (the JSON is ${Array.isArray(value) ? 'an array' : typeof value}, not an object)`,
      'not-notebook',
      file,
    );
  }
  const major = value.nbformat;
  if (major === undefined) {
    throw new NotebookError(`${file}: not a Jupyter notebook (no "nbformat" field)`, 'not-notebook', file);
  }
  if (typeof major !== 'number' || !Number.isInteger(major)) {
    throw new NotebookError(
      `${file}: "nbformat" must be an integer, found ${JSON.stringify(major)}`,
      'invalid-notebook',
      file,
    );
  }
  if (major < 4) {
    throw new NotebookError(
      `${file}: nbformat ${major} is not supported: upgrade with \`jupyter nbconvert --to notebook --nbformat 4\``,
      'unsupported-version',
      file,
    );
  }
  if (major > 4) {
    throw new NotebookError(
      `${file}: nbformat ${major} is not supported (this version reads nbformat 4.0-4.5)`,
      'unsupported-version',
      file,
    );
  }
  const minor = value.nbformat_minor;
  if (typeof minor !== 'number' || !Number.isInteger(minor) || minor < 0) {
    throw new NotebookError(
      `${file}: "nbformat_minor" must be a non-negative integer, found ${JSON.stringify(minor ?? null)}`,
      'invalid-notebook',
      file,
    );
  }
  if (
    value.metadata === undefined ||
    value.metadata === null ||
    typeof value.metadata !== 'object' ||
    Array.isArray(value.metadata)
  ) {
    throw new NotebookError(`${file}: the notebook "metadata" must be an object`, 'invalid-notebook', file);
  }
  const cells = value.cells;
  if (!Array.isArray(cells))
    throw new NotebookError(`${file}: the notebook has no "cells" list`, 'invalid-notebook', file);
  cells.forEach((cell, index) => {
    if (cell === null || typeof cell !== 'object' || Array.isArray(cell)) {
      throw new NotebookError(`${file}: cell ${index + 1} is not an object`, 'invalid-notebook', file);
    }
    if (typeof cell.cell_type !== 'string')
      throw new NotebookError(`${file}: cell ${index + 1} has no "cell_type"`, 'invalid-notebook', file);
    const { source, metadata, outputs } = cell;
    if (
      source !== undefined &&
      typeof source !== 'string' &&
      !(Array.isArray(source) && source.every((line) => typeof line === 'string'))
    ) {
      throw new NotebookError(
        `${file}: cell ${index + 1} has a "source" that is neither a string nor a list of strings`,
        'invalid-notebook',
        file,
      );
    }
    if (metadata !== undefined && (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata))) {
      throw new NotebookError(
        `${file}: cell ${index + 1} has a "metadata" that is not an object`,
        'invalid-notebook',
        file,
      );
    }
    if (
      outputs !== undefined &&
      (!Array.isArray(outputs) ||
        outputs.some((output) => output === null || typeof output !== 'object' || Array.isArray(output)))
    ) {
      throw new NotebookError(
        `${file}: cell ${index + 1} has "outputs" that are not a list of objects`,
        'invalid-notebook',
        file,
      );
    }
  });
  return value as NotebookJson;
}

/**
 * Parses a notebook from its text or bytes. Throws NotebookError for bytes that are not UTF-8, invalid JSON (with
 * line and column), a file that is not a notebook, nbformat 3 or older, or a newer major version.
 */
export function parseNotebook(input: string | Uint8Array, options: ReadOptions = {}): NotebookDocument {
  const file = options.file ?? 'notebook';
  const text = decode(input, file, options.maxBytes ?? DEFAULT_MAX_NOTEBOOK_BYTES);
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let parsed: JsonParseResult;
  try {
    parsed = parseJson(body);
  } catch (err) {
    if (!(err instanceof JsonSyntaxError)) throw err;
    const { line, column } = err;
    const position = { line, column, offset: err.offset };
    const conflict = conflictMarkerLine(body);
    if (conflict !== undefined) {
      throw new NotebookError(
        `${file}:${conflict}: the notebook contains git merge conflict markers; resolve the conflict (for example with \`nbdime mergetool\`) or check out one side`,
        'invalid-json',
        file,
        position,
      );
    }
    if (body.trim() === '')
      throw new NotebookError(`${file}: the file is empty, not a notebook`, 'truncated', file, position);
    if (err.truncated) {
      throw new NotebookError(
        `${file}:${line}:${column}: the notebook ends too early (${err.reason}); the file looks truncated: restore it from version control or a backup`,
        'truncated',
        file,
        position,
      );
    }
    throw new NotebookError(
      `${file}:${line}:${column}: not valid JSON (${err.reason}); fix the file there or restore it from version control`,
      'invalid-json',
      file,
      position,
    );
  }
  const notebook = checkShape(parsed.value, file);
  // The style is read on first use: stripping and diffing never need it.
  const facts = {
    sortedKeys: parsed.sortedKeys,
    numberStyle: parsed.numberStyle,
    itemSeparator: parsed.itemSeparator,
    keySeparator: parsed.keySeparator,
  };
  let style: NotebookStyle | undefined;
  return {
    file,
    text,
    notebook,
    get style(): NotebookStyle {
      return (style ??= detectStyle(text, facts));
    },
    nbformat: notebook.nbformat,
    nbformatMinor: notebook.nbformat_minor,
  };
}

function bom(text: string): boolean {
  return text.charCodeAt(0) === 0xfeff;
}

/** Reads and parses a notebook file; a missing or unreadable file gives a NotebookError too. */
export async function readNotebook(path: string, options: ReadOptions = {}): Promise<NotebookDocument> {
  const file = options.file ?? path;
  let bytes: Uint8Array;
  try {
    const stat = await fs.promises.stat(path);
    const maxBytes = options.maxBytes ?? DEFAULT_MAX_NOTEBOOK_BYTES;
    if (stat.isDirectory()) throw new NotebookError(`${file}: is a folder, not a notebook`, 'read-failed', file);
    if (stat.size > maxBytes)
      throw new NotebookError(
        `${file}: the file is ${stat.size} bytes, more than the ${maxBytes}-byte limit for notebooks`,
        'too-large',
        file,
      );
    bytes = await fs.promises.readFile(path);
  } catch (err) {
    if (err instanceof NotebookError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
    throw new NotebookError(`${file}: cannot read the notebook (${reason})`, 'read-failed', file);
  }
  return parseNotebook(bytes, { ...options, file });
}

/** Writes a notebook value in a style (default: what Jupyter writes). */
export function notebookToText(
  notebook: NotebookJson | JsonObject,
  style: Readonly<NotebookStyle> = JUPYTER_STYLE,
): string {
  return (style.bom ? '\ufeff' : '') + stringifyJson(notebook, style) + style.finalNewline;
}

/**
 * The text to save for a document: its original text when the notebook is unchanged (byte for byte, whatever the
 * formatting), otherwise the notebook written with the file's own conventions.
 */
export function serializeNotebook(document: NotebookDocument): string {
  const text = notebookToText(document.notebook, document.style);
  if (text === document.text) return text;
  const body = bom(document.text) ? document.text.slice(1) : document.text;
  const original = parseJson(body).value;
  return jsonEqual(original, document.notebook) ? document.text : text;
}

/** A copy of the document's notebook that can be changed freely (number text and key order are kept). */
export function cloneNotebook(notebook: NotebookJson): NotebookJson {
  return cloneJson(notebook);
}

/** Joins a multi-line field (a list of lines or one string) into one string. */
export function joinText(value: JsonValue | undefined): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map((line) => (typeof line === 'string' ? line : '')).join('');
  return '';
}

/** The source of a cell as one string. */
export function cellSource(cell: CellJson): string {
  return joinText(cell.source);
}

/** Sets a cell's source the way the file stores it: a list of lines (nbformat) or, if it was one, a string. */
export function setCellSource(cell: CellJson, text: string): void {
  cell.source = typeof cell.source === 'string' ? text : pythonSplitLines(text);
}

const cellIdPattern = /^[a-zA-Z0-9-_]{1,64}$/;

/** A cell id the notebook does not use yet: 8 hexadecimal characters, as Jupyter makes them. */
export function newCellId(notebook: NotebookJson): string {
  const used = new Set(notebook.cells.map((cell) => cell.id));
  for (;;) {
    const id = randomBytes(4).toString('hex');
    if (!used.has(id)) return id;
  }
}

/**
 * Problems nbformat's validator would report that matter when writing: required fields, cell types, and for 4.5
 * cell ids (present, 1-64 characters of [a-zA-Z0-9-_], unique). Empty when the notebook is fine.
 */
export function notebookProblems(notebook: NotebookJson): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  const needsIds = notebook.nbformat === 4 && notebook.nbformat_minor >= 5;
  notebook.cells.forEach((cell, index) => {
    const where = `cell ${index + 1}`;
    if (!['code', 'markdown', 'raw'].includes(cell.cell_type))
      problems.push(`${where}: unknown cell_type ${JSON.stringify(cell.cell_type)}`);
    if (cell.source === undefined) problems.push(`${where}: no source`);
    if (cell.metadata === undefined) problems.push(`${where}: no metadata`);
    if (cell.cell_type === 'code') {
      if (!Array.isArray(cell.outputs)) problems.push(`${where}: a code cell needs "outputs"`);
      if (cell.execution_count === undefined)
        problems.push(`${where}: a code cell needs "execution_count" (null when not run)`);
    }
    if (needsIds) {
      if (typeof cell.id !== 'string') problems.push(`${where}: nbformat 4.5 needs a cell id`);
      else if (!cellIdPattern.test(cell.id))
        problems.push(`${where}: cell id ${JSON.stringify(cell.id)} must be 1-64 characters of a-z, A-Z, 0-9, - and _`);
      else if (seen.has(cell.id)) problems.push(`${where}: duplicate cell id ${JSON.stringify(cell.id)}`);
      if (typeof cell.id === 'string') seen.add(cell.id);
    }
  });
  return problems;
}
