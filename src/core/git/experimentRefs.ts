// DVC experiment names as revisions, as `dvc exp show` and `dvc exp apply` accept them: an experiment is the ref
// `refs/exps/<2 hex>/<38 hex>/<name>`, where the hex digits are its baseline commit. A name resolves through every
// such ref; the same name on two baselines is ambiguous and the error names the candidates.

/** `refs/exps/<baseline sha split 2/38>/<name>`. */
export const EXPERIMENT_REF = /^refs\/exps\/([0-9a-f]{2})\/([0-9a-f]{38})\/(.+)$/;

export interface ExperimentRef {
  /** The experiment's name (the last part of the ref). */
  name: string;
  /** The full ref, `refs/exps/...`. */
  ref: string;
  /** The commit the ref points at. */
  commit: string;
  /** The commit the experiment ran on. */
  baseline: string;
}

/** The experiment refs among refs (full names with the commit each points at). */
export function experimentRefs(refs: readonly { name: string; commit: string }[]): ExperimentRef[] {
  const out: ExperimentRef[] = [];
  for (const r of refs) {
    const m = EXPERIMENT_REF.exec(r.name);
    if (m) out.push({ name: m[3] ?? '', ref: r.name, commit: r.commit, baseline: `${m[1] ?? ''}${m[2] ?? ''}` });
  }
  return out;
}

/** The same experiment name on more than one ref pointing at different commits. */
export class AmbiguousExperimentError extends Error {
  constructor(
    readonly experiment: string,
    readonly candidates: ExperimentRef[],
  ) {
    super(
      `'${experiment}' names ${candidates.length} DVC experiments: ${candidates
        .map((c) => `${c.ref} (on ${c.baseline.slice(0, 7)})`)
        .join(', ')}. Give the full ref or the commit sha.`,
    );
    this.name = 'AmbiguousExperimentError';
  }
}

/**
 * The experiment a name (or a full `refs/exps/...` ref) names, or undefined when no experiment has it. Refs that
 * point at the same commit are one experiment; different commits throw AmbiguousExperimentError.
 */
export function resolveExperiment(
  refs: readonly { name: string; commit: string }[],
  name: string,
): ExperimentRef | undefined {
  const matches = experimentRefs(refs).filter((e) => e.name === name || e.ref === name);
  const commits = new Set(matches.map((m) => m.commit));
  if (commits.size > 1) throw new AmbiguousExperimentError(name, matches);
  return matches[0];
}
