import * as vscode from 'vscode';
import { type GitFileState } from '../../core/git/state';
import { relativeTime } from '../../core/relativeTime';
import { formatBytes } from '../../core/sizes';
import { distinguishingLabels } from '../../core/workspace/disambiguate';
import { type WorkspaceItem, type WorkspaceItemKind } from '../../core/workspace/discovery';
import { Disposable } from '../../platform/disposable';
import { type ServerRegistryState } from './serverRegistry';
import { type FolderState, type WorkspaceModel } from './workspaceModel';

/** Tree elements are plain data; TreeItems are built in getTreeItem. */
export type ExplorerNode =
  | { type: 'folder'; folderKey: string }
  | { type: 'item'; folderKey: string; itemId: string }
  | { type: 'link'; folderKey: string; itemId: string; role: 'dataset' | 'metrics'; target: string }
  | { type: 'message'; text: string; icon: string; tooltip?: string }
  /** A tracking server's registered models (Models view; `location` is the server's address without credentials). */
  | { type: 'server'; location: string }
  | { type: 'serverItem'; location: string; itemId: string };

export type GitLabel =
  | 'tracked'
  | 'modified'
  | 'untracked'
  | 'ignored'
  | 'LFS pointer'
  | 'DVC-tracked'
  | 'staged'
  | 'deleted'
  | 'unknown';

/** The one-word git state the explorer shows for a file. */
export function gitLabel(state: GitFileState | undefined): GitLabel {
  if (!state) return 'unknown';
  if (state.lfsPointer) return 'LFS pointer';
  if (state.dvcTracked && (state.status === 'ignored' || state.status === 'untracked' || state.status === 'unmodified'))
    return 'DVC-tracked';
  switch (state.status) {
    case 'unmodified':
      return 'tracked';
    case 'modified':
    case 'type-changed':
    case 'renamed':
    case 'copied':
    case 'conflicted':
      return state.staged && !state.modified ? 'staged' : 'modified';
    case 'added':
      return 'staged';
    case 'untracked':
      return 'untracked';
    case 'ignored':
      return 'ignored';
    case 'deleted':
    case 'missing':
      return 'deleted';
  }
}

const KIND_ICON: Record<WorkspaceItemKind, string> = { model: 'package', dataset: 'database', notebook: 'notebook' };

/** One TreeDataProvider per view (Models, Datasets, Notebooks), over the shared WorkspaceModel. */
export class ExplorerTree extends Disposable implements vscode.TreeDataProvider<ExplorerNode> {
  private readonly emitter = this.register(new vscode.EventEmitter<ExplorerNode | undefined>());
  readonly onDidChangeTreeData = this.emitter.event;

  constructor(
    private readonly kind: WorkspaceItemKind,
    private readonly model: WorkspaceModel,
  ) {
    super();
    this.register(model.onDidChange(() => this.emitter.fire(undefined)));
    if (kind === 'model') this.register(model.servers.onDidChange(() => this.emitter.fire(undefined)));
  }

  /** Per folder's item list: what tells apart items of this view that share a name (by item id). */
  private readonly distinct = new WeakMap<WorkspaceItem[], Map<string, string>>();

  private distinctionsOf(state: FolderState): Map<string, string> {
    let known = this.distinct.get(state.items);
    if (!known) {
      const items = state.items.filter((i) => i.kind === this.kind);
      const labels = distinguishingLabels(items.map(nameable));
      known = new Map(
        items.flatMap((item, index) => {
          const label = labels.get(index);
          return label === undefined ? [] : [[item.id, label] as const];
        }),
      );
      this.distinct.set(state.items, known);
    }
    return known;
  }

  private itemsOf(state: FolderState): WorkspaceItem[] {
    return state.items
      .filter((i) => i.kind === this.kind)
      .sort((a, b) => Number(b.missing) - Number(a.missing) || a.name.localeCompare(b.name));
  }

  async getChildren(node?: ExplorerNode): Promise<ExplorerNode[]> {
    await this.model.ensureLoaded();
    const folders = this.model.folders();
    if (!node) {
      // The servers' models come after the local items (they load after them, over the network).
      const [only] = folders;
      const local: ExplorerNode[] = !only
        ? []
        : folders.length > 1
          ? folders.map((f) => ({ type: 'folder', folderKey: f.folder.uri.toString() }))
          : this.folderChildren(only);
      return [...local, ...this.serverNodes()];
    }
    if (node.type === 'server') {
      const server = this.serverOf(node.location);
      if (!server) return [];
      if (!server.items.length)
        return [{ type: 'message', text: 'No registered models', icon: 'info', tooltip: server.location }];
      return server.items.map((i) => ({ type: 'serverItem', location: server.location, itemId: i.id }));
    }
    if (node.type === 'folder') {
      const state = folders.find((f) => f.folder.uri.toString() === node.folderKey);
      return state ? this.folderChildren(state) : [];
    }
    if (node.type === 'item') {
      const item = this.find(node.folderKey, node.itemId);
      if (!item) return [];
      return [
        ...(item.datasets ?? []).map(
          (d): ExplorerNode => ({
            type: 'link',
            folderKey: node.folderKey,
            itemId: item.id,
            role: 'dataset',
            target: d,
          }),
        ),
        ...(item.metrics ?? []).map(
          (m): ExplorerNode => ({
            type: 'link',
            folderKey: node.folderKey,
            itemId: item.id,
            role: 'metrics',
            target: m,
          }),
        ),
      ];
    }
    return [];
  }

