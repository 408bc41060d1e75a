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
import { discoverConfig } from '../../workspace/discoveredConfig';
import { defaultChecks } from '../engine';
import { CheckInputError, ChecksConfigError, type SourcePosition } from '../types';

export const CONFIG_FILE = CONFIG_FILE_NAME;

export interface LoadedConfig {
  config: MlopsConfig;
  /** The file name relative to the root; undefined when the folder has no mlops.yaml (see discoveredCheckConfig). */
  file: string | undefined;
  positionOf: (path: readonly (string | number)[]) => SourcePosition | undefined;
  /** Set when there is no mlops.yaml: what discovery found, which the checks ran on. */
  discovered?: { models: number; datasets: number; notebooks: number };
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
 * Reads `<root>/mlops.yaml` the way the editor does, with the same validator; without one, what discovery finds
 * (discoveredCheckConfig). Throws CheckInputError when the file is unreadable or too large, ChecksConfigError (with positions) when it does not validate.
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
  if (!loaded.exists) return discoveredCheckConfig(root);
  return fromValidation(loaded.validation, CONFIG_FILE);
}

/**
 * The checks of a folder without mlops.yaml: the default set, run on what discovery finds (DVC artifacts and outs,
 * model and data files, notebooks, requirements files, Dockerfiles). Lineage is checked where the folder states it
 * (dvc.yaml), never required: nothing was declared, so an undeclared dataset is not a finding.
 */
export async function discoveredCheckConfig(root: string, signal?: AbortSignal): Promise<LoadedConfig> {
  const discovered = await discoverConfig(root, { signal });
  const config = discovered.config;
  config.checks = defaultChecks(config).map((c) => ({
    id: c.id,
    type: c.type,
    severity: c.severity,
    scope: c.scope,
    options: c.type === 'lineage' ? { requireDatasets: false, requireMetrics: false } : c.options,
  }));
  return { config, file: undefined, positionOf: () => undefined, discovered: discovered.counts };
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** What the editor and `mlops check` say when the checks ran without mlops.yaml. */
export function discoveredNotice(counts: { models: number; datasets: number; notebooks: number }): string {
  return `No ${CONFIG_FILE}: the default checks ran on what was found (${plural(counts.models, 'model')}, ${plural(counts.datasets, 'dataset')}, ${plural(counts.notebooks, 'notebook')}). Create ${CONFIG_FILE} ('mlops init') to name them and refine the checks.`;
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
