// The Metric History panel in plain Chromium: the real bundle, the real CSP, a fake VS Code API. The test plays
// the host: it answers the panel's requests with data prepared by the real core functions.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { prepareChart } from '../../src/core/chart/prepare';
import { plotSource } from '../../src/core/chart/series';
import type { ChartPayload, MetricDefinition } from '../../src/core/chart/types';
import type { Run } from '../../src/core/metrics/model';
import type { MetricHistorySelection, WebviewToHost } from '../../src/protocol/metricHistory';
import { experimentRun, series, stepRuns, versionRuns } from '../unit/chart/sampleRuns';
import { bundlePath, openStandalone, type StandalonePanel, type ThemeName } from './metricHistoryStandaloneHarness';

const definitions: MetricDefinition[] = [
  { key: 'f1', label: 'F1 score', goal: 'maximize', threshold: 0.75 },
  { key: 'precision', goal: 'maximize', threshold: 0.7 },
  { key: 'recall', goal: 'maximize', threshold: 0.7 },
  { key: 'loss', goal: 'minimize', threshold: 0.2 },
];

interface Answer {
  payload: ChartPayload;
  rendered: Extract<WebviewToHost, { type: 'rendered' }>;
}

/** Plays the host for one request: prepares the data the panel asked for and waits until it is drawn. */
async function answer(panel: StandalonePanel, runs: Run[], reason: 'request' | 'refresh' = 'request'): Promise<Answer> {
  const request = await panel.waitForPosted('requestData');
  const payload = prepareChart(runs, request.query, definitions);
  await panel.post({ type: 'data', payload, reason });
  return { payload, rendered: await panel.waitForPosted('rendered') };
}

async function start(panel: StandalonePanel, runs: Run[], selection?: MetricHistorySelection): Promise<Answer> {
  await panel.waitForPosted('ready');
  const sources = [...new Map(runs.map((r) => [r.source.location, plotSource(r.source)])).values()];
  await panel.post({ type: 'init', sources, definitions, selection });
  return answer(panel, runs);
}

/** What the first chart drew (see `chartData` for every chart). */
function canvasData(page: Page): Promise<Record<string, string>> {
  return page.evaluate(() => ({ ...document.querySelector('canvas')!.dataset }) as Record<string, string>);
}

/** What each chart drew, in panel order. */
function chartData(page: Page): Promise<Record<string, string>[]> {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll('canvas'), (c) => ({ ...c.dataset }) as Record<string, string>),
  );
}

/** The sum of a drawn count over every chart. */
async function drawnTotal(page: Page, field: string): Promise<number> {
  return (await chartData(page)).reduce((n, d) => n + Number(d[field] ?? 0), 0);
}

/** Canvas pixels within `tolerance` of a colour, over every chart. */
function countColour(page: Page, hex: string, tolerance = 40): Promise<number> {
  return page.evaluate(
    ({ hex: h, tolerance: t }) => {
      let n = 0;
      for (const canvas of Array.from(document.querySelectorAll('canvas'))) {
        const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        const [r, g, b] = [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16));
        for (let i = 0; i < data.length; i += 4)
          if (Math.abs(data[i] - r) + Math.abs(data[i + 1] - g) + Math.abs(data[i + 2] - b) <= t) n++;
      }
      return n;
    },
    { hex, tolerance },
  );
}

async function panelTitles(page: Page): Promise<string[]> {
  return page.locator('.mh-panel-title').allTextContents();
}

/** The page position of a series' line at a fraction of the canvas width (found by its colour). */
async function pointOnLine(page: Page, hex: string, fraction: number): Promise<{ x: number; y: number }> {
  // Move away first so no tooltip covers the line.
  await page.mouse.move(1, 1);
  await page.waitForTimeout(100);
  const found = await page.evaluate(
    ({ hex: h, fraction: f }) => {
      const canvas = document.querySelector('canvas')!;
      const box = canvas.getBoundingClientRect();
      const scale = canvas.width / box.width;
      const column = Math.round(canvas.width * f);
      const data = canvas.getContext('2d')!.getImageData(column, 0, 1, canvas.height).data;
      const [r, g, b] = [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16));
      const rows: number[] = [];
      for (let y = 0; y < canvas.height; y++) {
        const i = y * 4;
        if (Math.abs(data[i] - r) + Math.abs(data[i + 1] - g) + Math.abs(data[i + 2] - b) <= 60) rows.push(y);
      }
      if (!rows.length) return undefined;
      return { x: box.left + column / scale, y: box.top + rows[Math.floor(rows.length / 2)] / scale };
    },
    { hex, fraction },
  );
  assert.ok(found, `a ${hex} line crosses ${Math.round(fraction * 100)}% of the chart width`);
  return found;
}

