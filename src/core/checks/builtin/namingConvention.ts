// naming-convention: model, dataset and notebook paths follow the `conventions` patterns of mlops.yaml; a
// finding names the expected path and carries a rename quick fix.
import { matchesConvention, suggestConventionalPath } from '../../formats/naming';
import { ARTIFACT_GLOBS } from '../rerun';
import { optionalOption, throwIfAborted, type CheckRun, type CheckTypeDefinition } from '../checkType';
import { configLocation, selectDatasets, selectModels, selectNotebooks } from '../scope';
import type { Location, ScopeKind, SourcePosition } from '../types';

export const namingConvention: CheckTypeDefinition = {
  type: 'naming-convention',
  title: 'Paths follow the naming convention',
  description:
    "Checks that model, dataset or notebook paths (by the check's scope) match a pattern under `conventions` in mlops.yaml (a pattern or a list), or the `pattern` option. Placeholders: {name} (the entry's name; any lower-case word for notebooks), {version} (semver), {date} (YYYY-MM-DD), {ext}, * and **. The message shows the expected path; rename the file (and its path in mlops.yaml) or change the convention.",
  scopes: ['models', 'datasets', 'notebooks'],
  defaultSeverity: 'warning',
  needsGit: false,
  rerunOn: [...ARTIFACT_GLOBS],
  docsAnchor: '#naming-convention',
  options: {
    pattern: { title: 'Pattern', type: 'string', description: 'Overrides the convention of the scope in mlops.yaml.' },
  },
  run: runNamingConvention,
};

interface Target {
  name?: string;
  path: string;
  position?: SourcePosition;
}

async function runNamingConvention({ context, check, sink, signal }: CheckRun): Promise<void> {
  const kind = check.scope.kind as Exclude<ScopeKind, 'paths'>;
  const own = optionalOption<string>(check, 'pattern');
  const patterns = own ? [own] : (context.config.conventions[kind] ?? []);
  const source = own ? `checks '${check.id}' options.pattern` : `conventions.${kind}`;
  const pattern = patterns[0];
  if (!pattern) {
    sink.skip(kind, `No naming convention for ${kind}: set conventions.${kind} in the config or options.pattern.`);
    return;
  }
  let targets: Target[];
  if (kind === 'models') targets = selectModels(context, check);
  else if (kind === 'datasets') targets = selectDatasets(context, check);
  else targets = (await selectNotebooks(context, check, signal)).map((f) => ({ path: f.path }));
  for (const target of targets) {
    throwIfAborted(signal);
    const path = target.path.replace(/\/+$/, '');
    const values = { name: target.name };
    const label = target.name ?? path;
    const extra = kind === 'models' ? { model: target.name } : kind === 'datasets' ? { dataset: target.name } : {};
    const location: Location | undefined = target.position ? configLocation(context, target.position) : { file: path };
    const followed = patterns.find((p) => matchesConvention(p, path, values, source));
    if (followed) {
      sink.pass(label, `${path} follows ${followed}`, { ...extra, location, key: 'name' });
      continue;
    }
    const expected = suggestConventionalPath(pattern, path, values);
    sink.fail({
      target: label,
      message: `${path} should be named ${expected}`,
      hint: `Rename it${target.name ? ` and update its path in ${context.configFile ?? 'the config'}` : ''}, or change ${source} (${patterns.join(' or ')}).`,
      location,
      ...extra,
      key: 'name',
      fix: { kind: 'rename', from: path, to: expected },
    });
  }
}
