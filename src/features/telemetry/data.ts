import * as vscode from 'vscode';
import type { Logger } from '../../core/logging';
import { readRegistry } from '../../core/registry/read';
import { registryMarkers, sloLines } from '../../core/telemetry/overlays';
import type { CoreWork } from '../../core/worker/client';
import { isTrusted } from '../../platform/trust';
import type { TelemetryData } from './panel';

/** A server the figures are also read from (the Prometheus URL setting and its token), when one is set. */
export interface TelemetryServer {
  url?: string;
  token?: string;
}

function folderRoot(): string | undefined {
  return vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file')?.uri.fsPath;
}

/**
 * The panel's figures over the core: the summary of the first folder's sources in the background worker (large logs
 * are streamed there, off the editor's thread), mlops.yaml's objectives as limit lines, and the registry's dated
 * events as markers (git tags are read only in a trusted workspace).
 */
export function telemetryData(work: CoreWork, logger: Logger, server: () => Promise<TelemetryServer>): TelemetryData {
  return {
    async summarize(query, signal, windowMs) {
      const root = folderRoot();
      if (!root) throw new Error('Open a folder: telemetry sources are read from a workspace folder.');
      const { url, token } = await server();
      const outcome = await work.run(
        {
          kind: 'telemetrySummary',
          root,
          query,
          ...(windowMs !== undefined ? { windowMs } : {}),
          ...(url ? { prometheusUrl: url } : {}),
          ...(token ? { token } : {}),
        },
        { signal },
      );
      return { summary: outcome.summary, slos: sloLines(outcome.slos), breaches: outcome.breaches };
    },
    async markers() {
      const root = folderRoot();
      if (!root) return [];
      const registry = await readRegistry(root, { git: isTrusted() });
      for (const p of registry.problems) logger.debug(`telemetry: registry: ${p.message}`);
      return registryMarkers(registry);
    },
    async hasServer() {
      return Boolean((await server()).url);
    },
  };
}
