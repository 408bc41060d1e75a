// Reads mlops.yaml into the ProjectConfig the checks need, with positions for messages. `loadCheckConfig` is what the
// editor and `mlops check` both use: the schema validation of src/core/config first, and this module's minimal
// reader (which checks only what the checks rely on) when the file does not validate.
import fs from 'node:fs';
import path from 'node:path';
import { isMap, LineCounter, parseDocument, type Node } from 'yaml';
import { ConfigError, ConfigValidator, loadConfig } from '../../config/validate';
import { discoverConfig } from '../../workspace/discoveredConfig';
import { defaultChecks } from '../engine';
import { projectConfigFromMlops } from '../fromMlopsConfig';
import { yamlMessage } from '../textPosition';
import {
  CheckInputError,
  ChecksConfigError,
  type ConfigProblem,
  type Conventions,
  type DatasetEntry,
  type MetricDefinition,
  type ModelEntry,
  type ProjectConfig,
  type SourcePosition,
} from '../types';

export const CONFIG_FILE = 'mlops.yaml';
const MAX_CONFIG_BYTES = 2 * 1024 * 1024;

export interface LoadedConfig {
  config: ProjectConfig;
  /** The file name relative to the root; undefined when the folder has no mlops.yaml (see discoveredCheckConfig). */
  file: string | undefined;
  positionOf: (path: readonly (string | number)[]) => SourcePosition | undefined;
  /** Set when there is no mlops.yaml: what discovery found, which the checks ran on. */
  discovered?: { models: number; datasets: number; notebooks: number };
}

/** Reads `<root>/mlops.yaml`. Throws CheckInputError when it is missing or too large, ChecksConfigError when invalid. */
export function loadProjectConfig(root: string, fileName = CONFIG_FILE): LoadedConfig {
  const full = path.join(root, fileName);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(full);
  } catch {
    throw new CheckInputError(`${fileName} not found in ${root}. Create one with 'mlops init'.`, fileName);
  }
  if (!stat.isFile()) throw new CheckInputError(`${fileName} in ${root} is not a file.`, fileName);
  if (stat.size > MAX_CONFIG_BYTES)
    throw new CheckInputError(`${fileName} is ${stat.size} bytes; a configuration file must be under 2 MB.`, fileName);
  return parseProjectConfig(fs.readFileSync(full, 'utf8'), fileName);
}

/**
 * Reads `<root>/mlops.yaml` the way the editor does: validated against the mlops.yaml schema (loadConfig); when it
 * validates, mapped with projectConfigFromMlops (positions from the same text). When the schema finds errors, the
 * minimal reader takes over: it runs the checks on what they can use, or throws a ChecksConfigError with positions.
 * Throws CheckInputError when the file is missing, unreadable or too large.
 */
export async function loadCheckConfig(
  root: string,
  validator: ConfigValidator = new ConfigValidator(),
): Promise<LoadedConfig> {
  let loaded;
  try {
    loaded = await loadConfig(root, validator);
  } catch (err) {
    if (err instanceof ConfigError) throw new CheckInputError(err.message, CONFIG_FILE);
    throw err;
  }
  if (!loaded.exists) return discoveredCheckConfig(root);
  const { text, validation } = loaded;
  if (text === undefined) {
    // Not a text file: the validator said why.
    throw new ChecksConfigError(
      CONFIG_FILE,
      validation.problems.map((p) => ({
        path: [],
        message: p.message,
        position: { line: p.line + 1, column: p.column + 1 },
      })),
    );
  }
  if (text.length > MAX_CONFIG_BYTES)
    throw new CheckInputError(
      `${CONFIG_FILE} is ${text.length} bytes; a configuration file must be under 2 MB.`,
      CONFIG_FILE,
    );
  if (validation.empty || validation.problems.some((p) => p.severity === 'error'))
    return parseProjectConfig(text, CONFIG_FILE);
  const { positionOf } = documentPositions(text);
  const config = projectConfigFromMlops(validation.config);
  // Without schema errors every entry was usable, so the indexes of the mapped lists are those of the file.
  config.models.forEach((model, i) => (model.position = positionOf(['models', i])));
  config.datasets.forEach((dataset, i) => (dataset.position = positionOf(['datasets', i])));
  config.metrics.forEach((metric, i) => (metric.position = positionOf(['metrics', i])));
  return { config, file: CONFIG_FILE, positionOf };
}

