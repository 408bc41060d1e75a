import * as vscode from 'vscode';
import { BUILTIN_CHECK_TYPES } from '../../core/checks/builtinTypes';
import { errorMessage, type Logger } from '../../core/logging';
import { Disposable } from '../../platform/disposable';
import { isTrusted } from '../../platform/trust';
import { WebviewHost } from '../../platform/webviewHost';
import {
  parseChecksMessage,
  type CheckTypeDoc,
  type ChecksPanelFilter,
  type HostToWebview,
  type WebviewToHost,
} from '../../protocol/checks';
import { FIX_RESULT_COMMAND } from './codeActions';
import { checkTypeHelpUri, resolveInFolder } from './diagnostics';
import type { ChecksRunner } from './runner';

export interface ChecksPanelContext {
  extensionUri: vscode.Uri;
  logger: Logger;
  runner: ChecksRunner;
  /** Called with every message the panel posts (the test hook keeps the last report). */
  onDidPost(message: HostToWebview): void;
}

/** The first sentence of a description, without Markdown backticks. */
function summaryOf(description: string): string {
  const plain = description.replace(/`/g, '');
  const end = plain.search(/\.\s/);
  return end === -1 ? plain : plain.slice(0, end + 1);
}

export function checkTypeDocs(): CheckTypeDoc[] {
  return BUILTIN_CHECK_TYPES.map((t) => ({
    type: t.type,
    title: t.title,
    summary: summaryOf(t.description),
    description: t.description.replace(/`/g, ''),
    helpUri: checkTypeHelpUri(t.type).toString(true),
    ...(t.retraining ? { retraining: t.retraining } : {}),
  }));
}

/**
 * The Pipeline Checks panel: the results of the last run grouped by check or by model, filters, rerun, and a jump
 * to each finding. The host sends reports; the panel keeps only its UI state.
 */
export class ChecksPanel extends Disposable {
  private readonly host: WebviewHost<HostToWebview, WebviewToHost>;
  private pendingFilter: ChecksPanelFilter | undefined;
  private readonly disposeEmitter = this.register(new vscode.EventEmitter<void>());
  readonly onDidDispose = this.disposeEmitter.event;

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly context: ChecksPanelContext,
    filter?: ChecksPanelFilter,
  ) {
    super();
    this.pendingFilter = filter;
    this.host = this.register(
      new WebviewHost<HostToWebview, WebviewToHost>(panel, {
        bundle: 'checks',
        title: 'Pipeline Checks',
        extensionUri: context.extensionUri,
        styles: ['checks.css'],
      }),
    );
    this.register(this.host.onReady(() => this.sendInit()));
    this.register(this.host.onMessage((raw) => void this.onMessage(raw)));
    this.register(context.runner.onDidStart(() => this.post({ type: 'running' })));
    this.register(context.runner.onDidFinish(() => this.sendReport()));
    this.register(vscode.workspace.onDidGrantWorkspaceTrust(() => this.sendInit()));
    this.register(panel.onDidDispose(() => this.dispose()));
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this.disposeEmitter.fire();
    super.dispose();
  }

  /** Brings the panel to the front; a filter (from a command) replaces the panel's. */
  reveal(filter?: ChecksPanelFilter): void {
    this.panel.reveal(undefined, false);
    if (!filter) return;
    if (this.host.isReady) this.post({ type: 'filter', filter });
    else this.pendingFilter = filter;
  }

  private post(message: HostToWebview): void {
    this.host.post(message);
    this.context.onDidPost(message);
  }

  private sendInit(): void {
    const filter = this.pendingFilter;
    this.pendingFilter = undefined;
    this.post({ type: 'init', docs: checkTypeDocs(), trusted: isTrusted(), filter });
    this.sendReport();
  }

  private sendReport(): void {
    const { runner } = this.context;
    this.post({ type: 'report', folders: runner.folderRuns.map((r) => r.report), running: runner.running });
  }

  private async onMessage(raw: unknown): Promise<void> {
    const message = parseChecksMessage(raw);
    if (!message) {
      this.context.logger.warn('checks: ignored a malformed message from the panel');
      return;
    }
    try {
      switch (message.type) {
        case 'rerun':
          await vscode.commands.executeCommand('mlops.runChecks');
          return;
        case 'open':
          await this.open(message.folder, message.file, message.line, message.column);
          return;
        case 'createConfig':
          await vscode.commands.executeCommand('mlops.createConfig');
          return;
        case 'fix': {
          const { type: _type, ...ref } = message;
          await vscode.commands.executeCommand(FIX_RESULT_COMMAND, ref);
          return;
        }
        case 'openDocs':
          await vscode.env.openExternal(checkTypeHelpUri(message.checkType));
          return;
        case 'trust':
          await vscode.commands.executeCommand('workbench.trust.manage');
          return;
        case 'ready':
          return;
      }
    } catch (err) {
      this.context.logger.error(`checks panel: ${message.type} failed: ${errorMessage(err)}`);
      void vscode.window.showErrorMessage(`Pipeline Checks: ${errorMessage(err)}`);
    }
  }

  /** Opens a folder-relative file at a 1-based position (notebooks in the notebook editor). */
  private async open(folderUri: string, file: string, line?: number, column?: number): Promise<void> {
    const folder = vscode.workspace.workspaceFolders?.find((f) => f.uri.toString() === folderUri);
    const uri = folder && resolveInFolder(folder, file);
    if (!uri) {
      void vscode.window.showWarningMessage(`Pipeline Checks: ${file} is not inside an open workspace folder.`);
      return;
    }
    if (uri.path.endsWith('.ipynb')) {
      await vscode.commands.executeCommand('vscode.open', uri);
      return;
    }
    const position = new vscode.Position(Math.max(0, (line ?? 1) - 1), Math.max(0, (column ?? 1) - 1));
    try {
      const document = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(document, {
        selection: new vscode.Range(position, position),
        preview: true,
      });
    } catch {
      // Not a text file (a model, say): let VS Code pick the editor.
      await vscode.commands.executeCommand('vscode.open', uri);
    }
  }
}
