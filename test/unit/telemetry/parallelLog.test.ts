import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { emptyStats, readPredictionLog } from '../../../src/core/formats/telemetry/predictionLog';
import { createAggregator, type TelemetryAggregate } from '../../../src/core/telemetry/aggregate';
import {
  aggregateLogInParts,
  joinStats,
  logThreads,
  PARALLEL_MIN_BYTES,
  splitAtLines,
} from '../../../src/core/telemetry/parallelLog';
import type { TelemetryQuery } from '../../../src/core/telemetry/types';

const T = Date.UTC(2026, 2, 1, 0, 0, 0);
let dir: string;
before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parallel-log-'));
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A seeded log of `n` lines, with a bad line every 997 lines. */
function writeLog(name: string, n: number): string {
  let s = 42;
  const next = (): number => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    if (i % 997 === 500) {
      lines.push('{"timestamp":"broken');
      continue;
    }
    const version = next() < 0.3 ? '2.0.0' : '1.2.0';
    const caller = ['web', 'mobile', 'batch', 'partner'][Math.floor(next() * next() * 4)];
    lines.push(
      JSON.stringify({
        timestamp: new Date(T + i * 250).toISOString(),
        model: 'fraud',
        model_version: version,
        caller,
        latency_ms: Math.round(next() * 10_000) / 100,
        status: next() < 0.02 ? 'error' : 'ok',
        memory_mb: 500,
        features: { amount: next() },
      }),
    );
  }
  const file = path.join(dir, name);
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

/** The figures that must not depend on how the file was read (sums may differ in their last bits). */
function exactFigures(a: TelemetryAggregate): unknown {
  return {
    from: a.from,
    to: a.to,
    bucketMs: a.bucketMs,
    percentiles: a.percentiles,
    groups: a.groups.map((g) => ({
      key: g.key,
      requests: g.requests,
      errors: g.errors,
      p: [g.latency.p50, g.latency.p95, g.latency.p99, g.latency.max],
      callers: g.topCallers,
      unique: g.uniqueCallers,
      series: g.series.map((p) => [p.t, p.requests, p.errors, p.latency.p50, p.latency.p95, p.latency.p99]),
    })),
  };
}

describe('prediction logs read in parallel parts', () => {
  const query: TelemetryQuery = { by: 'version', bucketMs: 60_000 };

  it('cuts a file at line ends into ranges that cover it', () => {
    const file = writeLog('split.jsonl', 2000);
    const size = fs.statSync(file).size;
    const bytes = fs.readFileSync(file);
    const ranges = splitAtLines(file, size, 3);
    assert.equal(ranges.length, 3);
    assert.equal(ranges[0].start, 0);
    assert.equal(ranges[2].end, size);
    for (let i = 0; i < ranges.length; i++) {
      const r = ranges[i];
      assert.equal(bytes[r.end - 1], 10, `range ${i} ends after a line end`);
      if (i > 0) assert.equal(r.start, ranges[i - 1].end);
    }
    assert.equal(logThreads(PARALLEL_MIN_BYTES - 1, 8), 1);
    assert.equal(logThreads(10 * PARALLEL_MIN_BYTES, 2), 2);
    assert.equal(logThreads(10 * PARALLEL_MIN_BYTES, 16), 4);
  });

  it('gives the figures, bad lines and line numbers of one read, using worker threads', async () => {
    const file = writeLog('big.jsonl', 30_000);
    const sequential = createAggregator(query);
    const oneStats = emptyStats();
    for await (const batch of readPredictionLog(file, { features: false }, oneStats))
      for (const event of batch) sequential.add(event);

    const parallel = createAggregator(query);
    const stats = emptyStats();
    const done = await aggregateLogInParts(file, { features: false }, query, parallel, stats, {
      cores: 3,
      minBytes: 1,
    });
    assert.equal(done, true);
    assert.deepEqual(stats, oneStats);
    assert.equal(stats.badLines, 30);
    assert.deepEqual(
      stats.bad.map((b) => b.line),
      [501, 1498, 2495, 3492, 4489],
    );
    const a = sequential.finish();
    const b = parallel.finish();
    assert.deepEqual(exactFigures(b), exactFigures(a));
    assert.equal(
      a.groups.reduce((n, g) => n + g.requests, 0),
      30_000 - 30,
    );

    // More latencies than the parts may keep exactly: nothing is added, and one read (which samples) takes over.
    const capped = createAggregator(query);
    const cappedStats = emptyStats();
    const tuning = { cores: 3, minBytes: 1, exactLatencyLimit: 1000 };
    assert.equal(await aggregateLogInParts(file, { features: false }, query, capped, cappedStats, tuning), false);
    assert.equal(cappedStats.lines, 0);
    assert.equal(capped.finish().groups.length, 0);
    for (const [i, g] of b.groups.entries())
      assert.ok(Math.abs(g.latency.mean! - a.groups[i].latency.mean!) < 1e-9 * a.groups[i].latency.mean!);
  });

  it('leaves small, compressed or feature-reading logs to one thread, and refuses to merge sampled parts', async () => {
    const file = writeLog('small.jsonl', 500);
    const into = createAggregator(query);
    const stats = emptyStats();
    assert.equal(await aggregateLogInParts(file, { features: false }, query, into, stats, { cores: 4 }), false);
    assert.equal(
      await aggregateLogInParts(file, { features: true }, query, into, stats, { cores: 4, minBytes: 1 }),
      false,
    );
    const gz = path.join(dir, 'small.jsonl.gz');
    fs.writeFileSync(gz, zlib.gzipSync(fs.readFileSync(file)));
    assert.equal(
      await aggregateLogInParts(gz, { features: false }, query, into, stats, { cores: 4, minBytes: 1 }),
      false,
    );
    assert.equal(stats.lines, 0);
    assert.equal(into.finish().groups.length, 0);

    const sampled = createAggregator(query, { exactLatencyLimit: 10 });
    for await (const batch of readPredictionLog(file, { features: false })) for (const e of batch) sampled.add(e);
    const target = createAggregator(query);
    assert.equal(target.merge([sampled.part()]), false);
    assert.equal(target.finish().groups.length, 0);
  });

  it('numbers the bad lines of later parts on from the lines before them', () => {
    const joined = joinStats([
      {
        lines: 10,
        events: 8,
        badLines: 2,
        bad: [
          { line: 3, message: 'a' },
          { line: 9, message: 'b' },
        ],
      },
      { lines: 5, events: 4, badLines: 1, bad: [{ line: 2, message: 'c' }] },
    ]);
    assert.deepEqual(joined, {
      lines: 15,
      events: 12,
      badLines: 3,
      bad: [
        { line: 3, message: 'a' },
        { line: 9, message: 'b' },
        { line: 12, message: 'c' },
      ],
    });
  });
});
