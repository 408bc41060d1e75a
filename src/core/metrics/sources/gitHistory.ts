// The git history of the workspace's followed files: the current branch (or every branch), tags and DVC
// experiment refs (refs/exps), one run per revision. Read with the streaming history reader; needs git and trust.
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
    const result = await readHistory(location, {
      metrics: followed.metrics,
      params: followed.params,
      plots: followed.plots,
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
    return { runs: result.runs, problems };
  },
};
