// The metrics of one workspace folder: a list of candidate sources (metrics files, dvc.yaml, DVCLive folders, and
// whatever other readers recognise), each loaded on first need, cached by (path, mtime, size), and reloaded only
// when it changed or was invalidated.
import fs from 'node:fs';
import path from 'node:path';
import { isDvcLiveDir, readDvcLive, readDvcWorkspace } from '../formats/dvc/project';
import { readFileRun } from '../formats/metricsFiles/parse';
import { MetricsError, type Run, type SourceKind } from './model';
import { type SplitTokens } from './split';

/** A reader the index can use for a source; other readers (MLflow, TensorBoard) plug in with `register`. */
export interface SourceReader {
  kind: SourceKind;
  /** Whether this reader handles the path (absolute). May look at the file system. */
  matches(sourcePath: string): boolean;
  load(sourcePath: string): Promise<Run[]>;
  /** The file or folder whose changes affect the source (default: the path itself), for `invalidate`. */
  scope?(sourcePath: string): string;
}

export interface SourceState {
  path: string;
  kind?: SourceKind;
  runs: Run[];
  error?: MetricsError;
}

export interface IndexSnapshot {
  runs: Run[];
  sources: SourceState[];
  errors: MetricsError[];
}

interface Entry {
  path: string;
  /** What changes affect it (set once a reader is chosen). */
  scope?: string;
  stamp?: string;
  stale: boolean;
  /** Bumped by `invalidate`, so an invalidation during a load is not lost. */
  generation: number;
  state?: SourceState;
  loading?: Promise<SourceState>;
}

const tabular = /\.(json|ya?ml|csv|tsv)$/i;

/** The readers for this module's formats: dvc.yaml (workspace run), DVCLive folders, plain metrics files. */
export function defaultReaders(options: { splits?: SplitTokens } = {}): SourceReader[] {
  return [
    {
      kind: 'dvc',
      matches: (p) => path.basename(p) === 'dvc.yaml',
      // Metrics, params and plots files anywhere in the project change the workspace run.
      scope: (p) => path.dirname(p),
      load: async (p) => {
        const { run, errors } = await readDvcWorkspace(path.dirname(p), { splits: options.splits });
        const [error] = errors;
        if (run.metrics.length === 0 && error) throw error;
        return [run];
      },
    },
    {
      kind: 'dvclive',
      matches: (p) => {
        try {
          if (path.basename(p) === 'metrics.json')
            return fs.statSync(path.join(path.dirname(p), 'plots', 'metrics')).isDirectory();
          return fs.statSync(p).isDirectory() && isDvcLiveDir(p);
        } catch {
          return false;
        }
      },
      scope: (p) => (path.basename(p) === 'metrics.json' ? path.dirname(p) : p),
      load: async (p) => {
        const dir = path.basename(p) === 'metrics.json' ? path.dirname(p) : p;
        const { run, errors } = await readDvcLive(dir, { splits: options.splits });
        const [error] = errors;
        if (run.metrics.length === 0 && error) throw error;
        return [run];
      },
    },
    {
      kind: 'file',
      matches: (p) => tabular.test(p),
      load: async (p) => [await readFileRun(p, { splits: options.splits, label: path.basename(p) })],
    },
  ];
}

async function stampOf(p: string): Promise<string | undefined> {
  try {
    const s = await fs.promises.stat(p);
    return `${s.mtimeMs}:${s.size}:${s.ino}`;
  } catch {
    return undefined;
  }
}

function isUnder(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

export class MetricsIndex {
  private readonly readers: SourceReader[];
  private readonly entries = new Map<string, Entry>();

  /** `folder`: the workspace folder; relative source paths resolve against it. */
  constructor(
    readonly folder: string,
    readers: SourceReader[] = defaultReaders(),
  ) {
    this.readers = [...readers];
  }

  /** Adds a reader that is tried before the existing ones (a more specific format wins). */
  register(reader: SourceReader): void {
    this.readers.unshift(reader);
    for (const e of this.entries.values()) if (!e.state?.kind) e.stale = true;
  }

  /** Sets the candidate sources; sources no longer listed are dropped, new ones load on the next `load`. */
  setSources(paths: readonly string[]): void {
    const wanted = new Set(paths.map((p) => path.resolve(this.folder, p)));
    for (const p of this.entries.keys()) if (!wanted.has(p)) this.entries.delete(p);
    for (const p of wanted) if (!this.entries.has(p)) this.entries.set(p, { path: p, stale: true, generation: 0 });
  }

  sources(): string[] {
    return [...this.entries.keys()];
  }

  /**
   * Marks the sources affected by changed paths (the path itself, a file inside a source folder, or a folder
   * holding a source) for reloading; returns the sources marked.
   */
  invalidate(paths: readonly string[]): string[] {
    const changed = paths.map((p) => path.resolve(this.folder, p));
    const marked: string[] = [];
    for (const e of this.entries.values()) {
      const scope = e.scope ?? e.path;
      if (changed.some((c) => isUnder(c, scope) || isUnder(e.path, c))) {
        e.stale = true;
        e.generation++;
        marked.push(e.path);
      }
    }
    return marked;
  }

  /** One source's runs (loading it if needed). */
  async get(sourcePath: string): Promise<SourceState> {
    const p = path.resolve(this.folder, sourcePath);
    let entry = this.entries.get(p);
    if (!entry) {
      entry = { path: p, stale: true, generation: 0 };
      this.entries.set(p, entry);
    }
    return this.refresh(entry);
  }

  /** Every source's runs; only sources that are new, invalidated, or whose (mtime, size) changed are read. */
  async load(): Promise<IndexSnapshot> {
    const states = await Promise.all([...this.entries.values()].map((e) => this.refresh(e)));
    return {
      runs: states.flatMap((s) => s.runs),
      sources: states,
      errors: states.flatMap((s) => (s.error ? [s.error] : [])),
    };
  }

  private refresh(entry: Entry): Promise<SourceState> {
    // One check-and-load at a time per source: concurrent callers share it.
    entry.loading ??= (async () => {
      try {
        const stamp = await stampOf(entry.path);
        if (!entry.stale && entry.state && stamp === entry.stamp) return entry.state;
        const generation = entry.generation;
        const state = await this.read(entry);
        entry.state = state;
        entry.stamp = stamp;
        entry.stale = entry.generation !== generation;
        return state;
      } finally {
        entry.loading = undefined;
      }
    })();
    return entry.loading;
  }

  private async read(entry: Entry): Promise<SourceState> {
    const p = entry.path;
    const reader = this.readers.find((r) => {
      try {
        return r.matches(p);
      } catch {
        return false;
      }
    });
    if (!reader)
      return {
        path: p,
        runs: [],
        error: new MetricsError(`${p}: no reader for this kind of file. Metrics files are JSON, YAML, CSV or TSV.`, p),
      };
    entry.scope = reader.scope?.(p) ?? p;
    try {
      return { path: p, kind: reader.kind, runs: await reader.load(p) };
    } catch (err) {
      const error =
        err instanceof MetricsError
          ? err
          : new MetricsError(`${p}: ${err instanceof Error ? err.message : String(err)}`, p);
      return { path: p, kind: reader.kind, runs: [], error };
    }
  }
}
