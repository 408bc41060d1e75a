// "MLOps: Strip Notebook Outputs": the same bytes `mlops nbstrip` (and nbstripout) write, with the options of the
// folder's mlops.yaml. Files are replaced atomically; a notebook open with unsaved changes is never overwritten
// without asking, and an open, saved one is reloaded by VS Code from the new file.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { errorMessage, type Logger } from '../../core/logging';
import { stripOptionsFromConfig } from '../../core/notebooks/config';
import { stripNotebook, type StripOptions } from '../../core/notebooks/strip';
import { formatBytes } from '../../core/sizes';
import { writeFileAtomic } from '../../core/atomicWrite';
import { readNotebooksSection } from './files';
import { type Prompts } from '../../platform/prompts';
import { isDirty, openDocumentsOf } from './targets';

export type StripStatus = 'stripped' | 'unchanged' | 'skipped-unsaved' | 'failed' | 'cancelled';

export interface StripFileResult {
  file: string;
  status: StripStatus;
  bytesRemoved: number;
  outputsRemoved: number;
  message?: string;
}

export interface StripRunResult {
  files: StripFileResult[];
  bytesRemoved: number;
}

/** Strips the given notebooks with progress and cancellation, asking before touching any with unsaved changes. */
export async function stripNotebooks(
  uris: readonly vscode.Uri[],
  prompts: Prompts,
  logger: Logger,
): Promise<StripRunResult> {
  const results: StripFileResult[] = [];
  const dirty = uris.filter(isDirty);
  let skip = new Set<string>();
  if (dirty.length) {
    const names = dirty.map((uri) => path.basename(uri.fsPath)).join(', ');
    const answer = await prompts.ask(
      dirty.length === 1
        ? `${names} has unsaved changes.`
        : `${dirty.length} notebooks have unsaved changes: ${names}.`,
      'Stripping rewrites the file on disk, which would discard what you have not saved. Save first to strip your current version, or leave these notebooks out.',
      'Save and Strip',
      'Skip Them',
    );
    if (answer === 'Save and Strip') {
      for (const uri of dirty) {
        const open = openDocumentsOf(uri);
        const saved = open.notebook?.isDirty
          ? await open.notebook.save()
          : open.text?.isDirty
            ? await open.text.save()
            : true;
        if (!saved) skip.add(uri.toString());
      }
    } else if (answer === 'Skip Them') {
      skip = new Set(dirty.map((uri) => uri.toString()));
    } else {
      // Dismissed: nothing is stripped.
      for (const uri of uris)
        results.push({ file: uri.fsPath, status: 'cancelled', bytesRemoved: 0, outputsRemoved: 0 });
      report(results, prompts, logger, true);
      return { files: results, bytesRemoved: 0 };
    }
  }

  const optionsByFolder = new Map<string, StripOptions>();
  const optionsFor = async (uri: vscode.Uri): Promise<StripOptions> => {
    const folder = vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath ?? path.dirname(uri.fsPath);
    let options = optionsByFolder.get(folder);
    if (!options) {
      options = stripOptionsFromConfig(await readNotebooksSection(folder));
      optionsByFolder.set(folder, options);
    }
    return options;
  };

  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Stripping notebook outputs', cancellable: true },
    async (progress, token) => {
      for (const [index, uri] of uris.entries()) {
        const file = uri.fsPath;
        if (token.isCancellationRequested) {
          results.push({ file, status: 'cancelled', bytesRemoved: 0, outputsRemoved: 0 });
          continue;
        }
        progress.report({
          message: `${vscode.workspace.asRelativePath(uri)} (${index + 1}/${uris.length})`,
          increment: 100 / uris.length,
        });
        if (skip.has(uri.toString()) || isDirty(uri)) {
          results.push({
            file,
            status: 'skipped-unsaved',
            bytesRemoved: 0,
            outputsRemoved: 0,
            message: 'unsaved changes',
          });
          continue;
        }
        try {
          const options = await optionsFor(uri);
          const bytes = await fs.readFile(file);
          const stripped = stripNotebook(bytes, options, { file: vscode.workspace.asRelativePath(uri) });
          for (const warning of stripped.warnings) logger.warn(`${vscode.workspace.asRelativePath(uri)}: ${warning}`);
          if (!stripped.changed) {
            results.push({ file, status: 'unchanged', bytesRemoved: 0, outputsRemoved: 0 });
            continue;
          }
          // Checked again right before writing: the user may have typed into it meanwhile.
          if (isDirty(uri)) {
            results.push({
              file,
              status: 'skipped-unsaved',
              bytesRemoved: 0,
              outputsRemoved: 0,
              message: 'unsaved changes',
            });
            continue;
          }
          await writeFileAtomic(file, stripped.text);
          results.push({
            file,
            status: 'stripped',
            bytesRemoved: stripped.bytesRemoved,
            outputsRemoved: stripped.outputsRemoved,
          });
        } catch (err) {
          results.push({ file, status: 'failed', bytesRemoved: 0, outputsRemoved: 0, message: errorMessage(err) });
        }
        // Yield between files so a long run keeps the extension host responsive.
        await new Promise((resolve) => setImmediate(resolve));
      }
    },
  );
  report(results, prompts, logger, false);
  return { files: results, bytesRemoved: results.reduce((sum, r) => sum + r.bytesRemoved, 0) };
}

function report(results: StripFileResult[], prompts: Prompts, logger: Logger, dismissed: boolean): void {
  const name = (r: StripFileResult) => vscode.workspace.asRelativePath(r.file);
  for (const r of results) {
    const line =
      r.status === 'stripped'
        ? `${name(r)}: stripped, ${r.bytesRemoved} bytes removed (${r.outputsRemoved} output${r.outputsRemoved === 1 ? '' : 's'})`
        : r.status === 'unchanged'
          ? `${name(r)}: already stripped`
          : `${name(r)}: ${r.status.replace('-', ' ')}${r.message ? ` (${r.message})` : ''}`;
    if (r.status === 'failed') logger.warn(line);
    else logger.info(line);
  }
  if (dismissed) return;
  const stripped = results.filter((r) => r.status === 'stripped');
  const total = stripped.reduce((sum, r) => sum + r.bytesRemoved, 0);
  const parts: string[] = [];
  if (stripped.length) {
    const each =
      stripped.length <= 4
        ? ` (${stripped.map((r) => `${path.basename(r.file)}: ${formatBytes(r.bytesRemoved)}`).join(', ')})`
        : '';
    parts.push(
      `Stripped ${stripped.length} notebook${stripped.length === 1 ? '' : 's'}: ${formatBytes(total)} removed${each}`,
    );
  }
  const count = (status: StripStatus) => results.filter((r) => r.status === status).length;
  if (count('unchanged')) parts.push(`${count('unchanged')} already stripped`);
  if (count('skipped-unsaved')) parts.push(`${count('skipped-unsaved')} skipped (unsaved changes)`);
  if (count('cancelled')) parts.push(`${count('cancelled')} not done (cancelled)`);
  if (count('failed'))
    parts.push(`${count('failed')} failed: ${results.find((r) => r.status === 'failed')?.message ?? ''}`);
  const message = parts.join('; ') + '.';
  void (count('failed') ? prompts.error(message, 'Show Log') : prompts.info(message, 'Show Log')).then((answer) => {
    if (answer === 'Show Log') void vscode.commands.executeCommand('mlops.openLog');
  });
}
