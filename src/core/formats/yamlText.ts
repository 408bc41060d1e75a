// Limits for YAML text from a repository, checked before the text is parsed: the YAML parser composes nested
// collections recursively, so a block sequence nested 1,000 deep exhausts the stack (and can take the process down),
// and flow brackets nested deeply make parsing quadratic. `nestingBeyond` measures the depth with the YAML lexer
// alone (flat tokens, linear) and stops at the first node past the limit. Also the small YAML helpers that readers of
// other YAML formats share.
import {
  CST,
  isAlias,
  isCollection,
  isMap,
  isPair,
  isScalar,
  isSeq,
  Lexer,
  LineCounter,
  parseDocument,
  type Alias,
  type Document,
  type Node,
} from 'yaml';

/** How deep collections may nest in a configuration file; real files stay under 10. */
export const MAX_YAML_DEPTH = 64;

export interface NestingExcess {
  /** 0-based line and column of the first collection past the limit. */
  line: number;
  column: number;
  depth: number;
}

/** Where text passes a limit of `scanYaml`: nested too deep, or too many tokens. */
export interface YamlExcess extends NestingExcess {
  limit: 'depth' | 'tokens';
}

/**
 * How many YAML tokens (scalars, keys and the indicators `-`, `:`, `,`, `[`, `{`, `?`, aliases) text from a repository
 * may have before it is parsed: the parser's time and memory grow with them (about 10 microseconds and a few hundred
 * bytes each), and a configuration has a few hundred.
 */
export const MAX_YAML_TOKENS = 200_000;

/** Token types that each stand for (about) one node of the document. */
const COUNTED = new Set([
  'scalar',
  'single-quoted-scalar',
  'double-quoted-scalar',
  'block-scalar-header',
  'alias',
  'seq-item-ind',
  'explicit-key-ind',
  'map-value-ind',
  'comma',
  'flow-map-start',
  'flow-seq-start',
]);

const CONTROL = new Set([CST.DOCUMENT, CST.FLOW_END, CST.SCALAR]);

/**
 * Where collections nest deeper than `maxDepth` (block and flow nesting counted together), or undefined. Brackets
 * inside quotes, comments and block scalars do not count.
 */
export function nestingBeyond(text: string, maxDepth = MAX_YAML_DEPTH): NestingExcess | undefined {
  const excess = scanYaml(text, maxDepth, Infinity);
  return excess && { line: excess.line, column: excess.column, depth: excess.depth };
}

/**
 * `nestingBeyond`, and where the text has more than `maxTokens` tokens (see MAX_YAML_TOKENS), whichever comes first:
 * both in one pass of the lexer, before the text is parsed.
 */
export function scanYaml(text: string, maxDepth = MAX_YAML_DEPTH, maxTokens = MAX_YAML_TOKENS): YamlExcess | undefined {
  let tokens = 0;
  const block: number[] = [];
  let flow = 0;
  let line = 0;
  let column = 0;
  let nodeColumn: number | undefined;
  let scalarNext = false;
  const enterBlock = (at: number): YamlExcess | undefined => {
    while (block.length > 0 && (block[block.length - 1] ?? 0) > at) block.pop();
    if (block[block.length - 1] !== at) block.push(at);
    return block.length + flow > maxDepth
      ? { limit: 'depth', line, column: at, depth: block.length + flow }
      : undefined;
  };
  for (const token of new Lexer().lex(text)) {
    if (CONTROL.has(token)) {
      if (token === CST.SCALAR) {
        scalarNext = true;
        if (++tokens > maxTokens) return { limit: 'tokens', line, column, depth: block.length + flow };
      }
      // The lexer ends a flow collection that a line indented too little leaves open (an error the parser reports);
      // the lines after it are block lines again, whose nesting counts.
      else if (token === CST.FLOW_END) flow = 0;
      continue;
    }
    let excess: YamlExcess | undefined;
    const type = scalarNext ? undefined : CST.tokenType(token);
    if (type && type !== 'scalar' && COUNTED.has(type) && ++tokens > maxTokens)
      return { limit: 'tokens', line, column, depth: block.length + flow };
    if (scalarNext) {
      scalarNext = false;
      nodeColumn = column;
    } else {
      switch (type) {
        case 'seq-item-ind':
        case 'explicit-key-ind':
          if (flow === 0) excess = enterBlock(column);
          break;
        case 'map-value-ind':
          if (flow === 0) excess = enterBlock(nodeColumn ?? column);
          break;
        case 'flow-map-start':
        case 'flow-seq-start':
          flow++;
          if (block.length + flow > maxDepth) excess = { limit: 'depth', line, column, depth: block.length + flow };
          break;
        case 'flow-map-end':
        case 'flow-seq-end':
          flow = Math.max(0, flow - 1);
          break;
        case 'single-quoted-scalar':
        case 'double-quoted-scalar':
          nodeColumn = column;
          break;
        case 'doc-start':
          block.length = 0;
          flow = 0;
          break;
        default:
          break;
      }
    }
    if (excess) return excess;
    const lastNewline = token.lastIndexOf('\n');
    if (lastNewline === -1) column += token.length;
    else {
      for (let i = token.indexOf('\n'); i !== -1; i = token.indexOf('\n', i + 1)) line++;
      column = token.length - lastNewline - 1;
      nodeColumn = undefined;
    }
  }
  return undefined;
}

