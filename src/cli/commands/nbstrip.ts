import fs from 'node:fs';
import path from 'node:path';
import { readNotebooksConfig, stripOptionsFromConfig } from '../../core/notebooks/config';
import { NotebookError } from '../../core/formats/notebook/format';
import { stripNotebook, StripError, type StripOptions } from '../../core/notebooks/strip';
import { CONFIG_FILE_NAME } from '../../core/formats/mlopsYaml/starter';
import { errorMessage } from '../../core/logging';
import { ReadOnlyFileError, writeFileAtomic } from '../../core/atomicWrite';
import { walkFiles } from '../../core/checks/defaults/files';
import { escapeControlCharacters } from '../../core/security/controlCharacters';
import { line } from '../output';
import { defineCommand, EXIT, parseCommandArgs, UsageError, type CliIo } from '../registry';

/** What the filter modes need beyond CliIo: stdin, and bytes to stdout (tests provide both). */
interface StreamIo extends CliIo {
  stdin?: () => Promise<Buffer>;
  stdoutBytes?: (bytes: Uint8Array) => void;
}

const HELP = `Usage: mlops nbstrip [options] [files or folders...]
       mlops nbstrip --stdin            (git clean filter: notebook on stdin, stripped notebook on stdout)
       mlops nbstrip --textconv <file>  (git diff driver: print the stripped notebook)

Strips outputs, execution counts and volatile metadata from Jupyter notebooks, exactly as nbstripout does.
Files are rewritten in place (atomically) only when something changes. Folders are searched for *.ipynb.
Options come from the notebooks.strip section of ${CONFIG_FILE_NAME} (nearest one up from here); flags add to them.

With --check and no files, checks the notebooks under the current folder (as 'mlops check' finds them: .gitignore
honoured).

Options:
  --keep-output              keep outputs (only counts and metadata are stripped)
  --keep-count               keep execution counts
  --keep-id                  keep cell ids (default: renumber them 0, 1, 2, ...)
  --extra-keys <keys>        more keys to remove, e.g. "metadata.kernelspec cell.metadata.tags"
  --keep-keys <keys>         default keys to keep, e.g. "cell.metadata.collapsed"
  --drop-empty-cells         remove cells whose source is empty or whitespace
  --drop-tagged-cells <tags> remove cells with any of these tags
  --strip-init-cells         strip the outputs of init cells too
  --check                    change nothing; exit 1 if any notebook would be stripped
  --no-config                ignore ${CONFIG_FILE_NAME}

In --stdin and --textconv modes, input that is not a readable notebook is passed through unchanged with a warning
on stderr and exit code 0, so a git operation never fails or loses content because of one broken file. With
--stdin, an unreadable ${CONFIG_FILE_NAME} (say, with merge conflict markers) gives the default options and a warning.
`;

interface Parsed {
  files: string[];
  stdin: boolean;
  textconv?: string;
  check: boolean;
  useConfig: boolean;
  options: StripOptions;
}

const OPTIONS = {
  stdin: { type: 'boolean' },
  textconv: { type: 'string', short: 't' },
  check: { type: 'boolean' },
  'no-config': { type: 'boolean' },
  'keep-output': { type: 'boolean' },
  'keep-count': { type: 'boolean' },
  'keep-id': { type: 'boolean' },
  'drop-empty-cells': { type: 'boolean' },
  'strip-init-cells': { type: 'boolean' },
  'extra-keys': { type: 'string', multiple: true },
  'keep-keys': { type: 'string', multiple: true },
  'keep-metadata-keys': { type: 'string', multiple: true },
  'drop-tagged-cells': { type: 'string', multiple: true },
} as const;

/** Lists given as one or more values, each split on spaces and commas; undefined when none was given. */
function listOption(...values: (string[] | undefined)[]): string[] | undefined {
  const given = values.filter((v): v is string[] => v !== undefined);
  return given.length ? given.flat().flatMap((v) => v.split(/[\s,]+/).filter(Boolean)) : undefined;
}

