// Edits of mlops.yaml text that keep the rest of the file as written (comments, order, quoting): the rename quick fix
// uses them to update the paths that name a renamed file.
import { isAlias, isMap, isScalar, isSeq, parseDocument, visit, type Scalar } from 'yaml';
import { nestingBeyond } from '../yamlText';

/** Text replacements for every scalar value (not key) of a YAML text that names `from`, keeping its quoting. */
export function pathValueEdits(text: string, from: string, to: string): { range: [number, number]; text: string }[] {
  const clean = (p: string) => p.trim().replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/+$/, '');
  if (nestingBeyond(text)) return [];
  const doc = parseDocument(text, { keepSourceTokens: false });
  if (doc.errors.length) return [];
  const edits: { range: [number, number]; text: string }[] = [];
  visit(doc, {
    Pair(_key, pair) {
      // Keys are names, never paths: visit only the value.
      const value = pair.value;
      if (isScalar(value) && !isAlias(value)) collect(value);
      return undefined;
    },
    Seq(_key, seq) {
      for (const item of seq.items) if (isScalar(item)) collect(item);
      return undefined;
    },
  });
  function collect(node: Scalar): void {
    if (typeof node.value !== 'string' || !node.range || clean(node.value) !== clean(from)) return;
    const quoted =
      node.type === 'QUOTE_DOUBLE'
        ? JSON.stringify(to)
        : node.type === 'QUOTE_SINGLE'
          ? `'${to.replace(/'/g, "''")}'`
          : /^[\w./@+-][\w./@+ -]*$/.test(to) && !/\s$/.test(to)
            ? to
            : JSON.stringify(to);
    edits.push({ range: [node.range[0], node.range[1]], text: quoted });
  }
  return edits
    .sort((a, b) => a.range[0] - b.range[0])
    .filter((e, i, all) => i === 0 || e.range[0] !== all[i - 1]?.range[0]);
}

/** Thrown when an edit cannot find what it changes; the message says what to fix. */
export class ConfigEditError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigEditError';
  }
}

/**
 * mlops.yaml text with `datasets[name=<dataset>].schema` set to `schema` (replacing one already there), the rest of
 * the file kept as written. Throws ConfigEditError when the text does not parse or names no such dataset.
 */
export function setDatasetSchema(text: string, dataset: string, schema: Record<string, unknown>): string {
  if (nestingBeyond(text)) throw new ConfigEditError('mlops.yaml is nested too deeply to edit.');
  const doc = parseDocument(text);
  if (doc.errors.length) throw new ConfigEditError(`mlops.yaml does not parse: ${doc.errors[0]?.message ?? ''}`);
  const datasets = doc.get('datasets', true);
  if (!isSeq(datasets)) throw new ConfigEditError('mlops.yaml has no datasets section.');
  const entry = datasets.items.find((item) => isMap(item) && item.get('name') === dataset);
  if (!entry || !isMap(entry)) throw new ConfigEditError(`mlops.yaml has no dataset named "${dataset}".`);
  entry.set('schema', doc.createNode(schema));
  return doc.toString({ lineWidth: 0 });
}