  private folderChildren(state: FolderState): ExplorerNode[] {
    const key = state.folder.uri.toString();
    const nodes: ExplorerNode[] = [];
    if (state.scanError)
      nodes.push({
        type: 'message',
        text: `Cannot scan ${state.folder.name}`,
        icon: 'error',
        tooltip: state.scanError,
      });
    if (state.configError)
      nodes.push({ type: 'message', text: 'mlops.yaml cannot be read', icon: 'error', tooltip: state.configError });
    for (const i of this.itemsOf(state)) nodes.push({ type: 'item', folderKey: key, itemId: i.id });
    return nodes;
  }

  /** One node per configured tracking server: its models as a group, or one message while loading or when it fails. */
  private serverNodes(): ExplorerNode[] {
    if (this.kind !== 'model') return [];
    return this.model.servers.servers().map((server): ExplorerNode => {
      if (server.status === 'loaded') return { type: 'server', location: server.location };
      if (server.status === 'loading')
        return {
          type: 'message',
          text: `Loading registered models from ${server.host}…`,
          icon: 'loading~spin',
          tooltip: `MLflow server ${server.location}`,
        };
      return {
        type: 'message',
        text:
          server.status === 'untrusted'
            ? `MLflow server ${server.host}: not contacted in an untrusted workspace`
            : `MLflow server ${server.host}: cannot list registered models`,
        icon: server.status === 'untrusted' ? 'workspace-untrusted' : 'error',
        tooltip: server.message,
      };
    });
  }

  serverOf(location: string): ServerRegistryState | undefined {
    return this.model.servers.servers().find((s) => s.location === location);
  }

  find(folderKey: string, itemId: string): WorkspaceItem | undefined {
    return this.model
      .folders()
      .find((f) => f.folder.uri.toString() === folderKey)
      ?.items.find((i) => i.id === itemId);
  }

  stateOf(folderKey: string): FolderState | undefined {
    return this.model.folders().find((f) => f.folder.uri.toString() === folderKey);
  }

  getTreeItem(node: ExplorerNode): vscode.TreeItem {
    if (node.type === 'message') {
      const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
      item.iconPath = new vscode.ThemeIcon(
        node.icon,
        node.icon === 'error' ? new vscode.ThemeColor('list.errorForeground') : undefined,
      );
      item.tooltip = node.tooltip;
      return item;
    }
    if (node.type === 'server') {
      const server = this.serverOf(node.location);
      const item = new vscode.TreeItem(server?.host ?? node.location, vscode.TreeItemCollapsibleState.Expanded);
      item.id = `mlflow-server|${node.location}`;
      item.iconPath = new vscode.ThemeIcon('server');
      const models = new Set(server?.items.map((i) => i.name)).size;
      item.description = `MLflow server · ${models} ${models === 1 ? 'model' : 'models'}, ${server?.items.length ?? 0} versions`;
      item.tooltip = `Registered models of the MLflow tracking server ${node.location}`;
      item.contextValue = 'mlopsServer';
      return item;
    }
    if (node.type === 'serverItem') {
      const item = this.serverOf(node.location)?.items.find((i) => i.id === node.itemId);
      if (!item) return new vscode.TreeItem('(gone)');
      return buildItem(item, { key: `mlflow-server|${node.location}` });
    }
    if (node.type === 'folder') {
      const state = this.stateOf(node.folderKey);
      const item = new vscode.TreeItem(state?.folder.name ?? 'folder', vscode.TreeItemCollapsibleState.Expanded);
      item.iconPath = vscode.ThemeIcon.Folder;
      item.resourceUri = state?.folder.uri;
      item.contextValue = 'mlopsFolder';
      item.description = `${state ? this.itemsOf(state).length : 0}`;
      return item;
    }
    if (node.type === 'link') {
      const state = this.stateOf(node.folderKey);
      const isDataset = node.role === 'dataset';
      const dataset = isDataset ? state?.items.find((i) => i.kind === 'dataset' && i.name === node.target) : undefined;
      const item = new vscode.TreeItem(node.target, vscode.TreeItemCollapsibleState.None);
      item.description = isDataset ? 'dataset' : 'metrics';
      item.iconPath = new vscode.ThemeIcon(isDataset ? 'database' : 'graph-line');
      const target = isDataset
        ? dataset?.absolutePath
        : state
          ? vscode.Uri.joinPath(state.folder.uri, node.target).fsPath
          : undefined;
      if (target) {
        item.resourceUri = vscode.Uri.file(target);
        item.command = { command: 'vscode.open', title: 'Open', arguments: [vscode.Uri.file(target)] };
      }
      item.contextValue = 'mlopsLink';
      return item;
    }
    const item = this.find(node.folderKey, node.itemId);
    const state = this.stateOf(node.folderKey);
    if (!item || !state) return new vscode.TreeItem('(gone)');
    return buildItem(item, folderFacts(state, item), this.distinctionsOf(state).get(item.id));
  }
}

