// An MLflow tracking server, named by a tracking URI (the editor's setting, the CLI's --tracking-uri or
// MLFLOW_TRACKING_URI); a token, when given, comes from secret storage or MLFLOW_TRACKING_TOKEN and is never shown.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MlflowRestClient } from '../../formats/mlflow/rest';
import type { Run } from '../model';
import type { MetricSourceDefinition, SourceReadContext } from './types';
import { summarizeProblems } from './types';

export const DEFAULT_TIMEOUT_MS = 10_000;

export type TrackingTarget =
  | { kind: 'server'; location: string }
  | { kind: 'store' | 'database'; location: string }
  | { kind: 'unsupported'; reason: string };

/** What an MLflow tracking URI names: a server (http/https), a file store (file: or a path), or a database (sqlite:). */
export function trackingTarget(uri: string, root: string): TrackingTarget {
  if (/^https?:\/\//i.test(uri)) return { kind: 'server', location: uri };
  if (/^sqlite:\/\/\//i.test(uri)) {
    const rest = uri.slice('sqlite:///'.length);
    return { kind: 'database', location: rest.startsWith('/') ? rest : path.resolve(root, rest) };
  }
  if (/^file:/i.test(uri)) {
    try {
      return { kind: 'store', location: fileURLToPath(uri) };
    } catch {
      return { kind: 'unsupported', reason: `'${uri}' is not a file URI.` };
    }
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(uri)) {
    return {
      kind: 'unsupported',
      reason: `'${uri.split(':')[0]}' tracking URIs are not supported; use an http(s):// server, a file store or sqlite:///mlflow.db.`,
    };
  }
  return { kind: 'store', location: path.resolve(root, uri) };
}

/** The address shown for a server: its host (never a token or credentials in the URL). */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function clientOf(location: string, context: SourceReadContext): MlflowRestClient {
  return new MlflowRestClient({
    baseUrl: location,
    token: context.token || undefined,
    timeoutMs: context.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    maxPages: context.maxPages,
    maxResponseBytes: context.maxResponseBytes,
  });
}

export const mlflowServerSource: MetricSourceDefinition = {
  kind: 'mlflow-rest',
  label: 'MLflow server',
  description: 'An MLflow tracking server (http or https), with a bearer token when one is set.',
  discovery: 'trackingUri',
  watch: [],
  needs: { network: true, secret: true, trust: true },
  async read(location, context) {
    const listing = await clientOf(location, context).listRuns();
    return {
      runs: listing.runs,
      problems: summarizeProblems(
        listing.problems.map((e) => e.message),
        'runs could not be read',
      ),
    };
  },
  async readFull(location, context): Promise<Run[]> {
    return (await clientOf(location, context).listRuns({ fullHistory: true })).runs;
  },
};