/**
 * The checks of a folder without mlops.yaml: the default set, run on what discovery finds (DVC artifacts and outs,
 * model and data files, notebooks, requirements files, Dockerfiles). Lineage is checked where the folder states it
 * (dvc.yaml), never required: nothing was declared, so an undeclared dataset is not a finding.
 */
export async function discoveredCheckConfig(root: string, signal?: AbortSignal): Promise<LoadedConfig> {
  const discovered = await discoverConfig(root, { signal });
  const config = projectConfigFromMlops(discovered.config);
  config.checks = defaultChecks(config).map((c) => ({
    id: c.id,
    type: c.type,
    severity: c.severity,
    scope: c.scope,
    options: c.type === 'lineage' ? { requireDatasets: false, requireMetrics: false } : c.options,
  }));
  return { config, file: undefined, positionOf: () => undefined, discovered: discovered.counts };
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** What the editor and `mlops check` say when the checks ran without mlops.yaml. */
export function discoveredNotice(counts: { models: number; datasets: number; notebooks: number }): string {
  return `No ${CONFIG_FILE}: the default checks ran on what was found (${plural(counts.models, 'model')}, ${plural(counts.datasets, 'dataset')}, ${plural(counts.notebooks, 'notebook')}). Create ${CONFIG_FILE} ('mlops init') to name them and refine the checks.`;
}

/** A YAML document's node positions (1-based), by path. */
function documentPositions(text: string): { positionOf: LoadedConfig['positionOf'] } {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false });
  return {
    positionOf: (p) => {
      const node = (p.length === 0 ? doc.contents : doc.getIn(p, true)) as Node | undefined;
      if (!node || typeof node !== 'object' || !('range' in node) || !node.range) return undefined;
      const { line, col } = counter.linePos(node.range[0]);
      return { line, column: col };
    },
  };
}

