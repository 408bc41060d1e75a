// DVC projects, the one reader of DVC's files: dvc.yaml (stages, foreach/do, matrix, top-level
// params/metrics/plots/artifacts), dvc.lock (schema 2.0), `.dvc` files, params files, and DVCLive output
// (`<dir>/metrics.json`, `<dir>/params.yaml`, `<dir>/plots/metrics/**.tsv`). metadata.ts derives what the explorer
// and the checks need (outs, artifacts) from these parsers. It answers two questions: which metrics, params and plots files a project declares (so history can follow them),
// and what the workspace's run looks like.
import fs from 'node:fs';
import path from 'node:path';
import {
  documentMetrics,
  flattenParams,
  parseMetricsDocument,
  parseStructuredText,
  readBytes,
  type MetricsDocument,
} from '../metricsFiles/parse';
import { outsideMessage, resolveInside } from '../../security/confine';
import { MetricsError, type MetricSeries, type Run, type Split, type TextMetric } from '../../metrics/model';
import { splitOf, type SplitTokens } from '../../metrics/split';

export const DVC_YAML = 'dvc.yaml';
export const DVC_LOCK = 'dvc.lock';
export const DEFAULT_PARAMS_FILE = 'params.yaml';

/** A params file and the keys a project tracks in it (`undefined`: every key). */
export interface ParamsFile {
  path: string;
  keys?: string[];
}

/** An output, metrics or plots entry of a stage (path relative to the project root, posix separators). */
export interface DvcOut {
  path: string;
  cache?: boolean;
  persist?: boolean;
}

export interface DvcStage {
  /** `name`, or `name@item` / `name@key` / `name@a-b` for foreach and matrix expansions. */
  name: string;
  /** For a foreach or matrix expansion, the name of the templated stage it comes from. */
  template?: string;
  cmd: string | string[];
  /** Working folder relative to the project root ('' for the root). */
  wdir: string;
  deps: string[];
  params: ParamsFile[];
  outs: DvcOut[];
  metrics: DvcOut[];
  plots: DvcOut[];
}

export interface DvcArtifact {
  name: string;
  path: string;
  type?: string;
  desc?: string;
  labels: string[];
  meta?: unknown;
}

export interface DvcProject {
  /** The dvc.yaml the project was read from. */
  file: string;
  stages: DvcStage[];
  /** Top-level `params:` files. */
  params: string[];
  /** Top-level `metrics:` files or folders. */
  metrics: string[];
  /** Files or folders named by top-level `plots:` entries. */
  plots: string[];
  artifacts: DvcArtifact[];
  /** Problems that did not stop reading (an unresolved `${...}`, an entry of the wrong shape). */
  warnings: MetricsError[];
}

export interface DvcLockEntry {
  path: string;
  md5?: string;
  hash?: string;
  size?: number;
  nfiles?: number;
  /** `cache: false` entries are committed to git rather than to the DVC cache (`.dvc` files). */
  cache?: boolean;
}

/** A `.dvc` file: the outputs it tracks (paths relative to the file's folder joined with its `wdir`). */
export interface DotDvcFile {
  /** `wdir` as written ('' when absent), relative to the `.dvc` file's folder. */
  wdir: string;
  outs: DvcLockEntry[];
}

export interface DvcLockStage {
  cmd: string | string[];
  deps: DvcLockEntry[];
  /** File -> flattened key -> value, as DVC recorded them. */
  params: Record<string, Record<string, string>>;
  outs: DvcLockEntry[];
}

export interface DvcLock {
  schema: string;
  stages: Record<string, DvcLockStage>;
}

/** The files a project declares, relative to its root (posix separators). */
export interface DeclaredFiles {
  metrics: string[];
  params: ParamsFile[];
  /** Plots files or folders. */
  plots: string[];
  /** DVCLive output folders (holding `metrics.json` and `plots/metrics`). */
  dvclive: string[];
}

// ------------------------------------------------------------------------------------------------ helpers

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);

