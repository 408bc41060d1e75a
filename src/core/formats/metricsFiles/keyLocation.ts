// Finds the line of a (possibly nested) key in a metrics file, so a finding can point at `"f1": 0.71`. The values
// come from parse.ts; this adds where a key sits, which the value parsers do not keep.
import { lineColumn } from '../../textPosition';
import { scanJson } from '../jsonScan';
import { locateYamlKey } from '../yamlText';
import { formatOf } from './parse';

/** 1-based line and column. */
export interface KeyPosition {
  line: number;
  column: number;
}

/** Files above this size are not searched for positions. */
const MAX_LOCATE_BYTES = 8 * 1024 * 1024;

/** Whether a path of keys, joined with `.` or `/`, names the metric key. */
function sameKey(segments: readonly (string | number)[], key: string): boolean {
  if (segments.length === 0) return false;
  const dotted = segments.join('.');
  return dotted === key || segments.join('/') === key;
}

/** Position of the key `key` (flattened with `.`) in a metrics file's text; undefined when not found. */
export function locateKey(text: string, file: string, key: string): KeyPosition | undefined {
  if (text.length > MAX_LOCATE_BYTES) return undefined;
  const format = formatOf(file);
  if (format === 'json') return locateJson(text, key);
  if (format === 'toml') return locateToml(text, key);
  if (format === 'yaml') return locateYaml(text, key);
  return undefined;
}

function locateJson(text: string, key: string): KeyPosition | undefined {
  let found: number | undefined;
  scanJson(text, (path, _valueOffset, keyOffset) => {
    if (keyOffset !== undefined && path.every((p) => typeof p === 'string') && sameKey(path, key)) {
      found = keyOffset;
      return true;
    }
    return false;
  });
  return found === undefined ? undefined : lineColumn(text, found);
}

function locateYaml(text: string, key: string): KeyPosition | undefined {
  return locateYamlKey(text, (path) => sameKey(path, key));
}

function locateToml(text: string, key: string): KeyPosition | undefined {
  let table: string[] = [];
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index];
    const header = /^\s*\[\s*([^\]]+?)\s*\]\s*(#.*)?$/.exec(line);
    if (header) {
      table = header[1].split('.').map((s) => s.trim().replace(/^"(.*)"$/, '$1'));
      continue;
    }
    const pair = /^(\s*)("?)([A-Za-z0-9_.\-/]+)\2\s*=/.exec(line);
    if (pair && sameKey([...table, ...pair[3].split('.')], key)) return { line: index + 1, column: pair[1].length + 1 };
  }
  return undefined;
}
