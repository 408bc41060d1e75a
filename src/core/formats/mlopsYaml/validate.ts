// Validates mlops.yaml text against the shipped JSON schema and the rules a schema cannot express (unique names,
// dataset references), and maps every problem to a source range an editor can underline.
import fs from 'node:fs';
import path from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import {
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type Alias,
  type Node,
  type Pair,
} from 'yaml';
import { mlopsSchema as schema } from './mlopsSchema';
import {
  CONVENTION_KINDS,
  emptyConfig,
  METRIC_GOALS,
  MODEL_STAGES,
  type Conventions,
  type DatasetConfig,
  type MetricDefinition,
  type MlopsConfig,
  type ModelConfig,
  type SourcePosition,
} from './model';
import { CONFIG_FILE_NAME } from './starter';
import {
  MAX_YAML_DEPTH,
  MAX_YAML_TOKENS,
  MAX_YAML_VALUES,
  scanYaml,
  yamlData,
  type YamlDataRefusal,
} from '../yamlText';

/** mlops.yaml is refused (before it is read) when it is this large or larger. */
export const MAX_CONFIG_BYTES = 2 * 1024 * 1024;

/**
 * At most this many problems are listed for one file (the first ones in the file); one more problem says how many
 * others there are. A mangled file can have a problem every few bytes: listing them all helps nobody and costs time.
 */
export const MAX_LISTED_PROBLEMS = 100;

/** The message for a configuration file of `size` bytes that is over the limit. */
function tooLargeMessage(fileName: string, size: number): string {
  return `${fileName} is ${size} bytes; it must be under 2 MB. A configuration names files, it does not hold data: move lists of data elsewhere.`;
}

export type ProblemSeverity = 'error' | 'warning';

/** One problem of a configuration file. Lines and columns are 0-based, as in VS Code; the end is exclusive. */
export interface ConfigProblem {
  message: string;
  severity: ProblemSeverity;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** Where in the document, e.g. `models[0].stage`; empty for the whole document. */
  path: string;
  /** A stable identifier of the rule, e.g. `yaml-syntax`, `enum`, `unknown-key`, `duplicate-name`, `unknown-dataset`. */
  code: string;
  /** The path as keys and indexes (`['models', 0, 'stage']`), when the problem is at a value. */
  segments?: readonly (string | number)[];
}

export interface ConfigValidation {
  /** The configuration with defaults filled in; entries that are too broken to use are left out. */
  config: MlopsConfig;
  problems: ConfigProblem[];
  /** True when the text holds no document (empty, or only comments). */
  empty: boolean;
  /** 1-based position of the node at a path (`['checks', 2]`), when the text has one there. */
  positionOf?: (path: readonly Segment[]) => SourcePosition | undefined;
}

export interface ValidateOptions {
  /** The file name used in messages; `mlops.yaml` by default. */
  fileName?: string;
}

/** Reading mlops.yaml failed for a reason other than its content (permissions, a folder of that name, ...). */
export class ConfigError extends Error {
  constructor(
    message: string,
    readonly file: string,
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** The JSON schema of mlops.yaml, for editors and tools that validate YAML by schema. */
export const configSchema: Readonly<Record<string, unknown>> = schema;

/** Keywords editors understand that are not part of JSON Schema itself. */
const EDITOR_KEYWORDS = ['markdownDescription', 'patternErrorMessage', 'enumDescriptions', 'markdownEnumDescriptions'];

type Segment = string | number;

/**
 * A compiled validator. Compiling the schema takes a few milliseconds: create one validator and reuse it when a
 * caller validates on every keystroke.
 */
export class ConfigValidator {
  private compiled: ValidateFunction | undefined;

  /** The schema's validator, compiled on first use: loading a folder without mlops.yaml never pays for it. */
  private get validateData(): ValidateFunction {
    if (this.compiled) return this.compiled;
    // strictNumbers: NaN and Infinity (`.nan`, `.inf` in YAML) are not numbers a threshold or a bound can use.
    const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, strictNumbers: true, allowUnionTypes: true });
    for (const keyword of EDITOR_KEYWORDS) ajv.addKeyword({ keyword, schemaType: ['string', 'array'] });
    this.compiled = ajv.compile(schema);
    return this.compiled;
  }

