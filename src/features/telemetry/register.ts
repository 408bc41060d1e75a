import * as path from 'node:path';
import * as vscode from 'vscode';
import { CONFIG_FILE_NAME } from '../../core/formats/mlopsYaml/starter';
import { errorMessage } from '../../core/logging';
import type { FeatureContext } from '../../platform/context';
import {
  TELEMETRY_VIEW_TYPE,
  type ConfigureAction,
  type HostToWebview,
  type WebviewToHost,
} from '../../protocol/telemetry';
import type { ExplorerApi } from '../explorer/register';
import type { ExplorerNode } from '../explorer/tree';
import { TelemetryPanel, type TelemetryData, type TelemetryPanelContext } from './panel';

export const SHOW_TELEMETRY_COMMAND = 'mlops.showTelemetry';

/** What the extension API exposes for tests. */
export interface TelemetryApi {
  /** Opens (or reveals) the panel, showing `model` when given. */
  show(model?: string): TelemetryPanel;
  /** The last messages the panel was sent, newest last (at most 20). */
  posted(): readonly HostToWebview[];
  received(): readonly WebviewToHost[];
  current(): TelemetryPanel | undefined;
}

function folderRoot(): vscode.WorkspaceFolder | undefined {
  return vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file');
}

/**
 * "MLOps: Show Telemetry" (palette, the Models view's title, a model item's context menu), the singleton Telemetry
 * panel and its serializer so it comes back after a reload.
 */
export function registerTelemetry(
  feature: FeatureContext,
  data: TelemetryData,
  explorer?: Pick<ExplorerApi, 'trees'>,
): TelemetryApi {
  const { extension, logger } = feature;
  let current: TelemetryPanel | undefined;
  const posted: HostToWebview[] = [];
  const received: WebviewToHost[] = [];
  const keep = <T>(list: T[], item: T) => {
    list.push(item);
    if (list.length > 20) list.shift();
  };
  const context: TelemetryPanelContext = {
    extensionUri: extension.extensionUri,
    logger,
    data,
    configure: (action) => configure(action),
    onDidPost: (m) => keep(posted, m),
    onDidReceive: (m) => keep(received, m),
  };

  const adopt = (webviewPanel: vscode.WebviewPanel, model?: string): TelemetryPanel => {
    webviewPanel.iconPath = vscode.Uri.joinPath(extension.extensionUri, 'media', 'mlops.svg');
    const panel = new TelemetryPanel(webviewPanel, context, model);
    current = panel;
    panel.onDidDispose(() => {
      if (current === panel) current = undefined;
    });
    return panel;
  };

  const show = (model?: string): TelemetryPanel => {
    if (current) {
      current.reveal(model);
      return current;
    }
    const webviewPanel = vscode.window.createWebviewPanel(
      TELEMETRY_VIEW_TYPE,
      'Telemetry',
      { viewColumn: vscode.ViewColumn.Active, preserveFocus: false },
      {
        enableScripts: true,
        localResourceRoots: [
          vscode.Uri.joinPath(extension.extensionUri, 'dist', 'webview'),
          vscode.Uri.joinPath(extension.extensionUri, 'media'),
        ],
      },
    );
    return adopt(webviewPanel, model);
  };

  /** The model a command argument names: a Models view item (its name), a string, or `{ model }`. */
  const modelOf = (arg: unknown): string | undefined => {
    if (typeof arg === 'string') return arg;
    if (!arg || typeof arg !== 'object') return undefined;
    const node = arg as ExplorerNode;
    if (node.type === 'item') return explorer?.trees.models.find(node.folderKey, node.itemId)?.name;
    const m = (arg as { model?: unknown }).model;
    return typeof m === 'string' ? m : undefined;
  };

  const configure = async (action: ConfigureAction): Promise<void> => {
    const folder = folderRoot();
    switch (action) {
      case 'openSettings':
        await vscode.commands.executeCommand('workbench.action.openSettings', 'mlops.telemetry');
        return;
      case 'openConfig': {
        if (!folder) {
          void vscode.window.showInformationMessage('Open a folder first: mlops.yaml lives at its root.');
          return;
        }
        const uri = vscode.Uri.joinPath(folder.uri, CONFIG_FILE_NAME);
        try {
          await vscode.workspace.fs.stat(uri);
          await vscode.window.showTextDocument(uri);
        } catch {
          await vscode.commands.executeCommand('mlops.createConfig');
        }
        return;
      }
      case 'pickLog': {
        const picked = await vscode.window.showOpenDialog({
          title: 'Choose a prediction or request log',
          canSelectMany: false,
          defaultUri: folder?.uri,
          filters: { 'Prediction logs': ['jsonl', 'ndjson', 'csv', 'tsv', 'json', 'gz'], 'All files': ['*'] },
        });
        const file = picked?.[0];
        if (!file) return;
        const relative = folder ? path.relative(folder.uri.fsPath, file.fsPath).split(path.sep).join('/') : '';
        const inside = folder && relative && !relative.startsWith('..') && !path.isAbsolute(relative);
        const where = inside ? relative : file.fsPath;
        const snippet = `telemetry:\n  sources:\n    - path: ${JSON.stringify(where)}\n`;
        await vscode.env.clipboard.writeText(snippet);
        const open = 'Open mlops.yaml';
        const choice = await vscode.window.showInformationMessage(
          `Copied a telemetry: section naming ${where}: paste it into mlops.yaml, then press Refresh.`,
          open,
        );
        if (choice === open) await configure('openConfig');
        return;
      }
    }
  };

  extension.subscriptions.push(
    vscode.window.registerWebviewPanelSerializer(TELEMETRY_VIEW_TYPE, {
      deserializeWebviewPanel: (webviewPanel) => {
        // The page restores its own UI state (range, model); the host only needs to be there again.
        if (current) webviewPanel.dispose();
        else adopt(webviewPanel);
        return Promise.resolve();
      },
    }),
    vscode.commands.registerCommand(SHOW_TELEMETRY_COMMAND, (arg?: unknown) => {
      try {
        show(modelOf(arg));
      } catch (err) {
        logger.error(`showTelemetry: ${errorMessage(err)}`);
        void vscode.window.showErrorMessage(`Could not show telemetry: ${errorMessage(err)}`);
      }
    }),
    { dispose: () => current?.dispose() },
  );

  return { show, posted: () => posted, received: () => received, current: () => current };
}
