import * as vscode from 'vscode';
import type { Logger } from './core/logging';
import { registerChecks, type ChecksApi } from './features/checks/register';
import { registerConfigValidation } from './features/config/register';
import { coreDatasetData } from './features/data/coreData';
import { registerDataset, type DatasetApi } from './features/data/register';
import { registerExperiments, type ExperimentsApi } from './features/experiments/register';
import { registerExplorer, type ExplorerApi } from './features/explorer/register';
import { registerMetricHistory, type MetricHistoryApi } from './features/metricHistory/register';
import { registerModels, type ModelsApi } from './features/models/register';
import { registerNotebooks, type NotebooksApi } from './features/notebooks/register';
import { registerRuns, type RunsApi } from './features/runs/register';
import { registerScm } from './features/scm/register';
import { registerTasks, type TasksApi } from './features/tasks/register';
import { telemetryData } from './features/telemetry/data';
import { prometheusReadOptions, registerPrometheus } from './features/telemetry/prometheus';
import { registerTelemetry, type TelemetryApi } from './features/telemetry/register';
import { registerTelemetryStatus, type TelemetryStatusBar } from './features/telemetry/status';
import { registerTerminal, type TerminalApi } from './features/terminal/register';
import { registerWalkthrough, type WalkthroughApi } from './features/walkthrough/register';
import { registerWelcome } from './features/welcome/register';
import { backgroundWork } from './platform/backgroundWork';
import { createLogger } from './platform/logger';
import { isTrusted } from './platform/trust';

/** What `activate` returns: used by the integration tests, and by nothing else. */
export interface ExtensionApi {
  readonly activationMs: number;
  readonly logger: Logger;
  readonly explorer: ExplorerApi;
  readonly configDiagnostics: vscode.DiagnosticCollection;
  readonly experiments?: ExperimentsApi;
  readonly metricHistory?: MetricHistoryApi;
  readonly checks?: ChecksApi;
  readonly notebooks?: NotebooksApi;
  readonly models?: ModelsApi;
  readonly tasks?: TasksApi;
  readonly terminal?: TerminalApi;
  readonly walkthrough?: WalkthroughApi;
  readonly runs?: RunsApi;
  readonly dataset?: DatasetApi;
  readonly telemetry?: TelemetryApi;
  readonly telemetryStatus?: TelemetryStatusBar;
}

/** Composes the features. Does no scanning: heavy work starts when a view or command first needs it. */
export function activate(context: vscode.ExtensionContext): ExtensionApi {
  const started = performance.now();
  const { logger, channel } = createLogger();
  context.subscriptions.push(channel);
  const feature = { extension: context, logger, channel };
  registerWelcome(feature);
  const configDiagnostics = registerConfigValidation(feature);
  const explorer = registerExplorer(feature);
  const experiments = registerExperiments(feature);
  const metricHistory = registerMetricHistory(feature, { data: experiments.service });
  const runs = registerRuns(feature, experiments.service);
  const checks = registerChecks(feature, explorer.model);
  const notebooks = registerNotebooks(feature, explorer);
  const models = registerModels(feature, explorer);
  const tasks = registerTasks(feature);
  const terminal = registerTerminal(feature);
  registerScm(feature);
  const walkthrough = registerWalkthrough(feature);
  const dataset = registerDataset(feature, coreDatasetData(backgroundWork(context, logger)), explorer);
  registerPrometheus(feature);
  const telemetry = registerTelemetry(
    feature,
    telemetryData(backgroundWork(context, logger), logger, async () => {
      // A server named in the settings is queried only in a trusted workspace (the address may come from it).
      const server = isTrusted() ? await prometheusReadOptions(undefined, context.secrets) : {};
      return { url: server.prometheusUrl, token: server.token };
    }),
    explorer,
  );
  const telemetryStatus = registerTelemetryStatus(feature);
  // An open Telemetry panel follows the same changes as the status item (one watcher, one debounce).
  context.subscriptions.push(telemetryStatus.onDidChangeSources(() => void telemetry.current()?.refresh()));
  const activationMs = performance.now() - started;
  logger.info(
    `MLOps Workbench ${String((context.extension.packageJSON as { version?: string }).version)} activated in ${activationMs.toFixed(1)} ms ` +
      `(VS Code ${vscode.version}, ${vscode.env.appName}, uiKind ${vscode.UIKind[vscode.env.uiKind]}, ` +
      `trusted ${vscode.workspace.isTrusted})`,
  );
  return {
    activationMs,
    logger,
    explorer,
    configDiagnostics,
    experiments,
    metricHistory,
    notebooks,
    checks,
    runs,
    tasks,
    terminal,
    walkthrough,
    dataset,
    models,
    telemetry,
    telemetryStatus,
  };
}

export function deactivate(): void {
  // Everything is owned by context.subscriptions.
}
