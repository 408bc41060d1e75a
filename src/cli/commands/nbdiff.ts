import fs from 'node:fs';
import path from 'node:path';
import {
  describeDiff,
  diffNotebooks,
  parseDiffCategories,
  type CellDiff,
  type DiffCategory,
  type NotebookDiff,
} from '../../core/notebooks/diff';
import {
  DEFAULT_MAX_NOTEBOOK_BYTES,
  parseNotebook,
  readNotebook,
  type NotebookJson,
} from '../../core/formats/notebook/format';
import { GitError, readFileAtRevision } from '../../core/git/state';
import { escapeControlCharacters } from '../../core/security/controlCharacters';
import { line } from '../output';
import { defineCommand, EXIT, parseCommandArgs, UsageError } from '../registry';

const HELP = `Usage: mlops nbdiff <before.ipynb> <after.ipynb> [options]
       mlops nbdiff --git <notebook.ipynb> [revision]   (revision, default HEAD, against the working copy)

Compares notebooks cell by cell (cells matched by id, else by content, as nbdime does) and tells real changes
(sources, added, removed and moved cells) from re-run noise (outputs, execution counts, metadata).

Options:
  --ignore <list>   categories to ignore: source, outputs, metadata, execution_count (or details), attachments, id
  --json            print the full diff as JSON
  --no-moves        report moved cells as removed and added
  --exit-code       exit 1 when the notebooks differ
`;

interface Parsed {
  files: string[];
  git: boolean;
  json: boolean;
  moves: boolean;
  exitCode: boolean;
  ignore: DiffCategory[];
}

const OPTIONS = {
  git: { type: 'boolean' },
  json: { type: 'boolean' },
  'no-moves': { type: 'boolean' },
  'exit-code': { type: 'boolean' },
  ignore: { type: 'string', multiple: true },
} as const;

function parseArguments(args: string[]): Parsed | 'help' {
  const result = parseCommandArgs('nbdiff', HELP, args, OPTIONS);
  if (result === 'help') return 'help';
  const { values, positionals } = result;
  const parsed: Parsed = {
    files: positionals,
    git: values.git === true,
    json: values.json === true,
    moves: values['no-moves'] !== true,
    exitCode: values['exit-code'] === true,
    ignore: [],
  };
  for (const value of values.ignore ?? []) {
    try {
      for (const category of parseDiffCategories(value))
        if (!parsed.ignore.includes(category)) parsed.ignore.push(category);
    } catch (err) {
      throw new UsageError(`--ignore: ${(err as Error).message}`);
    }
  }
  if (parsed.git) {
    if (parsed.files.length < 1 || parsed.files.length > 2)
      throw new UsageError('--git takes a notebook path and optionally a revision (default HEAD)');
    if (parsed.files[1]?.startsWith('-')) throw new UsageError(`invalid revision '${parsed.files[1]}'`);
  } else if (parsed.files.length !== 2) {
    throw new UsageError(
      "give two notebooks to compare, or --git <notebook> [revision]. Run 'mlops nbdiff --help' for details.",
    );
  }
  return parsed;
}

const emptyNotebook = (): NotebookJson => ({ cells: [], metadata: {}, nbformat: 4, nbformat_minor: 5 });

/** The notebook's bytes at a revision, read in its folder; undefined when the file is not in that revision. */
async function gitShow(file: string, revision: string): Promise<Buffer | undefined> {
  // The folder may be gone from the working copy: run in the nearest folder that exists.
  let folder = path.dirname(file);
  while (!fs.existsSync(folder) && path.dirname(folder) !== folder) folder = path.dirname(folder);
  const relative = path.relative(folder, file).split(path.sep).join('/');
  try {
    return await readFileAtRevision(folder, revision, relative, { maxBytes: DEFAULT_MAX_NOTEBOOK_BYTES });
  } catch (err) {
    if (err instanceof GitError && err.kind === 'too-large')
      throw new Error(`${file} at ${revision} is larger than ${DEFAULT_MAX_NOTEBOOK_BYTES} bytes`, { cause: err });
    if (err instanceof GitError && (err.kind === 'failed' || err.kind === 'not-found')) {
      const first = (err.stderr || err.message).split('\n').find((l) => l.trim()) ?? err.message;
      throw new Error(`git show ${revision}:${relative} failed: ${first.trim()}`, { cause: err });
    }
    throw err;
  }
}

