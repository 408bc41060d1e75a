// Diff with a revision, history, and restore: the revision quick picks with semantic summaries, VS Code's notebook
// diff editor on a read-only `mlops-rev:` revision, and a restore that goes through a WorkspaceEdit (undoable).
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { openRepository, type GitRepository } from '../../core/git/state';
import { parseNotebook } from '../../core/formats/notebook/format';
import { revisionUri } from '../../platform/revisionUri';
import { commitHeader, repoRelative, resolveCommit } from './git';
import { type Prompts } from '../../platform/prompts';
import { listRevisions, pickRevision, SummaryComputer, type NotebookRevision, type RevisionList } from './revisions';
import { openDocumentsOf } from './targets';

export type HistoryAction = 'open' | 'diff' | 'diffPrevious' | 'restore';

/** A revision named by the caller: a sha, tag or branch (the notebook's current path is used). */
async function namedRevision(repo: GitRepository, file: string, name: string): Promise<NotebookRevision> {
  const relative = repoRelative(repo, file);
  if (relative === undefined) throw new Error(`${file} is not inside the repository at ${repo.root}.`);
  const sha = await resolveCommit(repo, name);
  const header = await commitHeader(repo, sha);
  return {
    kind: 'commit',
    sha,
    shortSha: header.shortSha,
    subject: header.subject,
    author: header.author,
    date: header.date,
    path: relative,
    blob: '',
    ...(name !== sha && !sha.startsWith(name) ? { tag: name } : {}),
  };
}

async function workingNotebook(file: string) {
  return parseNotebook(await fs.readFile(file), { file: path.basename(file) });
}

export class NotebookHistory {
  constructor(private readonly prompts: Prompts) {}

  /** Every revision with its summary against the working copy or its previous revision, computed in full (tests and API). */
  async revisions(file: vscode.Uri, against: 'working' | 'previous'): Promise<RevisionList> {
    const repo = await openRepository(path.dirname(file.fsPath));
    const list = await listRevisions(repo, file.fsPath, { withTags: against === 'working' });
    const computer = new SummaryComputer(
      repo,
      against === 'working' ? { kind: 'working', notebook: await workingNotebook(file.fsPath) } : { kind: 'previous' },
    );
    try {
      await computer.summarizeAll(list.revisions);
    } finally {
      computer.dispose();
    }
    return list;
  }

