import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { emptyTelemetryConfig } from '../../../src/core/telemetry/config';
import { telemetrySources } from '../../../src/core/telemetry/sources';
import { NO_SOURCE_MESSAGE, kindOfLocation, summarizeTelemetry } from '../../../src/core/telemetry/summarize';
import type { TelemetryConfig } from '../../../src/core/telemetry/types';
import { OTLP_FIXTURES } from '../formats/otlp/fixtures';

const MINUTE = 60_000;
const T = Date.UTC(2026, 2, 1, 12, 0, 0);
let root: string;

function write(rel: string, content: string | Buffer): void {
  const file = path.join(root, ...rel.split('/'));
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
}

const line = (minute: number, version: string, latency: number, extra = ''): string =>
  `{"timestamp":"${new Date(T + minute * MINUTE).toISOString()}","model":"fraud","model_version":"${version}","caller":"web","latency_ms":${latency}${extra}}`;

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'telemetry-'));
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

describe('summarizeTelemetry', () => {
  it('lists the prediction-log source with its discovery globs', () => {
    assert.deepEqual(
      telemetrySources.map((s) => s.kind),
      ['predictionLog', 'otlp', 'prometheus'],
    );
    const [log] = telemetrySources;
    assert.ok(log?.discovery !== 'server' && log?.discovery.globs.includes('logs/**/*.jsonl'));
    assert.deepEqual(
      ['logs/a.jsonl', 'a.csv', 'spans.json', 'x.json.gz', 'http://prom:9090'].map((l) => kindOfLocation(l)),
      ['predictionLog', 'predictionLog', 'otlp', 'otlp', 'prometheus'],
    );
  });

  it('with no source: no groups and a problem saying what to configure', async () => {
    const summary = await summarizeTelemetry({ root, config: emptyTelemetryConfig() }, {});
    assert.deepEqual(summary.groups, []);
    assert.deepEqual(summary.sources, []);
    assert.deepEqual(summary.problems, [{ severity: 'info', message: NO_SOURCE_MESSAGE }]);
    assert.match(NO_SOURCE_MESSAGE, /telemetry: sources:/);
  });

  it('discovers logs when mlops.yaml names none, and aggregates all files through one aggregator (exact across files)', async () => {
    write('logs/2026-03-01.jsonl', [line(0, '1', 10), line(1, '1', 30), line(2, '2', 50)].join('\n'));
    write('logs/old/2026-02-28.jsonl.gz', zlib.gzipSync([line(3, '1', 20), 'broken', line(4, '1', 40)].join('\n')));
    write('data/predictions-eval.jsonl', line(5, '2', 70));
    write('data/train.jsonl', line(6, '9', 1)); // not a log by its name: not discovered
    const summary = await summarizeTelemetry({ root, config: emptyTelemetryConfig() }, {});
    assert.deepEqual(
      summary.sources.map((s) => [s.location, s.events, s.badLines]),
      [
        ['data/predictions-eval.jsonl', 1, 0],
        ['logs/2026-03-01.jsonl', 3, 0],
        ['logs/old/2026-02-28.jsonl.gz', 2, 1],
      ],
    );
    assert.deepEqual(
      summary.groups.map((g) => [g.key, g.requests, g.latency.p50, g.latency.max]),
      [
        ['fraud@1', 4, 25, 40],
        ['fraud@2', 2, 60, 70],
      ],
    );
    assert.deepEqual(
      summary.problems.map((p) => [p.severity, p.file, p.line, p.message]),
      [
        [
          'warning',
          'logs/old/2026-02-28.jsonl.gz',
          undefined,
          'logs/old/2026-02-28.jsonl.gz: 1 of 3 lines could not be read (first at line 2).',
        ],
        ['warning', 'logs/old/2026-02-28.jsonl.gz', 2, 'not valid JSON'],
      ],
    );
  });

  it('says the percentiles are not exact when a source’s events are estimates (OTLP histograms), exact otherwise', async () => {
    write('logs/predictions.jsonl', [line(0, '1', 10), line(1, '1', 30), line(2, '2', 50)].join('\n'));
    write('otel/metrics.jsonl', fs.readFileSync(path.join(OTLP_FIXTURES, 'metrics.jsonl')));
    write('otel/traces.jsonl', fs.readFileSync(path.join(OTLP_FIXTURES, 'traces.jsonl')));
    const config = (...paths: string[]): TelemetryConfig => ({
      sources: paths.map((p) => ({
        path: p,
        fields: {},
        ...(p.startsWith('otel/') ? { format: 'otlp' as const } : {}),
      })),
      slos: [],
    });
    const logOnly = await summarizeTelemetry({ root, config: config('logs/predictions.jsonl') }, {});
    assert.deepEqual(
      logOnly.groups.map((g) => [g.key, g.requests]),
      [
        ['fraud@1', 2],
        ['fraud@2', 1],
      ],
    );
    assert.deepEqual(logOnly.percentiles, { exact: true });
    const spans = await summarizeTelemetry({ root, config: config('logs/predictions.jsonl', 'otel/traces.jsonl') }, {});
    assert.equal(spans.groups.length, 4);
    assert.deepEqual(spans.percentiles, { exact: true }, 'spans carry each latency');
    const histograms = await summarizeTelemetry(
      { root, config: config('logs/predictions.jsonl', 'otel/metrics.jsonl') },
      {},
    );
    assert.deepEqual(
      histograms.groups.map((g) => [g.key, g.requests]),
      [
        ['churn@v1', 120],
        ['churn@v2', 120],
        ['fraud@1', 2],
        ['fraud@2', 1],
      ],
    );
    assert.deepEqual(histograms.percentiles, { exact: false }, 'interpolated within buckets: no rank error to state');
  });

  it('reads OTLP JSON named like a log (.jsonl, gzip too) with the otlp source: configured, given, or under logs/', async () => {
    const traces = fs.readFileSync(path.join(OTLP_FIXTURES, 'traces.jsonl'));
    const metrics = fs.readFileSync(path.join(OTLP_FIXTURES, 'metrics.jsonl'));
    write('var/spans.jsonl', traces);
    write('var/histograms.jsonl.gz', zlib.gzipSync(metrics));
    write('var/predictions.jsonl', [line(0, '1', 10), line(1, '2', 30)].join('\n'));
    const configured: TelemetryConfig = {
      sources: ['var/spans.jsonl', 'var/histograms.jsonl.gz', 'var/predictions.jsonl'].map((p) => ({
        path: p,
        fields: {},
      })),
      slos: [],
    };
    const summary = await summarizeTelemetry({ root, config: configured }, { by: 'model' });
    assert.deepEqual(
      summary.sources.map((s) => [s.kind, s.location, s.events, s.badLines]),
      [
        ['otlp', 'var/spans.jsonl', 240, 0],
        ['otlp', 'var/histograms.jsonl.gz', 240, 0],
        ['predictionLog', 'var/predictions.jsonl', 2, 0],
      ],
    );
    assert.deepEqual(
      summary.groups.map((g) => [g.key, g.requests]),
      [
        ['churn', 480],
        ['fraud', 2],
      ],
    );
    assert.deepEqual(summary.percentiles, { exact: false }, 'the gzip file holds histograms');
    assert.equal(summary.problems.filter((p) => p.severity !== 'info').length, 0);

    const given = await summarizeTelemetry(
      { root, config: emptyTelemetryConfig() },
      { by: 'model' },
      { locations: ['var/spans.jsonl'] },
    );
    assert.deepEqual(
      given.sources.map((s) => [s.kind, s.location, s.events]),
      [['otlp', 'var/spans.jsonl', 240]],
    );
    assert.deepEqual(given.percentiles, { exact: true });

    // Discovered: logs/ holds a prediction log, an OTLP export named .jsonl, and an otel folder OTLP discovery finds
    // too (read once, as a folder).
    fs.rmSync(path.join(root, 'var'), { recursive: true });
    write('logs/predictions.jsonl', [line(0, '1', 10), line(1, '2', 30)].join('\n'));
    write('logs/export.jsonl', traces);
    write('logs/otel/traces.jsonl', traces);
    const discovered = await summarizeTelemetry({ root, config: emptyTelemetryConfig() }, { by: 'model' });
    assert.deepEqual(
      discovered.sources.map((s) => [s.kind, s.location, s.events, s.badLines]),
      [
        ['otlp', 'logs/export.jsonl', 240, 0],
        ['predictionLog', 'logs/predictions.jsonl', 2, 0],
        ['otlp', 'logs/otel/traces.jsonl', 240, 0],
      ],
    );
    assert.deepEqual(
      discovered.groups.map((g) => [g.key, g.requests]),
      [
        ['churn', 480],
        ['fraud', 2],
      ],
    );
  });

  it('reads the configured sources with their field mapping, and says when one is missing', async () => {
    write(
      'serving/requests.log',
      '{"when":1772366400,"rev":"a","took":0.1}\n{"when":1772366460,"rev":"a","took":0.3}\n',
    );
    write('logs/ignored.jsonl', line(0, 'x', 1));
    const config: TelemetryConfig = {
      sources: [
        {
          path: 'serving/requests.log',
          fields: { timestamp: 'when', version: 'rev', latency: 'took' },
          latencyUnit: 's',
          model: 'ranker',
        },
        { path: 'missing/*.jsonl', fields: {} },
        { path: 'gone.jsonl', fields: {} },
      ],
      slos: [],
    };
    const summary = await summarizeTelemetry({ root, config }, {});
    assert.deepEqual(
      summary.groups.map((g) => [g.key, g.requests, g.latency.p50]),
      [['ranker@a', 2, 200]],
    );
    assert.deepEqual(
      summary.problems.map((p) => [p.severity, p.message]),
      [
        ['warning', 'missing/*.jsonl matches no log file.'],
        ['error', 'no such file or folder.'],
      ],
    );
  });

  it('judges a window ending at the newest event, and reads the locations it is given instead', async () => {
    write(
      'logs/a.jsonl',
      [line(0, '1', 10), line(1, '1', 15), line(30, '1', 20), line(59, '1', 30), line(61, '1', 40)].join('\n'),
    );
    write('elsewhere/b.csv', 'timestamp,latency_ms,model_version\n2026-03-01T12:00:00Z,5,z\n');
    const context = { root, config: emptyTelemetryConfig() };
    const last = await summarizeTelemetry(context, {}, { windowMs: 60 * MINUTE });
    assert.equal(last.to, T + 61 * MINUTE);
    assert.equal(last.from, T + MINUTE + 1);
    assert.deepEqual(
      last.groups.map((g) => [g.key, g.requests, g.latency.p50]),
      [['fraud@1', 3, 30]],
    );
    const given = await summarizeTelemetry(context, {}, { locations: ['elsewhere/b.csv'] });
    assert.deepEqual(
      given.groups.map((g) => [g.key, g.requests]),
      [['@z', 1]],
    );
  });

  it('judges a window on one read of a log in time order, and on a second when a newer event hides earlier', async () => {
    // About 1.5 MB of log (more than the end the newest-time hint reads), one request a second.
    const lines = (order: 'sorted' | 'newest first'): string => {
      const out: string[] = [];
      for (let s = 0; s < 12_000; s++)
        out.push(line(s / 60, s % 3 === 0 ? '2' : '1', (s % 97) + 1, ',"pad":"' + 'x'.repeat(40) + '"'));
      if (order === 'newest first') out.unshift(line(12_000 / 60 + 5, '1', 999));
      return out.join('\n') + '\n';
    };
    const context = { root, config: emptyTelemetryConfig() };
    const bytesRead: number[] = [];
    const original = fs.createReadStream;
    const counting = ((file: fs.PathLike, options?: { start?: number; end?: number }) => {
      const stream = original(file, options);
      let n = 0;
      stream.on('data', (chunk) => (n += chunk.length));
      stream.on('close', () => bytesRead.push(n));
      return stream;
    }) as typeof fs.createReadStream;
    const judge = async (): Promise<{ summary: Awaited<ReturnType<typeof summarizeTelemetry>>; read: number }> => {
      bytesRead.length = 0;
      fs.createReadStream = counting;
      try {
        const summary = await summarizeTelemetry(context, {}, { windowMs: 60 * MINUTE });
        return { summary, read: bytesRead.reduce((a, b) => a + b, 0) };
      } finally {
        fs.createReadStream = original;
      }
    };
    /** What a window ending at the newest event gives, from a read of all events with the window computed first. */
    const reference = async (end: number) => summarizeTelemetry(context, { from: end - 60 * MINUTE + 1, to: end }, {});

    write('logs/a.jsonl', lines('sorted'));
    const size = fs.statSync(path.join(root, 'logs', 'a.jsonl')).size;
    assert.ok(size > 1.4e6, `${size}`);
    const sorted = await judge();
    const end = T + (11_999 / 60) * MINUTE;
    assert.equal(sorted.summary.to, end);
    assert.deepEqual(sorted.summary, await reference(end));
    assert.deepEqual(
      sorted.summary.groups.map((g) => [g.key, g.requests]),
      [
        ['fraud@1', 2400],
        ['fraud@2', 1200],
      ],
    );
    // The whole file once, and its last MiB for the hint: not the file twice.
    assert.ok(sorted.read < size + 1.1 * 1024 * 1024, `read ${sorted.read} of ${size}`);
    assert.ok(sorted.read >= size, `read ${sorted.read} of ${size}`);

    // The newest event is the first line: the hint (from the end) is wrong, the first read finds it, a second judges.
    write('logs/a.jsonl', lines('newest first'));
    const unsorted = await judge();
    const newest = T + (12_000 / 60 + 5) * MINUTE;
    assert.equal(unsorted.summary.to, newest);
    assert.deepEqual(unsorted.summary, await reference(newest));
    assert.deepEqual(
      unsorted.summary.groups.map((g) => [g.key, g.requests, g.latency.max]),
      [
        ['fraud@1', 2201, 999],
        ['fraud@2', 1099, 97],
      ],
    );
    assert.ok(unsorted.read > 2 * size, `read ${unsorted.read} of ${size}`);

    // gzip: no hint; the newest time is read first, then the window (as before), with the same figures.
    write('logs/a.jsonl', zlib.gzipSync(lines('sorted')));
    const gzipped = await judge();
    assert.deepEqual(gzipped.summary.groups, sorted.summary.groups);
    assert.equal(gzipped.summary.to, end);
  });

  it('discovers a CSV request log under logs/ by its header, and leaves a training log or a dataset there alone', async () => {
    // The shape of an A/B monitoring log a Streamlit app appends with Python's csv module: local times without a zone,
    // two model versions, a quoted comment holding commas.
    write(
      'logs/monitoring_logs.csv',
      [
        'timestamp,app_version,model_version,latency_ms,prediction,probability,feedback_score,feedback_comment',
        '2026-01-11T16:55:13,v1_ui,v1,87.56,1,0.8124,2,Not intuitive.',
        '2026-01-11T16:55:13,v1_ui,v2,279.96,1,0.5903,2,Not intuitive.',
        '2026-01-11T16:56:17,v1_ui,v1,30.04,1,0.7545,3,"The workflow should be the result first, then feedback."',
        '2026-01-11T16:56:17,v1_ui,v2,195.6,1,0.6047,3,"The workflow should be the result first, then feedback."',
      ].join('\r\n') + '\r\n',
    );
    write('logs/training_log.csv', 'epoch,accuracy,loss,val_accuracy,val_loss\n0,0.8,0.5,0.79,0.52\n');
    write('logs/features.tsv', 'timestamp\tamount\tcountry\n2026-01-11T16:55:13\t12.5\tUS\n');
    write('logs/old/requests.csv.gz', zlib.gzipSync('ts,latency_ms,model_version\n1768150513,12,v3\n'));
    const summary = await summarizeTelemetry({ root, config: emptyTelemetryConfig() }, {});
    assert.deepEqual(
      summary.sources.map((s) => [s.location, s.events, s.badLines]),
      [
        ['logs/monitoring_logs.csv', 4, 0],
        ['logs/old/requests.csv.gz', 1, 0],
      ],
    );
    assert.deepEqual(
      summary.groups.map((g) => [g.key, g.requests, g.latency.max]),
      [
        ['@v1', 2, 87.56],
        ['@v2', 2, 279.96],
        ['@v3', 1, 12],
      ],
    );
    // A zone-less time is read as UTC.
    assert.equal(summary.from, Date.UTC(2026, 0, 11, 16, 55, 13));
  });
});
