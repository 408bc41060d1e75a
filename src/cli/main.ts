import { version } from '../../package.json';
import { errorMessage } from '../core/logging';

import { line } from './output';
import { commands, EXIT, UsageError, type CliIo } from './registry';
// Each subcommand module registers itself with `defineCommand` when imported.
import './commands/init';
import './commands/nbstrip';
import './commands/nbdiff';
import './commands/check';
import './commands/metrics';
import './commands/models';
import './commands/data';
import './commands/runs';
import './commands/telemetry';

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
    io.stdout(usage());
    return first === undefined ? EXIT.usage : EXIT.ok;
  }
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

if (require.main === module) {
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
