// The reproducibility record a registered version carries in its annotated tag's message (the one reader and writer
// of it): GTO's own first line, so `gto show` and `gto history` read the tag as any other registration, then a marker
// line and the record as one JSON line, so it reads back exactly.

export const RECORD_MARKER = 'mlops-reproducibility-record: v1';

export interface ReproducibilityRecord {
  commit: string;
  params: Record<string, string>;
  /** Dataset path -> content hash (DVC md5, else git blob id). */
  data: Record<string, string>;
  metrics: Record<string, number | string>;
  /** sha256 of the environment files' `path hash` lines, sorted: equal digests, equal environments. */
  environment: string;
  environmentFiles: string[];
}

/** The tag message: GTO's first line, a blank line, the marker and the record as one JSON line. */
export function recordMessage(summary: string, record: ReproducibilityRecord): string {
  return `${summary.split('\n')[0] ?? ''}\n\n${RECORD_MARKER}\n${JSON.stringify(record)}\n`;
}

/** The record in a tag message, or undefined when it has none (or it is not readable). */
export function parseRecordMessage(message: string | undefined): ReproducibilityRecord | undefined {
  if (!message) return undefined;
  const lines = message.split(/\r?\n/);
  const at = lines.findIndex((l) => l.trim() === RECORD_MARKER);
  if (at === -1) return undefined;
  try {
    const value: unknown = JSON.parse(lines[at + 1] ?? '');
    if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
    const r = value as Partial<ReproducibilityRecord>;
    if (typeof r.commit !== 'string' || typeof r.environment !== 'string') return undefined;
    return {
      commit: r.commit,
      params: r.params ?? {},
      data: r.data ?? {},
      metrics: r.metrics ?? {},
      environment: r.environment,
      environmentFiles: r.environmentFiles ?? [],
    };
  } catch {
    return undefined;
  }
}
