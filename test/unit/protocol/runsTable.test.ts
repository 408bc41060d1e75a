import assert from 'node:assert/strict';
import type { RunRow } from '../../../src/core/runs/model';
import {
  dataMessages,
  decodeRuns,
  encodeRuns,
  FIRST_SCREEN_ROWS,
  type RunsDataMessage,
  type RunsTable,
} from '../../../src/protocol/runs';
import { demoLikeRows, syntheticRows } from '../../helpers/runRows';
import { deserializeLikeVsCode, serializeLikeVsCode } from '../../harness/vscodeMessage';

/** Rows with every kind of value the table has, the awkward ones included. */
function awkwardRows(): RunRow[] {
  return [
    {
      key: 'git:.:abc',
      runId: 'abc',
      name: '<img src=x onerror=alert(1)>',
      sourceKind: 'git',
      sourceLabel: 'Git history .',
      sourceLocation: '.',
      commit: 'abc1234',
      tags: ['v1', 'model@2'],
      experiment: 'exp',
      branches: ['main'],
      status: 'finished',
      startTime: 1767225600000,
      durationMs: 0,
      author: 'Ada',
      params: { lr: 0.01, nan: NaN, inf: -Infinity, opt: 'adam', on: true, off: false, none: null },
      metrics: {
        f1: { latest: NaN, min: -Infinity, max: Infinity, step: 3 },
        loss: { latest: 0.5, min: 0.5, max: 0.5 },
        'val/loss': { latest: Infinity, min: Infinity, max: Infinity, step: 0 },
      },
      annotation: {
        note: 'Best so far',
        noteSource: 'notes-file',
        labels: [{ name: 'candidate', color: 'green' }],
      },
    },
    {
      key: 'mlflow-file:mlruns:1',
      runId: '1',
      name: 'run 1',
      sourceKind: 'mlflow-file',
      sourceLabel: 'MLflow mlruns',
      sourceLocation: 'mlruns',
      tags: [],
      branches: [],
      status: 'running',
      params: { lr: 'auto', other: 2 },
      metrics: { loss: { latest: 0.25, min: 0.1, max: 0.9, step: 10 } },
      annotation: { labels: [] },
    },
  ];
}

/** Through the wire as VS Code carries a message from the host to the panel. */
function carried(table: RunsTable): unknown {
  const { message, buffers } = serializeLikeVsCode({ type: 'data', table });
  return (deserializeLikeVsCode(message, buffers) as { table: unknown }).table;
}

