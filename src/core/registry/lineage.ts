// The lineage graph of a workspace: the DVC pipeline (stages, their deps, outs, params and metrics, from dvc.yaml)
// plus mlops.yaml's datasets and models and the links between them, laid out with dagre. Stages whose recorded
// hashes in dvc.lock differ from the workspace are marked as needing a rerun, as `dvc status` reports them: a dep or
// out whose md5 changed (files hashed as DVC 3 hashes them: md5 of the bytes; folders as `<md5>.dir`), a param whose
// value changed, a command that changed, or a stage dvc.lock does not know.
import fs from 'node:fs';
import path from 'node:path';
import { flattenParams, parseStructuredText } from '../formats/metricsFiles/parse';
import { DEFAULT_PARAMS_FILE, parseDvcLock, readDvcProjects, type DvcLock } from '../formats/dvc/project';
import type { MlopsConfig } from '../formats/mlopsYaml/model';
import { dvcDirectoryHash, hashFile } from '../workspace/hash';

import type { LineageEdge, LineageGraph, LineageNode, LineageNodeKind } from './types';
export type { LineageEdge, LineageGraph, LineageNode, LineageNodeKind };

/** The part of dagre's API used here (its published types are ESM-only; this module is CommonJS). */
interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}
interface DagreGraph {
  setGraph(options: Record<string, unknown>): void;
  setDefaultEdgeLabel(label: () => object): void;
  setNode(id: string, box: { width: number; height: number }): void;
  setEdge(from: string, to: string): void;
  node(id: string): Box;
  edge(from: string, to: string): { points: { x: number; y: number }[] };
  graph(): { width?: number; height?: number };
}
interface DagreModule {
  graphlib: { Graph: new () => DagreGraph };
  layout(graph: DagreGraph): void;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dagre = require('@dagrejs/dagre') as DagreModule;

const CODE = /\.(py|ipynb|r|sh|js|ts|jl|scala|java|go|rs|c|cc|cpp|m|sql)$/i;
const MODEL = /\.(pkl|joblib|onnx|pt|pth|h5|keras|safetensors|gguf|bin|model|pb|tflite)$/i;
const clean = (p: string): string => p.replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/+$/, '');

function fileKind(p: string, roles: Map<string, LineageNodeKind>): LineageNodeKind {
  return roles.get(p) ?? (CODE.test(p) ? 'code' : MODEL.test(p) ? 'model' : 'data');
}

/** The md5 DVC records for a workspace path (file or folder), or undefined when it is not there. */
async function workspaceMd5(root: string, rel: string): Promise<string | undefined> {
  const full = path.join(root, rel);
  const stat = await fs.promises.stat(full).catch(() => undefined);
  if (!stat) return undefined;
  if (stat.isDirectory()) return (await dvcDirectoryHash(full)).md5;
  const h = await hashFile(full, { algorithm: 'md5' });
  return h.status === 'hashed' ? h.hash : undefined;
}

function readParams(root: string, file: string, cache: Map<string, Record<string, string> | undefined>) {
  if (!cache.has(file)) {
    try {
      const text = fs.readFileSync(path.join(root, file));
      cache.set(file, flattenParams(parseStructuredText(text, file), file));
    } catch {
      cache.set(file, undefined);
    }
  }
  return cache.get(file);
}

/** Why each stage of dvc.lock would rerun (what `dvc status` reports), by stage name. */
export async function stageChanges(
  root: string,
  stages: { name: string; cmd: string | string[]; deps: string[] }[],
  lock: DvcLock | undefined,
): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  const params = new Map<string, Record<string, string> | undefined>();
  const cmd = (c: string | string[]) => (Array.isArray(c) ? c.join(' && ') : c);
  for (const stage of stages) {
    const changes: string[] = [];
    const locked = lock?.stages[stage.name];
    if (!locked) {
      out.set(stage.name, ['not in dvc.lock (never run)']);
      continue;
    }
    if (cmd(locked.cmd) !== cmd(stage.cmd)) changes.push('command changed');
    for (const dep of locked.deps) {
      const now = await workspaceMd5(root, clean(dep.path));
      if (now === undefined) changes.push(`deleted: ${dep.path}`);
      else if (dep.md5 !== undefined && now !== dep.md5) changes.push(`modified: ${dep.path}`);
    }
    const lockedDeps = new Set(locked.deps.map((d) => clean(d.path)));
    for (const dep of stage.deps) if (!lockedDeps.has(clean(dep))) changes.push(`new dependency: ${dep}`);
    for (const [file, values] of Object.entries(locked.params)) {
      const current = readParams(root, file, params);
      if (!current) {
        changes.push(`deleted: ${file}`);
        continue;
      }
      for (const [key, value] of Object.entries(values))
        if (current[key] !== value) changes.push(`param changed: ${file}:${key}`);
    }
    for (const o of locked.outs) {
      const now = await workspaceMd5(root, clean(o.path));
      if (now === undefined) changes.push(`deleted: ${o.path}`);
      else if (o.md5 !== undefined && now !== o.md5) changes.push(`modified: ${o.path}`);
    }
    out.set(stage.name, changes);
  }
  return out;
}

