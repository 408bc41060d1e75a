import * as path from 'node:path';
import * as vscode from 'vscode';
import { errorMessage } from '../../core/logging';
import { fileHistory, openRepository, showFileAtRevision } from '../../core/git/state';
import { type WorkspaceItem, type WorkspaceItemKind } from '../../core/workspace/discovery';
import type { FeatureContext } from '../../platform/context';
import { completeWalkthroughStep } from '../../platform/walkthrough';
import { isTrusted, UNTRUSTED_REASON } from '../../platform/trust';
import { REVISION_SCHEME, revisionUri } from '../../platform/revisionUri';
import { RevisionFileSystem } from '../revisions/provider';
import { relativeTime } from '../../core/relativeTime';
import { type ServerRegistryState } from './serverRegistry';
import { ExplorerTree, type ExplorerNode } from './tree';
import { WATCH_GLOB, WorkspaceModel, type FolderState } from './workspaceModel';

export interface ExplorerApi {
  model: WorkspaceModel;
  trees: Record<'models' | 'datasets' | 'notebooks', ExplorerTree>;
  /** The context keys last set from discovery (see `explorerContext`). */
  context(): Readonly<Record<string, boolean>>;
}

/**
 * Context keys set from discovery, for `when` clauses in package.json: whether the workspace has been scanned, has
 * anything to list, and which views have items. The Getting Started view shows only while there is nothing to list;
 * a view with nothing to show is hidden while the others have content (all stay, with their hints, in an empty
 * workspace).
 */
export const EXPLORER_CONTEXT = {
  scanned: 'mlops.explorer.scanned',
  hasItems: 'mlops.explorer.hasItems',
  hasModels: 'mlops.explorer.hasModels',
  hasDatasets: 'mlops.explorer.hasDatasets',
  hasNotebooks: 'mlops.explorer.hasNotebooks',
} as const;

/** The values of the context keys for what discovery found in every folder and the tracking servers list. */
export function explorerContext(
  folders: readonly FolderState[],
  servers: readonly ServerRegistryState[] = [],
): Record<string, boolean> {
  const items = [...folders.flatMap((f) => f.items), ...servers.flatMap((s) => s.items)];
  const has = (kind: WorkspaceItemKind) => items.some((i) => i.kind === kind);
  return {
    [EXPLORER_CONTEXT.scanned]: true,
    [EXPLORER_CONTEXT.hasItems]: items.length > 0,
    [EXPLORER_CONTEXT.hasModels]: has('model'),
    [EXPLORER_CONTEXT.hasDatasets]: has('dataset'),
    [EXPLORER_CONTEXT.hasNotebooks]: has('notebook'),
  };
}

