// `mlops check [folder] [--format text|json|junit|sarif|markdown|problems] [--output file] [--fail-on error|warning|never]
// [--only id,...]`: runs the pipeline checks of mlops.yaml. Exit 0 passing, 1 failing at the chosen level, 2 for
// usage or config errors. The checks engine is loaded only when the command runs, to keep `mlops --version` fast.
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../../core/atomicWrite';
import { line, lines } from '../output';
import { defineCommand, EXIT, parseCommandArgs, UsageError, type CliIo } from '../registry';
// init-ci belongs to the checks: importing this module registers both commands.
import './initCi';

export const FORMATS = ['text', 'json', 'junit', 'sarif', 'markdown', 'problems'] as const;
export type Format = (typeof FORMATS)[number];
const FAIL_ON = ['error', 'warning', 'never'] as const;
type FailOn = (typeof FAIL_ON)[number];

export interface CheckArgs {
  folder: string;
  format: Format;
  output?: string;
  failOn: FailOn;
  only?: string[];
  verbose: boolean;
  /** Telemetry the service-slo check reads instead of mlops.yaml's sources (logs, folders, globs or a URL). */
  telemetry?: string[];
}

const HELP = `Usage: mlops check [folder] [options]

Runs the pipeline checks declared in <folder>/mlops.yaml (the default set when it declares none, or when there is no
mlops.yaml: then on the models, datasets and notebooks discovery finds).

Options:
  --format <f>    text (default), json, junit, sarif, markdown or problems (one
                  \`file:line:column: severity type: message\` line per finding and
                  its \`    hint: ...\` line, for editors' problem matchers such as
                  VS Code's $mlops)
  --output <file> write the report to a file (a text summary still goes to stdout)
  --fail-on <l>   error (default), warning or never: the level that makes the exit code 1
  --only <ids>    run only these check ids (comma-separated)
  --telemetry <s> the prediction log, folder, glob or Prometheus URL the service-slo check
                  judges instead of the telemetry sources of mlops.yaml (repeatable)
  --verbose       text format: list passing results too
  --help          print this help

Exit codes: 0 passing, 1 failing at the --fail-on level, 2 usage or configuration error.
`;

const OPTIONS = {
  format: { type: 'string' },
  output: { type: 'string', short: 'o' },
  'fail-on': { type: 'string' },
  only: { type: 'string', multiple: true },
  verbose: { type: 'boolean' },
  telemetry: { type: 'string', multiple: true },
} as const;