  validate(text: string, options: ValidateOptions = {}): ConfigValidation {
    const fileName = options.fileName ?? CONFIG_FILE_NAME;
    const refused = refuseBeforeParsing(text, fileName);
    if (refused) return { config: emptyConfig(), problems: [refused], empty: false };
    const lineCounter = new LineCounter();
    // Repeated keys are found by yamlData (linear; the parser's own check is quadratic), and the parser must not
    // write warnings about the text on the process (logLevel).
    const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false, logLevel: 'error' });
    const problems: ConfigProblem[] = [];
    const finish = (validation: ConfigValidation): ConfigValidation => ({
      ...validation,
      problems: listed(validation.problems, fileName),
    });

    for (const [list, severity] of [
      [doc.errors, 'error'],
      [doc.warnings, 'warning'],
    ] as const) {
      for (const err of list) {
        const [start, end] = err.pos;
        problems.push({
          ...spanOf(lineCounter, text.length, start, Math.max(end, start + 1)),
          message: `YAML: ${sentence(err.message)}`,
          severity,
          path: '',
          code: 'yaml-syntax',
        });
      }
    }
    let syntaxBroken = doc.errors.length > 0;

    if (
      doc.contents === null ||
      (isScalar(doc.contents) && doc.contents.value === null && doc.contents.range[0] === doc.contents.range[1])
    ) {
      if (!syntaxBroken) {
        problems.push({
          ...spanOf(lineCounter, text.length, 0, 0),
          message: `${fileName} is empty: start it with "version: 1" and add the sections you need.`,
          severity: 'warning',
          path: '',
          code: 'empty',
        });
      }
      return finish({ config: emptyConfig(), problems, empty: true });
    }

    const built = yamlData(doc);
    const locator = new Locator(doc.contents, built.aliasTargets, lineCounter, text.length);
    for (const offset of built.duplicateKeys) {
      syntaxBroken = true;
      problems.push({
        ...locator.span(offset, offset + 1),
        message: 'YAML: Map keys must be unique.',
        severity: 'error',
        path: '',
        code: 'yaml-syntax',
      });
    }
    if (built.refused) {
      problems.push({ ...refusal(built.refused, fileName, locator), severity: 'error', path: '' });
      return finish({ config: emptyConfig(), problems, empty: false });
    }
    const data = built.value;

    if (!isRecord(data)) {
      problems.push({
        ...locator.nodeSpan(doc.contents),
        message: `${fileName} must be a mapping of sections (version, project, models, datasets, ...) at the top level, not ${describeType(data)}.`,
        severity: 'error',
        path: '',
        code: 'type',
      });
      return finish({ config: emptyConfig(), problems, empty: false });
    }

    if (!syntaxBroken) {
      this.validateData(data);
      for (const err of relevantErrors(this.validateData.errors ?? [])) problems.push(toProblem(err, locator));
      for (const problem of crossChecks(data, locator)) problems.push(problem);
    }
    const positionOf = (segments: readonly Segment[]): SourcePosition | undefined => locator.position(segments);
    return finish({ config: toConfig(data, positionOf), problems, empty: false, positionOf });
  }
}

/** The problem of a document whose data was not built: nested too deep, too many values, an alias loop. */
function refusal(
  refused: YamlDataRefusal,
  fileName: string,
  locator: Locator,
): Omit<ConfigProblem, 'severity' | 'path'> {
  const span = locator.span(refused.offset, refused.offset + 1);
  const at = `at line ${span.line + 1}, column ${span.column + 1}`;
  switch (refused.code) {
    case 'too-deep':
      return { ...span, code: 'too-deep', message: tooDeepMessage(fileName, at) };
    case 'too-many-values':
      return {
        ...span,
        code: 'too-many-values',
        message: `${fileName} holds more than ${MAX_YAML_VALUES.toLocaleString('en-US')} values (${at}, aliases expanded); it is not read. A configuration names files, it does not hold data: move lists of data elsewhere.`,
      };
    case 'alias-loop':
      return {
        ...span,
        code: 'yaml-syntax',
        message: `YAML: the alias *${refused.alias ?? ''} (${at}) is inside the collection it names, which would make it endless.`,
      };
  }
}

function tooDeepMessage(fileName: string, at: string): string {
  return `${fileName} has collections nested more than ${MAX_YAML_DEPTH} levels deep (${at}); it is not read. A configuration needs only a few levels: flatten it.`;
}

/**
 * The problems in the order of the file, at most MAX_LISTED_PROBLEMS of them and one that counts the others. That
 * one takes the code of the problems it stands for when they share one (so a caller that looks for, say, syntax
 * errors still finds one), else `more-problems`; it is an error when any of them is.
 */
function listed(problems: ConfigProblem[], fileName: string): ConfigProblem[] {
  problems.sort((a, b) => a.line - b.line || a.column - b.column);
  for (const problem of problems.slice(0, MAX_LISTED_PROBLEMS)) {
    const hint = hints.get(problem);
    if (hint) problem.message += hint();
  }
  const rest = problems.slice(MAX_LISTED_PROBLEMS);
  const first = rest[0];
  if (!first) return problems;
  const errors = rest.filter((p) => p.severity === 'error').length;
  const warnings = rest.length - errors;
  const counts = [
    errors ? `${errors} error${errors === 1 ? '' : 's'}` : '',
    warnings ? `${warnings} warning${warnings === 1 ? '' : 's'}` : '',
  ].filter(Boolean);
  return [
    ...problems.slice(0, MAX_LISTED_PROBLEMS),
    {
      line: first.line,
      column: first.column,
      endLine: first.endLine,
      endColumn: first.endColumn,
      severity: errors ? 'error' : 'warning',
      path: '',
      code: rest.every((p) => p.code === first.code) ? first.code : 'more-problems',
      message: `${rest.length} more problem${rest.length === 1 ? '' : 's'} in ${fileName} from here on (${counts.join(', ')}) are not listed: only the first ${MAX_LISTED_PROBLEMS} are. Fix these and validate again.`,
    },
  ];
}

