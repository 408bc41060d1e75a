import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { root } from '../../../harness/paths';
import { listingCache, type ListingCache } from '../../../../src/core/listingCache';
import { MetricsError } from '../../../../src/core/metrics/model';
import { parsePythonFloat } from '../../../../src/core/formats/metricsFiles/parse';
import {
  listExperiments,
  listRegisteredModels,
  listRuns,
  parseMetricFile,
  readMetricHistory,
  readRun,
} from '../../../../src/core/formats/mlflow/fileStore';
import { runsToRows } from '../../../../src/core/runs/rows';
import { compareWithMlflow, type ExpectedStore } from './oracle';
import { seededRandom } from '../../../helpers/prng';
import { mutate } from './fuzz';

const fixture = path.join(root, 'test', 'fixtures', 'mlflow');
const store = path.join(fixture, 'mlruns');
const expected = JSON.parse(fs.readFileSync(path.join(fixture, 'expected-file.json'), 'utf8')) as ExpectedStore;

function runDir(storeRoot: string, runId: string): string {
  for (const e of fs.readdirSync(storeRoot)) {
    const candidate = path.join(storeRoot, e, runId);
    if (fs.existsSync(candidate)) return candidate;
  }
  throw new Error(`no run ${runId}`);
}

describe('MLflow file store reader', () => {
  let tmp: string;
  let copy: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlflow-file-'));
    copy = path.join(tmp, 'mlruns');
    fs.cpSync(store, copy, { recursive: true });
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('reads exactly what mlflow read from the same store (experiments, runs, latest values, histories, registry)', async () => {
    const points = await compareWithMlflow(
      {
        experiments: (includeDeleted) => listExperiments(store, { includeDeleted }),
        runs: (query) => listRuns(store, query),
        history: (runId, key) => readMetricHistory(store, runId, key),
        models: () => listRegisteredModels(store),
      },
      expected,
      { sqlInfinity: false },
    );
    assert.ok(points > 350, `compared ${points} points`);
  });

  it('keeps 18-digit experiment ids as strings, exactly as the folder names', async () => {
    const ids = (await listExperiments(store, { includeDeleted: true })).map((e) => e.id);
    const long = ids.filter((id) => id.length === 18);
    assert.equal(long.length, 3);
    for (const id of long)
      assert.ok(fs.existsSync(path.join(store, id)) || fs.existsSync(path.join(store, '.trash', id)), id);
    assert.ok(
      long.some((id) => Number(id) > Number.MAX_SAFE_INTEGER),
      'ids beyond 2^53 stay exact',
    );
  });

  it('leaves out deleted experiments and runs by default and filters by experiment', async () => {
    const names = (await listRuns(store)).runs.map((r) => r.label).sort();
    assert.deepEqual(names, ['resnet-baseline', 'special-values', 'sweep-1', 'sweep-2']);
    const all = (await listRuns(store, { includeDeleted: true })).runs.map((r) => r.label).sort();
    assert.deepEqual(all, ['deleted-run', 'resnet-baseline', 'scratch-run', 'special-values', 'sweep-1', 'sweep-2']);
    const tuning = (await listExperiments(store)).find((e) => e.name === 'tuning')!;
    assert.deepEqual((await listRuns(store, { experimentIds: [tuning.id] })).runs.map((r) => r.label).sort(), [
      'sweep-1',
      'sweep-2',
    ]);
    const run = (await listRuns(store)).runs.find((r) => r.label === 'resnet-baseline')!;
    assert.equal(run.source.kind, 'mlflow-file');
    assert.equal(run.revision, run.id);
    const loss = run.metrics.find((m) => m.key === 'train/loss')!;
    assert.equal(loss.split, 'train');
    assert.equal(loss.baseKey, 'loss');
    assert.equal(run.metrics.find((m) => m.key === 'validation.accuracy')!.split, 'validation');
  });

  it('reads the latest value from the tail of a metric file larger than one tail block', async () => {
    const run = expected.runs.find((r) => r.name === 'resnet-baseline')!;
    const file = path.join(runDir(store, run.id), 'metrics', 'train', 'loss');
    assert.ok(fs.statSync(file).size > 8192);
    const listed = (await listRuns(store)).runs.find((r) => r.id === run.id)!;
    assert.deepEqual(listed.metrics.find((m) => m.key === 'train/loss')!.points, [
      { step: 299, value: run.latest['train/loss'][1] as number, timestamp: run.latest['train/loss'][2] },
    ]);
  });

  it('ignores a last line still being written, and finds a latest line longer than the tail block', async () => {
    const run = expected.runs.find((r) => r.name === 'resnet-baseline')!;
    const metrics = path.join(runDir(copy, run.id), 'metrics');
    fs.appendFileSync(path.join(metrics, 'val_loss'), '1700000009999 0.12');
    fs.writeFileSync(path.join(metrics, 'partial'), '1 0.5 0\n2 0.25 1\n17000');
    fs.writeFileSync(path.join(metrics, 'long'), `1 0.5 0\n2 0.25 1 ${'d'.repeat(9000)} digest\n`);
    const listed = (await listRuns(copy)).runs.find((r) => r.id === run.id)!;
    assert.deepEqual(listed.metrics.find((m) => m.key === 'val_loss')!.points[0].step, 290);
    assert.deepEqual(listed.metrics.find((m) => m.key === 'long')!.points, [{ step: 1, value: 0.25, timestamp: 2 }]);
    assert.deepEqual(listed.metrics.find((m) => m.key === 'partial')!.points, [{ step: 1, value: 0.25, timestamp: 2 }]);
    const history = await readMetricHistory(copy, run.id, 'val_loss');
    assert.equal(history.points.length, 30, 'the partial line is not part of the history');
  });

  it('reads the latest value of metric files around the size read whole in one call (4 KiB)', async () => {
    const run = expected.runs.find((r) => r.name === 'resnet-baseline')!;
    const metrics = path.join(runDir(copy, run.id), 'metrics');
    // Lines of 32 bytes: 128 of them fill 4096 bytes; the sizes cross the first read's end on both sides.
    const line = (i: number): string =>
      `${1700000000000 + i} ${(i / 1000).toFixed(10)} ${String(i).padStart(4, '0')}\n`;
    assert.equal(line(1).length, 32);
    for (const [name, count, extra] of [
      ['exact', 128, ''],
      ['overByOne', 128, '\n'],
      ['cutAtEnd', 128, '17000'],
      ['under', 127, ''],
    ] as const) {
      const text = Array.from({ length: count }, (_, i) => line(i)).join('') + extra;
      fs.writeFileSync(path.join(metrics, name), text);
      const listed = (await listRuns(copy)).runs.find((r) => r.id === run.id)!;
      const history = parseMetricFile(text, name);
      assert.deepEqual(listed.metrics.find((m) => m.key === name)!.points, [history[history.length - 1]], name);
      assert.equal(history[history.length - 1]?.step, count - 1, name);
    }
  });

  it('lists as latest the point the full history gives: the highest step, of equal steps the later line', async () => {
    const run = expected.runs.find((r) => r.name === 'resnet-baseline')!;
    const metrics = path.join(runDir(copy, run.id), 'metrics');
    const files: Record<string, string> = {
      // The last line is not the highest step: a step logged late, a resumed run.
      outOfOrder: '1 0.1 0\n2 0.5 5\n3 0.3 3\n',
      repeatedStep: '1 1 0\n2 2 2\n3 3 2\n4 4 1\n',
      partialAfterHighest: '1 0.1 0\n2 0.9 7\n3 0.2 1\n17000',
      noStep: '1 0.5\n2 0.7\n',
      withDataset: '1 0.4 9 train d1\n2 0.6 4 train d1\n',
      negativeSteps: '1 0.4 -3\n2 0.6 -7\n',
      crlf: '1 0.1 4\r\n2 0.2 2\r\n',
      hugeSteps: '1 0.1 90071992547409930\n2 0.2 90071992547409910\n',
      // White space trim() removes beyond ASCII: a byte-order mark, a no-break space.
      bom: '\uFEFF1 0.1 3\n2 0.2 1\n',
      noBreakSpace: '1 0.1 3\u00A0\n2 0.2 1\n',
    };
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(metrics, name), text);
    const listed = (await listRuns(copy)).runs.find((r) => r.id === run.id)!;
    const full = (await listRuns(copy, { fullHistory: true })).runs.find((r) => r.id === run.id)!;
    const latest = (key: string) => listed.metrics.find((m) => m.key === key)!.points;
    assert.deepEqual(latest('outOfOrder'), [{ step: 5, value: 0.5, timestamp: 2 }]);
    assert.deepEqual(latest('repeatedStep'), [{ step: 2, value: 3, timestamp: 3 }]);
    assert.deepEqual(latest('partialAfterHighest'), [{ step: 7, value: 0.9, timestamp: 2 }]);
    assert.deepEqual(latest('noStep'), [{ step: 0, value: 0.7, timestamp: 2 }]);
    assert.deepEqual(latest('withDataset'), [{ step: 9, value: 0.4, timestamp: 1 }]);
    assert.deepEqual(latest('negativeSteps'), [{ step: -3, value: 0.4, timestamp: 1 }]);
    assert.deepEqual(latest('crlf'), [{ step: 4, value: 0.1, timestamp: 1 }]);
    assert.deepEqual(latest('hugeSteps'), [{ step: Number('90071992547409930'), value: 0.1, timestamp: 1 }]);
    assert.deepEqual(latest('bom'), [{ step: 3, value: 0.1, timestamp: 1 }]);
    assert.deepEqual(latest('noBreakSpace'), [{ step: 3, value: 0.1, timestamp: 1 }]);
    // The rows of the listing and of the full history agree on every latest value and step; min and max come from
    // the full history (mlops runs list --min-max).
    const [listedRow] = runsToRows([listed], { root: tmp });
    const [fullRow] = runsToRows([full], { root: tmp });
    for (const key of Object.keys(files)) {
      assert.equal(listedRow.metrics[key].latest, fullRow.metrics[key].latest, key);
      assert.equal(listedRow.metrics[key].step, fullRow.metrics[key].step, key);
    }
    for (const series of full.metrics)
      assert.equal(listedRow.metrics[series.key].latest, fullRow.metrics[series.key].latest, series.key);
    assert.deepEqual(fullRow.metrics.outOfOrder, { latest: 0.5, min: 0.1, max: 0.5, step: 5 });
    assert.deepEqual(fullRow.metrics.repeatedStep, { latest: 3, min: 1, max: 4, step: 2 });
    assert.deepEqual(listedRow.metrics.outOfOrder, { latest: 0.5, min: 0.5, max: 0.5, step: 5 });
  });

  it('lists a run whose metric file has a bad line with that line as a problem, as its full history does', async () => {
    const run = expected.runs.find((r) => r.name === 'resnet-baseline')!;
    fs.writeFileSync(path.join(runDir(copy, run.id), 'metrics', 'bad'), '1 0.1 0\nnot a metric line\n2 0.2 1\n');
    for (const fullHistory of [false, true]) {
      const listing = await listRuns(copy, { fullHistory });
      assert.equal(
        listing.runs.find((r) => r.id === run.id),
        undefined,
      );
      assert.ok(
        listing.problems.some((p) => /bad:2: not a metric line/.test(p.message)),
        listing.problems.map((p) => p.message).join('\n'),
      );
    }
  });

  it('takes the last complete line of a metric file larger than the part read whole (its tail only is read)', async () => {
    const run = expected.runs.find((r) => r.name === 'resnet-baseline')!;
    const metrics = path.join(runDir(copy, run.id), 'metrics');
    const lines = Array.from({ length: 200 }, (_, i) => `${1700000000000 + i} ${i / 100} ${i}\n`);
    // A step lower than the highest logged last: the full history's latest is step 199, the tail's is step 5.
    fs.writeFileSync(path.join(metrics, 'late'), lines.join('') + '1700000009999 0.5 5\n');
    assert.ok(fs.statSync(path.join(metrics, 'late')).size > 4096);
    const listed = (await listRuns(copy)).runs.find((r) => r.id === run.id)!;
    assert.deepEqual(listed.metrics.find((m) => m.key === 'late')!.points, [
      { step: 5, value: 0.5, timestamp: 1700000009999 },
    ]);
    const history = await readMetricHistory(copy, run.id, 'late');
    assert.equal(history.points.length, 201);
  });

  it('reads one run with full histories, and one history by run id and key', async () => {
    const want = expected.runs.find((r) => r.name === 'special-values')!;
    const run = await readRun(store, want.id);
    assert.equal(run.fullHistory, true);
    assert.equal(run.metrics.find((m) => m.key === 'weird')!.points.length, 8);
    const weird = await readMetricHistory(store, want.id, 'weird');
    assert.deepEqual(
      weird.points.map((p) => p.value),
      [NaN, Infinity, -Infinity, 1.7976931348623157e308, -0, 5e-324, 0.1, -1e-300],
    );
    await assert.rejects(
      readMetricHistory(store, want.id, 'no-such-metric'),
      (err: unknown) => err instanceof MetricsError && /no metric 'no-such-metric'/.test(err.message),
    );
    await assert.rejects(readMetricHistory(store, want.id, '../meta.yaml'), MetricsError);
    await assert.rejects(readMetricHistory(store, 'ffffffffffffffffffffffffffffffff', 'weird'), /no run ffff/);
    await assert.rejects(readMetricHistory(store, '../../etc', 'passwd'), MetricsError);
  });

  it('lists registered models with live versions only, aliases and tags', async () => {
    const models = await listRegisteredModels(store);
    assert.deepEqual(
      models.map((m) => m.name),
      ['empty-model', 'fraud-classifier'],
    );
    const fraud = models[1];
    assert.deepEqual(
      fraud.versions.map((v) => v.version),
      ['1', '2'],
      'version 3 was deleted',
    );
    assert.deepEqual(fraud.aliases, { champion: '2' });
    assert.deepEqual(fraud.versions[1].tags, { validated: 'true' });
    assert.deepEqual(await listRegisteredModels(path.join(tmp, 'nothing')), []);
  });

  it('parses Python float reprs and nothing else', () => {
    const cases: [string, number | undefined][] = [
      ['0.1', 0.1],
      ['1e-05', 1e-5],
      ['-0.0', -0],
      ['5e-324', 5e-324],
      ['1.7976931348623157e+308', Number.MAX_VALUE],
      ['1e309', Infinity],
      ['inf', Infinity],
      ['-inf', -Infinity],
      ['Infinity', Infinity],
      ['-Infinity', -Infinity],
      ['nan', NaN],
      ['NaN', NaN],
      ['3', 3],
      ['.5', 0.5],
      ['', undefined],
      [' 1', undefined],
      ['0x10', undefined],
      ['1_000', undefined],
      ['abc', undefined],
      ['1.2.3', undefined],
    ];
    for (const [text, value] of cases) assert.deepEqual(parsePythonFloat(text), value, JSON.stringify(text));
  });

  it('parses metric lines with 2, 3 and 5 fields and names the line of a bad one', () => {
    assert.deepEqual(parseMetricFile('10 0.5\n11 nan 3\n12 inf 4 train abc123\n', 'm'), [
      { step: 0, value: 0.5, timestamp: 10 },
      { step: 3, value: NaN, timestamp: 11 },
      { step: 4, value: Infinity, timestamp: 12 },
    ]);
    assert.deepEqual(parseMetricFile('', 'm'), []);
    assert.throws(
      () => parseMetricFile('10 0.5 0\n<html> 1 2\n12 1 2\n', '/x/metrics/loss'),
      (err: unknown) =>
        err instanceof MetricsError && err.position?.line === 2 && /\/x\/metrics\/loss:2/.test(err.message),
    );
    assert.throws(() => parseMetricFile('10 0.5 0 x\n11 1 1\n', 'm'), MetricsError);
  });

  it('reports unreadable runs as problems and still lists the others', async () => {
    const special = runDir(copy, expected.runs.find((r) => r.name === 'special-values')!.id);
    const sweep = runDir(copy, expected.runs.find((r) => r.name === 'sweep-1')!.id);
    const killed = runDir(copy, expected.runs.find((r) => r.name === 'sweep-2')!.id);
    fs.writeFileSync(path.join(special, 'meta.yaml'), 'run_id: [unclosed\n  : :\n');
    fs.writeFileSync(path.join(sweep, 'metrics', 'train_loss'), '1 0.5 0\nnot a metric line\n2 0.4 1\n');
    fs.rmSync(path.join(killed, 'meta.yaml'));
    fs.mkdirSync(path.join(path.dirname(sweep), 'tags'), { recursive: true });
    const listing = await listRuns(copy, { fullHistory: true });
    assert.deepEqual(
      listing.runs.map((r) => r.label),
      ['resnet-baseline'],
    );
    assert.equal(listing.problems.length, 3);
    assert.ok(listing.problems.every((p) => p instanceof MetricsError));
    assert.ok(
      listing.problems.some(
        (p) => p.message.includes(path.join(special, 'meta.yaml')) && /not valid YAML/.test(p.message),
      ),
    );
    assert.ok(listing.problems.some((p) => p.message.includes(`${path.join(sweep, 'metrics', 'train_loss')}:2`)));
    assert.ok(listing.problems.some((p) => p.message.includes(killed) && /without meta.yaml/.test(p.message)));
  });

  it('keeps keys with slashes, dots, spaces and HTML, and non-UTF-8 values, as text', async () => {
    const run = expected.runs.find((r) => r.name === 'sweep-1')!;
    const dir = runDir(copy, run.id);
    fs.mkdirSync(path.join(dir, 'metrics', 'eval <b>set</b>', 'a.b'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'metrics', 'eval <b>set</b>', 'a.b', 'f1 score'), '5 0.75 2\n');
    fs.writeFileSync(path.join(dir, 'params', 'bytes'), Buffer.from([0x61, 0xff, 0xfe, 0x62]));
    fs.writeFileSync(path.join(dir, 'tags', '<img src=x onerror=alert(1)>'), 'x');
    const listed = (await listRuns(copy)).runs.find((r) => r.id === run.id)!;
    assert.deepEqual(listed.metrics.find((m) => m.key === 'eval <b>set</b>/a.b/f1 score')!.points, [
      { step: 2, value: 0.75, timestamp: 5 },
    ]);
    assert.equal(listed.params.bytes, 'a\ufffd\ufffdb');
    assert.equal(listed.tags['<img src=x onerror=alert(1)>'], 'x');
  });

  it('reads meta.yaml as PyYAML writes it: quoted names, text that looks like numbers, wrapped long values', async () => {
    const run = expected.runs.find((r) => r.name === 'sweep-2')!;
    const dir = runDir(copy, run.id);
    const meta = fs.readFileSync(path.join(dir, 'meta.yaml'), 'utf8');
    fs.writeFileSync(
      path.join(dir, 'meta.yaml'),
      meta.replace('run_name: sweep-2', "run_name: 'it''s #1: a ''quoted'' name'"),
    );
    let listed = (await listRuns(copy)).runs.find((r) => r.id === run.id)!;
    assert.equal(listed.label, "it's #1: a 'quoted' name");
    fs.writeFileSync(path.join(dir, 'meta.yaml'), meta.replace('run_name: sweep-2', 'run_name: 1e5'));
    listed = (await listRuns(copy)).runs.find((r) => r.id === run.id)!;
    assert.equal(listed.label, '1e5', 'a plain scalar stays the text MLflow wrote');
    // PyYAML folds long strings onto indented continuation lines: the full YAML parser reads those.
    fs.writeFileSync(
      path.join(dir, 'meta.yaml'),
      meta.replace(
        'run_name: sweep-2',
        "run_name: 'a very long run name that PyYAML folds onto a second line because it is\n  longer than eighty characters'",
      ),
    );
    listed = (await listRuns(copy)).runs.find((r) => r.id === run.id)!;
    assert.equal(
      listed.label,
      'a very long run name that PyYAML folds onto a second line because it is longer than eighty characters',
    );
    assert.equal(listed.status, 'killed');
    assert.equal(listed.time, run.start_time);
  });

  it('gives a clear error for a missing store, a file instead of a folder, and an empty folder', async () => {
    await assert.rejects(
      listRuns(path.join(tmp, 'missing')),
      (err: unknown) => err instanceof MetricsError && /no MLflow file store here \(ENOENT\)/.test(err.message),
    );
    fs.writeFileSync(path.join(tmp, 'file'), 'x');
    await assert.rejects(listExperiments(path.join(tmp, 'file')), MetricsError);
    fs.mkdirSync(path.join(tmp, 'empty'));
    assert.deepEqual(await listRuns(path.join(tmp, 'empty')), { runs: [], problems: [] });
  });

  it('survives fuzzed metric files and meta.yaml: every failure is a MetricsError', async function () {
    this.timeout(60_000);
    const next = seededRandom(7);
    const metricText = fs.readFileSync(path.join(runDir(store, expected.runs[0].id), 'meta.yaml'));
    const samples = [Buffer.from('1700000000000 0.5 0\n1700000000001 nan 1\n1700000000002 -inf 2 ds d1\n'), metricText];
    for (let i = 0; i < 3000; i++) {
      const input = mutate(samples[i % 2], next);
      try {
        parseMetricFile(input.toString('utf8'), 'fuzz');
      } catch (err) {
        assert.ok(err instanceof MetricsError, `input ${i}: ${String(err)}`);
      }
    }
    // Through the file system: mutated meta.yaml and metric files of one run, 200 rounds.
    const dir = runDir(copy, expected.runs.find((r) => r.name === 'sweep-1')!.id);
    const meta = fs.readFileSync(path.join(dir, 'meta.yaml'));
    const metric = fs.readFileSync(path.join(dir, 'metrics', 'train_loss'));
    for (let i = 0; i < 200; i++) {
      fs.writeFileSync(path.join(dir, 'meta.yaml'), mutate(meta, next));
      fs.writeFileSync(path.join(dir, 'metrics', 'train_loss'), mutate(metric, next));
      const listing = await listRuns(copy, { fullHistory: i % 2 === 0 });
      assert.ok(listing.problems.every((p) => p instanceof MetricsError));
      assert.ok(listing.runs.length >= 3);
    }
  });
});

