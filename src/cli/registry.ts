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

/** A usage error: the CLI prints its message and exits 2. */
export class UsageError extends Error {}

/**
 * Walks command-line arguments: `--name value`, `--name=value`, flags and positionals. `visit` gets the option name,
 * a `value()` that takes the option's value (or throws a UsageError naming the command), and the raw argument; it
 * returns false to stop (e.g. at --help).
 */
export function scanArgs(
  args: readonly string[],
  command: string,
  visit: (name: string, value: () => string, arg: string) => boolean | void,
): void {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq === -1 ? arg : arg.slice(0, eq);
    const value = (): string => {
      const v = eq === -1 ? args[++i] : arg.slice(eq + 1);
      if (v === undefined || v === '') throw new UsageError(`${name} needs a value. Run 'mlops ${command} --help'.`);
      return v;
    };
    if (visit(name, value, arg) === false) return;
  }
}
