import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import {
  BATCH_EVENTS,
  emptyStats,
  MAX_LINE_CHARS,
  parseTimestamp,
  predictionLogFormat,
  readPredictionLog,
  statusFailed,
  errorPresent,
  unitOfName,
  type PredictionLogOptions,
  type PredictionLogStats,
} from '../../../../src/core/formats/telemetry/predictionLog';
import type { TelemetryEvent } from '../../../../src/core/telemetry/types';

let dir: string;
before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'predlog-'));
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(name: string, content: string | Buffer): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}

async function read(
  file: string,
  options: PredictionLogOptions = {},
): Promise<{ events: TelemetryEvent[]; stats: PredictionLogStats; batches: number }> {
  const stats = emptyStats();
  const events: TelemetryEvent[] = [];
  let batches = 0;
  for await (const batch of readPredictionLog(file, options, stats)) {
    batches++;
    for (const e of batch) events.push(e);
  }
  return { events, stats, batches };
}

const T = Date.UTC(2026, 2, 1, 12, 0, 0);

describe('prediction log reader', () => {
  it('maps the common field names of JSON Lines logs by default', async () => {
    const file = write(
      'a.jsonl',
      [
        '{"timestamp":"2026-03-01T12:00:00Z","model":"fraud","model_version":"1.2.0","caller":"web","latency_ms":23.5,"status":"ok","memory_mb":512,"features":{"amount":10},"score":0.9}',
        '{"ts":1772366401,"model_name":"fraud","version":2,"client":"mobile","duration_ms":40,"status_code":503}',
        '{"time":"2026-03-01 12:00:02","model":"fraud","user":"u1","latency":7,"error":"timeout"}',
        '{"@timestamp":"2026-03-01T13:00:03.250+01:00","app":"batch","duration":0.5,"status":"ok","error":null,"rss_mb":100}',
      ].join('\n'),
    );
    const { events, stats } = await read(file, { features: true });
    assert.deepEqual(stats, { lines: 4, events: 4, badLines: 0, bad: [] });
    assert.deepEqual(events[0], {
      time: T,
      model: 'fraud',
      version: '1.2.0',
      caller: 'web',
      latencyMs: 23.5,
      error: false,
      memoryMb: 512,
      features: { amount: 10 },
      prediction: 0.9,
      line: 1,
    });
    assert.deepEqual(
      events.slice(1).map((e) => [e.time - T, e.model, e.version, e.caller, e.latencyMs, e.error, e.memoryMb]),
      [
        [1000, 'fraud', '2', 'mobile', 40, true, undefined],
        [2000, 'fraud', '', 'u1', 7, true, undefined],
        [3250, '', '', 'batch', 0.5, false, 100],
      ],
    );
  });

  it('uses the configured field names (dotted paths too), the latency unit, and a model for records without one', async () => {
    const file = write(
      'b.ndjson',
      [
        '{"when":"2026-03-01T12:00:00Z","meta":{"rev":"a1","who":"svc"},"took":0.25,"ok":false,"x":1,"y":"b","out":3}',
        '{"when":"2026-03-01T12:00:01Z","meta":{"rev":"a2","who":"svc"},"took":0.5,"ok":true,"x":2,"y":"c","out":4}',
      ].join('\n'),
    );
    const { events } = await read(file, {
      fields: {
        timestamp: 'when',
        version: 'meta.rev',
        caller: 'meta.who',
        latency: 'took',
        status: 'ok',
        features: ['x', 'y'],
        prediction: 'out',
      },
      latencyUnit: 's',
      model: 'ranker',
      features: true,
    });
    assert.deepEqual(
      events.map((e) => [e.model, e.version, e.caller, e.latencyMs, e.error, e.features, e.prediction]),
      [
        ['ranker', 'a1', 'svc', 250, true, { x: 1, y: 'b' }, 3],
        ['ranker', 'a2', 'svc', 500, false, { x: 2, y: 'c' }, 4],
      ],
    );
  });

  it('counts bad lines with their line numbers and lists the first five', async () => {
    const lines = [
      '{"timestamp":"2026-03-01T12:00:00Z","latency_ms":1}',
      'not json',
      '',
      '[1,2]',
      '{"latency_ms":3}',
      '{"timestamp":"yesterday-ish","latency_ms":3}',
      '{"timestamp":"2026-03-01T12:00:01Z","latency_ms":2}',
      '{"timestamp":',
      '"text"',
      '{"timestamp":"2026-03-01T12:00:02Z"}',
    ];
    const { events, stats } = await read(write('bad.jsonl', lines.join('\r\n') + '\r\n'));
    assert.deepEqual(
      events.map((e) => [e.line, e.latencyMs]),
      [
        [1, 1],
        [7, 2],
        [10, undefined],
      ],
    );
    assert.equal(stats.badLines, 6);
    assert.equal(stats.lines, 10);
    assert.deepEqual(stats.bad, [
      { line: 2, message: 'not valid JSON' },
      { line: 4, message: 'not a JSON object' },
      { line: 5, message: 'no timestamp (looked for timestamp, ts, time, @timestamp, datetime, created_at)' },
      { line: 6, message: '"timestamp" is not a timestamp' },
      { line: 8, message: 'not valid JSON' },
    ]);
  });

  it('refuses a line longer than the limit without keeping it, and reads on', async () => {
    const huge = `{"timestamp":"2026-03-01T12:00:00Z","features":{"blob":"${'x'.repeat(MAX_LINE_CHARS + 10)}"}}`;
    const file = write(
      'huge.jsonl',
      `{"timestamp":"2026-03-01T12:00:00Z","latency_ms":1}\n${huge}\n{"timestamp":"2026-03-01T12:00:01Z","latency_ms":2}\n${huge}`,
    );
    const { events, stats } = await read(file);
    assert.deepEqual(
      events.map((e) => e.line),
      [1, 3],
    );
    assert.deepEqual(stats.bad, [
      { line: 2, message: `longer than ${MAX_LINE_CHARS} characters: not read` },
      { line: 4, message: `longer than ${MAX_LINE_CHARS} characters: not read` },
    ]);
  });

  it('reads gzip-compressed logs as a stream, in batches', async () => {
    const n = BATCH_EVENTS * 2 + 17;
    const text = Array.from(
      { length: n },
      (_, i) => `{"ts":${(T + i * 1000) / 1000},"model":"m","version":"v${i % 2}","latency_ms":${i % 100}}`,
    ).join('\n');
    const file = write('big.jsonl.gz', zlib.gzipSync(text));
    const { events, stats, batches } = await read(file);
    assert.equal(stats.events, n);
    assert.equal(events.length, n);
    assert.ok(batches >= 3, `batches: ${batches}`);
    assert.equal(events[n - 1]?.time, T + (n - 1) * 1000);
    assert.equal(events[n - 1]?.version, `v${(n - 1) % 2}`);
    assert.equal(events[n - 1]?.latencyMs, (n - 1) % 100);
    // A gzip file is recognised by its bytes too.
    const renamed = write('renamed.jsonl', zlib.gzipSync(text));
    assert.equal((await read(renamed)).events.length, n);
  });

  it('reads CSV and TSV through the CSV scanner: quoting, header names, bad field counts with line numbers', async () => {
    const csv = [
      'timestamp,model,model_version,caller,latency_ms,status_code,error',
      '2026-03-01T12:00:00Z,fraud,1.0,"web, eu",12.5,200,',
      '2026-03-01T12:00:01Z,fraud,1.0,mobile,30,500,',
      '2026-03-01T12:00:02Z,fraud,2.0,"multi',
      'line",8,200,boom',
      '2026-03-01T12:00:03Z,fraud,2.0,web',
      '2026-03-01T12:00:04Z,fraud,2.0,web,9,200,false',
    ].join('\n');
    const { events, stats } = await read(write('p.csv.gz', zlib.gzipSync(csv)));
    assert.deepEqual(
      events.map((e) => [e.line, e.time - T, e.version, e.caller, e.latencyMs, e.error]),
      [
        [2, 0, '1.0', 'web, eu', 12.5, false],
        [3, 1000, '1.0', 'mobile', 30, true],
        [4, 2000, '2.0', 'multi\nline', 8, true],
        [7, 4000, '2.0', 'web', 9, false],
      ],
    );
    assert.deepEqual(stats.bad, [{ line: 6, message: 'expected 7 fields, saw 4' }]);
    const tsv = 'ts\tlatency_s\tclient\n1772366400\t0.2\ta\n1772366401\t0.3\tb\n';
    const fromTsv = await read(write('p.tsv', tsv));
    assert.deepEqual(
      fromTsv.events.map((e) => [e.time - T, e.latencyMs, e.caller]),
      [
        [0, 200, 'a'],
        [1000, 300, 'b'],
      ],
    );
  });

  it('tells timestamps, units, failed statuses and error fields apart', () => {
    assert.equal(parseTimestamp('2026-03-01T12:00:00Z'), T);
    assert.equal(parseTimestamp('2026-03-01T12:00:00.5Z'), T + 500);
    assert.equal(parseTimestamp('2026-03-01 12:00:00'), T);
    assert.equal(parseTimestamp('2026-03-01T14:00:00+02:00'), T);
    assert.equal(parseTimestamp('2026-03-01T07:00:00-0500'), T);
    assert.equal(parseTimestamp(T / 1000), T);
    assert.equal(parseTimestamp(T), T);
    assert.equal(parseTimestamp(T * 1000), T);
    assert.equal(parseTimestamp(T * 1e6), T);
    assert.equal(parseTimestamp(String(T / 1000)), T);
    assert.equal(parseTimestamp('Sun, 01 Mar 2026 12:00:00 GMT'), T);
    assert.equal(parseTimestamp('soon'), undefined);
    assert.equal(parseTimestamp(''), undefined);
    assert.deepEqual(
      ['latency_ms', 'latencyMs', 'duration_seconds', 'elapsed_s', 'took_us', 'ns', 'latency', 'duration'].map(
        unitOfName,
      ),
      ['ms', 'ms', 's', 's', 'us', 'ns', undefined, undefined],
    );
    assert.deepEqual(
      [500, 503, 404, 200, '500', 'error', 'FAILED', 'failure', 'exception', false, true, 'ok', 'success'].map(
        statusFailed,
      ),
      [true, true, false, false, true, true, true, true, true, true, false, false, false],
    );
    assert.deepEqual(['boom', '', 'null', 'false', null, undefined, false, 0, 1, { code: 1 }, {}].map(errorPresent), [
      true,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      true,
      true,
      false,
    ]);
    assert.deepEqual(['a.jsonl', 'a.ndjson.gz', 'b.CSV', 'c.tsv.gz', 'd.json', 'e.txt'].map(predictionLogFormat), [
      'jsonl',
      'jsonl',
      'csv',
      'csv',
      undefined,
      undefined,
    ]);
  });

  it('stops when its signal is aborted', async () => {
    const file = write('abort.jsonl', '{"ts":1}\n'.repeat(10));
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(() => read(file, { signal: controller.signal }), /cancelled/);
  });
});
