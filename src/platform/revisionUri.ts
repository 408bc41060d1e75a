// `mlops-rev:` URIs: a file at a git revision, opened read-only by the revisions file system and linked to by the
// explorer, notebooks and experiments features.
import * as vscode from 'vscode';

export const REVISION_SCHEME = 'mlops-rev';

export interface RevisionRef {
  /** Absolute path of the repository root. */
  repo: string;
  /** Commit sha (or any revision git understands). */
  rev: string;
  /** Path of the file relative to the repository root, with forward slashes. */
  path: string;
}

/**
 * `mlops-rev:/<path>?<query>` URIs name a file at a git revision. The URI path ends with the file's own name so
 * editors pick the right language or notebook serializer; the query carries the repository and revision.
 */
export function revisionUri(ref: RevisionRef): vscode.Uri {
  const shortRev = ref.rev.length > 12 ? ref.rev.slice(0, 7) : ref.rev;
  return vscode.Uri.from({
    scheme: REVISION_SCHEME,
    path: `/${shortRev}/${ref.path}`,
    query: JSON.stringify({ repo: ref.repo, rev: ref.rev, path: ref.path }),
  });
}

export function parseRevisionUri(uri: vscode.Uri): RevisionRef {
  if (uri.scheme !== REVISION_SCHEME) throw vscode.FileSystemError.FileNotFound(uri);
  try {
    const parsed = JSON.parse(uri.query) as Partial<RevisionRef>;
    if (typeof parsed.repo === 'string' && typeof parsed.rev === 'string' && typeof parsed.path === 'string') {
      return { repo: parsed.repo, rev: parsed.rev, path: parsed.path };
    }
  } catch {
    // fall through
  }
  throw vscode.FileSystemError.FileNotFound(uri);
}
