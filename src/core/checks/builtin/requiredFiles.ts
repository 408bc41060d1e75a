// required-files: files that must exist by pattern: a model card next to each model, a LICENSE at the root...
import picomatch from 'picomatch';
import { optionalOption, throwIfAborted, type CheckRun, type CheckTypeDefinition } from '../checkType';
import { configLocation, entryFolder, selectDatasets, selectModels } from '../scope';
import type { Location } from '../types';

export const requiredFiles: CheckTypeDefinition = {
  type: 'required-files',
  title: 'Required files exist',
  description:
    'Checks that at least one of the `anyOf` file patterns exists in the folder of each model or dataset (scope models or datasets), or at the root (scope paths). By default a model card (model_card.md or README.md) next to each model, a README next to each dataset, and a LICENSE at the root. Add the missing file: a model card says what the model is for, what it was trained and evaluated on, and who owns it.',
  scopes: ['models', 'datasets', 'paths'],
  defaultSeverity: 'warning',
  needsGit: false,
  rerunOn: ['LICENSE*', 'LICENCE*', 'COPYING*'],
  docsAnchor: '#required-files',
  options: {
    anyOf: {
      title: 'Any of',
      type: 'array',
      items: { type: 'string', minLength: 1 },
      minItems: 1,
      description: 'File names or globs, relative to the folder; one of them must exist.',
    },
  },
  run: runRequiredFiles,
};

/** The files that count as a model's card, next to the model. */
export const MODEL_CARD_FILES: readonly string[] = ['model_card.md', 'MODEL_CARD.md', 'README.md'];

const DEFAULTS = {
  models: [...MODEL_CARD_FILES],
  datasets: ['README.md', 'datasheet.md', 'DATASHEET.md'],
  paths: ['LICENSE', 'LICENSE.*', 'LICENCE', 'LICENCE.*', 'COPYING'],
};

async function runRequiredFiles({ context, check, sink, signal }: CheckRun): Promise<void> {
  const kind = check.scope.kind as keyof typeof DEFAULTS;
  const anyOf = optionalOption<string[]>(check, 'anyOf') ?? DEFAULTS[kind];
  const matchers = anyOf.map((pattern) => picomatch(pattern, { dot: true, nocase: false }));
  const files = await context.files.list(signal);
  const targets: { label: string; folder: string; location?: Location; model?: string; dataset?: string }[] = [];
  if (kind === 'paths') targets.push({ label: '(root)', folder: '' });
  else {
    const entries = kind === 'models' ? selectModels(context, check) : selectDatasets(context, check);
    for (const entry of entries) {
      const folder = await entryFolder(context, entry.path);
      targets.push({
        label: entry.name,
        folder,
        location: configLocation(context, entry.position),
        ...(kind === 'models' ? { model: entry.name } : { dataset: entry.name }),
      });
    }
  }
  for (const target of targets) {
    throwIfAborted(signal);
    const prefix = target.folder ? `${target.folder}/` : '';
    const found = files.find(
      (f) =>
        f.path.startsWith(prefix) &&
        !f.path.slice(prefix.length).includes('/') &&
        matchers.some((m) => m(f.path.slice(prefix.length))),
    );
    const where = target.folder || 'the root';
    const extra = { model: target.model, dataset: target.dataset };
    if (found) {
      sink.pass(target.label, `${found.path} present`, { ...extra, location: { file: found.path }, key: 'present' });
      continue;
    }
    const what = kind === 'models' ? 'a model card' : kind === 'datasets' ? 'a datasheet or README' : 'a licence';
    sink.fail({
      target: target.label,
      message: `${where} has none of ${anyOf.join(', ')}${kind === 'paths' ? '' : ` (${kind === 'models' ? 'model' : 'dataset'} '${target.label}')`}.`,
      hint: `Add ${what}: ${prefix}${(anyOf[0] ?? '').replace(/\*/g, 'md')}.`,
      location: target.location ?? configLocation(context, check.position),
      ...extra,
      key: 'missing',
      ...(kind === 'models' && target.model ? { fix: { kind: 'modelCard' as const, model: target.model } } : {}),
    });
  }
}