/** Parses the arguments of `mlops check`; throws UsageError. Returns undefined for --help. */
export function parseCheckArgs(args: readonly string[]): CheckArgs | undefined {
  const parsed = parseCommandArgs('check', HELP, args, OPTIONS);
  if (parsed === 'help') return undefined;
  const { values, positionals } = parsed;
  const result: CheckArgs = { folder: '.', format: 'text', failOn: 'error', verbose: values.verbose === true };
  if (values.format !== undefined) {
    if (!(FORMATS as readonly string[]).includes(values.format))
      throw new UsageError(`unknown format '${values.format}'; use one of ${FORMATS.join(', ')}.`);
    result.format = values.format as Format;
  }
  if (values.output !== undefined) result.output = values.output;
  if (values['fail-on'] !== undefined) {
    const level = values['fail-on'];
    if (!(FAIL_ON as readonly string[]).includes(level))
      throw new UsageError(`--fail-on must be one of ${FAIL_ON.join(', ')}, not '${level}'.`);
    result.failOn = level as FailOn;
  }
  if (values.only !== undefined) {
    const ids = values.only.flatMap((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    );
    if (ids.length === 0) throw new UsageError('--only needs at least one check id.');
    result.only = ids;
  }
  if (values.telemetry !== undefined) result.telemetry = values.telemetry;
  if (positionals.length > 1)
    throw new UsageError(`only one folder may be checked; got '${positionals[0]}' and '${positionals[1]}'.`);
  result.folder = positionals[0] ?? '.';
  return result;
}

async function runCheckCommand(args: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseCheckArgs(args);
  if (!parsed) {
    io.stdout(HELP);
    return EXIT.ok;
  }
  const folder = path.resolve(io.cwd, parsed.folder);
  if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory()) throw new UsageError(`${folder} is not a folder.`);
  // Loaded here, not at the top: `mlops --version` and `mlops --help` must not pay for the engine.
  const [
    { runChecks, reportFails },
    { createDefaultContext },
    { loadCheckConfig, discoveredNotice },
    types,
    { runGit },
    {
      default: { version },
    },
  ] = await Promise.all([
    import('../../core/checks/engine.js'),
    import('../../core/checks/defaults/context.js'),
    import('../../core/checks/defaults/config.js'),
    import('../../core/checks/types.js'),
    import('../../core/checks/defaults/git.js'),
    import('../../../package.json'),
  ]);
  const configError = (err: unknown): number | undefined => {
    if (
      err instanceof types.ChecksConfigError ||
      err instanceof types.CheckInputError ||
      err instanceof types.CheckSelectionError
    ) {
      const [first = '', ...rest] = err instanceof types.ChecksConfigError ? err.lines : [err.message];
      io.stderr(lines([`mlops check: ${first}`, ...rest]));
      return EXIT.usage;
    }
    return undefined;
  };
  let report;
  let configFile: string | undefined;
  try {
    // The same reading as the editor: schema validation first (src/core/formats/mlopsYaml), the checks' own reader as fallback.
    const loaded = await loadCheckConfig(folder);
    configFile = loaded.file;
    // Without mlops.yaml the default checks run on what discovery finds; say so beside the report.
    if (loaded.discovered) io.stderr(line(`mlops check: ${discoveredNotice(loaded.discovered)}`));
    const context = createDefaultContext(folder, {
      loaded,
      logger: {
        trace: () => undefined,
        debug: () => undefined,
        info: () => undefined,
        warn: (message) => io.stderr(line(`mlops check: warning: ${message}`)),
        // Check failures are in the report itself.
        error: () => undefined,
      },
    });
    if (parsed.telemetry) context.telemetry = { locations: parsed.telemetry };
    report = await runChecks(context, { only: parsed.only });
  } catch (err) {
    const code = configError(err);
    if (code !== undefined) return code;
    throw err;
  }
  const options = { toolVersion: version };
  let text: string;
  if (parsed.format === 'json') text = (await import('../../core/checks/report/json.js')).formatJson(report, options);
  else if (parsed.format === 'junit') text = (await import('../../core/checks/report/junit.js')).formatJunit(report);
  else if (parsed.format === 'markdown')
    text = (await import('../../core/checks/report/markdown.js')).formatMarkdown(report);
  else if (parsed.format === 'problems')
    text = (await import('../../core/checks/report/problems.js')).formatProblems(report, {
      configFile: configFile ?? 'mlops.yaml',
    });
  else if (parsed.format === 'sarif') {
    // Code scanning resolves paths from the repository root: prefix the folder's place in the repository.
    const prefix = await runGit(folder, ['rev-parse', '--show-prefix']).then(
      (r) => (r.code === 0 ? r.stdout.trim() : ''),
      () => '',
    );
    text = (await import('../../core/checks/report/sarif.js')).formatSarif(report, {
      ...options,
      configFile: configFile ?? 'mlops.yaml',
      uriPrefix: prefix,
    });
  } else
    text = (await import('../../core/checks/report/text.js')).formatText(report, {
      color: io.isTty,
      verbose: parsed.verbose,
    });
  if (parsed.output) {
    const target = path.resolve(io.cwd, parsed.output);
    await writeFileAtomic(target, text, { createFolders: true });
    const { formatText } = await import('../../core/checks/report/text.js');
    io.stdout(formatText(report, { color: io.isTty }));
    io.stdout(line(`Wrote ${path.relative(io.cwd, target) || target}`));
  } else io.stdout(text);
  return reportFails(report, parsed.failOn) ? EXIT.failed : EXIT.ok;
}

defineCommand(
  'check',
  'run the pipeline checks of mlops.yaml (text, json, junit, sarif, markdown, problems)',
  runCheckCommand,
);
