// A MetricsProvider that reads each model's metric files (JSON, YAML, TOML: scalar numbers, nested keys flattened
// with `.`) from the working tree, or from a revision with `git show`. One Run per file.
import type { MlopsConfig } from '../../formats/mlopsYaml/model';
import { LineCounter, parseDocument } from 'yaml';
import type { Logger } from '../../logging';
import type { MetricSeries, Run } from '../../metrics/model';
import { jsonErrorOffset } from '../jsonScan';
import { metricsFormat } from '../keyLocation';
import { splitKey } from '../metricValues';
import { positionOfOffset, yamlMessage } from '../textPosition';
import { CheckInputError, type FileLister, type MetricsProvider, type SourcePosition } from '../types';
import type { DefaultGitHelper } from './git';

const MAX_METRICS_BYTES = 16 * 1024 * 1024;

function invalid(file: string, message: string, position?: SourcePosition, revision?: string): CheckInputError {
  const where = position ? `${file}:${position.line}:${position.column}` : file;
  return new CheckInputError(
    `${where}${revision ? ` (at ${revision.slice(0, 12)})` : ''}: ${message}`,
    file,
    revision ? undefined : position,
  );
}

/** A minimal TOML reader for metric files: tables, dotted keys, numbers and booleans (strings and arrays are skipped). */
function parseToml(text: string, file: string, revision?: string): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  let table = root;
  const lines = text.split(/\r?\n/);
  const into = (base: Record<string, unknown>, keys: string[]): Record<string, unknown> => {
    let node = base;
    for (const key of keys) {
      const next = node[key];
      if (next && typeof next === 'object') node = next as Record<string, unknown>;
      else node = node[key] = {};
    }
    return node;
  };
  const unquote = (k: string): string => k.trim().replace(/^"(.*)"$|^'(.*)'$/, '$1$2');
  lines.forEach((raw, index) => {
    const line = raw.replace(/\s+#.*$/, '').trim();
    if (!line || line.startsWith('#')) return;
    const header = /^\[\s*([^\]]+?)\s*\]$/.exec(line);
    if (header) {
      table = into(root, header[1].split('.').map(unquote));
      return;
    }
    const pair = /^([^=]+?)\s*=\s*(.+)$/.exec(line);
    if (!pair) throw invalid(file, `cannot read '${raw.trim()}' as TOML.`, { line: index + 1, column: 1 }, revision);
    const keys = pair[1].split('.').map(unquote);
    const rawValue = pair[2].trim().replace(/_/g, '');
    let value: unknown;
    if (/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(rawValue)) value = Number(rawValue);
    else if (/^[+-]?inf$/.test(rawValue)) value = rawValue.startsWith('-') ? -Infinity : Infinity;
    else if (/^[+-]?nan$/.test(rawValue)) value = NaN;
    else if (rawValue === 'true' || rawValue === 'false') value = rawValue === 'true';
    else return;
    into(table, keys.slice(0, -1))[keys[keys.length - 1]] = value;
  });
  return root;
}

/**
 * Parses a metrics file by extension (.json, .toml, else YAML). Throws CheckInputError with the position (the
 * position is left out of the error's location when the text comes from another revision).
 */
export function parseMetricsText(text: string, file: string, revision?: string): unknown {
  const format = metricsFormat(file);
  if (format === 'json') {
    try {
      return JSON.parse(text) as unknown;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const lineColumn = /line (\d+) column (\d+)/.exec(message);
      const offset = /position (\d+)/.exec(message);
      const scanned = lineColumn || offset ? undefined : jsonErrorOffset(text);
      const position = lineColumn
        ? { line: Number(lineColumn[1]), column: Number(lineColumn[2]) }
        : offset
          ? positionOfOffset(text, Number(offset[1]))
          : scanned !== undefined
            ? positionOfOffset(text, scanned)
            : undefined;
      throw invalid(
        file,
        `not valid JSON (${message.replace(/\s*\(line \d+ column \d+\)$/, '')}).`,
        position,
        revision,
      );
    }
  }
  if (format === 'toml') return parseToml(text, file, revision);
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter });
  if (doc.errors.length) {
    const { line, col } = counter.linePos(doc.errors[0].pos[0]);
    throw invalid(file, `not valid YAML (${yamlMessage(doc.errors[0].message)}).`, { line, column: col }, revision);
  }
  return doc.toJS({ maxAliasCount: 100 }) as unknown;
}

/** Scalar numeric leaves of a parsed metrics document, keys joined with `.`. */
export function flattenMetrics(value: unknown, prefix = '', out = new Map<string, number>()): Map<string, number> {
  if (typeof value === 'number') {
    if (prefix) out.set(prefix, value);
  } else if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, child] of Object.entries(value as Record<string, unknown>))
      flattenMetrics(child, prefix ? `${prefix}.${key}` : key, out);
  }
  return out;
}

/** A Run of one metrics file's values. */
export function metricsRun(
  file: string,
  values: Map<string, number>,
  model: string | undefined,
  revision?: string,
): Run {
  const metrics: MetricSeries[] = [...values].map(([key, value]) => ({
    key,
    ...splitKey(key),
    points: [{ step: 0, value }],
  }));
  return {
    id: `${file}@${revision ?? 'workspace'}`,
    source: { kind: 'file', location: file },
    label: revision ? `${file} at ${revision.slice(0, 12)}` : file,
    ...(revision ? { revision } : {}),
    params: {},
    tags: model ? { model } : {},
    status: 'finished',
    metrics,
  };
}

export interface DefaultMetricsOptions {
  config: MlopsConfig;
  files: FileLister;
  git: DefaultGitHelper;
  logger?: Logger;
}

/** Reads the `metrics:` files of each model in the config. */
export function createMetricsProvider({ config, files, git, logger }: DefaultMetricsOptions): MetricsProvider {
  const current = new Map<string, Promise<Run | undefined>>();
  const atRevision = new Map<string, Promise<Run | undefined>>();
  const modelsOf = (name?: string): MlopsConfig['models'] =>
    name === undefined ? config.models : config.models.filter((m) => m.name === name);
  const readCurrent = (file: string): Promise<Run | undefined> => {
    let pending = current.get(file);
    if (!pending) {
      pending = (async () => {
        if (!(await files.stat(file))) {
          logger?.debug(`Metrics file ${file} does not exist.`);
          return undefined;
        }
        const text = await files.readText(file, MAX_METRICS_BYTES);
        return metricsRun(file, flattenMetrics(parseMetricsText(text, file)), undefined);
      })();
      current.set(file, pending);
    }
    return pending;
  };
  const readAt = (revision: string, file: string): Promise<Run | undefined> => {
    const cacheKey = `${revision}\0${file}`;
    let pending = atRevision.get(cacheKey);
    if (!pending) {
      pending = (async () => {
        const text = await git.showFile(revision, file);
        if (text === undefined) return undefined;
        return metricsRun(file, flattenMetrics(parseMetricsText(text, file, revision)), undefined, revision);
      })();
      atRevision.set(cacheKey, pending);
    }
    return pending;
  };
  const collect = async (
    name: string | undefined,
    read: (file: string) => Promise<Run | undefined>,
  ): Promise<Run[]> => {
    const runs: Run[] = [];
    for (const model of modelsOf(name)) {
      for (const file of model.metrics) {
        const run = await read(file);
        if (run) runs.push({ ...run, tags: { ...run.tags, model: model.name } });
      }
    }
    return runs;
  };
  return {
    current: (name) => collect(name, readCurrent),
    atRevision: (revision, name) => collect(name, (file) => readAt(revision, file)),
    mergeBase: () => git.mergeBase(),
  };
}
