// What DVC metadata files declare, for the explorer and the checks: the outs of `.dvc` files and of dvc.yaml /
// dvc.lock stages, the artifacts of dvc.yaml, and the metrics and plots files (which are not datasets). The files are
// parsed by project.ts (the one reader of DVC's files); this module only reshapes the result and turns errors into
// problems. Paths come back relative to the root the caller scans, with forward slashes.
import path from 'node:path';
import { MetricsSyntaxError } from '../metricsFiles/parse';
import { MetricsError } from '../../metrics/model';
import { parseDotDvc, parseDvcLock, parseDvcYaml, type DvcLockEntry } from './project';

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
  const folder = path.posix.dirname(relativeFile) === '.' ? '' : path.posix.dirname(relativeFile);
  const name = path.posix.basename(relativeFile);
  try {
    if (name === 'dvc.yaml') readDvcYaml(text, folder, facts);
    else if (name === 'dvc.lock') readDvcLock(text, folder, facts);
    else {
      const dotDvc = parseDotDvc(text, relativeFile);
      readOuts(dotDvc.outs, joinPath(folder, dotDvc.wdir), facts, undefined);
    }
  } catch (err) {
    if (!(err instanceof MetricsError)) throw err;
    facts.outs = [];
    facts.artifacts = [];
    facts.metricsAndPlots = [];
    if (err instanceof MetricsSyntaxError) {
      const line = err.position?.line ?? 1;
      const column = err.position?.column ?? 1;
      facts.problems.push({
        file: relativeFile,
        message: `${relativeFile}:${line}:${column}: ${err.reason} (DVC entries in this file are skipped until it is fixed)`,
        line: line - 1,
        column: column - 1,
      });
    } else {
      facts.problems.push({
        file: relativeFile,
        message: `${err.message.replace(/\.$/, '')}; DVC entries in this file are skipped.`,
        line: 0,
        column: 0,
      });
    }
  }
  return facts;
}

/** Templated stages (foreach, matrix) are left to dvc.lock, which holds their expanded outs. */
function readDvcYaml(text: string, folder: string, facts: DvcFileFacts): void {
  const project = parseDvcYaml(text, facts.file, { folder });
  for (const stage of project.stages) {
    if (stage.template !== undefined) continue;
    for (const out of stage.outs) {
      if (!usable(out.path)) continue;
      facts.outs.push({ path: out.path, declaredIn: facts.file, stage: stage.name, cache: out.cache !== false });
    }
    for (const entry of [...stage.metrics, ...stage.plots])
      if (usable(entry.path)) facts.metricsAndPlots.push(entry.path);
  }
  for (const file of [...project.metrics, ...project.plots]) if (usable(file)) facts.metricsAndPlots.push(file);
  for (const artifact of project.artifacts) {
    if (!usable(artifact.path)) continue;
    facts.artifacts.push({
      name: artifact.name,
      path: artifact.path,
      type: artifact.type,
      description: artifact.desc,
      labels: artifact.labels,
      declaredIn: facts.file,
      folder,
    });
  }
}

function readDvcLock(text: string, folder: string, facts: DvcFileFacts): void {
  const lock = parseDvcLock(text, facts.file);
  for (const [stageName, stage] of Object.entries(lock.stages)) readOuts(stage.outs, folder, facts, stageName);
}

/** Outs with hashes: a dvc.lock stage or a `.dvc` file. */
function readOuts(entries: DvcLockEntry[], base: string, facts: DvcFileFacts, stage: string | undefined): void {
  for (const entry of entries) {
    if (!usable(entry.path)) continue;
    const out: DvcOut = { path: joinPath(base, entry.path), declaredIn: facts.file, cache: entry.cache !== false };
    if (stage) out.stage = stage;
    if (entry.md5) {
      out.md5 = entry.md5;
      out.isDirectory = entry.md5.endsWith('.dir');
    }
    if (entry.size !== undefined) out.size = entry.size;
    if (entry.nfiles !== undefined) {
      out.nfiles = entry.nfiles;
      out.isDirectory = true;
    }
    facts.outs.push(out);
  }
}

/** A path that names a file: not empty, no unresolved `${...}`. */
function usable(p: string): boolean {
  return p !== '' && !p.includes('${');
}

function joinPath(base: string, relative: string): string {
  const joined = path.posix.normalize(base ? `${base}/${relative}` : relative || '.');
  return joined.replace(/\/$/, '').replace(/^\.\//, '') || '.';
}
