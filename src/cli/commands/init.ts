import path from 'node:path';
import { FileExistsError, writeFileAtomic } from '../../core/atomicWrite';
import { seedConfigFor } from '../../core/formats/mlopsYaml/seed';
import { CONFIG_FILE_NAME } from '../../core/formats/mlopsYaml/starter';
import { line } from '../output';
import { defineCommand, EXIT, parseCommandArgs, UsageError } from '../registry';

const HELP = `Usage: mlops init [folder]

Writes a commented ${CONFIG_FILE_NAME} in the folder (default: the current one), seeded from what is there: its models,
datasets and metric files (DVC artifacts, outs and metrics, model and data files), each with a comment saying where it
was found, and naming conventions only where the existing names follow one. Never overwrites an existing file (exit 1).
`;

defineCommand(
  'init',
  `write a ${CONFIG_FILE_NAME} seeded from the folder's models and data (never overwrites)`,
  async (args, io) => {
    const parsed = parseCommandArgs('init', HELP, args, {});
    if (parsed === 'help') {
      io.stdout(HELP);
      return EXIT.ok;
    }
    if (parsed.positionals.length > 1)
      throw new UsageError(`only one folder; got '${parsed.positionals[0]}' and '${parsed.positionals[1]}'.`, HELP);
    const folder = path.resolve(io.cwd, parsed.positionals[0] ?? '.');
    const target = path.join(folder, CONFIG_FILE_NAME);
    try {
      // Exclusive: the existence check and the write are one step.
      await writeFileAtomic(target, await seedConfigFor(folder, path.basename(folder)), { exclusive: true });
    } catch (err) {
      if (err instanceof FileExistsError) {
        io.stderr(line(`mlops init: ${target} already exists; left unchanged.`));
        return EXIT.failed;
      }
      throw err;
    }
    io.stdout(line(`Wrote ${target}`));
    return EXIT.ok;
  },
);
