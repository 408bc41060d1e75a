import * as vscode from 'vscode';

/** The `mlops.checks.*` settings, read fresh on every call. */
export interface ChecksSettings {
  runOnSave: boolean;
  retrainingAlerts: boolean;
}

const defaults: ChecksSettings = { runOnSave: true, retrainingAlerts: true };

export function checksSetting<K extends keyof ChecksSettings>(
  key: K,
  scope?: vscode.ConfigurationScope,
): ChecksSettings[K] {
  return vscode.workspace.getConfiguration('mlops.checks', scope).get<ChecksSettings[K]>(key, defaults[key]);
}
