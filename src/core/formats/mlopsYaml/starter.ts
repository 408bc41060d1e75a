import { parse } from 'yaml';

/** File name of the shared team configuration at a workspace folder root. */
export const CONFIG_FILE_NAME = 'mlops.yaml';

/**
 * The commented starter configuration written by "MLOps: Create mlops.yaml". Every entry is an example a team
 * edits; the comments explain each section. It must stay valid against the shipped JSON schema.
 */
export function starterConfig(projectName: string): string {
  const name = JSON.stringify(projectName || 'my-ml-project');
  return `# MLOps Workbench team configuration. Commit this file so everyone works by the same rules.
# Schema: the extension validates this file as you type (problems appear in the Problems panel).
version: 1

# A name for the project, shown in reports and check results.
project: ${name}

# Models: a file or folder each. 'stage' is one of dev, staging, production, archived.
models:
  - name: classifier
    path: models/classifier.pkl
    description: The production classifier.
    owner: ml-team
    stage: dev
    datasets: [training-data]
    metrics: [metrics/eval.json]

# Datasets: a file or folder each; 'format' only when the extension does not tell it.
datasets:
  - name: training-data
    path: data/train.csv
    description: Labelled training examples.

# Metric definitions: 'goal' is maximize or minimize; 'threshold' is the bound checks compare against.
metrics:
  - key: f1
    label: F1 score
    goal: maximize
    threshold: 0.8
  - key: loss
    goal: minimize

# Naming conventions: placeholders {name}, {version} (semver), {date} (YYYY-MM-DD), {ext}.
conventions:
  models: models/{name}/{name}-v{version}.{ext}
  datasets: data/{name}.{ext}

# Globs the explorer and checks skip (in addition to .gitignore and files.exclude).
exclude:
  - "**/scratch/**"
`;
}

export interface StarterSummary {
  version: number;
  project: string;
  models: string[];
  datasets: string[];
  metrics: string[];
}

/** Parses a configuration text into the few fields the welcome flow reports. Throws on YAML syntax errors. */
export function summarizeConfig(text: string): StarterSummary {
  const doc: unknown = parse(text);
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new Error(`${CONFIG_FILE_NAME} must be a mapping at the top level.`);
  }
  const record = doc as Record<string, unknown>;
  const names = (value: unknown, field: 'name' | 'key'): string[] =>
    Array.isArray(value)
      ? value.flatMap((item) =>
          item && typeof item === 'object' && typeof (item as Record<string, unknown>)[field] === 'string'
            ? [(item as Record<string, string>)[field]]
            : [],
        )
      : [];
  return {
    version: typeof record.version === 'number' ? record.version : NaN,
    project: typeof record.project === 'string' ? record.project : '',
    models: names(record.models, 'name'),
    datasets: names(record.datasets, 'name'),
    metrics: names(record.metrics, 'key'),
  };
}
