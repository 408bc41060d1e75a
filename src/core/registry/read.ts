// Reads every registry a workspace uses and merges them per model: GTO tags (one `git for-each-ref`), GTO's
// artifacts.yaml and dvc.yaml `artifacts:` for descriptions, types, labels and paths, the MLflow registry of the
// workspace's stores (file store, SQLite), and `models:` in mlops.yaml. Reading tags runs git: callers in an
// untrusted workspace pass `git: false`.
import fs from 'node:fs';
import path from 'node:path';
import { listTagRecords, type TagRecord } from '../git/commands';
import { parseGtoArtifacts, GTO_ARTIFACTS_FILE } from '../formats/gto/artifacts';
import { readDvcProjects } from '../formats/dvc/project';
import { ConfigError, loadConfig } from '../formats/mlopsYaml/validate';
import { CONFIG_FILE_NAME } from '../formats/mlopsYaml/starter';
import type { ModelConfig } from '../formats/mlopsYaml/model';
import {
  readMlflowRegistry,
  readServerRegistry,
  type RegisteredModelVersion,
  type RegistryContents,
} from '../workspace/mlflowRegistry';
import type { MlflowRestClient } from '../formats/mlflow/rest';
import { isMlflowSqliteStore, type SqliteOptions } from '../formats/mlflow/sqlite';
import { discoverSources } from '../metrics/sources/discover';
import { compareModelVersions, gtoModels, sortNewestFirst, type GtoStateOptions } from './gtoState';
import type {
  ModelVersion,
  Registry,
  RegistryEvent,
  RegistryModel,
  RegistryProblem,
  ServerRegistryRead,
} from './model';

export interface ReadRegistryOptions extends GtoStateOptions {
  /** Read GTO tags with git (default true). */
  git?: boolean;
  /**
   * MLflow stores to read (a `mlruns` folder or an SQLite file); default: the stores the metrics sources discover
   * in the folder (file stores with a registry, and SQLite stores recognised by their tables, whatever their name).
   */
  mlflowStores?: string[];
  /** Stores read besides the default ones (a tracking URI naming a file store or a database). */
  extraMlflowStores?: string[];
  /** An MLflow tracking server's registry, read through this client (its limits, timeout and token). */
  mlflowServer?: MlflowRestClient;
  sqlite?: SqliteOptions;
  /** Tags already listed (by `listTagRecords`), to skip the git call. */
  tags?: TagRecord[];
  /** mlops.yaml's models when the caller has read the file already (else it is read here). */
  models?: ModelConfig[];
}

