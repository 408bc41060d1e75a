import * as path from 'node:path';
import * as vscode from 'vscode';
import { prepareChart } from '../../core/chart/prepare';
import { sourceLabel, withExperiments, type SourceRuns } from '../../core/chart/series';
import {
  ChartError,
  type ChartPayload,
  type MetricDefinition,
  type MetricHistoryQuery,
  type PlotSource,
} from '../../core/chart/types';
import { errorMessage, type Logger } from '../../core/logging';
import { MetricsError, type Run } from '../../core/metrics/model';
import { Disposable } from '../../platform/disposable';
import { writeUriAtomic } from '../../platform/fsWrite';
import { WebviewHost } from '../../platform/webviewHost';
import {
  parseWebviewMessage,
  type HostToWebview,
  type MetricHistorySelection,
  type WebviewToHost,
} from '../../protocol/metricHistory';

/** Where the panel's data comes from: the metric readers, wired by the extension. */
export interface MetricHistoryData {
  /** Every source the workspace has (metrics files, DVC, git history, trackers). */
  listSources(): Promise<PlotSource[]>;
  /** The runs a query needs: revisions of metrics files (versions view) or tracker runs (steps view). */
  loadRuns(query: MetricHistoryQuery, token: vscode.CancellationToken): Promise<Run[]>;
  /** The metric definitions of mlops.yaml (goal, threshold, unit, label). */
  goals(): MetricDefinition[];
  /** Fires when a source changed on disk; the panel reloads what it shows, keeping the user's view. */
  readonly onDidChange: vscode.Event<void>;
  /**
   * Every source with all its runs, when the data offers it: the versions view adds the DVC experiments a branch
   * history leaves out, as points beside their baseline commits.
   */
  sources?(): readonly SourceRuns[];
}

export interface MetricHistoryDeps {
  data: MetricHistoryData;
  /** Opens a tracker run; the default runs the command `mlops.openRun` with (runId, sourceId). */
  openRun?(runId: string, sourceId: string): Thenable<unknown>;
}

export interface PanelContext {
  extensionUri: vscode.Uri;
  logger: Logger;
  deps: MetricHistoryDeps;
  /** Called with every data payload the panel posts (the test hook keeps the last one). */
  onDidPostData(payload: ChartPayload): void;
}

export const OPEN_REVISION_COMMAND = 'mlops.openRevision';
export const OPEN_RUN_COMMAND = 'mlops.openRun';
const REFRESH_DELAY_MS = 300;
const EMPTY_HINTS = {
  versions: {
    title: 'No metrics files found',
    hint: 'Create metrics/eval.json (or any JSON, YAML or TOML metrics file) and commit it, or configure metric sources in mlops.yaml. Each commit becomes one point.',
  },
  steps: {
    title: 'No runs with step metrics found',
    hint: 'Log runs with MLflow, DVCLive or TensorBoard in this workspace, or configure tracker sources in mlops.yaml.',
  },
};

/**
 * The Metric History panel: one webview, its protocol, and the data flow (query -> readers -> chart preparation
 * -> panel). Refreshes when the sources change without disturbing zoom, hidden series or selection, which live
 * in the panel's own state.
 */
