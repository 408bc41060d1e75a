import assert from 'node:assert/strict';
import path from 'node:path';
import * as vscode from 'vscode';
import type { Logger } from '../../src/core/logging';
import { InThreadWork, WorkerWork } from '../../src/core/worker/client';
import type { CheckFolderOutcome } from '../../src/core/worker/protocol';
import { activateExtension, EXTENSION_ID } from './activation.test';

const NOW = Date.UTC(2026, 5, 1);

function recordingLogger(lines: string[]): Logger {
  const record = (level: string) => (message: string | Error) => void lines.push(`${level}: ${String(message)}`);
  return {
    trace: record('trace'),
    debug: record('debug'),
    info: record('info'),
    warn: record('warn'),
    error: record('error'),
  };
}

const withoutTimings = (value: unknown): unknown =>
  JSON.parse(JSON.stringify(value, (key, v: unknown) => (key === 'durationMs' ? 0 : v)));

describe('background worker in the extension host', function () {
  this.timeout(120_000);

  it('starts the shipped dist/worker.js here and runs the checks with the results of an in-thread run', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
    const root = vscode.workspace.workspaceFolders![0].uri.fsPath;
    const lines: string[] = [];
    const work = new WorkerWork({
      script: path.join(extension.extensionPath, 'dist', 'worker.js'),
      logger: recordingLogger(lines),
    });
    try {
      const request = { kind: 'checkFolder', root, trusted: vscode.workspace.isTrusted, now: NOW } as const;
      const inWorker: CheckFolderOutcome = await work.run(request);
      assert.equal(work.fellBack, false, lines.join('\n'));
      assert.equal(inWorker.status, 'ok');
      assert.ok(inWorker.results.length >= 10);
      const inThread = await new InThreadWork(recordingLogger([])).run(request);
      assert.deepEqual(withoutTimings(inWorker), withoutTimings(inThread));
    } finally {
      work.dispose();
    }
  });

  it("shows the worker's results in the checks runner", async () => {
    const api = await activateExtension();
    const checks = api.checks!;
    await checks.runner.run('worker test');
    const [run] = checks.runner.folderRuns;
    assert.equal(run?.report.status, 'ok');
    const root = vscode.workspace.workspaceFolders![0].uri.fsPath;
    const fresh = await new InThreadWork(recordingLogger([])).run({
      kind: 'checkFolder',
      root,
      trusted: vscode.workspace.isTrusted,
    });
    if (!run) return;
    assert.deepEqual(
      withoutTimings(run.report.results.map((r) => [r.checkId, r.status, r.target, r.key])),
      withoutTimings(fresh.results.map((r) => [r.checkId, r.status, r.target, r.key])),
    );
    // Rename fixes keep their filled-in target across the thread boundary (keyed by the result objects).
    assert.equal(run.renameTargets.size, fresh.renameTargets.length);
    for (const [result] of run.renameTargets) assert.ok(run.report.results.includes(result));
  });
});
