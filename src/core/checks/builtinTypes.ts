// The built-in check types, in the order the documentation lists them.
import type { CheckTypeDefinition } from './checkType';
import { dataDrift, dataSchema } from './builtin/dataChecks';
import { environment } from './builtin/environment';
import { largeFileUntracked } from './builtin/largeFileUntracked';
import { lineage } from './builtin/lineage';
import { metricRegression } from './builtin/metricRegression';
import { metricThreshold } from './builtin/metricThreshold';
import { namingConvention } from './builtin/namingConvention';
import { notebookHygiene } from './builtin/notebookHygiene';
import { requiredFiles } from './builtin/requiredFiles';
import { serviceSlo } from './builtin/serviceSlo';
import { staleness } from './builtin/staleness';
import { stageGate } from './builtin/stageGate';

export const BUILTIN_CHECK_TYPES: readonly CheckTypeDefinition[] = [
  metricThreshold,
  metricRegression,
  namingConvention,
  largeFileUntracked,
  notebookHygiene,
  lineage,
  staleness,
  environment,
  requiredFiles,
  stageGate,
  dataSchema,
  dataDrift,
  serviceSlo,
];

export function checkTypeNamed(type: string): CheckTypeDefinition | undefined {
  return BUILTIN_CHECK_TYPES.find((t) => t.type === type);
}