export class MetricHistoryPanel extends Disposable {
  private readonly host: WebviewHost<HostToWebview, WebviewToHost>;
  private query: MetricHistoryQuery | undefined;
  private pendingSelection: MetricHistorySelection | undefined;
  private generation = 0;
  private loading: vscode.CancellationTokenSource | undefined;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  /** The sources last listed or charted, to resolve a file of a git source inside its repository. */
  private sources = new Map<string, PlotSource>();
  private readonly disposeEmitter = this.register(new vscode.EventEmitter<void>());
  readonly onDidDispose = this.disposeEmitter.event;

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly context: PanelContext,
    selection?: MetricHistorySelection,
  ) {
    super();
    this.pendingSelection = selection;
    this.host = this.register(
      new WebviewHost<HostToWebview, WebviewToHost>(panel, {
        bundle: 'metricHistory',
        title: 'Metric History',
        extensionUri: context.extensionUri,
        styles: ['metricHistory.css'],
      }),
    );
    this.register(this.host.onReady(() => void this.sendInit()));
    this.register(this.host.onMessage((raw) => void this.onMessage(raw)));
    this.register(context.deps.data.onDidChange(() => this.scheduleRefresh()));
    this.register(panel.onDidDispose(() => this.dispose()));
    this.register({
      dispose: () => {
        if (this.refreshTimer) clearTimeout(this.refreshTimer);
        this.loading?.cancel();
        this.loading?.dispose();
      },
    });
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this.disposeEmitter.fire();
    super.dispose();
  }

  /** Brings the panel to the front; a selection (from a command) replaces what it shows. */
  reveal(selection?: MetricHistorySelection): void {
    // A hidden panel's page is gone and reloads on reveal: a message posted now would be lost, so the selection
    // waits for the reloaded page's `init`.
    const wasVisible = this.panel.visible;
    this.panel.reveal(undefined, false);
    if (!selection) return;
    if (this.host.isReady && wasVisible) this.host.post({ type: 'state', selection });
    else this.pendingSelection = selection;
  }

  private async sendInit(): Promise<void> {
    let sources: PlotSource[] = [];
    try {
      sources = (await this.context.deps.data.listSources()).map(labelled);
    } catch (err) {
      this.context.logger.warn(`metricHistory: listing sources failed: ${errorMessage(err)}`);
    }
    for (const s of sources) this.sources.set(s.id, s);
    const selection = this.pendingSelection;
    this.pendingSelection = undefined;
    this.host.post({ type: 'init', sources, definitions: this.context.deps.data.goals(), selection });
  }

  private async onMessage(raw: unknown): Promise<void> {
    const message = parseWebviewMessage(raw);
    if (!message) {
      this.context.logger.warn('metricHistory: ignored a malformed message from the panel');
      return;
    }
    try {
      switch (message.type) {
        case 'requestData':
          this.query = message.query;
          await this.load('request');
          return;
        case 'openRevision':
          await this.openRevision(message.sha, message.path, message.sourceId);
          return;
        case 'openRun':
          await (
            this.context.deps.openRun ??
            ((runId: string, sourceId: string) => vscode.commands.executeCommand(OPEN_RUN_COMMAND, runId, sourceId))
          )(message.runId, message.sourceId);
          return;
        case 'export':
          await this.export(message);
          return;
        case 'copyMarkdown':
          await vscode.env.clipboard.writeText(message.markdown);
          void vscode.window.showInformationMessage('Copied the comparison as a Markdown table.');
          return;
        case 'selectSources':
          await this.selectSources(message.current);
          return;
        case 'rendered':
          this.context.logger.debug(
            `metricHistory: drew ${message.series} series, ${message.points} points in ${message.ms.toFixed(0)} ms (${message.view})`,
          );
          return;
        case 'ready':
          return;
      }
    } catch (err) {
      this.context.logger.error(`metricHistory: ${message.type} failed: ${errorMessage(err)}`);
      void vscode.window.showErrorMessage(`Metric History: ${errorMessage(err)}`);
    }
  }

  /** Runs the current query again after the sources changed (debounced). */
  private scheduleRefresh(): void {
    if (!this.query) return;
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      void this.load('refresh');
    }, REFRESH_DELAY_MS);
  }

  private async load(reason: 'request' | 'refresh'): Promise<void> {
    const query = this.query;
    if (!query || this.isDisposed) return;
    const generation = ++this.generation;
    this.loading?.cancel();
    this.loading?.dispose();
    const cancellation = new vscode.CancellationTokenSource();
    this.loading = cancellation;
    if (reason === 'request')
      this.host.post({
        type: 'loading',
        message: query.view === 'versions' ? 'Reading metric history…' : 'Reading runs…',
      });
    try {
      const data = this.context.deps.data;
      let runs = await data.loadRuns(query, cancellation.token);
      if (generation !== this.generation || this.isDisposed) return;
      if (query.view === 'versions' && data.sources) runs = withExperiments(runs, data.sources(), query.sources);
      if (query.runs?.length) {
        const only = new Set(query.runs);
        runs = runs.filter((r) => only.has(r.id));
      }
      const started = performance.now();
      const payload = prepareChart(runs, query, data.goals());
      payload.sources = payload.sources.map(labelled);
      this.context.logger.debug(
        `metricHistory: prepared ${payload.series.length} series, ${payload.plottedPoints} of ${payload.rawPoints} points in ${(performance.now() - started).toFixed(1)} ms`,
      );
      if (runs.length === 0 || payload.availableKeys.length === 0) {
        const empty = EMPTY_HINTS[query.view];
        this.host.post({
          type: 'empty',
          view: query.view,
          title: empty.title,
          hint: empty.hint,
          availableKeys: payload.availableKeys,
        });
        return;
      }
      for (const s of payload.sources) if (!this.sources.has(s.id)) this.sources.set(s.id, s);
      this.host.post({ type: 'data', payload, reason });
      this.context.onDidPostData(payload);
    } catch (err) {
      if (generation !== this.generation || this.isDisposed) return;
      this.context.logger.warn(`metricHistory: ${errorMessage(err)}`);
      this.host.post({ type: 'error', message: errorMessage(err), hint: hintFor(err) });
    }
  }

  /** Opens the metrics file as it was at a revision (read-only), through the command the git feature provides. */
  private async openRevision(sha: string, location: string, sourceId: string): Promise<void> {
    const source = this.sources.get(sourceId);
    // A git source is a repository; the file of a series is relative to it.
    const repository =
      source?.kind === 'git' && path.isAbsolute(source.location) && source.location !== location
        ? source.location
        : undefined;
    const target =
      repository && !path.isAbsolute(location)
        ? { repoRoot: repository, path: location.split(path.sep).join('/') }
        : resolveInWorkspace(location);
    if (!target) {
      void vscode.window.showWarningMessage(
        `Metric History: ${location || 'the metrics file'} is not inside an open workspace folder.`,
      );
      return;
    }
    await vscode.commands.executeCommand(OPEN_REVISION_COMMAND, target.repoRoot, sha, target.path);
  }

  private async export(message: Extract<WebviewToHost, { type: 'export' }>): Promise<void> {
    const png = message.format === 'png';
    const folder = vscode.workspace.workspaceFolders?.[0];
    const name = path.basename(message.suggestedName).replace(/[^\w.-]+/g, '-') || `metric-history.${message.format}`;
    const target = await vscode.window.showSaveDialog({
      title: png ? 'Export chart as PNG' : 'Export plotted data as CSV',
      saveLabel: 'Export',
      defaultUri: folder ? vscode.Uri.joinPath(folder.uri, name) : undefined,
      filters: png ? { 'PNG image': ['png'] } : { 'CSV (comma-separated values)': ['csv'] },
    });
    if (!target) return;
    if (vscode.workspace.textDocuments.some((d) => d.uri.toString() === target.toString() && d.isDirty)) {
      void vscode.window.showWarningMessage(
        `${path.basename(target.path)} has unsaved changes in an editor; save or close it first, then export again.`,
      );
      return;
    }
    const bytes = png
      ? Buffer.from(message.dataUrl.slice(message.dataUrl.indexOf(',') + 1), 'base64')
      : Buffer.from(message.csv, 'utf8');
    await writeUriAtomic(target, bytes);
    this.context.logger.info(
      `metricHistory: exported ${message.format.toUpperCase()} to ${target.fsPath} (${bytes.length} bytes)`,
    );
    const open = 'Open';
    void vscode.window.showInformationMessage(`Exported ${path.basename(target.path)}.`, open).then((choice) => {
      if (choice === open) void vscode.commands.executeCommand('vscode.open', target);
    });
  }

  private async selectSources(current: string[]): Promise<void> {
    const sources = (await this.context.deps.data.listSources()).map(labelled);
    if (sources.length === 0) {
      void vscode.window.showInformationMessage(
        'No metric sources found. Create metrics/eval.json, or configure sources in mlops.yaml.',
      );
      return;
    }
    const chosen = new Set(current.length ? current : sources.map((s) => s.id));
    const picked = await vscode.window.showQuickPick(
      sources.map((s) => ({ label: s.label, source: s, picked: chosen.has(s.id) })),
      {
        canPickMany: true,
        title: 'Metric History: sources',
        placeHolder: 'Sources to chart (none picked: all of them)',
      },
    );
    if (!picked) return;
    const ids = picked.length === sources.length ? [] : picked.map((p) => p.source.id);
    this.host.post({ type: 'state', selection: { sources: ids } });
  }
}

