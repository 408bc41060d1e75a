// The state of a folder's service-level objectives at a glance (the editor's status bar): the SLOs of mlops.yaml judged
// by src/core/telemetry/slo.ts on the summary of each SLO's window, read from the configured or discovered sources
// and a live server. Undefined when the folder has no source at all (nothing to show).
import type { Logger } from '../logging';
import { ConfigValidator, loadConfig } from '../formats/mlopsYaml/validate';
import { readTelemetryConfig } from './config';
import { evaluateSlo } from './slo';
import { plannedReads, sloSummaries, type SummarizeOptions } from './summarize';
import type { TelemetryProblem, TelemetryReadContext } from './types';

export interface SloStatus {
  /** The folder's name (multi-root workspaces). */
  folder: string;
  /** SLO entries in mlops.yaml. */
  slos: number;
  /** Objectives met (one per version and objective). */
  met: number;
  /** The messages of the objectives breached. */
  breached: string[];
  /** Why a source could not be read. */
  problems: string[];
}

export interface SloStatusOptions {
  name: string;
  prometheusUrl?: string;
  token?: string;
  timeoutMs?: number;
  maxResponseBytes?: number;
  validator?: ConfigValidator;
  signal?: AbortSignal;
  logger?: Logger;
  findFiles?: SummarizeOptions['findFiles'];
}

/** The SLO state of a folder, or undefined when it has no telemetry source (no log, no server). */
export async function folderSloStatus(root: string, options: SloStatusOptions): Promise<SloStatus | undefined> {
  const loaded = await loadConfig(root, options.validator ?? new ConfigValidator());
  const config = readTelemetryConfig(loaded.exists ? loaded.validation.config.telemetry : undefined);
  const context: TelemetryReadContext = {
    root,
    config,
    ...(options.token ? { token: options.token } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.maxResponseBytes ? { maxResponseBytes: options.maxResponseBytes } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  };
  const summarizeOptions: SummarizeOptions = {
    ...(options.prometheusUrl ? { prometheusUrl: options.prometheusUrl } : {}),
    ...(options.findFiles ? { findFiles: options.findFiles } : {}),
  };
  const reads = await plannedReads(context, summarizeOptions, []);
  if (reads.length === 0) return undefined;
  const status: SloStatus = { folder: options.name, slos: config.slos.length, met: 0, breached: [], problems: [] };
  const summaryOf = sloSummaries(context, summarizeOptions);
  const problems = new Set<string>();
  for (const slo of config.slos) {
    const read = await summaryOf(slo);
    for (const p of read.problems.filter((x: TelemetryProblem) => x.severity === 'error')) problems.add(p.message);
    for (const outcome of evaluateSlo(slo, read)) {
      if (outcome.passed) status.met++;
      else status.breached.push(outcome.message);
    }
  }
  status.problems = [...problems];
  return status;
}

/** The status item's text and tooltip for the SLO states of the folders. */
export function sloStatusText(statuses: readonly SloStatus[]): {
  text: string;
  tooltip: string;
  breached: number;
  met: number;
} {
  const breached = statuses.reduce((n, s) => n + s.breached.length, 0);
  const met = statuses.reduce((n, s) => n + s.met, 0);
  const slos = statuses.reduce((n, s) => n + s.slos, 0);
  const lines: string[] = [];
  for (const s of statuses) {
    const prefix = statuses.length > 1 ? `${s.folder}: ` : '';
    for (const b of s.breached) lines.push(`${prefix}${b}`);
    for (const p of s.problems) lines.push(`${prefix}${p}`);
  }
  let text: string;
  if (slos === 0) {
    text = '$(pulse) SLO: none';
    lines.unshift('No service-level objectives: add telemetry: slos: to mlops.yaml.');
  } else if (breached > 0) {
    text = `$(pulse) SLO: ${breached} breached`;
    lines.unshift(`${breached} of ${breached + met} service-level objectives breached:`);
  } else if (met > 0) {
    text = `$(pulse) SLO: ${met} met`;
    lines.unshift(`All ${met} service-level objectives met.`);
  } else {
    text = '$(pulse) SLO: no data';
    lines.unshift('No request in the windows of the service-level objectives.');
  }
  return { text, tooltip: lines.join('\n'), breached, met };
}
