// A registry model and an A/B comparison as the Model Dashboard's messages carry them (no VS Code API: the panel's
// Chromium tests build their messages with it too).
import { versionRows } from '../../core/registry/dashboard';
import { versionDiffToMarkdown, type VersionDiff } from '../../core/registry/diff';
import type { RegistryModel } from '../../core/registry/model';
import type { CompareView, DashboardModel } from '../../protocol/modelDashboard';

export function dashboardModel(m: RegistryModel): DashboardModel {
  const model: DashboardModel = {
    name: m.name,
    deprecated: m.deprecated,
    sources: [...m.sources],
    stages: m.stages,
    versions: versionRows(m.versions, [], {}, []),
  };
  if (m.description) model.description = m.description;
  if (m.path) model.path = m.path;
  if (m.latest) model.latest = m.latest;
  return model;
}

/** The compare view of a diff of two versions of `model` (or a version and the workspace). */
export function compareView(model: string, diff: VersionDiff): CompareView {
  return {
    model,
    a: diff.a.version,
    b: diff.b.version,
    metrics: diff.metrics.entries,
    ...(diff.metricsAbsent ? { metricsAbsent: diff.metricsAbsent } : {}),
    params: diff.params,
    datasets: diff.datasets,
    environment: diff.environment,
    commits: diff.commits,
    markdown: versionDiffToMarkdown(diff),
    problems: diff.problems,
  };
}
