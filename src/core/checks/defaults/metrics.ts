// A MetricsProvider that reads each model's metric files from the working tree, or from a revision with `git show`.
// One Run per file. The files are parsed by the metrics-file reader the metrics views use (JSON with NaN/Infinity,
// YAML, TOML, CSV/TSV); this module only turns its errors into check input errors.
import type { MlopsConfig } from '../../formats/mlopsYaml/model';
import type { Logger } from '../../logging';
import {
  flattenScalars,
  MetricsSyntaxError,
  parseMetricsDocument,
  parseStructuredText,
  structuredFormatOf,
  type MetricsFormat,
} from '../../formats/metricsFiles/parse';
import { latest, MetricsError, type MetricSeries, type Run } from '../../metrics/model';
import { outsideMessage } from '../../security/confine';
import { splitKey } from '../metricValues';
import { CheckInputError, type FileLister, type MetricsProvider, type SourcePosition } from '../types';
import type { DefaultGitHelper } from './git';

const MAX_METRICS_BYTES = 16 * 1024 * 1024;

const FORMAT_NAMES: Record<MetricsFormat, string> = {
  json: 'JSON',
  yaml: 'YAML',
  toml: 'TOML',
  csv: 'CSV',
  tsv: 'TSV',
};

function invalid(file: string, message: string, position?: SourcePosition, revision?: string): CheckInputError {
  const where = position ? `${file}:${position.line}:${position.column}` : file;
  return new CheckInputError(
    `${where}${revision ? ` (at ${revision.slice(0, 12)})` : ''}: ${message}`,
    file,
    revision ? undefined : position,
  );
}

/** Runs the reader, turning its errors into CheckInputErrors with the position (left out for another revision). */
function asCheckInput<T>(file: string, revision: string | undefined, read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof MetricsSyntaxError) {
      const { line, column } = err.position as SourcePosition;
      const message =
        err.format === 'toml' ? `${err.reason}.` : `not valid ${FORMAT_NAMES[err.format]} (${err.reason}).`;
      throw invalid(file, message, { line, column }, revision);
    }
    if (err instanceof MetricsError) {
      const message = err.message.startsWith(`${file}:`) ? err.message.slice(file.length + 1).trim() : err.message;
      throw invalid(file, message, undefined, revision);
    }
    throw err;
  }
}

/**
 * Parses a metrics file by extension (.json, .toml, else YAML) with the metrics-file reader. Throws CheckInputError
 * with the position (the position is left out of the error's location when the text comes from another revision).
 */
export function parseMetricsText(text: string, file: string, revision?: string): unknown {
  return asCheckInput(file, revision, () => parseStructuredText(text, file, structuredFormatOf(file)));
}

/** Scalar numeric leaves of a parsed metrics document, keys joined with `.` (strings and booleans are left out). */
export function flattenMetrics(value: unknown): Map<string, number> {
  const out = new Map<string, number>();
  if (value === null || typeof value !== 'object') return out;
  for (const [key, scalar] of flattenScalars(value, '')) if (typeof scalar === 'number') out.set(key, scalar);
  return out;
}

/**
 * The numeric values of a metrics file as the metrics views read it: scalar numbers of a mapping, and the latest
 * value of each column of a table (CSV/TSV, a list of records).
 */
export function readMetricValues(text: string, file: string, revision?: string): Map<string, number> {
  const doc = asCheckInput(file, revision, () => parseMetricsDocument(text, file));
  const out = new Map<string, number>();
  for (const [key, scalar] of doc.scalars) if (typeof scalar === 'number') out.set(key, scalar);
  for (const series of doc.series) {
    const point = latest(series);
    if (point) out.set(series.key, point.value);
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
        if (files.isOutside?.(file)) throw new CheckInputError(outsideMessage(file), file);
        if (!(await files.stat(file))) {
          logger?.debug(`Metrics file ${file} does not exist.`);
          return undefined;
        }
        const text = await files.readText(file, MAX_METRICS_BYTES);
        return metricsRun(file, readMetricValues(text, file), undefined);
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
        if (files.isOutside?.(file)) throw new CheckInputError(outsideMessage(file), file);
        const text = await git.showFile(revision, file);
        if (text === undefined) return undefined;
        return metricsRun(file, readMetricValues(text, file, revision), undefined, revision);
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
