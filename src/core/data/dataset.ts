// The entry points the Dataset panel, the checks and `mlops data` share: a dataset's profile at a revision (cached
// by content hash) and the drift report between two revisions.
import { type ReadOptions } from '../formats/data/read';
import { DataFormatError, formatOf, type DataFormat } from '../formats/data/source';
import { driftReport, type DriftOptions } from './drift';
import { type DatasetProfile, type DriftReport } from './model';
import { collectDataset, hashSource, type CollectedDataset, type Limits } from './profile';
import { type ProfileCache } from '../formats/data/profileCache';
import { datasetAt, WORKSPACE } from './versions';

export interface DatasetRequest {
  /** The repository's (or workspace folder's) top folder. */
  root: string;
  /** The dataset path relative to root (posix). */
  path: string;
  /** A git revision, or `workspace` (default). */
  revision?: string;
  format?: DataFormat;
  cache?: ProfileCache;
  limits?: Partial<Limits>;
  read?: ReadOptions;
}

export function formatFor(dataPath: string, format?: DataFormat): DataFormat {
  const f = format ?? formatOf(dataPath);
  if (!f)
    throw new DataFormatError(
      `${dataPath}: not a dataset format MLOps Workbench reads (CSV, TSV, JSON Lines, Parquet); pass the format.`,
    );
  return f;
}

/** Reads a dataset version once: its profile and the column values drift needs. */
export async function collectAt(request: DatasetRequest): Promise<CollectedDataset> {
  const revision = request.revision ?? WORKSPACE;
  const bytes = await datasetAt(request.root, request.path, revision);
  return collectDataset({
    source: bytes.source,
    format: formatFor(request.path, request.format),
    path: request.path,
    revision,
    hash: bytes.md5,
    limits: request.limits,
    read: request.read,
  });
}

/** A dataset's profile at a revision, from the cache when the same bytes were profiled before. */
export async function profileAt(request: DatasetRequest): Promise<DatasetProfile> {
  const revision = request.revision ?? WORKSPACE;
  const bytes = await datasetAt(request.root, request.path, revision);
  const hash = bytes.md5 ?? hashSource(bytes.source);
  const cached = request.cache?.get(hash);
  if (cached) return { ...cached, path: request.path, revision };
  const { profile } = await collectDataset({
    source: bytes.source,
    format: formatFor(request.path, request.format),
    path: request.path,
    revision,
    hash,
    profileOnly: true,
    limits: request.limits,
    read: request.read,
  });
  await request.cache?.set(hash, profile);
  return profile;
}

/** The drift report between a reference and a current revision of one dataset. */
export async function diffAt(
  request: Omit<DatasetRequest, 'revision'> & { reference: string; current: string },
  options: Partial<DriftOptions> = {},
): Promise<{ report: DriftReport; reference: DatasetProfile; current: DatasetProfile }> {
  const ref = await collectAt({ ...request, revision: request.reference });
  const cur = await collectAt({ ...request, revision: request.current });
  const report = driftReport(
    {
      path: request.path,
      reference: { revision: request.reference, columns: ref.columns },
      current: { revision: request.current, columns: cur.columns },
    },
    options,
  );
  return { report, reference: ref.profile, current: cur.profile };
}
