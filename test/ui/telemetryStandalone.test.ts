// The Telemetry panel in plain Chromium: the real bundle, the real CSP, a fake VS Code API. The test plays the host
// with a typed sample of the telemetry core's summary (test/unit/telemetry/sampleTelemetry.ts): an A/B rollout with
// a latency regression that breaches its objectives.
import assert from 'node:assert/strict';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { HostToWebview, WebviewToHost } from '../../src/protocol/telemetry';
import {
  DAY_START,
  HOSTILE,
  MODEL,
  sampleBreaches,
  sampleMarkers,
  sampleSlos,
  sampleSummary,
} from '../unit/telemetry/sampleTelemetry';
import { resultsDir } from '../harness/paths';
import { bundlePath, openStandalone, type ThemeName } from './metricHistoryStandaloneHarness';

/** The standalone harness typed with the Telemetry panel's protocol. */
interface TelemetryStandalone {
  page: Page;
  post(message: HostToWebview): Promise<void>;
  waitForPosted<T extends WebviewToHost['type']>(
    type: T,
    options?: { after?: number; timeout?: number },
  ): Promise<Extract<WebviewToHost, { type: T }>>;
  violations(): Promise<unknown[]>;
  errors(): Promise<string[]>;
  screenshot(name: string): Promise<string>;
  reload(): Promise<void>;
  close(): Promise<void>;
}

const DAY = 24 * 3_600_000;

function summaryMessage(names: Parameters<typeof sampleSummary>[0] = {}): HostToWebview {
  const model = names.model ?? MODEL;
  const next = names.next ?? 'v1.2.0';
  return {
    type: 'summary',
    summary: sampleSummary(names),
    range: { preset: 'day' },
    anchor: { time: DAY_START + DAY, newestEvent: true },
    markers: sampleMarkers(model, next),
    slos: sampleSlos,
    breaches: sampleBreaches(model, next),
  };
}

async function cells(page: Page, selector: string): Promise<string[][]> {
  return page.evaluate(
    (s) =>
      Array.from(document.querySelectorAll(`${s} tr`), (tr) =>
        Array.from(tr.querySelectorAll('th, td'), (td) => (td.textContent ?? '').trim()),
      ),
    selector,
  );
}

async function canvases(page: Page): Promise<Record<string, Record<string, string>>> {
  return page.evaluate(() => {
    const out: Record<string, Record<string, string>> = {};
    for (const c of Array.from(document.querySelectorAll<HTMLCanvasElement>('.tm-chart canvas')))
      out[c.id.replace('tm-chart-', '')] = { ...c.dataset } as Record<string, string>;
    return out;
  });
}

