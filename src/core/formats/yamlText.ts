// Limits for YAML text from a repository, checked before the text is parsed: the YAML parser composes nested
// collections recursively, so a block sequence nested 1,000 deep exhausts the stack (and can take the process down),
// and flow brackets nested deeply make parsing quadratic. `nestingBeyond` measures the depth with the YAML lexer
// alone (flat tokens, linear) and stops at the first node past the limit. Also the small YAML helpers that readers of
// other YAML formats share.
import { CST, isMap, isScalar, isSeq, Lexer, LineCounter, parseDocument, type Node } from 'yaml';

/** How deep collections may nest in a configuration file; real files stay under 10. */
export const MAX_YAML_DEPTH = 64;

export interface NestingExcess {
  /** 0-based line and column of the first collection past the limit. */
  line: number;
  column: number;
  depth: number;
}

const CONTROL = new Set([CST.DOCUMENT, CST.FLOW_END, CST.SCALAR]);

/**
 * Where collections nest deeper than `maxDepth` (block and flow nesting counted together), or undefined. Brackets
 * inside quotes, comments and block scalars do not count.
 */
export function nestingBeyond(text: string, maxDepth = MAX_YAML_DEPTH): NestingExcess | undefined {
  const block: number[] = [];
  let flow = 0;
  let line = 0;
  let column = 0;
  let nodeColumn: number | undefined;
  let scalarNext = false;
  const enterBlock = (at: number): NestingExcess | undefined => {
    while (block.length > 0 && (block[block.length - 1] ?? 0) > at) block.pop();
    if (block[block.length - 1] !== at) block.push(at);
    return block.length + flow > maxDepth ? { line, column: at, depth: block.length + flow } : undefined;
  };
  for (const token of new Lexer().lex(text)) {
    if (CONTROL.has(token)) {
      if (token === CST.SCALAR) scalarNext = true;
      continue;
    }
    let excess: NestingExcess | undefined;
    if (scalarNext) {
      scalarNext = false;
      nodeColumn = column;
    } else {
      switch (CST.tokenType(token)) {
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
          if (block.length + flow > maxDepth) excess = { line, column, depth: block.length + flow };
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