/** Joins and normalises a project-relative posix path; '' for the root. */
function joinPosix(...parts: string[]): string {
  const joined = path.posix.normalize(parts.filter((p) => p !== '' && p !== '.').join('/') || '.');
  return joined === '.' ? '' : joined.replace(/\/$/, '');
}

function lookup(context: Obj, expression: string): unknown {
  let value: unknown = context;
  for (const part of expression
    .trim()
    .split(/\.|\[(\d+)\]/)
    .filter((p) => p !== undefined && p !== '')) {
    if (Array.isArray(value) && /^\d+$/.test(part)) value = value[Number(part)];
    else if (isObj(value) && part in value) value = value[part];
    else return undefined;
  }
  return value;
}

function scalarText(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
}

/** Substitutes `${expr}` (dotted keys, `[n]` indexes); a lone `${expr}` keeps the value's type. */
function interpolate(value: unknown, context: Obj, where: string, warnings: MetricsError[], depth = 0): unknown {
  if (depth > 50) return value;
  if (typeof value === 'string') {
    const whole = /^\$\{\s*([^}]+?)\s*\}$/.exec(value);
    if (whole) {
      const found = lookup(context, whole[1] ?? '');
      if (found !== undefined) return found;
    }
    return value.replace(/(\\)?\$\{\s*([^}]+?)\s*\}/g, (match, escaped: string | undefined, expression: string) => {
      if (escaped) return match.slice(1);
      const found = lookup(context, expression);
      if (found === undefined || isObj(found) || Array.isArray(found)) {
        warnings.push(
          new MetricsError(
            `${where}: cannot resolve \${${expression}}; define it in params.yaml or under 'vars'.`,
            where,
          ),
        );
        return match;
      }
      return scalarText(found);
    });
  }
  if (Array.isArray(value)) return value.map((v) => interpolate(v, context, where, warnings, depth + 1));
  if (isObj(value)) {
    const out: Obj = {};
    for (const [k, v] of Object.entries(value))
      out[interpolate(k, context, where, warnings, depth + 1) as string] = interpolate(
        v,
        context,
        where,
        warnings,
        depth + 1,
      );
    return out;
  }
  return value;
}

function outEntries(value: unknown, base: string, where: string, warnings: MetricsError[]): DvcOut[] {
  const out: DvcOut[] = [];
  for (const entry of asList(value)) {
    if (typeof entry === 'string') out.push({ path: joinPosix(base, entry) });
    else if (isObj(entry)) {
      for (const [p, flags] of Object.entries(entry)) {
        const o: DvcOut = { path: joinPosix(base, p) };
        if (isObj(flags) && typeof flags.cache === 'boolean') o.cache = flags.cache;
        if (isObj(flags) && typeof flags.persist === 'boolean') o.persist = flags.persist;
        out.push(o);
      }
    } else
      warnings.push(new MetricsError(`${where}: an entry that is neither a path nor a mapping was skipped.`, where));
  }
  return out;
}

function paramsEntries(value: unknown, base: string): ParamsFile[] {
  const byFile = new Map<string, Set<string> | undefined>();
  const add = (file: string, keys: string[] | undefined): void => {
    const current = byFile.get(file);
    if (byFile.has(file) && current === undefined) return;
    if (keys === undefined || keys.length === 0) byFile.set(file, undefined);
    else byFile.set(file, new Set([...(current ?? []), ...keys]));
  };
  for (const entry of asList(value)) {
    if (typeof entry === 'string') add(joinPosix(base, DEFAULT_PARAMS_FILE), [entry]);
    else if (isObj(entry)) {
      for (const [file, keys] of Object.entries(entry))
        add(
          joinPosix(base, file),
          asList(keys).filter((k): k is string => typeof k === 'string'),
        );
    }
  }
  return [...byFile].map(([p, keys]) => (keys ? { path: p, keys: [...keys] } : { path: p }));
}

function depsEntries(value: unknown, base: string): string[] {
  return asList(value).flatMap((d) =>
    typeof d === 'string' ? [joinPosix(base, d)] : isObj(d) ? Object.keys(d).map((k) => joinPosix(base, k)) : [],
  );
}