const NODE_HEIGHT = 36;
const nodeWidth = (label: string, kind: LineageNodeKind) =>
  Math.min(260, Math.max(90, label.length * 7 + (kind === 'stage' ? 40 : 28)));

/** The workspace's lineage graph, laid out left to right. */
export async function readLineage(root: string, config?: MlopsConfig): Promise<LineageGraph> {
  const problems: string[] = [];
  const nodes = new Map<string, Omit<LineageNode, 'x' | 'y' | 'width' | 'height'>>();
  const edges = new Map<string, { from: string; to: string }>();
  const roles = new Map<string, LineageNodeKind>();
  for (const d of config?.datasets ?? []) roles.set(clean(d.path), 'data');
  for (const m of config?.models ?? []) roles.set(clean(m.path), 'model');

  const fileNode = (p: string, kind?: LineageNodeKind): string => {
    const rel = clean(p);
    const id = `file:${rel}`;
    const existing = nodes.get(id);
    if (!existing) nodes.set(id, { id, kind: kind ?? fileKind(rel, roles), label: rel, file: rel });
    else if (kind && existing.kind !== kind && (kind === 'metrics' || kind === 'params')) existing.kind = kind;
    return id;
  };
  const edge = (from: string, to: string) => edges.set(`${from}\0${to}`, { from, to });

  let projects: ReturnType<typeof readDvcProjects> = [];
  if (fs.existsSync(path.join(root, 'dvc.yaml'))) {
    try {
      projects = readDvcProjects(root);
    } catch (err) {
      problems.push(`dvc.yaml: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  let lock: DvcLock | undefined;
  try {
    const text = fs.readFileSync(path.join(root, 'dvc.lock'));
    lock = parseDvcLock(text, 'dvc.lock');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
      problems.push(err instanceof Error ? err.message : String(err));
  }
  const stages = projects.flatMap((p) =>
    p.stages.map((s) => ({ ...s, file: clean(path.isAbsolute(p.file) ? path.relative(root, p.file) : p.file) })),
  );
  const changes = await stageChanges(root, stages, lock);
  for (const s of stages) {
    const id = `stage:${s.name}`;
    nodes.set(id, { id, kind: 'stage', label: s.name, file: s.file, changes: changes.get(s.name) ?? [] });
    for (const dep of s.deps) edge(fileNode(dep), id);
    for (const p of s.params) edge(fileNode(p.path || DEFAULT_PARAMS_FILE, 'params'), id);
    for (const o of s.outs) edge(id, fileNode(o.path));
    for (const m of s.metrics) edge(id, fileNode(m.path, 'metrics'));
  }
  // mlops.yaml: each model's datasets and metrics files.
  for (const m of config?.models ?? []) {
    const model = fileNode(m.path, 'model');
    nodes.get(model)!.label = m.name === clean(m.path) ? m.name : `${m.name} (${clean(m.path)})`;
    for (const name of m.datasets) {
      const d = config?.datasets.find((x) => x.name === name);
      if (d) edge(fileNode(d.path, 'data'), model);
    }
    for (const metrics of m.metrics) {
      const id = fileNode(metrics, 'metrics');
      // A metrics file a stage writes is already linked to the stage; link the model to the metrics that judge it.
      edge(model, id);
    }
  }
  for (const d of config?.datasets ?? []) fileNode(d.path, 'data');

  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'LR', nodesep: 14, ranksep: 60, marginx: 12, marginy: 12 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of nodes.values()) g.setNode(n.id, { width: nodeWidth(n.label, n.kind), height: NODE_HEIGHT });
  for (const e of edges.values()) if (e.from !== e.to) g.setEdge(e.from, e.to);
  dagre.layout(g);
  const laid: LineageNode[] = [...nodes.values()].map((n) => {
    const box = g.node(n.id);
    return { ...n, x: box.x - box.width / 2, y: box.y - box.height / 2, width: box.width, height: box.height };
  });
  const routed: LineageEdge[] = [...edges.values()]
    .filter((e) => e.from !== e.to)
    .map((e) => ({ ...e, points: g.edge(e.from, e.to).points }));
  const graph = g.graph();
  return { nodes: laid, edges: routed, width: graph.width ?? 0, height: graph.height ?? 0, problems };
}
