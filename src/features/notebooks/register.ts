import * as path from 'node:path';
import * as vscode from 'vscode';
import { errorMessage } from '../../core/logging';
import { notebookDiffHidesOutputs, setNotebookDiffHidesOutputs } from '../../platform/config';
import type { FeatureContext } from '../../platform/context';
import { UNTRUSTED_REASON } from '../../platform/trust';
import { completeWalkthroughStep } from '../../platform/walkthrough';
import type { ExplorerApi } from '../explorer/register';
import { ensureCli } from '../../platform/cli';
import { NotebookGitFilter, type FilterSetupResult } from './gitFilter';
import { NotebookStatusBar } from './statusBar';
import { NotebookHistory, type HistoryAction } from './history';
import { Prompts } from '../../platform/prompts';
import { type RevisionList } from './revisions';
import { NotebookSnapshots, type SnapshotOptions, type SnapshotResult } from './snapshot';
import { stripNotebooks, type StripRunResult } from './strip';
import { activeNotebookUri, isNotebookPath, notebookUris, singleNotebook, workspaceNotebooks } from './targets';

/** What the extension API exposes for the integration tests. */
export interface NotebooksApi {
  /** Every message of the notebook commands; set `responder` to answer modal questions without UI. */
  prompts: Prompts;
  /** Revisions with summaries against the working copy (with tags) or the previous version, fully computed. */
  revisions(file: vscode.Uri, against: 'working' | 'previous'): Promise<RevisionList>;
  /** The status bar item of the active notebook (outputs committed or not, size). */
  status: NotebookStatusBar;
  /** Copies the CLI to global storage if needed; resolves with its path. */
  cliPath(): Promise<string>;
  /** Runs the once-per-workspace git filter offer check now; resolves with whether the offer was shown. */
  checkFilterOffer(folder: vscode.WorkspaceFolder): Promise<boolean>;
  /** Forgets the offer (all of it, or only this session's memo when `sessionOnly`, as after a reload). */
  resetFilterOffer(sessionOnly?: boolean): Promise<void>;
}

/** Settings VS Code's notebook diff editor reads; the toggle flips both at workspace scope. */

/**
 * Notebook-aware versioning: diff with a revision, history, restore, strip outputs, the git filter, and snapshot
 * commits. Commands accept a notebook Uri (explorer), Notebooks view nodes, the notebook toolbar's context, or
 * nothing (the active notebook, or a pick).
 */