/** The files named by a top-level plots entry: its id when it is a path, else the files of its x and y. */
function plotFiles(entry: unknown, base: string): string[] {
  if (typeof entry === 'string') return [joinPosix(base, entry)];
  if (!isObj(entry)) return [];
  const files: string[] = [];
  for (const [id, config] of Object.entries(entry)) {
    const axisFiles = isObj(config)
      ? [config.x, config.y].flatMap((axis) => (isObj(axis) ? Object.keys(axis) : []))
      : [];
    if (axisFiles.length) for (const f of axisFiles) files.push(joinPosix(base, f));
    else files.push(joinPosix(base, id));
  }
  return files;
}

// ------------------------------------------------------------------------------------------------ dvc.yaml

export interface ParseDvcYamlOptions {
  /** Folder of the dvc.yaml relative to the project root ('' at the root). */
  folder?: string;
  /** Reads a vars file (relative to the dvc.yaml folder); default: none, so only inline vars resolve. */
  readVars?: (file: string) => unknown;
}

/** Parses a dvc.yaml. Throws a MetricsError with the position when the YAML is malformed. */
export function parseDvcYaml(
  content: Buffer | string,
  location: string,
  options: ParseDvcYamlOptions = {},
): DvcProject {
  const folder = options.folder ?? '';
  const doc = parseStructuredText(content, location, 'yaml');
  const warnings: MetricsError[] = [];
  const project: DvcProject = {
    file: location,
    stages: [],
    params: [],
    metrics: [],
    plots: [],
    artifacts: [],
    warnings,
  };
  if (doc === null || doc === undefined) return project;
  if (!isObj(doc))
    throw new MetricsError(
      `${location}: dvc.yaml must be a mapping with 'stages', 'metrics', 'plots' or 'params'.`,
      location,
    );

  // Templating context: params.yaml (loaded by default), then top-level vars.
  const context: Obj = {};
  const readVars = (file: string): void => {
    const [name = '', keyList] = file.split(':');
    const data = options.readVars?.(name);
    if (!isObj(data)) return;
    if (keyList) for (const k of keyList.split(',')) context[k.trim()] = lookup(data, k.trim());
    else Object.assign(context, data);
  };
  readVars(DEFAULT_PARAMS_FILE);
  for (const v of asList(doc.vars)) {
    if (typeof v === 'string') readVars(v);
    else if (isObj(v)) Object.assign(context, v);
  }

  const stages = isObj(doc.stages) ? doc.stages : {};
  for (const [stageName, rawStage] of Object.entries(stages)) {
    if (!isObj(rawStage)) {
      warnings.push(new MetricsError(`${location}: stage '${stageName}' is not a mapping; skipped.`, location));
      continue;
    }
    const expansions: { name: string; extra: Obj; body: Obj; template?: string }[] = [];
    if ('foreach' in rawStage && isObj(rawStage.do)) {
      const items = interpolate(rawStage.foreach, context, location, warnings);
      if (Array.isArray(items)) {
        items.forEach((item, i) =>
          expansions.push({
            name: `${stageName}@${isObj(item) || Array.isArray(item) ? i : scalarText(item)}`,
            extra: { item },
            body: rawStage.do as Obj,
            template: stageName,
          }),
        );
      } else if (isObj(items)) {
        for (const [key, item] of Object.entries(items))
          expansions.push({
            name: `${stageName}@${key}`,
            extra: { item, key },
            body: rawStage.do,
            template: stageName,
          });
      } else
        warnings.push(
          new MetricsError(
            `${location}: stage '${stageName}' has a foreach that is not a list or mapping; skipped.`,
            location,
          ),
        );
    } else if (isObj(rawStage.matrix)) {
      let combos: { names: string[]; item: Obj }[] = [{ names: [], item: {} }];
      for (const [axis, rawValues] of Object.entries(rawStage.matrix)) {
        const values = asList(interpolate(rawValues, context, location, warnings));
        combos = combos.flatMap((c) =>
          values.map((v, i) => ({
            names: [...c.names, isObj(v) || Array.isArray(v) ? `${axis}${i}` : scalarText(v)],
            item: { ...c.item, [axis]: v },
          })),
        );
      }
      const body: Obj = { ...rawStage };
      delete body.matrix;
      for (const c of combos)
        expansions.push({
          name: `${stageName}@${c.names.join('-')}`,
          extra: { item: c.item },
          body,
          template: stageName,
        });
    } else expansions.push({ name: stageName, extra: {}, body: rawStage });

    for (const { name, extra, body, template } of expansions) {
      const stageContext: Obj = { ...context, ...extra };
      for (const v of asList(body.vars)) if (isObj(v)) Object.assign(stageContext, v);
      const where = `${location} (stage ${name})`;
      const s = interpolate(body, stageContext, where, warnings) as Obj;
      const wdir = joinPosix(folder, typeof s.wdir === 'string' ? s.wdir : '');
      const cmd = typeof s.cmd === 'string' ? s.cmd : Array.isArray(s.cmd) ? s.cmd.map(scalarText) : '';
      project.stages.push({
        name,
        ...(template === undefined ? {} : { template }),
        cmd,
        wdir,
        deps: depsEntries(s.deps, wdir),
        params: paramsEntries(s.params, wdir),
        outs: outEntries(s.outs, wdir, where, warnings),
        metrics: outEntries(s.metrics, wdir, where, warnings),
        plots: outEntries(s.plots, wdir, where, warnings),
      });
    }
  }
  project.params = asList(doc.params).flatMap((p) =>
    typeof p === 'string' ? [joinPosix(folder, p)] : isObj(p) ? Object.keys(p).map((k) => joinPosix(folder, k)) : [],
  );
  project.metrics = asList(doc.metrics).flatMap((m) => (typeof m === 'string' ? [joinPosix(folder, m)] : []));
  project.plots = [...new Set(asList(doc.plots).flatMap((p) => plotFiles(p, folder)))];
  if (isObj(doc.artifacts)) {
    for (const [name, a] of Object.entries(doc.artifacts)) {
      if (!isObj(a) || typeof a.path !== 'string') {
        warnings.push(new MetricsError(`${location}: artifact '${name}' has no path; skipped.`, location));
        continue;
      }
      const artifact: DvcArtifact = {
        name,
        path: joinPosix(folder, a.path),
        labels: asList(a.labels).filter((l): l is string => typeof l === 'string'),
      };
      if (typeof a.type === 'string') artifact.type = a.type;
      if (typeof a.desc === 'string') artifact.desc = a.desc;
      if (a.meta !== undefined) artifact.meta = a.meta;
      project.artifacts.push(artifact);
    }
  }
  return project;
}

