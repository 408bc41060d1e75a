// The JSON schema of mlops.yaml (format version 1), as a module the validator imports. The build writes it to
// dist/mlops.schema.json for editors (jsonValidation, and the YAML extension through yamlValidation). The `checks` and
// `notebooks` and `telemetry` sections are composed in from the fragments their readers own (`checksSchema` in
// src/core/checks/engine.ts, `notebooksConfigSchema` in src/core/notebooks/config.ts, `telemetryConfigSchema` in
// src/core/telemetry/config.ts), and a dataset's `schema`/`drift` from
// src/core/data/schemaFragments.ts: one source for each.
import { checksSchema } from '../../checks/engine';
import { datasetDriftFragment, datasetSchemaFragment } from '../../data/schemaFragments';
import { notebooksConfigSchema } from '../../notebooks/config';
import { telemetryConfigSchema } from '../../telemetry/config';
import type {
  ConventionKind,
  DatasetConfig,
  MetricDefinition,
  MetricGoal,
  MlopsConfig,
  ModelConfig,
  ModelStage,
} from './model';

/**
 * A schema fragment as editors want it: every node with a title and a description gets the description as its
 * `markdownDescription` too (VS Code shows that one on hover). A plain-JSON deep copy; the fragment is unchanged.
 */
export function forEditors(fragment: unknown): Record<string, unknown> {
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (!node || typeof node !== 'object') return node;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) out[key] = walk(value);
    if (typeof out.title === 'string' && typeof out.description === 'string' && out.markdownDescription === undefined)
      out.markdownDescription = out.description;
    return out;
  };
  return walk(fragment) as Record<string, unknown>;
}

