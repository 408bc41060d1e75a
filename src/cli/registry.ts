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