function parseArguments(args: string[]): Parsed | 'help' {
  const parsed = parseCommandArgs('nbstrip', HELP, args, OPTIONS);
  if (parsed === 'help') return 'help';
  const { values, positionals } = parsed;
  const options: StripOptions = {};
  if (values['keep-output']) options.keepOutput = true;
  if (values['keep-count']) options.keepCount = true;
  if (values['keep-id']) options.keepId = true;
  if (values['drop-empty-cells']) options.dropEmptyCells = true;
  if (values['strip-init-cells']) options.stripInitCells = true;
  const extraKeys = listOption(values['extra-keys']);
  const keepKeys = listOption(values['keep-keys'], values['keep-metadata-keys']);
  const dropTaggedCells = listOption(values['drop-tagged-cells']);
  if (extraKeys) options.extraKeys = extraKeys;
  if (keepKeys) options.keepKeys = keepKeys;
  if (dropTaggedCells) options.dropTaggedCells = dropTaggedCells;
  const result: Parsed = {
    files: positionals,
    stdin: values.stdin === true,
    textconv: values.textconv,
    check: values.check === true,
    useConfig: values['no-config'] !== true,
    options,
  };
  const modes = [result.stdin, result.textconv !== undefined, result.files.length > 0].filter(Boolean).length;
  // `--check` alone checks the notebooks under the current folder, as `mlops check` finds them.
  if (modes === 0 && !result.check)
    throw new UsageError(
      "give notebook files or folders, --stdin, or --textconv <file>. Run 'mlops nbstrip --help' for details.",
    );
  if (modes > 1) throw new UsageError('use one of: files, --stdin, --textconv <file>');
  return result;
}

/** The nearest mlops.yaml from `folder` upwards, if any. */
function findConfig(folder: string): string | undefined {
  for (let current = path.resolve(folder); ; current = path.dirname(current)) {
    const candidate = path.join(current, CONFIG_FILE_NAME);
    if (fs.existsSync(candidate)) return candidate;
    if (path.dirname(current) === current) return undefined;
  }
}

async function configOptions(cwd: string): Promise<StripOptions> {
  const file = findConfig(cwd);
  if (!file) return {};
  const { ConfigError, loadConfigSync, unreadable } = await import('../../core/formats/mlopsYaml/validate.js');
  let loaded;
  try {
    loaded = loadConfigSync(path.dirname(file));
  } catch (err) {
    if (err instanceof ConfigError)
      throw new UsageError(`${file}: cannot read the notebooks section (${errorMessage(err)})`);
    throw err;
  }
  const failure = unreadable(loaded.validation);
  if (failure)
    throw new UsageError(`${file}: cannot read the notebooks section (line ${failure.line + 1}: ${failure.message})`);
  try {
    return stripOptionsFromConfig(readNotebooksConfig(loaded.validation.config.notebooks, file));
  } catch (err) {
    throw new UsageError(`${file}: ${errorMessage(err)}`);
  }
}

/**
 * The options of mlops.yaml for git's clean filter: a broken file (say, with merge conflict markers) must not fail
 * `git add`, so it gives the default options and one warning line on stderr.
 */
async function filterConfigOptions(io: CliIo): Promise<StripOptions> {
  try {
    return await configOptions(io.cwd);
  } catch (err) {
    const first = (errorMessage(err).split('\n')[0] ?? '').replace(/[\s:(]+$/, '');
    io.stderr(line(`mlops nbstrip: warning: ${first}; using the default strip options`));
    return {};
  }
}

function merge(base: StripOptions, flags: StripOptions): StripOptions {
  return {
    ...base,
    ...flags,
    extraKeys: [...(base.extraKeys ?? []), ...(flags.extraKeys ?? [])],
    keepKeys: [...(base.keepKeys ?? []), ...(flags.keepKeys ?? [])],
    dropTaggedCells: [...(base.dropTaggedCells ?? []), ...(flags.dropTaggedCells ?? [])],
  };
}

function readStdin(): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    process.stdin.on('data', (chunk: Buffer) => chunks.push(chunk));
    process.stdin.on('end', () => resolve(Buffer.concat(chunks)));
    process.stdin.on('error', reject);
  });
}

/**
 * The notebooks under the given files and folders (the current folder when none is given), found by the same walk
 * as `mlops check`: .gitignore files honoured; version control, checkpoints, caches and virtual environments skipped.
 */
function collect(targets: string[], cwd: string): string[] {
  const found: string[] = [];
  for (const target of targets.length ? targets : ['.']) {
    const full = path.resolve(cwd, target);
    if (fs.existsSync(full) && fs.statSync(full).isDirectory()) {
      for (const entry of walkFiles(full))
        if (entry.path.endsWith('.ipynb')) found.push(path.join(full, ...entry.path.split('/')));
    } else found.push(full);
  }
  return found;
}

