// `mlops data profile PATH [--rev REV] [--format text|json|md]`, `mlops data diff PATH REVA REVB [--format ...]`
// (the drift report, with the dataset's `drift:` settings from mlops.yaml) and `mlops data validate [PATH]` (the
// schemas of mlops.yaml). Exit codes as `mlops check`: 0 passing, 1 drifted or violated, 2 usage, config or read
// errors. The data modules load only when the command runs.
import fs from 'node:fs';
import path from 'node:path';
import type { ValidationResult } from '../../core/data/report';
import type { DataFormat } from '../../core/formats/data/source';
import { escapeControlCharacters } from '../../core/security/controlCharacters';
import { defineCommand, EXIT, parseCommandArgs, UsageError, type CliIo } from '../registry';

const text = escapeControlCharacters;
const FORMATS = ['text', 'json', 'md', 'problems'] as const;
type Format = (typeof FORMATS)[number];

const HELP = `Usage: mlops data <command> [options]

Commands:
  profile PATH [--rev REV]   rows, columns, types and per-column statistics of a dataset (CSV, TSV, JSON Lines,
                             Parquet), in the working tree or at a git revision (git blob or local DVC cache)
  diff PATH REVA REVB        drift from REVA (reference) to REVB (current; 'workspace' for the working tree),
                             with Evidently's default tests and the dataset's drift: settings in mlops.yaml
  validate [PATH]            check the datasets of mlops.yaml (or the one at PATH) against their schema:

Options:
  --format <f>  text (default), json or md; validate also takes problems (one file:line:column: severity type:
                message line per violation, for editors' problem matchers)
  --help        print this help

Exit codes: 0 passing, 1 drifted or schema violated, 2 usage, configuration or read error.
`;

const OPTIONS = { format: { type: 'string' }, rev: { type: 'string' } } as const;

interface Where {
  /** The repository's top folder (or the current folder outside a repository). */
  root: string;
  /** PATH relative to root, posix. */
  relative: string;
}

async function locate(cwd: string, target: string): Promise<Where> {
  const { runGit } = await import('../../core/git/run.js');
  let root = cwd;
  try {
    const top = await runGit(cwd, ['rev-parse', '--show-toplevel']);
    if (top.code === 0) root = top.stdout.toString('utf8').trim() || cwd;
  } catch {
    root = cwd;
  }
  const absolute = path.resolve(cwd, target);
  const real = (p: string): string => {
    try {
      return fs.realpathSync(p);
    } catch {
      return p;
    }
  };
  const relative = path.relative(real(root), path.join(real(path.dirname(absolute)), path.basename(absolute)));
  if (relative.startsWith('..') || path.isAbsolute(relative))
    throw new UsageError(`${text(target)} is outside the repository ${text(root)}.`);
  return { root, relative: relative.split(path.sep).join('/') };
}

function format(value: string | undefined): Format {
  if (value === undefined) return 'text';
  if (!(FORMATS as readonly string[]).includes(value))
    throw new UsageError(`unknown format '${text(value)}'; use one of ${FORMATS.join(', ')}.`, HELP);
  return value as Format;
}

/** Errors a user fixes by pulling, naming another revision or converting the file: exit 2 with the message. */
async function readError(err: unknown): Promise<string | undefined> {
  const [{ NotInCacheError, DatasetNotFoundError }, { DataFormatError }] = await Promise.all([
    import('../../core/data/versions.js'),
    import('../../core/formats/data/source.js'),
  ]);
  if (err instanceof NotInCacheError || err instanceof DatasetNotFoundError || err instanceof DataFormatError)
    return err.message;
  if (err instanceof Error && /is not a revision name|unknown revision|not a git repository/i.test(err.message))
    return err.message;
  return undefined;
}

