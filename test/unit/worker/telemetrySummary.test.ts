import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from '../../../src/core/logging';
import { InThreadWork, WorkerWork } from '../../../src/core/worker/client';
import { WorkCancelledError } from '../../../src/core/worker/protocol';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
/** The worker entry transpiled with the tests (the extension ships the same code bundled as dist/worker.js). */
const WORKER = path.join(ROOT, 'out', 'src', 'core', 'worker', 'worker.js');
const START = Date.UTC(2026, 10, 30, 0, 0, 0);
const MINUTE = 60_000;

const quiet: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };

interface Row {
  time: number;
  version: string;
  caller: string;
  latency: number;
  error: boolean;
}

/** A day of requests, one a minute, alternating versions after noon; every seventh request of v2 fails. */
function rows(): Row[] {
  const out: Row[] = [];
  for (let i = 0; i < 24 * 60; i++) {
    const v2 = i >= 12 * 60 && i % 2 === 1;
    out.push({
      time: START + i * MINUTE,
      version: v2 ? 'v2' : 'v1',
      caller: ['app', 'batch', 'partner'][i % 3],
      latency: v2 ? 100 + (i % 50) : 40 + (i % 20),
      error: v2 && i % 7 === 0,
    });
  }
  return out;
}

function workspace(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-telemetry-task-'));
  fs.mkdirSync(path.join(dir, 'logs'));
  fs.writeFileSync(
    path.join(dir, 'mlops.yaml'),
    [
      'version: 1',
      'telemetry:',
      '  sources:',
      '    - path: logs/requests.jsonl',
      '      model: scorer',
      '  slos:',
      '    - maxErrorRate: 0.02',
      '      latency: { percentile: 95, maxMs: 120 }',
      '',
    ].join('\n'),
  );
  fs.writeFileSync(
    path.join(dir, 'logs', 'requests.jsonl'),
    rows()
      .map((r) =>
        JSON.stringify({
          timestamp: new Date(r.time).toISOString(),
          model_version: r.version,
          caller: r.caller,
          latency_ms: r.latency,
          status: r.error ? 'error' : 'ok',
        }),
      )
      .join('\n') + '\n',
  );
  return dir;
}

describe('The telemetry summary as background work', function () {
  this.timeout(30_000);
  let dir: string;
  let worker: WorkerWork;

  before(() => {
    dir = workspace();
    worker = new WorkerWork({ script: WORKER, logger: quiet });
  });

  after(() => {
    worker.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reads the configured log in the worker thread: figures equal a recount, objectives come along', async () => {
    const outcome = await worker.run({ kind: 'telemetrySummary', root: dir, query: {} });
    assert.equal(worker.fellBack, false, 'the worker thread ran it');
    const all = rows();
    const byVersion = new Map<string, Row[]>();
    for (const r of all) byVersion.set(r.version, [...(byVersion.get(r.version) ?? []), r]);
    const groups = outcome.summary.groups.map((g) => [g.model, g.version, g.requests, g.errors]).sort();
    assert.deepEqual(
      groups,
      [...byVersion.entries()]
        .map(([version, list]) => ['scorer', version, list.length, list.filter((r) => r.error).length])
        .sort(),
    );
    assert.deepEqual(outcome.summary.sources, [
      { kind: 'predictionLog', location: 'logs/requests.jsonl', events: all.length, badLines: 0 },
    ]);
    assert.deepEqual(
      outcome.slos.map((s) => [s.maxErrorRate, s.latency]),
      [[0.02, { percentile: 95, maxMs: 120 }]],
    );
    // v2 fails every seventh request and its p95 is above 120 ms: both objectives of its day are breached.
    assert.deepEqual(
      outcome.breaches.map((b) => [b.model, b.version, b.severity]),
      [
        ['scorer', 'v2', 'error'],
        ['scorer', 'v2', 'error'],
      ],
    );
    assert.match(outcome.breaches[0]?.message ?? '', /^scorer v2: error rate [\d.]+% .* is above the SLO's 2%\.$/);
    assert.match(outcome.breaches[1]?.message ?? '', /^scorer v2: latency p95 1\d\d ms is above the SLO's 120 ms/);
    // The same work in the editor's thread gives the same answer.
    assert.deepEqual(await new InThreadWork(quiet).run({ kind: 'telemetrySummary', root: dir, query: {} }), outcome);
  });

  it('reads the last hour of the log, ending at its newest event', async () => {
    const outcome = await worker.run({ kind: 'telemetrySummary', root: dir, query: {}, windowMs: 60 * MINUTE });
    const newest = START + (24 * 60 - 1) * MINUTE;
    // The window is the hour up to and including the newest event: (newest - 1 h, newest].
    const inWindow = rows().filter((r) => r.time > newest - 60 * MINUTE && r.time <= newest);
    assert.equal(outcome.summary.to, newest);
    assert.equal(inWindow.length, 60);
    assert.equal(
      outcome.summary.groups.reduce((n, g) => n + g.requests, 0),
      inWindow.length,
    );
  });

  it('says what to configure when a folder has no source', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-telemetry-none-'));
    try {
      const outcome = await worker.run({ kind: 'telemetrySummary', root: empty, query: {} });
      assert.deepEqual(outcome.summary.groups, []);
      assert.deepEqual(outcome.summary.sources, []);
      assert.match(outcome.summary.problems[0]?.message ?? '', /No telemetry source/);
      assert.deepEqual(outcome.slos, []);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(
      worker.run({ kind: 'telemetrySummary', root: dir, query: {} }, { signal: controller.signal }),
      WorkCancelledError,
    );
  });
});
