// The `notebooks:` section of mlops.yaml: how the team strips notebooks before they are committed.
//
//   notebooks:
//     strip:
//       keepOutput: false        # keep outputs (nbstripout --keep-output)
//       keepCount: false         # keep execution counts
//       keepId: false            # keep cell ids instead of numbering them 0, 1, ...
//       extraKeys: [metadata.kernelspec, cell.metadata.tags]
//       keepKeys: [cell.metadata.collapsed]
//       dropEmptyCells: false
//       stripInitCells: false
//       dropTaggedCells: [scratch]
//     links:                     # files committed with a notebook by "Commit Notebook Snapshot"
//       notebooks/evaluate.ipynb: [params.yaml, metrics/eval.json]

import { type StripOptions } from './strip';

export interface NotebookStripConfig {
  keepOutput?: boolean;
  keepCount?: boolean;
  keepId?: boolean;
  extraKeys?: string[];
  keepKeys?: string[];
  dropEmptyCells?: boolean;
  stripInitCells?: boolean;
  dropTaggedCells?: string[];
}

export interface NotebooksConfig {
  strip?: NotebookStripConfig;
  /** Notebook path or glob (relative to the workspace folder) -> the params and metrics files that go with it. */
  links?: Record<string, string[]>;
}

const strippableKey = {
  type: 'string',
  pattern: '^(metadata|cell)\\..+',
  description: 'A dotted key: metadata.<key> for the notebook, cell.<key> for every cell.',
} as const;

/** JSON-schema fragment for the `notebooks` property of mlops.yaml, composed into its schema (mlopsSchema.ts). */
export const notebooksConfigSchema = {
  title: 'Notebooks',
  type: 'object',
  description: 'How notebooks are stripped of outputs and volatile metadata before they are committed.',
  additionalProperties: false,
  properties: {
    strip: {
      title: 'Stripping',
      type: 'object',
      description:
        'Options of `mlops nbstrip` and the git clean filter; they mean what the nbstripout options of the same name mean.',
      additionalProperties: false,
      properties: {
        keepOutput: {
          title: 'Keep output',
          type: 'boolean',
          description: 'Keep cell outputs (only execution counts and metadata are stripped).',
        },
        keepCount: { title: 'Keep count', type: 'boolean', description: 'Keep execution counts.' },
        keepId: {
          title: 'Keep id',
          type: 'boolean',
          description: 'Keep cell ids instead of numbering them 0, 1, 2, ...',
        },
        extraKeys: {
          title: 'Extra keys',
          type: 'array',
          items: strippableKey,
          uniqueItems: true,
          description: 'More keys to remove, e.g. metadata.kernelspec or cell.metadata.tags.',
        },
        keepKeys: {
          title: 'Keep keys',
          type: 'array',
          items: strippableKey,
          uniqueItems: true,
          description: 'Keys removed by default that should be kept, e.g. cell.metadata.collapsed.',
        },
        dropEmptyCells: {
          title: 'Drop empty cells',
          type: 'boolean',
          description: 'Remove cells whose source is empty or only whitespace.',
        },
        stripInitCells: {
          title: 'Strip init cells',
          type: 'boolean',
          description: 'Also strip the outputs of cells marked init_cell: true.',
        },
        dropTaggedCells: {
          title: 'Drop tagged cells',
          type: 'array',
          items: { type: 'string', minLength: 1 },
          uniqueItems: true,
          description: 'Remove cells carrying any of these tags.',
        },
      },
    },
    links: {
      title: 'Links',
      type: 'object',
      description:
        'The params and metrics files committed together with a notebook by "Commit Notebook Snapshot": notebook path or glob -> list of files, relative to the workspace folder.',
      additionalProperties: { type: 'array', items: { type: 'string', minLength: 1 }, uniqueItems: true },
    },
  },
} as const;

/** A `notebooks:` section that does not have the documented shape. */
export class NotebooksConfigError extends Error {
  constructor(
    message: string,
    readonly file: string,
  ) {
    super(message);
    this.name = 'NotebooksConfigError';
  }
}