// ------------------------------------------------------------------------------------------------ dvc.lock

function lockEntries(value: unknown): DvcLockEntry[] {
  return asList(value).flatMap((e) => {
    if (!isObj(e) || typeof e.path !== 'string') return [];
    const entry: DvcLockEntry = { path: e.path };
    if (typeof e.md5 === 'string') entry.md5 = e.md5;
    if (typeof e.hash === 'string') entry.hash = e.hash;
    if (typeof e.size === 'number') entry.size = e.size;
    if (typeof e.nfiles === 'number') entry.nfiles = e.nfiles;
    if (typeof e.cache === 'boolean') entry.cache = e.cache;
    return [entry];
  });
}

/** Parses a dvc.lock (schema 2.0). Older lock files (no schema) are refused with a hint. */
export function parseDvcLock(content: Buffer | string, location: string): DvcLock {
  const doc = parseStructuredText(content, location, 'yaml');
  if (doc === null || doc === undefined) return { schema: '2.0', stages: {} };
  if (!isObj(doc)) throw new MetricsError(`${location}: dvc.lock must be a mapping.`, location);
  const schema = typeof doc.schema === 'string' || typeof doc.schema === 'number' ? String(doc.schema) : '';
  if (!schema.startsWith('2.')) {
    throw new MetricsError(
      `${location}: lock file schema '${schema || 'none (DVC 1.x)'}' is not read; run 'dvc repro' with DVC 2 or later to rewrite it.`,
      location,
    );
  }
  const stages: Record<string, DvcLockStage> = {};
  for (const [name, s] of Object.entries(isObj(doc.stages) ? doc.stages : {})) {
    if (!isObj(s)) continue;
    const params: Record<string, Record<string, string>> = {};
    if (isObj(s.params))
      for (const [file, values] of Object.entries(s.params)) params[file] = flattenParams(values, location);
    stages[name] = {
      cmd: typeof s.cmd === 'string' ? s.cmd : Array.isArray(s.cmd) ? s.cmd.map(scalarText) : '',
      deps: lockEntries(s.deps),
      params,
      outs: lockEntries(s.outs),
    };
  }
  return { schema, stages };
}

