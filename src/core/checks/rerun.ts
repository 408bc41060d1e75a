// File-name globs the check types' `rerunOn` facts share: model and dataset artifacts.
import { DATASET_EXTENSIONS, MODEL_EXTENSIONS } from '../workspace/discovery';

/** `*.pkl`, `*.csv`, ...: the files of models and datasets. */
export const ARTIFACT_GLOBS: readonly string[] = [...MODEL_EXTENSIONS, ...DATASET_EXTENSIONS].map((e) => `*${e}`);
