import fs from 'node:fs';
import path from 'node:path';
import { readNotebooksConfig, stripOptionsFromConfig } from '../../core/notebooks/config';
import { NotebookError } from '../../core/notebooks/format';
import { stripNotebook, StripError, type StripOptions } from '../../core/notebooks/strip';
import { CONFIG_FILE_NAME } from '../../core/formats/mlopsYaml/starter';
import { errorMessage } from '../../core/logging';
import { defineCommand, EXIT, UsageError, type CliIo } from '../registry';

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
on stderr and exit code 0, so a git operation never fails or loses content because of one broken file.
`;

interface Parsed {
  files: string[];
  stdin: boolean;
  textconv?: string;
  check: boolean;
  useConfig: boolean;
  options: StripOptions;
}

function listOption(value: string | undefined, flag: string): string[] {
  if (value === undefined || value.startsWith('--'))
    throw new UsageError(`${flag} needs a value, e.g. ${flag} "metadata.kernelspec cell.metadata.tags"`);
  return value.split(/[\s,]+/).filter(Boolean);
}

function parseArguments(args: string[]): Parsed | 'help' {
  const parsed: Parsed = { files: [], stdin: false, check: false, useConfig: true, options: {} };
  const options = parsed.options;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    switch (arg) {
      case '--help':
      case '-h':
        return 'help';
      case '--stdin':
        parsed.stdin = true;
        break;
      case '--textconv':
      case '-t':
        if (args[i + 1] === undefined) throw new UsageError('--textconv needs the notebook file to print');
        parsed.textconv = args[++i];
        break;
      case '--check':
        parsed.check = true;
        break;
      case '--no-config':
        parsed.useConfig = false;
        break;
      case '--keep-output':
        options.keepOutput = true;
        break;
      case '--keep-count':
        options.keepCount = true;
        break;
      case '--keep-id':
        options.keepId = true;
        break;
      case '--drop-empty-cells':
        options.dropEmptyCells = true;
        break;
      case '--strip-init-cells':
        options.stripInitCells = true;
        break;
      case '--extra-keys':
        options.extraKeys = [...(options.extraKeys ?? []), ...listOption(args[++i], arg)];
        break;
      case '--keep-keys':
      case '--keep-metadata-keys':
        options.keepKeys = [...(options.keepKeys ?? []), ...listOption(args[++i], arg)];
        break;
      case '--drop-tagged-cells':
        options.dropTaggedCells = [...(options.dropTaggedCells ?? []), ...listOption(args[++i], arg)];
        break;
      default:
        if (arg.startsWith('-') && arg !== '-')
          throw new UsageError(`unknown option '${arg}'. Run 'mlops nbstrip --help' for the list.`);
        parsed.files.push(arg);
    }
  }
  const modes = [parsed.stdin, parsed.textconv !== undefined, parsed.files.length > 0].filter(Boolean).length;
  if (modes === 0)
    throw new UsageError(
      "give notebook files or folders, --stdin, or --textconv <file>. Run 'mlops nbstrip --help' for details.",
    );
  if (modes > 1) throw new UsageError('use one of: files, --stdin, --textconv <file>');
  return parsed;
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
  return stripOptionsFromConfig(readNotebooksConfig(loaded.validation.config.notebooks, file));
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

/** Finds notebooks under the given files and folders (skipping hidden folders, checkpoints and node_modules). */
function collect(targets: string[], cwd: string): string[] {
  const found: string[] = [];
  const walk = (folder: string): void => {
    for (const entry of fs.readdirSync(folder, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.isDirectory()) {
        if (!entry.name.startsWith('.') && entry.name !== 'node_modules') walk(path.join(folder, entry.name));
      } else if (entry.isFile() && entry.name.endsWith('.ipynb')) {
        found.push(path.join(folder, entry.name));
      }
    }
  };
  for (const target of targets) {
    const full = path.resolve(cwd, target);
    if (fs.existsSync(full) && fs.statSync(full).isDirectory()) walk(full);
    else found.push(full);
  }
  return found;
}

/** Replaces a file atomically: a temporary file in the same folder, with the same mode, renamed over it. */
function writeAtomic(file: string, text: string): void {
  const temporary = path.join(
    path.dirname(file),
    `.${path.basename(file)}.${process.pid}.${Date.now().toString(36)}.tmp`,
  );
  try {
    fs.writeFileSync(temporary, text, { mode: fs.statSync(file).mode & 0o7777, flag: 'wx' });
    fs.renameSync(temporary, file);
  } catch (err) {
    fs.rmSync(temporary, { force: true });
    throw err;
  }
}

function describeFailure(err: unknown): string {
  return err instanceof NotebookError || err instanceof StripError ? err.message : errorMessage(err);
}

function filter(io: StreamIo, input: Buffer, options: StripOptions, name: string): number {
  const writeBytes = io.stdoutBytes ?? ((bytes: Uint8Array) => process.stdout.write(bytes));
  try {
    const result = stripNotebook(input, options, { file: name });
    for (const warning of result.warnings) io.stderr(`mlops nbstrip: ${warning}\n`);
    io.stdout(result.text);
  } catch (err) {
    io.stderr(`mlops nbstrip: ${describeFailure(err)}; passed through unchanged\n`);
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
    const options = merge(parsed.useConfig ? await configOptions(io.cwd) : {}, parsed.options);

    if (parsed.stdin) return filter(io, await (io.stdin ?? readStdin)(), options, '<stdin>');
    if (parsed.textconv !== undefined) {
      const file = path.resolve(io.cwd, parsed.textconv);
      let input: Buffer;
      try {
        input = fs.readFileSync(file);
      } catch (err) {
        io.stderr(`mlops nbstrip: cannot read ${parsed.textconv} (${errorMessage(err)})\n`);
        return EXIT.failed;
      }
      return filter(io, input, options, parsed.textconv);
    }

    let failures = 0;
    let pending = 0;
    let removed = 0;
    for (const file of collect(parsed.files, io.cwd)) {
      const shown = path.relative(io.cwd, file) || file;
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
        for (const warning of result.warnings) io.stderr(`mlops nbstrip: ${warning}\n`);
        if (!result.changed) {
          io.stdout(`${shown}: already stripped\n`);
          continue;
        }
        if (parsed.check) {
          pending++;
          io.stdout(`${shown}: would be stripped (${result.bytesRemoved} bytes)\n`);
          continue;
        }
        writeAtomic(file, result.text);
        removed += result.bytesRemoved;
        const details = [
          result.outputsRemoved ? `${result.outputsRemoved} output${result.outputsRemoved === 1 ? '' : 's'}` : '',
          result.cellsRemoved ? `${result.cellsRemoved} cell${result.cellsRemoved === 1 ? '' : 's'}` : '',
        ].filter(Boolean);
        io.stdout(
          `${shown}: stripped, ${result.bytesRemoved} bytes removed${details.length ? ` (${details.join(', ')})` : ''}\n`,
        );
      } catch (err) {
        failures++;
        io.stderr(`mlops nbstrip: ${describeFailure(err)}\n`);
      }
    }
    if (removed > 0) io.stdout(`${removed} bytes removed in total\n`);
    return failures > 0 || pending > 0 ? EXIT.failed : EXIT.ok;
  },
);
