import * as vscode from 'vscode';
import { errorMessage, type Logger } from '../../core/logging';
import type { RegistryMarker, SloBreach, SloLine } from '../../core/telemetry/overlays';
import type { TelemetryQuery, TelemetrySummary } from '../../core/telemetry/types';
import { Disposable } from '../../platform/disposable';
import { WebviewHost } from '../../platform/webviewHost';
import {
  parseWebviewMessage,
  rangeQuery,
  rangeLabel,
  type ConfigureAction,
  type HostToWebview,
  type TelemetryRange,
  type WebviewToHost,
} from '../../protocol/telemetry';

/** The figures of one query with what the charts draw over them. */
export interface TelemetryView {
  summary: TelemetrySummary;
  slos: SloLine[];
  breaches: SloBreach[];
}

/**
 * Where the panel's figures come from: the telemetry core (`summarizeTelemetry` over the configured or discovered
 * sources, the SLO evaluation) and the registry reader, wired by the extension. The panel computes nothing itself.
 */
export interface TelemetryData {
  /** `windowMs`: a window ending at the newest event of log files (now for a server), when the query has no start. */
  summarize(query: TelemetryQuery, signal: AbortSignal, windowMs?: number): Promise<TelemetryView>;
  /** The registry's dated events (stage assignments, registrations) as time-axis markers. */
  markers(signal: AbortSignal): Promise<RegistryMarker[]>;
  /** Whether a server (Prometheus) is a source: then the last hour/day/week end now, not at the newest event. */
  hasServer(): Promise<boolean>;
}

export interface TelemetryPanelContext {
  extensionUri: vscode.Uri;
  logger: Logger;
  data: TelemetryData;
  /** An empty state's button: open mlops.yaml, choose a log, set a Prometheus URL. */
  configure(action: ConfigureAction): Thenable<unknown>;
  /** Every message the panel is sent or receives (the test hook keeps the last ones). */
  onDidPost?(message: HostToWebview): void;
  onDidReceive?(message: WebviewToHost): void;
}

const NO_SOURCE_HINT =
  'Add a telemetry: section to mlops.yaml naming your prediction or request logs (JSON Lines or CSV, gzip too) or ' +
  'OpenTelemetry JSON files, put a log where it is found by default (e.g. logs/predictions.jsonl), or set a ' +
  'Prometheus URL in the settings (MLOps › Telemetry).';

/**
 * The Telemetry panel of the workspace: reads the figures of a time range under cancellable progress (the
 * notification's Cancel and the panel's both abort the core's work), with the registry's events as markers.
 */