describe('MLflow file store reader with a listing cache', () => {
  let tmp: string;
  let copy: string;
  let cache: ListingCache;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlflow-file-cache-'));
    copy = path.join(tmp, 'mlruns');
    fs.cpSync(store, copy, { recursive: true });
    age(copy);
    cache = listingCache(path.join(tmp, 'cache'));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  /** Files written a minute ago (the cache keeps only runs whose files have settled). */
  function age(dir: string): void {
    const then = new Date(Date.now() - 60_000);
    for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true }))
      fs.utimesSync(path.join(entry.parentPath, entry.name), then, then);
    fs.utimesSync(dir, then, then);
  }

  /** The listing as plain data (fields set to undefined dropped, as a cached run has none). */
  function plain(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(plain);
    if (typeof value !== 'object' || value === null) return value;
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, plain(v)]),
    );
  }

  /** Marks every cached run's label, so a listing shows which runs came from the cache. */
  function markCached(): void {
    const key = `mlflow-file:${path.resolve(copy)}`;
    const value = cache.read(key) as { runs: Record<string, { run: { label: string } }> };
    assert.ok(Object.keys(value.runs).length >= 4, 'the first listing filled the cache');
    for (const entry of Object.values(value.runs)) entry.run.label = `cached ${entry.run.label}`;
    cache.write(key, value);
  }

  it('lists exactly what an uncached listing does (NaN and Infinity included), reusing unchanged runs', async () => {
    const first = await listRuns(copy, { cache });
    const uncached = await listRuns(copy);
    assert.deepEqual(plain(first.runs), plain(uncached.runs));
    markCached();
    const second = await listRuns(copy, { cache });
    assert.deepEqual(
      second.runs.map((r) => r.label).sort(),
      ['cached resnet-baseline', 'cached special-values', 'cached sweep-1', 'cached sweep-2'],
      'every unchanged run came from the cache',
    );
    const unmark = (runs: typeof second.runs) => runs.map((r) => ({ ...r, label: r.label.replace(/^cached /, '') }));
    assert.deepEqual(plain(unmark(second.runs)), plain(uncached.runs));
    const weird = second.runs.find((r) => r.label === 'cached special-values')?.metrics;
    assert.ok(
      weird?.some((m) => m.points.some((p) => Number.isNaN(p.value))),
      'NaN survives the cache',
    );
  });

  it('reads a run again when a metric is appended, a tag rewritten in place, a metric added or meta.yaml changed', async () => {
    await listRuns(copy, { cache });
    markCached();
    const runs = (await listRuns(copy)).runs;
    const idOf = (label: string) => runs.find((r) => r.label === label)?.id ?? '';
    const sweep1 = runDir(copy, idOf('sweep-1'));
    const sweep2 = runDir(copy, idOf('sweep-2'));
    const resnet = runDir(copy, idOf('resnet-baseline'));
    // An append changes the file, not its folder; an in-place rewrite of a tag neither the folder nor (here) the size.
    fs.appendFileSync(path.join(sweep2, 'metrics', 'train_loss'), '1800000000000 0.125 999\n');
    const sweepTag = path.join(sweep1, 'tags', 'sweep');
    const before = fs.readFileSync(sweepTag, 'utf8');
    const fd = fs.openSync(sweepTag, 'r+');
    fs.writeSync(fd, 'X', 0);
    fs.closeSync(fd);
    fs.writeFileSync(path.join(resnet, 'metrics', 'new_metric'), '1800000000000 7 0\n');
    const listed = (await listRuns(copy, { cache })).runs;
    const byId = (dir: string) => listed.find((r) => r.id === path.basename(dir));
    assert.equal(byId(sweep2)?.label, 'sweep-2');
    assert.deepEqual(byId(sweep2)?.metrics.find((m) => m.key === 'train_loss')?.points, [
      { step: 999, value: 0.125, timestamp: 1800000000000 },
    ]);
    assert.equal(byId(sweep1)?.label, 'sweep-1');
    assert.equal(byId(sweep1)?.tags.sweep, `X${before.slice(1)}`);
    assert.equal(byId(resnet)?.label, 'resnet-baseline');
    assert.equal(byId(resnet)?.metrics.find((m) => m.key === 'new_metric')?.points[0]?.value, 7);
    assert.equal(listed.find((r) => r.label.endsWith('special-values'))?.label, 'cached special-values');
    // meta.yaml rewritten (MLflow ends a run so), and a run folder removed.
    const meta = path.join(runDir(copy, idOf('special-values')), 'meta.yaml');
    fs.writeFileSync(meta, fs.readFileSync(meta, 'utf8').replace(/^status: \d+$/m, 'status: 5'));
    fs.rmSync(sweep1, { recursive: true });
    const again = (await listRuns(copy, { cache })).runs;
    assert.equal(again.find((r) => r.label.endsWith('special-values'))?.status, 'killed');
    assert.equal(again.find((r) => r.label.endsWith('special-values'))?.label, 'special-values');
    assert.equal(again.length, 3);
  });

  it('lists as without a cache when the cache file is corrupt or unwritable', async () => {
    const uncached = plain((await listRuns(copy)).runs);
    await listRuns(copy, { cache });
    const dir = path.join(tmp, 'cache', 'listings');
    for (const name of fs.readdirSync(dir)) fs.writeFileSync(path.join(dir, name), '{"format":1,"key":');
    assert.deepEqual(plain((await listRuns(copy, { cache })).runs), uncached);
    fs.rmSync(path.join(tmp, 'cache'), { recursive: true });
    fs.writeFileSync(path.join(tmp, 'cache'), 'not a folder');
    assert.deepEqual(plain((await listRuns(copy, { cache })).runs), uncached);
  });
});
