// Metrics files found by their conventional name, without dvc.yaml or mlops.yaml: `metrics.json|yaml|yml` at the
// root of the folder or in a `metrics/`, `eval/` or `results/` folder (where training scripts write them).
import fs from 'node:fs';
import path from 'node:path';

export const CONVENTIONAL_METRICS_FOLDERS = ['', 'metrics', 'eval', 'results'] as const;
export const CONVENTIONAL_METRICS_NAMES = ['metrics.json', 'metrics.yaml', 'metrics.yml'] as const;

/** The conventional metrics files that exist under root (relative, posix), in a stable order. */
export function conventionalMetricsFiles(root: string): string[] {
  const found: string[] = [];
  for (const folder of CONVENTIONAL_METRICS_FOLDERS)
    for (const name of CONVENTIONAL_METRICS_NAMES) {
      const relative = folder ? `${folder}/${name}` : name;
      try {
        if (fs.statSync(path.join(root, relative)).isFile()) found.push(relative);
      } catch {
        // not there
      }
    }
  return found;
}
