// The revisions of a notebook (commits that changed it, and tags), with one-line semantic summaries computed lazily
// in small batches from the blobs (one `git cat-file --batch` process), and the quick pick that shows them.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CatFileBatch } from '../../core/git/catFile';
import { fileHistory, type GitRepository } from '../../core/git/state';
import { errorMessage } from '../../core/logging';
import { describeDiff, diffNotebooks } from '../../core/notebooks/diff';
import { parseNotebook, type NotebookDocument } from '../../core/formats/notebook/format';
import { relativeTime } from '../../core/relativeTime';
import { blobIds, listTags, repoRelative } from './git';

/** How many commits of a notebook are listed. */
export const MAX_REVISIONS = 200;
/** How many summaries are computed between two updates of the list. */
const BATCH = 6;

export interface NotebookRevision {
  kind: 'commit' | 'tag';
  /** The commit. */
  sha: string;
  shortSha: string;
  /** For tags: the tag name. */
  tag?: string;
  subject: string;
  author: string;
  /** Milliseconds since the epoch. */
  date: number;
  /** The notebook's path at that revision, relative to the repository root. */
  path: string;
  /** The notebook's blob at that revision. */
  blob: string;
  /** For history entries: the previous (older) version, when there is one. */
  previousBlob?: string;
  previousSha?: string;
  previousPath?: string;
  /** The one-line summary, once computed. */
  summary?: string;
}

export interface RevisionList {
  repo: GitRepository;
  file: string;
  /** Relative to the repository root. */
  relative: string;
  revisions: NotebookRevision[];
  /** The history stops at a shallow clone's boundary, or at MAX_REVISIONS. */
  truncated: boolean;
  shallow: boolean;
}

/**
 * The commits that changed the notebook (newest first, following renames, at most MAX_REVISIONS) and, when
 * `withTags`, every tag whose commit contains the notebook (listed first).
 */
export async function listRevisions(
  repo: GitRepository,
  file: string,
  options: { withTags: boolean; signal?: AbortSignal },
): Promise<RevisionList> {
  const relative = repoRelative(repo, file);
  if (relative === undefined) throw new Error(`${file} is not inside the repository at ${repo.root}.`);
  const history = await fileHistory(repo, file, { maxCount: MAX_REVISIONS + 1, signal: options.signal });
  const truncated = history.entries.length > MAX_REVISIONS;
  // One more than shown: the oldest shown revision's previous version.
  const entries = history.entries.filter((entry) => entry.change !== 'D');
  const shown = Math.min(entries.length, MAX_REVISIONS);
  const tags = options.withTags ? await listTags(repo, options.signal) : [];
  const pathAt = new Map(entries.map((entry) => [entry.sha, entry.path]));
  const tagPaths = tags.map((tag) => pathAt.get(tag.commit) ?? relative);
  // Blob ids of every entry (including the one before the oldest shown) and of every tag, in one git process.
  const names = [
    ...entries.map((entry) => `${entry.sha}:${entry.path}`),
    ...tags.map((tag, index) => `${tag.commit}:${tagPaths[index]}`),
  ];
  const blobs = await blobIds(repo, names, options.signal);
  const revisions: NotebookRevision[] = [];
  tags.forEach((tag, index) => {
    const blob = blobs[entries.length + index];
    if (!blob) return;
    revisions.push({
      kind: 'tag',
      sha: tag.commit,
      shortSha: tag.commit.slice(0, 7),
      tag: tag.name,
      subject: tag.subject,
      author: tag.author,
      date: tag.date,
      path: tagPaths[index] ?? relative,
      blob,
    });
  });
  entries.slice(0, shown).forEach((entry, index) => {
    const blob = blobs[index];
    if (!blob) return;
    const previousBlob = blobs[index + 1];
    const previousEntry = entries[index + 1];
    const previous =
      previousEntry && previousBlob
        ? { previousBlob, previousSha: previousEntry.sha, previousPath: previousEntry.path }
        : {};
    revisions.push({
      kind: 'commit',
      sha: entry.sha,
      shortSha: entry.shortSha,
      subject: entry.subject,
      author: entry.author,
      date: entry.date,
      path: entry.path,
      blob,
      ...previous,
    });
  });
  return { repo, file, relative, revisions, truncated, shallow: history.shallow };
}

/**
 * Computes summaries of revisions against a fixed notebook (the working copy) or against each one's previous
 * revision, reading each blob once and parsing it once.
 */
export class SummaryComputer {
  private readonly cat: CatFileBatch;
  private readonly parsed = new Map<string, Promise<NotebookDocument>>();
  private readonly summaries = new Map<string, string>();

  constructor(
    private readonly repo: GitRepository,
    private readonly against: { kind: 'working'; notebook: NotebookDocument } | { kind: 'previous' },
  ) {
    this.cat = new CatFileBatch(repo.root);
  }

  private load(blob: string): Promise<NotebookDocument> {
    let pending = this.parsed.get(blob);
    if (!pending) {
      pending = this.cat.read(blob).then((object) => {
        if (!object) throw new Error(`blob ${blob.slice(0, 7)} is missing`);
        return parseNotebook(object.content, { file: blob.slice(0, 7) });
      });
      this.parsed.set(blob, pending);
      // Keep memory bounded: only recent parses are kept (history summaries need the previous one).
      if (this.parsed.size > 8) this.parsed.delete(this.parsed.keys().next().value as string);
    }
    return pending;
  }

