import * as vscode from 'vscode';
import { CONFIG_FILE_NAME } from '../../core/formats/mlopsYaml/starter';
import { errorMessage, type Logger } from '../../core/logging';
import { sloStatusText, type SloStatus } from '../../core/telemetry/sloStatus';
import type { CoreWork } from '../../core/worker/client';
import { telemetryWatchGlob } from '../../core/telemetry/sources';
import { backgroundWork } from '../../platform/backgroundWork';
import { affectsSetting } from '../../platform/config';
import type { FeatureContext } from '../../platform/context';
import { Disposable } from '../../platform/disposable';
import { isTrusted } from '../../platform/trust';
import { isPrometheusTokenKey, prometheusPollMs, prometheusReadOptions } from './prometheus';

/** The Telemetry panel's command (when the build has one) and the checks' (otherwise): what a click runs. */
const SHOW_TELEMETRY_COMMAND = 'mlops.showTelemetry';
const RUN_CHECKS_COMMAND = 'mlops.runChecks';
/** Changes to logs come in bursts (a service appending): one refresh a second at most. */
const DEBOUNCE_MS = 1000;
/** The first refresh waits for activation and the first views to settle. */
const FIRST_REFRESH_MS = 2000;

export interface TelemetryStatusSnapshot {
  visible: boolean;
  text: string;
  tooltip: string;
  command: string;
  breached: number;
  met: number;
  /** Refreshes done (tests wait on it). */
  refreshes: number;
}

/**
 * The status bar item of operational telemetry: shown when a live source is configured (a Prometheus URL) or a
 * workspace folder has a prediction log; says how many service-level objectives are breached. Refreshes when a log
 * or mlops.yaml changes, when the settings change, and every `mlops.telemetry.pollIntervalSeconds` (0, the default:
 * no polling). A click opens the Telemetry panel, or runs the checks where there is none.
 */
export class TelemetryStatusBar extends Disposable {
  private readonly item = this.register(
    vscode.window.createStatusBarItem('mlops.telemetry.status', vscode.StatusBarAlignment.Left, 39),
  );
  private timer: ReturnType<typeof setInterval> | undefined;
  private debounce: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private abort: AbortController | undefined;
  private snapshotValue: TelemetryStatusSnapshot = {
    visible: false,
    text: '',
    tooltip: '',
    command: RUN_CHECKS_COMMAND,
    breached: 0,
    met: 0,
    refreshes: 0,
  };

  private readonly sourcesChanged = this.register(new vscode.EventEmitter<void>());
  private pendingChange = false;

  constructor(
    private readonly logger: Logger,
    private readonly secrets: vscode.SecretStorage,
    private readonly work: CoreWork,
  ) {
    super();
    this.onDidChangeSources = this.sourcesChanged.event;
    this.item.name = 'MLOps Service-Level Objectives';
    this.register({ dispose: () => this.stop() });
    const watcher = this.register(vscode.workspace.createFileSystemWatcher(telemetryWatchGlob(CONFIG_FILE_NAME)));
    const onFile = (): void => this.schedule();
    this.register(watcher.onDidCreate(onFile));
    this.register(watcher.onDidChange(onFile));
    this.register(watcher.onDidDelete(onFile));
    this.register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (affectsSetting(e, 'telemetry')) {
          this.restartPolling();
          this.schedule();
        }
      }),
    );
    this.register(vscode.workspace.onDidChangeWorkspaceFolders(() => this.schedule()));
    this.register(vscode.workspace.onDidGrantWorkspaceTrust(() => this.schedule()));
    this.register(secrets.onDidChange((e) => isPrometheusTokenKey(e.key) && this.schedule()));
    this.restartPolling();
  }

  get snapshot(): TelemetryStatusSnapshot {
    return this.snapshotValue;
  }

  /**
   * Fires, once per burst, after a log, `mlops.yaml`, the telemetry settings, the folders, the trust or the Prometheus
   * token changed: what the Telemetry panel shows may have changed too.
   */
  readonly onDidChangeSources: vscode.Event<void>;

  /** Refreshes soon (changes in a burst are one refresh); `changed` false for the first read after activation. */
  schedule(delay = DEBOUNCE_MS, changed = true): void {
    if (this.isDisposed) return;
    if (this.debounce) clearTimeout(this.debounce);
    this.pendingChange ||= changed;
    this.debounce = setTimeout(() => {
      this.debounce = undefined;
      if (this.pendingChange) this.sourcesChanged.fire();
      this.pendingChange = false;
      void this.refresh();
    }, delay);
  }

  /** Reads the sources and judges the objectives now; a refresh asked for while one runs runs after it. */
  async refresh(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.doRefresh().finally(() => {
      this.running = undefined;
      if (this.again && !this.isDisposed) {
        this.again = false;
        void this.refresh();
      }
    });
    return this.running;
  }

  private async doRefresh(): Promise<void> {
    this.abort = new AbortController();
    const statuses: SloStatus[] = [];
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      try {
        // A server named in the settings is read only in a trusted workspace (the address may come from it).
        const server = isTrusted() ? await prometheusReadOptions(folder.uri, this.secrets) : {};
        // Read and judged in the background worker, off the extension host's thread.
        const status = await this.work.run(
          { kind: 'sloStatus', root: folder.uri.fsPath, name: folder.name, ...server },
          { signal: this.abort.signal },
        );
        if (status) statuses.push(status);
      } catch (err) {
        if (this.abort.signal.aborted) return;
        this.logger.warn(`telemetry: ${folder.name}: ${errorMessage(err)}`);
        statuses.push({ folder: folder.name, slos: 0, met: 0, breached: [], problems: [errorMessage(err)] });
      }
    }
    if (this.isDisposed) return;
    const visible = statuses.length > 0;
    const shown = sloStatusText(statuses);
    const command = (await vscode.commands.getCommands(true)).includes(SHOW_TELEMETRY_COMMAND)
      ? SHOW_TELEMETRY_COMMAND
      : RUN_CHECKS_COMMAND;
    const tooltip = `${shown.tooltip}\n${command === SHOW_TELEMETRY_COMMAND ? 'Click to open Telemetry.' : 'Click to run the pipeline checks.'}`;
    this.item.text = shown.text;
    this.item.tooltip = tooltip;
    this.item.command = command;
    this.item.accessibilityInformation = { label: tooltip, role: 'button' };
    this.item.backgroundColor =
      shown.breached > 0 ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    if (visible) this.item.show();
    else this.item.hide();
    this.snapshotValue = {
      visible,
      text: shown.text,
      tooltip,
      command,
      breached: shown.breached,
      met: shown.met,
      refreshes: this.snapshotValue.refreshes + 1,
    };
  }

  private restartPolling(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const every = prometheusPollMs();
    if (every > 0) this.timer = setInterval(() => void this.refresh(), every);
  }

  private stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.debounce) clearTimeout(this.debounce);
    this.abort?.abort();
  }
}

/** Creates the status item (its first refresh after activation returns). */
export function registerTelemetryStatus(feature: FeatureContext): TelemetryStatusBar {
  const status = new TelemetryStatusBar(
    feature.logger,
    feature.extension.secrets,
    backgroundWork(feature.extension, feature.logger),
  );
  feature.extension.subscriptions.push(status);
  status.schedule(FIRST_REFRESH_MS, false);
  return status;
}