async function legendLabels(page: Page): Promise<string[]> {
  return page.locator('.mh-legend-label').allTextContents();
}

async function savedState(page: Page): Promise<Record<string, unknown>> {
  return page.evaluate(
    () => JSON.parse(sessionStorage.getItem('mlops-standalone-state') ?? '{}') as Record<string, unknown>,
  );
}

describe('Metric History panel, standalone in Chromium', function () {
  this.timeout(120_000);
  const panels: StandalonePanel[] = [];
  const dialogs: string[] = [];

  async function open(theme: ThemeName = 'dark'): Promise<StandalonePanel> {
    const panel = await openStandalone({ theme });
    panel.page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    panels.push(panel);
    return panel;
  }

  before(() => {
    bundlePath();
  });

  afterEach(async () => {
    for (const panel of panels) {
      assert.deepEqual(await panel.violations(), [], 'no Content-Security-Policy violations');
      assert.deepEqual(await panel.errors(), [], 'no script errors');
    }
    assert.deepEqual(dialogs, [], 'no dialogs');
  });

  after(async () => {
    for (const panel of panels) await panel.close();
  });

  describe('dark theme, one panel through both views', () => {
    let panel: StandalonePanel;
    let versions: Answer;
    const runs = versionRuns(40);

    before(async () => {
      panel = await open('dark');
    });

    it('draws 40 revisions of f1, precision and recall with tags and threshold lines', async () => {
      versions = await start(panel, runs, { splits: ['test'] });
      const { payload, rendered } = versions;
      assert.deepEqual(payload.query.keys, ['f1', 'precision', 'recall'], 'the defined metrics are the default keys');
      assert.equal(rendered.view, 'versions');
      assert.equal(rendered.series, 3);
      assert.equal(rendered.points, 120);
      assert.deepEqual(await legendLabels(panel.page), ['test.f1', 'test.precision', 'test.recall']);
      // One chart per metric, each with its own y axis and threshold; the releases marked on every one.
      assert.deepEqual(await panelTitles(panel.page), ['f1', 'precision', 'recall']);
      const charts = await chartData(panel.page);
      assert.deepEqual(
        charts.map((c) => c.tags),
        ['5', '5', '5'],
        'five tagged revisions are marked',
      );
      assert.deepEqual(
        charts.map((c) => c.thresholds),
        ['1', '1', '1'],
        'f1 at 0.75, precision and recall at 0.7, each on its chart',
      );
      assert.deepEqual(new Set(charts.map((c) => `${c.xMin}..${c.xMax}`)).size, 1, 'one x axis for all');
      assert.ok(
        (await countColour(panel.page, '#cca700')) > 300,
        'the threshold lines are drawn in the warning colour',
      );
      assert.match(
        (await panel.page.locator('.mh-status').textContent()) ?? '',
        /40 revisions · 3 of 3 series · 120 points/,
      );
      assert.match(
        (await panel.page.locator('vscode-label[for="mh-keys"]').textContent()) ?? '',
        /f1, precision, recall/,
      );
      await panel.screenshot('versions-dark');
    });

    it('marks every threshold breach on the chart, in the legend and in the table', async () => {
      const breaches = versions.payload.series.reduce((n, s) => n + s.breaches.length, 0);
      assert.ok(breaches > 10, `the sample history breaches its thresholds (${breaches})`);
      assert.equal(await drawnTotal(panel.page, 'breaches'), breaches);
      assert.ok((await countColour(panel.page, '#f14c4c', 30)) > 50, 'breach markers in the failure colour');
      assert.equal(await panel.page.locator('.mh-legend .mh-breach-mark').count(), 3);
      await panel.page.locator('#mh-show-table').click();
      const table = panel.page.locator('.mh-data-table');
      await table.waitFor();
      assert.equal(await table.locator('tbody tr').count(), 40);
      assert.equal(await table.locator('td.verdict-regressed').count(), breaches);
      await panel.screenshot('versions-table-dark');
    });

    it('opens a revision on click and compares shift-clicked revisions, with Markdown', async () => {
      const blue = '#3794ff';
      const target = await pointOnLine(panel.page, blue, 0.5);
      await panel.page.mouse.click(target.x, target.y);
      const opened = await panel.waitForPosted('openRevision');
      assert.ok(
        runs.some((r) => r.id === opened.sha),
        'a sha of the history',
      );
      assert.equal(opened.path, 'metrics/eval.json');
      assert.equal(opened.sourceId, 'git:metrics/eval.json');

      await panel.page.keyboard.down('Shift');
      for (const fraction of [0.25, 0.75]) {
        const p = await pointOnLine(panel.page, blue, fraction);
        await panel.page.mouse.click(p.x, p.y);
      }
      await panel.page.keyboard.up('Shift');
      const compare = panel.page.locator('.mh-compare-table');
      await compare.waitFor();
      assert.equal(await compare.locator('tbody tr').count(), 2);
      assert.deepEqual(await compare.locator('thead th').allTextContents(), [
        'Selected',
        'test.f1',
        'test.precision',
        'test.recall',
      ]);
      assert.equal(
        await compare.locator('td.verdict-improved').count(),
        3,
        'the later revision is better on every metric',
      );
      assert.equal(await drawnTotal(panel.page, 'selected'), 6, 'two revisions ringed on three series');
      await panel.page.getByText('Copy as Markdown').click();
      const copied = await panel.waitForPosted('copyMarkdown');
      const lines = copied.markdown.trim().split('\n');
      assert.equal(lines.length, 4);
      assert.match(lines[0], /^\| {2}\| test\.f1 \| Δ test\.f1 \| test\.precision/);
      assert.match(lines[2], /\(baseline\) \|/);
      assert.match(lines[3], /\| \+0\.\d+ \(\+\d+(\.\d)?%\) ✓ \|/);
      await panel.screenshot('versions-compare-dark');
    });

    it('exports the plotted data as CSV and the chart as PNG', async () => {
      await panel.page.getByText('Export CSV').click();
      const csv = await panel.waitForPosted('export');
      assert.equal(csv.format, 'csv');
      const rows = csv.format === 'csv' ? csv.csv.trim().split('\r\n') : [];
      assert.equal(rows[0], 'series,key,split,source,file,revision,tags,subject,author,date,value');
      assert.equal(rows.length, 1 + 120);
      await panel.page.getByText('Export PNG').click();
      const png = await panel.waitForPosted('export');
      assert.equal(png.format, 'png');
      assert.ok(
        png.format === 'png' && png.dataUrl.startsWith('data:image/png;base64,') && png.dataUrl.length > 20_000,
      );
      assert.equal(png.suggestedName, 'metric-history-versions.png');
    });

    it('draws 100 runs across steps with a legend that filters, hides and shows', async () => {
      await panel.page.locator('vscode-tab-header').filter({ hasText: 'Across steps' }).click();
      const runsBySteps = stepRuns(100, 2_000);
      const { payload, rendered } = await answer(panel, runsBySteps);
      assert.deepEqual(payload.query.keys, ['loss']);
      assert.equal(rendered.view, 'steps');
      assert.equal(rendered.series, 100);
      assert.equal(rendered.points, payload.plottedPoints);
      assert.equal(await panel.page.locator('.mh-legend-item').count(), 100);
      assert.equal(await panel.page.locator('.mh-legend-count').textContent(), '100 of 100 shown');
      const drawn = await canvasData(panel.page);
      assert.equal(drawn.thresholds, '1', 'the loss threshold line');
      const ending = payload.series.filter((s) => s.ys[s.ys.length - 1] > 0.2).length;
      assert.ok(ending > 0, 'some runs end above the loss threshold');
      assert.equal(drawn.breaches, String(ending), 'each run that ends above the threshold is marked once');
      assert.equal(await panel.page.locator('.mh-legend .mh-breach-mark').count(), ending);
      assert.equal(drawn.tags, '0');
      await panel.screenshot('steps-100-runs-dark');

      await panel.page.locator('.mh-legend-search').fill('run 1');
      assert.equal(await panel.page.locator('.mh-legend-item').count(), 12, 'run 1, run 10-19, run 100');
      await panel.page.getByRole('button', { name: 'Hide all' }).click();
      assert.match((await panel.page.locator('.mh-status').textContent()) ?? '', /88 of 100 series/);
      assert.equal(await panel.page.locator('.mh-legend-item[aria-pressed="false"]').count(), 12);
      await panel.page.locator('.mh-legend-item').first().click();
      assert.match((await panel.page.locator('.mh-status').textContent()) ?? '', /89 of 100 series/);
      await panel.page.getByRole('button', { name: 'Show all' }).click();
      await panel.page.locator('.mh-legend-search').fill('');
      assert.match((await panel.page.locator('.mh-status').textContent()) ?? '', /100 of 100 series/);
    });

    it('compares runs picked in the table and smooths the curves', async () => {
      const boxes = panel.page.locator('.mh-data-table tbody input[type="checkbox"]');
      assert.equal(await boxes.count(), 100);
      await boxes.nth(0).check();
      await boxes.nth(1).check();
      const compare = panel.page.locator('.mh-compare-table');
      await compare.waitFor();
      assert.deepEqual(await compare.locator('tbody th').allTextContents(), ['run 1 (baseline)', 'run 2']);
      assert.deepEqual(await compare.locator('thead th').allTextContents(), ['Selected', 'train/loss']);
      const verdict = await compare.locator('tbody tr').nth(1).locator('td').getAttribute('class');
      assert.match(verdict ?? '', /verdict-(improved|regressed)/, 'loss has a goal, so the delta is judged');
      await panel.page.locator('#mh-smoothing').fill('0.9');
      await panel.page.waitForFunction(
        () =>
          (JSON.parse(sessionStorage.getItem('mlops-standalone-state') ?? '{}') as { smoothing?: number }).smoothing ===
          0.9,
      );
      await panel.page.locator('#mh-show-table').click();
      await panel.page.locator('.mh-data-table').waitFor({ state: 'detached' });
      await panel.screenshot('steps-smoothed-compare-dark');
    });
  });

  it('draws one chart per metric by default, overlays them on request and remembers the choice', async () => {
    const panel = await open('dark');
    const runs = versionRuns(12);
    // A business metric in dollars beside 0-1 scores: on one axis it would flatten them.
    runs.forEach((run, i) => run.metrics.push(series('fraud_loss_prevented_usd', [[0, 1_000_000 + i * 50_000]])));
    const keys = ['f1', 'precision', 'recall', 'fraud_loss_prevented_usd'];
    const { rendered } = await start(panel, runs, { keys, splits: ['test'] });
    assert.equal(rendered.series, 4);
    assert.equal(await panel.page.locator('.mh-panel canvas').count(), 4, 'four charts');
    assert.deepEqual(await panelTitles(panel.page), ['f1', 'precision', 'recall', 'fraud_loss_prevented_usd']);
    const split = await chartData(panel.page);
    assert.ok(Number(split[0].yMax) < 1, `the f1 chart keeps its own scale (up to ${split[0].yMax})`);
    assert.ok(Number(split[3].yMin) > 500_000, `the dollar chart has its own (from ${split[3].yMin})`);
    assert.equal(
      await panel.page.locator('#mh-split').evaluate((e) => (e as HTMLElement & { checked: boolean }).checked),
      true,
    );
    await panel.screenshot('small-multiples-dark');

    await panel.page.locator('#mh-split').click();
    await panel.page.waitForFunction(() => document.querySelectorAll('canvas').length === 1);
    const overlay = await chartData(panel.page);
    assert.ok(Number(overlay[0].yMax) > 1_000_000 && Number(overlay[0].yMin) <= 0.6, 'one axis for all');
    assert.ok(await panel.page.locator('.mh-panel-title').first().isHidden(), 'no title over the one chart');
    assert.equal((await savedState(panel.page)).layout, 'overlay');
    await panel.screenshot('overlay-dark');

    await panel.reload();
    await start(panel, runs, {});
    assert.equal(await panel.page.locator('.mh-panel canvas').count(), 1, 'the overlay is restored after a reload');
    await panel.page.locator('#mh-split').click();
    await panel.page.waitForFunction(() => document.querySelectorAll('canvas').length === 4);
    assert.equal((await savedState(panel.page)).layout, 'split');
  });

  it('synchronises the hover across the charts', async () => {
    const panel = await open('dark');
    await start(panel, versionRuns(20), { splits: ['test'] });
    const first = panel.page.locator('canvas').first();
    const box = (await first.boundingBox())!;
    await panel.page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.5);
    await panel.page.waitForFunction(() => {
      const canvases = Array.from(document.querySelectorAll('canvas'));
      return canvases.length === 3 && canvases.every((c) => c.dataset.hoverX);
    });
    const charts = await chartData(panel.page);
    assert.equal(new Set(charts.map((c) => c.hoverX)).size, 1, 'one x marked in every chart');
    assert.deepEqual(
      charts.slice(1).map((c) => c.tooltipItems),
      ['1', '1'],
      'the other charts show their value at that revision',
    );
    await panel.screenshot('synchronised-hover-dark');
    await panel.page.mouse.move(box.x + box.width * 0.6, box.y - 20);
    await panel.page.waitForFunction(() =>
      Array.from(document.querySelectorAll('canvas')).every((c) => !c.dataset.hoverX && c.dataset.tooltipItems === '0'),
    );
  });

  it('shows DVC experiments as named triangles beside their baseline commit', async () => {
    const panel = await open('dark');
    const history = versionRuns(10);
    const head = history[9];
    const runs = [
      ...history,
      experimentRun(head, 'lean-trees', 0.8, 1),
      experimentRun(head, 'deep-trees', 0.86, 2),
      experimentRun(head, 'fast-lr', 0.83, 3),
    ];
    const { payload, rendered } = await start(panel, runs, { keys: ['f1'], splits: ['test'] });
    assert.equal(rendered.points, 13, 'ten revisions and three experiments');
    assert.match(
      (await panel.page.locator('.mh-status').textContent()) ?? '',
      /^10 revisions · 3 experiments \(▲\) · 1 of 1 series · 13 points/,
    );
    assert.equal((await canvasData(panel.page)).experiments, '3', 'each linked to its baseline');
    assert.match(
      (await panel.page.locator('.mh-legend-note').textContent()) ?? '',
      /DVC experiments \(3\): beside the commit they were run on/,
    );
    await panel.screenshot('experiments-dark');
    await panel.page.locator('#mh-show-table').click();
    const rows = panel.page.locator('.mh-data-table tbody th');
    const short = head.id.slice(0, 7);
    assert.deepEqual((await rows.allTextContents()).slice(0, 4), [
      `fast-lr · experiment on ${short}`,
      `deep-trees · experiment on ${short}`,
      `lean-trees · experiment on ${short}`,
      payload.versions[9].label,
    ]);
    // Compare an experiment with its baseline.
    const boxes = panel.page.locator('.mh-data-table tbody input[type="checkbox"]');
    await boxes.nth(3).check();
    await boxes.nth(1).check();
    await panel.page.locator('.mh-compare-table').waitFor();
    assert.deepEqual(await panel.page.locator('.mh-compare-table tbody th').allTextContents(), [
      `${payload.versions[9].label} (baseline)`,
      `deep-trees · experiment on ${short}`,
    ]);
  });

  it('plots tracker runs in run order when they started together, and says so', async () => {
    const panel = await open('dark');
    const runs = stepRuns(6, 20).map((run, i) => ({ ...run, time: 1e12 + i * 60_000 }));
    const { payload } = await start(panel, runs, { keys: ['loss'] });
    assert.equal(payload.xTitle, 'Run (oldest to newest)');
    assert.match(
      (await panel.page.locator('.mh-status').textContent()) ?? '',
      /^6 runs · 1 of 1 series · 6 points · The runs started within 5 minutes: plotted in run order\./,
    );
    await panel.screenshot('tracker-runs-dark');
  });

  it('follows light, dark and high-contrast themes, and a theme change at run time', async () => {
    const panel = await open('light');
    await start(panel, versionRuns(40), { splits: ['test'] });
    const corner = () =>
      panel.page.evaluate(() => {
        const canvas = document.querySelector('canvas')!;
        const [r, g, b] = canvas.getContext('2d')!.getImageData(2, 2, 1, 1).data;
        return `#${[r, g, b].map((v) => v.toString(16).padStart(2, '0')).join('')}`;
      });
    assert.equal(await corner(), '#ffffff', 'the chart background is the light editor background');
    assert.equal(
      await panel.page.evaluate(() => getComputedStyle(document.body).backgroundColor),
      'rgb(255, 255, 255)',
    );
    assert.ok((await countColour(panel.page, '#1a85ff')) > 100, 'the first series uses the light theme blue');
    await panel.screenshot('versions-light');
    await panel.setTheme('dark');
    await panel.page.waitForFunction(() => {
      const canvas = document.querySelector('canvas')!;
      const [r, g, b] = canvas.getContext('2d')!.getImageData(2, 2, 1, 1).data;
      return r === 0x1f && g === 0x1f && b === 0x1f;
    });
    assert.ok((await countColour(panel.page, '#3794ff')) > 100, 'the series switched to the dark theme blue');
    await panel.setTheme('high-contrast');
    await panel.page.waitForFunction(() => {
      const canvas = document.querySelector('canvas')!;
      const [r, g, b] = canvas.getContext('2d')!.getImageData(2, 2, 1, 1).data;
      return r === 0 && g === 0 && b === 0;
    });
    await panel.screenshot('versions-high-contrast');
  });

  it('shows hostile names as text and runs none of them', async () => {
    const panel = await open('dark');
    const evilKey = '<img src=x onerror=alert(1)>';
    const evilSubject = '<img src=x onerror="window.__pwned=1">';
    const runs = versionRuns(6, { subjects: () => evilSubject, location: '<b>metrics</b>.json' });
    for (const run of runs) {
      run.metrics.push({
        key: evilKey,
        baseKey: evilKey,
        points: [{ step: 0, value: 0.5 + run.metrics.length / 100 }],
      });
      run.revisionInfo!.tags = ['<svg onload=alert(2)>'];
    }
    const { payload } = await start(panel, runs, { keys: [evilKey, 'f1'], splits: ['test'] });
    assert.deepEqual(payload.series.map((s) => s.key).sort(), [evilKey, 'test.f1'].sort());
    assert.ok((await legendLabels(panel.page)).includes(evilKey), 'the key is shown literally in the legend');
    await panel.page.locator('#mh-show-table').click();
    const table = panel.page.locator('.mh-data-table');
    await table.waitFor();
    assert.ok(((await table.locator('thead').textContent()) ?? '').includes(evilKey));
    assert.ok(((await table.locator('tbody').textContent()) ?? '').includes(evilSubject));
    await table.getByRole('button', { name: 'Open' }).first().click();
    const opened = await panel.waitForPosted('openRevision');
    assert.deepEqual(
      [opened.sha, opened.path],
      [runs[runs.length - 1].id, '<b>metrics</b>.json'],
      'the newest revision, its file passed as data',
    );
    const boxes = table.locator('tbody input[type="checkbox"]');
    await boxes.nth(0).check();
    await boxes.nth(1).check();
    await panel.page.locator('.mh-compare-table').waitFor();
    assert.ok(((await panel.page.locator('.mh-compare-table').textContent()) ?? '').includes(evilKey));

    await panel.page.locator('vscode-tab-header').filter({ hasText: 'Across steps' }).click();
    const evilRun = '<script>alert(1)</script>';
    const stepped = stepRuns(3, 50, { names: (i) => (i === 0 ? evilRun : `run ${i + 1}`) });
    stepped[0].params = { '<i>lr</i>': '<img src=x onerror=alert(3)>' };
    await answer(panel, stepped);
    assert.ok((await legendLabels(panel.page)).includes(evilRun), JSON.stringify(await legendLabels(panel.page)));
    await panel.post({ type: 'error', message: `Could not read ${evilKey}`, hint: evilRun });
    await panel.page.locator('.mh-message.error-state').waitFor();
    assert.equal(await panel.page.locator('.mh-message-title').textContent(), `Could not read ${evilKey}`);
    await panel.page.waitForTimeout(300);

    const facts = await panel.page.evaluate(() => ({
      images: document.querySelectorAll('img').length,
      svgs: document.querySelectorAll('svg[onload]').length,
      scripts: Array.from(document.querySelectorAll('script'), (s) => s.src.split('/').pop()),
      pwned: (window as unknown as { __pwned?: number }).__pwned,
    }));
    assert.deepEqual(facts, {
      images: 0,
      svgs: 0,
      scripts: ['fakeVscodeApi.js', 'metricHistory.js'],
      pwned: undefined,
    });
    await panel.screenshot('injection-as-text');
  });

  it('says what to do when there is nothing to show, while loading, and on errors', async () => {
    const panel = await open('dark');
    await panel.waitForPosted('ready');
    await panel.page.locator('.mh-message.loading-state').waitFor();
    await panel.screenshot('loading');
    await panel.post({ type: 'init', sources: [], definitions });
    const request = await panel.waitForPosted('requestData');
    await panel.post({
      type: 'empty',
      view: request.query.view,
      title: 'No metrics files found',
      hint: 'Create metrics/eval.json, or configure metric sources in mlops.yaml.',
      availableKeys: [],
    });
    const message = panel.page.locator('.mh-message.empty-state');
    await message.waitFor();
    assert.equal(await message.locator('.mh-message-title').textContent(), 'No metrics files found');
    assert.match((await message.textContent()) ?? '', /Create metrics\/eval\.json/);
    assert.ok(await panel.page.locator('.mh-body').isHidden(), 'no empty chart');
    await panel.screenshot('empty');
    await message.getByText('Choose sources…').click();
    await panel.waitForPosted('selectSources');

    await panel.post({
      type: 'error',
      message: 'metrics/eval.json line 3, column 7: Unexpected token }',
      hint: 'Fix the JSON and save; the chart updates by itself.',
    });
    const error = panel.page.locator('.mh-message.error-state');
    await error.waitFor();
    assert.equal(await error.getAttribute('role'), 'alert');
    await panel.screenshot('error');
    await error.getByText('Try again').click();
    const retried = await panel.waitForPosted('requestData');
    assert.equal(retried.query.view, 'versions');
  });

  it('asks for the revision range and x axis the user picks, and shows an unknown tag as an error', async () => {
    const panel = await open('dark');
    const runs = versionRuns(40);
    await start(panel, runs, { splits: ['test'] });
    const choose = async (id: string, label: string) => {
      await panel.page.locator(id).click();
      // The open dropdown's options live in the select's shadow root.
      await panel.page.locator(id).getByRole('option', { name: label, exact: true }).click();
    };
    await choose('#mh-range', 'Last 10');
    const last = await answer(panel, runs);
    assert.deepEqual(last.payload.query.range, { kind: 'last', count: 10 });
    assert.equal(last.payload.versions.length, 10);
    assert.match((await panel.page.locator('.mh-status').textContent()) ?? '', /^10 revisions/);

    await choose('#mh-range', 'Since tag…');
    const field = panel.page.locator('#mh-range-text');
    await field.click();
    await panel.page.keyboard.type('v0.4');
    await panel.page.keyboard.press('Enter');
    const since = await answer(panel, runs);
    assert.deepEqual(since.payload.query.range, { kind: 'sinceTag', tag: 'v0.4' });
    assert.equal(since.payload.versions.length, 9, 'v0.4 is the 32nd of 40');

    await choose('#mh-axis', 'Revision order');
    const ordered = await answer(panel, runs);
    assert.equal(ordered.payload.axis, 'order');
    assert.deepEqual(ordered.payload.series[0].xs, [0, 1, 2, 3, 4, 5, 6, 7, 8]);

    // The host answers a tag that does not exist with the core's typed error and a hint.
    await choose('#mh-range', 'Since tag…');
    await field.click();
    await panel.page.keyboard.type('v9');
    await panel.page.keyboard.press('Enter');
    const request = await panel.waitForPosted('requestData');
    assert.throws(() => prepareChart(runs, request.query, definitions), /No loaded revision has the tag "v9"/);
    await panel.post({
      type: 'error',
      message: 'No loaded revision has the tag "v9". Pick one of: v0.1, v0.2, v0.3, v0.4, v0.5.',
      hint: 'Choose another revision range above.',
    });
    await panel.page.locator('.mh-message.error-state').waitFor();
    assert.ok(await panel.page.locator('#mh-range').isVisible(), 'the range picker stays usable');
    assert.equal(await panel.page.locator('.mh-status').textContent(), '', 'no stale status under the error');
    await panel.screenshot('range-error');
  });

  it('offers the counters a run logs as the x axis across steps, names runs without one, and remembers the choice', async () => {
    const panel = await open('dark');
    // Three runs of 50 steps; the first two log `epoch` (ten steps an epoch), the third does not.
    const runs = stepRuns(3, 50);
    for (const r of runs.slice(0, 2))
      r.metrics.push(
        series(
          'epoch',
          Array.from({ length: 50 }, (_, s): [number, number] => [s, Math.floor(s / 10)]),
        ),
      );
    const byStep = await start(panel, runs, { view: 'steps', keys: ['loss'] });
    assert.equal(byStep.payload.xTitle, 'Step');
    assert.deepEqual(byStep.payload.query.keys, ['loss'], 'epoch is not ticked as a metric');
    const picker = panel.page.locator('#mh-step-axis');
    const options = async () =>
      picker.evaluate((e) => Array.from(e.querySelectorAll('vscode-option'), (o) => o.textContent ?? ''));
    assert.deepEqual(await options(), ['Step', 'epoch (2 of 3 runs)']);
    assert.equal(Number((await canvasData(panel.page)).xMax), 49, 'steps 0 to 49');

    await picker.click();
    await picker.getByRole('option', { name: 'epoch (2 of 3 runs)', exact: true }).click();
    const byEpoch = await answer(panel, runs);
    assert.equal(byEpoch.payload.query.xKey, 'epoch');
    assert.equal(byEpoch.rendered.series, 2);
    assert.equal(Number((await canvasData(panel.page)).xMax), 4, 'epochs 0 to 4');
    assert.match(
      (await panel.page.locator('.mh-status').textContent()) ?? '',
      /^2 runs · 2 of 2 series · 100 points · 1 run without epoch not shown \(run 3\)$/,
    );
    assert.equal((await savedState(panel.page)).stepAxis, 'epoch');
    await panel.page.mouse.move(1, 1);
    await panel.screenshot('steps-x-axis-epoch-dark');

    // After a reload the panel asks for the same x axis.
    await panel.reload();
    await panel.waitForPosted('ready');
    await panel.post({ type: 'init', sources: [plotSource(runs[0].source)], definitions });
    const again = await panel.waitForPosted('requestData');
    assert.equal(again.query.view, 'steps');
    assert.equal(again.query.xKey, 'epoch');
  });

  it('keeps zoom, hidden series and selection across live updates and restores them after a reload', async () => {
    const panel = await open('dark');
    const runs = versionRuns(40);
    await start(panel, runs, { splits: ['test'] });
    const full = await canvasData(panel.page);
    await panel.page.getByRole('button', { name: 'Zoom in' }).click();
    await panel.page.locator('canvas').nth(2).focus();
    await panel.page.keyboard.press('+');
    const zoomed = await canvasData(panel.page);
    assert.ok(Number(zoomed.xMin) > Number(full.xMin) && Number(zoomed.xMax) < Number(full.xMax), 'zoomed in');
    assert.deepEqual(
      (await chartData(panel.page)).map((c) => [c.xMin, c.xMax]),
      [0, 1, 2].map(() => [zoomed.xMin, zoomed.xMax]),
      'a key on the third chart zooms every chart alike',
    );
    await panel.page.locator('.mh-legend-item').filter({ hasText: 'test.recall' }).click();
    await panel.page.locator('#mh-log').click();
    await panel.page.locator('#mh-smoothing').fill('0.5');
    await panel.page.locator('#mh-show-table').click();
    const boxes = panel.page.locator('.mh-data-table tbody input[type="checkbox"]');
    await boxes.nth(0).check();
    await boxes.nth(3).check();
    await panel.page.locator('.mh-compare-table').waitFor();
    await panel.page.waitForFunction(
      () =>
        (JSON.parse(sessionStorage.getItem('mlops-standalone-state') ?? '{}') as { smoothing?: number }).smoothing ===
        0.5,
    );
    const before = await savedState(panel.page);

    // A new revision arrives (the host refreshes on a file change): nothing the user set is lost.
    const more = versionRuns(41);
    const refreshed = prepareChart(
      more,
      { view: 'versions', keys: [], splits: ['test'], range: { kind: 'all' }, axis: 'date' },
      definitions,
    );
    await panel.post({ type: 'data', payload: refreshed, reason: 'refresh' });
    const rendered = await panel.waitForPosted('rendered');
    assert.equal(rendered.points, 82, 'two visible series of 41 revisions (test.recall hidden)');
    const after = await canvasData(panel.page);
    assert.equal(after.xMin, zoomed.xMin, 'zoom kept on refresh');
    assert.equal(after.xMax, zoomed.xMax);
    assert.equal(
      await panel.page.locator('.mh-legend-item[aria-pressed="false"] .mh-legend-label').textContent(),
      'test.recall',
    );
    assert.equal(await panel.page.locator('.mh-compare-table tbody tr').count(), 2, 'the comparison stays');
    assert.deepEqual(await savedState(panel.page), before);

    await panel.reload();
    await start(panel, more, {});
    const restored = await canvasData(panel.page);
    assert.equal(Number(restored.xMin).toFixed(0), Number(zoomed.xMin).toFixed(0), 'zoom restored after reload');
    assert.equal(Number(restored.xMax).toFixed(0), Number(zoomed.xMax).toFixed(0));
    assert.equal(
      await panel.page.locator('.mh-legend-item[aria-pressed="false"] .mh-legend-label').textContent(),
      'test.recall',
    );
    assert.equal(await panel.page.locator('#mh-smoothing').inputValue(), '0.5');
    assert.equal(
      await panel.page.locator('#mh-log').evaluate((e) => (e as HTMLElement & { checked: boolean }).checked),
      true,
    );
    assert.equal(await panel.page.locator('.mh-compare-table tbody tr').count(), 2);
    assert.equal(await panel.page.locator('.mh-data-table').count(), 1, 'the table stays on');
    await panel.page.getByRole('button', { name: 'Reset zoom' }).click();
    const reset = await canvasData(panel.page);
    assert.ok(
      Number(reset.xMax) - Number(reset.xMin) > Number(restored.xMax) - Number(restored.xMin),
      'reset shows everything',
    );
    assert.equal((await savedState(panel.page)).zoom && JSON.stringify((await savedState(panel.page)).zoom), '{}');
    await panel.screenshot('restored-after-reload');
    assert.ok(fs.existsSync(bundlePath()));
  });
});