  async summarize(revision: NotebookRevision): Promise<string> {
    const key = this.against.kind === 'working' ? revision.blob : `${revision.previousBlob ?? ''}>${revision.blob}`;
    const known = this.summaries.get(key);
    if (known !== undefined) return known;
    let summary: string;
    try {
      if (this.against.kind === 'working') {
        summary = describeDiff(diffNotebooks(await this.load(revision.blob), this.against.notebook));
      } else if (revision.previousBlob) {
        summary = describeDiff(diffNotebooks(await this.load(revision.previousBlob), await this.load(revision.blob)));
      } else {
        const cells = (await this.load(revision.blob)).notebook.cells.length;
        summary = `first version: ${cells} cell${cells === 1 ? '' : 's'}`;
      }
    } catch (err) {
      summary = `cannot compare: ${errorMessage(err)}`;
    }
    this.summaries.set(key, summary);
    return summary;
  }

  /** Fills `summary` of every revision, in order, in batches; stops when `shouldStop` says so. */
  async summarizeAll(
    revisions: readonly NotebookRevision[],
    onBatch?: (done: number) => void,
    shouldStop?: () => boolean,
  ): Promise<void> {
    for (let start = 0; start < revisions.length; start += BATCH) {
      if (shouldStop?.()) return;
      for (const revision of revisions.slice(start, start + BATCH)) revision.summary = await this.summarize(revision);
      onBatch?.(Math.min(revisions.length, start + BATCH));
      // Let the extension host breathe between batches.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  dispose(): void {
    void this.cat.close();
  }
}

interface RevisionItem extends vscode.QuickPickItem {
  revision?: NotebookRevision;
}

function itemOf(revision: NotebookRevision, againstLabel: string): RevisionItem {
  const when = relativeTime(revision.date);
  if (revision.kind === 'tag') {
    return {
      label: `$(tag) ${revision.tag ?? ''}`,
      description: `${revision.shortSha} · ${revision.author} · ${when}${revision.subject ? ` · ${revision.subject}` : ''}`,
      detail: revision.summary !== undefined ? `${againstLabel}: ${revision.summary}` : '$(loading~spin) comparing…',
      revision,
    };
  }
  return {
    label: `$(git-commit) ${revision.subject}`,
    description: `${revision.shortSha} · ${revision.author} · ${when}`,
    detail: revision.summary !== undefined ? `${againstLabel}: ${revision.summary}` : '$(loading~spin) comparing…',
    revision,
  };
}

/**
 * A quick pick of revisions whose summaries fill in as they are computed (the pick is busy meanwhile; closing it
 * stops the work). Resolves with the chosen revision.
 */
export async function pickRevision(
  list: RevisionList,
  computer: SummaryComputer,
  options: {
    title: string;
    placeholder: string;
    againstLabel: string;
    onItems?: (items: readonly vscode.QuickPickItem[]) => void;
  },
): Promise<NotebookRevision | undefined> {
  const pick = vscode.window.createQuickPick<RevisionItem>();
  pick.title = options.title;
  pick.placeholder = options.placeholder;
  pick.matchOnDescription = true;
  pick.matchOnDetail = true;
  const tags = list.revisions.filter((r) => r.kind === 'tag');
  const commits = list.revisions.filter((r) => r.kind === 'commit');
  const build = (): RevisionItem[] => [
    ...(tags.length
      ? [
          { label: 'Tags', kind: vscode.QuickPickItemKind.Separator },
          ...tags.map((r) => itemOf(r, options.againstLabel)),
        ]
      : []),
    {
      label: list.truncated
        ? `Commits (the last ${MAX_REVISIONS})`
        : list.shallow
          ? 'Commits (shallow clone: older ones are not available)'
          : 'Commits',
      kind: vscode.QuickPickItemKind.Separator,
    },
    ...commits.map((r) => itemOf(r, options.againstLabel)),
  ];
  pick.items = build();
  options.onItems?.(pick.items);
  pick.busy = true;
  let closed = false;
  const chosen = new Promise<NotebookRevision | undefined>((resolve) => {
    pick.onDidAccept(() => {
      const revision = pick.selectedItems[0]?.revision ?? pick.activeItems[0]?.revision;
      if (!revision) return;
      resolve(revision);
      pick.hide();
    });
    pick.onDidHide(() => {
      closed = true;
      resolve(undefined);
    });
  });
  pick.show();
  // Tags first, then commits: the order the list shows them.
  const ordered = [...tags, ...commits];
  const total = ordered.length;
  const work = computer
    .summarizeAll(
      ordered,
      (done) => {
        if (closed) return;
        const active = pick.activeItems[0]?.revision;
        pick.items = build();
        const again = active ? pick.items.find((item) => item.revision === active) : undefined;
        if (again) pick.activeItems = [again];
        pick.title = done < total ? `${options.title} — comparing ${done}/${total}` : options.title;
        options.onItems?.(pick.items);
      },
      () => closed,
    )
    .finally(() => {
      if (!closed) pick.busy = false;
    });
  const result = await chosen;
  await work.catch(() => undefined);
  pick.dispose();
  return result;
}

/** "name (abc1234)" for titles. */
export function revisionLabel(file: string, revision: { shortSha: string; tag?: string }): string {
  return `${path.basename(file)} (${revision.shortSha})`;
}
