import assert from 'node:assert/strict';
import {
  cell,
  driftMarkdown,
  driftSummary,
  figureKind,
  formatBytes,
  formatFigure,
  nullShare,
  profileMarkdown,
  rowList,
} from '../../../webview/dataset/format';
import { hostileProfile, sampleDrift, sampleFacts, sampleProfile, sampleViolations } from '../data/sampleDataset';

describe('dataset panel text', () => {
  it('says which figures are exact and gives a sketch its error bound', () => {
    assert.equal(figureKind({ value: 3, exact: true }), 'exact');
    assert.equal(
      figureKind({ value: 3, exact: false, error: { bound: 0.01, kind: 'rank' } }),
      'sketch, rank error ≤ 1%',
    );
    assert.equal(
      figureKind({ value: 3, exact: false, error: { bound: 0.0081, kind: 'relative' } }),
      'sketch, relative error ≤ 0.81%',
    );
    assert.equal(formatFigure({ value: 15873, exact: true }), '15,873');
    assert.equal(formatFigure({ value: 15873, exact: false }), '≈15,873');
  });

  it('formats sizes, null shares and violation rows', () => {
    assert.equal(formatBytes(512), '512 B');
    assert.equal(formatBytes(1_187_342), '1.1 MB');
    assert.equal(
      nullShare({ name: 'c', type: 'string', count: 19_950, nulls: 50, distinct: { value: 1, exact: true } }),
      '50 (0.3%)',
    );
    assert.equal(rowList(sampleViolations[1]), '7, 19, 112, 260, 301 … (50 in all)');
    assert.equal(rowList(sampleViolations[0]), '812, 4410, 17003');
  });

  it('writes the profile as a Markdown table with one row per column', () => {
    const md = profileMarkdown(sampleProfile(), sampleFacts, sampleViolations);
    const lines = md.split('\n');
    assert.equal(lines[0], '### data/transactions.csv @ workspace');
    assert.match(lines[2], /^20,000 rows · 6 columns · 1\.1 MB · csv · last change 2026-11-30 09:00 · 3 versions/);
    const amount = lines.find((l) => l.startsWith('| amount |'));
    assert.equal(amount, '| amount | number | 0 (0.0%) | 15,873 | 0.62 | 4,024.89 | 73.305 | 96.93 | 40.635 |');
    assert.equal(lines.filter((l) => l.startsWith('| ')).length, 2 + 6 + 2 + 2);
    assert.ok(
      md.includes('| country | nullable | country is empty but not nullable | 7, 19, 112, 260, 301 … (50 in all) |'),
    );
  });

  it('escapes hostile column names in Markdown: no table break, no HTML', () => {
    assert.equal(cell('a|b`c`\n**x**'), 'a\\|b\\`c\\` **x**');
    const md = profileMarkdown(hostileProfile(), {});
    assert.ok(!/<img|<script|<svg|<b>/i.test(md), md);
    for (const line of md.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| ---')))
      assert.equal(line.split(/(?<!\\)\|/).length - 2, 9, line);
  });

  it('states the drift verdict of every column and of the dataset', () => {
    const report = sampleDrift();
    assert.equal(driftSummary(report), 'Drift detected: 3 of 6 columns drifted (share 0.50, dataset drifts at 0.50)');
    const md = driftMarkdown(report);
    assert.ok(md.includes('| amount | Wasserstein (normed) | 0.3127 | 0.1 | yes |'), md);
    assert.ok(md.includes('| hour | Wasserstein (normed) | 0.0094 | 0.1 | no |'), md);
    assert.equal(md.split('\n').filter((l) => / \| (yes|no) \|$/.test(l)).length, 6);
  });
});
