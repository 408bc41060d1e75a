import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Exit codes shared by every subcommand: 0 passing, 1 failing at the chosen level, 2 usage or config errors. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
  isTty: boolean;
}

export type Command = (args: string[], io: CliIo) => Promise<number> | number;

export const commands = new Map<string, { summary: string; run: Command }>();

/** Subcommand modules call this when imported; `main` dispatches on the first argument. */
export function defineCommand(name: string, summary: string, run: Command): void {
  commands.set(name, { summary, run });
}

/** A usage error: the CLI prints its message (and the command's usage, when given) and exits 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly usage?: string,
  ) {
    super(message);
  }
}

export type OptionSpecs = NonNullable<ParseArgsConfig['options']>;

/** What `parseCommandArgs` returns: the options' values and the positionals, or `help` for --help / -h. */
export type ParsedCommandArgs<O extends OptionSpecs> =
  | 'help'
  | {
      values: ReturnType<typeof parseArgs<{ options: O; allowPositionals: true; strict: true }>>['values'];
      positionals: string[];
    };

/**
 * Parses a command's arguments with `util.parseArgs` (strict: options declared in `options` only, `--name value` and
 * `--name=value`, `--` ends options). `--help` / `-h` anywhere before `--` returns `help`. An unknown option, a
 * missing value or a flag given a value throws a UsageError naming the option and carrying the command's usage.
 */
export function parseCommandArgs<O extends OptionSpecs>(
  command: string,
  usage: string,
  args: readonly string[],
  options: O,
): ParsedCommandArgs<O> {
  const end = args.indexOf('--');
  const head = end === -1 ? args : args.slice(0, end);
  if (head.includes('--help') || head.includes('-h')) return 'help';
  try {
    const { values, positionals } = parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
    return { values, positionals };
  } catch (err) {
    throw new UsageError(usageMessage(command, err), usage);
  }
}

/** parseArgs' error in this CLI's words: the option named as the user typed it, and where to look. */
function usageMessage(command: string, err: unknown): string {
  const error = err as NodeJS.ErrnoException;
  const message = error.message ?? String(err);
  const named = /'(?:-\w, )?(--?[\w-]+)/.exec(message)?.[1];
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option '${named ?? message}'.`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return /argument missing/.test(message) || /ambiguous/.test(message)
        ? `${named ?? 'an option'} needs a value. Run 'mlops ${command} --help'.`
        : `${named ?? 'an option'} takes no value.`;
    default:
      return message;
  }
}
