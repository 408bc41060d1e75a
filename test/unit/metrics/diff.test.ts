import assert from 'node:assert/strict';
import {
  diff,
  diffToJson,
  diffToMarkdown,
  diffToText,
  escapeMarkdownCell,
  formatChange,
} from '../../../src/core/metrics/diff';
import { type MetricSeries, type Run } from '../../../src/core/metrics/model';

function run(label: string, values: Record<string, number | number[] | string>, file = 'metrics/eval.json'): Run {
  const metrics: MetricSeries[] = [];
  const textMetrics: { key: string; value: string; file: string }[] = [];
  for (const [key, v] of Object.entries(values)) {
    if (typeof v === 'string') textMetrics.push({ key, value: v, file });
    else
      metrics.push({
        key,
        baseKey: key,
        file,
        points: (Array.isArray(v) ? v : [v]).map((value, step) => ({ step, value })),
      });
  }
  return {
    id: label,
    label,
    source: { kind: 'file', location: file },
    params: {},
    tags: {},
    status: 'unknown',
    metrics,
    textMetrics,
  };
}

describe('metrics diff', () => {
  const goals = { f1: 'maximize', loss: 'minimize' } as const;

  it('compares latest values with absolute and relative change and goal-aware improvement', () => {
    const d = diff(
      run('HEAD', { 'test.f1': 0.8, 'train.loss': [0.9, 0.5], 'val.loss': 0.3, acc: 0.5 }),
      run('workspace', { 'test.f1': 0.84, 'train.loss': [0.9, 0.4], 'val.loss': 0.35, acc: 0.6 }),
      goals,
    );
    const byKey = new Map(d.entries.map((e) => [e.key, e]));
    assert.equal(byKey.get('test.f1')!.old, 0.8);
    assert.equal(byKey.get('test.f1')!.new, 0.84);
    assert.ok(Math.abs(byKey.get('test.f1')!.change! - 0.04) < 1e-12);
    assert.ok(Math.abs(byKey.get('test.f1')!.relative! - 0.05) < 1e-12);
    assert.equal(byKey.get('test.f1')!.improvement, true);
    assert.equal(byKey.get('test.f1')!.baseKey, 'f1');
    assert.equal(byKey.get('train.loss')!.old, 0.5, 'latest point of the series');
    assert.equal(byKey.get('train.loss')!.improvement, true);
    assert.equal(byKey.get('val.loss')!.improvement, false);
    assert.equal(byKey.get('acc')!.improvement, undefined, 'no goal for acc');
    assert.deepEqual(
      d.entries.map((e) => e.key),
      ['acc', 'test.f1', 'train.loss', 'val.loss'],
    );
  });

  it('marks added, removed and unchanged keys; relative change undefined from 0 or non-finite', () => {
    const d = diff(
      run('a', { gone: 1, zero: 0, same: 2, nan: NaN, inf: Infinity, text: 'rf' }),
      run('b', { zero: 5, same: 2, nan: NaN, inf: 3, added: 7, text: 'gb' }),
      goals,
    );
    const byKey = new Map(d.entries.map((e) => [e.key, e]));
    assert.deepEqual(byKey.get('gone'), {
      file: 'metrics/eval.json',
      key: 'gone',
      baseKey: 'gone',
      old: 1,
      status: 'removed',
    });
    assert.deepEqual(byKey.get('added'), {
      file: 'metrics/eval.json',
      key: 'added',
      baseKey: 'added',
      new: 7,
      status: 'added',
    });
    assert.equal(byKey.get('zero')!.change, 5);
    assert.equal(byKey.get('zero')!.relative, undefined);
    assert.equal(byKey.get('same')!.status, 'unchanged');
    assert.equal(byKey.get('same')!.change, 0);
    assert.equal(byKey.get('nan')!.status, 'unchanged');
    assert.equal(byKey.get('inf')!.change, -Infinity);
    assert.equal(byKey.get('inf')!.relative, undefined);
    assert.deepEqual(byKey.get('text'), {
      file: 'metrics/eval.json',
      key: 'text',
      baseKey: 'text',
      old: 'rf',
      new: 'gb',
      status: 'changed',
    });
  });

  it('keys by file too, so the same key in two files is two rows', () => {
    const a = run('a', { f1: 1 }, 'a.json');
    a.metrics.push(...run('a', { f1: 2 }, 'b.json').metrics);
    const b = run('b', { f1: 1 }, 'a.json');
    b.metrics.push(...run('b', { f1: 3 }, 'b.json').metrics);
    assert.deepEqual(
      diff(a, b).entries.map((e) => [e.file, e.key, e.status]),
      [
        ['a.json', 'f1', 'unchanged'],
        ['b.json', 'f1', 'changed'],
      ],
    );
  });

  it('renders a Markdown table for a pull request, escaping pipes and HTML in keys', () => {
    const d = diff(
      run('HEAD', { 'test.f1': 0.8, 'a|b <script>': 1, same: 1, loss: 0.5 }),
      run('workspace', { 'test.f1': 0.8457, 'a|b <script>': 2, same: 1, loss: 0.6 }),
      goals,
    );
    const md = diffToMarkdown(d);
    assert.equal(
      md,
      [
        '| File | Metric | HEAD | workspace | Change |  |',
        '| --- | --- | --: | --: | --: | :-: |',
        '| metrics/eval.json | a\\|b &lt;script&gt; | 1 | 2 | ▲ +1 (+100%) |  |',
        '| metrics/eval.json | loss | 0.5 | 0.6 | ▲ +0.1 (+20.00%) | ❌ worse |',
        '| metrics/eval.json | test.f1 | 0.8 | 0.8457 | ▲ +0.0457 (+5.71%) | ✅ better |',
        '',
        '1 better, 1 worse.',
        '',
      ].join('\n'),
    );
    assert.ok(!md.includes('<script>'));
    assert.match(diffToMarkdown(d, { all: true }), /\| same \| 1 \| 1 \| 0 \|/);
    assert.equal(diffToMarkdown(diff(run('a', { x: 1 }), run('b', { x: 1 }))), 'No metric changed between a and b.\n');
  });

  it('escapes Markdown and HTML in cells', () => {
    assert.equal(escapeMarkdownCell('a|b'), 'a\\|b');
    assert.equal(escapeMarkdownCell('<img src=x>'), '&lt;img src=x&gt;');
    assert.equal(escapeMarkdownCell('x & y\nz'), 'x &amp; y z');
    assert.equal(escapeMarkdownCell('*bold* _it_ `code` [link]'), '\\*bold\\* \\_it\\_ \\`code\\` \\[link\\]');
  });

  it('renders JSON (non-finite numbers as strings) and a text table', () => {
    const d = diff(run('HEAD', { x: 1, y: NaN }), run('workspace', { x: Infinity, y: 1 }));
    assert.deepEqual(diffToJson(d), {
      a: { label: 'HEAD' },
      b: { label: 'workspace' },
      metrics: [
        { file: 'metrics/eval.json', key: 'x', status: 'changed', old: 1, new: 'Infinity', change: 'Infinity' },
        { file: 'metrics/eval.json', key: 'y', status: 'changed', old: 'NaN', new: 1, change: 'NaN' },
      ],
    });
    const text = diffToText(d);
    assert.match(text, /^Path\s+Metric\s+HEAD\s+workspace\s+Change/);
    assert.match(text, /x\s+1\s+Infinity\s+▲ Infinity/);
  });

  it('formats changes without floating-point noise', () => {
    assert.equal(formatChange(0.8457 - 0.8), '+0.0457');
    assert.equal(formatChange(0.1 + 0.2 - 0.3), '+5.551115123e-17');
    assert.equal(formatChange(-0.24170999999999998), '-0.24171');
  });
});
