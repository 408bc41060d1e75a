// The metric sources, in the order the Experiments view and `mlops metrics show` list them. Adding a source is one
// module (a MetricSourceDefinition) and one entry here; the editor and the CLI both see it.
import { gitHistorySource } from './gitHistory';
import { mlflowDatabaseSource } from './mlflowDatabase';
import { mlflowFileStoreSource } from './mlflowFileStore';
import { mlflowServerSource } from './mlflowServer';
import { tensorboardSource } from './tensorboard';
import type { MetricSourceDefinition } from './types';
import { workspaceFilesSource } from './workspaceFiles';

export const metricSources: readonly MetricSourceDefinition[] = [
  workspaceFilesSource,
  gitHistorySource,
  mlflowFileStoreSource,
  mlflowDatabaseSource,
  mlflowServerSource,
  tensorboardSource,
];

/** The definition that reads runs of a kind (`dvc` is the workspace's). */
export function metricSourceOf(kind: string): MetricSourceDefinition | undefined {
  return metricSources.find((s) => s.kind === kind || s.aliases?.includes(kind as never));
}
