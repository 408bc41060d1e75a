// What fuzzing the prediction-log reader found: a damaged gzip stream raised zlib's own error, and a CSV record
// spread over many chunks was scanned again for each (seconds for a few megabytes) with no bound on its length.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  emptyStats,
  MAX_LINE_CHARS,
  PredictionLogFormatError,
  readPredictionLog,
} from '../../../../src/core/formats/telemetry/predictionLog';
import type { TelemetryEvent } from '../../../../src/core/telemetry/types';

describe('prediction log reader: damaged gzip and overlong CSV records', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'prediction-log-limits-'));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const readAll = async (file: string) => {
    const stats = emptyStats();
    const events: TelemetryEvent[] = [];
    for await (const batch of readPredictionLog(file, {}, stats)) events.push(...batch);
    return { stats, events };
  };

  it('raises PredictionLogFormatError for a gzip file that is cut short or damaged', async () => {
    const lines = Array.from({ length: 2000 }, (_, i) =>
      JSON.stringify({ ts: 1_700_000_000 + i, model: 'm', latency_ms: i }),
    );
    const whole = gzipSync(lines.join('\n'));
    const cut = path.join(tmp, 'cut.jsonl.gz');
    fs.writeFileSync(cut, whole.subarray(0, whole.length - 40));
    await assert.rejects(readAll(cut), (err: unknown) => {
      assert.ok(err instanceof PredictionLogFormatError);
      assert.match(err.message, /^cut\.jsonl\.gz is not a readable gzip file \(/);
      return true;
    });
    const damaged = Buffer.from(whole);
    damaged[damaged.length - 6] ^= 0xff; // the CRC
    fs.writeFileSync(path.join(tmp, 'damaged.csv.gz'), damaged);
    await assert.rejects(readAll(path.join(tmp, 'damaged.csv.gz')), PredictionLogFormatError);
    // The whole file reads.
    fs.writeFileSync(path.join(tmp, 'whole.jsonl.gz'), whole);
    assert.equal((await readAll(path.join(tmp, 'whole.jsonl.gz'))).events.length, 2000);
  });

  it('reports a CSV record longer than the line limit as a bad line and reads the rows after it', async () => {
    const file = path.join(tmp, 'log.csv');
    fs.writeFileSync(
      file,
      `ts,model,latency_ms\n1700000000,m,5\n1700000001,${'x'.repeat(MAX_LINE_CHARS + 10)},6\n1700000002,m,7\n`,
    );
    const { stats, events } = await readAll(file);
    assert.deepEqual(
      events.map((e) => [e.line, e.latencyMs]),
      [
        [2, 5],
        [4, 7],
      ],
    );
    assert.equal(stats.badLines, 1);
    assert.deepEqual(stats.bad, [{ line: 3, message: `longer than ${MAX_LINE_CHARS} characters: not read` }]);
  });

  it('closes the file when a gzip stream turns out damaged (no descriptor left open)', async () => {
    // A small file whose gzip header is damaged: gunzip fails before the file has been read to its end.
    const damaged = gzipSync('{"ts": 1700000000, "model": "m"}\n'.repeat(100));
    damaged[3] = 0xe0; // reserved flag bits
    const file = path.join(tmp, 'damaged.jsonl.gz');
    fs.writeFileSync(file, damaged);
    const open = (): number => fs.readdirSync('/proc/self/fd').length;
    const before = open();
    for (let i = 0; i < 20; i++) await assert.rejects(readAll(file), PredictionLogFormatError);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(open(), before);
  });
});
