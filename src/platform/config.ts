import * as vscode from 'vscode';

/**
 * Typed access to the `mlops.*` settings. Values are read fresh on every call, scoped to a resource in multi-root
 * workspaces; features react to changes with `affectsConfiguration`.
 */
export interface Settings {
  'discovery.exclude': string[];
  'discovery.autoRefresh': boolean;
  'hash.algorithm': 'sha256' | 'md5';
  'hash.maxFileSizeMB': number;
}

const defaults: Settings = {
  'discovery.exclude': [],
  'discovery.autoRefresh': true,
  'hash.algorithm': 'sha256',
  'hash.maxFileSizeMB': 4096,
};

export function getSetting<K extends keyof Settings>(key: K, scope?: vscode.ConfigurationScope): Settings[K] {
  return vscode.workspace.getConfiguration('mlops', scope).get<Settings[K]>(key, defaults[key]);
}

export function affectsSetting(
  event: vscode.ConfigurationChangeEvent,
  key: keyof Settings,
  scope?: vscode.ConfigurationScope,
): boolean {
  return event.affectsConfiguration(`mlops.${key}`, scope);
}
