// The git history of the workspace's followed files: the current branch (or every branch), tags and DVC
// experiment refs (refs/exps), one run per revision. Read with the streaming history reader; needs git and trust.
import type { Run } from '../model';
import { outsideMessage, resolveInside } from '../../security/confine';
import { formatDate } from '../report';
import type { FollowedFiles, MetricSourceDefinition, SourceProblem, SourceReadResult } from './types';
import { summarizeProblems } from './types';

export const DEFAULT_MAX_HISTORY = 10_000;

/** The followed files that resolve inside the folder now (a symlink out of it is refused at every revision too). */
export function confineFollowed(root: string, followed: FollowedFiles): { followed: FollowedFiles; refused: string[] } {
  const refused: string[] = [];
  const keep = (p: string): boolean => {
    if (resolveInside(root, p)) return true;
    refused.push(p);
    return false;
  };
  return {
    followed: {
      metrics: followed.metrics.filter(keep),
      params: followed.params.filter((p) => keep(p.path)),
      plots: followed.plots.filter(keep),
      live: followed.live.filter(keep),
    },
    refused,
  };
}

/**
 * Revisions without a metric value, explained at the newest of them: on a DVC project the metrics files a stage
 * writes with the cache on are DVC-tracked, so git holds only their hash (dvc.lock) and the history has no values.
 */
async function cachedMetricsProblem(
  root: string,
  metrics: readonly string[],
  runs: readonly Run[],
): Promise<SourceProblem | undefined> {
  const empty = runs.filter((r) => r.metrics.length === 0 && !r.textMetrics?.length);
  const newest = empty[0];
  if (!metrics.length || !newest?.revision) return undefined;
  let absent;
  try {
    const { explainAbsentAtRevision } = await import('../absence.js');
    absent = (await explainAbsentAtRevision(root, newest.revision, metrics)).filter((a) => a.state === 'not-pulled');
  } catch {
    return undefined; // The revision's DVC files are unreadable: the history reader reports what it could not read.
  }
  if (!absent.length) return undefined;
  const at = newest.revisionInfo?.shortSha ?? newest.revision.slice(0, 7);
  const files = absent.map((a) => (a.within ? `${a.path} (in the folder ${a.within})` : a.path)).join(', ');
  return {
    severity: 'info',
    message: `${empty.length} of ${runs.length} revisions have no metric values in git. At ${at}, the newest of them, ${files} ${absent.length === 1 ? 'is' : 'are'} DVC-tracked: dvc.lock holds ${absent.length === 1 ? 'its hash' : 'their hashes'}, the DVC cache or remote the values. Run "dvc fetch --all-commits --type metrics" and compare with "dvc metrics diff" or "dvc exp show".`,
  };
}

export const gitHistorySource: MetricSourceDefinition = {
  kind: 'git',
  label: 'Git history',
  description: 'The followed metrics files at each revision of the current branch, tags and DVC experiments.',
  discovery: 'repository',
  watch: 'gitRefs',
  needs: { git: true, trust: true },
  async read(location, context): Promise<SourceReadResult> {
    const { followed, refused } = confineFollowed(context.root, context.followed);
    const problems: SourceProblem[] = refused.map((p) => ({ severity: 'warning', message: outsideMessage(p) }));
    const maxCount = context.maxHistory ?? DEFAULT_MAX_HISTORY;
    // The history reader (git processes, the DVC readers) is loaded when a repository's history is read.
    const { readHistory } = await import('../../git/history.js');
    const { dvcMetricsMarkers, fillMetricsFromDvcCache } = await import('../dvcCache.js');
    const result = await readHistory(location, {
      metrics: followed.metrics,
      params: followed.params,
      plots: followed.plots,
      markers: await dvcMetricsMarkers(location, followed.metrics),
      branches: context.historyScope ?? 'current',
      tags: true,
      experiments: true,
      maxCount,
    });
    if (result.shallow) {
      const start = result.start;
      problems.push({
        severity: 'info',
        message: start
          ? `Shallow clone: history goes back to ${start.shortSha} (${formatDate(start.date).slice(0, 10)}).`
          : 'Shallow clone: older history is not available.',
        detail: 'Run `git fetch --unshallow` to read the older revisions.',
      });
    }
    if (result.runs.length >= maxCount)
      problems.push({ severity: 'info', message: `Only the newest ${maxCount} revisions are read.` });
    const summary = summarizeProblems(
      result.errors.map((e) => e.message),
      'metrics files could not be read at some revisions',
    );
    for (const problem of summary) problems.push(problem);
    // Revisions whose metrics files DVC caches: their values from the local DVC cache, when it holds them.
    try {
      const filled = await fillMetricsFromDvcCache(location, followed.metrics, result.runs);
      if (filled > 0)
        problems.push({
          severity: 'info',
          quiet: true,
          message: `The metric values of ${filled} revision${filled === 1 ? '' : 's'} come from the local DVC cache: their metrics files are DVC-tracked (dvc.lock holds the hash, git not the file).`,
        });
    } catch {
      // An unreadable cache or revision leaves those revisions without values, explained below.
    }
    const cached = await cachedMetricsProblem(location, followed.metrics, result.runs);
    if (cached) problems.push(cached);
    return { runs: result.runs, problems };
  },
};
