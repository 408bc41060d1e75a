// Reads what DVC metadata files declare: the outs of `.dvc` files and of dvc.yaml / dvc.lock stages, the artifacts
// of dvc.yaml, and the metrics and plots files (which are not datasets). Paths come back relative to the root the
// caller scans, with forward slashes.
import path from 'node:path';
import { LineCounter, parseDocument } from 'yaml';

export interface DvcOut {
  /** Relative to the scanned root. */
  path: string;
  /** The metadata file that declares it, relative to the scanned root. */
  declaredIn: string;
  stage?: string;
  md5?: string;
  size?: number;
  nfiles?: number;
  /** Known from a `.dir` hash; undefined when the metadata does not tell. */
  isDirectory?: boolean;
  /** `cache: false` outs are committed to git rather than to the DVC cache. */
  cache: boolean;
}

export interface DvcArtifact {
  name: string;
  /** Relative to the scanned root. */
  path: string;
  type?: string;
  description?: string;
  labels: string[];
  declaredIn: string;
  /** The folder of the dvc.yaml, relative to the scanned root ('' at the root); GTO tags name artifacts `<folder>:<name>`. */
  folder: string;
}

export interface DvcFileProblem {
  file: string;
  message: string;
  /** 0-based, when known. */
  line?: number;
  column?: number;
}

export interface DvcFileFacts {
  /** Relative to the scanned root. */
  file: string;
  outs: DvcOut[];
  artifacts: DvcArtifact[];
  /** Metrics and plots files or folders declared by dvc.yaml, relative to the scanned root. */
  metricsAndPlots: string[];
  problems: DvcFileProblem[];
}

/** Whether a file name is DVC metadata this module reads. */
export function isDvcMetadataFile(name: string): boolean {
  return name === 'dvc.yaml' || name === 'dvc.lock' || (name.endsWith('.dvc') && name.length > 4);
}

/** Parses one DVC metadata file (`*.dvc`, `dvc.yaml` or `dvc.lock`) given its path relative to the scanned root. */
export function parseDvcMetadata(relativeFile: string, text: string): DvcFileFacts {
  const facts: DvcFileFacts = { file: relativeFile, outs: [], artifacts: [], metricsAndPlots: [], problems: [] };
  const lineCounter = new LineCounter();
  let doc: ReturnType<typeof parseDocument>;
  try {
    doc = parseDocument(text, { lineCounter, prettyErrors: false });
  } catch (err) {
    // The YAML parser recurses once per nesting level: thousands of levels overflow the stack.
    const reason = err instanceof RangeError ? 'nested too deeply to read' : (err as Error).message;
    facts.problems.push({
      file: relativeFile,
      message: `${relativeFile}: ${reason} (DVC entries in this file are skipped until it is fixed)`,
    });
    return facts;
  }
  if (doc.errors.length) {
    const err = doc.errors[0];
    const pos = lineCounter.linePos(err.pos[0]);
    facts.problems.push({
      file: relativeFile,
      message: `${relativeFile}:${pos.line}:${pos.col}: ${err.message.split('\n')[0]} (DVC entries in this file are skipped until it is fixed)`,
      line: pos.line - 1,
      column: pos.col - 1,
    });
    return facts;
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 1000 });
  } catch (err) {
    facts.problems.push({ file: relativeFile, message: `${relativeFile}: ${(err as Error).message}` });
    return facts;
  }
  if (data === null || data === undefined) return facts;
  if (!isRecord(data)) {
    facts.problems.push({
      file: relativeFile,
      message: `${relativeFile}: expected a mapping at the top level; DVC entries in this file are skipped.`,
      line: 0,
      column: 0,
    });
    return facts;
  }
  const folder = path.posix.dirname(relativeFile) === '.' ? '' : path.posix.dirname(relativeFile);
  const name = path.posix.basename(relativeFile);
  if (name === 'dvc.yaml') readDvcYaml(data, folder, facts);
  else if (name === 'dvc.lock') readDvcLock(data, folder, facts);
  else readOuts(data.outs, joinPath(folder, text1(data.wdir) ?? ''), facts, undefined);
  return facts;
}