function describeFailure(err: unknown): string {
  return err instanceof NotebookError || err instanceof StripError ? err.message : errorMessage(err);
}

function filter(io: StreamIo, input: Buffer, options: StripOptions, name: string): number {
  const writeBytes = io.stdoutBytes ?? ((bytes: Uint8Array) => process.stdout.write(bytes));
  try {
    const result = stripNotebook(input, options, { file: name });
    for (const warning of result.warnings) io.stderr(line(`mlops nbstrip: ${warning}`));
    // The notebook itself, as git's filter must return it: not a message, never altered.
    io.stdout(result.text);
  } catch (err) {
    io.stderr(line(`mlops nbstrip: ${describeFailure(err)}; passed through unchanged`));
    writeBytes(input);
  }
  return EXIT.ok;
}

defineCommand(
  'nbstrip',
  'strip outputs and volatile metadata from notebooks (nbstripout-compatible; git filter)',
  async (args, rawIo) => {
    const io = rawIo as StreamIo;
    const parsed = parseArguments(args);
    if (parsed === 'help') {
      io.stdout(HELP);
      return EXIT.ok;
    }
    // The clean filter never fails `git add` over mlops.yaml; elsewhere a broken file is an error to fix.
    const config = !parsed.useConfig ? {} : parsed.stdin ? await filterConfigOptions(io) : await configOptions(io.cwd);
    const options = merge(config, parsed.options);

    if (parsed.stdin) return filter(io, await (io.stdin ?? readStdin)(), options, '<stdin>');
    if (parsed.textconv !== undefined) {
      const file = path.resolve(io.cwd, parsed.textconv);
      let input: Buffer;
      try {
        input = fs.readFileSync(file);
      } catch (err) {
        io.stderr(line(`mlops nbstrip: cannot read ${parsed.textconv} (${errorMessage(err)})`));
        return EXIT.failed;
      }
      return filter(io, input, options, parsed.textconv);
    }

    let failures = 0;
    let pending = 0;
    let pendingBytes = 0;
    let removed = 0;
    let seen = 0;
    for (const file of collect(parsed.files, io.cwd)) {
      seen++;
      const shown = escapeControlCharacters(path.relative(io.cwd, file) || file);
      try {
        let input: Buffer;
        try {
          input = fs.readFileSync(file);
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          throw new Error(`${shown}: cannot read (${code === 'ENOENT' ? 'no such file' : errorMessage(err)})`, {
            cause: err,
          });
        }
        const result = stripNotebook(input, options, { file: shown });
        for (const warning of result.warnings) io.stderr(line(`mlops nbstrip: ${warning}`));
        if (!result.changed) {
          io.stdout(line(`${shown}: already stripped`));
          continue;
        }
        if (parsed.check) {
          pending++;
          pendingBytes += result.bytesRemoved;
          io.stdout(line(`${shown}: would be stripped (${result.bytesRemoved} bytes)`));
          continue;
        }
        try {
          // Through a symbolic link to its target; the link stays a link.
          await writeFileAtomic(file, result.text);
        } catch (err) {
          if (err instanceof ReadOnlyFileError)
            throw new Error(
              `${shown}: is read-only; not stripped (nbstripout refuses too). Make it writable to strip it.`,
              {
                cause: err,
              },
            );
          throw err;
        }
        removed += result.bytesRemoved;
        const details = [
          result.outputsRemoved ? `${result.outputsRemoved} output${result.outputsRemoved === 1 ? '' : 's'}` : '',
          result.cellsRemoved ? `${result.cellsRemoved} cell${result.cellsRemoved === 1 ? '' : 's'}` : '',
        ].filter(Boolean);
        io.stdout(
          line(
            `${shown}: stripped, ${result.bytesRemoved} bytes removed${details.length ? ` (${details.join(', ')})` : ''}`,
          ),
        );
      } catch (err) {
        failures++;
        io.stderr(line(`mlops nbstrip: ${describeFailure(err)}`));
      }
    }
    if (removed > 0) io.stdout(`${removed} bytes removed in total\n`);
    // Many notebooks: the count a reader would otherwise tally from the lines above.
    if (pending > 1) io.stdout(`${pending} of ${seen} notebooks would be stripped (${pendingBytes} bytes in total)\n`);
    return failures > 0 || pending > 0 ? EXIT.failed : EXIT.ok;
  },
);
