import type { DatasetFeatureData } from './register';

/**
 * The Dataset panel's data: the data-metrics functions of src/core/data (profile, versions, drift, schema). Until
 * this build has them, every request fails with a message that says so, and the panel shows it as its error state.
 */
export function coreDatasetData(): DatasetFeatureData {
  const unavailable = (): Promise<never> =>
    Promise.reject(new Error('dataset profiles are not available in this build of MLOps Workbench'));
  return {
    profile: unavailable,
    versions: unavailable,
    drift: unavailable,
    validate: unavailable,
    inferSchemaEdits: unavailable,
  };
}
