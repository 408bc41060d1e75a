// GTO's `artifacts.yaml`: artifact name -> { type, path, virtual, labels, description, custom }, the metadata GTO
// keeps beside its tags. Read here only; names, types and labels follow GTO's name rule, entries that break it are
// reported and left out (GTO refuses the whole file).
import { MetricsError } from '../../metrics/model';
import { parseStructuredText } from '../metricsFiles/parse';
import { isValidName } from './tags';

export const GTO_ARTIFACTS_FILE = 'artifacts.yaml';

export interface GtoArtifactEntry {
  name: string;
  type?: string;
  path?: string;
  virtual: boolean;
  labels: string[];
  description?: string;
}

export interface GtoArtifactsFile {
  artifacts: GtoArtifactEntry[];
  problems: string[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses an artifacts.yaml. Malformed YAML throws a MetricsError naming the file and position. */
export function parseGtoArtifacts(content: string | Buffer, location: string): GtoArtifactsFile {
  const doc = parseStructuredText(content, location, 'yaml');
  const result: GtoArtifactsFile = { artifacts: [], problems: [] };
  if (doc === null || doc === undefined) return result;
  if (!isObj(doc)) throw new MetricsError(`${location}: artifacts.yaml must map artifact names to entries.`, location);
  for (const [name, value] of Object.entries(doc)) {
    if (!isValidName(name)) {
      result.problems.push(`${location}: '${name}' is not a valid artifact name; the entry is skipped.`);
      continue;
    }
    const entry: GtoArtifactEntry = { name, virtual: true, labels: [] };
    if (isObj(value)) {
      if (typeof value.type === 'string') entry.type = value.type;
      if (typeof value.path === 'string') entry.path = value.path;
      if (typeof value.virtual === 'boolean') entry.virtual = value.virtual;
      if (typeof value.description === 'string' && value.description) entry.description = value.description;
      if (Array.isArray(value.labels)) entry.labels = value.labels.filter((l): l is string => typeof l === 'string');
    } else if (value !== null && value !== undefined) {
      result.problems.push(`${location}: the entry of '${name}' is not a mapping; it is skipped.`);
      continue;
    }
    result.artifacts.push(entry);
  }
  return result;
}