export class TelemetryPanel extends Disposable {
  private readonly host: WebviewHost<HostToWebview, WebviewToHost>;
  private running: AbortController | undefined;
  private range: TelemetryRange = { preset: 'all' };
  private generation = 0;
  private readonly disposeEmitter = this.register(new vscode.EventEmitter<void>());
  readonly onDidDispose = this.disposeEmitter.event;

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly context: TelemetryPanelContext,
    private model: string | undefined,
  ) {
    super();
    this.host = this.register(
      new WebviewHost<HostToWebview, WebviewToHost>(panel, {
        bundle: 'telemetry',
        title: 'Telemetry',
        extensionUri: context.extensionUri,
        styles: ['telemetry.css'],
      }),
    );
    panel.title = 'Telemetry';
    this.register(this.host.onReady(() => void this.load()));
    this.register(this.host.onMessage((raw) => void this.onMessage(raw)));
    this.register(panel.onDidDispose(() => this.dispose()));
    this.register({ dispose: () => this.running?.abort() });
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this.disposeEmitter.fire();
    super.dispose();
  }

  /** Brings the panel to the front, showing `model` when given. */
  reveal(model?: string): void {
    this.panel.reveal(undefined, false);
    if (model === undefined) return;
    this.model = model;
    if (this.host.isReady) this.post({ type: 'focus', model });
  }

  /** Reads the figures again (after a change of mlops.yaml or the logs); resolves when the panel has them. */
  refresh(): Promise<void> {
    return this.load();
  }

  /** Handles a message as if the page had sent it (tests drive the host through the same checks). */
  receive(raw: unknown): Promise<void> {
    return this.onMessage(raw);
  }

  private post(message: HostToWebview): void {
    this.context.onDidPost?.(message);
    this.host.post(message);
  }

  private async onMessage(raw: unknown): Promise<void> {
    const message = parseWebviewMessage(raw);
    if (!message) {
      this.context.logger.warn('telemetry: ignored a malformed message from the panel');
      return;
    }
    this.context.onDidReceive?.(message);
    switch (message.type) {
      case 'setRange':
        this.range = message.range;
        await this.load();
        break;
      case 'refresh':
        await this.refresh();
        break;
      case 'cancel':
        this.running?.abort();
        break;
      case 'copyMarkdown':
        await vscode.env.clipboard.writeText(message.markdown);
        void vscode.window.setStatusBarMessage('Copied the telemetry figures as Markdown', 3000);
        break;
      case 'configure':
        await this.context.configure(message.action);
        break;
      default:
        break;
    }
  }

  /** Runs `work` under a cancellable notification; a newer request or the panel's Cancel aborts it too. */
  private async withProgress<T>(title: string, work: (signal: AbortSignal) => Promise<T>): Promise<T | undefined> {
    this.running?.abort();
    const controller = new AbortController();
    this.running = controller;
    try {
      return await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title, cancellable: true },
        async (_progress, token) => {
          const subscription = token.onCancellationRequested(() => controller.abort());
          try {
            return await work(controller.signal);
          } finally {
            subscription.dispose();
          }
        },
      );
    } catch (err) {
      if (controller.signal.aborted) return undefined;
      throw err;
    } finally {
      if (this.running === controller) this.running = undefined;
    }
  }

  private async load(): Promise<void> {
    const generation = ++this.generation;
    const range = this.range;
    const label = rangeLabel(range);
    this.post({ type: 'loading', message: `Reading telemetry (${label.toLowerCase()})…`, range });
    const started = performance.now();
    try {
      const result = await this.withProgress(`Reading telemetry (${label.toLowerCase()})`, async (signal) => {
        const markers = this.context.data.markers(signal).catch((err: unknown) => {
          this.context.logger.warn(`telemetry: no registry markers: ${errorMessage(err)}`);
          return [];
        });
        const { query, windowMs } = rangeQuery(range);
        const view = await this.context.data.summarize(query, signal, windowMs);
        const server = await this.context.data.hasServer();
        return { view, markers: await markers, anchor: { time: view.summary.to, newestEvent: !server } };
      });
      if (this.isDisposed || generation !== this.generation) return;
      if (!result) {
        this.post({
          type: 'error',
          message: 'Reading telemetry was cancelled',
          hint: 'Press Refresh or pick a range to read it again.',
          range,
        });
        return;
      }
      const { view, markers, anchor } = result;
      const { summary } = view;
      this.context.logger.debug(
        `telemetry: ${summary.groups.length} groups from ${summary.sources.length} sources in ${(performance.now() - started).toFixed(0)} ms`,
      );
      if (!summary.sources.length) {
        const said = summary.problems.find((p) => p.severity === 'info')?.message;
        this.post({
          type: 'empty',
          title: 'No telemetry source',
          hint: NO_SOURCE_HINT,
          actions: ['openConfig', 'pickLog', 'openSettings'],
          range,
          problems: summary.problems.filter((p) => p.message !== said),
        });
        return;
      }
      if (!summary.groups.length) {
        this.post({
          type: 'empty',
          title: `No requests in this range (${label.toLowerCase()})`,
          hint:
            range.preset === 'all'
              ? 'The sources hold no request yet. Check the field mapping of the telemetry: section in mlops.yaml (the problems below say which lines could not be read).'
              : 'Pick a wider range: "All events" shows everything the sources hold.',
          actions: range.preset === 'all' ? ['openConfig'] : [],
          range,
          problems: summary.problems,
        });
        return;
      }
      this.post({
        type: 'summary',
        summary,
        range,
        anchor,
        markers,
        slos: view.slos,
        breaches: view.breaches,
        ...(this.model !== undefined ? { model: this.model } : {}),
      });
    } catch (err) {
      if (this.isDisposed || generation !== this.generation) return;
      this.context.logger.error(`telemetry: reading the figures failed: ${errorMessage(err)}`);
      this.post({
        type: 'error',
        message: `Could not read telemetry: ${errorMessage(err)}`,
        hint: 'Check the telemetry: section of mlops.yaml and the Prometheus URL; the MLOps Workbench output channel has details.',
        range,
      });
    }
  }
}
