// The Pipeline Checks panel's message contract, imported by the host (src/features/checks) and the panel
// (webview/checks). Every message is plain JSON with a discriminating `type`.
import type { CheckResult, CheckSummary, ReportCounts } from '../core/checks/types';

export const CHECKS_VIEW_TYPE = 'mlops.checks';

/** What the panel says about a check type: a title, a one-line summary, the full description and a link. */
export interface CheckTypeDoc {
  type: string;
  title: string;
  summary: string;
  description: string;
  helpUri: string;
  /** Its results are about retraining: all of them, or its failures (the panel's retraining filter). */
  retraining?: 'all' | 'failures';
}

/** A problem that stops the checks of a folder (mlops.yaml invalid or unreadable), with where to fix it. */
export interface FolderProblem {
  message: string;
  /** Relative to the folder. */
  file?: string;
  /** 1-based. */
  line?: number;
  column?: number;
}

/** The outcome of the last run in one workspace folder. */
export interface FolderReport {
  /** The workspace folder's URI (an identifier for messages). */
  folder: string;
  name: string;
  /**
   * ok: the checks ran; no-config: the folder has no mlops.yaml; config-error: mlops.yaml cannot be used (see
   * problems); failed: the run itself failed (see problems).
   */
  status: 'ok' | 'no-config' | 'config-error' | 'failed';
  checks: CheckSummary[];
  results: CheckResult[];
  counts: ReportCounts;
  problems: FolderProblem[];
  /** Why some checks did not run (an untrusted workspace), when they did not. */
  notice?: string;
  /** When the run finished (ms since the epoch) and how long it took. */
  finishedAt: number;
  durationMs: number;
}

/** UI choices the host may set (a command opens the panel filtered to retraining alerts). */
export interface ChecksPanelFilter {
  retrainOnly?: boolean;
}

export type HostToWebview =
  /** First message after each `ready`: the documentation of each check type and whether the workspace is trusted. */
  | { type: 'init'; docs: CheckTypeDoc[]; trusted: boolean; filter?: ChecksPanelFilter }
  /** A run started; the panel keeps showing the last results and says it is updating. */
  | { type: 'running' }
  /** The results of every folder (sent after each run, and after `ready`). `running`: another run is on its way. */
  | { type: 'report'; folders: FolderReport[]; running: boolean }
  /** The host changes the filter (e.g. "Show Details" of a retraining alert). */
  | { type: 'filter'; filter: ChecksPanelFilter };

export type WebviewToHost =
  | { type: 'ready' }
  | { type: 'rerun' }
  /** Open a file of a folder at a 1-based position. */
  | { type: 'open'; folder: string; file: string; line?: number; column?: number }
  | { type: 'createConfig' }
  | { type: 'openDocs'; checkType: string }
  /** Apply the quick fix of a result (the host finds it in the last run by these fields). */
  | { type: 'fix'; folder: string; checkId: string; target: string; key?: string; file?: string }
  | { type: 'trust' };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const position = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;

/**
 * Checks a message from the panel and returns it typed, or undefined when its shape is wrong. The host trusts
 * nothing the page sends: every field is checked before use.
 */
export function parseChecksMessage(raw: unknown): WebviewToHost | undefined {
  if (!isRecord(raw) || typeof raw.type !== 'string') return undefined;
  switch (raw.type) {
    case 'ready':
    case 'rerun':
    case 'createConfig':
    case 'trust':
      return { type: raw.type };
    case 'open':
      if (
        typeof raw.folder !== 'string' ||
        typeof raw.file !== 'string' ||
        raw.file.length === 0 ||
        raw.file.length > 4096
      )
        return undefined;
      return {
        type: 'open',
        folder: raw.folder,
        file: raw.file,
        line: position(raw.line),
        column: position(raw.column),
      };
    case 'fix':
      if (typeof raw.folder !== 'string' || typeof raw.checkId !== 'string' || typeof raw.target !== 'string')
        return undefined;
      if (
        (raw.key !== undefined && typeof raw.key !== 'string') ||
        (raw.file !== undefined && typeof raw.file !== 'string')
      )
        return undefined;
      return {
        type: 'fix',
        folder: raw.folder,
        checkId: raw.checkId,
        target: raw.target,
        key: raw.key,
        file: raw.file,
      };
    case 'openDocs':
      return typeof raw.checkType === 'string' && /^[a-z][a-z-]{0,63}$/.test(raw.checkType)
        ? { type: 'openDocs', checkType: raw.checkType }
        : undefined;
    default:
      return undefined;
  }
}