/** Items are ambiguous when they share a name (and version); a registry's models are told apart by their store. */
function nameable(item: WorkspaceItem): { key: string; path: string } {
  return {
    key: `${item.name}\0${item.version ?? ''}`,
    path: item.mlflow ? item.mlflow.store : item.relativePath,
  };
}

/** What the tree shows of an item beyond the item itself: its owner's key, and the file facts of a folder's item. */
interface ItemFacts {
  /** The workspace folder's URI, or the tracking server's key: makes the tree item's id unique. */
  key: string;
  /** The folder's key, for the Open command (a workspace folder's items only). */
  folderKey?: string;
  stat?: ReturnType<FolderState['stats']['get']>;
  git?: GitFileState;
  commit?: ReturnType<FolderState['commits']['get']>;
  hash?: ReturnType<FolderState['hashes']['get']>;
  gitUnavailable?: string;
}

function folderFacts(state: FolderState, item: WorkspaceItem): ItemFacts {
  const key = state.folder.uri.toString();
  return {
    key,
    folderKey: key,
    stat: state.stats.get(item.id),
    git: state.git.get(item.absolutePath),
    commit: state.commits.get(item.absolutePath),
    hash: state.hashes.get(item.absolutePath),
    gitUnavailable: state.gitUnavailable,
  };
}

/** `distinct` tells the item apart from others of the same name (its folder), when there are any. */
function buildItem(item: WorkspaceItem, facts: ItemFacts, distinct?: string): vscode.TreeItem {
  const hasChildren = (item.datasets?.length ?? 0) + (item.metrics?.length ?? 0) > 0;
  const tree = new vscode.TreeItem(
    item.name,
    hasChildren ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
  );
  tree.id = `${facts.key}|${item.id}`;
  const { stat, git, commit } = facts;
  const label = item.mlflow ? 'MLflow registry' : gitLabel(git);
  const server = item.mlflow?.backend === 'server';
  // A registered model version changed when it was registered, not when its store's file was last written.
  const changed =
    item.mlflow?.created ?? commit?.date ?? stat?.mtimeMs ?? (server ? item.mlflow?.lastUpdated : undefined);
  const parts: string[] = [];
  if (distinct) parts.push(distinct);
  if (item.notPulled) parts.push(notPulledText(item));
  else if (item.missing) parts.push('missing');
  if (item.version) parts.push(`v${item.version.replace(/^v/, '')}`);
  else if (item.fileCount) parts.push(`${item.fileCount} files`);
  else if (stat && !stat.isDirectory) parts.push(formatBytes(stat.size));
  if (item.stage) parts.push(item.stage);
  if (changed && !item.missing) parts.push(relativeTime(changed));
  tree.description = parts.join(' · ');

  if (item.notPulled) {
    tree.iconPath = new vscode.ThemeIcon('cloud-download');
  } else if (item.missing) {
    tree.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
  } else {
    const color =
      label === 'modified'
        ? 'gitDecoration.modifiedResourceForeground'
        : label === 'untracked'
          ? 'gitDecoration.untrackedResourceForeground'
          : label === 'ignored'
            ? 'gitDecoration.ignoredResourceForeground'
            : undefined;
    tree.iconPath = new vscode.ThemeIcon(
      item.isDirectory ? 'folder-library' : KIND_ICON[item.kind],
      color ? new vscode.ThemeColor(color) : undefined,
    );
  }
  if (!item.missing && !item.mlflow && facts.folderKey) {
    tree.resourceUri = vscode.Uri.file(item.absolutePath);
    // A model opens its page in the Model Dashboard ("Open File" stays in the context menu); others open the file.
    tree.command =
      item.kind === 'model'
        ? {
            command: 'mlops.showModelDashboard',
            title: 'Show in Model Dashboard',
            arguments: [{ type: 'item', folderKey: facts.folderKey, itemId: item.id }],
          }
        : {
            command: 'mlops.openItem',
            title: 'Open',
            arguments: [{ type: 'item', folderKey: facts.folderKey, itemId: item.id }],
          };
  }
  // A server's model has no file: none of the file menus (open, reveal, hash, history) apply.
  const flags = [
    server ? 'mlopsServerModel' : `mlopsItem`,
    `kind-${item.kind}`,
    item.missing ? 'missing' : 'present',
    item.notPulled ? 'notPulled' : '',
    item.isDirectory ? 'dir' : 'file',
    item.mlflow ? 'mlflow' : '',
    git?.tracked || commit ? 'inGit' : '',
  ];
  tree.contextValue = flags.filter(Boolean).join(' ');
  tree.tooltip = tooltip(item, facts, label);
  tree.accessibilityInformation = { label: `${item.kind} ${item.name}, ${tree.description}` };
  return tree;
}

