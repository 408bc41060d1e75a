// `mlops telemetry summary` and `mlops check --telemetry` as child processes: figures equal to a recount of the log,
// the three formats, --since/--by/--source, hostile names escaped, exit codes.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnMlops } from '../../helpers/cliBundle';
import type { TelemetrySummary } from '../../../src/core/telemetry/types';

const MINUTE = 60_000;
const T = Date.UTC(2026, 4, 4, 8, 0, 0);

/** 120 requests over two hours: v1 (latency 10..19 ms) and v2 (100..109 ms, every 4th fails); a hostile caller. */
function log(): string {
  const lines: string[] = [];
  for (let i = 0; i < 120; i++) {
    const v2 = i % 2 === 1;
    lines.push(
      JSON.stringify({
        timestamp: new Date(T + i * MINUTE).toISOString(),
        model: 'fraud',
        model_version: v2 ? '2' : '1',
        caller: i % 3 === 0 ? '::warning file=x::\u001b[31mevil|*' : 'web',
        latency_ms: (v2 ? 100 : 10) + (i % 10),
        status: v2 && i % 4 === 3 ? 500 : 200,
      }),
    );
  }
  return lines.join('\n') + '\nnot json\n';
}

describe('mlops telemetry summary', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-telemetry-cli-'));
    fs.mkdirSync(path.join(dir, 'logs'));
    fs.writeFileSync(path.join(dir, 'logs', 'predictions.jsonl'), log());
    fs.writeFileSync(
      path.join(dir, 'mlops.yaml'),
      'version: 1\ntelemetry:\n  slos:\n    - { model: fraud, maxErrorRate: 0.1, latency: { percentile: 95, maxMs: 50 } }\n',
    );
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('prints the figures per version as text, with the bad line and the hostile caller escaped', async () => {
    const r = await spawnMlops(['telemetry', 'summary'], dir);
    assert.equal(r.code, 0, r.stderr);
    const rows = r.stdout.split('\n').filter((l) => l.startsWith('fraud '));
    assert.deepEqual(
      rows.map((l) => l.split(/\s{2,}/)),
      [
        ['fraud 1', '60', '0.504', '0', '0%', '14 ms', '18 ms', '18 ms', '18 ms', '-', '2'],
        ['fraud 2', '60', '0.504', '30', '50%', '105 ms', '109 ms', '109 ms', '109 ms', '-', '2'],
      ],
    );
    assert.match(r.stdout, /Sources: logs\/predictions\.jsonl \(predictionLog, 120 events, 1 bad lines\)/);
    assert.match(r.stdout, /warning: logs\/predictions\.jsonl:121: not valid JSON/);
    assert.ok(!r.stdout.includes('\u001b'), 'no escape sequence reaches the terminal');
    assert.ok(!/^\s*::warning/m.test(r.stdout), 'no line starts a workflow command');
  });

  it('gives the whole summary as JSON, equal to a recount, and Markdown with escaped cells', async () => {
    const r = await spawnMlops(['telemetry', 'summary', '--format', 'json', '--by', 'caller'], dir);
    assert.equal(r.code, 0, r.stderr);
    const summary = JSON.parse(r.stdout) as TelemetrySummary;
    assert.deepEqual(
      summary.groups.map((g) => [g.key, g.requests, g.errors]),
      [
        ['::warning file=x::\u001b[31mevil|*', 40, 10],
        ['web', 80, 20],
      ],
    );
    assert.equal(summary.groups[1]?.series.length, 80, 'one point a minute with a request');
    const md = await spawnMlops(['telemetry', 'summary', '--format', 'md', '--by', 'caller'], dir);
    assert.equal(md.code, 0, md.stderr);
    assert.ok(md.stdout.includes('| ::warning file=x::\\\\x1b\\[31mevil\\|\\* | 40 |'), md.stdout);
    assert.ok(!md.stdout.includes('\u001b'));
  });

  it('reads the last hour with --since, a source given with --source, and refuses bad arguments', async () => {
    const last = await spawnMlops(['telemetry', 'summary', '--since', '1h', '--format', 'json'], dir);
    const summary = JSON.parse(last.stdout) as TelemetrySummary;
    assert.equal(summary.to, T + 119 * MINUTE);
    assert.deepEqual(
      summary.groups.map((g) => g.requests),
      [30, 30],
    );
    const iso = await spawnMlops(
      ['telemetry', 'summary', '--since', new Date(T + 100 * MINUTE).toISOString(), '--format', 'json'],
      dir,
    );
    assert.deepEqual(
      (JSON.parse(iso.stdout) as TelemetrySummary).groups.map((g) => g.requests),
      [10, 10],
    );
    fs.mkdirSync(path.join(dir, 'other'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'other', 'x.csv'), 'ts,latency_ms\n1777881600,5\n');
    const given = await spawnMlops(['telemetry', 'summary', '--source', 'other/x.csv', '--format', 'json'], dir);
    assert.deepEqual(
      (JSON.parse(given.stdout) as TelemetrySummary).groups.map((g) => [g.key, g.requests]),
      [['@', 1]],
    );
    const bad = await spawnMlops(['telemetry', 'summary', '--by', 'region'], dir);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--by must be one of version, model, caller, not 'region'/);
    const since = await spawnMlops(['telemetry', 'summary', '--since', 'lately'], dir);
    assert.equal(since.code, 2);
    for (const threads of ['0', '1.5', 'many']) {
      const refused = await spawnMlops(['telemetry', 'summary', '--threads', threads], dir);
      assert.equal(refused.code, 2, threads);
      assert.match(refused.stderr, new RegExp(`--threads takes a whole number from 1 to 64, not '${threads}'`));
    }
    const oneThread = await spawnMlops(
      ['telemetry', 'summary', '--since', '1h', '--threads', '1', '--format', 'json'],
      dir,
    );
    assert.deepEqual(JSON.parse(oneThread.stdout), JSON.parse(last.stdout));
    const missing = await spawnMlops(['telemetry', 'summary', '--source', 'nope.jsonl'], dir);
    assert.equal(missing.code, 2);
    assert.match(missing.stdout, /error: nope\.jsonl: no such file or folder\./);
  });

  it('says what to configure where there is no source (exit 2)', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-telemetry-empty-'));
    try {
      const r = await spawnMlops(['telemetry', 'summary'], empty);
      assert.equal(r.code, 2);
      assert.match(r.stdout, /^info: No telemetry source: name a prediction log in mlops\.yaml/);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });

  it('mlops check judges the SLOs on the log, or on the one --telemetry names', async () => {
    const r = await spawnMlops(['check', '--only', 'service-slos', '--format', 'json'], dir);
    assert.equal(r.code, 1, r.stderr);
    const report = JSON.parse(r.stdout) as {
      results: { status: string; message: string; location?: { line?: number } }[];
    };
    const failed = report.results.filter((x) => x.status === 'fail');
    assert.deepEqual(
      failed.map((f) => [f.location?.line, f.message]),
      [
        [4, "fraud 2: error rate 50% (30 of 60 requests in the last 24h) is above the SLO's 10%."],
        [4, "fraud 2: latency p95 109 ms is above the SLO's 50 ms (60 requests in the last 24h)."],
      ],
    );
    fs.writeFileSync(
      path.join(dir, 'other', 'good.jsonl'),
      '{"ts":1777881600,"model":"fraud","version":"1","latency_ms":5}\n',
    );
    const good = await spawnMlops(['check', '--only', 'service-slos', '--telemetry', 'other/good.jsonl'], dir);
    assert.equal(good.code, 0, good.stdout);
  });
});
