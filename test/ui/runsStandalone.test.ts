// The Runs panel in plain Chromium: the real bundle, the real CSP, a fake VS Code API. The test plays the host: it
// posts rows and columns and checks what the panel draws and posts back. Screenshots go to test-results/ui/standalone.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { exportRows } from '../../src/core/runs/export';
import { compileFilter } from '../../src/core/runs/filter';
import type { ColumnDef, RunRow } from '../../src/core/runs/model';
import { sortRows } from '../../src/core/runs/sort';
import {
  dataMessages,
  encodeRuns,
  FIRST_SCREEN_ROWS,
  type HostToWebview,
  type WebviewToHost,
} from '../../src/protocol/runs';
import { postLikeVsCode } from '../harness/vscodeMessage';
import { demoLikeRows, syntheticRows } from '../helpers/runRows';
import { openStandalone, type StandalonePanel, type ThemeName } from './metricHistoryStandaloneHarness';

/** The harness speaks the Metric History contract; these helpers speak the Runs panel's. */
async function next<T extends WebviewToHost['type']>(
  panel: StandalonePanel,
  type: T,
): Promise<Extract<WebviewToHost, { type: T }>> {
  return await panel.waitForPosted(type as never);
}

async function open(theme: ThemeName, height = 820): Promise<StandalonePanel> {
  return openStandalone({ panel: 'runs', theme, width: 1300, height });
}

async function load(panel: StandalonePanel, rows: RunRow[], columns: ColumnDef[]) {
  await panel.waitForPosted('ready');
  // As the host posts them: the columnar table, carried as VS Code carries a message (JSON beside binary buffers).
  const data: HostToWebview = { type: 'data', table: encodeRuns(rows), columns, reason: 'initial', problems: [] };
  await postLikeVsCode(panel.page, data);
  return next(panel, 'shown');
}

async function filterTo(panel: StandalonePanel, text: string) {
  await panel.page.locator('#rt-filter input').fill(text);
  await panel.page.locator('#rt-filter input').press('Enter');
}

/** Sets a toolbar select (0: grouping, 1: plot) as a user's pick does. */
async function choose(page: Page, index: number, value: string): Promise<void> {
  await page.evaluate(
    ([i, v]) => {
      const select = document.querySelectorAll<HTMLElement & { value: string }>('.rt-toolbar vscode-single-select')[i];
      select.value = v;
      select.dispatchEvent(new Event('change'));
    },
    [index, value] as const,
  );
}

async function scrollGrid(page: Page, left: number): Promise<void> {
  await page.evaluate((x) => {
    document.querySelector('.rt-grid')!.scrollLeft = x;
  }, left);
  await page.waitForTimeout(80);
}

const bodyTexts = (page: Page, column: number) =>
  page.$$eval(`.rt-body .rt-row [aria-colindex="${column}"]`, (cells) => cells.map((c) => c.textContent ?? ''));