async function run(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '--help' || sub === '-h') {
    io.stdout(HELP);
    return sub === undefined ? EXIT.usage : EXIT.ok;
  }
  const parsed = parseCommandArgs(`data ${sub}`, HELP, rest, OPTIONS);
  if (parsed === 'help') {
    io.stdout(HELP);
    return EXIT.ok;
  }
  const { values, positionals: pos } = parsed;
  const fmt = format(values.format);
  if (fmt === 'problems' && sub !== 'validate')
    throw new UsageError(`--format problems is for data validate; data ${text(sub)} takes text, json or md.`, HELP);
  const report = await import('../../core/data/report.js');
  try {
    switch (sub) {
      case 'profile': {
        if (pos.length !== 1) throw new UsageError('data profile takes one PATH.', HELP);
        const where = await locate(io.cwd, pos[0]!);
        const { profileAt } = await import('../../core/data/dataset.js');
        const profile = await profileAt({
          root: where.root,
          path: where.relative,
          revision: values.rev ?? 'workspace',
        });
        io.stdout(
          fmt === 'json'
            ? JSON.stringify(profile, null, 2) + '\n'
            : fmt === 'md'
              ? report.profileToMarkdown(profile)
              : report.profileToText(profile),
        );
        return EXIT.ok;
      }
      case 'diff': {
        if (pos.length !== 3) throw new UsageError('data diff takes PATH REVA REVB.', HELP);
        if (values.rev !== undefined)
          throw new UsageError('data diff takes its revisions as arguments, not --rev.', HELP);
        const where = await locate(io.cwd, pos[0]!);
        const [{ diffAt }, { readDriftConfig }, { loadConfigSync }] = await Promise.all([
          import('../../core/data/dataset.js'),
          import('../../core/data/schema.js'),
          import('../../core/formats/mlopsYaml/validate.js'),
        ]);
        const loaded = loadConfigSync(where.root);
        const entry = loaded.validation.config.datasets.find((d) => d.path.replace(/\/+$/, '') === where.relative);
        const { report: drift } = await diffAt(
          { root: where.root, path: where.relative, reference: pos[1]!, current: pos[2]! },
          readDriftConfig(entry?.drift),
        );
        io.stdout(
          fmt === 'json'
            ? JSON.stringify(drift, null, 2) + '\n'
            : fmt === 'md'
              ? report.driftToMarkdown(drift)
              : report.driftToText(drift),
        );
        return drift.drifted ? EXIT.failed : EXIT.ok;
      }
      case 'validate': {
        if (pos.length > 1) throw new UsageError('data validate takes at most one PATH.', HELP);
        return await validate(io, pos[0], fmt);
      }
      default:
        throw new UsageError(`unknown subcommand '${text(sub)}'.`, HELP);
    }
  } catch (err) {
    const message = await readError(err);
    if (message === undefined) throw err;
    io.stderr(`mlops data ${sub}: ${text(message)}\n`);
    return EXIT.usage;
  }
}

async function validate(io: CliIo, target: string | undefined, fmt: Format): Promise<number> {
  const [
    { loadConfigSync },
    { readDatasetSchema, validateDataset, violationPosition },
    { datasetAt, datasetHistory },
    { formatFor },
  ] = await Promise.all([
    import('../../core/formats/mlopsYaml/validate.js'),
    import('../../core/data/schema.js'),
    import('../../core/data/versions.js'),
    import('../../core/data/dataset.js'),
  ]);
  const where = target === undefined ? undefined : await locate(io.cwd, target);
  const folder = io.cwd;
  const loaded = loadConfigSync(folder);
  const errors = loaded.validation.problems.filter((p) => p.severity === 'error');
  if (errors.length > 0) {
    for (const p of errors) io.stderr(`mlops data validate: mlops.yaml: ${text(p.message)}\n`);
    return EXIT.usage;
  }
  const config = loaded.validation.config;
  const positionOf = loaded.validation.positionOf;
  const datasets = config.datasets.filter(
    (d) =>
      readDatasetSchema(d.schema) && (!where || d.path.replace(/\/+$/, '') === where.relative || d.name === target),
  );
  if (datasets.length === 0) {
    io.stderr(
      `mlops data validate: ${target === undefined ? 'no dataset in mlops.yaml has a schema:' : `no dataset with a schema: at ${text(target)} in mlops.yaml`} (run "MLOps: Infer Dataset Schema" to write one).\n`,
    );
    return EXIT.usage;
  }
  const results: ValidationResult[] = [];
  for (const dataset of datasets) {
    const schema = readDatasetSchema(dataset.schema)!;
    const bytes = await datasetAt(folder, dataset.path, 'workspace');
    let lastChange: Date | undefined;
    if (schema.freshnessMs !== undefined) {
      const history = await datasetHistory(folder, dataset.path).catch(() => undefined);
      const date = history?.changes[0]?.date;
      lastChange = date ? new Date(date) : new Date(fs.statSync(path.join(folder, dataset.path)).mtimeMs);
    }
    const result = await validateDataset(
      bytes.source,
      formatFor(dataset.path, dataset.format as DataFormat | undefined),
      schema,
      {
        lastChange,
      },
    );
    const index = config.datasets.indexOf(dataset);
    results.push({
      dataset: dataset.name,
      rows: result.rows,
      violations: result.violations.map((v) => {
        const position = violationPosition(positionOf, index, dataset, v);
        return position ? { ...v, line: position.line, character: position.column } : v;
      }),
    });
  }
  const { violationText, validationToProblems } = await import('../../core/data/report.js');
  if (fmt === 'json') io.stdout(JSON.stringify(results, null, 2) + '\n');
  else if (fmt === 'problems') {
    const { CONFIG_FILE_NAME } = await import('../../core/formats/mlopsYaml/starter.js');
    io.stdout(validationToProblems(results, CONFIG_FILE_NAME));
  } else {
    const lines: string[] = [];
    for (const r of results) {
      lines.push(
        `${fmt === 'md' ? '### ' : ''}${text(r.dataset)}: ${r.rows} rows, ${r.violations.length === 0 ? 'matches its schema' : `${r.violations.length} violation(s)`}`,
      );
      for (const v of r.violations)
        lines.push(`${fmt === 'md' ? '- ' : '  '}mlops.yaml${v.line ? `:${v.line}` : ''}  ${violationText(v)}`);
    }
    io.stdout(lines.join('\n') + '\n');
  }
  return results.some((r) => r.violations.length > 0) ? EXIT.failed : EXIT.ok;
}

defineCommand('data', 'profile datasets, compare versions for drift, validate them against their schema', run);