/** How many values (scalars and collections, aliases expanded) YAML text from a repository may hold. */
export const MAX_YAML_VALUES = 100_000;

export interface YamlDataLimits {
  /** Collections nested deeper than this (through aliases too) are refused; MAX_YAML_DEPTH by default. */
  maxDepth?: number;
  /** More values than this (aliases expanded) are refused; MAX_YAML_VALUES by default. */
  maxValues?: number;
}

/** Why a document's data was not built, and where (a character offset in the text). */
export interface YamlDataRefusal {
  code: 'too-deep' | 'too-many-values' | 'alias-loop';
  offset: number;
  /** For `alias-loop`: the alias. */
  alias?: string;
}

export interface YamlData {
  /** The document as plain data (mappings as objects, sequences as arrays); undefined when refused. */
  value: unknown;
  refused?: YamlDataRefusal;
  /** Offsets of mapping keys that repeat an earlier key of the same mapping. */
  duplicateKeys: number[];
  /** The node each alias stands for. */
  aliasTargets: Map<Alias, Node>;
}

interface Built {
  value: unknown;
  /** Values within, this one included, aliases expanded. */
  size: number;
  /** Collections nested within, this one included (0 for a scalar), aliases expanded. */
  height: number;
}

class Refused extends Error {
  constructor(readonly refusal: YamlDataRefusal) {
    super(refusal.code);
  }
}

/**
 * The data of a parsed document, in one pass that stays linear in the size of the document whatever it holds: the
 * yaml library's own conversion resolves every alias by scanning the document and writes collection keys out in full,
 * which makes hostile text (thousands of aliases or anchors, collection keys) quadratic, and it follows an alias to
 * the collection holding it into a loop. Here an alias stands for the last node anchored with its name before it (as
 * in YAML), the expansion through aliases is counted against `maxValues` and `maxDepth` (no "billion laughs"), and an
 * alias inside the collection it names is refused. Repeated keys are found with one set per mapping (the library's
 * check compares each key with every earlier one); the later value wins, as in the library.
 */
export function yamlData(doc: Document, limits: YamlDataLimits = {}): YamlData {
  const maxDepth = limits.maxDepth ?? MAX_YAML_DEPTH;
  const maxValues = limits.maxValues ?? MAX_YAML_VALUES;
  const anchors = new Map<string, Node>();
  const built = new Map<Node, Built>();
  const open = new Set<Node>();
  const aliasTargets = new Map<Alias, Node>();
  const duplicateKeys: number[] = [];
  let values = 0;
  const offsetOf = (node: unknown): number => (node as { range?: [number, number, number] | null }).range?.[0] ?? 0;
  const count = (n: number, node: unknown): void => {
    values += n;
    if (values > maxValues) throw new Refused({ code: 'too-many-values', offset: offsetOf(node) });
  };

  /** `node` as data, nested in `depth` collections. */
  const build = (node: unknown, depth: number): Built => {
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      if (!target) {
        count(1, node);
        return { value: null, size: 1, height: 0 }; // the parser reports the unknown anchor
      }
      aliasTargets.set(node, target);
      if (open.has(target)) throw new Refused({ code: 'alias-loop', offset: offsetOf(node), alias: node.source });
      const done = built.get(target);
      if (!done) return { value: null, size: 0, height: 0 }; // not reached: an anchor is built before its aliases
      if (depth + done.height > maxDepth) throw new Refused({ code: 'too-deep', offset: offsetOf(node) });
      count(done.size, node);
      return done;
    }
    const anchor = (node as { anchor?: string } | null)?.anchor;
    if (anchor && node) anchors.set(anchor, node as Node);
    let result: Built;
    if (isCollection(node)) {
      if (depth + 1 > maxDepth) throw new Refused({ code: 'too-deep', offset: offsetOf(node) });
      count(1, node);
      open.add(node);
      let size = 1;
      let height = 0;
      if (isMap(node)) {
        const object: Record<string, unknown> = {};
        const seen = new Set<unknown>();
        for (const pair of node.items) {
          if (!isPair(pair)) continue;
          const key = build(pair.key, depth + 1);
          const value = build(pair.value, depth + 1);
          size += key.size + value.size;
          height = Math.max(height, key.height, value.height);
          if (isScalar(pair.key) && !Number.isNaN(pair.key.value)) {
            if (seen.has(pair.key.value)) duplicateKeys.push(offsetOf(pair.key));
            else seen.add(pair.key.value);
          }
          if (isMergeKey(key.value)) {
            mergeInto(object, value.value);
            continue;
          }
          const name = keyName(key.value);
          if (name in object)
            Object.defineProperty(object, name, {
              value: value.value,
              writable: true,
              enumerable: true,
              configurable: true,
            });
          else object[name] = value.value;
        }
        result = { value: object, size, height: height + 1 };
      } else {
        const array: unknown[] = [];
        for (const item of node.items) {
          const value = build(item, depth + 1);
          size += value.size;
          height = Math.max(height, value.height);
          array.push(value.value);
        }
        result = { value: array, size, height: height + 1 };
      }
      open.delete(node);
    } else {
      count(1, node);
      result = { value: scalarData(isScalar(node) ? node.value : null), size: 1, height: 0 };
    }
    if (anchor && node) built.set(node as Node, result);
    return result;
  };

  try {
    return { value: build(doc.contents, 0).value, duplicateKeys, aliasTargets };
  } catch (err) {
    if (err instanceof Refused) return { value: undefined, refused: err.refusal, duplicateKeys, aliasTargets };
    throw err;
  }
}