export const mlopsSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'urn:mlops-workbench:schema:mlops.yaml:1',
  title: 'MLOps Workbench configuration (mlops.yaml)',
  description:
    'The shared team configuration of MLOps Workbench, committed at the root of a workspace folder: the models and datasets of the project, how its metrics are judged, naming conventions, paths to skip, pipeline checks, how notebooks are stripped and where the telemetry of deployed models comes from.',
  markdownDescription:
    'The shared team configuration of **MLOps Workbench**, committed at the root of a workspace folder: the models and datasets of the project, how its metrics are judged, naming conventions, paths to skip, pipeline checks, how notebooks are stripped and where the telemetry of deployed models comes from.',
  type: 'object',
  required: ['version'],
  additionalProperties: false,
  properties: {
    version: {
      title: 'Format version',
      description: 'The version of the mlops.yaml format. Always 1 for now.',
      markdownDescription: 'The version of the `mlops.yaml` format. Always `1` for now.',
      const: 1,
    },
    project: {
      title: 'Project name',
      description: 'A name for the project, shown in reports and check results.',
      markdownDescription: 'A name for the project, shown in reports and check results.',
      type: 'string',
      minLength: 1,
    },
    models: {
      title: 'Models',
      description: 'The models of the project: a file or a folder each.',
      markdownDescription:
        'The models of the project: a file or a folder each. Entries here win over models the explorer discovers by itself at the same path.',
      type: 'array',
      items: {
        $ref: '#/definitions/model',
      },
    },
    datasets: {
      title: 'Datasets',
      description: 'The datasets of the project: a file or a folder each.',
      markdownDescription: 'The datasets of the project: a file or a folder each. Models refer to them by `name`.',
      type: 'array',
      items: {
        $ref: '#/definitions/dataset',
      },
    },
    metrics: {
      title: 'Metric definitions',
      description:
        'How each metric is labelled and judged: its goal (maximize or minimize) and the threshold checks compare against.',
      markdownDescription:
        'How each metric is labelled and judged: its `goal` (`maximize` or `minimize`) and the `threshold` checks compare against.',
      type: 'array',
      items: {
        $ref: '#/definitions/metric',
      },
    },
    conventions: {
      title: 'Naming conventions',
      description:
        'Naming patterns for models, datasets, notebooks and folders. Placeholders: {name}, {version} (1, 1.2 or 1.2.3, with an optional -pre-release or +build), {date} (YYYY-MM-DD), {ext}; * and ** match any text within a folder or across folders.',
      markdownDescription:
        'Naming patterns for models, datasets, notebooks and folders, relative to the workspace folder. Placeholders: `{name}`, `{version}` (`1`, `1.2` or `1.2.3`, with an optional `-pre-release` or `+build`), `{date}` (`YYYY-MM-DD`), `{ext}`; `*` and `**` match any text within a folder or across folders. A pattern or a list of patterns.',
      type: 'object',
      additionalProperties: false,
      properties: {
        models: {
          title: 'Model file names',
          description: 'Pattern (or list of patterns) model files follow, e.g. models/{name}/{name}-v{version}.{ext}',
          markdownDescription:
            'Pattern (or list of patterns) model files follow, e.g. `models/{name}/{name}-v{version}.{ext}`',
          $ref: '#/definitions/patterns',
        },
        datasets: {
          title: 'Dataset file names',
          description: 'Pattern (or list of patterns) dataset files follow, e.g. data/{name}.{ext}',
          markdownDescription: 'Pattern (or list of patterns) dataset files follow, e.g. `data/{name}.{ext}`',
          $ref: '#/definitions/patterns',
        },
        notebooks: {
          title: 'Notebook file names',
          description: 'Pattern (or list of patterns) notebooks follow, e.g. notebooks/{date}-{name}.ipynb',
          markdownDescription: 'Pattern (or list of patterns) notebooks follow, e.g. `notebooks/{date}-{name}.ipynb`',
          $ref: '#/definitions/patterns',
        },
        folders: {
          title: 'Folder names',
          description: 'Pattern (or list of patterns) folders follow, e.g. experiments/{date}-{name}',
          markdownDescription: 'Pattern (or list of patterns) folders follow, e.g. `experiments/{date}-{name}`',
          $ref: '#/definitions/patterns',
        },
      },
    },
    exclude: {
      title: 'Excluded paths',
      description:
        'Glob patterns, relative to the workspace folder, that the explorer and the checks skip (in addition to .gitignore and files.exclude).',
      markdownDescription:
        'Glob patterns, relative to the workspace folder, that the explorer and the checks skip (in addition to `.gitignore` and `files.exclude`), e.g. `"**/scratch/**"`.',
      type: 'array',
      items: {
        title: 'Glob pattern',
        description: 'A glob relative to the workspace folder, e.g. data/prepared/**',
        markdownDescription: 'A glob relative to the workspace folder, e.g. `data/prepared/**`',
        type: 'string',
        minLength: 1,
      },
    },
    checks: forEditors(checksSchema),
    notebooks: forEditors(notebooksConfigSchema),
    telemetry: forEditors(telemetryConfigSchema),
  },
  definitions: {
    relativePath: {
      title: 'Path',
      description: 'A path relative to the workspace folder, with forward slashes.',
      markdownDescription: 'A path relative to the workspace folder, with forward slashes.',
      type: 'string',
      minLength: 1,
    },
    patterns: {
      title: 'Naming pattern',
      description: 'A pattern or a list of patterns. Placeholders: {name}, {version}, {date}, {ext}.',
      markdownDescription: 'A pattern or a list of patterns. Placeholders: `{name}`, `{version}`, `{date}`, `{ext}`.',
      type: ['string', 'array'],
      minLength: 1,
      pattern: '^(?:[^{}]|\\{(?:name|version|date|ext)\\})*$',
      patternErrorMessage: 'may use only the placeholders {name}, {version}, {date} and {ext}',
      items: {
        title: 'Naming pattern',
        description: 'Placeholders: {name}, {version}, {date}, {ext}.',
        markdownDescription: 'Placeholders: `{name}`, `{version}`, `{date}`, `{ext}`.',
        type: 'string',
        minLength: 1,
        pattern: '^(?:[^{}]|\\{(?:name|version|date|ext)\\})*$',
        patternErrorMessage: 'may use only the placeholders {name}, {version}, {date} and {ext}',
      },
    },
    model: {
      title: 'Model',
      description: 'A model: a file or a folder in the workspace.',
      markdownDescription: 'A model: a file or a folder in the workspace.',
      type: 'object',
      required: ['name', 'path'],
      additionalProperties: false,
      properties: {
        name: {
          title: 'Name',
          description: 'A unique name for the model.',
          markdownDescription: 'A unique name for the model, e.g. `fraud-classifier`.',
          type: 'string',
          minLength: 1,
        },
        path: {
          title: 'Path',
          description: 'The model file or folder, relative to the workspace folder.',
          markdownDescription:
            'The model file or folder, relative to the workspace folder, e.g. `models/classifier.pkl`.',
          $ref: '#/definitions/relativePath',
        },
        description: {
          title: 'Description',
          description: 'What the model does, in a sentence.',
          markdownDescription: 'What the model does, in a sentence.',
          type: 'string',
        },
        owner: {
          title: 'Owner',
          description: 'The team or person responsible for the model.',
          markdownDescription: 'The team or person responsible for the model.',
          type: 'string',
        },
        stage: {
          title: 'Stage',
          description: 'The lifecycle stage of the model: dev, staging, production or archived.',
          markdownDescription: 'The lifecycle stage of the model: `dev`, `staging`, `production` or `archived`.',
          type: 'string',
          enum: ['dev', 'staging', 'production', 'archived'],
          enumDescriptions: [
            'In development.',
            'Being validated before release.',
            'Serving in production.',
            'No longer used.',
          ],
          markdownEnumDescriptions: [
            'In development.',
            'Being validated before release.',
            'Serving in production.',
            'No longer used.',
          ],
        },
        datasets: {
          title: 'Datasets',
          description: 'Names of the datasets (from the datasets section) the model is trained or evaluated on.',
          markdownDescription:
            'Names of the datasets (from the `datasets` section) the model is trained or evaluated on.',
          type: 'array',
          items: {
            title: 'Dataset name',
            description: 'The name of an entry of the datasets section.',
            markdownDescription: 'The `name` of an entry of the `datasets` section.',
            type: 'string',
            minLength: 1,
          },
        },
        metrics: {
          title: 'Metric sources',
          description:
            "Files the model's metrics are read from (e.g. metrics/eval.json, dvclive/metrics.json), relative to the workspace folder.",
          markdownDescription:
            "Files the model's metrics are read from (e.g. `metrics/eval.json`, `dvclive/metrics.json`), relative to the workspace folder.",
          type: 'array',
          items: {
            $ref: '#/definitions/relativePath',
          },
        },
        tags: {
          title: 'Tags',
          description: 'Free-form labels, e.g. tabular, nlp.',
          markdownDescription: 'Free-form labels, e.g. `tabular`, `nlp`.',
          type: 'array',
          items: {
            title: 'Tag',
            description: 'A label.',
            markdownDescription: 'A label.',
            type: 'string',
            minLength: 1,
          },
        },
      },
    },
    dataset: {
      title: 'Dataset',
      description: 'A dataset: a file or a folder in the workspace.',
      markdownDescription: 'A dataset: a file or a folder in the workspace.',
      type: 'object',
      required: ['name', 'path'],
      additionalProperties: false,
      properties: {
        name: {
          title: 'Name',
          description: 'A unique name for the dataset; models refer to it by this name.',
          markdownDescription: 'A unique name for the dataset; models refer to it by this name.',
          type: 'string',
          minLength: 1,
        },
        path: {
          title: 'Path',
          description: 'The dataset file or folder, relative to the workspace folder.',
          markdownDescription: 'The dataset file or folder, relative to the workspace folder, e.g. `data/train.csv`.',
          $ref: '#/definitions/relativePath',
        },
        description: {
          title: 'Description',
          description: 'What the dataset holds, in a sentence.',
          markdownDescription: 'What the dataset holds, in a sentence.',
          type: 'string',
        },
        format: {
          title: 'Format',
          description: 'The file format, when the file extension does not tell it (e.g. a folder of parquet files).',
          markdownDescription:
            'The file format, when the file extension does not tell it (e.g. a folder of `parquet` files).',
          type: 'string',
          minLength: 1,
          examples: ['csv', 'tsv', 'parquet', 'jsonl', 'json', 'arrow', 'feather', 'images', 'text', 'audio'],
        },
        schema: forEditors(datasetSchemaFragment),
        drift: forEditors(datasetDriftFragment),
      },
    },
    metric: {
      title: 'Metric definition',
      description: 'How one metric is labelled and judged.',
      markdownDescription: 'How one metric is labelled and judged.',
      type: 'object',
      required: ['key'],
      additionalProperties: false,
      properties: {
        key: {
          title: 'Key',
          description:
            'The metric key as the metric files name it (e.g. f1, loss); split prefixes such as validation. are matched too.',
          markdownDescription:
            'The metric key as the metric files name it (e.g. `f1`, `loss`); split prefixes such as `validation.` are matched too.',
          type: 'string',
          minLength: 1,
        },
        label: {
          title: 'Label',
          description: 'A human-readable name for charts and reports.',
          markdownDescription: 'A human-readable name for charts and reports.',
          type: 'string',
        },
        unit: {
          title: 'Unit',
          description: 'The unit of the values, e.g. USD, ms, %.',
          markdownDescription: 'The unit of the values, e.g. `USD`, `ms`, `%`.',
          type: 'string',
        },
        goal: {
          title: 'Goal',
          description: 'Whether higher (maximize) or lower (minimize) values are better.',
          markdownDescription: 'Whether higher (`maximize`) or lower (`minimize`) values are better.',
          type: 'string',
          enum: ['maximize', 'minimize'],
          enumDescriptions: ['Higher is better.', 'Lower is better.'],
          markdownEnumDescriptions: ['Higher is better.', 'Lower is better.'],
        },
        threshold: {
          title: 'Threshold',
          description:
            'The bound checks compare against: the lowest acceptable value for maximize, the highest for minimize.',
          markdownDescription:
            'The bound checks compare against: the lowest acceptable value for `maximize`, the highest for `minimize`.',
          type: 'number',
        },
      },
    },
  },
} as const;

