// Byte sizes: parsed from options ("10MB", "500 KB", 1048576) and formatted for people, the one formatter every view,
// panel, check message and the command line use ("946 B", "1.0 KB", "12.3 MB"). Units are powers of 1024.

const UNITS: Record<string, number> = {
  b: 1,
  kb: 1024,
  kib: 1024,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
};

export const SIZE_PATTERN = '^\\s*\\d+(\\.\\d+)?\\s*([bB]|[kKmMgG][iI]?[bB])?\\s*$';

/** Bytes of a size option; undefined when it is not a size. */
export function parseSize(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(value);
  if (!m) return undefined;
  const unit = UNITS[(m[2] || 'b').toLowerCase()];
  return unit === undefined ? undefined : Math.round(Number(m[1]) * unit);
}

/**
 * A size for people: `946 B`, `1.0 KB`, `12.3 MB`, `512 MB`, `1.5 GB` (one decimal below 100, none above; a value that
 * rounds to 1024 of a unit is shown in the next one). Browser-safe: the webviews use it too.
 */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '? B';
  if (bytes < 1024) return `${Math.round(bytes)} B`;
  const units = ['KB', 'MB', 'GB', 'TB', 'PB'];
  let value = bytes / 1024;
  let unit = 0;
  const shown = (v: number) => (v >= 99.95 ? v.toFixed(0) : v.toFixed(1));
  while (Number(shown(value)) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${shown(value)} ${units[unit]}`;
}

/**
 * Whether `bytes` is over a limit given in megabytes (a setting such as `mlops.data.maxProfileSizeMB`); a limit of 0,
 * a negative one or one that is not a number means no limit.
 */
export function exceedsLimitMB(bytes: number, limitMB: number): boolean {
  if (!Number.isFinite(limitMB) || limitMB <= 0) return false;
  return bytes > limitMB * 1024 ** 2;
}