/** Codes of problems that mean the text could not be read as a YAML document at all. */
const UNREADABLE = new Set(['yaml-syntax', 'too-large', 'too-deep', 'too-many-values', 'binary']);

/**
 * The first problem that kept the file from being read as YAML (syntax, size, depth, not text), if any: callers that
 * need only one section (notebook stripping) refuse such a file and read the section of any other.
 */
export function unreadable(validation: ConfigValidation): ConfigProblem | undefined {
  return validation.problems.find((p) => p.severity === 'error' && UNREADABLE.has(p.code));
}

/** Validates mlops.yaml text; see `ConfigValidator` to validate many times with one compiled schema. */
export function validateConfig(text: string, options: ValidateOptions = {}): ConfigValidation {
  return new ConfigValidator().validate(text, options);
}

/** A problem that keeps the text from being parsed at all: too large, nested too deep, or too many tokens. */
function refuseBeforeParsing(text: string, fileName: string): ConfigProblem | undefined {
  const whole = { line: 0, column: 0, endLine: 0, endColumn: 0, severity: 'error' as const, path: '' };
  if (text.length >= MAX_CONFIG_BYTES / 4) {
    const size = Buffer.byteLength(text, 'utf8');
    if (size >= MAX_CONFIG_BYTES) return { ...whole, message: tooLargeMessage(fileName, size), code: 'too-large' };
  }
  const excess = scanYaml(text, MAX_YAML_DEPTH, MAX_YAML_TOKENS);
  if (!excess) return undefined;
  const at = `at line ${excess.line + 1}, column ${excess.column + 1}`;
  if (excess.limit === 'tokens')
    return {
      ...whole,
      line: excess.line,
      column: excess.column,
      endLine: excess.line,
      endColumn: excess.column + 1,
      message: `${fileName} has more than ${MAX_YAML_TOKENS.toLocaleString('en-US')} YAML tokens (keys, values and the indicators - : , [ {) (${at}); it is not read. A configuration names files, it does not hold data: move lists of data elsewhere.`,
      code: 'too-many-values',
    };
  return {
    ...whole,
    line: excess.line,
    column: excess.column,
    endLine: excess.line,
    endColumn: excess.column + 1,
    message: tooDeepMessage(fileName, at),
    code: 'too-deep',
  };
}

export interface LoadedConfig {
  /** Absolute path of mlops.yaml. */
  file: string;
  exists: boolean;
  /** The validation of the file, or of an empty configuration when the file does not exist. */
  validation: ConfigValidation;
  /** The text that was validated (without a byte-order mark); undefined when the file is missing or not text. */
  text?: string;
}

/**
 * Reads and validates `<folder>/mlops.yaml`. A missing file gives the empty configuration without problems; a file
 * that cannot be read throws a `ConfigError`.
 */
export async function loadConfig(
  folder: string,
  validator: ConfigValidator = new ConfigValidator(),
): Promise<LoadedConfig> {
  const file = path.join(folder, CONFIG_FILE_NAME);
  let read: Buffer | number | undefined;
  try {
    // The size is checked on the open file before a byte is read: a huge file costs nothing.
    const handle = await fs.promises.open(file, 'r');
    try {
      const stat = await handle.stat();
      read = stat.isDirectory()
        ? directoryError()
        : stat.size >= MAX_CONFIG_BYTES
          ? stat.size
          : await handle.readFile();
    } finally {
      await handle.close();
    }
  } catch (err) {
    read = readError(err, file);
  }
  return fromRead(file, read, validator);
}

/** `loadConfig` for callers that cannot wait (one-shot CLI commands). */
export function loadConfigSync(folder: string, validator: ConfigValidator = new ConfigValidator()): LoadedConfig {
  const file = path.join(folder, CONFIG_FILE_NAME);
  let read: Buffer | number | undefined;
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const stat = fs.fstatSync(fd);
      read = stat.isDirectory() ? directoryError() : stat.size >= MAX_CONFIG_BYTES ? stat.size : fs.readFileSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch (err) {
    read = readError(err, file);
  }
  return fromRead(file, read, validator);
}

function directoryError(): never {
  throw Object.assign(new Error('is a folder'), { code: 'EISDIR' });
}

/** undefined for a missing file; throws a ConfigError for a file that cannot be read. */
function readError(err: unknown, file: string): undefined {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return undefined;
  if (code === 'EISDIR')
    throw new ConfigError(`${file} is a folder; ${CONFIG_FILE_NAME} must be a file. Rename the folder.`, file);
  throw new ConfigError(`Cannot read ${file}: ${(err as Error).message}. Check the file's permissions.`, file);
}

