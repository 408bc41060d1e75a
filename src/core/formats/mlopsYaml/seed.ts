// The mlops.yaml that `mlops init` and "MLOps: Create mlops.yaml" write: the models, datasets and metric files
// discovery finds in the folder (src/core/workspace/discoveredConfig.ts), each with a comment saying where it came
// from; conventions only where the existing names follow one. The checks run on the same entries before the file
// exists, so writing it adds no lineage or naming finding.
import { defaultChecks } from '../../checks/engine';
import { discoverConfig, type DiscoveredConfig } from '../../workspace/discoveredConfig';
import type { ConventionKind } from './model';

/** A YAML scalar: plain when it reads back as the same string, else double-quoted (JSON is valid YAML). */
function scalar(text: string): string {
  return /^[A-Za-z0-9_][A-Za-z0-9_./@-]*$/.test(text) && !/^(true|false|null|yes|no|on|off|~)$/i.test(text)
    ? text
    : JSON.stringify(text);
}

const list = (items: readonly string[]): string => `[${items.map(scalar).join(', ')}]`;

/** The text of a seeded mlops.yaml for a folder named `projectName`. */
export function seedConfig(discovered: DiscoveredConfig, projectName: string): string {
  const { config, origins } = discovered;
  const lines: string[] = [
    '# MLOps Workbench team configuration, seeded from what is in this folder. Commit it so everyone works by the',
    '# same rules. Each entry says where it was found: rename entries, add owners and stages, link datasets to models.',
    '# Schema: the extension validates this file as you type (problems appear in the Problems panel).',
    'version: 1',
    '',
    '# A name for the project, shown in reports and check results.',
    `project: ${scalar(projectName || 'my-ml-project')}`,
    '',
    "# Models: a file or folder each. 'stage' is one of dev, staging, production, archived.",
  ];
  if (config.models.length === 0) {
    lines.push('# None found (model files such as .pkl, .pt, .onnx, DVC artifacts of type model). For example:');
    lines.push('#   - name: classifier', '#     path: models/classifier.pkl', 'models: []');
  } else {
    lines.push('models:');
    for (const model of config.models) {
      const origin = origins.get(`models:${model.name}`);
      if (origin) lines.push(`  # ${origin}`);
      lines.push(`  - name: ${scalar(model.name)}`, `    path: ${scalar(model.path)}`);
      if (model.description) lines.push(`    description: ${scalar(model.description)}`);
      if (model.datasets.length)
        lines.push(`    datasets: ${list(model.datasets)} # read by the DVC stages that produce it`);
      if (model.metrics.length) lines.push(`    metrics: ${list(model.metrics)} # declared in dvc.yaml`);
      if (model.tags.length) lines.push(`    tags: ${list(model.tags)}`);
    }
  }
  lines.push('', "# Datasets: a file or folder each; 'format' only when the extension does not tell it.");
  if (config.datasets.length === 0) {
    lines.push('# None found (data files such as .csv, .parquet, DVC-tracked data). For example:');
    lines.push('#   - name: training-data', '#     path: data/train.csv', 'datasets: []');
  } else {
    lines.push('datasets:');
    for (const dataset of config.datasets) {
      const origin = origins.get(`datasets:${dataset.name}`);
      if (origin) lines.push(`  # ${origin}`);
      lines.push(`  - name: ${scalar(dataset.name)}`, `    path: ${scalar(dataset.path)}`);
      if (dataset.description) lines.push(`    description: ${scalar(dataset.description)}`);
    }
  }
  const unused = discovered.metricFiles.filter((m) => !config.models.some((model) => model.metrics.includes(m.path)));
  if (unused.length) {
    lines.push('', '# Metric files declared in dvc.yaml that no model above lists:');
    for (const m of unused) lines.push(`#   ${m.path} (${origins.get(`metrics:${m.path}`) ?? 'dvc.yaml'})`);
  }
  lines.push(
    '',
    "# Metric definitions: 'goal' is maximize or minimize; 'threshold' is the bound checks compare against. For example:",
    '# metrics:',
    '#   - key: f1',
    '#     goal: maximize',
    '#     threshold: 0.8',
    '',
    '# Naming conventions: placeholders {name}, {version} (semver), {date} (YYYY-MM-DD), {ext}.',
  );
  const kinds: ConventionKind[] = ['models', 'datasets'];
  const found = kinds.filter((k) => config.conventions[k]?.length);
  if (found.length) {
    lines.push('# Only the conventions every existing name already follows.', 'conventions:');
    for (const kind of found) {
      const pattern = config.conventions[kind]?.[0];
      if (pattern !== undefined) lines.push(`  ${kind}: ${scalar(pattern)}`);
    }
  } else {
    lines.push(
      '# The existing names follow no single pattern, so none is set. For example:',
      '# conventions:',
      '#   models: models/{name}/{name}-v{version}.{ext}',
      '#   datasets: data/{name}.{ext}',
    );
  }
  lines.push(
    '',
    '# Globs the explorer and checks skip (in addition to .gitignore and files.exclude). For example:',
    '# exclude:',
    '#   - "**/scratch/**"',
  );
  const lacking = config.models.filter((m) => m.datasets.length === 0 || m.metrics.length === 0);
  if (lacking.length) {
    // Without this section the default set would require every model to name datasets and metric files.
    lines.push(
      '',
      '# Pipeline checks: the default set. Lineage does not yet require datasets and metric files, because',
      `# ${lacking.map((m) => m.name).join(', ')} name${lacking.length === 1 ? 's' : ''} none; set requireDatasets and requireMetrics to true once every model does.`,
      'checks:',
    );
    for (const check of defaultChecks(config)) {
      lines.push(
        `  - id: ${scalar(check.id)}`,
        `    type: ${check.type}`,
        `    severity: ${check.severity}`,
        `    scope: ${check.scope.kind}`,
      );
      if (check.type === 'lineage') lines.push('    options: { requireDatasets: false, requireMetrics: false }');
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Discovers what `root` holds and returns the seeded mlops.yaml for it (see seedConfig). */
export async function seedConfigFor(root: string, projectName: string, signal?: AbortSignal): Promise<string> {
  return seedConfig(await discoverConfig(root, { signal }), projectName);
}