/** "not pulled", with the size DVC recorded (and the file count of a folder). */
function notPulledText(item: WorkspaceItem): string {
  const size = item.dvc?.size === undefined ? '' : formatBytes(item.dvc.size);
  const files = item.dvc?.nfiles === undefined ? '' : `${item.dvc.nfiles} files`;
  const detail = [size, files].filter(Boolean).join(', ');
  return detail ? `not pulled (${detail})` : 'not pulled';
}

function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}

function tooltip(item: WorkspaceItem, facts: ItemFacts, label: GitLabel | 'MLflow registry'): vscode.MarkdownString {
  const { hash, commit, stat } = facts;
  const md = new vscode.MarkdownString(undefined, true);
  md.supportHtml = false;
  md.isTrusted = false;
  md.appendMarkdown(`**$(${KIND_ICON[item.kind]}) `);
  md.appendText(item.name);
  md.appendMarkdown(`** — ${item.kind}\n\n`);
  if (item.description) {
    md.appendText(item.description);
    md.appendMarkdown('\n\n');
  }
  const rows: [string, string][] = [];
  if (item.mlflow?.backend === 'server') rows.push(['Server', code(item.mlflow.store)]);
  else rows.push(['Path', code(item.relativePath)]);
  if (item.notPulled)
    rows.push([
      'Status',
      `$(cloud-download) ${escape(notPulledText(item))} — DVC-tracked, in the DVC cache or remote: run ${code(`dvc pull ${item.dvc?.declaredIn.endsWith('.dvc') ? item.dvc.declaredIn : item.relativePath}`)}`,
    ]);
  else if (item.missing)
    rows.push(['Status', `$(warning) missing — ${item.fixHint ? escape(item.fixHint) : 'the path does not exist'}`]);
  if (stat)
    rows.push([
      'Size',
      stat.isDirectory ? `folder${item.fileCount ? `, ${item.fileCount} files` : ''}` : formatBytes(stat.size),
    ]);
  if (hash?.status === 'hashed') rows.push([hash.algorithm, code(hash.hash)]);
  else if (hash?.status === 'skipped') rows.push(['Hash', escape(`not computed: ${hash.reason}`)]);
  else if (stat && !stat.isDirectory && !item.missing) rows.push(['Hash', 'computing…']);
  if (item.mlflow)
    rows.push([
      'MLflow',
      escape(
        `${item.mlflow.registeredModel} version ${item.mlflow.version}${item.mlflow.status ? ` (${item.mlflow.status})` : ''}`,
      ),
    ]);
  else if (facts.gitUnavailable) rows.push(['Git', escape(facts.gitUnavailable)]);
  else rows.push(['Git', label]);
  if (item.mlflow?.runId) rows.push(['Run', code(item.mlflow.runId)]);
  if (item.mlflow?.created !== undefined)
    rows.push([
      'Registered',
      escape(`${relativeTime(item.mlflow.created)}${item.mlflow.user ? ` by ${item.mlflow.user}` : ''}`),
    ]);
  if (item.dvc)
    rows.push(['DVC', escape(`declared in ${item.dvc.declaredIn}${item.dvc.md5 ? `, md5 ${item.dvc.md5}` : ''}`)]);
  if (commit)
    rows.push([
      'Last commit',
      `${escape(commit.subject)} — ${escape(commit.author)}, ${relativeTime(commit.date)} (${code(commit.shortSha)})`,
    ]);
  if (item.stage) rows.push(['Stage', item.stage]);
  if (item.owner) rows.push(['Owner', escape(item.owner)]);
  if (item.tags.length) rows.push(['Tags', item.tags.map(escape).join(', ')]);
  rows.push(['Source', item.sources.join(', ')]);
  for (const [key, value] of rows) md.appendMarkdown(`**${key}:** ${value}  \n`);
  return md;
}

/** Escapes Markdown so file names and commit subjects render as text. */
function escape(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~$]/g, (c) => `\\${c}`);
}
