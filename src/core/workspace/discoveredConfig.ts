// The configuration a folder without mlops.yaml implies: the models, datasets and metric files discovery finds (DVC
// artifacts and outs, model and data files), their lineage from the DVC stages that produce them, and naming
// conventions only where the existing names already follow one. The checks run on it when there is no mlops.yaml,
// and `mlops init` writes it down (src/core/formats/mlopsYaml/seed.ts), so both see the same entries.
import path from 'node:path';
import type { Conventions, DatasetConfig, MlopsConfig, ModelConfig } from '../formats/mlopsYaml/model';
import { emptyConfig } from '../formats/mlopsYaml/model';
import { fileExtension, matchesConvention } from '../formats/naming';
import { declaredFiles, readDvcProjects, type DvcProject, type DvcStage } from '../formats/dvc/project';
import { discoverWorkspace, type WorkspaceItem } from './discovery';

export interface DiscoveredConfig {
  config: MlopsConfig;
  /** Where each entry came from, keyed `models:<name>`, `datasets:<name>` or `metrics:<path>`. */
  origins: Map<string, string>;
  /** Metric files declared in dvc.yaml (relative paths), with where each is declared. */
  metricFiles: { path: string; from: string }[];
  /** How many models, datasets and notebooks were found. */
  counts: { models: number; datasets: number; notebooks: number };
}

export interface DiscoverConfigOptions {
  signal?: AbortSignal;
  exclude?: readonly string[];
}

const originOf = (item: WorkspaceItem): string => {
  if (item.dvc?.artifact) return `DVC artifact '${item.dvc.artifact}' in ${item.dvc.declaredIn}`;
  if (item.dvc?.stage) return `output of DVC stage '${item.dvc.stage}' in ${item.dvc.declaredIn}`;
  if (item.dvc) return `tracked by DVC in ${item.dvc.declaredIn}`;
  return `found in the workspace (${item.isDirectory ? 'folder' : 'file'} ${item.relativePath})`;
};

