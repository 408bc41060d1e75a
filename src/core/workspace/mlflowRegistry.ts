// The explorer's view of an MLflow file store's model registry: one entry per live model version. The store is read
// by the MLflow file-store reader (the one the Experiments view and the CLI use); this maps its entities to ours.
import type { ModelStage } from '../config/model';
import { readRegistry } from '../formats/mlflow/fileStore';

export interface RegisteredModelVersion {
  /** The registered model's name. */
  name: string;
  version: string;
  /** The version's folder, absolute. */
  folder: string;
  description?: string;
  /** MLflow's legacy stage (`None`, `Staging`, `Production`, `Archived`) mapped to ours; undefined for `None`. */
  stage?: ModelStage;
  runId?: string;
  /** Where the model's files are (`runs:/...`, `models:/...` or a path). */
  source?: string;
  status?: string;
  aliases: string[];
  tags: Record<string, string>;
  /** Milliseconds since the epoch. */
  created?: number;
}

export interface RegistryProblem {
  file: string;
  message: string;
}

export interface RegistryContents {
  versions: RegisteredModelVersion[];
  problems: RegistryProblem[];
}

const STAGES: Record<string, ModelStage> = { staging: 'staging', production: 'production', archived: 'archived' };

/** Reads the registry of the file store at `storeFolder` (the `mlruns` folder). A store without models gives nothing. */
export async function readMlflowRegistry(storeFolder: string): Promise<RegistryContents> {
  const { models, problems } = await readRegistry(storeFolder);
  const versions: RegisteredModelVersion[] = [];
  for (const model of models) {
    const aliasesByVersion = new Map<string, string[]>();
    for (const [alias, version] of Object.entries(model.aliases))
      aliasesByVersion.set(version, [...(aliasesByVersion.get(version) ?? []), alias]);
    for (const v of model.versions) {
      if (v.folder === undefined) continue;
      const item: RegisteredModelVersion = {
        name: model.name,
        version: v.version,
        folder: v.folder,
        aliases: [...new Set(aliasesByVersion.get(v.version) ?? [])].sort(),
        tags: v.tags,
      };
      const description = v.description || model.description;
      if (description) item.description = description;
      const stage = STAGES[String(v.stage).toLowerCase()];
      if (stage) item.stage = stage;
      if (v.runId) item.runId = v.runId;
      if (v.source) item.source = v.source;
      if (v.status) item.status = v.status;
      if (v.creationTime !== undefined) item.created = v.creationTime;
      versions.push(item);
    }
  }
  versions.sort((a, b) => a.name.localeCompare(b.name) || Number(a.version) - Number(b.version));
  return {
    versions,
    problems: problems.map((p) => ({
      file: p.location,
      message: p.message.replace(/\.?$/, '; this registry entry is skipped.'),
    })),
  };
}