const booleanKeys = ['keepOutput', 'keepCount', 'keepId', 'dropEmptyCells', 'stripInitCells'] as const;
const listKeys = ['extraKeys', 'keepKeys', 'dropTaggedCells'] as const;

/**
 * Checks and returns the `notebooks` section of a parsed mlops.yaml (undefined or null gives an empty section).
 * The messages name the file and the key and say what is expected.
 */
export function readNotebooksConfig(section: unknown, file = 'mlops.yaml'): NotebooksConfig {
  if (section === undefined || section === null) return {};
  const fail = (key: string, expected: string): never => {
    throw new NotebooksConfigError(`${file}: notebooks${key}: expected ${expected}`, file);
  };
  if (typeof section !== 'object' || Array.isArray(section)) fail('', 'a mapping with a "strip" key');
  const record = section as Record<string, unknown>;
  for (const key of Object.keys(record))
    if (key !== 'strip' && key !== 'links') fail(`.${key}`, 'no such key (known: strip, links)');
  const links = readLinks(record.links, fail);
  const strip = record.strip;
  if (strip === undefined || strip === null) return links ? { links } : {};
  if (typeof strip !== 'object' || Array.isArray(strip)) fail('.strip', 'a mapping');
  const options = strip as Record<string, unknown>;
  const result: NotebookStripConfig = {};
  for (const key of Object.keys(options)) {
    const value = options[key];
    if ((booleanKeys as readonly string[]).includes(key)) {
      if (typeof value !== 'boolean') fail(`.strip.${key}`, 'true or false');
      result[key as (typeof booleanKeys)[number]] = value as boolean;
    } else if ((listKeys as readonly string[]).includes(key)) {
      if (!Array.isArray(value) || !value.every((item) => typeof item === 'string' && item.length > 0))
        fail(`.strip.${key}`, 'a list of strings');
      const items = value as string[];
      if (key !== 'dropTaggedCells') {
        const bad = items.find((item) => !/^(metadata|cell)\..+/.test(item));
        if (bad !== undefined) fail(`.strip.${key}`, `keys starting with "metadata." or "cell." (found "${bad}")`);
      }
      result[key as (typeof listKeys)[number]] = items;
    } else {
      fail(`.strip.${key}`, `no such option (known: ${[...booleanKeys, ...listKeys].join(', ')})`);
    }
  }
  return links ? { strip: result, links } : { strip: result };
}

function readLinks(
  value: unknown,
  fail: (key: string, expected: string) => never,
): Record<string, string[]> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) fail('.links', 'a mapping of notebook path -> list of files');
  const links: Record<string, string[]> = {};
  for (const [notebook, files] of Object.entries(value as Record<string, unknown>)) {
    if (!Array.isArray(files) || !files.every((item) => typeof item === 'string' && item.length > 0))
      fail(`.links.${notebook}`, 'a list of file paths');
    links[notebook] = [...(files as string[])];
  }
  return links;
}

/** The strip options a `notebooks:` section asks for. */
export function stripOptionsFromConfig(config: NotebooksConfig | undefined): StripOptions {
  const strip = config?.strip ?? {};
  const options: StripOptions = {};
  // false means what an absent --keep-output means to nbstripout: the notebook's own keep_output metadata decides.
  if (strip.keepOutput) options.keepOutput = true;
  if (strip.keepCount !== undefined) options.keepCount = strip.keepCount;
  if (strip.keepId !== undefined) options.keepId = strip.keepId;
  if (strip.extraKeys) options.extraKeys = [...strip.extraKeys];
  if (strip.keepKeys) options.keepKeys = [...strip.keepKeys];
  if (strip.dropEmptyCells !== undefined) options.dropEmptyCells = strip.dropEmptyCells;
  if (strip.stripInitCells !== undefined) options.stripInitCells = strip.stripInitCells;
  if (strip.dropTaggedCells) options.dropTaggedCells = [...strip.dropTaggedCells];
  return options;
}