// ------------------------------------------------------------------------------------------------ types
// The TypeScript model (model.ts) is checked against this schema by the compiler: a section, a field or an allowed
// value added to one and not to the other fails `npm run typecheck` here.

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Assert<T extends true> = T;
type Keys<T> = T extends { properties: infer P } ? keyof P : never;
type Definitions = typeof mlopsSchema.definitions;

/** Compiles only while the model and the schema agree. */
export type ModelMatchesSchema = [
  Assert<Equal<Keys<typeof mlopsSchema>, Exclude<keyof MlopsConfig, 'unknownSections'>>>,
  Assert<Equal<Keys<Definitions['model']>, Exclude<keyof ModelConfig, 'position'>>>,
  Assert<Equal<Keys<Definitions['dataset']>, Exclude<keyof DatasetConfig, 'position'>>>,
  Assert<Equal<Keys<Definitions['metric']>, Exclude<keyof MetricDefinition, 'position'>>>,
  Assert<Equal<Keys<typeof mlopsSchema.properties.conventions>, ConventionKind>>,
  Assert<Equal<Definitions['model']['properties']['stage']['enum'][number], ModelStage>>,
  Assert<Equal<Definitions['metric']['properties']['goal']['enum'][number], MetricGoal>>,
  Assert<Equal<Definitions['metric']['properties']['threshold']['type'], 'number'>>,
];
