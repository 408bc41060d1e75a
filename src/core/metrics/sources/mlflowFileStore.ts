// An MLflow file store (`mlruns/`): found by its experiments' meta.yaml files, read with the file-store reader.
import path from 'node:path';
import { listRuns } from '../../formats/mlflow/fileStore';
import type { MetricSourceDefinition } from './types';
import { summarizeProblems } from './types';

export const mlflowFileStoreSource: MetricSourceDefinition = {
  kind: 'mlflow-file',
  label: 'MLflow',
  description: 'An MLflow file store (an mlruns folder): its experiments and runs.',
  discovery: {
    globs: ['**/mlruns/*/meta.yaml'],
    maxResults: 2000,
    locate: (matches) => [...new Set(matches.map((m) => path.dirname(path.dirname(m))))].sort(),
  },
  watch: ['**/mlruns/**'],
  needs: {},
  async read(location, context) {
    const listing = await listRuns(location, { cache: context.cache });
    return {
      runs: listing.runs,
      problems: summarizeProblems(
        listing.problems.map((e) => e.message),
        'runs could not be read',
      ),
    };
  },
  async readFull(location) {
    return (await listRuns(location, { fullHistory: true })).runs;
  },
};