const strip = (p: string): string => p.replace(/^\.\//, '').replace(/\/+$/, '');
const within = (child: string, parent: string): boolean => child === parent || child.startsWith(`${parent}/`);

/**
 * Unique names: a name used twice is told apart by its file's own name when that differs (`model_v1.pkl` and
 * `model_v2.pkl`, both named `model` by discovery, become `model_v1` and `model_v2`), else by its folder
 * (`data/raw/winequality`), as editor tabs tell files apart.
 */
function uniqueNames(items: readonly WorkspaceItem[]): string[] {
  // A file's name without its extension (`model.joblib` -> `model`), as discovery names the files it finds.
  const stems = items.map((item) => {
    const file = path.posix.basename(strip(item.relativePath));
    const ext = fileExtension(file);
    return !item.isDirectory && ext ? file.slice(0, -ext.length - 1) : file;
  });
  const base = items.map((item, n) => {
    const file = path.posix.basename(strip(item.relativePath));
    return !item.isDirectory && item.name === file && fileExtension(file) ? stems[n]! : item.name;
  });
  const count = new Map<string, number>();
  for (const name of base) count.set(name, (count.get(name) ?? 0) + 1);
  const stemCount = new Map<string, number>();
  for (const stem of stems) stemCount.set(stem, (stemCount.get(stem) ?? 0) + 1);
  const taken = new Set<string>();
  return items.map((item, n) => {
    let name = base[n] ?? item.name;
    const stem = stems[n]!;
    if ((count.get(name) ?? 0) > 1 && stem !== name && stemCount.get(stem) === 1 && !count.has(stem)) name = stem;
    else if ((count.get(name) ?? 0) > 1) {
      const folder = path.posix.dirname(strip(item.relativePath));
      name = folder === '.' ? name : `${folder}/${name}`;
    }
    let unique = name;
    for (let n = 2; taken.has(unique); n++) unique = `${name}-${n}`;
    taken.add(unique);
    return unique;
  });
}

/** The datasets a stage reads, directly or through the stages upstream of it. */
function upstreamDatasets(
  stage: DvcStage,
  producers: ReadonlyMap<string, DvcStage>,
  datasets: readonly DatasetConfig[],
): string[] {
  const found = new Set<string>();
  const seen = new Set<string>();
  const visit = (s: DvcStage): void => {
    if (seen.has(s.name)) return;
    seen.add(s.name);
    for (const dep of s.deps.map(strip)) {
      for (const d of datasets) if (within(d.path, dep) || within(dep, d.path)) found.add(d.name);
      for (const [out, producer] of producers) if (within(dep, out) || within(out, dep)) visit(producer);
    }
  };
  visit(stage);
  return [...found].sort();
}

/** A naming pattern every entry (at least two) follows, or undefined. */
export function detectConvention(entries: readonly { name: string; path: string }[]): string | undefined {
  // Names that had to carry their folder to be unique follow no pattern of their own.
  if (entries.length < 2 || entries.some((e) => e.name.includes('/'))) return undefined;
  const folders = entries.map((e) => path.posix.dirname(strip(e.path)).split('/')[0] ?? '.');
  if (!folders.every((f) => f === folders[0])) return undefined;
  const top = folders[0] !== '.' ? folders[0] : undefined;
  const prefix = top ? `${top}/` : '';
  const candidates = [
    `${prefix}{name}.{ext}`,
    `${prefix}{name}-v{version}.{ext}`,
    `${prefix}{name}/{name}-v{version}.{ext}`,
    ...(top ? [`${prefix}**/{name}.{ext}`] : []),
  ];
  return candidates.find((pattern) =>
    entries.every((e) => {
      try {
        return matchesConvention(pattern, strip(e.path), { name: e.name });
      } catch {
        return false;
      }
    }),
  );
}

/**
 * Discovers what the folder holds and returns it as a configuration. Models and datasets with a file path (MLflow
 * registry versions have none and stay in the explorer); lineage from dvc.yaml; metric files from dvc.yaml.
 */
export async function discoverConfig(root: string, options: DiscoverConfigOptions = {}): Promise<DiscoveredConfig> {
  const result = await discoverWorkspace({ root, signal: options.signal, exclude: options.exclude });
  const config = emptyConfig();
  const origins = new Map<string, string>();
  const modelItems = result.items.filter((i) => i.kind === 'model' && !i.mlflow && i.source !== 'config');
  const datasetItems = result.items.filter((i) => i.kind === 'dataset' && i.source !== 'config');
  const notebooks = result.items.filter((i) => i.kind === 'notebook');

  const dvcYamlFiles = new Set<string>(['dvc.yaml']);
  for (const item of result.items) if (item.dvc?.declaredIn.endsWith('dvc.yaml')) dvcYamlFiles.add(item.dvc.declaredIn);
  let projects: DvcProject[] = [];
  try {
    projects = readDvcProjects(root, [...dvcYamlFiles]);
  } catch {
    // A dvc.yaml that does not parse gives no lineage; discovery already reported it.
  }
  const metricFiles: { path: string; from: string }[] = [];
  for (const project of projects)
    for (const file of declaredFiles(root, [project]).metrics)
      if (!metricFiles.some((m) => m.path === file)) metricFiles.push({ path: strip(file), from: project.file });
  for (const m of metricFiles) origins.set(`metrics:${m.path}`, `declared in ${path.relative(root, m.from) || m.from}`);
  const producers = new Map<string, DvcStage>();
  for (const project of projects)
    for (const stage of project.stages) for (const out of stage.outs) producers.set(strip(out.path), stage);

  uniqueNames(datasetItems).forEach((name, n) => {
    const item = datasetItems[n];
    if (!item) return;
    const entry: DatasetConfig = { name, path: strip(item.relativePath) };
    if (item.description) entry.description = item.description;
    config.datasets.push(entry);
    origins.set(`datasets:${name}`, originOf(item));
  });
  uniqueNames(modelItems).forEach((name, n) => {
    const item = modelItems[n];
    if (!item) return;
    const modelPath = strip(item.relativePath);
    const producer = [...producers].find(([out]) => within(modelPath, out))?.[1];
    const entry: ModelConfig = {
      name,
      path: modelPath,
      datasets: producer ? upstreamDatasets(producer, producers, config.datasets) : [],
      // A DVC pipeline's metric files evaluate the models it produces.
      metrics: producer ? metricFiles.map((m) => m.path) : [],
      tags: [...item.tags],
    };
    if (item.description) entry.description = item.description;
    config.models.push(entry);
    origins.set(`models:${name}`, originOf(item));
  });

  const conventions: Conventions = {};
  const models = detectConvention(config.models);
  if (models) conventions.models = [models];
  const datasets = detectConvention(config.datasets);
  if (datasets) conventions.datasets = [datasets];
  config.conventions = conventions;
  if (options.exclude?.length) config.exclude = [...options.exclude];
  return {
    config,
    origins,
    metricFiles,
    counts: {
      models: config.models.length,
      datasets: config.datasets.length,
      // A folder of many notebooks is one item of the Notebooks view: count its notebooks.
      notebooks: notebooks.reduce((sum, item) => sum + (item.isDirectory ? (item.fileCount ?? 0) : 1), 0),
    },
  };
}
