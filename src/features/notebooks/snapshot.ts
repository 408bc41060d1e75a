// "MLOps: Commit Notebook Snapshot…": one commit with the notebook and the params and metrics files that go with it,
// and optionally an annotated `{name}@v{version}` tag. git runs with argument arrays; other staged changes are left
// staged and out of the commit.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { showFileAtRevision, openRepository, type GitRepository } from '../../core/git/state';
import { errorMessage } from '../../core/logging';
import { declaredFiles, readDvcProjects } from '../../core/formats/dvc/project';
import { describeDiff, diffNotebooks } from '../../core/notebooks/diff';
import { parseNotebook } from '../../core/formats/notebook/format';
import {
  checkSnapshotTag,
  linkedFiles,
  nextSnapshotTag,
  snapshotName,
  SNAPSHOT_TAG_CONVENTION,
  type LinkedFiles,
} from '../../core/notebooks/versioning';
import { changedPaths, createAnnotatedTag } from '../../core/git/commands';
import { commitPaths, repoRelative, tagNames } from './git';
import { readNotebooksSection } from './files';
import { type Prompts } from '../../platform/prompts';
import { isDirty, openDocumentsOf } from './targets';

export interface SnapshotOptions {
  /** The commit message; asked for when absent. */
  message?: string;
  /** A tag name, `false` for none; asked for when absent. */
  tag?: string | false;
}

export interface SnapshotResult {
  sha: string;
  shortSha: string;
  /** Committed paths, relative to the repository root. */
  files: string[];
  tag?: string;
}

/** The params and metrics files that go with a notebook (relative to its workspace folder) and where that came from. */
export async function notebookLinks(file: string, folder: string): Promise<LinkedFiles> {
  const config = await readNotebooksSection(folder);
  const notebook = path.relative(folder, file).split(path.sep).join('/');
  const siblings = await fs.readdir(path.dirname(file)).catch(() => [] as string[]);
  let declared: string[] = [];
  try {
    const dvcFiles = [
      'dvc.yaml',
      ...(path.dirname(notebook) !== '.' ? [`${path.posix.dirname(notebook)}/dvc.yaml`] : []),
    ];
    const files = declaredFiles(folder, readDvcProjects(folder, dvcFiles));
    declared = [...files.params.map((p) => p.path), ...files.metrics];
  } catch {
    // A malformed dvc.yaml: the config diagnostics report it; the snapshot goes on with what is known.
  }
  const links = linkedFiles({ notebook, ...(config.links ? { links: config.links } : {}), siblings, declared });
  // Only files (not folders) that exist or that git knows (a deleted metrics file is a change too).
  const kept: string[] = [];
  for (const relative of links.files) {
    const stat = await fs.stat(path.join(folder, ...relative.split('/'))).catch(() => undefined);
    if (!stat || stat.isFile()) kept.push(relative);
  }
  return { ...links, files: kept };
}

export class NotebookSnapshots {
  constructor(private readonly prompts: Prompts) {}

