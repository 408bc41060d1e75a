// Paths and expectations of the notebook fixtures written by test/interop/notebooks/generate.py.
import fs from 'node:fs';
import path from 'node:path';
import { type StripOptions } from '../../../src/core/notebooks/strip';
import { type DiffCategory, type NotebookDiff } from '../../../src/core/notebooks/diff';

export const fixturesDir = path.resolve(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'notebooks');

export interface Manifest {
  notebooks: string[];
  optionSets: Record<string, { args: string[]; options: StripOptions; skip: string[] }>;
  pairs: [string, string][];
  ignoreSets: Record<string, DiffCategory[]>;
}

/** nbstripout's result per option set and notebook: [sha256 prefix, bytes, changed] or { exit } when it failed. */
export type StripExpectations = Record<string, Record<string, [string, number, boolean] | { exit: number }>>;

export interface DiffExpectation {
  removed: number[];
  added: number[];
  modified: Record<string, string[]>;
  notebookMetadataChanged: boolean;
  nbformatChanged: boolean;
}

export function readJson<T>(root: string, relative: string): T {
  return JSON.parse(fs.readFileSync(path.join(root, relative), 'utf8')) as T;
}

export function fixture(relative: string, root = fixturesDir): Buffer {
  return fs.readFileSync(path.join(root, relative));
}

/** Every .ipynb under a folder, relative paths. */
export function notebookFiles(root: string): string[] {
  const found: string[] = [];
  const walk = (folder: string): void => {
    for (const entry of fs.readdirSync(path.join(root, folder), { withFileTypes: true })) {
      const relative = path.join(folder, entry.name);
      if (entry.isDirectory()) walk(relative);
      else if (entry.name.endsWith('.ipynb')) found.push(relative);
    }
  };
  walk('.');
  return found.sort();
}

/** Our diff in the shape generate.py gives nbdime's (moves off: nbdime has no moves). */
export function comparableDiff(diff: NotebookDiff): DiffExpectation {
  const result: DiffExpectation = {
    removed: [],
    added: [],
    modified: {},
    notebookMetadataChanged: diff.notebookMetadataChanged,
    nbformatChanged: diff.nbformatChanged,
  };
  for (const cell of diff.cells) {
    if (cell.kind === 'removed') result.removed.push(cell.beforeIndex!);
    else if (cell.kind === 'added') result.added.push(cell.afterIndex!);
    else if (cell.kind === 'modified') result.modified[String(cell.beforeIndex)] = [...cell.changes].sort();
  }
  result.removed.sort((a, b) => a - b);
  result.added.sort((a, b) => a - b);
  return result;
}

/**
 * nbdime's expectation without the ignored categories it reports anyway: cell ids (atomic in nbdime, so its ignore
 * never applies) and a key present on one side only (an attachments list added, for instance).
 */
export function withoutIgnored(expected: DiffExpectation, ignore: DiffCategory[]): DiffExpectation {
  const modified: Record<string, string[]> = {};
  for (const [index, changes] of Object.entries(expected.modified)) {
    const kept = changes.filter((change) => !ignore.includes(change as DiffCategory));
    if (kept.length) modified[index] = kept;
  }
  return { ...expected, modified };
}