describe('Runs table on the wire', () => {
  it('round-trips every kind of value, NaN and +/-Infinity included, through VS Code message serialisation', () => {
    const rows = awkwardRows();
    const back = decodeRuns(carried(encodeRuns(rows)));
    assert.deepEqual(back, rows);
    // deepEqual treats NaN as NaN; check the signs and kinds explicitly too.
    assert.ok(Number.isNaN(back?.[0]?.metrics.f1?.latest));
    assert.equal(back?.[0]?.metrics.f1?.min, -Infinity);
    assert.equal(back?.[0]?.params.inf, -Infinity);
    assert.equal(back?.[0]?.params.none, null);
    assert.equal('loss' in (back?.[1]?.params ?? {}), false, 'an absent param stays absent');
    assert.equal('f1' in (back?.[1]?.metrics ?? {}), false, 'an absent metric stays absent');
    assert.equal('step' in (back?.[0]?.metrics.loss ?? {}), false, 'a metric without a step has none');
    assert.equal('commit' in (back?.[1] ?? {}), false, 'absent optional fields stay absent');
    assert.deepEqual(Object.keys(back?.[1]?.params ?? {}), ['lr', 'other']);
    assert.equal(Object.prototype.hasOwnProperty.call(back?.[0]?.metrics, 'val/loss'), true);
    assert.equal(Object.prototype.hasOwnProperty.call(back?.[1]?.metrics, 'val/loss'), false);
    const decoded = back;
    assert.throws(() => (decoded[0].params.lr = 2), TypeError, 'the decoded values are read-only');
    const changed = awkwardRows();
    changed[1].params.other = 3;
    assert.notDeepEqual(back, changed, 'a changed value is seen through the views');
  });

  it('round-trips the demo-like rows and 60 x 800 synthetic rows exactly', () => {
    // These rows hold only finite numbers; JSON drops their fields that are set to undefined, as the wire does.
    for (const { rows } of [demoLikeRows(), syntheticRows(60, 400, 400)])
      assert.deepEqual(decodeRuns(carried(encodeRuns(rows))), JSON.parse(JSON.stringify(rows)));
  });

  it('sends min and max only for the metric columns where they differ from the latest value', () => {
    const table = encodeRuns(awkwardRows());
    assert.deepEqual(table.metrics.keys, ['f1', 'loss', 'val/loss']);
    assert.deepEqual(table.metrics.extremes, [0, 1]);
    assert.equal(table.metrics.min.length, 2 * 2);
    // Row 1 has no f1: its min and max there are NaN and never read (the mask says absent).
    assert.deepEqual([...table.metrics.mask], [1, 0, 2, 1, 1, 0]);
  });

  it('sends a step every row of a metric column shares once, and per row only the steps that differ', () => {
    const { rows } = syntheticRows(50, 3, 4);
    const keys = Object.keys(rows[0]?.metrics ?? {});
    assert.equal(keys.length, 4);
    const [shared, varying, withNaN, none] = keys as [string, string, string, string];
    rows.forEach((row, r) => {
      row.metrics[shared].step = 20;
      row.metrics[varying].step = r % 3;
      row.metrics[withNaN].step = r === 7 ? NaN : 5;
      delete row.metrics[none].step;
    });
    delete rows[3].metrics[shared];
    const table = encodeRuns(rows);
    const column = (key: string) => table.metrics.keys.indexOf(key);
    assert.equal(table.metrics.sharedStep[column(shared)], 20);
    assert.equal(table.metrics.sharedStep[column(varying)], null);
    assert.equal(table.metrics.sharedStep[column(withNaN)], null, 'NaN is never shared (JSON would lose it)');
    assert.equal(table.metrics.sharedStep[column(none)], 0, 'a column without steps shares nothing to send');
    assert.equal(table.metrics.step.length, 2 * 50, 'only the two varying columns travel per row');
    const back = decodeRuns(carried(table));
    assert.equal(back?.[5]?.metrics[shared]?.step, 20);
    assert.equal(back?.[3]?.metrics[shared], undefined, 'an absent cell stays absent');
    assert.equal(back?.[5]?.metrics[varying]?.step, 2);
    assert.ok(Number.isNaN(back?.[7]?.metrics[withNaN]?.step));
    assert.equal('step' in (back?.[0]?.metrics[none] ?? {}), false);
    assert.deepEqual(back, rows);
    const broken = carried(table) as RunsTable;
    broken.metrics.sharedStep = broken.metrics.sharedStep.slice(1);
    assert.equal(decodeRuns(broken), undefined, 'a shared-step list of the wrong length is rejected');
    const short = carried(table) as RunsTable;
    short.metrics.step = short.metrics.step.subarray(50);
    assert.equal(decodeRuns(short), undefined, 'steps of the wrong length are rejected');
  });

  it('is much smaller as JSON than the rows it replaces, its numbers travelling as buffers', () => {
    const { rows } = syntheticRows(200, 200, 200);
    const { message, buffers } = serializeLikeVsCode({ table: encodeRuns(rows) });
    const old = JSON.stringify({ rows });
    assert.ok(message.length * 10 < old.length, `JSON ${message.length} chars vs ${old.length} before`);
    assert.ok(buffers.length >= 4 && buffers.length <= 8, `${buffers.length} buffers`);
  });

  it('sends the first screen of rows ahead of every row when a panel opens on more rows than a screen', () => {
    const { rows, columns } = syntheticRows(FIRST_SCREEN_ROWS + 50, 3, 3);
    const messages = [...dataMessages(rows, columns, 'initial', ['a problem'])];
    assert.equal(messages.length, 2);
    const [ahead, every] = messages as [RunsDataMessage, RunsDataMessage];
    assert.equal(ahead.total, FIRST_SCREEN_ROWS + 50);
    assert.equal(ahead.table.count, FIRST_SCREEN_ROWS);
    assert.deepEqual(
      decodeRuns(carried(ahead.table)),
      decodeRuns(carried(encodeRuns(rows.slice(0, FIRST_SCREEN_ROWS)))),
    );
    assert.deepEqual(ahead.problems, ['a problem']);
    assert.equal(every.total, undefined);
    assert.equal(every.table.count, FIRST_SCREEN_ROWS + 50);
    assert.deepEqual(decodeRuns(carried(every.table)), JSON.parse(JSON.stringify(rows)));
    // A refresh, a panel opened with a filter to apply, or a screenful: every row at once.
    for (const only of [
      [...dataMessages(rows, columns, 'refresh', [])],
      [...dataMessages(rows, columns, 'initial', [], false)],
      [...dataMessages(rows.slice(0, FIRST_SCREEN_ROWS), columns, 'initial', [])],
    ]) {
      assert.equal(only.length, 1);
      assert.equal(only[0]?.total, undefined);
    }
  });

  it('makes the message with every row only when it is asked for (after the first one went out)', () => {
    const { rows, columns } = syntheticRows(FIRST_SCREEN_ROWS + 1, 1, 1);
    const messages = dataMessages(rows, columns, 'initial', []);
    assert.equal((messages.next().value as RunsDataMessage).table.count, FIRST_SCREEN_ROWS);
    rows[FIRST_SCREEN_ROWS].name = 'renamed after the first message';
    assert.equal(
      (messages.next().value as RunsDataMessage).table.name[FIRST_SCREEN_ROWS],
      'renamed after the first message',
    );
    assert.equal(messages.next().done, true);
  });

  it('rejects a table with any field of the wrong shape, type or length', () => {
    const good = () => carried(encodeRuns(awkwardRows())) as Record<string, unknown> & RunsTable;
    const broken: [string, (t: Record<string, unknown> & RunsTable) => void][] = [
      ['count too large', (t) => (t.count = 3)],
      ['count not an integer', (t) => (t.count = 1.5)],
      ['a key missing', (t) => (t.key = ['only one'])],
      ['a name not text', (t) => ((t.name as unknown[])[0] = 5)],
      ['tags not a list', (t) => ((t.tags as unknown[])[0] = 'v1')],
      ['a start time as text', (t) => ((t.startTime as unknown[])[0] = '2026')],
      ['a label without colour', (t) => ((t.annotation as unknown[])[0] = { labels: [{ name: 'x' }] })],
      ['an unknown note source', (t) => ((t.annotation as unknown[])[0] = { labels: [], noteSource: 'web' })],
      ['numbers as a plain array', (t) => (t.metrics.latest = [...t.metrics.latest] as unknown as Float64Array)],
      ['a short mask', (t) => (t.metrics.mask = t.metrics.mask.subarray(1))],
      ['an unknown mask value', (t) => (t.metrics.mask[0] = 7)],
      ['an unknown param kind', (t) => (t.params.kinds[0] = 9)],
      ['a text param without its texts', (t) => (t.params.strings = t.params.strings.map(() => null))],
      ['duplicate metric keys', (t) => (t.metrics.keys = ['f1', 'f1', 'loss'])],
      ['an extreme column out of range', (t) => (t.metrics.extremes = [0, 3])],
      ['no params', (t) => delete (t as Partial<RunsTable>).params],
    ];
    assert.ok(decodeRuns(good()), 'the unbroken table is accepted');
    for (const [what, breakIt] of broken) {
      const table = good();
      breakIt(table);
      assert.equal(decodeRuns(table), undefined, what);
    }
    assert.equal(decodeRuns(null), undefined);
    assert.equal(decodeRuns([]), undefined);
  });
});