/** 1-based cell numbers: the old one, the new one, or "old -> new" where they differ. */
function cellNumber(cell: CellDiff): string {
  const before = cell.beforeIndex === undefined ? undefined : cell.beforeIndex + 1;
  const after = cell.afterIndex === undefined ? undefined : cell.afterIndex + 1;
  if (before !== undefined && after !== undefined && before !== after) return `${before} -> ${after}`;
  return String(after ?? before ?? 1);
}

function cellLabel(cell: CellDiff): string {
  // Cell types and ids come from the notebook: escaped like every name in a text report.
  return escapeControlCharacters(`cell ${cellNumber(cell)} (${cell.cellType}${cell.id ? ` ${cell.id}` : ''})`);
}

const changeNames: Record<string, string> = { executionCount: 'execution count', cellType: 'cell type' };

function changeText(cell: CellDiff): string {
  return cell.changes
    .map((change) =>
      change === 'source' ? `source +${cell.linesAdded} -${cell.linesRemoved}` : (changeNames[change] ?? change),
    )
    .join(', ');
}

function renderText(before: string, after: string, diff: NotebookDiff): string {
  const lines = [`--- ${escapeControlCharacters(before)}`, `+++ ${escapeControlCharacters(after)}`];
  for (const cell of diff.cells) {
    if (cell.kind === 'added')
      lines.push(`  + added    ${cellLabel(cell)}, ${cell.linesAdded} line${cell.linesAdded === 1 ? '' : 's'}`);
    else if (cell.kind === 'removed')
      lines.push(`  - removed  ${cellLabel(cell)}, ${cell.linesRemoved} line${cell.linesRemoved === 1 ? '' : 's'}`);
    else if (cell.kind === 'moved')
      lines.push(`  > moved    ${cellLabel(cell)}${cell.changes.length ? `: ${changeText(cell)}` : ''}`);
    else if (cell.kind === 'modified') lines.push(`  ~ modified ${cellLabel(cell)}: ${changeText(cell)}`);
  }
  if (diff.notebookMetadataChanged) lines.push('  ~ notebook metadata');
  if (diff.nbformatChanged) lines.push('  ~ nbformat version');
  lines.push(describeDiff(diff), '');
  return lines.join('\n');
}

defineCommand(
  'nbdiff',
  'compare notebooks cell by cell, telling source changes from output noise',
  async (args, io) => {
    const parsed = parseArguments(args);
    if (parsed === 'help') {
      io.stdout(HELP);
      return EXIT.ok;
    }
    let before: NotebookJson;
    let after: NotebookJson;
    let beforeName: string;
    let afterName: string;
    const [firstFile = '', secondFile] = parsed.files;
    if (parsed.git) {
      const file = path.resolve(io.cwd, firstFile);
      const revision = secondFile ?? 'HEAD';
      beforeName = `${firstFile}@${revision}`;
      afterName = firstFile;
      const committed = await gitShow(file, revision);
      before = committed === undefined ? emptyNotebook() : parseNotebook(committed, { file: beforeName }).notebook;
      after = fs.existsSync(file) ? (await readNotebook(file, { file: afterName })).notebook : emptyNotebook();
      if (committed === undefined)
        io.stderr(line(`mlops nbdiff: ${firstFile} is not in ${revision}; every cell counts as added`));
    } else {
      beforeName = firstFile;
      afterName = secondFile ?? '';
      before = (await readNotebook(path.resolve(io.cwd, beforeName), { file: beforeName })).notebook;
      after = (await readNotebook(path.resolve(io.cwd, afterName), { file: afterName })).notebook;
    }
    const diff = diffNotebooks(before, after, { ignore: parsed.ignore, detectMoves: parsed.moves });
    if (parsed.json) {
      // Each cell also gets 1-based numbers in both notebooks and the label the text output shows.
      const cells = diff.cells.map((cell) => ({
        ...cell,
        beforeCell: cell.beforeIndex === undefined ? undefined : cell.beforeIndex + 1,
        afterCell: cell.afterIndex === undefined ? undefined : cell.afterIndex + 1,
        label: `cell ${cellNumber(cell)}`,
      }));
      io.stdout(
        `${JSON.stringify({ before: beforeName, after: afterName, description: describeDiff(diff), ...diff, cells }, null, 2)}\n`,
      );
    } else io.stdout(renderText(beforeName, afterName, diff));
    return parsed.exitCode && !diff.summary.identical ? EXIT.failed : EXIT.ok;
  },
);
