import * as path from 'node:path';
import * as vscode from 'vscode';
import { errorMessage, type Logger } from '../../core/logging';
import type { ColumnDef, RunAnnotation, RunRow } from '../../core/runs/model';
import { Disposable } from '../../platform/disposable';
import { writeUriAtomic } from '../../platform/fsWrite';
import { WebviewHost } from '../../platform/webviewHost';
import type { MetricHistorySelection } from '../../protocol/metricHistory';
import {
  dataMessages,
  parseWebviewMessage,
  type HostToWebview,
  type RunsViewRequest,
  type WebviewToHost,
} from '../../protocol/runs';

/** Where a row came from: the Experiments view's source id and the run id within it. */
export interface RowOrigin {
  sourceId: string;
  runId: string;
  /** The workspace folder whose notes file holds the row's note and labels. */
  folderRoot: string;
  /** Whether the run has per-step series (Metric History charts it across steps, else across versions). */
  hasSteps: boolean;
}

/** The table's data, wired by register.ts over the metrics service and the runs core. */
export interface RunsData {
  /** Every run of every source as rows, the columns they have, where each row came from, and source problems. */
  load(): Promise<{ rows: RunRow[]; columns: ColumnDef[]; origins: Map<string, RowOrigin>; problems: string[] }>;
  /** Writes a run's note and labels to the folder's notes file (atomically); returns what it replaced. */
  annotate(origin: RowOrigin, row: RunRow, annotation: RunAnnotation): Promise<RunAnnotation>;
  /** Fires when a source or the notes file changed on disk. */
  readonly onDidChange: vscode.Event<void>;
}

export interface PanelContext {
  extensionUri: vscode.Uri;
  logger: Logger;
  data: RunsData;
  /** Every `shown` report of the panel (tests and benchmarks). */
  onDidShow(shown: Extract<WebviewToHost, { type: 'shown' }>): void;
  /** Every `data` message posted (tests). */
  onDidPostData(rows: RunRow[]): void;
}

const REFRESH_DELAY_MS = 300;

/**
 * The Runs panel: one webview, its protocol, and the data flow (metrics service -> rows -> panel). Filter, sort,
 * grouping, selection and columns live in the panel's own state; the host sends rows and carries out what the user
 * asks (notes, charts, comparisons, exports).
 */