// ------------------------------------------------------------------------------------------------ .dvc files

/** Parses a `.dvc` file (`outs` entries with `path`, `md5`/`hash`, `size`, `nfiles`, `cache`; optional `wdir`). */
export function parseDotDvc(content: Buffer | string, location: string): DotDvcFile {
  const doc = parseStructuredText(content, location, 'yaml');
  if (doc === null || doc === undefined) return { wdir: '', outs: [] };
  if (!isObj(doc)) throw new MetricsError(`${location}: a .dvc file must be a mapping with 'outs'.`, location);
  return { wdir: typeof doc.wdir === 'string' ? doc.wdir : '', outs: lockEntries(doc.outs) };
}

// ------------------------------------------------------------------------------------------------ declared files

function readVarsFrom(root: string, folder: string): (file: string) => unknown {
  return (file) => {
    const full = resolveInside(root, path.join(folder, file));
    if (!full) return undefined;
    try {
      return parseStructuredText(fs.readFileSync(full), full);
    } catch {
      return undefined;
    }
  };
}

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Reads the project's dvc.yaml files (default: `dvc.yaml` at the root). Malformed ones throw a MetricsError. */
export function readDvcProjects(root: string, dvcYamlFiles: string[] = [DVC_YAML]): DvcProject[] {
  const projects: DvcProject[] = [];
  for (const rel of dvcYamlFiles) {
    const full = resolveInside(root, rel);
    if (!full) throw new MetricsError(outsideMessage(rel), rel);
    if (!fs.existsSync(full)) continue;
    const folder = joinPosix(path.posix.dirname(rel.split(path.sep).join('/')));
    projects.push(parseDvcYaml(fs.readFileSync(full), full, { folder, readVars: readVarsFrom(root, folder) }));
  }
  return projects;
}

/** The metrics, params and plots files the projects declare, as DVC collects them, plus DVCLive folders. */
export function declaredFiles(root: string, projects: DvcProject[]): DeclaredFiles {
  const metrics = new Set<string>();
  const plots = new Set<string>();
  const params = new Map<string, Set<string> | undefined>();
  const addParams = (p: ParamsFile): void => {
    if (params.has(p.path) && params.get(p.path) === undefined) return;
    params.set(p.path, p.keys ? new Set([...(params.get(p.path) ?? []), ...p.keys]) : undefined);
  };
  if (fs.existsSync(path.join(root, DEFAULT_PARAMS_FILE))) addParams({ path: DEFAULT_PARAMS_FILE });
  for (const project of projects) {
    for (const stage of project.stages) {
      stage.metrics.forEach((m) => metrics.add(m.path));
      stage.plots.forEach((p) => plots.add(p.path));
      stage.params.forEach(addParams);
    }
    project.metrics.forEach((m) => metrics.add(m));
    project.plots.forEach((p) => plots.add(p));
    project.params.forEach((p) => addParams({ path: p }));
  }
  const dvclive = new Set<string>();
  for (const m of metrics) {
    const dir = path.posix.dirname(m);
    if (path.posix.basename(m) === 'metrics.json' && isDir(path.join(root, dir, 'plots', 'metrics')))
      dvclive.add(dir === '.' ? '' : dir);
  }
  return {
    metrics: [...metrics],
    params: [...params].map(([p, keys]) => (keys ? { path: p, keys: [...keys] } : { path: p })),
    plots: [...plots],
    dvclive: [...dvclive],
  };
}

