import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension';
import type { HostToWebview, WebviewToHost } from '../../src/protocol/telemetry';
import { activateExtension } from './activation.test';
import { waitFor } from './wait';

const LOG = path.join('logs', 'predictions.jsonl');

function root(): string {
  return vscode.workspace.workspaceFolders![0].uri.fsPath;
}

interface Line {
  timestamp: string;
  model: string;
  model_version: string;
  caller: string;
  latency_ms: number;
  status: string;
}

interface Figures {
  requests: number;
  errors: number;
  p95: number;
}

function readLines(file: string): Line[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Line);
}

/** numpy.percentile's default ("linear") method: interpolate between the two nearest ranks of the sorted values. */
function linearPercentile(sorted: readonly number[], p: number): number {
  const position = ((sorted.length - 1) * p) / 100;
  const lower = Math.floor(position);
  const upper = Math.min(lower + 1, sorted.length - 1);
  return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - lower);
}

/** Requests, errors and p95 latency of each `model@version`, counted from the raw lines. */
function recount(lines: readonly Line[]): Map<string, Figures> {
  const latencies = new Map<string, number[]>();
  const errors = new Map<string, number>();
  for (const line of lines) {
    const key = `${line.model}@${line.model_version}`;
    const list = latencies.get(key) ?? [];
    list.push(line.latency_ms);
    latencies.set(key, list);
    errors.set(key, (errors.get(key) ?? 0) + (line.status === 'error' ? 1 : 0));
  }
  const out = new Map<string, Figures>();
  for (const [key, list] of latencies) {
    const sorted = [...list].sort((a, b) => a - b);
    out.set(key, { requests: list.length, errors: errors.get(key) ?? 0, p95: linearPercentile(sorted, 95) });
  }
  return out;
}

type Summary = Extract<HostToWebview, { type: 'summary' }>;