/** The Models, Datasets and Notebooks views, their item commands, file watching and the revision file system. */
export function registerExplorer({ extension, logger }: FeatureContext): ExplorerApi {
  const subscriptions = extension.subscriptions;
  const model = new WorkspaceModel(extension, logger);
  subscriptions.push(model);
  const trees = {
    models: new ExplorerTree('model', model),
    datasets: new ExplorerTree('dataset', model),
    notebooks: new ExplorerTree('notebook', model),
  };
  for (const [name, tree] of Object.entries(trees)) {
    subscriptions.push(tree);
    const view = vscode.window.createTreeView(`mlops.views.${name}`, {
      treeDataProvider: tree,
      showCollapseAll: name === 'models',
      canSelectMany: name === 'notebooks',
    });
    subscriptions.push(view);
    // "See models and runs": the Models view shown.
    if (name === 'models') {
      const seen = () => {
        if (view.visible) completeWalkthroughStep(extension, 'seeModels', logger);
      };
      seen();
      subscriptions.push(view.onDidChangeVisibility(seen));
    }
  }

  // Context keys from discovery: set when they change, after every scan or file event.
  let context: Record<string, boolean> = {};
  const updateContext = async () => {
    const previous = context;
    context = explorerContext(model.folders(), model.servers.servers());
    for (const [key, value] of Object.entries(context))
      if (previous[key] !== value) await vscode.commands.executeCommand('setContext', key, value);
  };
  subscriptions.push(
    model.onDidChange(() => void updateContext()),
    model.servers.onDidChange(() => void updateContext()),
  );

  // Revisions of files, read-only, for history and diffs.
  subscriptions.push(
    vscode.workspace.registerFileSystemProvider(
      REVISION_SCHEME,
      new RevisionFileSystem(async (repoRoot, rev, file) =>
        showFileAtRevision(await openRepository(repoRoot), rev, file),
      ),
      { isReadonly: true, isCaseSensitive: true },
    ),
  );

  // File watching: created/deleted model, data and notebook files, mlops.yaml, DVC metadata; git metadata.
  try {
    const watcher = vscode.workspace.createFileSystemWatcher(WATCH_GLOB);
    subscriptions.push(
      watcher,
      watcher.onDidCreate((uri) => model.queueChange(uri, 'created')),
      watcher.onDidChange((uri) => model.queueChange(uri, 'changed')),
      watcher.onDidDelete((uri) => model.queueChange(uri, 'deleted')),
    );
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const gitWatcher = vscode.workspace.createFileSystemWatcher(
        new vscode.RelativePattern(folder, '.git/{HEAD,index,refs/**}'),
      );
      subscriptions.push(
        gitWatcher,
        gitWatcher.onDidChange(() => model.queueGitRefresh()),
        gitWatcher.onDidCreate(() => model.queueGitRefresh()),
        gitWatcher.onDidDelete(() => model.queueGitRefresh()),
      );
    }
  } catch (err) {
    const message = `MLOps Workbench cannot watch files (${errorMessage(err)}); use Refresh in the Models view after changes. On Linux, raise fs.inotify.max_user_watches.`;
    logger.warn(message);
    void vscode.window.showWarningMessage(message);
  }

  const resolve = (
    node: ExplorerNode | undefined,
  ): { item: WorkspaceItem; folder: vscode.WorkspaceFolder } | undefined => {
    if (!node || node.type !== 'item') return undefined;
    for (const tree of Object.values(trees)) {
      const item = tree.find(node.folderKey, node.itemId);
      const folder = tree.stateOf(node.folderKey)?.folder;
      if (item && folder) return { item, folder };
    }
    return undefined;
  };
  const pick = async (node?: ExplorerNode) => {
    const resolved = resolve(node);
    if (resolved) return resolved;
    // From the palette: choose among every item.
    await model.ensureLoaded();
    const choices = model.folders().flatMap((state) =>
      state.items
        .filter((i) => !i.missing && !i.mlflow)
        .map((item) => ({
          label: item.name,
          description: `${item.kind} · ${item.relativePath}`,
          item,
          folder: state.folder,
        })),
    );
    const chosen = await vscode.window.showQuickPick(choices, {
      placeHolder: 'Model, dataset or notebook',
      matchOnDescription: true,
    });
    return chosen ? { item: chosen.item, folder: chosen.folder } : undefined;
  };

  subscriptions.push(
    vscode.commands.registerCommand('mlops.refreshExplorer', () =>
      model.loaded ? model.reload() : model.ensureLoaded(),
    ),
    vscode.commands.registerCommand('mlops.openItem', async (node?: ExplorerNode) => {
      const target = await pick(node);
      if (!target) return;
      const uri = vscode.Uri.file(target.item.absolutePath);
      if (target.item.isDirectory) await vscode.commands.executeCommand('revealInExplorer', uri);
      else await vscode.commands.executeCommand('vscode.open', uri);
    }),
    vscode.commands.registerCommand('mlops.revealItem', async (node?: ExplorerNode) => {
      const target = await pick(node);
      if (target) await vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(target.item.absolutePath));
    }),
    vscode.commands.registerCommand('mlops.copyItemPath', async (node?: ExplorerNode) => {
      const target = await pick(node);
      if (!target) return undefined;
      await vscode.env.clipboard.writeText(target.item.absolutePath);
      void vscode.window.setStatusBarMessage(`Copied ${target.item.relativePath}`, 3000);
      return target.item.absolutePath;
    }),
    vscode.commands.registerCommand('mlops.copyItemHash', async (node?: ExplorerNode) => {
      const target = await pick(node);
      if (!target) return undefined;
      if (target.item.isDirectory) {
        void vscode.window.showInformationMessage(`${target.item.name} is a folder: hashes are computed for files.`);
        return undefined;
      }
      try {
        const result = await model.hashOf(target.item, target.folder);
        if (result.status !== 'hashed') {
          void vscode.window.showWarningMessage(`No hash for ${target.item.name}: ${result.reason}`);
          return undefined;
        }
        await vscode.env.clipboard.writeText(result.hash);
        void vscode.window.setStatusBarMessage(`Copied ${result.algorithm} of ${target.item.name}`, 3000);
        return result.hash;
      } catch (err) {
        void vscode.window.showErrorMessage(`Could not hash ${target.item.name}: ${errorMessage(err)}`);
        return undefined;
      }
    }),
    vscode.commands.registerCommand('mlops.showItemHistory', async (node?: ExplorerNode | vscode.Uri) => {
      const file = node instanceof vscode.Uri ? node.fsPath : (await pick(node))?.item.absolutePath;
      if (!file) return undefined;
      return showHistory(file);
    }),
  );

  /** Quick pick of the commits that touched a file; the chosen one opens read-only. */
  async function showHistory(file: string): Promise<vscode.Uri | undefined> {
    if (!isTrusted()) {
      void vscode.window.showWarningMessage(UNTRUSTED_REASON);
      return undefined;
    }
    try {
      const repo = await openRepository(path.dirname(file));
      const history = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: 'Reading history' },
        () => fileHistory(repo, file, { maxCount: 500 }),
      );
      if (!history.entries.length) {
        void vscode.window.showInformationMessage(`${path.basename(file)} has no committed history yet.`);
        return undefined;
      }
      const items = history.entries.map((e) => ({
        label: e.subject,
        description: `${e.shortSha} · ${e.author} · ${relativeTime(e.date)}`,
        detail: e.path !== history.entries[0]?.path ? `as ${e.path}` : undefined,
        entry: e,
      }));
      const chosen = await vscode.window.showQuickPick(items, {
        title: `History of ${path.basename(file)}${history.shallow ? ' (shallow clone: older commits are not available)' : ''}`,
        placeHolder: 'Choose a commit to open that version read-only',
        matchOnDescription: true,
      });
      if (!chosen) return undefined;
      const uri = revisionUri({ repo: repo.root, rev: chosen.entry.sha, path: chosen.entry.path });
      await vscode.commands.executeCommand('vscode.open', uri, { preview: true });
      return uri;
    } catch (err) {
      void vscode.window.showErrorMessage(`Cannot read the history of ${path.basename(file)}: ${errorMessage(err)}`);
      return undefined;
    }
  }

  return { model, trees, context: () => context };
}
