import { CONFIG_FILE_NAME } from '../../core/formats/mlopsYaml/starter';
import { loadConfig, unreadable } from '../../core/formats/mlopsYaml/validate';
import { errorMessage } from '../../core/logging';
import { readNotebooksConfig, type NotebooksConfig } from '../../core/notebooks/config';
import { sharedValidator } from '../../platform/configValidator';

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