  async commit(file: vscode.Uri, options: SnapshotOptions = {}): Promise<SnapshotResult | undefined> {
    const name = path.basename(file.fsPath);
    const folder = vscode.workspace.getWorkspaceFolder(file)?.uri.fsPath ?? path.dirname(file.fsPath);
    const repo = await openRepository(path.dirname(file.fsPath));
    const links = await notebookLinks(file.fsPath, folder);
    const candidates = [file.fsPath, ...links.files.map((relative) => path.join(folder, ...relative.split('/')))];

    // Unsaved work is saved first (with consent), so the commit has what the user sees.
    const dirty = candidates.map((p) => vscode.Uri.file(p)).filter(isDirty);
    if (dirty.length) {
      const answer = await this.prompts.ask(
        `${dirty.map((uri) => path.basename(uri.fsPath)).join(', ')} ${dirty.length === 1 ? 'has' : 'have'} unsaved changes.`,
        'A snapshot commits the files on disk. Save them first to include your current changes.',
        'Save and Commit',
      );
      if (answer !== 'Save and Commit') return undefined;
      for (const uri of dirty) {
        const open = openDocumentsOf(uri);
        if (open.notebook?.isDirty) await open.notebook.save();
        if (open.text?.isDirty) await open.text.save();
      }
    }

    const relative = candidates.map((p) => repoRelative(repo, p)).filter((p): p is string => p !== undefined);
    const changed = await changedPaths(repo, relative);
    if (changed.length === 0) {
      void this.prompts.info(
        `Nothing to commit: ${name}${links.files.length ? ` and ${links.files.join(', ')}` : ''} have no changes since the last commit.`,
      );
      return undefined;
    }
    const notebookRelative = repoRelative(repo, file.fsPath)!;

    let message = options.message;
    if (message === undefined) {
      const summary = changed.includes(notebookRelative)
        ? await this.notebookSummary(repo, notebookRelative, file.fsPath)
        : 'notebook unchanged';
      message = await vscode.window.showInputBox({
        title: `Commit a snapshot of ${name}`,
        prompt: `Commits ${changed.join(', ')}${links.source === 'config' ? ' (files linked in mlops.yaml)' : ''}`,
        value: `Snapshot ${path.basename(name, '.ipynb')}: ${summary}`,
        validateInput: (value) => (value.trim() ? undefined : 'The commit message cannot be empty.'),
      });
      if (message === undefined) return undefined;
    }
    if (!message.trim()) {
      void this.prompts.error('The commit message cannot be empty.');
      return undefined;
    }

    const config = await readNotebooksSection(folder);
    const tagBase = snapshotName(path.relative(folder, file.fsPath).split(path.sep).join('/'), config.conventions);
    const existing = await tagNames(repo);
    let tag: string | undefined;
    if (options.tag === undefined) {
      const picked = await this.askTag(tagBase, existing);
      if (picked === null) return undefined;
      tag = picked;
    } else if (options.tag !== false) {
      const check = checkSnapshotTag(options.tag, tagBase, existing);
      if (check.error) {
        void this.prompts.error(`Cannot tag the snapshot: ${check.error}`);
        return undefined;
      }
      tag = options.tag;
    }

    const commit = await commitPaths(repo, changed, message);
    if (tag) {
      try {
        await createAnnotatedTag(repo, tag, commit.sha, message);
      } catch (err) {
        void this.prompts.error(
          `Committed ${commit.shortSha}, but the tag ${tag} could not be created: ${errorMessage(err)}`,
        );
        return { sha: commit.sha, shortSha: commit.shortSha, files: changed };
      }
    }
    void this.prompts.info(
      `Committed ${commit.shortSha}${tag ? ` and tagged it ${tag}` : ''}: ${changed.length} file${changed.length === 1 ? '' : 's'} (${changed.join(', ')}).`,
    );
    return { sha: commit.sha, shortSha: commit.shortSha, files: changed, ...(tag ? { tag } : {}) };
  }

  /** The notebook's change since HEAD in one line, for the prefilled message. */
  private async notebookSummary(repo: GitRepository, relative: string, file: string): Promise<string> {
    try {
      const after = parseNotebook(await fs.readFile(file), { file: relative });
      const before = await showFileAtRevision(repo, 'HEAD', relative).then(
        (bytes) => parseNotebook(bytes, { file: relative }),
        () => undefined,
      );
      return before ? describeDiff(diffNotebooks(before, after)) : 'new notebook';
    } catch {
      return 'updated';
    }
  }

  /** Quick pick: the suggested tag, another name, or none. Resolves null when the user cancels. */
  private async askTag(name: string, existing: readonly string[]): Promise<string | undefined | null> {
    const suggested = nextSnapshotTag(name, existing).tag;
    const items: (vscode.QuickPickItem & { choice: 'suggested' | 'custom' | 'none' })[] = [
      { label: `$(tag) ${suggested}`, description: `annotated tag, ${SNAPSHOT_TAG_CONVENTION}`, choice: 'suggested' },
      { label: '$(edit) Another tag name…', choice: 'custom' },
      { label: '$(circle-slash) No tag', choice: 'none' },
    ];
    const picked = await vscode.window.showQuickPick(items, {
      title: 'Tag the snapshot?',
      placeHolder: 'An annotated tag marks this version of the notebook for later diffs and restores',
    });
    if (!picked) return null;
    if (picked.choice === 'none') return undefined;
    if (picked.choice === 'suggested') return suggested;
    const typed = await vscode.window.showInputBox({
      title: 'Tag name',
      value: suggested,
      prompt: `Convention: ${SNAPSHOT_TAG_CONVENTION}`,
      validateInput: (value) => {
        const check = checkSnapshotTag(value.trim(), name, existing);
        if (check.error) return { message: check.error, severity: vscode.InputBoxValidationSeverity.Error };
        if (check.warning) return { message: check.warning, severity: vscode.InputBoxValidationSeverity.Warning };
        return undefined;
      },
    });
    return typed === undefined ? null : typed.trim();
  }
}
