import * as vscode from 'vscode';
import { errorMessage } from '../../core/logging';
import type { RunRow } from '../../core/runs/model';
import type { FeatureContext } from '../../platform/context';
import { parseViewRequest, RUNS_VIEW_TYPE, type RunsViewRequest, type WebviewToHost } from '../../protocol/runs';
import type { MetricsService } from '../experiments/metricsService';
import type { ExperimentsNode } from '../experiments/tree';
import { RunsPanel, type PanelContext } from './panel';
import { runsData } from './data';

export const SHOW_RUNS_TABLE_COMMAND = 'mlops.showRunsTable';
const SHOW_SOURCE_RUNS_TABLE_COMMAND = 'mlops.showSourceRunsTable';

/** What the extension API exposes for tests. */
export interface RunsApi {
  /** Opens (or reveals) the panel, optionally with a filter, sort or grouping. */
  show(request?: RunsViewRequest): void;
  /** The rows of the last `data` message, or undefined before the first. */
  lastPostedRows(): RunRow[] | undefined;
  /** The panel's last `shown` report (the keys in table order), or undefined before the first. */
  lastShown(): Extract<WebviewToHost, { type: 'shown' }> | undefined;
  /** Handles a message as if the open panel had sent it (tests); false when no panel is open. */
  receive(message: unknown): Promise<boolean>;
  /** Closes the panel (tests reopen it to see what survives). */
  close(): void;
}

/**
 * "MLOps: Show Runs Table" (palette, the Experiments view's title, a source item's context menu), the singleton
 * Runs panel, and its serializer so it comes back after a reload.
 */
export function registerRuns(feature: FeatureContext, service: MetricsService): RunsApi {
  const { extension, logger } = feature;
  const data = runsData(service, logger);
  extension.subscriptions.push(data);
  let current: RunsPanel | undefined;
  let lastRows: RunRow[] | undefined;
  let lastShown: Extract<WebviewToHost, { type: 'shown' }> | undefined;
  const context: PanelContext = {
    extensionUri: extension.extensionUri,
    logger,
    data,
    onDidShow: (shown) => (lastShown = shown),
    onDidPostData: (rows) => (lastRows = rows),
  };

  const adopt = (webviewPanel: vscode.WebviewPanel, request?: RunsViewRequest): RunsPanel => {
    webviewPanel.iconPath = vscode.Uri.joinPath(extension.extensionUri, 'media', 'mlops.svg');
    const panel = new RunsPanel(webviewPanel, context, request);
    current = panel;
    panel.onDidDispose(() => {
      if (current === panel) current = undefined;
    });
    return panel;
  };

  const show = (request?: RunsViewRequest): void => {
    if (current) {
      current.reveal(request);
      return;
    }
    const webviewPanel = vscode.window.createWebviewPanel(
      RUNS_VIEW_TYPE,
      'Runs',
      { viewColumn: vscode.ViewColumn.Active, preserveFocus: false },
      {
        enableScripts: true,
        localResourceRoots: [
          vscode.Uri.joinPath(extension.extensionUri, 'dist', 'webview'),
          vscode.Uri.joinPath(extension.extensionUri, 'media'),
        ],
      },
    );
    adopt(webviewPanel, request);
  };

  extension.subscriptions.push(
    vscode.window.registerWebviewPanelSerializer(RUNS_VIEW_TYPE, {
      deserializeWebviewPanel: (webviewPanel) => {
        // The panel restores its own UI state (getState); the host only needs to be there again.
        if (current) webviewPanel.dispose();
        else adopt(webviewPanel);
        return Promise.resolve();
      },
    }),
    vscode.commands.registerCommand(SHOW_RUNS_TABLE_COMMAND, (arg?: unknown) => {
      try {
        show(parseViewRequest(arg));
      } catch (err) {
        logger.error(`showRunsTable: ${errorMessage(err)}`);
        void vscode.window.showErrorMessage(`Could not show the runs table: ${errorMessage(err)}`);
      }
    }),
    vscode.commands.registerCommand(SHOW_SOURCE_RUNS_TABLE_COMMAND, (node?: ExperimentsNode) => {
      const source = node && node.type === 'source' ? service.source(node.sourceId) : undefined;
      show(source ? { filter: data.sourceFilter(source), group: 'none' } : undefined);
    }),
    { dispose: () => current?.dispose() },
  );

  return {
    show,
    lastPostedRows: () => lastRows,
    lastShown: () => lastShown,
    receive: async (message) => {
      if (!current) return false;
      await current.receive(message);
      return true;
    },
    close: () => {
      current?.panel.dispose();
    },
  };
}
