import type * as vscode from 'vscode';
import { MlflowRestClient, type MlflowRestOptions } from '../core/formats/mlflow/rest';
import { DEFAULT_TIMEOUT_MS, trackingTarget } from '../core/metrics/sources/mlflowServer';
import { getSetting } from './config';
import { serverTokenKey } from './serverToken';

/**
 * The MLflow tracking server of the settings, as every feature reaches it: the address from
 * `mlops.mlflow.trackingUri` (per folder), the token from secret storage (one per origin, never in settings or the
 * log), and the timeout and limits from `mlops.mlflow.*`.
 */

export const MLFLOW_TOKEN_KEY_PREFIX = 'mlops.mlflow.token:';

/** The secret-storage key of the token for a tracking server (one per origin, so a token only goes where it was set). */
export function tokenKey(url: string): string {
  return serverTokenKey(MLFLOW_TOKEN_KEY_PREFIX, url);
}

/** Whether a secret-storage key holds a tracking server's token. */
export function isTokenKey(key: string): boolean {
  return key.startsWith(MLFLOW_TOKEN_KEY_PREFIX);
}

/** The tracking server (http or https) a folder's `mlops.mlflow.trackingUri` names; undefined for none or a store. */
export function configuredServer(folder: vscode.WorkspaceFolder): string | undefined {
  const uri = getSetting('mlflow.trackingUri', folder.uri).trim();
  if (!uri) return undefined;
  const target = trackingTarget(uri, folder.uri.fsPath);
  return target.kind === 'server' ? target.location : undefined;
}

/** The address of the server `setting` names without credentials (what is shown and logged). */
export function serverLocation(setting: string): string {
  try {
    return new MlflowRestClient({ baseUrl: setting }).baseUrl;
  } catch {
    return setting.replace(/\/\/[^/@]*@/, '//');
  }
}

/**
 * The client options for the server `setting` (the address as set, so credentials in it still authenticate; the
 * client never shows them): its token, and the timeout and limits of the settings in `scope`.
 */
export async function serverClientOptions(
  setting: string,
  scope: vscode.ConfigurationScope | undefined,
  secrets: vscode.SecretStorage | undefined,
): Promise<MlflowRestOptions> {
  const seconds = getSetting('mlflow.timeoutSeconds', scope);
  return {
    baseUrl: setting,
    token: (await secrets?.get(tokenKey(setting))) || undefined,
    timeoutMs: Math.max(1, Number(seconds) || DEFAULT_TIMEOUT_MS / 1000) * 1000,
    maxPages: Number(getSetting('mlflow.maxPages', scope)) || undefined,
    maxResponseBytes: (Number(getSetting('mlflow.maxResponseMB', scope)) || 0) * 1024 * 1024 || undefined,
  };
}
