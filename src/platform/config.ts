import * as vscode from 'vscode';
import { DEFAULT_MAX_PAGES, DEFAULT_MAX_RESPONSE_MB } from '../core/formats/mlflow/rest';

/**
 * Typed access to every setting the extension reads or writes: its own `mlops.*` settings and the few VS Code
 * settings it follows (`files.exclude`) or toggles (notebook diff options). Values are read fresh on every call,
 * scoped to a resource in multi-root workspaces where the setting is resource-scoped (pass the folder's or file's
 * URI); features react to changes with `affectsSetting`.
 */
export interface Settings {
  'discovery.exclude': string[];
  'discovery.respectGitignore': boolean;
  'discovery.autoRefresh': boolean;
  'hash.algorithm': 'sha256' | 'md5';
  'hash.maxFileSizeMB': number;
  'checks.runOnSave': boolean;
  /** Window-scoped: read without a resource. */
  'checks.retrainingAlerts': boolean;
  'metrics.historyScope': 'current' | 'all';
  /** Whether the active notebook's status bar item is shown. */
  'notebooks.statusItem': boolean;
  /** The Dataset panel asks before profiling a working-tree file larger than this (MB); 0 = never asks. */
  'data.maxProfileSizeMB': number;
  'mlflow.trackingUri': string;
  'mlflow.timeoutSeconds': number;
  'mlflow.maxPages': number;
  'mlflow.maxResponseMB': number;
  /** A Prometheus (or compatible) server the Telemetry panel, the status item and the checks query. */
  'telemetry.prometheusUrl': string;
  'telemetry.timeoutMs': number;
  'telemetry.maxResponseMB': number;
  /** Window-scoped: read without a resource. 0 = off. */
  'telemetry.pollIntervalSeconds': number;
  /** Window-scoped: read without a resource. */
  'terminal.addCliToPath': boolean;
}

const defaults: Settings = {
  'discovery.exclude': [],
  'discovery.respectGitignore': true,
  'discovery.autoRefresh': true,
  'hash.algorithm': 'sha256',
  'hash.maxFileSizeMB': 4096,
  'checks.runOnSave': true,
  'checks.retrainingAlerts': true,
  'metrics.historyScope': 'current',
  'notebooks.statusItem': true,
  'data.maxProfileSizeMB': 1024,
  'mlflow.trackingUri': '',
  'mlflow.timeoutSeconds': 10,
  'mlflow.maxPages': DEFAULT_MAX_PAGES,
  'mlflow.maxResponseMB': DEFAULT_MAX_RESPONSE_MB,
  'telemetry.prometheusUrl': '',
  'telemetry.timeoutMs': 10_000,
  'telemetry.maxResponseMB': DEFAULT_MAX_RESPONSE_MB,
  'telemetry.pollIntervalSeconds': 0,
  'terminal.addCliToPath': true,
};

export function getSetting<K extends keyof Settings>(key: K, scope?: vscode.ConfigurationScope): Settings[K] {
  return vscode.workspace.getConfiguration('mlops', scope).get<Settings[K]>(key, defaults[key]);
}

/** Whether a change touches `mlops.<key>`, or with a section such as `mlflow`, any `mlops.mlflow.*` setting. */
export function affectsSetting(
  event: vscode.ConfigurationChangeEvent,
  key: keyof Settings | SettingSection,
  scope?: vscode.ConfigurationScope,
): boolean {
  return event.affectsConfiguration(`mlops.${key}`, scope);
}

/** The first part of a setting's key: `discovery`, `hash`, `checks`, `metrics`, `mlflow`. */
export type SettingSection = keyof Settings extends `${infer Section}.${string}` ? Section : never;

/** The full id of a setting, e.g. to open it in the Settings editor. */
export function settingId(key: keyof Settings): string {
  return `mlops.${key}`;
}

/** The globs switched on in VS Code's `files.exclude` for a folder. */
export function filesExclude(scope?: vscode.ConfigurationScope): string[] {
  const value = vscode.workspace.getConfiguration('files', scope).get<Record<string, boolean>>('exclude', {});
  return Object.entries(value)
    .filter(([, on]) => on === true)
    .map(([glob]) => glob);
}

/** Whether a change touches VS Code's `files.exclude`. */
export function affectsFilesExclude(
  event: vscode.ConfigurationChangeEvent,
  scope?: vscode.ConfigurationScope,
): boolean {
  return event.affectsConfiguration('files.exclude', scope);
}

/** VS Code's notebook diff options that hide outputs and metadata, toggled together. */
const NOTEBOOK_DIFF_SETTINGS = ['notebook.diff.ignoreOutputs', 'notebook.diff.ignoreMetadata'] as const;

/** Whether notebook diffs hide outputs (and metadata). */
export function notebookDiffHidesOutputs(): boolean {
  return vscode.workspace.getConfiguration().get<boolean>(NOTEBOOK_DIFF_SETTINGS[0], false);
}

/** Hides or shows outputs and metadata in notebook diffs, for this workspace. */
export async function setNotebookDiffHidesOutputs(hidden: boolean): Promise<void> {
  const config = vscode.workspace.getConfiguration();
  for (const key of NOTEBOOK_DIFF_SETTINGS) await config.update(key, hidden, vscode.ConfigurationTarget.Workspace);
}

/** VS Code's `workbench.welcomePage.walkthroughs.openOnInstall`: whether an installed extension's walkthrough opens. */
export function walkthroughsOpenOnInstall(): boolean {
  return vscode.workspace.getConfiguration('workbench.welcomePage').get<boolean>('walkthroughs.openOnInstall', true);
}