/** A scalar's value as data, as the library's `toJS` gives it: big integers as numbers, the rest as it is. */
function scalarData(value: unknown): unknown {
  return typeof value === 'bigint' ? Number(value) : value;
}

/** The `<<` key of a YAML 1.1 document (`%YAML 1.1`), whose value's entries are merged into its mapping. */
function isMergeKey(value: unknown): boolean {
  return typeof value === 'symbol' && value.description === '<<';
}

/** Merges a mapping, or each of a list of mappings, into `object`: the keys it has already stay (YAML 1.1 merge). */
function mergeInto(object: Record<string, unknown>, source: unknown): void {
  for (const from of Array.isArray(source) ? (source as unknown[]) : [source]) {
    if (from === null || typeof from !== 'object' || Array.isArray(from)) continue;
    for (const [key, value] of Object.entries(from))
      if (!Object.prototype.hasOwnProperty.call(object, key))
        Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
  }
}

/** A scalar's value as text, as `String` writes it. */
function scalarText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return value.toString();
  return value === null ? 'null' : '';
}

/** A mapping key as a property name: text as it is, an empty key as "", a collection in short flow style. */
function keyName(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'object') return scalarText(value);
  const out: string[] = [];
  let length = 0;
  // Writes at most ~40 characters however large the key is.
  const write = (v: unknown): void => {
    if (length > 40) return;
    const piece = (text: string) => {
      out.push(text);
      length += text.length;
    };
    if (v !== null && typeof v === 'object') {
      const array = Array.isArray(v);
      piece(array ? '[ ' : '{ ');
      let first = true;
      // for...in stops with the loop: a wide collection is not listed first.
      for (const k in v) {
        if (length > 40) break;
        if (!first) piece(', ');
        first = false;
        if (!array) piece(`${k}: `);
        write((v as Record<string, unknown>)[k]);
      }
      piece(array ? ' ]' : ' }');
    } else piece(scalarText(v));
  };
  write(value);
  const text = out.join('');
  return text.length > 40 ? `${text.slice(0, 36)}...` : text;
}

/**
 * 1-based position of the first mapping key whose path of keys (sequence indexes as text) satisfies `matches`, in
 * document order; undefined when none does or the text is not YAML.
 */
export function locateYamlKey(
  text: string,
  matches: (path: readonly string[]) => boolean,
): { line: number; column: number } | undefined {
  if (nestingBeyond(text)) return undefined;
  const counter = new LineCounter();
  let doc;
  try {
    doc = parseDocument(text, { lineCounter: counter, uniqueKeys: false });
  } catch {
    return undefined;
  }
  let found: number | undefined;
  const walk = (node: Node | null | undefined, path: string[]): void => {
    if (found !== undefined || !node) return;
    if (isMap(node)) {
      for (const pair of node.items) {
        const k = isScalar(pair.key) ? String(pair.key.value) : undefined;
        if (k === undefined) continue;
        const next = [...path, k];
        if (matches(next) && isScalar(pair.key) && pair.key.range) {
          found = pair.key.range[0];
          return;
        }
        walk(pair.value as Node | null, next);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => walk(item as Node | null, [...path, String(index)]));
    }
  };
  walk(doc.contents, []);
  if (found === undefined) return undefined;
  const { line, col } = counter.linePos(found);
  return { line, column: col };
}
