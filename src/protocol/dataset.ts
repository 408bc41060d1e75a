// The Dataset panel's message contract, imported by the host (src/features/data) and the panel (webview/dataset).
// Every message is plain JSON with a discriminating `type`; the figures are the data-metrics model of
// src/core/data/model.ts, built by the core so the panel, the checks and `mlops data` agree.
import type { DatasetProfile, DriftReport, SchemaViolation } from '../core/data/model';

export const DATASET_VIEW_TYPE = 'mlops.dataset';

/** One version of the dataset the version picker offers. */
export interface DatasetVersionInfo {
  /** `workspace` for the working tree, else a commit (or a tag). */
  revision: string;
  /** What the picker shows: a short commit and its subject, or "Working tree". */
  label: string;
  /** ISO date of the commit (or the file's modification time for the working tree). */
  date?: string;
  /** Where the bytes come from: the working tree, a git blob, or the local DVC cache. */
  source: 'workspace' | 'git' | 'dvc';
  /** False when the bytes are not on this machine (a DVC version that was never pulled). */
  available: boolean;
}

/** What the overview cards show beside the profile. */
export interface DatasetFacts {
  /** ISO date of the last change (the newest version). */
  lastChange?: string;
  /** Versions per period, e.g. "3 versions in 41 days (about every 14 days)". */
  updateFrequency?: string;
}

export type HostToWebview =
  /** A profile is being computed; `message` says what (the panel keeps what it shows). */
  | { type: 'loading'; path: string; message: string }
  | {
      type: 'profile';
      profile: DatasetProfile;
      versions: DatasetVersionInfo[];
      facts: DatasetFacts;
      /** Schema violations of this version, when mlops.yaml has a schema for the dataset. */
      violations?: SchemaViolation[];
      /** True when the profile came from the cache (same content hash). */
      cached: boolean;
    }
  /** The drift report of two versions, with both profiles for the overlaid histograms. */
  | { type: 'compare'; report: DriftReport; reference: DatasetProfile; current: DatasetProfile }
  /** Nothing to show: no dataset chosen, the dataset is empty, or the user declined to profile a large file. */
  | { type: 'empty'; title: string; hint: string }
  /** The bytes of a version are not on this machine: `command` is what brings them (e.g. `dvc pull data.csv.dvc`). */
  | { type: 'notPulled'; path: string; revision: string; command: string }
  | { type: 'error'; message: string; hint?: string };

export type WebviewToHost =
  | { type: 'ready' }
  /** Profile another version (the picker). */
  | { type: 'requestProfile'; revision: string }
  /** Compare two versions: drift of `current` against `reference`. */
  | { type: 'requestCompare'; reference: string; current: string }
  /** Cancel the running profile or comparison. */
  | { type: 'cancel' }
  | { type: 'copyMarkdown'; markdown: string }
  /** "Infer Dataset Schema" for the dataset shown. */
  | { type: 'inferSchema' }
  /** The panel finished drawing a message (for tests): what it shows now. */
  | { type: 'rendered'; view: 'profile' | 'column' | 'compare' | 'state'; columns: number };

/** Upper bound of Markdown the host copies. */
export const MAX_MARKDOWN_CHARS = 4 * 1024 * 1024;
const MAX_REVISION_CHARS = 256;
const views = new Set(['profile', 'column', 'compare', 'state']);

/**
 * Checks a message from the panel and returns it typed, or undefined when its shape is wrong. The host trusts
 * nothing the page sends: a revision is a short printable token (never an option to git), every field is checked.
 */
export function parseWebviewMessage(raw: unknown): WebviewToHost | undefined {
  if (!isRecord(raw) || typeof raw.type !== 'string') return undefined;
  switch (raw.type) {
    case 'ready':
      return { type: 'ready' };
    case 'requestProfile':
      return isRevision(raw.revision) ? { type: 'requestProfile', revision: raw.revision } : undefined;
    case 'requestCompare':
      return isRevision(raw.reference) && isRevision(raw.current)
        ? { type: 'requestCompare', reference: raw.reference, current: raw.current }
        : undefined;
    case 'cancel':
      return { type: 'cancel' };
    case 'copyMarkdown':
      return typeof raw.markdown === 'string' && raw.markdown.length <= MAX_MARKDOWN_CHARS
        ? { type: 'copyMarkdown', markdown: raw.markdown }
        : undefined;
    case 'inferSchema':
      return { type: 'inferSchema' };
    case 'rendered':
      return typeof raw.view === 'string' &&
        views.has(raw.view) &&
        typeof raw.columns === 'number' &&
        Number.isInteger(raw.columns) &&
        raw.columns >= 0
        ? { type: 'rendered', view: raw.view as 'profile', columns: raw.columns }
        : undefined;
    default:
      return undefined;
  }
}

/** A revision the host may pass on: `workspace`, or a ref/commit without spaces, control characters or a leading dash. */
export function isRevision(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length > 0 &&
    value.length <= MAX_REVISION_CHARS &&
    !value.startsWith('-') &&
    // eslint-disable-next-line no-control-regex
    !/[\s\u0000-\u001f\u007f~^:?*[\\]/.test(value) &&
    !value.includes('..')
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
