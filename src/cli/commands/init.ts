import fs from 'node:fs';
import path from 'node:path';
import { CONFIG_FILE_NAME, starterConfig } from '../../core/formats/mlopsYaml/starter';
import { defineCommand, EXIT } from '../registry';

defineCommand('init', `write a commented starter ${CONFIG_FILE_NAME} (never overwrites)`, (args, io) => {
  const folder = path.resolve(io.cwd, args[0] ?? '.');
  const target = path.join(folder, CONFIG_FILE_NAME);
  try {
    // 'wx' fails when the file exists: the check and the write are one step.
    fs.writeFileSync(target, starterConfig(path.basename(folder)), { flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      io.stderr(`mlops init: ${target} already exists; left unchanged.\n`);
      return EXIT.failed;
    }
    throw err;
  }
  io.stdout(`Wrote ${target}\n`);
  return EXIT.ok;
});
