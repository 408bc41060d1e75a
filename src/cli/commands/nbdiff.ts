import { spawn } from 'node:child_process';
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
} from '../../core/notebooks/format';
import { defineCommand, EXIT, UsageError } from '../registry';

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

function parseArguments(args: string[]): Parsed | 'help' {
  const parsed: Parsed = { files: [], git: false, json: false, moves: true, exitCode: false, ignore: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--help' || arg === '-h') return 'help';
    else if (arg === '--git') parsed.git = true;
    else if (arg === '--json') parsed.json = true;
    else if (arg === '--no-moves') parsed.moves = false;
    else if (arg === '--exit-code') parsed.exitCode = true;
    else if (arg === '--ignore' || arg.startsWith('--ignore=')) {
      const value = arg === '--ignore' ? args[++i] : arg.slice('--ignore='.length);
      if (value === undefined) throw new UsageError('--ignore needs a list, e.g. --ignore outputs,metadata');
      try {
        for (const category of parseDiffCategories(value))
          if (!parsed.ignore.includes(category)) parsed.ignore.push(category);
      } catch (err) {
        throw new UsageError(`--ignore: ${(err as Error).message}`);
      }
    } else if (arg.startsWith('-'))
      throw new UsageError(`unknown option '${arg}'. Run 'mlops nbdiff --help' for the list.`);
    else parsed.files.push(arg);
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

/** `git show <revision>:./<file>` run in the file's folder; undefined when the file is not in that revision. */
function gitShow(file: string, revision: string): Promise<Buffer | undefined> {
  // The folder may be gone from the working copy: run in the nearest folder that exists.
  let folder = path.dirname(file);
  while (!fs.existsSync(folder) && path.dirname(folder) !== folder) folder = path.dirname(folder);
  const relative = path.relative(folder, file).split(path.sep).join('/');
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['show', `${revision}:./${relative}`], {
      cwd: folder,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const chunks: Buffer[] = [];
    let size = 0;
    let errorText = '';
    child.stdout.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > DEFAULT_MAX_NOTEBOOK_BYTES) {
        child.kill();
        reject(new Error(`${file} at ${revision} is larger than ${DEFAULT_MAX_NOTEBOOK_BYTES} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => (errorText += chunk.toString()));
    child.on('error', (err) => reject(new Error(`cannot run git (${err.message}); is git installed and on PATH?`)));
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(chunks));
      else if (/does not exist in|exists on disk, but not in/.test(errorText)) resolve(undefined);
      else reject(new Error(`git show ${revision}:${relative} failed: ${errorText.trim() || `exit code ${code}`}`));
    });
  });
}

function cellLabel(cell: CellDiff): string {
  const index = cell.afterIndex ?? cell.beforeIndex ?? 0;
  return `cell ${index + 1} (${cell.cellType}${cell.id ? ` ${cell.id}` : ''})`;
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
  const lines = [`--- ${before}`, `+++ ${after}`];
  for (const cell of diff.cells) {
    if (cell.kind === 'added')
      lines.push(`  + added    ${cellLabel(cell)}, ${cell.linesAdded} line${cell.linesAdded === 1 ? '' : 's'}`);
    else if (cell.kind === 'removed')
      lines.push(
        `  - removed  cell ${(cell.beforeIndex ?? 0) + 1} (${cell.cellType}${cell.id ? ` ${cell.id}` : ''}), ${cell.linesRemoved} line${cell.linesRemoved === 1 ? '' : 's'}`,
      );
    else if (cell.kind === 'moved')
      lines.push(
        `  > moved    cell ${(cell.beforeIndex ?? 0) + 1} -> ${cellLabel(cell)}${cell.changes.length ? `: ${changeText(cell)}` : ''}`,
      );
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
    if (parsed.git) {
      const file = path.resolve(io.cwd, parsed.files[0]);
      const revision = parsed.files[1] ?? 'HEAD';
      beforeName = `${parsed.files[0]}@${revision}`;
      afterName = parsed.files[0];
      const committed = await gitShow(file, revision);
      before = committed === undefined ? emptyNotebook() : parseNotebook(committed, { file: beforeName }).notebook;
      after = fs.existsSync(file) ? (await readNotebook(file, { file: afterName })).notebook : emptyNotebook();
      if (committed === undefined)
        io.stderr(`mlops nbdiff: ${parsed.files[0]} is not in ${revision}; every cell counts as added\n`);
    } else {
      [beforeName, afterName] = parsed.files;
      before = (await readNotebook(path.resolve(io.cwd, beforeName), { file: beforeName })).notebook;
      after = (await readNotebook(path.resolve(io.cwd, afterName), { file: afterName })).notebook;
    }
    const diff = diffNotebooks(before, after, { ignore: parsed.ignore, detectMoves: parsed.moves });
    if (parsed.json)
      io.stdout(
        `${JSON.stringify({ before: beforeName, after: afterName, description: describeDiff(diff), ...diff }, null, 2)}\n`,
      );
    else io.stdout(renderText(beforeName, afterName, diff));
    return parsed.exitCode && !diff.summary.identical ? EXIT.failed : EXIT.ok;
  },
);
