// The model registry of an MLflow file store: `<store>/models/<name>/meta.yaml` and
// `<store>/models/<name>/version-<N>/meta.yaml`, with `tags/<key>` files and the `aliases` of the model.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import type { ModelStage } from '../formats/mlopsYaml/model';

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
  const result: RegistryContents = { versions: [], problems: [] };
  const modelsFolder = path.join(storeFolder, 'models');
  const models = await fs.readdir(modelsFolder, { withFileTypes: true }).catch(() => []);
  await Promise.all(
    models
      .filter((m) => m.isDirectory())
      .map(async (model) => {
        const modelFolder = path.join(modelsFolder, model.name);
        const modelMeta = await readMeta(path.join(modelFolder, 'meta.yaml'), result.problems);
        const name = typeof modelMeta?.name === 'string' ? modelMeta.name : model.name;
        const aliasesByVersion = new Map<string, string[]>();
        const addAlias = (alias: string, version: string) =>
          aliasesByVersion.set(version, [...(aliasesByVersion.get(version) ?? []), alias]);
        if (isRecord(modelMeta?.aliases))
          for (const [alias, version] of Object.entries(modelMeta.aliases)) addAlias(alias, String(version));
        else
          for (const [alias, version] of Object.entries(await readTags(path.join(modelFolder, 'aliases'))))
            addAlias(alias, version.trim());
        const entries = await fs.readdir(modelFolder, { withFileTypes: true }).catch(() => []);
        await Promise.all(
          entries
            .filter((e) => e.isDirectory() && /^version-\d+$/.test(e.name))
            .map(async (entry) => {
              const folder = path.join(modelFolder, entry.name);
              const meta = await readMeta(path.join(folder, 'meta.yaml'), result.problems);
              // Deleted versions stay on disk with the internal stage `Deleted_Internal`.
              if (!meta || String(meta.current_stage) === 'Deleted_Internal') return;
              const version =
                typeof meta.version === 'number' || typeof meta.version === 'string'
                  ? String(meta.version)
                  : entry.name.slice('version-'.length);
              const item: RegisteredModelVersion = {
                name,
                version,
                folder,
                aliases: [...new Set(aliasesByVersion.get(version) ?? [])].sort(),
                tags: await readTags(path.join(folder, 'tags')),
              };
              const description = text(meta.description) ?? text(modelMeta?.description);
              if (description) item.description = description;
              const stage = STAGES[String(meta.current_stage).toLowerCase()];
              if (stage) item.stage = stage;
              if (text(meta.run_id)) item.runId = meta.run_id as string;
              if (text(meta.source)) item.source = meta.source as string;
              if (text(meta.status)) item.status = meta.status as string;
              if (typeof meta.creation_timestamp === 'number') item.created = meta.creation_timestamp;
              result.versions.push(item);
            }),
        );
      }),
  );
  result.versions.sort((a, b) => a.name.localeCompare(b.name) || Number(a.version) - Number(b.version));
  return result;
}

async function readMeta(file: string, problems: RegistryProblem[]): Promise<Record<string, unknown> | undefined> {
  let textContent: string;
  try {
    textContent = await fs.readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const data: unknown = parse(textContent);
    if (isRecord(data)) return data;
    problems.push({ file, message: `${file}: expected a mapping; this registry entry is skipped.` });
  } catch (err) {
    problems.push({
      file,
      message: `${file}: ${(err as Error).message.split('\n')[0]}; this registry entry is skipped.`,
    });
  }
  return undefined;
}

/** `tags/<key>` files (keys may contain `/`, stored as sub-folders). */
async function readTags(folder: string): Promise<Record<string, string>> {
  const tags: Record<string, string> = {};
  const walk = async (dir: string, prefix: string): Promise<void> => {
    const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (entry.isDirectory()) await walk(path.join(dir, entry.name), `${prefix}${entry.name}/`);
      else if (entry.isFile())
        tags[`${prefix}${entry.name}`] = await fs.readFile(path.join(dir, entry.name), 'utf8').catch(() => '');
    }
  };
  await walk(folder, '');
  return tags;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value ? value : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