/** Parses the text of mlops.yaml. Throws ChecksConfigError with positions for syntax and shape problems. */
export function parseProjectConfig(text: string, fileName = CONFIG_FILE): LoadedConfig {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false });
  const at = (offset: number): SourcePosition => {
    const { line, col } = counter.linePos(offset);
    return { line, column: col };
  };
  if (doc.errors.length) {
    throw new ChecksConfigError(
      fileName,
      doc.errors.map((e) => ({
        path: [],
        message: `YAML syntax error: ${yamlMessage(e.message)}`,
        position: at(e.pos[0]),
      })),
    );
  }
  const positionOf = (p: readonly (string | number)[]): SourcePosition | undefined => {
    const node = (p.length === 0 ? doc.contents : doc.getIn(p, true)) as Node | undefined;
    return node && typeof node === 'object' && 'range' in node && node.range ? at(node.range[0]) : undefined;
  };
  const problems: ConfigProblem[] = [];
  const problem = (p: (string | number)[], message: string): void => {
    problems.push({ path: p, message, position: positionOf(p) ?? positionOf(p.slice(0, -1)) });
  };
  const data: unknown = doc.toJS({ maxAliasCount: 100 });
  if (data === null || data === undefined) {
    throw new ChecksConfigError(fileName, [
      { path: [], message: `${fileName} is empty. Start from 'mlops init'.`, position: { line: 1, column: 1 } },
    ]);
  }
  if (typeof data !== 'object' || Array.isArray(data) || !isMap(doc.contents)) {
    throw new ChecksConfigError(fileName, [
      {
        path: [],
        message: `${fileName} must be a mapping (key: value) at the top level.`,
        position: { line: 1, column: 1 },
      },
    ]);
  }
  const record = data as Record<string, unknown>;

  const list = (key: string): unknown[] => {
    const value = record[key];
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) {
      problem([key], `${key} must be a list.`);
      return [];
    }
    return value;
  };
  const strings = (value: unknown, p: (string | number)[]): string[] => {
    if (value === undefined || value === null) return [];
    if (typeof value === 'string') return [value];
    if (!Array.isArray(value)) {
      problem(p, `${describe(p)} must be a list of strings.`);
      return [];
    }
    return value.flatMap((v, i) => {
      if (typeof v === 'string') return [v];
      if (v && typeof v === 'object' && typeof (v as Record<string, unknown>).path === 'string')
        return [(v as Record<string, string>).path];
      problem([...p, i], `${describe([...p, i])} must be a string.`);
      return [];
    });
  };
  const requiredString = (item: Record<string, unknown>, field: string, p: (string | number)[]): string | undefined => {
    const value = item[field];
    if (typeof value === 'string' && value.trim()) return value;
    problem(value === undefined ? p : [...p, field], `${describe(p)} needs a '${field}' (text).`);
    return undefined;
  };
  const entry = (key: 'models' | 'datasets', item: unknown, i: number): Record<string, unknown> | undefined => {
    if (item && typeof item === 'object' && !Array.isArray(item)) return item as Record<string, unknown>;
    problem([key, i], `${key}[${i}] must be a mapping with name and path.`);
    return undefined;
  };

  const models: ModelEntry[] = [];
  list('models').forEach((raw, i) => {
    const item = entry('models', raw, i);
    if (!item) return;
    const name = requiredString(item, 'name', ['models', i]);
    const modelPath = requiredString(item, 'path', ['models', i]);
    if (!name || !modelPath) return;
    models.push({
      name,
      path: cleanPath(modelPath),
      datasets: strings(item.datasets, ['models', i, 'datasets']),
      metrics: strings(item.metrics, ['models', i, 'metrics']).map(cleanPath),
      stage: typeof item.stage === 'string' ? item.stage : undefined,
      owner: typeof item.owner === 'string' ? item.owner : undefined,
      position: positionOf(['models', i]),
    });
  });
  const datasets: DatasetEntry[] = [];
  list('datasets').forEach((raw, i) => {
    const item = entry('datasets', raw, i);
    if (!item) return;
    const name = requiredString(item, 'name', ['datasets', i]);
    const datasetPath = requiredString(item, 'path', ['datasets', i]);
    if (name && datasetPath)
      datasets.push({ name, path: cleanPath(datasetPath), position: positionOf(['datasets', i]) });
  });
  const metrics: MetricDefinition[] = [];
  list('metrics').forEach((raw, i) => {
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
      problem(['metrics', i], `metrics[${i}] must be a mapping with a key.`);
      return;
    }
    const item = raw as Record<string, unknown>;
    const key = requiredString(item, 'key', ['metrics', i]);
    if (!key) return;
    if (item.goal !== undefined && item.goal !== 'maximize' && item.goal !== 'minimize')
      problem(['metrics', i, 'goal'], `metrics[${i}].goal must be maximize or minimize.`);
    if (item.threshold !== undefined && typeof item.threshold !== 'number')
      problem(['metrics', i, 'threshold'], `metrics[${i}].threshold must be a number.`);
    metrics.push({
      key,
      label: typeof item.label === 'string' ? item.label : undefined,
      goal: item.goal === 'maximize' || item.goal === 'minimize' ? item.goal : undefined,
      threshold: typeof item.threshold === 'number' ? item.threshold : undefined,
      unit: typeof item.unit === 'string' ? item.unit : undefined,
      position: positionOf(['metrics', i]),
    });
  });
  const conventions: Conventions = {};
  const rawConventions = record.conventions;
  if (rawConventions !== undefined && rawConventions !== null) {
    if (typeof rawConventions !== 'object' || Array.isArray(rawConventions))
      problem(['conventions'], 'conventions must be a mapping (models, datasets, notebooks, folders).');
    else {
      for (const kind of ['models', 'datasets', 'notebooks'] as const) {
        const value = (rawConventions as Record<string, unknown>)[kind];
        if (value === undefined || value === null) continue;
        if (typeof value === 'string') conventions[kind] = [value];
        else if (Array.isArray(value) && value.length && value.every((v) => typeof v === 'string'))
          conventions[kind] = value;
        else problem(['conventions', kind], `conventions.${kind} must be a pattern or a list of patterns.`);
      }
    }
  }
  const exclude = strings(record.exclude, ['exclude']);
  if (problems.length) throw new ChecksConfigError(fileName, problems);
  return {
    config: {
      project: typeof record.project === 'string' ? record.project : undefined,
      models,
      datasets,
      metrics,
      conventions,
      exclude,
      checks: record.checks === null ? undefined : record.checks,
    },
    file: fileName,
    positionOf,
  };
}

function cleanPath(p: string): string {
  return p.trim().replace(/\\/g, '/').replace(/^\.\//, '');
}

function describe(p: readonly (string | number)[]): string {
  return p.reduce<string>(
    (text, part) => (typeof part === 'number' ? `${text}[${part}]` : text ? `${text}.${part}` : part),
    '',
  );
}
