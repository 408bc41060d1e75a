import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { loadConfig, ConfigValidator } from '../../src/core/formats/mlopsYaml/validate';
import { readTelemetryConfig } from '../../src/core/telemetry/config';
import { summarizeTelemetry } from '../../src/core/telemetry/summarize';
import type { ExtensionApi } from '../../src/extension';
import type { ChecksApi } from '../../src/features/checks/register';
import { activateExtension } from './activation.test';
import { waitFor } from './wait';

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
  memory_mb: number;
}

/** numpy's default (linear) percentile of sorted values. */
function percentile(sorted: readonly number[], p: number): number {
  const position = ((sorted.length - 1) * p) / 100;
  const lower = Math.floor(position);
  const upper = Math.min(lower + 1, sorted.length - 1);
  return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - lower);
}

/** The figures of each version, counted from the raw lines of the log. */
function recount(lines: readonly Line[]): Map<string, Record<string, number>> {
  const byVersion = new Map<string, Line[]>();
  for (const line of lines) byVersion.set(line.model_version, [...(byVersion.get(line.model_version) ?? []), line]);
  const out = new Map<string, Record<string, number>>();
  for (const [version, rows] of byVersion) {
    const latencies = rows.map((r) => r.latency_ms).sort((a, b) => a - b);
    const errors = rows.filter((r) => r.status === 'error').length;
    out.set(version, {
      requests: rows.length,
      errors,
      errorRate: errors / rows.length,
      p50: percentile(latencies, 50),
      p95: percentile(latencies, 95),
      p99: percentile(latencies, 99),
      max: latencies[latencies.length - 1],
      uniqueCallers: new Set(rows.map((r) => r.caller)).size,
      firstTime: Math.min(...rows.map((r) => Date.parse(r.timestamp))),
      lastTime: Math.max(...rows.map((r) => Date.parse(r.timestamp))),
      memoryMax: Math.max(...rows.map((r) => r.memory_mb)),
    });
  }
  return out;
}

