import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { CONFIG_FILE_NAME } from '../../core/formats/mlopsYaml/starter';
import { loadConfig, unreadable } from '../../core/formats/mlopsYaml/validate';
import { errorMessage } from '../../core/logging';
import { readNotebooksConfig, type NotebooksConfig } from '../../core/notebooks/config';
import { sharedValidator } from '../config/validator';

/**
 * Replaces (or creates) a file atomically: the content goes to a temporary file in the same folder, with the same
 * permissions, which is then renamed over the target. A crash never leaves a half-written file.
 */
export async function writeFileAtomic(file: string, content: string | Uint8Array): Promise<void> {
  const mode = await fs.stat(file).then(
    (stat) => stat.mode & 0o7777,
    () => 0o644,
  );
  const temporary = path.join(
    path.dirname(file),
    `.${path.basename(file)}.${process.pid}.${Date.now().toString(36)}.tmp`,
  );
  try {
    await fs.writeFile(temporary, content, { mode, flag: 'wx' });
    await fs.rename(temporary, file);
  } catch (err) {
    await fs.rm(temporary, { force: true });
    throw err;
  }
}

/** The `notebooks:` section of a workspace folder's mlops.yaml (empty when there is no file or no section). */
export async function readNotebooksSection(folder: string): Promise<NotebooksConfig & { conventions: string[] }> {
  let loaded;
  try {
    loaded = await loadConfig(folder, sharedValidator());
  } catch (err) {
    throw new Error(errorMessage(err), { cause: err });
  }
  if (!loaded.exists) return { conventions: [] };
  const failure = unreadable(loaded.validation);
  if (failure)
    throw new Error(
      `${CONFIG_FILE_NAME} is not valid YAML (line ${failure.line + 1}: ${failure.message}); fix it to use its notebooks settings.`,
    );
  const { config } = loaded.validation;
  return {
    ...readNotebooksConfig(config.notebooks, CONFIG_FILE_NAME),
    conventions: config.conventions.notebooks ?? [],
  };
}