/**
 * A source as a user names it: the workspace folder it belongs to and what it is (`demo · git history`,
 * `demo · MLflow (mlruns)`), not the absolute path of the workspace.
 */
export function labelled(source: PlotSource): PlotSource {
  let folder: vscode.WorkspaceFolder | undefined;
  if (path.isAbsolute(source.location)) folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(source.location));
  return {
    ...source,
    label: sourceLabel(source, folder && { name: folder.name, path: folder.uri.fsPath }),
  };
}

/** What the user can do about an error, next to its message. */
export function hintFor(err: unknown): string | undefined {
  if (err instanceof MetricsError) {
    const at =
      err.position?.line !== undefined
        ? ` at line ${err.position.line}${err.position.column !== undefined ? `, column ${err.position.column}` : ''}`
        : '';
    return `Fix ${err.location}${at} and save; the chart updates by itself.`;
  }
  if (err instanceof ChartError) {
    return err.code === 'unknown-tag' || err.code === 'unknown-branch' || err.code === 'invalid-range'
      ? 'Choose another revision range above.'
      : undefined;
  }
  return 'See the MLOps Workbench log (MLOps: Open Log) for details.';
}

/** The workspace folder holding a source location (absolute, or relative to the first folder) and the path in it. */
export function resolveInWorkspace(location: string): { repoRoot: string; path: string } | undefined {
  const folders = vscode.workspace.workspaceFolders ?? [];
  const [first] = folders;
  if (!location || !first) return undefined;
  const absolute = path.isAbsolute(location) ? location : path.join(first.uri.fsPath, location);
  const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(absolute));
  if (!folder) return undefined;
  return { repoRoot: folder.uri.fsPath, path: path.relative(folder.uri.fsPath, absolute).split(path.sep).join('/') };
}
