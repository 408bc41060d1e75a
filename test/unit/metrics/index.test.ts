import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defaultReaders, MetricsIndex, type SourceReader } from '../../../src/core/metrics/index';
import { type Run } from '../../../src/core/metrics/model';

function countingReaders(counts: Map<string, number>): SourceReader[] {
  return defaultReaders().map((r) => ({
    ...r,
    load: (p: string) => {
      counts.set(path.basename(p), (counts.get(path.basename(p)) ?? 0) + 1);
      return r.load(p);
    },
  }));
}

describe('metrics index', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-index-'));
    fs.mkdirSync(path.join(dir, 'metrics'));
    fs.writeFileSync(path.join(dir, 'metrics', 'eval.json'), '{"f1": 0.5}');
    fs.writeFileSync(path.join(dir, 'metrics', 'history.csv'), 'step,loss\n0,1\n1,0.5\n');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('loads sources lazily and only once while they are unchanged', async () => {
    const counts = new Map<string, number>();
    const index = new MetricsIndex(dir, countingReaders(counts));
    index.setSources(['metrics/eval.json', 'metrics/history.csv']);
    assert.equal(counts.size, 0, 'nothing read before the first load');
    const first = await index.load();
    assert.deepEqual(
      first.runs.map((r) => r.metrics.map((m) => m.key)),
      [['f1'], ['loss']],
    );
    await index.load();
    // Sources load concurrently: compare the counts, not the order they finished in.
    assert.deepEqual(
      [...counts].sort(([a], [b]) => a.localeCompare(b)),
      [
        ['eval.json', 1],
        ['history.csv', 1],
      ],
    );
  });

  it('reloads a file whose size or mtime changed, and an invalidated one, and nothing else', async () => {
    const counts = new Map<string, number>();
    const index = new MetricsIndex(dir, countingReaders(counts));
    index.setSources(['metrics/eval.json', 'metrics/history.csv']);
    await index.load();
    fs.writeFileSync(path.join(dir, 'metrics', 'eval.json'), '{"f1": 0.75, "acc": 1}');
    const second = await index.load();
    assert.equal(counts.get('eval.json'), 2);
    assert.equal(counts.get('history.csv'), 1);
    assert.deepEqual(
      second.runs[0].metrics.map((m) => m.points[0].value),
      [0.75, 1],
    );
    assert.deepEqual(index.invalidate([path.join(dir, 'metrics', 'history.csv')]), [
      path.join(dir, 'metrics', 'history.csv'),
    ]);
    await index.load();
    assert.equal(counts.get('history.csv'), 2);
    assert.equal(counts.get('eval.json'), 2);
    // Invalidating a folder marks what is inside it.
    assert.equal(index.invalidate([path.join(dir, 'metrics')]).length, 2);
  });

  it('keeps errors per source without failing the others', async () => {
    fs.writeFileSync(path.join(dir, 'bad.json'), '{"x": }');
    const index = new MetricsIndex(dir);
    index.setSources(['bad.json', 'metrics/eval.json', 'missing.yaml', 'notes.txt']);
    const snapshot = await index.load();
    assert.equal(snapshot.runs.length, 1);
    assert.deepEqual(
      snapshot.sources.map((s) => [
        path.basename(s.path),
        s.kind,
        s.error ? s.error.message.replace(dir, '<dir>') : '',
      ]),
      [
        [
          'bad.json',
          'file',
          '<dir>/bad.json:1:7: unexpected character "}" where a value should be. Fix the JSON syntax (is the file truncated, or still being written?).',
        ],
        ['eval.json', 'file', ''],
        ['missing.yaml', 'file', '<dir>/missing.yaml does not exist. Check the path, or run the step that writes it.'],
        [
          'notes.txt',
          undefined,
          '<dir>/notes.txt: no reader for this kind of file. Metrics files are JSON, YAML, CSV or TSV.',
        ],
      ],
    );
  });

  it('recognises dvc.yaml and DVCLive folders, and scopes their invalidation to the project', async () => {
    fs.writeFileSync(path.join(dir, 'dvc.yaml'), 'metrics: [metrics/eval.json]\n');
    fs.mkdirSync(path.join(dir, 'dvclive', 'plots', 'metrics'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'dvclive', 'metrics.json'), '{"step": 1, "loss": 0.5}');
    fs.writeFileSync(path.join(dir, 'dvclive', 'plots', 'metrics', 'loss.tsv'), 'step\tloss\n0\t0.9\n1\t0.5\n');
    const index = new MetricsIndex(dir);
    index.setSources(['dvc.yaml', 'dvclive/metrics.json']);
    const snapshot = await index.load();
    assert.deepEqual(
      snapshot.sources.map((s) => s.kind),
      ['dvc', 'dvclive'],
    );
    assert.equal(snapshot.runs[1].metrics.find((m) => m.key === 'loss')!.points.length, 2);
    assert.deepEqual(index.invalidate([path.join(dir, 'metrics', 'eval.json')]), [path.join(dir, 'dvc.yaml')]);
    assert.deepEqual(
      index.invalidate([path.join(dir, 'dvclive', 'plots', 'metrics', 'loss.tsv')]).sort(),
      [path.join(dir, 'dvc.yaml'), path.join(dir, 'dvclive', 'metrics.json')].sort(),
    );
  });

  it('takes other readers through register, ahead of the built-in ones', async () => {
    const index = new MetricsIndex(dir);
    const fake: Run = {
      id: 'r1',
      label: 'r1',
      source: { kind: 'mlflow-file', location: 'mlruns' },
      params: {},
      tags: {},
      status: 'finished',
      metrics: [],
    };
    index.register({
      kind: 'mlflow-file',
      matches: (p) => p.endsWith('eval.json'),
      load: () => Promise.resolve([fake]),
    });
    index.setSources(['metrics/eval.json', 'metrics/history.csv']);
    const snapshot = await index.load();
    assert.equal(snapshot.runs[0], fake);
    assert.equal(snapshot.sources[1].kind, 'file');
  });

  it('shares one load between concurrent callers and drops sources no longer listed', async () => {
    const counts = new Map<string, number>();
    const index = new MetricsIndex(dir, countingReaders(counts));
    index.setSources(['metrics/eval.json']);
    await Promise.all([index.load(), index.load(), index.get('metrics/eval.json')]);
    assert.equal(counts.get('eval.json'), 1);
    index.setSources(['metrics/history.csv']);
    assert.deepEqual(index.sources(), [path.join(dir, 'metrics', 'history.csv')]);
  });
});