const plotExtensions = new Set(['.json', '.yaml', '.yml', '.csv', '.tsv']);

/** Whether a plots file holds values DVC reads (data files); images and HTML reports in a plots folder do not. */
export function isPlotDataFile(file: string): boolean {
  return plotExtensions.has(path.extname(file).toLowerCase());
}

/** Files under a folder (recursively) that can hold plots data, relative to `root`, sorted. */
export function plotFilesUnder(root: string, folder: string): string[] {
  const out: string[] = [];
  const walk = (rel: string, depth: number): void => {
    if (depth > 32) return;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(path.join(root, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const child = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(child, depth + 1);
      else if (e.isFile() && isPlotDataFile(e.name)) out.push(child);
    }
  };
  walk(folder, 0);
  return out.sort();
}

// ------------------------------------------------------------------------------------------------ combining files

/** One file's content, read from the workspace or from a git revision. */
export interface LoadedFile {
  /** Path relative to the project root (posix). */
  path: string;
  role: 'metrics' | 'params' | 'plots';
  content: Buffer;
  /** Where the content came from, for messages (`rev:path` for history). */
  location?: string;
  /** Tracked keys, for a params file. */
  keys?: string[];
}

export interface Combined {
  metrics: MetricSeries[];
  textMetrics: TextMetric[];
  params: Record<string, string>;
  errors: MetricsError[];
}

/** A params key: bare for the default params.yaml at the root, `file:key` for any other params file. */
export function paramsKey(file: string, key: string): string {
  return file === DEFAULT_PARAMS_FILE ? key : `${file}:${key}`;
}

function keepKey(key: string, tracked: string[] | undefined): boolean {
  return !tracked || tracked.some((t) => key === t || key.startsWith(`${t}.`));
}

export interface CombineOptions {
  splits?: SplitTokens;
  /** Memo of split recognition by key, shared across many combines (history). */
  splitCache?: Map<string, { split?: Split; baseKey: string }>;
  /** Parses a file's content once per (content, role); history passes a cache keyed by blob id. */
  parse?: (file: LoadedFile) => unknown;
}

/** Parses one loaded file: a MetricsDocument for metrics and plots, plain data for params. */
export function parseLoaded(file: LoadedFile): unknown {
  const location = file.location ?? file.path;
  if (file.role === 'params') return parseStructuredText(file.content, location);
  return parseMetricsDocument(file.content, location, { asPlot: file.role === 'plots', format: undefined });
}

/**
 * Combines the files of one revision (or the workspace) into a run's metrics and params. Series carry the file they
 * come from. DVCLive folders are recognised (`D/metrics.json` next to `D/plots/metrics/`): the per-step history of
 * `D/plots/metrics/train/loss.tsv` becomes the points of `train.loss` in `D/metrics.json` (keys as DVC shows
 * them), and the metrics.json `step` is the step of its other values.
 */
export function combineFiles(files: LoadedFile[], options: CombineOptions = {}): Combined {
  const parse = options.parse ?? parseLoaded;
  const result: Combined = { metrics: [], textMetrics: [], params: {}, errors: [] };
  // One metrics file alone (the common case in history): its own values, nothing to attach.
  const [only] = files;
  if (files.length === 1 && only?.role === 'metrics') {
    const file = only;
    try {
      const { metrics, textMetrics } = documentMetrics(parse(file) as MetricsDocument, {
        file: file.path,
        splits: options.splits,
        splitCache: options.splitCache,
      });
      result.metrics = metrics;
      result.textMetrics = textMetrics;
    } catch (err) {
      result.errors.push(
        err instanceof MetricsError
          ? err
          : new MetricsError(`${file.location ?? file.path}: ${String(err)}`, file.location ?? file.path),
      );
    }
    return result;
  }
  const docs = new Map<string, { file: LoadedFile; doc: MetricsDocument }>();
  for (const file of files) {
    let parsed: unknown;
    try {
      parsed = parse(file);
    } catch (err) {
      result.errors.push(
        err instanceof MetricsError
          ? err
          : new MetricsError(`${file.location ?? file.path}: ${String(err)}`, file.location ?? file.path),
      );
      continue;
    }
    if (file.role === 'params') {
      const flat = flattenParams(parsed, file.location ?? file.path);
      for (const [k, v] of Object.entries(flat)) if (keepKey(k, file.keys)) result.params[paramsKey(file.path, k)] = v;
    } else docs.set(`${file.role}\0${file.path}`, { file, doc: parsed as MetricsDocument });
  }
  // DVCLive: plots under D/plots/metrics/ attach to D/metrics.json.
  const liveDirs = new Map<string, MetricsDocument>();
  for (const { file, doc } of docs.values()) {
    if (file.role === 'metrics' && path.posix.basename(file.path) === 'metrics.json')
      liveDirs.set(joinPosix(path.posix.dirname(file.path)), doc);
  }
  const attached = new Map<string, Map<string, MetricSeries>>();
  const loose: MetricSeries[] = [];
  for (const { file, doc } of docs.values()) {
    if (file.role !== 'plots') continue;
    const live = [...liveDirs.keys()].find((d) =>
      file.path.startsWith(d === '' ? 'plots/metrics/' : `${d}/plots/metrics/`),
    );
    if (live === undefined) {
      for (const s of documentMetrics(doc, { file: file.path, splits: options.splits }).metrics) loose.push(s);
      continue;
    }
    const rel = file.path
      .slice((live === '' ? '' : `${live}/`).length + 'plots/metrics/'.length)
      .replace(/\.[^./]*$/, '');
    const relDir = path.posix.dirname(rel);
    const liveFile = live === '' ? 'metrics.json' : `${live}/metrics.json`;
    for (const s of doc.series) {
      const key = (relDir === '.' ? '' : `${relDir.split('/').join('.')}.`) + s.key;
      if (!attached.has(liveFile)) attached.set(liveFile, new Map());
      attached
        .get(liveFile)!
        .set(key, { ...s, key, ...splitOf(key, options.splits), points: s.points.slice(), file: liveFile });
    }
  }
  for (const { file, doc } of docs.values()) {
    if (file.role !== 'metrics') continue;
    const plotsHere = attached.get(file.path);
    const stepValue = plotsHere ? doc.scalars.get('step') : undefined;
    const step = typeof stepValue === 'number' && Number.isFinite(stepValue) ? stepValue : undefined;
    const { metrics, textMetrics } = documentMetrics(doc, { file: file.path, splits: options.splits, step });
    for (const s of metrics) {
      const history = plotsHere?.get(s.key);
      const last = history?.points.at(-1);
      if (history && last) {
        plotsHere!.delete(s.key);
        const summary = s.points[0]?.value;
        if (summary !== undefined && !Object.is(summary, last.value))
          history.points.push({ step: Math.max(last.step, step ?? last.step), value: summary });
        result.metrics.push(history);
      } else result.metrics.push(s);
    }
    for (const t of textMetrics) result.textMetrics.push(t);
    // Plots of this folder without a summary value still belong to the run.
    if (plotsHere) for (const s of plotsHere.values()) result.metrics.push(s);
  }
  for (const s of loose) result.metrics.push(s);
  return result;
}

// ------------------------------------------------------------------------------------------------ workspace

export interface WorkspaceResult {
  run: Run;
  errors: MetricsError[];
  files: DeclaredFiles;
  projects: DvcProject[];
}

/** Reads the workspace's declared files into LoadedFiles; files that do not exist are skipped silently. */
export async function loadWorkspaceFiles(
  root: string,
  files: { metrics?: string[]; params?: ParamsFile[]; plots?: string[] },
): Promise<{ loaded: LoadedFile[]; errors: MetricsError[] }> {
  const loaded: LoadedFile[] = [];
  const errors: MetricsError[] = [];
  const wanted: { rel: string; role: LoadedFile['role']; keys?: string[] }[] = [];
  // Every path comes from the repository: it must resolve (symlinks included) inside the root, else it is refused.
  const confined = (rel: string): string | undefined => {
    const full = resolveInside(root, rel);
    if (!full) errors.push(new MetricsError(outsideMessage(rel), rel));
    return full;
  };
  for (const m of files.metrics ?? []) {
    const full = confined(m);
    if (full === undefined) continue;
    if (isDir(full)) for (const f of plotFilesUnder(root, m)) wanted.push({ rel: f, role: 'metrics' });
    else wanted.push({ rel: m, role: 'metrics' });
  }
  for (const p of files.params ?? []) if (confined(p.path)) wanted.push({ rel: p.path, role: 'params', keys: p.keys });
  for (const p of files.plots ?? []) {
    const full = confined(p);
    if (full === undefined) continue;
    if (isDir(full)) for (const f of plotFilesUnder(root, p)) wanted.push({ rel: f, role: 'plots' });
    else wanted.push({ rel: p, role: 'plots' });
  }
  await Promise.all(
    wanted.map(async (w, i) => {
      const full = resolveInside(root, w.rel);
      if (!full) {
        errors.push(new MetricsError(outsideMessage(w.rel), w.rel));
        return;
      }
      try {
        const content = await readBytes(full);
        loaded[i] = { path: w.rel, role: w.role, content, location: full, ...(w.keys ? { keys: w.keys } : {}) };
      } catch (err) {
        if (err instanceof MetricsError && !fs.existsSync(full)) return;
        errors.push(err instanceof MetricsError ? err : new MetricsError(String(err), full));
      }
    }),
  );
  return { loaded: loaded.filter(Boolean), errors };
}

/**
 * The workspace of a DVC project as one Run (source kind `dvc`, id `workspace`): params from the params files,
 * metrics from the metrics files, per-step series from plots files and DVCLive. A malformed dvc.yaml throws;
 * a malformed metrics file is reported in `errors` and the rest still loads.
 */
export async function readDvcWorkspace(
  root: string,
  options: { dvcYamlFiles?: string[]; splits?: SplitTokens } = {},
): Promise<WorkspaceResult> {
  const projects = readDvcProjects(root, options.dvcYamlFiles);
  const files = declaredFiles(root, projects);
  const { loaded, errors } = await loadWorkspaceFiles(root, files);
  const combined = combineFiles(loaded, { splits: options.splits });
  const run: Run = {
    id: 'workspace',
    source: { kind: 'dvc', location: root },
    label: 'workspace',
    params: combined.params,
    tags: {},
    status: 'unknown',
    metrics: combined.metrics,
  };
  if (combined.textMetrics.length) run.textMetrics = combined.textMetrics;
  return { run, errors: [...projects.flatMap((p) => p.warnings), ...errors, ...combined.errors], files, projects };
}

/** True when `dir` looks like DVCLive output (a `metrics.json` or a `plots/metrics` folder). */
export function isDvcLiveDir(dir: string): boolean {
  return fs.existsSync(path.join(dir, 'metrics.json')) || isDir(path.join(dir, 'plots', 'metrics'));
}

/** A DVCLive output folder as one Run (source kind `dvclive`): summary, per-step plots and logged params. */
export async function readDvcLive(
  dir: string,
  options: { splits?: SplitTokens } = {},
): Promise<{ run: Run; errors: MetricsError[] }> {
  if (!isDir(dir))
    throw new MetricsError(
      `${dir} is not a DVCLive folder (it does not exist). Run the training script that logs with DVCLive.`,
      dir,
    );
  const { loaded, errors } = await loadWorkspaceFiles(dir, {
    metrics: ['metrics.json'],
    params: [{ path: 'params.yaml' }],
    plots: ['plots/metrics'],
  });
  const combined = combineFiles(loaded, { splits: options.splits });
  const run: Run = {
    id: dir,
    source: { kind: 'dvclive', location: dir },
    label: path.basename(dir),
    // DVCLive's params.yaml holds the logged params; relative to the folder it is the default file, so keys are bare.
    params: combined.params,
    tags: {},
    status: 'unknown',
    metrics: combined.metrics,
  };
  if (combined.textMetrics.length) run.textMetrics = combined.textMetrics;
  return { run, errors: [...errors, ...combined.errors] };
}
