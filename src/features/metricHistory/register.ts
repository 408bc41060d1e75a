import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ChartPayload, MetricHistoryQuery, PlotSource } from '../../core/chart/types';
import { availableKeys, defaultKeys } from '../../core/chart/prepare';
import { errorMessage } from '../../core/logging';
import type { FeatureContext } from '../../platform/context';
import { completeWalkthroughStep } from '../../platform/walkthrough';
import { METRIC_HISTORY_VIEW_TYPE, type MetricHistorySelection } from '../../protocol/metricHistory';
import { labelled, MetricHistoryPanel, type MetricHistoryDeps, type PanelContext } from './panel';

export const SHOW_METRIC_HISTORY_COMMAND = 'mlops.showMetricHistory';

/** What the extension API exposes for tests. */
export interface MetricHistoryApi {
  /** The last `data` payload the panel posted, or undefined before the first. */
  lastPostedData(): ChartPayload | undefined;
  /** Opens (or reveals) the panel, optionally with a selection. */
  show(selection?: MetricHistorySelection): void;
}

/**
 * "MLOps: Show Metric History…" (palette: pick sources and metrics; editor title of a metrics file: chart that
 * file), the singleton Metric History panel, and its serializer so it comes back after a reload.
 */
export function registerMetricHistory(feature: FeatureContext, deps: MetricHistoryDeps): MetricHistoryApi {
  const { extension, logger } = feature;
  let current: MetricHistoryPanel | undefined;
  let lastData: ChartPayload | undefined;
  const context: PanelContext = {
    extensionUri: extension.extensionUri,
    logger,
    deps,
    onDidPostData: (payload) => (lastData = payload),
  };

  const adopt = (webviewPanel: vscode.WebviewPanel, selection?: MetricHistorySelection): MetricHistoryPanel => {
    webviewPanel.iconPath = vscode.Uri.joinPath(extension.extensionUri, 'media', 'mlops.svg');
    const panel = new MetricHistoryPanel(webviewPanel, context, selection);
    current = panel;
    panel.onDidDispose(() => {
      if (current === panel) current = undefined;
    });
    return panel;
  };

  const show = (selection?: MetricHistorySelection): void => {
    if (current) {
      current.reveal(selection);
      return;
    }
    const webviewPanel = vscode.window.createWebviewPanel(
      METRIC_HISTORY_VIEW_TYPE,
      'Metric History',
      { viewColumn: vscode.ViewColumn.Active, preserveFocus: false },
      {
        enableScripts: true,
        localResourceRoots: [
          vscode.Uri.joinPath(extension.extensionUri, 'dist', 'webview'),
          vscode.Uri.joinPath(extension.extensionUri, 'media'),
        ],
      },
    );
    adopt(webviewPanel, selection);
  };

  extension.subscriptions.push(
    vscode.window.registerWebviewPanelSerializer(METRIC_HISTORY_VIEW_TYPE, {
      deserializeWebviewPanel: (webviewPanel) => {
        // The panel restores its own UI state (getState); the host only needs to be there again.
        if (current) webviewPanel.dispose();
        else adopt(webviewPanel);
        return Promise.resolve();
      },
    }),
    vscode.commands.registerCommand(SHOW_METRIC_HISTORY_COMMAND, async (arg?: unknown) => {
      try {
        const selection = await chooseSelection(arg, deps);
        if (selection) {
          show(selection);
          completeWalkthroughStep(extension, 'chartMetric', logger);
        }
      } catch (err) {
        logger.error(`showMetricHistory: ${errorMessage(err)}`);
        void vscode.window.showErrorMessage(`Could not show the metric history: ${errorMessage(err)}`);
      }
    }),
    { dispose: () => current?.dispose() },
  );

  return { lastPostedData: () => lastData, show };
}

/**
 * What to chart: from a metrics file (editor title), from a selection object (another feature), or from two quick
 * picks (sources, then metric keys). Undefined when the user cancels.
 */
async function chooseSelection(arg: unknown, deps: MetricHistoryDeps): Promise<MetricHistorySelection | undefined> {
  if (arg instanceof vscode.Uri) {
    const sources = await deps.data.listSources();
    const source = sources.find((s) => sameFile(s.location, arg));
    return { view: 'versions', sources: source ? [source.id] : [] };
  }
  if (arg && typeof arg === 'object' && ('keys' in arg || 'sources' in arg || 'view' in arg))
    return arg as MetricHistorySelection;

  const sources = (await deps.data.listSources()).map(labelled);
  if (sources.length === 0) return { view: 'versions' }; // The panel explains how to add a source.
  let picked: PlotSource[] = sources;
  if (sources.length > 1) {
    const items = await vscode.window.showQuickPick(
      sources.map((s) => ({ label: s.label, source: s, picked: true })),
      { canPickMany: true, title: 'Show Metric History (1/2): sources', placeHolder: 'Sources to chart' },
    );
    if (!items) return undefined;
    picked = items.length ? items.map((i) => i.source) : sources;
  }
  const ids = picked.length === sources.length ? [] : picked.map((s) => s.id);
  const query: MetricHistoryQuery = { view: 'versions', keys: [], sources: ids };
  const keys = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Reading metric keys…', cancellable: true },
    async (_progress, token) => {
      let runs = await deps.data.loadRuns(query, token);
      let view: MetricHistoryQuery['view'] = 'versions';
      if (availableKeys(runs).length === 0 && !token.isCancellationRequested) {
        runs = await deps.data.loadRuns({ ...query, view: 'steps' }, token);
        view = 'steps';
      }
      return token.isCancellationRequested
        ? undefined
        : { view, keys: availableKeys(runs), defaults: defaultKeys(runs, []) };
    },
  );
  if (!keys) return undefined;
  if (keys.keys.length === 0) return { view: keys.view, sources: ids };
  const definitions = new Map(deps.data.goals().map((d) => [d.key, d]));
  const defined = keys.keys.filter((k) => definitions.has(k));
  const chosen = await vscode.window.showQuickPick(
    keys.keys.map((key) => {
      const d = definitions.get(key);
      const goal = d?.goal ? (d.goal === 'maximize' ? 'higher is better' : 'lower is better') : undefined;
      return {
        label: key,
        description: [d?.label, goal, d?.threshold !== undefined ? `threshold ${d.threshold}` : undefined]
          .filter(Boolean)
          .join(' · '),
        // The defined metrics, else the ones most runs have (never a counter such as step or epoch).
        picked: defined.length ? defined.includes(key) : keys.defaults.includes(key),
      };
    }),
    {
      canPickMany: true,
      title: 'Show Metric History (2/2): metrics',
      placeHolder: 'Metrics to chart (none picked: the defined ones)',
    },
  );
  if (!chosen) return undefined;
  return { view: keys.view, sources: ids, keys: chosen.map((c) => c.label) };
}

function sameFile(location: string, uri: vscode.Uri): boolean {
  if (path.isAbsolute(location)) return path.normalize(location) === path.normalize(uri.fsPath);
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  return folder !== undefined && path.normalize(path.join(folder.uri.fsPath, location)) === path.normalize(uri.fsPath);
}