/** The file's bytes, its size when it was too large to read, or undefined when it does not exist. */
function fromRead(file: string, read: Buffer | number | undefined, validator: ConfigValidator): LoadedConfig {
  if (read === undefined)
    return { file, exists: false, validation: { config: emptyConfig(), problems: [], empty: true } };
  if (typeof read === 'number' || read.length >= MAX_CONFIG_BYTES)
    return { file, exists: true, validation: tooLarge(typeof read === 'number' ? read : read.length) };
  if (read.includes(0)) {
    const validation: ConfigValidation = {
      config: emptyConfig(),
      problems: [
        {
          message: `${CONFIG_FILE_NAME} is not a text file (it contains NUL bytes). Replace it with a YAML file.`,
          severity: 'error',
          line: 0,
          column: 0,
          endLine: 0,
          endColumn: 0,
          path: '',
          code: 'binary',
        },
      ],
      empty: false,
    };
    return { file, exists: true, validation };
  }
  const text = read.toString('utf8').replace(/^\uFEFF/, '');
  return { file, exists: true, validation: validator.validate(text), text };
}

function tooLarge(size: number): ConfigValidation {
  const problem: ConfigProblem = {
    message: tooLargeMessage(CONFIG_FILE_NAME, size),
    severity: 'error',
    line: 0,
    column: 0,
    endLine: 0,
    endColumn: 0,
    path: '',
    code: 'too-large',
  };
  return { config: emptyConfig(), problems: [problem], empty: false };
}

// ------------------------------------------------------------------------------------------------ positions

interface Span {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

interface Found {
  /** The value node at the path (or the deepest node found on the way). */
  value: Node | null | undefined;
  /** The key node when the last segment is a mapping key. */
  key: Node | null | undefined;
  /** Whether the whole path was found. */
  complete: boolean;
}

/** Line and column of offsets, by a binary search of the line starts. */
function spanOf(lineCounter: LineCounter, length: number, start: number, end: number): Span {
  const clamp = (offset: number) => Math.max(0, Math.min(offset, length));
  const a = lineCounter.linePos(clamp(start));
  const b = lineCounter.linePos(clamp(end));
  return { line: a.line - 1, column: a.col - 1, endLine: b.line - 1, endColumn: b.col - 1 };
}

/**
 * Finds the nodes of paths and their source ranges. Each step costs the same however large the document is: a
 * mapping's keys are indexed the first time a path goes through it, and aliases were resolved when the data was built.
 */
class Locator {
  private readonly keyIndexes = new WeakMap<object, Map<string, Pair>>();

  constructor(
    private readonly contents: unknown,
    private readonly aliasTargets: ReadonlyMap<Alias, Node>,
    private readonly lineCounter: LineCounter,
    private readonly length: number,
  ) {}

  /** The first entry of a mapping whose key reads `key`. */
  private pairOf(map: { items: unknown[] }, key: string): Pair | undefined {
    let index = this.keyIndexes.get(map);
    if (!index) {
      index = new Map();
      for (const pair of map.items) {
        if (!isPair(pair)) continue;
        const text = keyText(pair.key);
        if (text !== undefined && !index.has(text)) index.set(text, pair);
      }
      this.keyIndexes.set(map, index);
    }
    return index.get(key);
  }

  find(segments: readonly Segment[]): Found {
    let current: unknown = this.contents;
    let key: Node | null | undefined;
    for (const segment of segments) {
      if (isAlias(current)) current = this.aliasTargets.get(current);
      if (isMap(current)) {
        const pair = this.pairOf(current, String(segment));
        if (!pair) return { value: current, key, complete: false };
        key = pair.key as Node | null;
        current = pair.value;
      } else if (isSeq(current) && typeof segment === 'number') {
        const item = current.items[segment];
        if (item === undefined) return { value: current, key, complete: false };
        key = undefined;
        current = item;
      } else {
        return { value: current as Node | null, key, complete: false };
      }
    }
    return { value: current as Node | null, key, complete: true };
  }

  /** 1-based start of the node at a path, when the whole path exists. */
  position(segments: readonly Segment[]): SourcePosition | undefined {
    const found = this.find(segments);
    const range = found.complete ? rangeOf(found.value) : undefined;
    if (!range) return undefined;
    const { line, col } = this.lineCounter.linePos(range[0]);
    return { line, column: col };
  }

  span(start: number, end: number): Span {
    return spanOf(this.lineCounter, this.length, start, end);
  }

  nodeSpan(node: unknown): Span {
    const range = rangeOf(node);
    return range ? this.span(range[0], range[1]) : this.span(0, 0);
  }

  /** The offending value; its key when the value is empty; the nearest node found otherwise. */
  valueSpan(segments: readonly Segment[]): Span {
    const found = this.find(segments);
    const valueRange = rangeOf(found.value);
    if (found.complete && valueRange && valueRange[1] > valueRange[0]) return this.span(valueRange[0], valueRange[1]);
    const keyRange = rangeOf(found.key);
    if (keyRange) return this.span(keyRange[0], keyRange[1]);
    return this.containerSpan(found.value);
  }

