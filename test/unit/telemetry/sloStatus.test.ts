import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { folderSloStatus, sloStatusText, type SloStatus } from '../../../src/core/telemetry/sloStatus';

const ROOT = path.resolve(__dirname, '../../../..');

describe('SLO status (the status bar of operational telemetry)', function () {
  this.timeout(120_000);
  let tmp: string;
  let demo: string;

  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-slo-status-'));
    demo = path.join(tmp, 'demo');
    execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'demo', 'generate.mjs'), demo], { stdio: 'pipe' });
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("finds the demo's one breached objective: the staging version's p95 latency", async () => {
    const status = await folderSloStatus(demo, { name: 'demo' });
    assert.ok(status);
    assert.equal(status.slos, 1);
    assert.deepEqual(status.breached, [
      "fraud-classifier 2.0.0: latency p95 352 ms is above the SLO's 250 ms (218 requests in the last 24h).",
    ]);
    // 1.2.0: traffic, error rate and latency; 2.0.0: traffic and error rate.
    assert.equal(status.met, 5);
    assert.deepEqual(status.problems, []);
    const shown = sloStatusText([status]);
    assert.equal(shown.text, '$(pulse) SLO: 1 breached');
    assert.equal(
      shown.tooltip,
      "1 of 6 service-level objectives breached:\nfraud-classifier 2.0.0: latency p95 352 ms is above the SLO's 250 ms (218 requests in the last 24h).",
    );
  });

  it('is absent for a folder without any telemetry source, and says when no SLO is set', async () => {
    const empty = path.join(tmp, 'empty');
    fs.mkdirSync(empty);
    fs.writeFileSync(path.join(empty, 'mlops.yaml'), 'version: 1\nproject: empty\n');
    assert.equal(await folderSloStatus(empty, { name: 'empty' }), undefined);
    // A discovered log without SLOs: shown, with nothing to judge.
    fs.mkdirSync(path.join(empty, 'logs'));
    fs.writeFileSync(
      path.join(empty, 'logs', 'requests.jsonl'),
      '{"timestamp":"2026-10-01T00:00:00Z","model":"m","model_version":"1","latency_ms":5,"status":"ok"}\n',
    );
    const status = await folderSloStatus(empty, { name: 'empty' });
    assert.deepEqual(status, { folder: 'empty', slos: 0, met: 0, breached: [], problems: [] });
    assert.equal(sloStatusText([status]).text, '$(pulse) SLO: none');
  });

  it('words the status for several folders, all met, and no data', () => {
    const a: SloStatus = { folder: 'a', slos: 2, met: 3, breached: [], problems: [] };
    const b: SloStatus = {
      folder: 'b',
      slos: 1,
      met: 0,
      breached: ['m 2: error rate 9% is above the SLO’s 5%.'],
      problems: ['x: unreadable'],
    };
    assert.deepEqual(sloStatusText([a]), {
      text: '$(pulse) SLO: 3 met',
      tooltip: 'All 3 service-level objectives met.',
      breached: 0,
      met: 3,
    });
    assert.deepEqual(sloStatusText([a, b]), {
      text: '$(pulse) SLO: 1 breached',
      tooltip:
        '1 of 4 service-level objectives breached:\nb: m 2: error rate 9% is above the SLO’s 5%.\nb: x: unreadable',
      breached: 1,
      met: 3,
    });
    assert.equal(sloStatusText([{ ...a, met: 0 }]).text, '$(pulse) SLO: no data');
  });
});