export class RunsPanel extends Disposable {
  private readonly host: WebviewHost<HostToWebview, WebviewToHost>;
  private rows = new Map<string, RunRow>();
  private origins = new Map<string, RowOrigin>();
  private pending: RunsViewRequest | undefined;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private generation = 0;
  private readonly disposeEmitter = this.register(new vscode.EventEmitter<void>());
  readonly onDidDispose = this.disposeEmitter.event;

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly context: PanelContext,
    request?: RunsViewRequest,
  ) {
    super();
    this.pending = request;
    this.host = this.register(
      new WebviewHost<HostToWebview, WebviewToHost>(panel, {
        bundle: 'runs',
        title: 'Runs',
        extensionUri: context.extensionUri,
        styles: ['runs.css'],
      }),
    );
    this.register(this.host.onReady(() => void this.send('initial')));
    this.register(this.host.onMessage((raw) => void this.onMessage(raw)));
    this.register(context.data.onDidChange(() => this.scheduleRefresh()));
    this.register(panel.onDidDispose(() => this.dispose()));
    this.register({ dispose: () => this.refreshTimer && clearTimeout(this.refreshTimer) });
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this.disposeEmitter.fire();
    super.dispose();
  }

  /** Brings the panel to the front; a request (filter, sort, group) replaces what the panel shows. */
  reveal(request?: RunsViewRequest): void {
    const wasVisible = this.panel.visible;
    this.panel.reveal(undefined, false);
    if (!request) return;
    if (this.host.isReady && wasVisible) this.host.post({ type: 'view', request });
    else this.pending = request;
  }

  private async send(reason: 'initial' | 'refresh'): Promise<void> {
    const generation = ++this.generation;
    if (reason === 'initial') this.host.post({ type: 'loading', message: 'Reading runs…' });
    try {
      const { rows, columns, origins, problems } = await this.context.data.load();
      if (generation !== this.generation || this.isDisposed) return;
      this.rows = new Map(rows.map((r) => [r.key, r]));
      this.origins = origins;
      // A request (a source's filter) changes what the first screen shows: then every row goes at once.
      const messages = dataMessages(rows, columns, reason, problems, reason === 'initial' && !this.pending);
      let first = true;
      for (const message of messages) {
        if (!first) {
          // Let the first screen's message go out before this thread encodes every row.
          await new Promise((resolve) => setTimeout(resolve, 0));
          if (generation !== this.generation || this.isDisposed) return;
        }
        first = false;
        this.host.post(message);
      }
      this.context.onDidPostData(rows);
      if (this.pending) {
        this.host.post({ type: 'view', request: this.pending });
        this.pending = undefined;
      }
    } catch (err) {
      if (generation !== this.generation || this.isDisposed) return;
      this.context.logger.warn(`runs: ${errorMessage(err)}`);
      this.host.post({ type: 'error', message: errorMessage(err) });
    }
  }

  private scheduleRefresh(): void {
    if (!this.host.isReady) return;
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      void this.send('refresh');
    }, REFRESH_DELAY_MS);
  }

  /** Handles a message as if the page had sent it (tests drive the host through the same checks). */
  receive(raw: unknown): Promise<void> {
    return this.onMessage(raw);
  }

  private async onMessage(raw: unknown): Promise<void> {
    const message = parseWebviewMessage(raw);
    if (!message) {
      this.context.logger.warn('runs: ignored a malformed message from the panel');
      return;
    }
    try {
      switch (message.type) {
        case 'setNote': {
          const row = this.rows.get(message.key);
          const note = message.note.trim();
          if (row) await this.annotate(row, { ...row.annotation, note: note || undefined }, note ? 'note' : 'no note');
          return;
        }
        case 'setLabels': {
          const row = this.rows.get(message.key);
          if (row) await this.annotate(row, { ...row.annotation, labels: message.labels }, 'labels');
          return;
        }
        case 'chart':
          await this.chart(message.keys);
          return;
        case 'compare':
          await this.compare(message.keys);
          return;
        case 'export':
          await this.export(message);
          return;
        case 'copyMarkdown':
          await vscode.env.clipboard.writeText(message.markdown);
          void vscode.window.showInformationMessage('Copied the shown runs as a Markdown table.');
          return;
        case 'shown':
          this.context.logger.debug(
            `runs: showing ${message.keys.length} of ${message.total} runs (${message.ms.toFixed(0)} ms)`,
          );
          this.context.onDidShow(message);
          return;
        case 'ready':
          return;
      }
    } catch (err) {
      this.context.logger.error(`runs: ${message.type} failed: ${errorMessage(err)}`);
      void vscode.window.showErrorMessage(`Runs: ${errorMessage(err)}`);
    }
  }

  /**
   * Writes a note or labels, then offers "Undo" in the notification: the undo is one click where the user looks,
   * and it restores exactly what this write replaced (a later write by a teammate is not undone blindly).
   */
  private async annotate(row: RunRow, annotation: RunAnnotation, what: string): Promise<void> {
    const origin = this.origins.get(row.key);
    if (!origin) throw new Error(`Run ${row.name} is no longer in its source; the table refreshes.`);
    const previous = await this.context.data.annotate(origin, row, annotation);
    row.annotation = annotation;
    this.context.logger.info(`runs: saved ${what} of ${row.key}`);
    const undo = 'Undo';
    const done = what === 'no note' ? 'Removed the note' : `Saved the ${what}`;
    void vscode.window
      .showInformationMessage(`${done} of ${row.name} in .mlops/notes.yaml.`, undo)
      .then(async (choice) => {
        if (choice !== undo || this.isDisposed) return;
        try {
          await this.context.data.annotate(origin, row, previous);
          row.annotation = previous;
          this.context.logger.info(`runs: undid the ${what} of ${row.key}`);
          this.scheduleRefresh();
        } catch (err) {
          void vscode.window.showErrorMessage(`Runs: could not undo: ${errorMessage(err)}`);
        }
      });
  }

  /** Metric History with exactly the selected runs: across steps when they all log steps, else across versions. */
  private async chart(keys: readonly string[]): Promise<void> {
    const origins = keys.map((k) => this.origins.get(k)).filter((o): o is RowOrigin => o !== undefined);
    if (origins.length === 0) return;
    const selection: MetricHistorySelection = {
      view: origins.every((o) => o.hasSteps) ? 'steps' : 'versions',
      sources: [...new Set(origins.map((o) => o.sourceId))],
      runs: [...new Set(origins.map((o) => o.runId))],
    };
    await vscode.commands.executeCommand('mlops.showMetricHistory', selection);
  }

  /** The existing comparison report of two runs (the Experiments view's "Compare Selected Runs"). */
  private async compare(keys: readonly string[]): Promise<void> {
    const nodes = keys
      .map((k) => this.origins.get(k))
      .filter((o): o is RowOrigin => o !== undefined)
      .map((o) => ({ type: 'run' as const, sourceId: o.sourceId, runId: o.runId }));
    if (nodes.length !== 2) {
      void vscode.window.showInformationMessage(`Select exactly two runs to compare (${nodes.length} are selected).`);
      return;
    }
    await vscode.commands.executeCommand('mlops.compareRuns', nodes[0], nodes);
  }

  private async export(message: Extract<WebviewToHost, { type: 'export' }>): Promise<void> {
    const csv = message.format === 'csv';
    const folder = vscode.workspace.workspaceFolders?.[0];
    const base = path.basename(message.suggestedName).replace(/[^\w.-]+/g, '-') || 'runs';
    const name = base.endsWith(`.${message.format}`) ? base : `${base}.${message.format}`;
    const target = await vscode.window.showSaveDialog({
      title: csv ? 'Export the shown runs as CSV' : 'Export the shown runs as Markdown',
      saveLabel: 'Export',
      defaultUri: folder ? vscode.Uri.joinPath(folder.uri, name) : undefined,
      filters: csv ? { 'CSV (comma-separated values)': ['csv'] } : { Markdown: ['md'] },
    });
    if (!target) return;
    if (vscode.workspace.textDocuments.some((d) => d.uri.toString() === target.toString() && d.isDirty)) {
      void vscode.window.showWarningMessage(
        `${path.basename(target.path)} has unsaved changes in an editor; save or close it first, then export again.`,
      );
      return;
    }
    await writeUriAtomic(target, Buffer.from(message.text, 'utf8'));
    this.context.logger.info(`runs: exported ${message.format.toUpperCase()} to ${target.fsPath}`);
    const open = 'Open';
    void vscode.window.showInformationMessage(`Exported ${path.basename(target.path)}.`, open).then((choice) => {
      if (choice === open) void vscode.commands.executeCommand('vscode.open', target);
    });
  }
}