function readDvcYaml(data: Record<string, unknown>, folder: string, facts: DvcFileFacts): void {
  if (isRecord(data.stages)) {
    for (const [stageName, stage] of Object.entries(data.stages)) {
      if (!isRecord(stage) || 'foreach' in stage || 'matrix' in stage) continue; // templated: dvc.lock has the expanded outs
      const wdir = joinPath(folder, text1(stage.wdir) ?? '');
      readOuts(stage.outs, wdir, facts, stageName);
      for (const key of ['metrics', 'plots'] as const)
        for (const entry of pathEntries(stage[key])) facts.metricsAndPlots.push(joinPath(wdir, entry.path));
    }
  }
  for (const entry of pathEntries(data.metrics)) facts.metricsAndPlots.push(joinPath(folder, entry.path));
  for (const plotPath of plotPaths(data.plots)) facts.metricsAndPlots.push(joinPath(folder, plotPath));
  if (isRecord(data.artifacts)) {
    for (const [artifactName, artifact] of Object.entries(data.artifacts)) {
      if (!isRecord(artifact) || typeof artifact.path !== 'string' || artifact.path.includes('${')) continue;
      facts.artifacts.push({
        name: artifactName,
        path: joinPath(folder, artifact.path),
        type: text1(artifact.type),
        description: text1(artifact.desc),
        labels: Array.isArray(artifact.labels) ? artifact.labels.filter((l): l is string => typeof l === 'string') : [],
        declaredIn: facts.file,
        folder,
      });
    }
  }
}

function readDvcLock(data: Record<string, unknown>, folder: string, facts: DvcFileFacts): void {
  if (!isRecord(data.stages)) return;
  for (const [stageName, stage] of Object.entries(data.stages)) {
    if (isRecord(stage)) readOuts(stage.outs, folder, facts, stageName);
  }
}

/** `outs` of a .dvc file, a dvc.yaml stage (strings or one-key mappings) or a dvc.lock stage (records). */
function readOuts(outs: unknown, base: string, facts: DvcFileFacts, stage: string | undefined): void {
  for (const entry of pathEntries(outs)) {
    const md5 = text1(entry.fields.md5);
    const out: DvcOut = {
      path: joinPath(base, entry.path),
      declaredIn: facts.file,
      cache: entry.fields.cache !== false,
    };
    if (stage) out.stage = stage;
    if (md5) {
      out.md5 = md5;
      out.isDirectory = md5.endsWith('.dir');
    }
    if (typeof entry.fields.size === 'number') out.size = entry.fields.size;
    if (typeof entry.fields.nfiles === 'number') {
      out.nfiles = entry.fields.nfiles;
      out.isDirectory = true;
    }
    facts.outs.push(out);
  }
}

interface PathEntry {
  path: string;
  fields: Record<string, unknown>;
}

/** DVC writes path lists three ways: `- path`, `- path: {options}` and `- {path: ..., md5: ...}`. */
function pathEntries(value: unknown): PathEntry[] {
  if (!Array.isArray(value)) return [];
  const out: PathEntry[] = [];
  for (const item of value) {
    if (typeof item === 'string') out.push({ path: item, fields: {} });
    else if (isRecord(item) && typeof item.path === 'string') out.push({ path: item.path, fields: item });
    else if (isRecord(item)) {
      const keys = Object.keys(item);
      if (keys.length === 1)
        out.push({ path: keys[0], fields: isRecord(item[keys[0]]) ? (item[keys[0]] as Record<string, unknown>) : {} });
    }
  }
  return out.filter((e) => e.path && !e.path.includes('${'));
}

/** Top-level `plots`: paths, `path: {x, y}` mappings, or ids with `y: {file: field}`. */
function plotPaths(value: unknown): string[] {
  const out: string[] = [];
  for (const entry of pathEntries(value)) {
    const y = entry.fields.y;
    if (isRecord(y)) for (const key of Object.keys(y)) out.push(key);
    else out.push(entry.path);
  }
  return out;
}

function joinPath(base: string, relative: string): string {
  const joined = path.posix.normalize(base ? `${base}/${relative}` : relative || '.');
  return joined.replace(/\/$/, '').replace(/^\.\//, '') || '.';
}

function text1(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
