import * as vscode from 'vscode';
import { DEFAULT_TIMEOUT_MS } from '../../core/formats/prometheus/api';
import type { SummarizeOptions } from '../../core/telemetry/summarize';
import type { TelemetryReadContext } from '../../core/telemetry/types';
import { getSetting, settingId } from '../../platform/config';
import type { FeatureContext } from '../../platform/context';
import { clearServerToken, serverTokenKey, setServerToken, type TokenServerKind } from '../../platform/serverToken';

/**
 * The Prometheus server of the settings, as the Telemetry panel, the status bar and the checks reach it: the address
 * from `mlops.telemetry.prometheusUrl` (per folder), the token from secret storage (one per origin, never in
 * settings or the log), the timeout and answer limit from `mlops.telemetry.*`; and the commands that set and clear
 * the token.
 */

export const PROMETHEUS_TOKEN_KEY_PREFIX = 'mlops.prometheus.token:';

/** The secret-storage key of a Prometheus server's token. */
export function prometheusTokenKey(url: string): string {
  return serverTokenKey(PROMETHEUS_TOKEN_KEY_PREFIX, url);
}

/** Whether a secret-storage key holds a Prometheus server's token (to re-read when it changes). */
export function isPrometheusTokenKey(key: string): boolean {
  return key.startsWith(PROMETHEUS_TOKEN_KEY_PREFIX);
}

/** The Prometheus server a folder's settings name; undefined when none. */
export function configuredPrometheus(scope?: vscode.ConfigurationScope): string | undefined {
  return getSetting('telemetry.prometheusUrl', scope).trim() || undefined;
}

/** The servers the folders' settings name (distinct). */
function configuredPrometheusServers(): string[] {
  const servers = new Set<string>();
  for (const folder of vscode.workspace.workspaceFolders ?? [undefined]) {
    const url = configuredPrometheus(folder?.uri);
    if (url) servers.add(url);
  }
  return [...servers];
}

/**
 * What a telemetry read of `scope` needs for the Prometheus server of the settings: its URL (for
 * `summarizeTelemetry`'s options) and the token, timeout and limit (for its read context). Empty when none is set.
 */
export async function prometheusReadOptions(
  scope: vscode.ConfigurationScope | undefined,
  secrets: vscode.SecretStorage | undefined,
): Promise<
  Pick<SummarizeOptions, 'prometheusUrl'> & Pick<TelemetryReadContext, 'token' | 'timeoutMs' | 'maxResponseBytes'>
> {
  const url = configuredPrometheus(scope);
  if (!url) return {};
  return {
    prometheusUrl: url,
    token: (await secrets?.get(prometheusTokenKey(url))) || undefined,
    timeoutMs: Math.max(100, Number(getSetting('telemetry.timeoutMs', scope)) || DEFAULT_TIMEOUT_MS),
    maxResponseBytes: (Number(getSetting('telemetry.maxResponseMB', scope)) || 0) * 1024 * 1024 || undefined,
  };
}

/** The poll interval of live sources in milliseconds; 0 when polling is off (the default). */
export function prometheusPollMs(): number {
  const seconds = Number(getSetting('telemetry.pollIntervalSeconds'));
  return Number.isFinite(seconds) && seconds > 0 ? Math.max(5, seconds) * 1000 : 0;
}

const PROMETHEUS_TOKENS: TokenServerKind = {
  keyPrefix: PROMETHEUS_TOKEN_KEY_PREFIX,
  title: 'Prometheus token',
  product: 'Prometheus',
  servers: configuredPrometheusServers,
  missing: {
    message: (action) =>
      `Set mlops.telemetry.prometheusUrl to your Prometheus server's address (http:// or https://) first, then ${action}.`,
    setting: settingId('telemetry.prometheusUrl'),
  },
  pickTitle: 'Prometheus server',
};

/** Registers MLOps: Set Prometheus Token and MLOps: Clear Prometheus Token. */
export function registerPrometheus({ extension }: FeatureContext): void {
  extension.subscriptions.push(
    vscode.commands.registerCommand('mlops.setPrometheusToken', () =>
      setServerToken(extension.secrets, PROMETHEUS_TOKENS),
    ),
    vscode.commands.registerCommand('mlops.clearPrometheusToken', () =>
      clearServerToken(extension.secrets, PROMETHEUS_TOKENS),
    ),
  );
}
