// The JSON-schema fragments of a dataset entry's `schema:` and `drift:` in mlops.yaml, composed into mlops.yaml's
// schema (src/core/formats/mlopsYaml/mlopsSchema.ts). Kept free of readers so the schema bundle stays small.
import { type ColumnType, type DriftTest } from './model';

export const DRIFT_TEST_NAMES: readonly DriftTest[] = [
  'ks',
  'chi-squared',
  'z-test',
  'wasserstein',
  'jensen-shannon',
  'psi',
];

export const COLUMN_TYPES: readonly ColumnType[] = [
  'integer',
  'number',
  'boolean',
  'datetime',
  'string',
  'categorical',
  'list',
  'struct',
];

const number = (title: string, description: string): Record<string, unknown> => ({
  title,
  description,
  type: 'number',
});

/** The `schema:` of a dataset entry. */
export const datasetSchemaFragment = {
  title: 'Schema',
  description:
    'What every version of the dataset must satisfy: its columns (type, nullable, min/max, allowed values, pattern, unique), row count bounds and how fresh it must be. The data-schema check validates it; "MLOps: Infer Dataset Schema" writes one from a profile.',
  type: 'object',
  additionalProperties: false,
  properties: {
    columns: {
      title: 'Columns',
      description: 'Column name -> rules for that column.',
      type: 'object',
      additionalProperties: {
        title: 'Column rules',
        description: 'Rules for one column; every rule is optional.',
        type: 'object',
        additionalProperties: false,
        properties: {
          type: {
            title: 'Type',
            description: 'The type every value must have.',
            type: 'string',
            enum: [...COLUMN_TYPES],
          },
          nullable: {
            title: 'Nullable',
            description: 'false: no value may be missing (empty, NA, null). Default true.',
            type: 'boolean',
          },
          min: number('Minimum', 'The smallest allowed value (numbers; dates as YYYY-MM-DD text).'),
          max: number('Maximum', 'The largest allowed value (numbers; dates as YYYY-MM-DD text).'),
          allowed: {
            title: 'Allowed values',
            description: 'The only values allowed.',
            type: 'array',
            items: { type: ['string', 'number', 'boolean'] },
          },
          pattern: {
            title: 'Pattern',
            description: 'A regular expression (JavaScript syntax) every value must match.',
            type: 'string',
          },
          unique: { title: 'Unique', description: 'true: no value may appear twice.', type: 'boolean' },
          required: {
            title: 'Required',
            description: 'false: the column may be absent. Default true.',
            type: 'boolean',
          },
        },
      },
    },
    rows: {
      title: 'Rows',
      description: 'Bounds on the number of rows.',
      type: 'object',
      additionalProperties: false,
      properties: {
        min: { title: 'Minimum rows', description: 'The fewest rows allowed.', type: 'integer', minimum: 0 },
        max: { title: 'Maximum rows', description: 'The most rows allowed.', type: 'integer', minimum: 0 },
      },
    },
    freshness: {
      title: 'Freshness',
      description:
        'The oldest the data may be: a duration such as 12h, 30d or 4w, measured from its last change (last commit that changed it, or the file time when it has uncommitted changes).',
      type: 'string',
      pattern: '^\\d+(\\.\\d+)?\\s*[hdw]$',
    },
  },
} as const;

/** The `drift:` of a dataset entry. */
export const datasetDriftFragment = {
  title: 'Drift',
  description:
    "How the data-drift check compares versions. Defaults are Evidently's: reference <= 1000 values: KS (numeric, > 5 distinct values), chi-squared, or Z-test (<= 2 values), drift when p < 0.05; above: Wasserstein / reference std (numeric) and Jensen-Shannon, drift when >= 0.1; the dataset drifts when half its columns do.",
  type: 'object',
  additionalProperties: false,
  properties: {
    reference: {
      title: 'Reference',
      description:
        'The revision (commit, tag, branch) to compare with; default: the version before the dataset last changed.',
      type: 'string',
      minLength: 1,
    },
    current: {
      title: 'Current',
      description: 'The revision compared; default: the working tree.',
      type: 'string',
      minLength: 1,
    },
    test: { title: 'Test', description: 'One test for every column.', type: 'string', enum: [...DRIFT_TEST_NAMES] },
    pValue: {
      title: 'p-value threshold',
      description: 'Statistical tests find drift below it (0.05).',
      type: 'number',
      exclusiveMinimum: 0,
      maximum: 1,
    },
    distance: {
      title: 'Distance threshold',
      description: 'Wasserstein, Jensen-Shannon and PSI find drift at or above it (0.1).',
      type: 'number',
      exclusiveMinimum: 0,
    },
    share: {
      title: 'Drifted share',
      description: 'The dataset drifts when at least this share of its columns drift (0.5).',
      type: 'number',
      exclusiveMinimum: 0,
      maximum: 1,
    },
    smallReference: {
      title: 'Small reference',
      description: 'Reference sizes up to this use the statistical tests (1000).',
      type: 'integer',
      minimum: 0,
    },
    ignore: {
      title: 'Ignored columns',
      description: 'Columns not tested (identifiers, timestamps).',
      type: 'array',
      items: { type: 'string' },
    },
    columns: {
      title: 'Per-column tests',
      description: 'Column name -> test and threshold for that column.',
      type: 'object',
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        properties: {
          test: {
            title: 'Test',
            description: 'The test for this column.',
            type: 'string',
            enum: [...DRIFT_TEST_NAMES],
          },
          threshold: { title: 'Threshold', description: 'The threshold for this column.', type: 'number' },
        },
      },
    },
  },
} as const;