describe('Telemetry panel, standalone in Chromium', function () {
  this.timeout(120_000);
  const panels: TelemetryStandalone[] = [];
  const dialogs: string[] = [];

  async function open(theme: ThemeName = 'dark'): Promise<TelemetryStandalone> {
    const panel = (await openStandalone({
      theme,
      bundle: 'telemetry',
      width: 1200,
      height: 900,
    })) as unknown as TelemetryStandalone;
    panel.page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    panels.push(panel);
    await panel.waitForPosted('ready');
    return panel;
  }

  before(() => {
    bundlePath('telemetry');
  });

  afterEach(async () => {
    for (const panel of panels) {
      assert.deepEqual(await panel.violations(), [], 'no Content-Security-Policy violations');
      assert.deepEqual(await panel.errors(), [], 'no script errors');
    }
    assert.deepEqual(dialogs, [], 'no dialogs');
    for (const panel of panels.splice(0)) await panel.close();
  });

  for (const theme of ['dark', 'light'] as const) {
    it(`shows two versions side by side on one time axis, with registry markers and the SLO breach (${theme})`, async () => {
      const panel = await open(theme);
      const page = panel.page;
      await panel.post(summaryMessage());
      assert.deepEqual(await panel.waitForPosted('rendered'), {
        type: 'rendered',
        view: 'summary',
        model: MODEL,
        versions: 2,
        charts: 4,
      });

      // The figures table: one column per version, old → new; the regressed version carries the breach badge.
      const figures = await cells(page, '.tm-figures');
      assert.deepEqual(figures[0], ['Figure', 'v1.1.0', 'v1.2.0SLO breached']);
      const byLabel = new Map(figures.slice(1).map((r) => [r[0], r.slice(1)]));
      assert.deepEqual(byLabel.get('Latency p95'), ['118 ms', '318 ms']);
      assert.deepEqual(byLabel.get('Memory (mean / max)'), ['612 MB / 631 MB', '890 MB / 917 MB']);
      assert.deepEqual(byLabel.get('First request'), ['2026-11-30 00:00 UTC', '2026-11-30 12:00 UTC']);
      const summary = sampleSummary();
      const next = summary.groups.find((g) => g.version === 'v1.2.0')!;
      assert.deepEqual(byLabel.get('Requests')?.[1], next.requests.toLocaleString('en-US'));

      // The breach, said in words, with the version it is about.
      assert.match((await page.locator('.tm-breaches h2').textContent()) ?? '', /SLO breached \(2\)/);
      assert.deepEqual(
        await page.locator('.tm-breaches li').allTextContents(),
        sampleBreaches().map((b) => b.message),
      );
      assert.deepEqual(
        await page.locator('.tm-breaches li').evaluateAll((els) => els.map((e) => e.getAttribute('data-version'))),
        ['v1.2.0', 'v1.2.0'],
      );
      // Bad lines are listed with their line numbers.
      assert.deepEqual(await page.locator('.tm-problems li').allTextContents(), [
        ' logs/predictions.jsonl:1812: line is not JSON',
        ' logs/predictions.jsonl:4410: no timestamp field',
      ]);

      // Four charts on one time axis: the day; the markers of the day (staging, production) on each.
      await page.waitForFunction(() => document.querySelectorAll('.tm-chart canvas[data-markers]').length === 4);
      const charts = await canvases(page);
      assert.deepEqual(Object.keys(charts), ['requests', 'errors', 'latency', 'memory']);
      for (const [id, data] of Object.entries(charts)) {
        assert.equal(Number(data.xMin), DAY_START, `${id} starts at the range's start`);
        assert.equal(Number(data.xMax), DAY_START + DAY, `${id} ends at the range's end`);
        assert.equal(
          data.markers,
          '2',
          `${id}: the staging and production markers (the registration was the day before)`,
        );
      }
      assert.equal(charts.requests?.markerLabels, '2', 'both labels drawn: the second on its own row');
      assert.equal(charts.requests?.series, '2');
      assert.equal(charts.latency?.series, '6', 'p50, p95 and p99 of both versions');
      assert.equal(charts.errors?.limits, '1', 'the error-rate objective');
      assert.equal(charts.latency?.limits, '1', 'the p95 objective');
      assert.equal(charts.requests?.limits, '0');
      // The new version has no points before the rollout: 144 + 72 points of requests per minute.
      assert.equal(charts.requests?.points, String(144 + 144));
      assert.equal(charts.errors?.points, String(144 + 72), 'no error rate where a version served nothing');

      // Top callers per version; the caller that errors shows its error rate.
      const callers = await cells(page, '.tm-callers-table[data-version="v1.2.0"]');
      assert.equal(
        await page.locator('.tm-callers-table[data-version="v1.2.0"] caption').textContent(),
        'v1.2.0 · 3 unique callers',
      );
      assert.deepEqual(callers[0], ['Caller', 'Requests', 'Errors', 'Error rate']);
      const gateway = callers.find((r) => r[0] === 'partner-gateway');
      assert.ok(gateway, JSON.stringify(callers));
      assert.ok(parseFloat(gateway[3] ?? '') > 5, `partner-gateway fails often: ${gateway[3]}`);
      await page.waitForTimeout(100);
      await panel.screenshot(`telemetry-ab-${theme}`);
      // A close look at the breach: the regressed version's p95 above the objective's line.
      await page
        .locator('.tm-chart', { has: page.locator('#tm-chart-latency') })
        .screenshot({ path: path.join(resultsDir, 'ui', 'standalone', `telemetry-slo-breach-${theme}.png`) });

      // Copy as Markdown posts the model's figures.
      await page.locator('#tm-copy').click();
      const copied = await panel.waitForPosted('copyMarkdown');
      assert.ok(copied.markdown.includes('| fraud-classifier v1.2.0 | 13,563 | 9.42 | 432 | 3.19% |'), copied.markdown);
      assert.ok(copied.markdown.startsWith('## Telemetry: Last day\n'), copied.markdown);

      // The range picker: a preset, then two dates.
      const picker = page.locator('#tm-range');
      await picker.click();
      await picker.getByRole('option', { name: 'Last week', exact: true }).click();
      assert.deepEqual(await panel.waitForPosted('setRange'), { type: 'setRange', range: { preset: 'week' } });
      await picker.click();
      await picker.getByRole('option', { name: 'Custom…', exact: true }).click();
      await page.locator('#tm-from input').fill('2026-11-30T06:00');
      await page.locator('#tm-to input').fill('2026-11-30T18:00');
      await page.locator('#tm-apply').click();
      const custom = await panel.waitForPosted('setRange');
      assert.equal(custom.range.preset, 'custom');
      if (custom.range.preset === 'custom')
        assert.equal(custom.range.to - custom.range.from, 12 * 3_600_000, 'twelve hours, in the page’s time zone');
    });
  }

  it('switches models and keeps the choice', async () => {
    const panel = await open('dark');
    const page = panel.page;
    const message = summaryMessage();
    if (message.type !== 'summary') throw new Error('unreachable');
    const churn = sampleSummary({ model: 'churn-model', old: 'v3', next: 'v4' });
    message.summary.groups.push(...churn.groups.map((g) => ({ ...g, requests: Math.round(g.requests / 10) })));
    await panel.post(message);
    assert.equal((await panel.waitForPosted('rendered')).model, MODEL, 'the busiest model first');
    const picker = page.locator('#tm-model');
    await picker.click();
    await picker.getByRole('option', { name: 'churn-model', exact: true }).click();
    const rendered = await panel.waitForPosted('rendered');
    assert.deepEqual(rendered, { type: 'rendered', view: 'summary', model: 'churn-model', versions: 2, charts: 4 });
    assert.deepEqual((await cells(page, '.tm-figures'))[0], ['Figure', 'v3', 'v4']);
    assert.equal(await page.locator('.tm-breaches').count(), 0, 'the breaches are the other model’s');
    // A model item's "Show Telemetry" while the panel is open.
    await panel.post({ type: 'focus', model: MODEL });
    assert.equal((await panel.waitForPosted('rendered')).model, MODEL);
  });

  it('says what to configure when there is no source, and what went wrong on errors', async () => {
    const panel = await open('dark');
    const page = panel.page;
    await panel.post({ type: 'loading', message: 'Reading telemetry (all events)…', range: { preset: 'all' } });
    await page.locator('.loading-state').waitFor();
    assert.equal(await page.locator('#root').getAttribute('aria-busy'), 'true');
    await page.locator('#tm-cancel').click();
    assert.deepEqual(await panel.waitForPosted('cancel'), { type: 'cancel' });

    await panel.post({
      type: 'empty',
      title: 'No telemetry source',
      hint: 'Add a telemetry: section to mlops.yaml naming your prediction or request logs, or set a Prometheus URL.',
      actions: ['openConfig', 'pickLog', 'openSettings'],
      range: { preset: 'all' },
      problems: [],
    });
    assert.deepEqual(await panel.waitForPosted('rendered'), {
      type: 'rendered',
      view: 'state',
      versions: 0,
      charts: 0,
    });
    assert.equal(await page.locator('.empty-state h2').textContent(), 'No telemetry source');
    assert.deepEqual(await page.locator('.empty-state vscode-button').allTextContents(), [
      'Open mlops.yaml',
      'Choose a Log File…',
      'Set a Prometheus URL',
    ]);
    await panel.screenshot('telemetry-empty');
    await page.locator('.empty-state vscode-button', { hasText: 'Choose a Log File…' }).click();
    assert.deepEqual(await panel.waitForPosted('configure'), { type: 'configure', action: 'pickLog' });
    await page.locator('.empty-state vscode-button', { hasText: 'Set a Prometheus URL' }).click();
    assert.deepEqual(await panel.waitForPosted('configure'), { type: 'configure', action: 'openSettings' });

    await panel.post(summaryMessage());
    await panel.waitForPosted('rendered');
    await panel.post({ type: 'loading', message: 'Reading telemetry (last week)…', range: { preset: 'week' } });
    await page.locator('.tm-status #tm-cancel').waitFor();
    assert.equal(await page.locator('.tm-figures').count(), 1, 'the figures stay while the next ones are read');

    await panel.post({
      type: 'error',
      message: 'Could not read telemetry: Prometheus at http://127.0.0.1:9090 answered 503',
      hint: 'Check the telemetry: section of mlops.yaml and the Prometheus URL.',
      range: { preset: 'week' },
    });
    assert.deepEqual(await panel.waitForPosted('rendered'), {
      type: 'rendered',
      view: 'state',
      versions: 0,
      charts: 0,
    });
    assert.equal(
      await page.getByRole('alert').locator('h2').textContent(),
      'Could not read telemetry: Prometheus at http://127.0.0.1:9090 answered 503',
    );
    await panel.screenshot('telemetry-error');
    await page.getByRole('alert').locator('vscode-button', { hasText: 'Try Again' }).click();
    assert.deepEqual(await panel.waitForPosted('refresh'), { type: 'refresh' });
  });

  it('shows hostile model, version and caller names as text and runs none of them', async () => {
    const panel = await open('light');
    const page = panel.page;
    await panel.post(summaryMessage(HOSTILE));
    await panel.waitForPosted('rendered');
    assert.equal(await page.locator('.tm-model .tm-name').textContent(), HOSTILE.model);
    assert.deepEqual(await page.locator('.tm-figures thead .tm-name').allTextContents(), [HOSTILE.old, HOSTILE.next]);
    const callers = await page.locator('.tm-callers-table td.tm-name').allTextContents();
    assert.ok(callers.includes(HOSTILE.caller), JSON.stringify(callers));
    assert.ok(
      ((await page.locator('.tm-breaches li').first().textContent()) ?? '').startsWith(
        `${HOSTILE.model} ${HOSTILE.next}:`,
      ),
    );
    await page.locator('#tm-copy').click();
    const copied = await panel.waitForPosted('copyMarkdown');
    assert.ok(!/<img|<script|<svg|<b>/i.test(copied.markdown), copied.markdown);
    await page.waitForTimeout(300);
    const facts = await page.evaluate(() => ({
      images: document.querySelectorAll('img').length,
      svgs: document.querySelectorAll('svg[onload]').length,
      bold: document.querySelectorAll('b').length,
      scripts: Array.from(document.querySelectorAll('script'), (s) => s.src.split('/').pop()),
      pwned: (window as unknown as { __pwned?: number }).__pwned,
    }));
    assert.deepEqual(facts, {
      images: 0,
      svgs: 0,
      bold: 0,
      scripts: ['fakeVscodeApi.js', 'telemetry.js'],
      pwned: undefined,
    });
    await panel.screenshot('telemetry-injection-as-text');
  });

  it('asks for the range it showed again after a reload', async () => {
    const panel = await open('dark');
    await panel.post(summaryMessage());
    await panel.waitForPosted('rendered');
    await panel.reload();
    await panel.waitForPosted('ready');
    assert.deepEqual(await panel.waitForPosted('setRange'), { type: 'setRange', range: { preset: 'day' } });
  });
});