  /** The key of a mapping entry, e.g. for an unknown key. */
  keySpan(segments: readonly Segment[]): Span {
    const found = this.find(segments);
    const keyRange = rangeOf(found.key);
    return keyRange && found.complete ? this.span(keyRange[0], keyRange[1]) : this.valueSpan(segments);
  }

  /** Where a missing property belongs: the key of the mapping that lacks it, or its first key. */
  parentSpan(segments: readonly Segment[]): Span {
    const found = this.find(segments);
    const keyRange = rangeOf(found.key);
    if (keyRange && segments.length > 0 && typeof segments[segments.length - 1] === 'string')
      return this.span(keyRange[0], keyRange[1]);
    return this.containerSpan(found.value);
  }

  private containerSpan(node: unknown): Span {
    const item = isMap(node) ? node.items[0] : undefined;
    if (item) {
      const first = rangeOf(item.key);
      if (first) return this.span(first[0], first[1]);
    }
    const range = rangeOf(node);
    if (range) {
      // The start of the next line: lineStarts[n] for a node on (1-based) line n.
      const lineEnd = this.lineCounter.lineStarts[this.lineCounter.linePos(range[0]).line];
      return this.span(range[0], Math.min(range[1], lineEnd === undefined ? range[1] : lineEnd - 1));
    }
    return this.span(0, 0);
  }
}

function rangeOf(node: unknown): [number, number] | undefined {
  if (node && typeof node === 'object' && 'range' in node) {
    const range = (node as { range?: [number, number, number] | null }).range;
    if (range) return [range[0], range[1]];
  }
  return undefined;
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return undefined;
}

// ------------------------------------------------------------------------------------------------ messages

function pointerSegments(pointer: string): Segment[] {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^(0|[1-9]\d*)$/.test(s) ? Number(s) : s));
}

/** `['models', 0, 'stage']` -> `models[0].stage`. */
export function formatConfigPath(segments: readonly Segment[]): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (/^[A-Za-z_][\w-]*$/.test(s)) out += out ? `.${s}` : s;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out;
}

