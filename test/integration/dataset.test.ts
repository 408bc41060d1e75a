import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { diffAt, profileAt } from '../../src/core/data/dataset';
import { datasetHistory } from '../../src/core/data/versions';
import type { ExtensionApi } from '../../src/extension';
import type { HostToWebview } from '../../src/protocol/dataset';
import { activateExtension } from './activation.test';
import { waitFor } from './wait';

const DATA = 'data/transactions.csv';

function root(): string {
  return vscode.workspace.workspaceFolders![0].uri.fsPath;
}

describe('Dataset panel on the demo', () => {
  let api: ExtensionApi;

  before(async () => {
    api = await activateExtension();
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  function lastPosted<T extends HostToWebview['type']>(
    type: T,
    after: number,
  ): Extract<HostToWebview, { type: T }> | undefined {
    const posted = api.dataset!.posted();
    for (let i = posted.length - 1; i >= after; i--) {
      const m = posted[i];
      if (m?.type === type) return m as Extract<HostToWebview, { type: T }>;
      if (m?.type === 'error') throw new Error(`the panel showed an error: ${m.message}`);
    }
    return undefined;
  }

  it('shows the profile the core computes for data/transactions.csv, with its versions', async () => {
    const before = api.dataset!.posted().length;
    await vscode.commands.executeCommand(
      'mlops.showDatasetProfile',
      vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, DATA),
    );
    const shown = await waitFor('the panel to post a profile', () => lastPosted('profile', before), 60_000);
    const expected = await profileAt({ root: root(), path: DATA });
    assert.deepEqual(shown.profile, expected);
    assert.equal(shown.profile.rows, 20_000);
    assert.deepEqual(
      shown.profile.columns.map((c) => c.name),
      ['transaction_id', 'timestamp', 'amount', 'merchant_category', 'country', 'card_present', 'hour', 'is_fraud'],
    );
    const history = await datasetHistory(root(), DATA);
    assert.ok(history.changes.length >= 3, `three data versions in git, got ${history.changes.length}`);
    assert.deepEqual(
      shown.versions.map((v) => v.revision),
      ['workspace', ...history.changes.map((c) => c.commit)],
    );
    assert.match(shown.facts.updateFrequency ?? '', /^\d+ versions in \d+ days \(about every \d+ days?\)$/);
    assert.equal(vscode.window.tabGroups.activeTabGroup.activeTab?.label, 'Dataset: transactions.csv');

    // The same bytes again: from the cache, same figures.
    const again = api.dataset!.posted().length;
    api.dataset!.show({ folder: root(), path: DATA });
    const cached = await waitFor('the cached profile', () => lastPosted('profile', again), 60_000);
    assert.equal(cached.cached, true);
    assert.deepEqual(cached.profile, expected);
  });

  it('compares the newest version with the one before: amount and merchant_category drift', async () => {
    const history = await datasetHistory(root(), DATA);
    const [newest, previous] = history.changes;
    assert.ok(newest && previous);
    const panel = api.dataset!.current();
    assert.ok(panel, 'the panel is open');
    const before = api.dataset!.posted().length;
    await panel.compare(previous.commit, newest.commit);
    const shown = await waitFor('the panel to post a comparison', () => lastPosted('compare', before), 60_000);
    const expected = await diffAt({ root: root(), path: DATA, reference: previous.commit, current: newest.commit });
    assert.deepEqual(shown.report, expected.report);
    const verdict = Object.fromEntries(shown.report.columns.map((c) => [c.column, c.drifted]));
    assert.equal(verdict.amount, true, JSON.stringify(shown.report.columns));
    assert.equal(verdict.merchant_category, true, JSON.stringify(shown.report.columns));
    assert.equal(verdict.hour, false, JSON.stringify(shown.report.columns));
    assert.equal(shown.report.reference, previous.commit);
    assert.equal(shown.current.rows, 20_000);
  });

  it('says a version whose bytes are missing cannot be read, and what to do', async () => {
    const panel = api.dataset!.current();
    assert.ok(panel);
    const before = api.dataset!.posted().length;
    await panel.compare('0000000000000000000000000000000000000000', 'workspace');
    const error = await waitFor('an error', () => {
      const m = api
        .dataset!.posted()
        .slice(before)
        .find((p) => p.type === 'error');
      return m?.type === 'error' ? m : undefined;
    });
    assert.match(error.message, /^Could not compare workspace with 0{40}: /);
    assert.ok(error.hint && /commit the file, or pull it with DVC/.test(error.hint));
  });
});
