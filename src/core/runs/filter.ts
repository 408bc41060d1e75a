// The Runs table's filter language, shared by the panel and `mlops runs list`: a hand-written recursive-descent
// parser (no eval) that compiles an expression once into a predicate over rows. Browser-safe.
//
//   expr       := or
//   or         := and ('or' and)*
//   and        := not (['and'] not)*            adjacent terms are and-ed
//   not        := 'not' not | primary
//   primary    := '(' expr ')' | qualifier | comparison | text
//   qualifier  := NAME ':' value                tag: label: source: status: experiment: branch: author: commit: note: has:
//   comparison := column op value               op: = == != < <= > >= ~
//   column     := segment ('.' segment)*        segment: bare word or quoted string (metrics."val/loss".min)
//   text       := word | quoted string         text search over name, commit, run id, experiment, note
import { columnAccessor, columnRefOf, type ColumnRef } from './columns';
import type { CellValue, RunRow } from './model';

/** A filter expression's error: where it is (0-based offset and length into the expression) and what is wrong. */
export class FilterError extends Error {
  constructor(
    message: string,
    readonly offset: number,
    readonly length: number,
  ) {
    super(message);
    this.name = 'FilterError';
  }
}

export type ComparisonOp = '=' | '!=' | '<' | '<=' | '>' | '>=' | '~';

export const QUALIFIERS = [
  'tag',
  'label',
  'source',
  'status',
  'experiment',
  'branch',
  'author',
  'commit',
  'note',
  'has',
] as const;
export type Qualifier = (typeof QUALIFIERS)[number];

/** A value on the right of an operator or a qualifier: its text, and its number when it reads as one. */
export interface FilterValue {
  text: string;
  quoted: boolean;
  number?: number;
}

