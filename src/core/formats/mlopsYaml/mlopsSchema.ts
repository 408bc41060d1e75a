// The JSON schema of mlops.yaml (format version 1), as a module the validator imports. The build writes it to
// dist/mlops.schema.json for editors (jsonValidation, and the YAML extension through yamlValidation). `properties.checks` and `properties.notebooks` are copies of `checksSchema`
// (src/core/checks/engine.ts) and `notebooksConfigSchema` (src/core/notebooks/config.ts) with a title and a
// markdownDescription added to each property; a unit test keeps them in step too.
export const mlopsSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'urn:mlops-workbench:schema:mlops.yaml:1',
  title: 'MLOps Workbench configuration (mlops.yaml)',
  description:
    'The shared team configuration of MLOps Workbench, committed at the root of a workspace folder: the models and datasets of the project, how its metrics are judged, naming conventions, paths to skip, pipeline checks and how notebooks are stripped.',
  markdownDescription:
    'The shared team configuration of **MLOps Workbench**, committed at the root of a workspace folder: the models and datasets of the project, how its metrics are judged, naming conventions, paths to skip, pipeline checks and how notebooks are stripped.',
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
    checks: {
      title: 'Pipeline checks',
      type: ['array', 'null'],
      description: 'Pipeline checks run in the editor and by `mlops check`. When absent, a default set runs.',
      markdownDescription: 'Pipeline checks run in the editor and by `mlops check`. When absent, a default set runs.',
      items: {
        title: 'Check',
        type: 'object',
        required: ['type'],
        additionalProperties: false,
        properties: {
          id: {
            title: 'Id',
            type: 'string',
            pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$',
            description: 'Unique id of the check (default: its type). Used by `mlops check --only`.',
            markdownDescription: 'Unique id of the check (default: its type). Used by `mlops check --only`.',
          },
          type: {
            title: 'Check type',
            enum: [
              'metric-threshold',
              'metric-regression',
              'naming-convention',
              'large-file-untracked',
              'notebook-hygiene',
              'lineage',
              'staleness',
              'environment',
              'required-files',
            ],
            description: 'The kind of check.',
            markdownDescription: 'The kind of check.',
          },
          description: {
            title: 'Description',
            type: 'string',
            description: 'What the check is for, in your words.',
            markdownDescription: 'What the check is for, in your words.',
          },
          severity: {
            title: 'Severity',
            enum: ['error', 'warning', 'info'],
            description: 'How serious a finding is (default depends on the type).',
            markdownDescription: 'How serious a finding is (default depends on the type).',
          },
          scope: {
            title: 'Scope',
            description:
              'What the check looks at: models, datasets, notebooks or paths; optionally narrowed by names or globs.',
            markdownDescription:
              'What the check looks at: models, datasets, notebooks or paths; optionally narrowed by names or globs.',
            anyOf: [
              {
                enum: ['models', 'datasets', 'notebooks', 'paths'],
              },
              {
                type: 'object',
                required: ['kind'],
                additionalProperties: false,
                properties: {
                  kind: {
                    title: 'Kind',
                    enum: ['models', 'datasets', 'notebooks', 'paths'],
                  },
                  names: {
                    title: 'Names',
                    type: 'array',
                    items: {
                      type: 'string',
                    },
                    description: 'Only these models or datasets.',
                    markdownDescription: 'Only these models or datasets.',
                  },
                  globs: {
                    title: 'Globs',
                    type: 'array',
                    items: {
                      type: 'string',
                    },
                    description: 'Only paths matching these globs.',
                    markdownDescription: 'Only paths matching these globs.',
                  },
                },
              },
            ],
          },
          options: {
            title: 'Options',
            type: 'object',
            description: 'Settings of the check type.',
            markdownDescription: 'Settings of the check type.',
          },
          enabled: {
            title: 'Enabled',
            type: 'boolean',
            description: 'Set false to keep a check declared but not run.',
            markdownDescription: 'Set false to keep a check declared but not run.',
          },
        },
        allOf: [
          {
            if: {
              properties: {
                type: {
                  title: 'Check type',
                  const: 'metric-threshold',
                },
              },
              required: ['type'],
            },
            then: {
              properties: {
                options: {
                  title: 'Options',
                  type: 'object',
                  additionalProperties: false,
                  properties: {
                    metric: {
                      title: 'Metric',
                      type: 'string',
                      description: 'Metric key (as in metrics[].key); all metrics with a threshold when absent.',
                      markdownDescription:
                        'Metric key (as in metrics[].key); all metrics with a threshold when absent.',
                    },
                    split: {
                      title: 'Split',
                      type: 'string',
                      description: 'Only this split (train, validation, test).',
                      markdownDescription: 'Only this split (train, validation, test).',
                    },
                    min: {
                      title: 'Min',
                      type: 'number',
                      description: 'The value must be at least this.',
                      markdownDescription: 'The value must be at least this.',
                    },
                    max: {
                      title: 'Max',
                      type: 'number',
                      description: 'The value must be at most this.',
                      markdownDescription: 'The value must be at most this.',
                    },
                  },
                },
              },
            },
          },
          {
            if: {
              properties: {
                type: {
                  title: 'Check type',
                  const: 'metric-regression',
                },
              },
              required: ['type'],
            },
            then: {
              properties: {
                options: {
                  title: 'Options',
                  type: 'object',
                  additionalProperties: false,
                  properties: {
                    metric: {
                      title: 'Metric',
                      type: 'string',
                      description: 'Metric key; every metric with a goal when absent.',
                      markdownDescription: 'Metric key; every metric with a goal when absent.',
                    },
                    split: {
                      title: 'Split',
                      type: 'string',
                      description: 'Only this split (train, validation, test).',
                      markdownDescription: 'Only this split (train, validation, test).',
                    },
                    baseline: {
                      title: 'Baseline',
                      type: 'string',
                      description:
                        "'merge-base' (default), a tag pattern with * (e.g. '{name}@v*'), or a revision (branch, tag, sha).",
                      markdownDescription:
                        "'merge-base' (default), a tag pattern with * (e.g. '{name}@v*'), or a revision (branch, tag, sha).",
                    },
                    tolerance: {
                      title: 'Tolerance',
                      type: 'number',
                      minimum: 0,
                      description: 'Allowed absolute worsening (default 0).',
                      markdownDescription: 'Allowed absolute worsening (default 0).',
                    },
                    relativeTolerance: {
                      title: 'Relative tolerance',
                      type: 'number',
                      minimum: 0,
                      description: 'Allowed worsening as a fraction of the baseline value (0.02 = 2%).',
                      markdownDescription: 'Allowed worsening as a fraction of the baseline value (0.02 = 2%).',
                    },
                  },
                },
              },
            },
          },
          {
            if: {
              properties: {
                type: {
                  title: 'Check type',
                  const: 'naming-convention',
                },
              },
              required: ['type'],
            },
            then: {
              properties: {
                options: {
                  title: 'Options',
                  type: 'object',
                  additionalProperties: false,
                  properties: {
                    pattern: {
                      title: 'Pattern',
                      type: 'string',
                      description: 'Overrides the convention of the scope in mlops.yaml.',
                      markdownDescription: 'Overrides the convention of the scope in mlops.yaml.',
                    },
                  },
                },
              },
            },
          },
          {
            if: {
              properties: {
                type: {
                  title: 'Check type',
                  const: 'large-file-untracked',
                },
              },
              required: ['type'],
            },
            then: {
              properties: {
                options: {
                  title: 'Options',
                  type: 'object',
                  additionalProperties: false,
                  properties: {
                    maxSize: {
                      title: 'Maximum size',
                      anyOf: [
                        {
                          type: 'number',
                          minimum: 0,
                        },
                        {
                          type: 'string',
                          pattern: '^\\s*\\d+(\\.\\d+)?\\s*([bB]|[kKmMgG][iI]?[bB])?\\s*$',
                        },
                      ],
                      description:
                        "Largest size allowed as a plain git blob: bytes, or text such as '10MB' or '500KB' (units of 1024). Default 10MB.",
                      markdownDescription:
                        "Largest size allowed as a plain git blob: bytes, or text such as '10MB' or '500KB' (units of 1024). Default 10MB.",
                    },
                  },
                },
              },
            },
          },
          {
            if: {
              properties: {
                type: {
                  title: 'Check type',
                  const: 'notebook-hygiene',
                },
              },
              required: ['type'],
            },
            then: {
              properties: {
                options: {
                  title: 'Options',
                  type: 'object',
                  additionalProperties: false,
                  properties: {
                    outputs: {
                      title: 'Outputs',
                      type: 'boolean',
                      description: 'Report committed outputs (default true).',
                      markdownDescription: 'Report committed outputs (default true).',
                    },
                    maxOutputBytes: {
                      title: 'Maximum output bytes',
                      type: 'integer',
                      minimum: 0,
                      description: 'Outputs up to this many bytes are allowed (default 0: none).',
                      markdownDescription: 'Outputs up to this many bytes are allowed (default 0: none).',
                    },
                    executionOrder: {
                      title: 'Execution order',
                      type: 'boolean',
                      description: 'Report execution counts out of order (default true).',
                      markdownDescription: 'Report execution counts out of order (default true).',
                    },
                    kernel: {
                      title: 'Kernel',
                      type: 'boolean',
                      description: 'Report missing kernel metadata (default true).',
                      markdownDescription: 'Report missing kernel metadata (default true).',
                    },
                    secrets: {
                      title: 'Secrets',
                      type: 'boolean',
                      description: 'Report secrets (default true).',
                      markdownDescription: 'Report secrets (default true).',
                    },
                    secretsSeverity: {
                      title: 'Secrets severity',
                      enum: ['error', 'warning', 'info'],
                      description: 'Severity of secret findings (default error).',
                      markdownDescription: 'Severity of secret findings (default error).',
                    },
                  },
                },
              },
            },
          },
          {
            if: {
              properties: {
                type: {
                  title: 'Check type',
                  const: 'lineage',
                },
              },
              required: ['type'],
            },
            then: {
              properties: {
                options: {
                  title: 'Options',
                  type: 'object',
                  additionalProperties: false,
                  properties: {
                    requireDatasets: {
                      title: 'Require datasets',
                      type: 'boolean',
                      description: 'A model must name at least one dataset (default true).',
                      markdownDescription: 'A model must name at least one dataset (default true).',
                    },
                    requireMetrics: {
                      title: 'Require metrics',
                      type: 'boolean',
                      description: 'A model must name at least one metric file (default true).',
                      markdownDescription: 'A model must name at least one metric file (default true).',
                    },
                  },
                },
              },
            },
          },
          {
            if: {
              properties: {
                type: {
                  title: 'Check type',
                  const: 'staleness',
                },
              },
              required: ['type'],
            },
            then: {
              properties: {
                options: {
                  title: 'Options',
                  type: 'object',
                  additionalProperties: false,
                  properties: {
                    maxAgeDays: {
                      title: 'Maximum age (days)',
                      type: 'number',
                      exclusiveMinimum: 0,
                      description: 'Days after which a model is stale (default 90).',
                      markdownDescription: 'Days after which a model is stale (default 90).',
                    },
                    datasets: {
                      title: 'Datasets',
                      type: 'boolean',
                      description: 'Alert when a dataset changed after the model (default true).',
                      markdownDescription: 'Alert when a dataset changed after the model (default true).',
                    },
                    metrics: {
                      title: 'Metrics',
                      type: 'boolean',
                      description: 'Alert when a metric is past its threshold (default true).',
                      markdownDescription: 'Alert when a metric is past its threshold (default true).',
                    },
                  },
                },
              },
            },
          },
          {
            if: {
              properties: {
                type: {
                  title: 'Check type',
                  const: 'environment',
                },
              },
              required: ['type'],
            },
            then: {
              properties: {
                options: {
                  title: 'Options',
                  type: 'object',
                  additionalProperties: false,
                  properties: {
                    requirements: {
                      title: 'Requirements',
                      type: 'boolean',
                      description: 'Check requirements*.txt (default true).',
                      markdownDescription: 'Check requirements*.txt (default true).',
                    },
                    conda: {
                      title: 'Conda',
                      type: 'boolean',
                      description: 'Check conda environment files (default true).',
                      markdownDescription: 'Check conda environment files (default true).',
                    },
                    pyproject: {
                      title: 'Pyproject',
                      type: 'boolean',
                      description: 'Check pyproject.toml lock files (default true).',
                      markdownDescription: 'Check pyproject.toml lock files (default true).',
                    },
                    docker: {
                      title: 'Docker',
                      type: 'boolean',
                      description: 'Check Dockerfile FROM lines (default true).',
                      markdownDescription: 'Check Dockerfile FROM lines (default true).',
                    },
                  },
                },
              },
            },
          },
          {
            if: {
              properties: {
                type: {
                  title: 'Check type',
                  const: 'required-files',
                },
              },
              required: ['type'],
            },
            then: {
              properties: {
                options: {
                  title: 'Options',
                  type: 'object',
                  additionalProperties: false,
                  properties: {
                    anyOf: {
                      title: 'Any of',
                      type: 'array',
                      items: {
                        type: 'string',
                        minLength: 1,
                      },
                      minItems: 1,
                      description: 'File names or globs, relative to the folder; one of them must exist.',
                      markdownDescription: 'File names or globs, relative to the folder; one of them must exist.',
                    },
                  },
                },
              },
            },
          },
        ],
      },
    },
    notebooks: {
      title: 'Notebooks',
      type: 'object',
      description: 'How notebooks are stripped of outputs and volatile metadata before they are committed.',
      markdownDescription: 'How notebooks are stripped of outputs and volatile metadata before they are committed.',
      additionalProperties: false,
      properties: {
        strip: {
          title: 'Stripping',
          type: 'object',
          description:
            'Options of `mlops nbstrip` and the git clean filter; they mean what the nbstripout options of the same name mean.',
          markdownDescription:
            'Options of `mlops nbstrip` and the git clean filter; they mean what the nbstripout options of the same name mean.',
          additionalProperties: false,
          properties: {
            keepOutput: {
              title: 'Keep output',
              type: 'boolean',
              description: 'Keep cell outputs (only execution counts and metadata are stripped).',
              markdownDescription: 'Keep cell outputs (only execution counts and metadata are stripped).',
            },
            keepCount: {
              title: 'Keep count',
              type: 'boolean',
              description: 'Keep execution counts.',
              markdownDescription: 'Keep execution counts.',
            },
            keepId: {
              title: 'Keep id',
              type: 'boolean',
              description: 'Keep cell ids instead of numbering them 0, 1, 2, ...',
              markdownDescription: 'Keep cell ids instead of numbering them 0, 1, 2, ...',
            },
            extraKeys: {
              title: 'Extra keys',
              type: 'array',
              items: {
                type: 'string',
                pattern: '^(metadata|cell)\\..+',
                description: 'A dotted key: metadata.<key> for the notebook, cell.<key> for every cell.',
              },
              uniqueItems: true,
              description: 'More keys to remove, e.g. metadata.kernelspec or cell.metadata.tags.',
              markdownDescription: 'More keys to remove, e.g. metadata.kernelspec or cell.metadata.tags.',
            },
            keepKeys: {
              title: 'Keep keys',
              type: 'array',
              items: {
                type: 'string',
                pattern: '^(metadata|cell)\\..+',
                description: 'A dotted key: metadata.<key> for the notebook, cell.<key> for every cell.',
              },
              uniqueItems: true,
              description: 'Keys removed by default that should be kept, e.g. cell.metadata.collapsed.',
              markdownDescription: 'Keys removed by default that should be kept, e.g. cell.metadata.collapsed.',
            },
            dropEmptyCells: {
              title: 'Drop empty cells',
              type: 'boolean',
              description: 'Remove cells whose source is empty or only whitespace.',
              markdownDescription: 'Remove cells whose source is empty or only whitespace.',
            },
            stripInitCells: {
              title: 'Strip init cells',
              type: 'boolean',
              description: 'Also strip the outputs of cells marked init_cell: true.',
              markdownDescription: 'Also strip the outputs of cells marked init_cell: true.',
            },
            dropTaggedCells: {
              title: 'Drop tagged cells',
              type: 'array',
              items: {
                type: 'string',
                minLength: 1,
              },
              uniqueItems: true,
              description: 'Remove cells carrying any of these tags.',
              markdownDescription: 'Remove cells carrying any of these tags.',
            },
          },
        },
        links: {
          title: 'Links',
          type: 'object',
          description:
            'The params and metrics files committed together with a notebook by "Commit Notebook Snapshot": notebook path or glob -> list of files, relative to the workspace folder.',
          markdownDescription:
            'The params and metrics files committed together with a notebook by "Commit Notebook Snapshot": notebook path or glob -> list of files, relative to the workspace folder.',
          additionalProperties: {
            type: 'array',
            items: {
              type: 'string',
              minLength: 1,
            },
            uniqueItems: true,
          },
        },
      },
    },
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
};
