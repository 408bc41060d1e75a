// The reproducibility record of a version, built from its details at its commit: the commit, params, data hashes,
// metrics and a digest of the environment files. Written into the registration tag by formats/gto/record.
import { createHash } from 'node:crypto';
import { latest } from '../metrics/model';
import type { VersionDetails } from './details';
import type { ReproducibilityRecord } from '../formats/gto/record';
export { parseRecordMessage, recordMessage, RECORD_MARKER, type ReproducibilityRecord } from '../formats/gto/record';

/** The record of a version's details at `commit`. */
export function reproducibilityRecord(details: VersionDetails, commit: string): ReproducibilityRecord {
  const data: Record<string, string> = {};
  for (const d of details.datasets) if (d.hash) data[d.path] = d.hash;
  const metrics: Record<string, number | string> = {};
  for (const s of details.run?.metrics ?? []) {
    const point = latest(s);
    if (point) metrics[s.key] = point.value;
  }
  for (const t of details.run?.textMetrics ?? []) metrics[t.key] = t.value;
  const files = [...details.environment].sort((a, b) => (a.path < b.path ? -1 : 1));
  const environment = createHash('sha256')
    .update(files.map((f) => `${f.path} ${f.hash}`).join('\n'))
    .digest('hex');
  return {
    commit,
    params: { ...details.params },
    data,
    metrics,
    environment,
    environmentFiles: files.map((f) => f.path),
  };
}