function describeType(value: unknown): string {
  if (value === null || value === undefined) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the text ${JSON.stringify(shortened(value))}`;
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'boolean') return `${value}`;
  return typeof value;
}

/** Text quoted in a message: at most 80 characters, a long text cut with "...". */
function shortened(value: string): string {
  return value.length > 80 ? `${value.slice(0, 77)}...` : value;
}

/** A list of names for a message: the first 10, then how many more. */
function someOf(names: readonly string[]): string {
  const shown = names.slice(0, 10).map(shortened).join(', ');
  return names.length > 10 ? `${shown} and ${names.length - 10} more` : shown;
}

const TYPE_WORDS: Record<string, string> = {
  object: 'a mapping',
  array: 'a list',
  string: 'text',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  null: 'empty',
};

function typeWords(type: unknown): string {
  const types = Array.isArray(type) ? type : [type];
  return types.map((t) => TYPE_WORDS[String(t)] ?? String(t)).join(' or ');
}

function sentence(message: string): string {
  const first = (message.split('\n')[0] ?? '').trim();
  return /[.!?:]$/.test(first) ? first : `${first}.`;
}

function toProblem(err: ErrorObject, locator: Locator): ConfigProblem {
  const segments = pointerSegments(err.instancePath);
  const where = formatConfigPath(segments);
  const subject = where || 'The file';
  const found = describeType(err.data);
  const params = err.params as Record<string, unknown>;
  const base = { severity: 'error' as ProblemSeverity, path: where, code: err.keyword, segments };
  switch (err.keyword) {
    case 'required': {
      const missing = String(params.missingProperty);
      const within = where ? `${where}` : 'The file';
      return {
        ...base,
        ...locator.parentSpan(segments),
        code: 'missing-key',
        path: formatConfigPath([...segments, missing]),
        message: `${within} is missing "${missing}".`,
      };
    }
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const keyPath = formatConfigPath([...segments, key]);
      const known = Object.keys((err.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      const hint = (): string => {
        const suggestion = closest(key, known);
        return suggestion ? ` Did you mean "${suggestion}"?` : known.length ? ` Known keys: ${someOf(known)}.` : '';
      };
      // The checks and notebook stripping refuse unknown keys instead of ignoring them: an error, not a warning.
      const refused = segments[0] === 'checks' || segments[0] === 'notebooks';
      const shown = shortened(key);
      const message = segments.length
        ? `Unknown key "${shown}" in ${where}: ${refused ? `${segments[0] === 'checks' ? 'the checks do' : 'notebook stripping does'} not run with it` : 'it is ignored'}.`
        : `Unknown top-level section "${shown}": this version of MLOps Workbench ignores it.`;
      return withHint(
        {
          ...base,
          ...locator.keySpan([...segments, key]),
          severity: refused ? 'error' : 'warning',
          code: 'unknown-key',
          path: keyPath,
          message,
        },
        hint,
      );
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(String).join(', ');
      return {
        ...base,
        ...locator.valueSpan(segments),
        message: `${subject} must be one of ${allowed} (found ${found}).`,
      };
    }
    case 'const':
      return {
        ...base,
        ...locator.valueSpan(segments),
        message: `${subject} must be ${JSON.stringify(params.allowedValue)} (found ${found}): this version of MLOps Workbench reads format version 1.`,
      };
    case 'type':
      if (typeof err.data === 'number' && !Number.isFinite(err.data))
        return {
          ...base,
          ...locator.valueSpan(segments),
          code: 'not-finite',
          message: `${subject} must be a finite number (found ${Number.isNaN(err.data) ? '.nan' : err.data > 0 ? '.inf' : '-.inf'}).`,
        };
      return {
        ...base,
        ...locator.valueSpan(segments),
        message: `${subject} must be ${typeWords(params.type)} (found ${found}).`,
      };
    case 'minLength':
      return { ...base, ...locator.valueSpan(segments), message: `${subject} must not be empty.` };
    case 'pattern': {
      const custom = (err.parentSchema as { patternErrorMessage?: string } | undefined)?.patternErrorMessage;
      return {
        ...base,
        ...locator.valueSpan(segments),
        message: custom
          ? `${subject} ${custom} (found ${found}).`
          : `${subject} does not match the pattern ${String(params.pattern)}.`,
      };
    }
    case 'anyOf': {
      const what = (err.parentSchema as { description?: string } | undefined)?.description;
      return {
        ...base,
        ...locator.valueSpan(segments),
        message: `${subject} is not valid (found ${found})${what ? `: ${what.replace(/\.$/, '')}` : ''}.`,
      };
    }
    default:
      return { ...base, ...locator.valueSpan(segments), message: `${subject} ${err.message ?? 'is not valid'}.` };
  }
}

/**
 * The errors worth showing: an `if` error only repeats the `then` errors beneath it, and the errors of each branch of
 * an `anyOf` are summed up by the `anyOf` error itself.
 */
function relevantErrors(errors: readonly ErrorObject[]): ErrorObject[] {
  const anyOf = new Set(errors.filter((e) => e.keyword === 'anyOf').map((e) => e.schemaPath));
  // Within a branch of an anyOf: the schema path continues `<anyOf path>/<branch>/...`. One look-up per anyOf on the
  // path, not one comparison per anyOf error.
  const inBranch = (schemaPath: string): boolean => {
    for (let at = schemaPath.indexOf('/anyOf/'); at !== -1; at = schemaPath.indexOf('/anyOf/', at + 1))
      if (anyOf.has(schemaPath.slice(0, at + '/anyOf'.length))) return true;
    return false;
  };
  return errors.filter((e) => e.keyword !== 'if' && !(anyOf.size > 0 && inBranch(e.schemaPath)));
}

/** Words longer than this get no suggestion. */
const MAX_SUGGESTED_LENGTH = 64;

/** Suggestions compare with at most this many known names. */
const MAX_SUGGESTION_CANDIDATES = 1000;

/**
 * The "Did you mean ...?" part of a problem's message, made only for the problems that are listed (see `listed`): it
 * compares the word with every known one, which for thousands of problems would cost more than all the rest.
 */
const hints = new WeakMap<ConfigProblem, () => string>();

function withHint(problem: ConfigProblem, hint: () => string): ConfigProblem {
  hints.set(problem, hint);
  return problem;
}

/** The known word closest to a misspelt one (edit distance <= 2), if any. */
function closest(word: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  if (word.length > MAX_SUGGESTED_LENGTH) return undefined;
  for (const candidate of known) {
    // Lengths that differ by 3 or more are 3 or more edits apart.
    if (Math.abs(candidate.length - word.length) >= bestDistance) continue;
    const d = editDistance(word.toLowerCase(), candidate.toLowerCase(), bestDistance - 1);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/**
 * The edit distance of two words when it is at most `max`, else `max + 1`. Only the diagonal band of width `max` is
 * computed: a cost of `a.length * (2 * max + 1)`.
 */
function editDistance(a: string, b: string, max: number): number {
  const over = max + 1;
  if (Math.abs(a.length - b.length) > max) return over;
  let previous: number[] = [];
  let current: number[] = [];
  for (let j = 0; j <= b.length; j++) previous[j] = Math.min(j, over);
  for (let i = 1; i <= a.length; i++) {
    const low = Math.max(1, i - max);
    const high = Math.min(b.length, i + max);
    current[low - 1] = low === 1 ? Math.min(i, over) : over;
    let rowMin = current[low - 1] ?? over;
    for (let j = low; j <= high; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const value = Math.min((previous[j] ?? over) + 1, (current[j - 1] ?? over) + 1, (previous[j - 1] ?? over) + cost);
      current[j] = Math.min(value, over);
      rowMin = Math.min(rowMin, current[j] ?? over);
    }
    if (high < b.length) current[high + 1] = over;
    if (rowMin >= over) return over;
    [previous, current] = [current, previous];
  }
  return Math.min(previous[b.length] ?? over, over);
}

// ------------------------------------------------------------------------------------------------ cross checks

function crossChecks(data: Record<string, unknown>, locator: Locator): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const uniqueNames = (
    section: 'models' | 'datasets' | 'metrics',
    field: 'name' | 'key',
    severity: ProblemSeverity,
  ): Map<string, number> => {
    const seen = new Map<string, number>();
    const list = data[section];
    if (!Array.isArray(list)) return seen;
    list.forEach((entry: unknown, index) => {
      if (!isRecord(entry) || typeof entry[field] !== 'string') return;
      const name = entry[field];
      const first = seen.get(name);
      if (first === undefined) {
        seen.set(name, index);
        return;
      }
      const segments = [section, index, field];
      problems.push({
        ...locator.valueSpan(segments),
        message: `${formatConfigPath(segments)} "${shortened(name)}" is already used by ${section}[${first}]: each ${field} must be unique.`,
        severity,
        path: formatConfigPath(segments),
        code: 'duplicate-name',
      });
    });
    return seen;
  };
  uniqueNames('models', 'name', 'error');
  const datasets = uniqueNames('datasets', 'name', 'error');
  uniqueNames('metrics', 'key', 'warning');

  const models = Array.isArray(data.models) ? data.models : [];
  const known = [...datasets.keys()];
  // Suggestions look among the first datasets only: a bound on the work for a file of thousands of them.
  const candidates = known.slice(0, MAX_SUGGESTION_CANDIDATES);
  models.forEach((model: unknown, modelIndex) => {
    if (!isRecord(model) || !Array.isArray(model.datasets)) return;
    model.datasets.forEach((name: unknown, i) => {
      if (typeof name !== 'string' || datasets.has(name)) return;
      const segments = ['models', modelIndex, 'datasets', i];
      const hint = (): string => {
        const suggestion = closest(name, candidates);
        return suggestion
          ? ` Did you mean "${suggestion}"?`
          : known.length
            ? ` Known datasets: ${someOf(known)}.`
            : ' Add it to the datasets section.';
      };
      problems.push(
        withHint(
          {
            ...locator.valueSpan(segments),
            message: `${formatConfigPath(segments)} names "${shortened(name)}", which is not in the datasets section.`,
            severity: 'error',
            path: formatConfigPath(segments),
            code: 'unknown-dataset',
          },
          hint,
        ),
      );
    });
  });

  const checkPath = (segments: Segment[], value: unknown) => {
    if (typeof value !== 'string') return;
    const where = formatConfigPath(segments);
    if (path.isAbsolute(value) || /^[A-Za-z]:[\\/]/.test(value)) {
      problems.push({
        ...locator.valueSpan(segments),
        message: `${where} should be relative to the workspace folder, so the file works on every clone.`,
        severity: 'warning',
        path: where,
        code: 'absolute-path',
      });
    } else if (normalizeConfigPath(value).split('/').includes('..')) {
      problems.push({
        ...locator.valueSpan(segments),
        message: `${where} points outside the workspace folder ("..").`,
        severity: 'warning',
        path: where,
        code: 'outside-path',
      });
    }
  };
  for (const section of ['models', 'datasets'] as const) {
    const list = data[section];
    if (!Array.isArray(list)) continue;
    list.forEach((entry: unknown, index) => {
      if (!isRecord(entry)) return;
      checkPath([section, index, 'path'], entry.path);
      if (section === 'models' && Array.isArray(entry.metrics))
        entry.metrics.forEach((m: unknown, i) => checkPath([section, index, 'metrics', i], m));
    });
  }
  const telemetry = data.telemetry;
  if (isRecord(telemetry)) {
    if (Array.isArray(telemetry.sources))
      telemetry.sources.forEach((entry: unknown, index) => {
        if (isRecord(entry)) checkPath(['telemetry', 'sources', index, 'path'], entry.path);
      });
    if (Array.isArray(telemetry.slos))
      telemetry.slos.forEach((entry: unknown, index) => {
        if (!isRecord(entry) || ['maxErrorRate', 'latency', 'minRequests'].some((key) => key in entry)) return;
        const segments = ['telemetry', 'slos', index];
        problems.push({
          ...locator.parentSpan(segments),
          message: `${formatConfigPath(segments)} sets no objective: give it maxErrorRate, latency or minRequests.`,
          severity: 'error',
          path: formatConfigPath(segments),
          code: 'no-objective',
        });
      });
    // The drift dataset is a name from the datasets section or a path (it has a / or an extension).
    const dataset = isRecord(telemetry.drift) ? telemetry.drift.dataset : undefined;
    if (typeof dataset === 'string' && !datasets.has(dataset) && !/[/\\.]/.test(dataset)) {
      const segments = ['telemetry', 'drift', 'dataset'];
      problems.push({
        ...locator.valueSpan(segments),
        message: `${formatConfigPath(segments)} names "${shortened(dataset)}", which is not in the datasets section (nor a path).${known.length ? ` Known datasets: ${someOf(known)}.` : ''}`,
        severity: 'error',
        path: formatConfigPath(segments),
        code: 'unknown-dataset',
      });
    } else if (typeof dataset === 'string' && !datasets.has(dataset)) {
      checkPath(['telemetry', 'drift', 'dataset'], dataset);
    }
  }
  return problems;
}

// ------------------------------------------------------------------------------------------------ typed config

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Forward slashes, no leading `./`, no trailing `/`. */
export function normalizeConfigPath(value: string): string {
  let out = value
    .trim()
    .replace(/\\/g, '/')
    .replace(/\/{2,}/g, '/');
  while (out.startsWith('./')) out = out.slice(2);
  if (out.length > 1 && out.endsWith('/')) out = out.slice(0, -1);
  return out;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const texts = (value: unknown): string[] =>
  Array.isArray(value)
    ? value.filter((v): v is string => typeof v === 'string' && v.length > 0)
    : typeof value === 'string' && value
      ? [value]
      : [];
const oneOf = <T extends string>(value: unknown, allowed: readonly T[]): T | undefined =>
  allowed.includes(value as T) ? (value as T) : undefined;

/** Builds the typed configuration from parsed YAML, keeping whatever is usable. */
function toConfig(
  data: Record<string, unknown>,
  positionOf: (segments: readonly Segment[]) => SourcePosition | undefined,
): MlopsConfig {
  const config = emptyConfig();
  const known = new Set(Object.keys((schema as { properties: object }).properties));
  config.project = text(data.project) ?? '';
  /** The mapping entries of a list, with where each starts in the file. */
  const records = (section: string) => {
    const value = data[section];
    if (!Array.isArray(value)) return [];
    return value.flatMap((entry: unknown, index) =>
      isRecord(entry) ? [{ entry, position: positionOf([section, index]) }] : [],
    );
  };
  const at = (position: SourcePosition | undefined) => (position ? { position } : {});
  const nameOf = (entry: Record<string, unknown>): { name: string; path: string } | undefined => {
    const entryPath = text(entry.path) ? normalizeConfigPath(entry.path as string) : '';
    const name = text(entry.name) || (entryPath ? path.posix.basename(entryPath) : '');
    return name ? { name, path: entryPath } : undefined;
  };
  for (const { entry, position } of records('models')) {
    const id = nameOf(entry);
    if (!id) continue;
    const model: ModelConfig = {
      ...id,
      datasets: texts(entry.datasets),
      metrics: texts(entry.metrics).map(normalizeConfigPath),
      tags: texts(entry.tags),
      ...at(position),
    };
    if (text(entry.description) !== undefined) model.description = entry.description as string;
    if (text(entry.owner) !== undefined) model.owner = entry.owner as string;
    const stage = oneOf(entry.stage, MODEL_STAGES);
    if (stage) model.stage = stage;
    config.models.push(model);
  }
  for (const { entry, position } of records('datasets')) {
    const id = nameOf(entry);
    if (!id) continue;
    const dataset: DatasetConfig = { ...id, ...at(position) };
    if (text(entry.description) !== undefined) dataset.description = entry.description as string;
    if (text(entry.format)) dataset.format = entry.format as string;
    if (entry.schema !== undefined && entry.schema !== null) dataset.schema = entry.schema;
    if (entry.drift !== undefined && entry.drift !== null) dataset.drift = entry.drift;
    config.datasets.push(dataset);
  }
  for (const { entry, position } of records('metrics')) {
    if (!text(entry.key)) continue;
    const metric: MetricDefinition = { key: entry.key as string, ...at(position) };
    if (text(entry.label) !== undefined) metric.label = entry.label as string;
    if (text(entry.unit) !== undefined) metric.unit = entry.unit as string;
    const goal = oneOf(entry.goal, METRIC_GOALS);
    if (goal) metric.goal = goal;
    if (typeof entry.threshold === 'number' && Number.isFinite(entry.threshold)) metric.threshold = entry.threshold;
    config.metrics.push(metric);
  }
  if (isRecord(data.conventions)) {
    const conventions: Conventions = {};
    for (const kind of CONVENTION_KINDS) {
      const patterns = texts(data.conventions[kind]);
      if (patterns.length) conventions[kind] = patterns;
    }
    config.conventions = conventions;
  }
  config.exclude = texts(data.exclude);
  if (data.checks !== undefined && data.checks !== null) config.checks = data.checks;
  if (data.notebooks !== undefined && data.notebooks !== null) config.notebooks = data.notebooks;
  if (data.telemetry !== undefined && data.telemetry !== null) config.telemetry = data.telemetry;
  for (const [key, value] of Object.entries(data)) if (!known.has(key)) config.unknownSections[key] = value;
  return config;
}
