import assert from 'node:assert/strict';
import { compareItems } from '../../../src/core/chart/deltas';
import {
  compareToMarkdown,
  csvField,
  markdownCell,
  plotToCsv,
  toCsv,
  toMarkdownTable,
} from '../../../src/core/chart/export';
import { prepareChart } from '../../../src/core/chart/prepare';
import { stepRuns, versionRuns } from './sampleRuns';

describe('chart export (CSV and Markdown)', () => {
  it('quotes CSV fields as RFC 4180 says', () => {
    assert.equal(csvField('plain'), 'plain');
    assert.equal(csvField('a,b'), '"a,b"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField('two\nlines'), '"two\nlines"');
    assert.equal(csvField('cr\rhere'), '"cr\rhere"');
    assert.equal(csvField(undefined), '');
    assert.equal(toCsv(['a', 'b'], [[1, 'x,y']]), 'a,b\r\n1,"x,y"\r\n');
  });

  it('defuses spreadsheet formulas in text but leaves numbers alone', () => {
    assert.equal(csvField('=HYPERLINK("http://x")'), `"'=HYPERLINK(""http://x"")"`);
    assert.equal(csvField('+1'), "'+1");
    assert.equal(csvField('-cmd'), "'-cmd");
    assert.equal(csvField('@SUM(A1)'), "'@SUM(A1)");
    assert.equal(csvField('\tx'), "'\tx");
    assert.equal(csvField(-0.5), '-0.5');
    assert.equal(csvField(Number.NaN), 'NaN');
    assert.equal(csvField(-Infinity), '-Infinity');
  });

  it('escapes Markdown table cells: pipes, markup and HTML', () => {
    assert.equal(markdownCell('a|b'), 'a\\|b');
    assert.equal(markdownCell('<img src=x onerror=alert(1)>'), '&lt;img src=x onerror=alert(1)&gt;');
    assert.equal(markdownCell('x & y'), 'x &amp; y');
    assert.equal(markdownCell('*bold* `code` [link] _u_ \\'), '\\*bold\\* \\`code\\` \\[link\\] \\_u\\_ \\\\');
    assert.equal(markdownCell('two\r\nlines'), 'two lines');
    assert.equal(markdownCell(0.1234567), '0.123457');
    const table = toMarkdownTable(['name', 'value'], [['a|b', 1]], ['left', 'right']);
    assert.equal(table, '| name | value |\n| --- | ---: |\n| a\\|b | 1 |\n');
  });

  it('writes the compare table as Markdown with deltas and verdict marks', () => {
    const table = compareItems(
      [
        { id: 'a', label: 'v1 | old', values: { f1: 0.8 } },
        { id: 'b', label: '<b>new</b>', values: { f1: 0.84 } },
      ],
      [{ id: 'f1', label: 'f1', goal: 'maximize' }],
    );
    const md = compareToMarkdown(table);
    const lines = md.trim().split('\n');
    assert.equal(lines.length, 4);
    assert.equal(lines[0], '|  | f1 | Δ f1 |');
    assert.equal(lines[2], '| v1 \\| old (baseline) | 0.8 |  |');
    assert.equal(lines[3], '| &lt;b&gt;new&lt;/b&gt; | 0.84 | +0.04 (+5.0%) ✓ |');
  });

  it('exports the plotted versions data, one row per point, with revision facts', () => {
    const payload = prepareChart(
      versionRuns(3, { subjects: (i) => (i === 1 ? '=cmd|"x",y' : `c${i}`) }),
      { view: 'versions', keys: ['f1'], splits: ['test'] },
      [],
    );
    const csv = plotToCsv(payload, payload.series);
    const lines = csv.split('\r\n');
    assert.equal(lines[0], 'series,key,split,source,file,revision,tags,subject,author,date,value');
    assert.equal(lines.length, 1 + 3 + 1, 'header, 3 points, final empty line');
    assert.match(
      lines[2],
      /^test\.f1,test\.f1,test,metrics\/eval\.json,,[0-9a-f]{40},,"'=cmd\|""x"",y",Alan Turing,2025-01-07T09:00:00\.000Z,0\.\d+$/,
    );
  });

  it('exports the plotted steps data with the smoothed column when smoothing is on', () => {
    const payload = prepareChart(stepRuns(2, 4, { keys: ['loss'] }), { view: 'steps', keys: ['loss'] }, []);
    const smoothed = new Map(payload.series.map((s) => [s.id, s.ys.map((y) => y / 2)]));
    const lines = plotToCsv(payload, payload.series, smoothed).trim().split('\r\n');
    assert.equal(lines[0], 'series,key,split,source,run,run id,step,value,smoothed');
    assert.equal(lines.length, 1 + 8);
    const first = lines[1].split(',');
    assert.deepEqual(first.slice(0, 7), ['run 1', 'train/loss', 'train', 'mlruns', 'run 1', 'run-000', '0']);
    assert.equal(Number(first[8]), Number(first[7]) / 2);
  });
});