/** The merged registry of the workspace folder `root`. */
export async function readRegistry(root: string, options: ReadRegistryOptions = {}): Promise<Registry> {
  const problems: RegistryProblem[] = [];
  const server: { read?: ServerRegistryRead } = {};
  const [tags, config, mlflow] = await Promise.all([
    options.tags
      ? Promise.resolve(options.tags)
      : options.git === false
        ? Promise.resolve([])
        : readTags(root, problems),
    options.models ? Promise.resolve(options.models) : readModelsConfig(root, problems),
    readMlflow(root, options, problems, server),
  ]);
  const models = new Map<string, RegistryModel>();
  for (const model of gtoModels(tags, options)) models.set(model.name, model);
  const model = (name: string): RegistryModel => {
    let m = models.get(name);
    if (!m)
      models.set(
        name,
        (m = { name, labels: [], sources: [], deprecated: false, stages: {}, versions: [], events: [] }),
      );
    return m;
  };

  for (const v of mlflow) {
    const m = model(v.name);
    if (!m.sources.includes('mlflow')) m.sources.push('mlflow');
    // The registered model's description; a version's own description is that version's message.
    if (!m.description && v.modelDescription) m.description = v.modelDescription;
    m.versions.push(mlflowVersion(v));
    if (v.stage) (m.stages[v.stage] ??= []).push(v.version);
  }

  // Metadata: mlops.yaml first, then artifacts.yaml, then dvc.yaml artifacts; the first that says wins.
  for (const c of config) {
    const m = model(c.name);
    m.sources.push('mlops.yaml');
    m.path ??= c.path;
    if (c.description) m.description ??= c.description;
    if (c.stage) m.configuredStage = c.stage;
    for (const t of c.tags) if (!m.labels.includes(t)) m.labels.push(t);
  }
  for (const a of readArtifactsYaml(root, problems)) {
    const m = models.get(a.name);
    if (!m) continue;
    if (a.path) m.path ??= a.path;
    if (a.type) m.type ??= a.type;
    if (a.description) m.description ??= a.description;
    for (const l of a.labels) if (!m.labels.includes(l)) m.labels.push(l);
  }
  for (const a of readDvcArtifacts(root, problems)) {
    const m = models.get(a.name);
    if (!m) continue;
    m.path ??= a.path;
    if (a.type) m.type ??= a.type;
    if (a.desc) m.description ??= a.desc;
    for (const l of a.labels) if (!m.labels.includes(l)) m.labels.push(l);
  }

  for (const m of models.values()) {
    if (m.sources.includes('mlflow')) sortNewestFirst(m.versions);
    for (const versions of Object.values(m.stages)) versions.sort((a, b) => compareModelVersions(b, a));
  }
  const list = [...models.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const stages = [...new Set(list.flatMap((m) => Object.keys(m.stages)))].sort();
  return { models: list, stages, problems, ...(server.read ? { server: server.read } : {}) };
}

async function readTags(root: string, problems: RegistryProblem[]): Promise<TagRecord[]> {
  try {
    return await listTagRecords({ root });
  } catch (err) {
    problems.push({
      source: 'gto',
      message: `Git tags cannot be read: ${err instanceof Error ? err.message : String(err)}`,
    });
    return [];
  }
}

async function readModelsConfig(root: string, problems: RegistryProblem[]): Promise<ModelConfig[]> {
  if (!fs.existsSync(path.join(root, CONFIG_FILE_NAME))) return [];
  try {
    return (await loadConfig(root)).validation.config.models;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    problems.push({ source: 'mlops.yaml', message: err.message });
    return [];
  }
}

async function readMlflow(
  root: string,
  options: ReadRegistryOptions,
  problems: RegistryProblem[],
  server: { read?: ServerRegistryRead },
): Promise<RegisteredModelVersion[]> {
  const stores = options.mlflowStores ?? (await discoveredMlflowStores(root));
  for (const extra of options.extraMlflowStores ?? []) if (!stores.includes(extra)) stores.push(extra);
  const versions: RegisteredModelVersion[] = [];
  const [fromServer, ...all] = await Promise.all([
    options.mlflowServer ? readServer(options.mlflowServer) : Promise.resolve(undefined),
    ...stores.map((store) => readMlflowRegistry(store, options.sqlite)),
  ]);
  for (const contents of all) {
    for (const v of contents.versions) versions.push(v);
    for (const p of contents.problems) problems.push({ source: 'mlflow', message: `${p.file}: ${p.message}` });
  }
  if (fromServer && options.mlflowServer) {
    const location = options.mlflowServer.baseUrl;
    for (const v of fromServer.versions) versions.push(v);
    const [problem] = fromServer.problems;
    server.read = { location, versions: fromServer.versions.length };
    if (problem) {
      server.read.problem = problem.message;
      problems.push({ source: 'mlflow', message: `${problem.file}: ${problem.message}`, server: location });
    }
  }
  return versions;
}

/** A tracking server's registry; whatever goes wrong (not only what the client names) is its one problem. */
async function readServer(client: MlflowRestClient): Promise<RegistryContents> {
  try {
    return await readServerRegistry(client);
  } catch (err) {
    return {
      versions: [],
      problems: [{ file: client.baseUrl, message: err instanceof Error ? err.message : String(err) }],
    };
  }
}

function mlflowVersion(v: RegisteredModelVersion): ModelVersion {
  const mv: ModelVersion = {
    model: v.name,
    version: v.version,
    source: 'mlflow',
    registered: true,
    active: true,
    stages: v.stage ? [v.stage] : [],
    aliases: v.aliases,
    events: [],
  };
  if (v.runId) mv.runId = v.runId;
  if (v.backend === 'server') mv.server = v.folder;
  if (v.user) mv.author = v.user;
  if (v.versionDescription) mv.message = v.versionDescription;
  if (v.created !== undefined) {
    mv.createdAt = v.created;
    const event: RegistryEvent = {
      kind: 'registered',
      model: v.name,
      version: v.version,
      time: v.created,
      source: 'mlflow',
    };
    if (v.user) event.author = v.user;
    mv.events.push(event);
  }
  return mv;
}

function readArtifactsYaml(root: string, problems: RegistryProblem[]) {
  const file = path.join(root, GTO_ARTIFACTS_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  try {
    const parsed = parseGtoArtifacts(text, GTO_ARTIFACTS_FILE);
    for (const p of parsed.problems) problems.push({ source: 'gto', message: p });
    return parsed.artifacts;
  } catch (err) {
    problems.push({ source: 'gto', message: err instanceof Error ? err.message : String(err) });
    return [];
  }
}

function readDvcArtifacts(root: string, problems: RegistryProblem[]) {
  if (!fs.existsSync(path.join(root, 'dvc.yaml'))) return [];
  try {
    return readDvcProjects(root).flatMap((p) => p.artifacts);
  } catch (err) {
    problems.push({ source: 'gto', message: `dvc.yaml: ${err instanceof Error ? err.message : String(err)}` });
    return [];
  }
}

/** The MLflow stores of `root` as the metrics sources find them (one discovery for runs and registry). */
async function discoveredMlflowStores(root: string): Promise<string[]> {
  const { located } = await discoverSources(root);
  const stores: string[] = [];
  for (const store of located.get('mlflow-file') ?? [])
    if (fs.existsSync(path.join(store, 'models'))) stores.push(store);
  for (const db of located.get('mlflow-sqlite') ?? []) if (await isMlflowSqliteStore(db)) stores.push(db);
  return stores;
}