describe('Runs panel in Chromium (standalone)', function () {
  this.timeout(120_000);
  let panel: StandalonePanel | undefined;

  afterEach(async () => {
    if (panel) {
      assert.deepEqual(await panel.violations(), [], 'no CSP violation');
      assert.deepEqual(await panel.errors(), [], 'no page error');
      await panel.close();
    }
    panel = undefined;
  });

  for (const theme of ['dark', 'light'] as const) {
    it(`draws the demo's runs as an ARIA grid, best values marked (${theme})`, async () => {
      panel = await open(theme);
      const { rows, columns } = demoLikeRows();
      rows[1].annotation = { note: 'Best recall so far', labels: [{ name: 'candidate', color: 'green' }] };
      const shown = await load(panel, rows, columns);
      assert.equal(shown.keys.length, 40);
      const grid = panel.page.locator('[role=grid]');
      assert.equal(await grid.getAttribute('aria-rowcount'), '42', '40 rows and two header rows');
      assert.equal(
        await grid.getAttribute('aria-colcount'),
        String(columns.length + 1),
        'every column and the checkbox',
      );
      const groupHeads = await panel.page.$$eval('.rt-head [aria-rowindex="1"] [role=columnheader]', (c) =>
        c.map((h) => h.textContent),
      );
      assert.ok(groupHeads.includes('Run'), JSON.stringify(groupHeads));
      const rendered = await panel.page.locator('.rt-body [role=row]').count();
      assert.ok(rendered > 10 && rendered < 40, `only the rows in view are in the DOM (${rendered})`);
      await scrollGrid(panel.page, 5000);
      assert.deepEqual(
        await panel.page.$$eval('.rt-head [aria-rowindex="1"] [role=columnheader]', (c) =>
          c.map((h) => h.textContent).filter(Boolean),
        ),
        ['Run', 'Run', 'Params', 'Metrics'],
        'grouped headers: the pinned Run column, the other run columns, params, metrics',
      );
      const firstMetric = columns.findIndex((c) => c.group === 'metrics') + 2;
      const best = await panel.page.$$eval('.rt-best', (cells) =>
        cells.map((c) => [Number(c.getAttribute('aria-colindex')), c.getAttribute('aria-description')] as const),
      );
      assert.ok(best.length >= 1, 'best values are marked');
      assert.ok(
        best.every(([col, description]) => col >= firstMetric && description === 'best value'),
        JSON.stringify(best),
      );
      await scrollGrid(panel.page, 0);
      await panel.screenshot(`runs-table-${theme}`);
    });
  }

  it('filters with the core language, underlines an error where it is, sorts by several columns', async () => {
    panel = await open('dark');
    const { rows, columns } = demoLikeRows();
    await load(panel, rows, columns);
    await filterTo(panel, 'metrics.test.f1 > and params.train.lr < 0.01');
    const failed = await next(panel, 'shown');
    assert.ok(failed.filterError, 'the panel reports the error');
    const error = panel.page.locator('.rt-filter-error');
    await error.waitFor();
    assert.equal(await error.locator('mark.rt-error-span').count(), 1);
    assert.match((await error.textContent()) ?? '', /metrics\.test\.f1 > and/);
    await panel.screenshot('runs-filter-error');

    await filterTo(panel, 'metrics.test.f1 > 0.8');
    const filtered = await next(panel, 'shown');
    const expected = rows.filter(compileFilter('metrics.test.f1 > 0.8'));
    assert.deepEqual(
      filtered.keys,
      expected.map((r) => r.key),
    );
    assert.equal(await panel.page.locator('.rt-filter-error').isHidden(), true);

    await scrollGrid(panel.page, 5000);
    await panel.page.locator('.rt-col-head', { hasText: 'business.savings_usd' }).click();
    const byBusiness = await next(panel, 'shown');
    assert.deepEqual(
      byBusiness.keys,
      sortRows(expected, [{ column: 'metrics.business.savings_usd', direction: 'desc' }]).map((r) => r.key),
      'a metric sorts best first',
    );
    await panel.page.locator('.rt-col-head', { hasText: 'train.max_depth' }).click({ modifiers: ['Shift'] });
    const two = await next(panel, 'shown');
    assert.deepEqual(
      two.keys,
      sortRows(expected, [
        { column: 'metrics.business.savings_usd', direction: 'desc' },
        { column: 'params.train.max_depth', direction: 'asc' },
      ]).map((r) => r.key),
    );
    const sortAttr = await panel.page
      .locator('.rt-col-head', { hasText: 'business.savings_usd' })
      .getAttribute('aria-sort');
    assert.equal(sortAttr, 'descending');
    await panel.screenshot('runs-sorted');
  });

  it('draws the first screen sent ahead at once, then every run; with a filter restored it waits for every run', async () => {
    panel = await open('dark');
    const { page } = panel;
    const { rows, columns } = syntheticRows(FIRST_SCREEN_ROWS * 3, 20, 20);
    const post = async () => {
      await panel!.waitForPosted('ready');
      for (const message of dataMessages(rows, columns, 'initial', [])) await postLikeVsCode(page, message);
    };
    await post();
    const first = await next(panel, 'shown');
    const every = await next(panel, 'shown');
    assert.deepEqual(
      first.keys,
      rows.slice(0, FIRST_SCREEN_ROWS).map((r) => r.key),
      'the first screen was drawn on its own',
    );
    assert.equal(first.total, FIRST_SCREEN_ROWS * 3, 'it says how many runs there are');
    assert.equal(every.keys.length, FIRST_SCREEN_ROWS * 3);
    assert.match(
      (await page.locator('.rt-status').textContent()) ?? '',
      new RegExp(`^${FIRST_SCREEN_ROWS * 3} of ${FIRST_SCREEN_ROWS * 3} runs`),
    );

    // A restored filter needs every run: the rows sent ahead are not drawn.
    await filterTo(panel, 'status:finished');
    await next(panel, 'shown');
    await panel.reload();
    await post();
    const only = await next(panel, 'shown');
    assert.equal(only.total, FIRST_SCREEN_ROWS * 3);
    assert.deepEqual(
      only.keys,
      rows.filter(compileFilter('status:finished')).map((r) => r.key),
    );
    await page.waitForTimeout(300);
    const renders = (await panel.posted()).filter((p) => (p.message.type as string) === 'shown');
    assert.equal(renders.length, 1, 'one render after the reload, of every run');
  });

  it('groups by source, experiment and branch', async () => {
    panel = await open('dark');
    const { rows, columns } = demoLikeRows();
    await load(panel, rows, columns);
    await choose(panel.page, 0, 'source');
    await panel.page.locator('.rt-group-row').first().waitFor();
    const groups = await panel.page.$$eval('.rt-group-row', (r) => r.map((x) => x.textContent?.trim()));
    assert.deepEqual(groups.slice(0, 2), ['Git history demo (18)', 'MLflow mlruns (14)'], 'in order of first run');
    assert.equal(
      await panel.page.locator('[role=grid]').getAttribute('aria-rowcount'),
      String(40 + 3 + 2),
      'three group rows (the third below the fold)',
    );
    await panel.screenshot('runs-grouped');
    await choose(panel.page, 0, 'branch');
    await panel.page.waitForFunction(() => document.querySelector('.rt-group-row')?.textContent?.includes('main'));
  });

  it('chooses among hundreds of columns with a search, shows only columns that differ', async () => {
    panel = await open('dark');
    const { rows, columns } = syntheticRows(60, 400, 400);
    rows.forEach((r) => (r.params.p000 = 1)); // one param equal everywhere
    await load(panel, rows, columns);
    await panel.page.locator('vscode-button', { hasText: 'Columns' }).click();
    const chooser = panel.page.locator('.rt-chooser');
    await chooser.waitFor();
    assert.equal(await chooser.locator('.rt-chooser-item').count(), 200, 'the list draws at most 200 matches');
    assert.match((await chooser.locator('[role=status]').textContent()) ?? '', /810 of 810 columns shown · 810 match/);
    await chooser.locator('vscode-textfield input').fill('m01');
    await panel.page.waitForFunction(() => document.querySelectorAll('.rt-chooser-item').length === 10);
    await panel.screenshot('runs-column-chooser');
    await chooser.locator('button', { hasText: 'Hide matches' }).click();
    assert.equal(await panel.page.locator('[role=grid]').getAttribute('aria-colcount'), String(810 - 10 + 1));
    await chooser.locator('button', { hasText: 'Close' }).click();
    await panel.page.locator('.rt-toolbar vscode-checkbox').click();
    await panel.page.waitForFunction(
      () => document.querySelector('[role=grid]')?.getAttribute('aria-colcount') === String(810 - 10 - 1 + 1),
    );
  });

  it('edits a note inline and labels with coloured chips; selects with the keyboard', async () => {
    panel = await open('dark');
    const { rows, columns } = demoLikeRows();
    rows[2].annotation = { labels: [{ name: 'baseline', color: 'blue' }] };
    await load(panel, rows, columns);
    const page = panel.page;
    await scrollGrid(page, 1000);
    const noteCol = columns.findIndex((c) => c.id === 'note') + 2;
    const labelCol = columns.findIndex((c) => c.id === 'labels') + 2;
    await page.locator(`.rt-body [data-index="0"] [aria-colindex="${noteCol}"]`).dblclick();
    await page.locator('.rt-editor').fill('Worth shipping');
    await page.locator('.rt-editor').press('Enter');
    assert.deepEqual(await next(panel, 'setNote'), { type: 'setNote', key: rows[0].key, note: 'Worth shipping' });
    await page.locator(`.rt-body [data-index="1"] [aria-colindex="${labelCol}"]`).dblclick();
    const editor = page.locator('.rt-label-editor');
    await editor.waitFor();
    await editor.locator('input[type=checkbox]').first().check();
    await editor.locator('input[placeholder="New label"]').fill('candidate');
    await editor.locator('select').selectOption('green');
    await editor.locator('button', { hasText: 'Add' }).click();
    await panel.screenshot('runs-label-editor');
    await editor.locator('button', { hasText: 'Save' }).click();
    const labels = await next(panel, 'setLabels');
    assert.deepEqual(labels.labels, [
      { name: 'baseline', color: 'blue' },
      { name: 'candidate', color: 'green' },
    ]);
    assert.deepEqual(
      await page.$$eval(`.rt-body [data-index="1"] .rt-chip`, (c) =>
        c.map((x) => [x.textContent, x.getAttribute('data-color')]),
      ),
      [
        ['baseline', 'blue'],
        ['candidate', 'green'],
      ],
    );
    await panel.screenshot('runs-notes-labels');

    // Keyboard: Space toggles, Shift+ArrowDown extends the range, the state survives a reload.
    await scrollGrid(page, 0);
    await page.locator('.rt-body [data-index="3"] [aria-colindex="2"]').click();
    await page.keyboard.press('Space');
    await page.keyboard.press('Shift+ArrowDown');
    await page.keyboard.press('Shift+ArrowDown');
    const selected = await page.$$eval('.rt-body [aria-selected=true]', (r) =>
      r.map((x) => x.getAttribute('data-index')),
    );
    assert.deepEqual(selected, ['3', '4', '5']);
    assert.match((await page.locator('.rt-status').textContent()) ?? '', /3 selected/);
    await page.keyboard.press('End');
    // The last column is rendered (columns are virtualised) and focused in the next frames: wait for it, then check.
    await page
      .waitForFunction(
        (last) => document.activeElement?.getAttribute('aria-colindex') === last,
        String(columns.length + 1),
        { timeout: 5_000 },
      )
      .catch(() => undefined);
    assert.equal(
      await page.evaluate(() => document.activeElement?.getAttribute('aria-colindex')),
      String(columns.length + 1),
      'End moves to the last column',
    );
    await filterTo(panel, 'status:finished');
    await next(panel, 'shown');
    await panel.reload();
    await load(panel, rows, columns);
    assert.equal(await page.locator('#rt-filter input').inputValue(), 'status:finished', 'the filter is restored');
    assert.match((await page.locator('.rt-status').textContent()) ?? '', /3 selected/, 'the selection is restored');
  });

  it('plots a scatter of any two columns and parallel coordinates of params to a metric', async () => {
    panel = await open('dark', 980);
    const { rows, columns } = demoLikeRows();
    await load(panel, rows, columns);
    await choose(panel.page, 1, 'scatter');
    await panel.page.locator('.rt-plot canvas').waitFor();
    assert.match((await panel.page.locator('.rt-plot .rt-muted').textContent()) ?? '', /40 of the 40 shown runs/);
    await panel.page.waitForTimeout(200);
    await panel.screenshot('runs-scatter');
    const boxes = panel.page.locator('.rt-body input[type=checkbox]');
    await boxes.nth(0).click();
    await boxes.nth(5).click({ modifiers: ['Shift'] });
    await choose(panel.page, 1, 'parallel');
    await panel.page.waitForFunction(() =>
      document.querySelector('.rt-plot .rt-muted')?.textContent?.includes('selected'),
    );
    assert.match(
      (await panel.page.locator('.rt-plot .rt-muted').textContent()) ?? '',
      /6 of the 6 selected runs; 4 params that differ/,
    );
    await panel.page.waitForTimeout(200);
    await panel.screenshot('runs-parallel-coordinates');
  });

  it('the done-when flow: filter, sort by the business metric, label, plot, chart the selection, copy as Markdown', async () => {
    panel = await open('light', 980);
    const { rows, columns } = demoLikeRows();
    await load(panel, rows, columns);
    const page = panel.page;
    await filterTo(panel, 'metrics.test.f1 > 0.8');
    await next(panel, 'shown');
    await scrollGrid(page, 5000);
    await page.locator('.rt-col-head', { hasText: 'business.savings_usd' }).click();
    const sorted = await next(panel, 'shown');
    await scrollGrid(page, 0);
    const boxes = page.locator('.rt-body input[type=checkbox]');
    await boxes.nth(0).click();
    await boxes.nth(1).click();
    await choose(page, 1, 'scatter');
    await page.locator('.rt-plot canvas').waitFor();
    await page.locator('vscode-button', { hasText: 'Chart selected' }).click();
    assert.deepEqual((await next(panel, 'chart')).keys, sorted.keys.slice(0, 2), 'every selected run, no cap');
    await page.locator('vscode-button', { hasText: 'Copy as Markdown' }).click();
    const copied = await next(panel, 'copyMarkdown');
    const shownRows = sorted.keys.map((k) => rows.find((r) => r.key === k)!);
    assert.equal(
      copied.markdown,
      exportRows(shownRows, columns, 'md'),
      "the core exporter's Markdown of the shown table",
    );
    await panel.screenshot('runs-done-when');
  });

  it('shows hostile run names, params and labels as text and runs none of them', async () => {
    panel = await open('dark');
    const { rows, columns } = demoLikeRows();
    const evilName = '<img src=x onerror="window.__pwned=1">';
    const evilParam = '<svg onload=alert(1)>';
    rows[0].name = evilName;
    rows[0].params[evilParam] = '<script>alert(2)</script>';
    rows[0].annotation = {
      note: '<b onmouseover=alert(3)>note</b>',
      labels: [{ name: '<i>label</i>', color: 'red' }],
    };
    columns.splice(10, 0, { id: `params.${evilParam}`, group: 'params', label: evilParam, type: 'text' });
    await load(panel, rows, columns);
    const texts = await panel.page.$$eval('.rt-body .rt-cell, .rt-head .rt-cell', (c) => c.map((x) => x.textContent));
    assert.ok(texts.includes(evilName), 'the name is shown literally');
    assert.ok(texts.includes('<i>label</i>'));
    await scrollGrid(panel.page, 1400);
    const more = await panel.page.$$eval('.rt-body .rt-cell, .rt-head .rt-cell', (c) => c.map((x) => x.textContent));
    assert.ok(more.includes(evilParam), 'the param name is a header, as text');
    assert.ok(more.includes('<script>alert(2)</script>'));
    const facts = await panel.page.evaluate(() => ({
      images: document.querySelectorAll('img').length,
      svgs: document.querySelectorAll('svg[onload]').length,
      bold: document.querySelectorAll('.rt-body b, .rt-body i').length,
      scripts: Array.from(document.querySelectorAll('script'), (s) => s.src.split('/').pop()),
      pwned: (window as unknown as { __pwned?: number }).__pwned,
    }));
    assert.deepEqual(facts, {
      images: 0,
      svgs: 0,
      bold: 0,
      scripts: ['fakeVscodeApi.js', 'runs.js'],
      pwned: undefined,
    });
    assert.equal((await bodyTexts(panel.page, 2))[0], evilName);
    await panel.screenshot('runs-injection-as-text');
  });
});
