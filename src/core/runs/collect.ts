// The rows of a workspace folder: every metrics source read through the one source list, notes merged from the
// notes file, MLflow's note tag and git notes. The CLI (`mlops runs list`) and the Runs panel's host both call this.
import { readSources, type ListedSource, type ReadSourcesOptions } from '../metrics/sources/discover';
import type { RunRow } from './model';
import { annotationOf, loadNoteSources, type LoadedNotes } from './notes';
import { sourcesToRows } from './rows';

export interface CollectedRows {
  rows: RunRow[];
  /** The sources read, with their problems (a source that failed is listed with no runs). */
  sources: ListedSource[];
  notes: LoadedNotes;
}

/**
 * Reads every source of `root` (as `readSources` does with `options`) and builds the rows with their notes. Git
 * notes are read only when the folder may run git (`options.trusted` is not false).
 */
export async function collectRows(root: string, options: ReadSourcesOptions = {}): Promise<CollectedRows> {
  const sources = await readSources(root, options);
  const runs = sources.flatMap((s) => s.runs);
  const notes = await loadNoteSources(root, runs, options.trusted !== false);
  const rows = sourcesToRows(sources, { root, annotate: (key, run) => annotationOf(key, run, notes) });
  return { rows, sources, notes };
}
