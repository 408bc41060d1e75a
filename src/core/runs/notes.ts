// Notes and labels of runs, merged from three sources: the committed notes file (`.mlops/notes.yaml`, read by
// src/core/formats/runNotes.ts), MLflow's `mlflow.note.content` run tag, and git notes on the commits of git runs.
// The notes file wins; the annotation says where its note came from.
import { labelColor, readNotesFile, type NotesFile } from '../formats/runNotes';
import type { Run } from '../metrics/model';
import type { RunAnnotation } from './model';

/** MLflow's run tag for the note its UI edits. */
export const MLFLOW_NOTE_TAG = 'mlflow.note.content';

export interface NoteSources {
  file?: NotesFile;
  /** Commit sha -> git note. */
  gitNotes?: ReadonlyMap<string, string>;
}

/** The commit whose git note belongs to a run: the revision of a git run (never a tracker's run id). */
function commitOf(run: Run): string | undefined {
  return run.revisionInfo?.sha;
}

/** A run's annotation: the notes file's note, else MLflow's note tag, else the commit's git note; labels from the file. */
export function annotationOf(key: string, run: Run, sources: NoteSources): RunAnnotation {
  const entry = sources.file?.runs.get(key);
  const declared = sources.file?.labels ?? new Map();
  const annotation: RunAnnotation = {
    labels: (entry?.labels ?? []).map((name) => ({ name, color: labelColor(name, declared) })),
  };
  const mlflow = run.tags[MLFLOW_NOTE_TAG];
  const commit = commitOf(run);
  const git = commit ? sources.gitNotes?.get(commit) : undefined;
  if (entry?.note?.trim()) {
    annotation.note = entry.note;
    annotation.noteSource = 'notes-file';
  } else if (mlflow?.trim()) {
    annotation.note = mlflow;
    annotation.noteSource = 'mlflow';
  } else if (git?.trim()) {
    annotation.note = git;
    annotation.noteSource = 'git-notes';
  }
  return annotation;
}

export interface LoadedNotes extends NoteSources {
  /** What could not be read (the notes file's problems, git notes that failed); the rest is used. */
  problems: string[];
}

/**
 * The notes file of `root` and the git notes of the git runs among `runs` (one git call for all of them). Git notes
 * are read only when `git` is true (a trusted workspace with git).
 */
export async function loadNoteSources(root: string, runs: readonly Run[], git: boolean): Promise<LoadedNotes> {
  const problems: string[] = [];
  const file = await readNotesFile(root).catch((err: unknown) => {
    problems.push(`.mlops/notes.yaml: ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  });
  for (const p of file?.problems ?? []) problems.push(`.mlops/notes.yaml${p.line ? `:${p.line}` : ''}: ${p.message}`);
  let gitNotes: Map<string, string> | undefined;
  const commits: string[] = [];
  for (const run of runs) {
    const commit = commitOf(run);
    if (commit) commits.push(commit);
  }
  if (git && commits.length)
    // The git façade (simple-git) is loaded only when there are git runs to annotate.
    gitNotes = await import('../git/commands.js')
      .then(({ readGitNotes }) => readGitNotes(root, commits))
      .catch((err: unknown) => {
        problems.push(`git notes: ${err instanceof Error ? err.message : String(err)}`);
        return undefined;
      });
  return { ...(file ? { file } : {}), ...(gitNotes ? { gitNotes } : {}), problems };
}
