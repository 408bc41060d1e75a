import assert from 'node:assert/strict';
import { columnsOf } from '../../../src/core/runs/columns';
import { exportRows, formatDuration } from '../../../src/core/runs/export';
import { row } from './rowFixtures';

const rows = [
  row({
    name: 'a|b <img src=x>',
    params: { cmd: '=HYPERLINK("x")', lr: 0.1 + 0.2 },
    metrics: { f1: NaN, 'val/loss': 0.25 },
    commit: 'c'.repeat(40),
    durationMs: 125_000,
    startTime: Date.UTC(2024, 4, 1, 10, 0, 0),
  }),
  row({ name: 'evil\u001b[31m\nline', params: { cmd: 'ok, "quoted"' }, metrics: { f1: 0.9 } }),
];
const columns = columnsOf(rows).filter(
  (c) => ['name', 'commit', 'start', 'duration'].includes(c.id) || c.group !== 'run',
);

describe('runs export', () => {
  it('writes CSV with full values, quoted cells and no formulas', () => {
    assert.equal(
      exportRows(rows, columns, 'csv'),
      [
        'Run,Commit,Started,Duration (s),params.cmd,params.lr,metrics.f1,metrics.val/loss',
        `a|b <img src=x>,${'c'.repeat(40)},2024-05-01T10:00:00.000Z,125,"'=HYPERLINK(""x"")",0.30000000000000004,NaN,0.25`,
        'evil\\x1b[31m\\nline,,,,"ok, ""quoted""",,0.9,',
        '',
      ].join('\r\n'),
    );
  });

  it('writes Markdown that cannot break the table or inject HTML', () => {
    const md = exportRows(rows, columns, 'md');
    const lines = md.trimEnd().split('\n');
    assert.equal(lines.length, 4);
    assert.equal(
      lines[0],
      '| Run | Commit | Started | Duration | params.cmd | params.lr | metrics.f1 | metrics.val/loss |',
    );
    assert.equal(lines[1], '| --- | --- | --- | ---: | --- | ---: | ---: | ---: |');
    assert.equal(
      lines[2],
      '| a\\|b &lt;img src=x&gt; | ccccccc | 2024-05-01 10:00:00 | 2m 05s | =HYPERLINK("x") | 0.3 | NaN | 0.25 |',
    );
    assert.equal(lines[3], '| evil\\\\x1b\\[31m\\\\nline |  |  |  | ok, "quoted" |  | 0.9 |  |');
  });

  it('writes JSON with the row key and non-finite numbers as text', () => {
    const parsed = JSON.parse(exportRows(rows, columns, 'json')) as Record<string, unknown>[];
    assert.equal(parsed[0]?.key, rows[0]?.key);
    assert.equal(parsed[0]?.['metrics.f1'], 'NaN');
    assert.equal(parsed[0]?.start, '2024-05-01T10:00:00.000Z');
    assert.equal(parsed[1]?.name, 'evil\u001b[31m\nline');
    assert.equal(parsed[1]?.['params.lr'], null);
  });

  it('writes an aligned table with control characters visible', () => {
    const table = exportRows(rows, columns.slice(0, 1), 'table');
    assert.equal(table, 'Run\na|b <img src=x>\nevil\\x1b[31m\\nline\n');
  });

  it('formats durations', () => {
    assert.deepEqual([850, 42_000, 185_000, 7_440_000, 90_000_000].map(formatDuration), [
      '850ms',
      '42s',
      '3m 05s',
      '2h 04m',
      '1d 01h',
    ]);
  });
});
