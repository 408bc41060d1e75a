import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { errorMessage, type Logger } from '../../core/logging';
import { formatBytes } from '../../core/sizes';
import { affectsSetting, getSetting } from '../../platform/config';
import { Disposable } from '../../platform/disposable';
import type { NotebookGitFilter } from './gitFilter';
import { isNotebookPath } from './targets';

/** What the item shows, for tests: hidden, or its text, tooltip, the filter state and the command a click runs. */
export interface NotebookStatusSnapshot {
  visible: boolean;
  notebook?: string;
  state?: 'stripped' | 'needsSetUp' | 'off' | 'noGit' | 'untrusted';
  bytes?: number;
  text: string;
  tooltip: string;
  command?: string;
}

/**
 * The status bar item of the active notebook: whether its outputs will be committed (the repository's git filter is
 * set up in this clone or not) and its size on disk. A click strips its outputs when the filter is set up, sets the
 * filter up when it is not. `mlops.notebooks.statusItem` (read for the notebook's folder) hides it, live.
 */
export class NotebookStatusBar extends Disposable {
  private readonly item = this.register(
    vscode.window.createStatusBarItem('mlops.notebooks.status', vscode.StatusBarAlignment.Right, 100),
  );
  private snapshotValue: NotebookStatusSnapshot = { visible: false, text: '', tooltip: '' };
  private generation = 0;
  private readonly changeEmitter = this.register(new vscode.EventEmitter<NotebookStatusSnapshot>());
  /** The item was updated (tests wait on it). */
  readonly onDidChange = this.changeEmitter.event;

  constructor(
    private readonly filter: NotebookGitFilter,
    private readonly logger: Logger,
  ) {
    super();
    this.item.name = 'MLOps Notebook Outputs';
    const refresh = () => void this.refresh();
    const watcher = this.register(vscode.workspace.createFileSystemWatcher('**/.gitattributes'));
    this.register(vscode.window.onDidChangeActiveNotebookEditor(refresh));
    this.register(vscode.workspace.onDidSaveNotebookDocument(refresh));
    this.register(vscode.workspace.onDidGrantWorkspaceTrust(refresh));
    this.register(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (affectsSetting(event, 'notebooks.statusItem')) refresh();
      }),
    );
    this.register(watcher.onDidCreate(refresh));
    this.register(watcher.onDidChange(refresh));
    this.register(watcher.onDidDelete(refresh));
    refresh();
  }

  get snapshot(): NotebookStatusSnapshot {
    return this.snapshotValue;
  }

  /** Reads the active notebook's filter state and size again (also after the filter setup or a strip). */
  async refresh(): Promise<NotebookStatusSnapshot> {
    const generation = ++this.generation;
    const uri = vscode.window.activeNotebookEditor?.notebook.uri;
    let next: NotebookStatusSnapshot;
    if (!uri || uri.scheme !== 'file' || !isNotebookPath(uri) || !getSetting('notebooks.statusItem', uri))
      next = { visible: false, text: '', tooltip: '' };
    else next = await this.describe(uri);
    if (generation !== this.generation) return this.snapshotValue;
    this.show(next, uri);
    return next;
  }

  private async describe(uri: vscode.Uri): Promise<NotebookStatusSnapshot> {
    const name = path.basename(uri.fsPath);
    const bytes = await fs.stat(uri.fsPath).then(
      (s) => s.size,
      () => undefined,
    );
    const size = bytes === undefined ? 'not saved yet' : formatBytes(bytes);
    const folder = vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath ?? path.dirname(uri.fsPath);
    const state = vscode.workspace.isTrusted
      ? await this.filter.state(folder).catch((err: unknown) => {
          this.logger.debug(`Notebook status: git filter state of ${folder} unknown: ${errorMessage(err)}`);
          return 'noGit' as const;
        })
      : 'untrusted';
    const base = { visible: true, notebook: uri.fsPath, state, bytes } as const;
    switch (state) {
      case 'stripped':
        return {
          ...base,
          text: `$(pass) Outputs stripped on commit · ${size}`,
          tooltip: `${name} (${size}): git strips its outputs when it is committed (the notebook filter is set up). Click to strip the outputs of the working copy too.`,
          command: 'mlops.stripNotebookOutputs',
        };
      case 'needsSetUp':
      case 'off':
        return {
          ...base,
          text: `$(warning) Outputs will be committed · ${size}`,
          tooltip: `${name} (${size}): its outputs will be committed with it${state === 'needsSetUp' ? ' (.gitattributes asks for the notebook filter, but this clone is not set up for it)' : ''}. Click to set up the notebook git filter.`,
          command: 'mlops.setupNotebookGitFilter',
        };
      case 'noGit':
        return {
          ...base,
          text: `$(notebook) Not in git · ${size}`,
          tooltip: `${name} (${size}) is not in a git repository. Click to strip its outputs.`,
          command: 'mlops.stripNotebookOutputs',
        };
      case 'untrusted':
        return {
          ...base,
          text: `$(notebook) ${size}`,
          tooltip: `${name} (${size}). Trust the workspace to see whether its outputs will be committed. Click to strip its outputs.`,
          command: 'mlops.stripNotebookOutputs',
        };
    }
  }

  private show(next: NotebookStatusSnapshot, uri: vscode.Uri | undefined): void {
    this.snapshotValue = next;
    if (!next.visible || !uri) this.item.hide();
    else {
      this.item.text = next.text;
      this.item.tooltip = next.tooltip;
      const argument = next.command === 'mlops.setupNotebookGitFilter' ? path.dirname(uri.fsPath) : uri;
      this.item.command = next.command && { command: next.command, title: next.text, arguments: [argument] };
      this.item.backgroundColor =
        next.state === 'needsSetUp' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
      this.item.show();
    }
    this.changeEmitter.fire(next);
  }
}
