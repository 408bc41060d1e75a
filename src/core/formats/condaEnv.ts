// Conda environment files (`environment.yml`): the dependencies they list, conda specs and the `pip:` sub-list, with
// where each starts. The only reader of this format.
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { MAX_YAML_DEPTH, nestingBeyond } from './yamlText';

export interface CondaDependency {
  /** As written, e.g. `numpy=1.26`, `conda-forge::pandas`, or for pip `requests==2.32.3`. */
  spec: string;
  /** From the `pip:` sub-list. */
  pip: boolean;
  /** 1-based. */
  line: number;
  column: number;
}

/** The text is not a YAML document; the position is 1-based. */
export class CondaEnvError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
    this.name = 'CondaEnvError';
  }
}

/** The dependencies of a conda environment file, in file order. Throws CondaEnvError when it is not valid YAML. */
export function readCondaDependencies(text: string): CondaDependency[] {
  const excess = nestingBeyond(text, MAX_YAML_DEPTH);
  if (excess)
    throw new CondaEnvError(
      `collections nested more than ${MAX_YAML_DEPTH} levels deep`,
      excess.line + 1,
      excess.column + 1,
    );
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter });
  const first = doc.errors[0];
  if (first) {
    const { line, col } = counter.linePos(first.pos[0]);
    throw new CondaEnvError(first.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, ''), line, col);
  }
  const out: CondaDependency[] = [];
  const root = doc.contents as Node | null;
  const dependencies = isMap(root) ? (root.get('dependencies', true) as Node | undefined) : undefined;
  if (!isSeq(dependencies)) return out;
  const add = (node: Node, spec: string, pip: boolean): void => {
    const at = node.range ? counter.linePos(node.range[0]) : { line: 1, col: 1 };
    out.push({ spec, pip, line: at.line, column: at.col });
  };
  for (const item of dependencies.items as Node[]) {
    if (isScalar(item) && typeof item.value === 'string') add(item, item.value, false);
    else if (isMap(item)) {
      const pip = item.get('pip', true) as Node | undefined;
      if (isSeq(pip))
        for (const entry of pip.items as Node[])
          if (isScalar(entry) && typeof entry.value === 'string') add(entry, entry.value, true);
    }
  }
  return out;
}
