import { version } from '../../package.json';
import { errorMessage } from '../core/logging';

import { line } from './output';
import { commands, EXIT, UsageError, type CliIo } from './registry';

/**
 * Every command and the module that defines it (with `defineCommand`, when imported). A module is loaded when its
 * command runs: `mlops runs list` does not load the checks engine, notebooks or data readers.
 */
export const COMMAND_MODULES: Readonly<Record<string, () => Promise<unknown>>> = {
  check: () => import('./commands/check.js'),
  data: () => import('./commands/data.js'),
  init: () => import('./commands/init.js'),
  'init-ci': () => import('./commands/initCi.js'),
  metrics: () => import('./commands/metrics.js'),
  models: () => import('./commands/models.js'),
  nbdiff: () => import('./commands/nbdiff.js'),
  nbstrip: () => import('./commands/nbstrip.js'),
  runs: () => import('./commands/runs.js'),
  telemetry: () => import('./commands/telemetry.js'),
};

/** Loads every command's module (for the help, which lists them all with their summaries). */
export async function loadAllCommands(): Promise<void> {
  await Promise.all(Object.values(COMMAND_MODULES).map((load) => load()));
}

function usage(): string {
  const lines = [
    `mlops ${version} — MLOps Workbench on the command line`,
    '',
    'Usage: mlops <command> [options]',
    '',
    'Commands:',
  ];
  for (const [name, { summary }] of [...commands].sort(([a], [b]) => a.localeCompare(b)))
    lines.push(`  ${name.padEnd(14)} ${summary}`);
  lines.push('', 'Options:', '  --version      print the version', '  --help         print this help', '');
  return lines.join('\n');
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [first, ...rest] = argv;
  if (first === '--version' || first === '-v') {
    io.stdout(`${version}\n`);
    return EXIT.ok;
  }
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    await loadAllCommands();
    io.stdout(usage());
    return first === undefined ? EXIT.usage : EXIT.ok;
  }
  const load = Object.hasOwn(COMMAND_MODULES, first) ? COMMAND_MODULES[first] : undefined;
  if (load) await load();
  const command = commands.get(first);
  if (!command) {
    io.stderr(line(`mlops: unknown command '${first}'. Run 'mlops --help' for the list.`));
    return EXIT.usage;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    io.stderr(line(`mlops ${first}: ${errorMessage(err)}`));
    if (err instanceof UsageError && err.usage) io.stderr(`\n${err.usage}`);
    return EXIT.usage;
  }
}

/** Runs the command line of this process (`process.argv`), setting its exit code. */
export function runFromCommandLine(): void {
  main(process.argv.slice(2), {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    cwd: process.cwd(),
    isTty: Boolean(process.stdout.isTTY),
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(line(`mlops: ${errorMessage(err)}`));
      process.exitCode = EXIT.usage;
    },
  );
}

if (require.main === module) runFromCommandLine();