describe('Telemetry panel on the demo', function () {
  this.timeout(180_000);
  let api: ExtensionApi;

  before(async () => {
    api = await activateExtension();
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('notifications.clearAll');
  });

  /** The newest message of `type` the panel was sent that is not in `seen` (the hook keeps only the last few). */
  function newest<T extends HostToWebview['type']>(
    type: T,
    seen: ReadonlySet<HostToWebview>,
  ): Extract<HostToWebview, { type: T }> | undefined {
    const posted = api.telemetry!.posted();
    for (let i = posted.length - 1; i >= 0; i--) {
      const m = posted[i];
      if (seen.has(m)) return undefined;
      if (m.type === 'error') throw new Error(`the panel showed an error: ${m.message}`);
      if (m.type === 'empty') throw new Error(`the panel showed an empty state: ${m.title}`);
      if (m.type === type) return m as Extract<HostToWebview, { type: T }>;
    }
    return undefined;
  }

  function newestReceived(seen: ReadonlySet<WebviewToHost>): Extract<WebviewToHost, { type: 'rendered' }> | undefined {
    const received = api.telemetry!.received();
    for (let i = received.length - 1; i >= 0; i--) {
      const m = received[i];
      if (seen.has(m)) return undefined;
      if (m.type === 'rendered' && m.view === 'summary') return m;
    }
    return undefined;
  }

  function assertFigures(shown: Summary, lines: readonly Line[]): void {
    const expected = recount(lines);
    assert.deepEqual(
      shown.summary.groups.map((g) => g.key).sort(),
      [...expected.keys()].sort(),
      'one group per model version of the log',
    );
    for (const group of shown.summary.groups) {
      const want = expected.get(group.key)!;
      assert.equal(group.requests, want.requests, `${group.key} requests`);
      assert.equal(group.errors, want.errors, `${group.key} errors`);
      assert.ok(
        Math.abs(group.latency.p95! - want.p95) < 1e-9,
        `${group.key} p95 latency: the panel shows ${group.latency.p95}, the recount gives ${want.p95}`,
      );
    }
  }

  it('shows per-version requests, errors and p95 latency equal to a recount of the log, and the regressed version breaching its SLO', async () => {
    const lines = readLines(path.join(root(), LOG));
    assert.equal(lines.length, 10_000);
    const seenPosted = new Set(api.telemetry!.posted());
    const seenReceived = new Set(api.telemetry!.received());
    // A fresh panel, so what it posts is the first read of the log.
    api.telemetry!.current()?.dispose();
    await vscode.commands.executeCommand('mlops.showTelemetry');
    const shown = await waitFor('the panel to post its figures', () => newest('summary', seenPosted), 90_000);

    assert.deepEqual(shown.range, { preset: 'all' }, 'all events by default');
    assert.equal(shown.summary.percentiles.exact, true, 'exact percentiles on a log this size');
    assert.deepEqual(
      shown.summary.groups.map((g) => g.key).sort(),
      ['fraud-classifier@1.2.0', 'fraud-classifier@2.0.0'],
      'the two versions of the A/B split',
    );
    assertFigures(shown, lines);
    const expected = recount(lines);
    assert.ok(
      expected.get('fraud-classifier@2.0.0')!.p95 > 250 && expected.get('fraud-classifier@1.2.0')!.p95 < 250,
      'the log itself has 2.0.0 above the 250 ms objective and 1.2.0 below it',
    );

    // The SLO breach the panel shows names the regressed version, and only it.
    assert.equal(shown.breaches.length, 1, shown.breaches.map((b) => b.message).join(' | '));
    const [breach] = shown.breaches;
    assert.equal(breach.model, 'fraud-classifier');
    assert.equal(breach.version, '2.0.0');
    assert.match(breach.message, /2\.0\.0/);
    assert.doesNotMatch(breach.message, /1\.2\.0/);

    // The page drew both versions side by side.
    const drawn = await waitFor('the page to draw the figures', () => newestReceived(seenReceived), 60_000);
    assert.equal(drawn.versions, 2);
    assert.ok(drawn.charts > 0, `charts drawn: ${drawn.charts}`);
  });

  it('reads the log again by itself when lines are appended, and again when the log is put back', async () => {
    const file = path.join(root(), LOG);
    const original = fs.readFileSync(file, 'utf8');
    const lines = readLines(file);
    const last = Date.parse(lines[lines.length - 1].timestamp);
    const production = recount(lines).get('fraud-classifier@1.2.0')!.requests;
    // 200 slow requests of the production version, every fourth failing, after the last one logged.
    const appended: Line[] = Array.from({ length: 200 }, (_, i) => ({
      timestamp: new Date(last + (i + 1) * 1000).toISOString(),
      model: 'fraud-classifier',
      model_version: '1.2.0',
      caller: 'batch-rescoring',
      latency_ms: 400 + i,
      status: i % 4 === 0 ? 'error' : 'ok',
    }));
    await waitFor('the open panel', () => api.telemetry!.current());
    const requestsOf = (m: Summary): number | undefined =>
      m.summary.groups.find((g) => g.key === 'fraud-classifier@1.2.0')?.requests;
    /** The next figures the panel posts without being asked whose production count is `requests`. */
    const nextWith = (requests: number, seen: ReadonlySet<HostToWebview>) =>
      waitFor(
        `the panel to show ${requests} production requests by itself`,
        () => {
          const m = newest('summary', seen);
          return m && requestsOf(m) === requests ? m : undefined;
        },
        90_000,
      );
    try {
      const seen = new Set(api.telemetry!.posted());
      fs.writeFileSync(
        file,
        (original.endsWith('\n') ? original : `${original}\n`) +
          appended.map((l) => JSON.stringify(l)).join('\n') +
          '\n',
      );
      const before = api.telemetryStatus!.snapshot.refreshes;
      // No Refresh: the log's change alone brings the new figures, to the panel and to the SLO status item.
      const shown = await nextWith(production + 200, seen);
      assertFigures(shown, [...lines, ...appended]);
      await waitFor(
        'the SLO status item to read the log again',
        () => api.telemetryStatus!.snapshot.refreshes > before,
      );
    } finally {
      fs.writeFileSync(file, original);
    }
    // Back to the demo's log: its figures again, by itself too.
    const seen = new Set(api.telemetry!.posted());
    const restored = await nextWith(production, seen);
    assertFigures(restored, readLines(file));
  });
});