export type FilterNode =
  | { kind: 'all' }
  | { kind: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { kind: 'not'; operand: FilterNode }
  | { kind: 'compare'; column: ColumnRef; columnText: string; op: ComparisonOp; value: FilterValue; offset: number }
  | { kind: 'qualifier'; name: Qualifier; value: FilterValue; offset: number }
  | { kind: 'text'; value: FilterValue; offset: number };

const OPS: readonly string[] = ['<=', '>=', '!=', '==', '=', '<', '>', '~'];
/** Characters that end a bare word. */
const STOP = new Set([' ', '\t', '\n', '\r', '(', ')', '"', "'", '<', '>', '=', '!', '~', ':']);
const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r';

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/i;

/** The number a value text reads as: decimals, exponents, `nan`, `inf`, `-inf`, `infinity`; else undefined. */
export function numberOf(text: string): number | undefined {
  const t = text.trim().toLowerCase();
  if (NUMBER.test(t)) return Number(t);
  if (t === 'nan') return NaN;
  if (t === 'inf' || t === '+inf' || t === 'infinity' || t === '+infinity') return Infinity;
  if (t === '-inf' || t === '-infinity') return -Infinity;
  return undefined;
}

class Parser {
  private pos = 0;
  constructor(private readonly src: string) {}

  parse(): FilterNode {
    this.skip();
    if (this.pos >= this.src.length) return { kind: 'all' };
    const node = this.or();
    this.skip();
    if (this.pos < this.src.length) {
      const c = this.src.charAt(this.pos);
      throw this.error(
        c === ')' ? `unexpected ')' at column ${this.pos + 1}: no '(' opens it` : `unexpected '${c}'`,
        this.pos,
        1,
        c === ')',
      );
    }
    return node;
  }

  private error(message: string, offset: number, length: number, placed = false): FilterError {
    return new FilterError(placed ? message : `${message} at column ${offset + 1}`, offset, length);
  }

  private skip(): void {
    while (this.pos < this.src.length && isSpace(this.src.charAt(this.pos))) this.pos++;
  }

  /** Whether a keyword (case-insensitive) starts here as a whole word. */
  private keyword(word: string): boolean {
    const end = this.pos + word.length;
    if (this.src.slice(this.pos, end).toLowerCase() !== word) return false;
    const next = this.src.charAt(end);
    return next === '' || isSpace(next) || next === '(' || next === ')' || next === '"' || next === "'";
  }

  private or(): FilterNode {
    let left = this.and();
    for (;;) {
      this.skip();
      if (!this.keyword('or')) return left;
      const at = this.pos;
      this.pos += 2;
      this.skip();
      if (this.atEndOfTerm()) throw this.error(`expected a condition after 'or'`, at, 2);
      left = { kind: 'or', left, right: this.and() };
    }
  }

  private atEndOfTerm(): boolean {
    return this.pos >= this.src.length || this.src.charAt(this.pos) === ')';
  }

  private and(): FilterNode {
    let left = this.not();
    for (;;) {
      this.skip();
      if (this.atEndOfTerm() || this.keyword('or')) return left;
      if (this.keyword('and')) {
        const at = this.pos;
        this.pos += 3;
        this.skip();
        if (this.atEndOfTerm() || this.keyword('or') || this.keyword('and'))
          throw this.error(`expected a condition after 'and'`, at, 3);
      }
      left = { kind: 'and', left, right: this.not() };
    }
  }

  private not(): FilterNode {
    this.skip();
    if (this.keyword('not')) {
      const at = this.pos;
      this.pos += 3;
      this.skip();
      if (this.atEndOfTerm() || this.keyword('or') || this.keyword('and'))
        throw this.error(`expected a condition after 'not'`, at, 3);
      return { kind: 'not', operand: this.not() };
    }
    return this.primary();
  }

  private primary(): FilterNode {
    this.skip();
    const start = this.pos;
    const c = this.src.charAt(this.pos);
    if (c === '(') {
      this.pos++;
      this.skip();
      if (this.src.charAt(this.pos) === ')') throw this.error(`expected a condition inside '()'`, start, 2);
      const inner = this.or();
      this.skip();
      if (this.src.charAt(this.pos) !== ')')
        throw this.error(`expected ')' to close the '(' at column ${start + 1}`, this.pos, 1, true);
      this.pos++;
      return inner;
    }
    for (const word of ['and', 'or'])
      if (this.keyword(word)) throw this.error(`expected a condition before '${word}'`, start, word.length);
    const op = this.peekOp();
    if (op) throw this.error(`expected a column name before '${op}'`, this.pos, op.length);
    if (c === ':') throw this.error(`expected a qualifier name before ':'`, this.pos, 1);
    const segments = this.segments();
    const end = this.pos;
    const raw = this.src.slice(start, end);
    // qualifier: a single bare word right before ':'
    if (this.src.charAt(this.pos) === ':') {
      const name = raw.toLowerCase();
      if (segments.length !== 1 || segments[0]?.quoted || !(QUALIFIERS as readonly string[]).includes(name))
        throw this.error(
          `unknown qualifier '${raw}' (known: ${QUALIFIERS.join(', ')}); quote text that contains ':'`,
          start,
          end - start,
        );
      const colon = this.pos;
      this.pos++;
      const value = this.qualifierValue();
      if (!value) throw this.error(`expected a value after '${raw}:'`, colon, 1);
      return { kind: 'qualifier', name: name as Qualifier, value, offset: start };
    }
    this.skip();
    const after = this.peekOp();
    if (after) {
      const opAt = this.pos;
      this.pos += after.length;
      this.skip();
      const value = this.value();
      if (!value) throw this.error(`expected a value after '${after}'`, opAt, after.length);
      return {
        kind: 'compare',
        column: columnRefOf(segments),
        columnText: raw,
        op: after === '==' ? '=' : (after as ComparisonOp),
        value,
        offset: start,
      };
    }
    const [only] = segments;
    const text = segments.length === 1 && only?.quoted ? only.text : raw;
    return { kind: 'text', value: { text, quoted: only?.quoted === true && segments.length === 1 }, offset: start };
  }

  private peekOp(): string | undefined {
    for (const op of OPS) if (this.src.startsWith(op, this.pos)) return op;
    return undefined;
  }

  private quoted(): string {
    const start = this.pos;
    const quote = this.src.charAt(this.pos);
    this.pos++;
    let out = '';
    while (this.pos < this.src.length) {
      const c = this.src.charAt(this.pos);
      if (c === '\\' && this.pos + 1 < this.src.length) {
        out += this.src.charAt(this.pos + 1);
        this.pos += 2;
        continue;
      }
      if (c === quote) {
        this.pos++;
        return out;
      }
      out += c;
      this.pos++;
    }
    throw this.error(
      `unterminated string: the ${quote} at column ${start + 1} is never closed`,
      start,
      this.src.length - start,
      true,
    );
  }

  /** A column path or a word: bare words and quoted strings joined by dots, with no space between. */
  private segments(): { text: string; quoted: boolean }[] {
    const out: { text: string; quoted: boolean }[] = [];
    for (;;) {
      const c = this.src.charAt(this.pos);
      if (c === '"' || c === "'") {
        out.push({ text: this.quoted(), quoted: true });
      } else {
        const start = this.pos;
        while (this.pos < this.src.length && !STOP.has(this.src.charAt(this.pos))) this.pos++;
        const word = this.src.slice(start, this.pos);
        if (!word) {
          if (out.length === 0) throw this.error(`expected a condition`, this.pos, 1);
          break;
        }
        // `a.b` is two segments; `.`s next to a quoted segment only separate.
        const parts = word.split('.');
        parts.forEach((part, i) => {
          const edge = (i === 0 && out.length > 0) || (i === parts.length - 1 && parts.length > 1);
          if (part || !edge) out.push({ text: part, quoted: false });
        });
      }
      const next = this.src.charAt(this.pos);
      if (next !== '"' && next !== "'" && (next === '' || STOP.has(next))) break;
    }
    // A plain number (`0.8`) or a word with dots is one segment when it is text; columnRefOf gets the parts.
    return out;
  }

  private value(): FilterValue | undefined {
    const c = this.src.charAt(this.pos);
    if (c === '"' || c === "'") {
      const text = this.quoted();
      return withNumber({ text, quoted: true });
    }
    const start = this.pos;
    while (
      this.pos < this.src.length &&
      !isSpace(this.src.charAt(this.pos)) &&
      this.src.charAt(this.pos) !== '(' &&
      this.src.charAt(this.pos) !== ')'
    )
      this.pos++;
    const text = this.src.slice(start, this.pos);
    if (!text) return undefined;
    if (/^(and|or)$/i.test(text)) {
      this.pos = start;
      return undefined;
    }
    const op = OPS.find((o) => text.startsWith(o));
    if (op) throw this.error(`expected a value, not '${op}'`, start, op.length);
    return withNumber({ text, quoted: false });
  }

  private qualifierValue(): FilterValue | undefined {
    const c = this.src.charAt(this.pos);
    if (isSpace(c) || c === '') return undefined;
    return this.value();
  }
}

function withNumber(value: FilterValue): FilterValue {
  const number = numberOf(value.text);
  return number === undefined ? value : { ...value, number };
}

/** Parses a filter expression; an empty one matches every row. Throws a FilterError. */
export function parseFilter(expression: string): FilterNode {
  return new Parser(expression).parse();
}

// ---- compiling ---------------------------------------------------------------------------------------------------

export type RowPredicate = (row: RunRow) => boolean;

const hasWildcard = (text: string): boolean => /[*?]/.test(text);

/** A case-insensitive whole-text glob (`*` any run of characters, `?` one character); no other syntax. */
export function globRegExp(glob: string): RegExp {
  let out = '';
  for (const c of glob) {
    if (c === '*') out += '.*';
    else if (c === '?') out += '.';
    else out += c.replace(/[\\^$.|+()[\]{}/-]/g, '\\$&');
  }
  return new RegExp(`^${out}$`, 'is');
}

/** Matches a text: a glob when the pattern has `*` or `?`, else case-insensitive equality (or containment). */
function textMatcher(pattern: string, contains: boolean): (text: string) => boolean {
  if (hasWildcard(pattern)) {
    const re = contains ? globRegExp(`*${pattern}*`) : globRegExp(pattern);
    return (t) => re.test(t);
  }
  const lower = pattern.toLowerCase();
  return contains ? (t) => t.toLowerCase().includes(lower) : (t) => t.toLowerCase() === lower;
}

const DURATION = /^(\d+(?:\.\d+)?|\.\d+)(ms|s|sec|m|min|h|d)$/i;
const DURATION_UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  sec: 1000,
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/** A duration value in milliseconds: `90s`, `5m`, `1.5h`, `2d`, `250ms`; a plain number is seconds. */
export function durationOf(value: FilterValue): number | undefined {
  const m = DURATION.exec(value.text.trim());
  if (m) return Number(m[1]) * (DURATION_UNITS[(m[2] as string).toLowerCase()] ?? 1);
  return value.number === undefined ? undefined : value.number * 1000;
}

/** A time value in milliseconds since the epoch: an ISO date (`2024-05-01`, `2024-05-01T10:30`); else a number. */
export function timeOf(value: FilterValue): number | undefined {
  if (/^\d{4}-\d{2}(-\d{2})?([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value.text.trim())) {
    const text = value.text.trim();
    // A date and time without an offset is UTC too (as a date alone is), the same on every machine.
    const t = Date.parse(
      /[T ]/.test(text) && !/(Z|[+-]\d{2}:?\d{2})$/.test(text) ? `${text.replace(' ', 'T')}Z` : text,
    );
    return Number.isNaN(t) ? undefined : t;
  }
  return value.number;
}

function numericCompare(op: ComparisonOp, target: number): (n: number) => boolean {
  if (Number.isNaN(target)) {
    // Only `= nan` and `!= nan` mean anything with NaN.
    if (op === '=') return (n) => Number.isNaN(n);
    if (op === '!=') return (n) => !Number.isNaN(n);
    return () => false;
  }
  switch (op) {
    case '=':
      return (n) => n === target;
    case '!=':
      return (n) => n !== target && !Number.isNaN(n);
    case '<':
      return (n) => n < target;
    case '<=':
      return (n) => n <= target;
    case '>':
      return (n) => n > target;
    case '>=':
      return (n) => n >= target;
    case '~':
      return () => false;
  }
}

function textCompare(op: ComparisonOp, target: string): (t: string) => boolean {
  switch (op) {
    case '=':
      return (t) => t === target;
    case '!=':
      return (t) => t !== target;
    case '<':
      return (t) => t < target;
    case '<=':
      return (t) => t <= target;
    case '>':
      return (t) => t > target;
    case '>=':
      return (t) => t >= target;
    case '~':
      return textMatcher(target, true);
  }
}

/** The cell test of a comparison (semantics in the README's "Runs table" section). */
function cellTest(op: ComparisonOp, target: number | undefined, text: string): (cell: CellValue) => boolean {
  const onText = textCompare(op, text);
  if (op === '~') return (cell) => cell !== null && onText(String(cell));
  const onNumber = target === undefined ? undefined : numericCompare(op, target);
  return (cell) => {
    if (cell === null) return false;
    if (typeof cell === 'number') {
      if (onNumber) return onNumber(cell);
      // A number against a text: they differ, and do not order.
      return op === '!=' && !Number.isNaN(cell);
    }
    return onText(typeof cell === 'string' ? cell : String(cell));
  };
}

function compileCompare(node: Extract<FilterNode, { kind: 'compare' }>): RowPredicate {
  const read = columnAccessor(node.column);
  let target = node.value.number;
  if (node.column.group === 'run' && node.column.key === 'duration') {
    target = durationOf(node.value);
    if (target === undefined)
      throw new FilterError(
        `'${node.value.text}' is not a duration (write 90s, 5m, 1.5h, 2d or seconds)`,
        node.offset,
        node.columnText.length,
      );
  } else if (node.column.group === 'run' && node.column.key === 'start') {
    target = timeOf(node.value);
    if (target === undefined)
      throw new FilterError(
        `'${node.value.text}' is not a date (write 2024-05-01 or 2024-05-01T10:30)`,
        node.offset,
        node.columnText.length,
      );
  }
  const test = cellTest(node.op, target, node.value.text);
  return (row) => test(read(row));
}

function anyOf(values: readonly string[], match: (text: string) => boolean): boolean {
  for (const v of values) if (match(v)) return true;
  return false;
}

function compileQualifier(node: Extract<FilterNode, { kind: 'qualifier' }>): RowPredicate {
  const pattern = node.value.text;
  const exact = textMatcher(pattern, false);
  const contains = textMatcher(pattern, true);
  switch (node.name) {
    case 'tag':
      return (row) => anyOf(row.tags, exact);
    case 'label':
      return (row) =>
        anyOf(
          row.annotation.labels.map((l) => l.name),
          exact,
        );
    case 'source': {
      const lower = pattern.toLowerCase();
      return (row) =>
        exact(row.sourceKind) ||
        row.sourceKind.startsWith(`${lower}-`) ||
        exact(row.sourceLabel) ||
        exact(row.sourceLocation);
    }
    case 'status':
      return (row) => exact(row.status);
    case 'experiment':
      return (row) => row.experiment !== undefined && exact(row.experiment);
    case 'branch':
      return (row) => anyOf(row.branches, exact);
    case 'author':
      return (row) => row.author !== undefined && contains(row.author);
    case 'commit': {
      const lower = pattern.toLowerCase();
      const prefix = hasWildcard(pattern) ? exact : (t: string): boolean => t.toLowerCase().startsWith(lower);
      return (row) => (row.commit !== undefined && prefix(row.commit)) || prefix(row.runId);
    }
    case 'note':
      return (row) => row.annotation.note !== undefined && contains(row.annotation.note);
    case 'has': {
      const [group, ...rest] = pattern.split('.');
      const key = rest.join('.');
      if (group === 'metrics' && key) return (row) => Object.prototype.hasOwnProperty.call(row.metrics, key);
      if (group === 'params' && key) return (row) => Object.prototype.hasOwnProperty.call(row.params, key);
      return (row) =>
        Object.prototype.hasOwnProperty.call(row.metrics, pattern) ||
        Object.prototype.hasOwnProperty.call(row.params, pattern);
    }
  }
}

function compileText(node: Extract<FilterNode, { kind: 'text' }>): RowPredicate {
  const match = textMatcher(node.value.text, true);
  return (row) =>
    match(row.name) ||
    match(row.runId) ||
    (row.commit !== undefined && match(row.commit)) ||
    (row.experiment !== undefined && match(row.experiment)) ||
    (row.annotation.note !== undefined && match(row.annotation.note));
}

function compileNode(node: FilterNode): RowPredicate {
  switch (node.kind) {
    case 'all':
      return () => true;
    case 'and': {
      const a = compileNode(node.left);
      const b = compileNode(node.right);
      return (row) => a(row) && b(row);
    }
    case 'or': {
      const a = compileNode(node.left);
      const b = compileNode(node.right);
      return (row) => a(row) || b(row);
    }
    case 'not': {
      const a = compileNode(node.operand);
      return (row) => !a(row);
    }
    case 'compare':
      return compileCompare(node);
    case 'qualifier':
      return compileQualifier(node);
    case 'text':
      return compileText(node);
  }
}

/** Parses and compiles a filter expression into a row predicate, once. Throws a FilterError. */
export function compileFilter(expression: string): RowPredicate {
  return compileNode(parseFilter(expression));
}

/** The rows an expression keeps, in their order. Throws a FilterError. */
export function filterRows<T extends RunRow>(rows: readonly T[], expression: string): T[] {
  const keep = compileFilter(expression);
  const out: T[] = [];
  for (const row of rows) if (keep(row)) out.push(row);
  return out;
}

/**
 * An error shown under its expression: the expression (control characters made visible by the caller when it
 * prints to a terminal), a caret line under the error's span, and the message.
 */
export function describeFilterError(expression: string, error: FilterError): string {
  const width = Math.max(1, error.length);
  return `${expression}\n${' '.repeat(error.offset)}${'^'.repeat(width)}\n${error.message}`;
}
