import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { diffAt, profileAt } from '../../src/core/data/dataset';
import { readDatasetSchema, readDriftConfig, validateDataset } from '../../src/core/data/schema';
import { datasetAt, datasetHistory } from '../../src/core/data/versions';
import { loadConfig } from '../../src/core/formats/mlopsYaml/validate';
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
    // The schema of mlops.yaml, validated as the data-schema check does.
    const entry = (await loadConfig(root())).validation.config.datasets.find((d) => d.path === DATA);
    const schema = readDatasetSchema(entry?.schema);
    assert.ok(schema, 'the demo has a schema for transactions');
    const bytes = await datasetAt(root(), DATA, 'workspace');
    const validation = await validateDataset(bytes.source, 'csv', schema, {
      lastChange: fs.statSync(path.join(root(), DATA)).mtime,
    });
    assert.deepEqual(shown.violations, validation.violations);
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
    // With the dataset's drift settings of mlops.yaml, as the data-drift check uses them.
    const entry = (await loadConfig(root())).validation.config.datasets.find((d) => d.path === DATA);
    assert.ok(entry?.drift, 'the demo sets drift options for transactions');
    const expected = await diffAt(
      { root: root(), path: DATA, reference: previous.commit, current: newest.commit },
      readDriftConfig(entry.drift),
    );
    assert.ok(!shown.report.columns.some((c) => c.column === 'transaction_id'), 'ignored columns are not tested');
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

  it('the data-drift check flags amount and merchant_category at their lines and raises one retraining alert', async function () {
    this.timeout(240_000);
    const checks = api.checks!;
    // The first run starts when the workspace model first loads (this suite may run alone).
    await api.explorer.model.ensureLoaded();
    await waitFor('the first checks run', () => checks.runner.folderRuns.length > 0, 60_000);
    await checks.whenIdle();
    const driftResults = () =>
      (checks.runner.folderRuns[0]?.report.results ?? []).filter(
        (r) => r.type === 'data-drift' && r.dataset === 'transactions',
      );
    const config = path.join(root(), 'mlops.yaml');
    const original = fs.readFileSync(config, 'utf8');
    const ignore = '      ignore: [transaction_id, timestamp]';
    assert.ok(original.includes(ignore), 'the demo sets drift options for transactions');
    try {
      // Compared with itself the dataset cannot drift: the drift findings go away...
      fs.writeFileSync(config, original.replace(ignore, `${ignore}\n      reference: workspace`));
      await waitFor(
        'no drift against itself',
        () => {
          const results = driftResults();
          return results.length > 0 && results.every((r) => r.status === 'pass');
        },
        60_000,
      );
      await checks.whenIdle();
      await vscode.commands.executeCommand('notifications.clearAll');
      const before = checks.alerts().length;
      // ...and come back, new, against the version before the last change.
      fs.writeFileSync(config, original);
      await waitFor('the retraining alert', () => checks.alerts().length > before, 60_000);
      await checks.whenIdle();
      assert.equal(checks.alerts().length, before + 1, 'one notification for the drifted columns');
      const fails = driftResults().filter((r) => r.status === 'fail');
      const columns = fails.map((r) => /drifted on '([^']+)'/.exec(r.message)?.[1]).sort();
      assert.ok(columns.includes('amount') && columns.includes('merchant_category'), JSON.stringify(columns));
      assert.ok(
        fails.every((r) => r.retrain === true),
        'drift is a retraining trigger',
      );
      assert.equal(checks.alerts()[before]?.findings, fails.length, 'the alert counts the drift findings');
      // In the Problems panel at the column's line of mlops.yaml.
      const lines = original.split('\n');
      const amountLine = lines.findIndex((l) => /^\s+amount:/.test(l));
      const diagnostics = vscode.languages.getDiagnostics(vscode.Uri.file(config));
      const amount = diagnostics.find((d) => d.message.includes("drifted on 'amount'"));
      assert.ok(amount, diagnostics.map((d) => d.message).join('\n'));
      assert.equal(amount.range.start.line, amountLine);
    } finally {
      fs.writeFileSync(config, original);
      await vscode.commands.executeCommand('notifications.clearAll');
    }
  });
});
