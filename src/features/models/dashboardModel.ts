// A registry model as the Model Dashboard's message carries it (no VS Code API: the panel's Chromium tests build
// their messages with it too).
import { versionRows } from '../../core/registry/dashboard';
import type { RegistryModel } from '../../core/registry/model';
import type { DashboardModel } from '../../protocol/modelDashboard';

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
