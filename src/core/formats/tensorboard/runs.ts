// TensorBoard runs: every folder holding `events.out.tfevents.*` files is one run (as TensorBoard shows them);
// its files are read in name order (names start with the creation time) and their scalars merged per tag.
import { type Dirent, promises as fs } from 'node:fs';
import path from 'node:path';
import { MetricsError, type MetricSeries, type Run } from '../../metrics/model';
import { splitOf } from '../../metrics/split';
import { EventFileReader, type EventReadResult, type EventReaderOptions, type ScalarColumns } from './events';

export const EVENT_FILE_PREFIX = 'events.out.tfevents.';

export interface EventRunFolder {
  /** The folder relative to the log folder, with `/` separators; `.` for the log folder itself. */
  id: string;
  /** Absolute path of the folder. */
  directory: string;
  /** Absolute paths of its event files, in name order. */
  files: string[];
}

export interface FindEventRunsOptions {
  /** Folder levels below the log folder to search (default 8). */
  maxDepth?: number;
}

/** Folders never searched: version control, dependencies, caches. */
const SKIPPED = new Set(['node_modules', '__pycache__', '.git', '.hg', '.svn', '.dvc', '.venv', 'venv']);

/** Every folder under `logDir` (itself included) with event files, sorted by id. Symbolic links are not followed. */
export async function findEventRuns(logDir: string, options: FindEventRunsOptions = {}): Promise<EventRunFolder[]> {
  const maxDepth = options.maxDepth ?? 8;
  const root = path.resolve(logDir);
  try {
    const stat = await fs.stat(root);
    if (!stat.isDirectory())
      throw new MetricsError(`${root}: not a folder; give the folder that holds TensorBoard runs.`, root);
  } catch (err) {
    if (err instanceof MetricsError) throw err;
    throw new MetricsError(
      `${root}: the TensorBoard log folder does not exist or cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)}).`,
      root,
    );
  }
  const runs: EventRunFolder[] = [];
  const walk = async (directory: string, depth: number): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await fs.readdir(directory, { withFileTypes: true });
    } catch {
      return; // A folder that vanished or cannot be listed holds no run we can read.
    }
    const files = entries
      .filter((e) => e.isFile() && e.name.startsWith(EVENT_FILE_PREFIX))
      .map((e) => e.name)
      .sort()
      .map((name) => path.join(directory, name));
    if (files.length) {
      const relative = path.relative(root, directory).split(path.sep).join('/');
      runs.push({ id: relative || '.', directory, files });
    }
    if (depth >= maxDepth) return;
    const folders = entries.filter((e) => e.isDirectory() && !SKIPPED.has(e.name));
    await Promise.all(folders.map((e) => walk(path.join(directory, e.name), depth + 1)));
  };
  await walk(root, 0);
  return runs.sort((a, b) => compareRunIds(a.id, b.id));
}

const runIdCollator = new Intl.Collator('en', { numeric: true });

/**
 * Run folders in natural order, as TensorBoard lists them: numbers inside names compare as numbers (Lightning's
 * `version_2` before `version_10`), then code points, so the order never depends on the locale.
 */
export function compareRunIds(a: string, b: string): number {
  return runIdCollator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

/** Scalar columns merged per tag, in order of first appearance (a tag in several files keeps file order). */
export function mergeScalars(parts: readonly ScalarColumns[][]): ScalarColumns[] {
  const byTag = new Map<string, ScalarColumns>();
  for (const list of parts) {
    for (const columns of list) {
      const existing = byTag.get(columns.tag);
      if (!existing) {
        byTag.set(columns.tag, {
          tag: columns.tag,
          steps: columns.steps.slice(),
          values: columns.values.slice(),
          wallTimes: columns.wallTimes.slice(),
        });
        continue;
      }
      // One push per element: spreading a long column would overflow the call stack.
      for (const step of columns.steps) existing.steps.push(step);
      for (const value of columns.values) existing.values.push(value);
      for (const wallTime of columns.wallTimes) existing.wallTimes.push(wallTime);
    }
  }
  return [...byTag.values()];
}

/** Metric series from scalar columns; timestamps are wall times in milliseconds. */
export function scalarSeries(columns: readonly ScalarColumns[]): MetricSeries[] {
  return columns.map((c) => {
    const points = Array.from(c.steps, (step, i) => ({
      step,
      value: c.values[i] ?? NaN,
      timestamp: (c.wallTimes[i] ?? NaN) * 1000,
    }));
    const { split, baseKey } = splitOf(c.tag);
    return { key: c.tag, split, baseKey, points };
  });
}

export interface EventRunRead {
  run: Run;
  /** Files that end inside a record (still being written), with the offset of that record. */
  truncated: { file: string; offset: number }[];
  /** Per file, where a later `EventFileReader.readFrom()` would continue. */
  offsets: Record<string, number>;
  /**
   * The folder holds only an HParams experiment definition (the domains Keras's `hp.hparams_config` writes at the
   * top of a tuning folder): no scalar, no session: not a run of its own.
   */
  definitionOnly: boolean;
}

/** Reads all event files of a run folder into one Run (source kind `tensorboard`, id = the folder id). */
export async function readEventRun(folder: EventRunFolder, options: EventReaderOptions = {}): Promise<EventRunRead> {
  const results: EventReadResult[] = [];
  for (const file of folder.files) results.push(await new EventFileReader(file, options).readFrom(0));
  return {
    run: runFromEvents(folder, results),
    truncated: results
      .filter((r) => r.truncatedAt !== undefined)
      .map((r) => ({ file: r.file, offset: r.truncatedAt! })),
    offsets: Object.fromEntries(results.map((r) => [r.file, r.nextOffset])),
    definitionOnly:
      results.some((r) => r.hparamsExperiment) && results.every((r) => r.scalars.length === 0 && !r.hparams),
  };
}

/** The hyperparameters of a run's HParams session (the last file's that has one) as params: text, as logged. */
function hparamsOf(results: readonly EventReadResult[]): Record<string, string> {
  const session = [...results].reverse().find((r) => r.hparams)?.hparams ?? {};
  return Object.fromEntries(Object.entries(session).map(([name, value]) => [name, String(value)]));
}

/** Builds the Run of a folder from read results of its files (in file order). */
export function runFromEvents(folder: EventRunFolder, results: readonly EventReadResult[]): Run {
  let first: number | undefined;
  let last: number | undefined;
  for (const r of results) {
    if (r.firstWallTime !== undefined && (first === undefined || r.firstWallTime < first)) first = r.firstWallTime;
    if (r.lastWallTime !== undefined && (last === undefined || r.lastWallTime > last)) last = r.lastWallTime;
  }
  return {
    id: folder.id,
    source: { kind: 'tensorboard', location: folder.directory },
    label: folder.id === '.' ? path.basename(folder.directory) : folder.id,
    time: first === undefined ? undefined : first * 1000,
    endTime: last === undefined ? undefined : last * 1000,
    params: hparamsOf(results),
    tags: {},
    status: 'unknown',
    metrics: scalarSeries(mergeScalars(results.map((r) => r.scalars))),
  };
}