export function registerNotebooks(feature: FeatureContext, explorer: ExplorerApi): NotebooksApi {
  const { extension, logger } = feature;
  const prompts = new Prompts();
  const history = new NotebookHistory(prompts);
  const snapshots = new NotebookSnapshots(prompts);
  const filter = new NotebookGitFilter(extension, prompts, logger);
  const status = new NotebookStatusBar(filter, logger);
  extension.subscriptions.push(status);

  /** Runs a command body; untrusted workspaces are refused with the reason when the command runs processes. */
  const guarded =
    <A extends unknown[], R>(title: string, needsTrust: boolean, body: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R | undefined> => {
      if (needsTrust && !vscode.workspace.isTrusted) {
        void prompts.warn(`${title}: ${UNTRUSTED_REASON}`);
        return undefined;
      }
      try {
        return await body(...args);
      } catch (err) {
        logger.error(`${title} failed: ${errorMessage(err)}`);
        void prompts.error(`${title}: ${errorMessage(err)}`);
        return undefined;
      }
    };

  const setUpFilter = async (target?: unknown): Promise<FilterSetupResult | undefined> => {
    const folder = await folderFor(target);
    if (!folder) return undefined;
    const result = await filter.setUp(folder);
    void status.refresh();
    if (result) {
      completeWalkthroughStep(extension, 'notebookFilter', logger);
      void prompts.info(
        `Notebooks in ${path.basename(result.repo)} are now stripped of outputs when added to git (working copies keep them). ` +
          `${result.attributesChanged ? 'Commit .gitattributes so the team strips them too; each clone runs this command once. ' : ''}` +
          'Notebooks committed earlier are stripped at their next change (or run `git add --renormalize .`).',
      );
    }
    return result;
  };

  /** The folder a repository-wide command works on: the target's, the active notebook's, the only one, or a pick. */
  const folderFor = async (target?: unknown): Promise<string | undefined> => {
    if (typeof target === 'string') return target;
    const [uri] = notebookUris(explorer, target);
    const anchor = uri ?? activeNotebookUri() ?? (target instanceof vscode.Uri ? target : undefined);
    const owner = anchor ? vscode.workspace.getWorkspaceFolder(anchor) : undefined;
    if (owner) return owner.uri.fsPath;
    const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file');
    if (folders.length <= 1) return folders[0]?.uri.fsPath;
    return (await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Repository to set up' }))?.uri.fsPath;
  };

  const stripCommand = async (first?: unknown, second?: unknown): Promise<StripRunResult | undefined> => {
    let uris = notebookUris(explorer, first, second);
    const wantsAll =
      first === 'workspace' ||
      (typeof first === 'object' && first !== null && (first as { scope?: unknown }).scope === 'workspace');
    if (wantsAll) uris = await workspaceNotebooks(explorer);
    else if (uris.length === 0) {
      const all = await workspaceNotebooks(explorer);
      const active = activeNotebookUri();
      type Choice = vscode.QuickPickItem & { uris?: vscode.Uri[] };
      const items: Choice[] = [
        ...(active
          ? [
              {
                label: `$(notebook) ${path.basename(active.fsPath)}`,
                description: 'the active notebook',
                uris: [active],
              },
            ]
          : []),
        {
          label: '$(files) All notebooks in the workspace',
          description: `${all.length} notebook${all.length === 1 ? '' : 's'}`,
          uris: all,
        },
        { label: 'Notebooks', kind: vscode.QuickPickItemKind.Separator },
        ...all.map((uri) => ({
          label: path.basename(uri.fsPath, '.ipynb'),
          description: vscode.workspace.asRelativePath(uri),
          uris: [uri],
        })),
      ];
      const chosen = await vscode.window.showQuickPick(items, {
        title: 'Strip notebook outputs',
        placeHolder: 'Which notebooks? (options come from notebooks.strip in mlops.yaml)',
        matchOnDescription: true,
      });
      uris = chosen?.uris ?? [];
    }
    if (uris.length === 0) return undefined;
    const stripped = await stripNotebooks(uris, prompts, logger);
    void status.refresh();
    return stripped;
  };

  const toggleDiffOutputs = async (): Promise<boolean> => {
    const hidden = !notebookDiffHidesOutputs();
    await setNotebookDiffHidesOutputs(hidden);
    void prompts.info(
      hidden ? 'Notebook diffs now hide outputs and metadata.' : 'Notebook diffs now show outputs and metadata.',
    );
    return hidden;
  };

  extension.subscriptions.push(
    vscode.commands.registerCommand(
      'mlops.diffNotebookWithRevision',
      guarded('Diff Notebook with Revision', true, async (target?: unknown, revision?: string) => {
        const file = await singleNotebook(explorer, target, 'Notebook to compare with a revision');
        return file ? history.diff(file, typeof revision === 'string' ? revision : undefined) : undefined;
      }),
    ),
    vscode.commands.registerCommand(
      'mlops.showNotebookHistory',
      guarded('Show Notebook History', true, async (target?: unknown, revision?: string, action?: HistoryAction) => {
        const file = await singleNotebook(explorer, target, 'Notebook whose history to show');
        return file ? history.history(file, typeof revision === 'string' ? revision : undefined, action) : undefined;
      }),
    ),
    vscode.commands.registerCommand(
      'mlops.restoreNotebook',
      guarded('Restore Notebook from Revision', true, async (target?: unknown, revision?: string) => {
        const file = await singleNotebook(explorer, target, 'Notebook to restore');
        return file ? history.restore(file, typeof revision === 'string' ? revision : undefined) : false;
      }),
    ),
    vscode.commands.registerCommand(
      'mlops.stripNotebookOutputs',
      guarded('Strip Notebook Outputs', false, stripCommand),
    ),
    vscode.commands.registerCommand(
      'mlops.setupNotebookGitFilter',
      guarded('Set Up Notebook Git Filter', true, setUpFilter),
    ),
    vscode.commands.registerCommand(
      'mlops.commitNotebookSnapshot',
      guarded(
        'Commit Notebook Snapshot',
        true,
        async (target?: unknown, options?: SnapshotOptions): Promise<SnapshotResult | undefined> => {
          const file = await singleNotebook(explorer, target, 'Notebook to commit');
          return file ? snapshots.commit(file, options ?? {}) : undefined;
        },
      ),
    ),
    vscode.commands.registerCommand(
      'mlops.toggleNotebookDiffOutputs',
      guarded('Toggle Notebook Diff Outputs', false, toggleDiffOutputs),
    ),
  );

  // The CLI copy for the git filter is refreshed when the extension changes (cheap: one stat when it is current).
  void ensureCli(extension).catch((err: unknown) =>
    logger.warn(`Cannot copy the mlops command line to global storage: ${errorMessage(err)}`),
  );

  // Offer the git filter once per workspace, when the first notebook of a folder whose .gitattributes asks for it opens.
  const offer = (uri: vscode.Uri): void => {
    if (uri.scheme !== 'file' || !isNotebookPath(uri)) return;
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    if (folder)
      void filter.offerIfNeeded(folder, (root) => vscode.commands.executeCommand('mlops.setupNotebookGitFilter', root));
  };
  extension.subscriptions.push(
    vscode.workspace.onDidOpenNotebookDocument((doc) => offer(doc.uri)),
    vscode.workspace.onDidGrantWorkspaceTrust(() =>
      vscode.workspace.notebookDocuments.forEach((doc) => offer(doc.uri)),
    ),
  );
  const timer = setTimeout(() => vscode.workspace.notebookDocuments.forEach((doc) => offer(doc.uri)), 2000);
  extension.subscriptions.push({ dispose: () => clearTimeout(timer) });

  return {
    prompts,
    status,
    revisions: (file, against) => history.revisions(file, against),
    cliPath: () => ensureCli(extension),
    checkFilterOffer: (folder) =>
      filter.offerIfNeeded(folder, (root) => vscode.commands.executeCommand('mlops.setupNotebookGitFilter', root)),
    resetFilterOffer: (sessionOnly) => filter.resetOffer(sessionOnly),
  };
}