describe('Operational telemetry on the demo', function () {
  this.timeout(180_000);
  let api: ExtensionApi;
  let checks: ChecksApi;
  let lines: Line[];

  before(async () => {
    api = await activateExtension();
    checks = api.checks!;
    await api.explorer.model.ensureLoaded();
    await waitFor('the first checks run', () => checks.runner.folderRuns.length > 0);
    await checks.whenIdle();
    const text = fs.readFileSync(path.join(root(), 'logs', 'predictions.jsonl'), 'utf8');
    lines = text
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as Line);
  });

  after(async () => {
    await vscode.commands.executeCommand('notifications.clearAll');
  });

  it("reads the demo log's figures for each version exactly as a recount of its lines", async () => {
    assert.equal(lines.length, 10_000);
    const loaded = await loadConfig(root(), new ConfigValidator());
    const config = readTelemetryConfig(loaded.validation.config.telemetry);
    const summary = await summarizeTelemetry({ root: root(), config }, { by: 'version' });
    const expected = recount(lines);
    assert.deepEqual(
      summary.groups.map((g) => g.key).sort(),
      ['fraud-classifier@1.2.0', 'fraud-classifier@2.0.0'],
      'the two versions of the A/B split',
    );
    for (const group of summary.groups) {
      const want = expected.get(group.version)!;
      assert.equal(group.requests, want.requests, `${group.key} requests`);
      assert.equal(group.errors, want.errors, `${group.key} errors`);
      assert.ok(Math.abs(group.errorRate - want.errorRate) < 1e-12, `${group.key} error rate`);
      for (const p of ['p50', 'p95', 'p99', 'max'] as const)
        assert.ok(Math.abs(group.latency[p]! - want[p]) < 1e-9, `${group.key} ${p}: ${group.latency[p]} vs ${want[p]}`);
      assert.equal(group.uniqueCallers, want.uniqueCallers, `${group.key} unique callers`);
      assert.equal(group.firstTime, want.firstTime);
      assert.equal(group.lastTime, want.lastTime);
      assert.ok(Math.abs(group.memoryMb!.max - want.memoryMax) < 1e-9, `${group.key} memory`);
    }
    // The demo's story: the staging version is slower than its SLO, the production version is not.
    assert.ok(expected.get('2.0.0')!.p95 > 250 && expected.get('1.2.0')!.p95 < 250);
    const partner = lines.filter((l) => l.caller === 'partner-gateway');
    assert.ok(
      partner.filter((l) => l.status === 'error').length / partner.length > 0.1,
      'partner-gateway errors often',
    );
  });

  it('flags the regressed version, and only it, in the Problems panel at its SLO in mlops.yaml', () => {
    const config = vscode.Uri.file(path.join(root(), 'mlops.yaml'));
    const slo = vscode.languages
      .getDiagnostics(config)
      .filter((d) => (d.code as { value?: string } | undefined)?.value === 'service-slo');
    assert.equal(slo.length, 1, slo.map((d) => d.message).join(' | '));
    assert.match(slo[0].message, /2\.0\.0/);
    assert.doesNotMatch(slo[0].message, /1\.2\.0/);
    const text = fs.readFileSync(config.fsPath, 'utf8').split('\n');
    assert.equal(text[slo[0].range.start.line], '    - model: fraud-classifier', 'at the SLO entry');
  });

  it('shows the breached objective in the status bar', async () => {
    const status = api.telemetryStatus!;
    await waitFor('the first telemetry status', () => status.snapshot.refreshes > 0);
    await status.refresh();
    assert.equal(status.snapshot.visible, true);
    assert.equal(status.snapshot.text, '$(pulse) SLO: 1 breached');
    assert.match(status.snapshot.tooltip, /2\.0\.0/);
  });

  it('raises exactly one retraining alert for the drift episode in the logged inputs', async () => {
    const config = path.join(root(), 'mlops.yaml');
    const original = fs.readFileSync(config, 'utf8');
    const drift =
      '  # Prediction drift: the logged input features against the training data.\n  drift:\n    dataset: transactions\n';
    assert.ok(original.includes(drift));
    const episodes = () =>
      checks.runner.folderRuns[0]?.report.results.filter((r) => r.type === 'prediction-drift' && r.status === 'fail') ??
      [];
    // The episode was found on the first run; forget it: without telemetry.drift the check does not run.
    await vscode.commands.executeCommand('notifications.clearAll');
    try {
      fs.writeFileSync(config, original.replace(drift, ''));
      await waitFor('the run without prediction drift', () => !checks.runner.running && episodes().length === 0);
      await checks.whenIdle();
      await vscode.commands.executeCommand('notifications.clearAll');
      const before = checks.alerts().length;
      fs.writeFileSync(config, original);
      await waitFor('the retraining alert', () => checks.alerts().length > before);
      await checks.whenIdle();
      assert.equal(checks.alerts().length, before + 1, 'one alert');
      const alert = checks.alerts()[before];
      assert.equal(alert.findings, 1, 'for the one episode');
      assert.match(
        alert.message,
        /^Retraining alert: The inputs logged for 'fraud-classifier' drifted from the training data 'transactions' from 2026-10-02 to 2026-10-04 \(2 windows of 1d, \d+ requests\): amount \(wasserstein distance [\d.]+\), merchant_category \(jensen-shannon distance [\d.]+\);/,
      );
      const [episode] = episodes();
      assert.equal(episode?.retrain, true);
      // The same episode does not alert again.
      await vscode.commands.executeCommand('notifications.clearAll');
      await vscode.commands.executeCommand('mlops.runChecks');
      await checks.whenIdle();
      assert.equal(checks.alerts().length, before + 1);
    } finally {
      fs.writeFileSync(config, original);
      await vscode.commands.executeCommand('notifications.clearAll');
    }
  });
});