  private async choose(
    file: vscode.Uri,
    against: 'working' | 'previous',
    title: string,
    placeholder: string,
  ): Promise<{ repo: GitRepository; revision: NotebookRevision } | undefined> {
    const repo = await openRepository(path.dirname(file.fsPath));
    const list = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: `Reading the history of ${path.basename(file.fsPath)}` },
      () => listRevisions(repo, file.fsPath, { withTags: against === 'working' }),
    );
    if (list.revisions.length === 0) {
      void this.prompts.info(`${path.basename(file.fsPath)} has no committed versions yet.`);
      return undefined;
    }
    let working;
    if (against === 'working') {
      try {
        working = await workingNotebook(file.fsPath);
      } catch (err) {
        void this.prompts.error(
          `Cannot read ${path.basename(file.fsPath)}: ${err instanceof Error ? err.message : String(err)}`,
        );
        return undefined;
      }
    }
    const computer = new SummaryComputer(repo, working ? { kind: 'working', notebook: working } : { kind: 'previous' });
    try {
      const revision = await pickRevision(list, computer, {
        title,
        placeholder,
        againstLabel: against === 'working' ? 'vs working copy' : 'vs previous',
      });
      return revision ? { repo, revision } : undefined;
    } finally {
      computer.dispose();
    }
  }

  /** Opens VS Code's notebook diff editor: the revision (read-only) on the left, the working file on the right. */
  async diff(
    file: vscode.Uri,
    revisionName?: string,
  ): Promise<{ original: vscode.Uri; modified: vscode.Uri } | undefined> {
    const chosen = revisionName
      ? await openRepository(path.dirname(file.fsPath)).then(async (repo) => ({
          repo,
          revision: await namedRevision(repo, file.fsPath, revisionName),
        }))
      : await this.choose(
          file,
          'working',
          `Diff ${path.basename(file.fsPath)} with a revision`,
          'Choose a tag or commit; the summary compares it with the working copy',
        );
    if (!chosen) return undefined;
    return this.openDiff(chosen.repo, chosen.revision, file);
  }

  private async openDiff(
    repo: GitRepository,
    revision: NotebookRevision,
    file: vscode.Uri,
  ): Promise<{ original: vscode.Uri; modified: vscode.Uri }> {
    const original = revisionUri({ repo: repo.root, rev: revision.sha, path: revision.path });
    const title = `${path.basename(file.fsPath)} (${revision.shortSha}) ↔ Working Tree`;
    await vscode.commands.executeCommand('vscode.diff', original, file, title, { preview: true });
    return { original, modified: file };
  }

  /** The notebook's history with per-revision summaries; the chosen revision can be opened, diffed or restored. */
  async history(file: vscode.Uri, revisionName?: string, action?: HistoryAction): Promise<unknown> {
    let chosen: { repo: GitRepository; revision: NotebookRevision } | undefined;
    if (revisionName) {
      const repo = await openRepository(path.dirname(file.fsPath));
      chosen = { repo, revision: await namedRevision(repo, file.fsPath, revisionName) };
    } else {
      chosen = await this.choose(
        file,
        'previous',
        `History of ${path.basename(file.fsPath)}`,
        'Choose a version; the summary says what it changed',
      );
    }
    if (!chosen) return undefined;
    const { repo, revision } = chosen;
    let next = action;
    if (!next) {
      const items: (vscode.QuickPickItem & { action: HistoryAction })[] = [
        { label: '$(go-to-file) Open', description: 'read-only', action: 'open' },
        { label: '$(diff) Diff with Working Tree', action: 'diff' },
        ...(revision.previousSha
          ? [{ label: '$(git-compare) Diff with Previous Version', action: 'diffPrevious' as const }]
          : []),
        {
          label: '$(discard) Restore…',
          description: 'replace the notebook with this version (undoable)',
          action: 'restore',
        },
      ];
      const picked = await vscode.window.showQuickPick(items, {
        title: `${path.basename(file.fsPath)} at ${revision.shortSha}: ${revision.subject}`,
        placeHolder: 'What to do with this version',
      });
      next = picked?.action;
    }
    const uri = revisionUri({ repo: repo.root, rev: revision.sha, path: revision.path });
    switch (next) {
      case 'open':
        await vscode.commands.executeCommand('vscode.open', uri, { preview: true });
        return uri;
      case 'diff':
        return this.openDiff(repo, revision, file);
      case 'diffPrevious': {
        const previous = revision.previousSha;
        if (!previous) {
          void this.prompts.info(`${revision.shortSha} is the first version of ${path.basename(file.fsPath)}.`);
          return undefined;
        }
        const header = await commitHeader(repo, previous);
        const left = revisionUri({ repo: repo.root, rev: previous, path: revision.previousPath ?? revision.path });
        await vscode.commands.executeCommand(
          'vscode.diff',
          left,
          uri,
          `${path.basename(file.fsPath)} (${header.shortSha}) ↔ (${revision.shortSha})`,
          { preview: true },
        );
        return { original: left, modified: uri };
      }
      case 'restore':
        return this.restoreRevision(file, repo, revision);
      default:
        return undefined;
    }
  }

  /** "MLOps: Restore Notebook from Revision…": pick (or name) a revision and restore it. */
  async restore(file: vscode.Uri, revisionName?: string): Promise<boolean> {
    const chosen = revisionName
      ? await openRepository(path.dirname(file.fsPath)).then(async (repo) => ({
          repo,
          revision: await namedRevision(repo, file.fsPath, revisionName),
        }))
      : await this.choose(
          file,
          'working',
          `Restore ${path.basename(file.fsPath)} from a revision`,
          'Choose the version to restore; the summary compares it with the working copy',
        );
    if (!chosen) return false;
    return this.restoreRevision(file, chosen.repo, chosen.revision);
  }

  /**
   * Replaces every cell and the notebook metadata with the revision's, as one WorkspaceEdit on the open notebook:
   * Undo brings the previous content back, and nothing is written until the user saves.
   */
  async restoreRevision(file: vscode.Uri, repo: GitRepository, revision: NotebookRevision): Promise<boolean> {
    const name = path.basename(file.fsPath);
    const document = await vscode.workspace.openNotebookDocument(file);
    const text = openDocumentsOf(file).text;
    if (document.isDirty || text?.isDirty) {
      const answer = await this.prompts.ask(
        `${name} has unsaved changes. Restore and discard unsaved changes?`,
        `The notebook is replaced with its version at ${revision.shortSha}; Undo brings your current content back.`,
        'Restore',
      );
      if (answer !== 'Restore') return false;
    }
    const source = await vscode.workspace.openNotebookDocument(
      revisionUri({ repo: repo.root, rev: revision.sha, path: revision.path }),
    );
    const cells = source.getCells().map(copyCell);
    const edit = new vscode.WorkspaceEdit();
    edit.set(file, [
      vscode.NotebookEdit.replaceCells(new vscode.NotebookRange(0, document.cellCount), cells),
      vscode.NotebookEdit.updateNotebookMetadata({ ...source.metadata }),
    ]);
    if (!(await vscode.workspace.applyEdit(edit))) {
      void this.prompts.error(`Could not restore ${name}: VS Code refused the edit.`);
      return false;
    }
    await vscode.window.showNotebookDocument(document, { preview: false });
    void this.prompts
      .info(
        `Restored ${name} to ${revision.tag ?? revision.shortSha} (${revision.subject}). Save to keep it, or Undo.`,
        'Save',
      )
      .then(async (answer) => {
        if (answer === 'Save') await document.save();
      });
    return true;
  }
}

function copyCell(cell: vscode.NotebookCell): vscode.NotebookCellData {
  const data = new vscode.NotebookCellData(cell.kind, cell.document.getText(), cell.document.languageId);
  data.metadata = { ...cell.metadata };
  data.outputs = cell.outputs.map(
    (output) =>
      new vscode.NotebookCellOutput(
        output.items.map((item) => new vscode.NotebookCellOutputItem(item.data, item.mime)),
        output.metadata,
      ),
  );
  if (cell.executionSummary) data.executionSummary = { ...cell.executionSummary };
  return data;
}
