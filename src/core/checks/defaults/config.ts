// mlops.yaml for the checks: the one reader and validator of src/core/formats/mlopsYaml, with its problems turned into
// the checks' errors. The editor and `mlops check` both come through here, so they accept and refuse the same files.
import {
  ConfigError,
  ConfigValidator,
  loadConfig,
  loadConfigSync,
  type ConfigValidation,
} from '../../formats/mlopsYaml/validate';
import type { MlopsConfig } from '../../formats/mlopsYaml/model';
import { CONFIG_FILE_NAME } from '../../formats/mlopsYaml/starter';
import { CheckInputError, ChecksConfigError, type SourcePosition } from '../types';

export const CONFIG_FILE = CONFIG_FILE_NAME;

export interface LoadedConfig {
  config: MlopsConfig;
  /** The file name relative to the root. */
  file: string;
  positionOf: (path: readonly (string | number)[]) => SourcePosition | undefined;
}

/** Validator problems that a check reports itself (as a finding with its severity). */
const CHECKED_BY_CHECKS = new Set(['unknown-dataset']);

let shared: ConfigValidator | undefined;
const sharedValidator = (): ConfigValidator => (shared ??= new ConfigValidator());

/**
 * Reads `<root>/mlops.yaml` synchronously (for the CLI's one-shot commands). Throws CheckInputError when it is missing,
 * unreadable or too large, ChecksConfigError (with positions) when it does not validate.
 */
export function loadProjectConfig(root: string): LoadedConfig {
  let loaded;
  try {
    loaded = loadConfigSync(root, sharedValidator());
  } catch (err) {
    if (err instanceof ConfigError) throw new CheckInputError(err.message, CONFIG_FILE);
    throw err;
  }
  if (!loaded.exists)
    throw new CheckInputError(`${CONFIG_FILE} not found in ${root}. Create one with 'mlops init'.`, CONFIG_FILE);
  return fromValidation(loaded.validation, CONFIG_FILE);
}

/**
 * Reads `<root>/mlops.yaml` the way the editor does, with the same validator. Throws CheckInputError when the file
 * is missing, unreadable or too large, ChecksConfigError (with positions) when it does not validate.
 */
export async function loadCheckConfig(
  root: string,
  validator: ConfigValidator = sharedValidator(),
): Promise<LoadedConfig> {
  let loaded;
  try {
    loaded = await loadConfig(root, validator);
  } catch (err) {
    if (err instanceof ConfigError) throw new CheckInputError(err.message, CONFIG_FILE);
    throw err;
  }
  if (!loaded.exists)
    throw new CheckInputError(`${CONFIG_FILE} not found in ${root}. Create one with 'mlops init'.`, CONFIG_FILE);
  return fromValidation(loaded.validation, CONFIG_FILE);
}

/** Validates the text of mlops.yaml. Throws ChecksConfigError with positions for every error the validator finds. */
export function parseProjectConfig(text: string, fileName = CONFIG_FILE): LoadedConfig {
  return fromValidation(sharedValidator().validate(text, { fileName }), fileName);
}

function fromValidation(validation: ConfigValidation, file: string): LoadedConfig {
  const tooLarge = validation.problems.find((p) => p.code === 'too-large');
  if (tooLarge) throw new CheckInputError(tooLarge.message, file);
  if (validation.empty) {
    throw new ChecksConfigError(file, [
      { path: [], message: `${file} is empty. Start from 'mlops init'.`, position: { line: 1, column: 1 } },
    ]);
  }
  // A model naming a dataset that is not declared is the lineage check's finding, not a reason to run no check.
  const errors = validation.problems.filter((p) => p.severity === 'error' && !CHECKED_BY_CHECKS.has(p.code));
  if (errors.length) {
    throw new ChecksConfigError(
      file,
      errors.map((p) => ({
        path: [...(p.segments ?? [])],
        message: p.message,
        position: { line: p.line + 1, column: p.column + 1 },
      })),
    );
  }
  return { config: validation.config, file, positionOf: validation.positionOf ?? (() => undefined) };
}
