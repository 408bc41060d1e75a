// The Dataset panel in plain Chromium: the real bundle, the real CSP, a fake VS Code API. The test plays the host
// with a typed sample of the data-metrics model (test/unit/data/sampleDataset.ts).
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { HostToWebview, WebviewToHost } from '../../src/protocol/dataset';
import {
  HOSTILE_NAMES,
  hostileProfile,
  sampleDrift,
  sampleFacts,
  sampleProfile,
  sampleVersions,
  sampleViolations,
} from '../unit/data/sampleDataset';
import { bundlePath, openStandalone, type ThemeName } from './metricHistoryStandaloneHarness';

/** The standalone harness typed with the Dataset panel's protocol. */
interface DatasetStandalone {
  page: Page;
  post(message: HostToWebview): Promise<void>;
  waitForPosted<T extends WebviewToHost['type']>(
    type: T,
    options?: { after?: number; timeout?: number },
  ): Promise<Extract<WebviewToHost, { type: T }>>;
  violations(): Promise<unknown[]>;
  errors(): Promise<string[]>;
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

function profileMessage(): HostToWebview {
  return {
    type: 'profile',
    profile: sampleProfile(),
    versions: sampleVersions,
    facts: sampleFacts,
    violations: sampleViolations,
    cached: false,
  };
}

async function cells(page: Page, selector: string): Promise<string[][]> {
  return page.evaluate(
    (s) =>
      Array.from(document.querySelectorAll(`${s} tbody tr`), (tr) =>
        Array.from(tr.querySelectorAll('td'), (td) => (td.textContent ?? '').trim()),
      ),
    selector,
  );
}

describe('Dataset panel, standalone in Chromium', function () {
  this.timeout(120_000);
  const panels: DatasetStandalone[] = [];
  const dialogs: string[] = [];

  async function open(theme: ThemeName = 'dark'): Promise<DatasetStandalone> {
    const panel = (await openStandalone({
      theme,
      bundle: 'dataset',
      width: 1100,
      height: 900,
    })) as unknown as DatasetStandalone;
    panel.page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    panels.push(panel);
    await panel.waitForPosted('ready');
    return panel;
  }

  before(() => {
    bundlePath('dataset');
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
    it(`shows the overview, the columns, a column's detail and a version compare (${theme})`, async () => {
      const panel = await open(theme);
      const page = panel.page;
      await panel.post(profileMessage());
      assert.deepEqual(await panel.waitForPosted('rendered'), { type: 'rendered', view: 'profile', columns: 6 });

      const cards = await page
        .locator('.ds-card')
        .evaluateAll((els) =>
          els.map((e) => [
            e.querySelector('.ds-card-label')?.textContent,
            e.querySelector('.ds-card-value')?.textContent,
          ]),
        );
      assert.deepEqual(cards.slice(0, 5), [
        ['Rows', '20,000'],
        ['Columns', '6'],
        ['Size', '1.1 MB'],
        ['Last change', '2026-11-30 09:00'],
        ['Update frequency', '3 versions in 240 days (about every 120 days)'],
      ]);
      const rows = await cells(page, '.ds-columns');
      assert.deepEqual(
        rows.map((r) => r.slice(0, 4)),
        [
          ['transaction_id', 'string', '0 (0.0%)', '20,000'],
          ['amount', 'number', '0 (0.0%)', '15,873'],
          ['merchant_category', 'categorical', '0 (0.0%)', '8'],
          ['country', 'categorical', '50 (0.3%)', '8'],
          ['hour', 'integer', '0 (0.0%)', '24'],
          ['is_fraud', 'boolean', '0 (0.0%)', '2'],
        ],
      );
      assert.equal(await page.getByRole('grid', { name: /Columns/ }).count(), 1, 'the column table is an ARIA grid');
      // Every sparkline drew its bins.
      await page.waitForFunction(() => document.querySelectorAll('canvas.ds-spark[data-bins]').length === 6);
      const bins = await page
        .locator('canvas.ds-spark')
        .evaluateAll((els) => els.map((e) => Number((e as HTMLCanvasElement).dataset.bins)));
      assert.deepEqual(bins, [1, 10, 8, 8, 12, 2]);
      const violations = await cells(page, '.ds-violations');
      assert.deepEqual(violations[1], [
        'country',
        'nullable',
        'country is empty but not nullable',
        '7, 19, 112, 260, 301 … (50 in all)',
      ]);
      await panel.screenshot(`dataset-overview-${theme}`);

      // Keyboard: focus the first row, arrow down to amount, Enter opens its detail.
      await page.locator('.ds-columns tbody tr').first().focus();
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Enter');
      assert.deepEqual(await panel.waitForPosted('rendered'), { type: 'rendered', view: 'column', columns: 6 });
      const detail = page.locator('.ds-detail');
      assert.equal(await detail.locator('h2 .ds-name').textContent(), 'amount');
      const quantiles = await cells(page, '.ds-detail table[aria-label="Quantiles"]');
      assert.deepEqual(quantiles, [
        ['5%', '6.6285', 'exact'],
        ['25%', '19.17', 'exact'],
        ['50%', '40.635', 'exact'],
        ['75%', '84.24', 'exact'],
        ['95%', '245.025', 'exact'],
      ]);
      await page.waitForFunction(
        () => document.querySelector('.ds-detail canvas')?.getAttribute('data-kind') === 'histogram',
      );
      assert.equal(await detail.locator('canvas').getAttribute('data-points'), '11', 'ten bins and the closing edge');
      await panel.screenshot(`dataset-column-${theme}`);

      // Copy as Markdown posts the profile table.
      await page.locator('#ds-copy').click();
      const copied = await panel.waitForPosted('copyMarkdown');
      assert.ok(copied.markdown.includes('| amount | number |'), copied.markdown);

      // Compare: the panel asks for the versions picked; the host answers with the report.
      await page.locator('#ds-compare').click();
      const asked = await panel.waitForPosted('requestCompare');
      assert.deepEqual(asked, { type: 'requestCompare', reference: '4b7d0a2', current: 'workspace' });
      await panel.post({
        type: 'compare',
        report: sampleDrift(),
        reference: sampleProfile('4b7d0a2', false),
        current: sampleProfile('workspace', true),
      });
      assert.deepEqual(await panel.waitForPosted('rendered'), { type: 'rendered', view: 'compare', columns: 6 });
      const verdicts = await cells(page, '.ds-drift');
      assert.deepEqual(
        verdicts.map((r) => [r[0], r[4]]),
        [
          ['transaction_id', 'drifted'],
          ['amount', 'drifted'],
          ['merchant_category', 'drifted'],
          ['country', 'stable'],
          ['hour', 'stable'],
          ['is_fraud', 'stable'],
        ],
      );
      assert.deepEqual(verdicts[1], ['amount', 'Wasserstein (normed)', '0.3127', '0.1', 'drifted']);
      assert.match((await page.locator('.ds-summary').textContent()) ?? '', /Drift detected: 3 of 6 columns drifted/);
      // The selected column (amount, the last one opened) overlays both versions.
      await page.waitForFunction(
        () => document.querySelector('.ds-detail canvas')?.getAttribute('data-series') === '2',
      );
      assert.equal(await page.locator('.ds-detail h3 .ds-name').textContent(), 'amount');
      // Pick merchant_category with the keyboard: grouped bars of its top values.
      await page.locator('.ds-drift tbody tr[data-column="amount"]').focus();
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Enter');
      await page.waitForFunction(
        () => document.querySelector('.ds-detail canvas')?.getAttribute('data-kind') === 'topValues',
      );
      assert.equal(await page.locator('.ds-detail h3 .ds-name').textContent(), 'merchant_category');
      await page.locator('.ds-drift tbody tr[data-column="amount"]').click();
      await page.waitForFunction(
        () => document.querySelector('.ds-detail canvas')?.getAttribute('data-kind') === 'histogram',
      );
      await page.waitForTimeout(150);
      await panel.screenshot(`dataset-compare-${theme}`);
    });
  }

  it('says what to do when there is nothing to show, while loading, when not pulled, and on errors', async () => {
    const panel = await open('dark');
    const page = panel.page;
    await panel.post({ type: 'empty', title: 'No dataset chosen', hint: 'Run "MLOps: Show Dataset Profile".' });
    await panel.waitForPosted('rendered');
    assert.equal(await page.locator('.empty-state h2').textContent(), 'No dataset chosen');

    await panel.post({ type: 'loading', path: 'data/transactions.csv', message: 'Profiling data/transactions.csv…' });
    await page.locator('.loading-state').waitFor();
    assert.equal(await page.locator('#root').getAttribute('aria-busy'), 'true');
    await page.locator('.loading-state vscode-button', { hasText: 'Cancel' }).click();
    assert.deepEqual(await panel.waitForPosted('cancel'), { type: 'cancel' });

    await panel.post(profileMessage());
    await panel.waitForPosted('rendered');
    await panel.post({
      type: 'notPulled',
      path: 'data/transactions.csv',
      revision: '1c9e8f3',
      command: 'dvc pull data/transactions.csv.dvc',
    });
    await panel.waitForPosted('rendered');
    assert.equal(
      await page.locator('.empty-state h2').textContent(),
      'data/transactions.csv @ 1c9e8f3 is not in the local cache',
    );
    assert.match(
      (await page.locator('.empty-state .ds-hint').textContent()) ?? '',
      /Run "dvc pull data\/transactions\.csv\.dvc"/,
    );
    assert.equal(await page.locator('#ds-version').count(), 1, 'the version picker stays to pick another version');

    await panel.post({ type: 'error', message: 'Could not profile data/x.csv: no such file', hint: 'Check the file.' });
    await panel.waitForPosted('rendered');
    assert.equal(
      await page.getByRole('alert').locator('h2').textContent(),
      'Could not profile data/x.csv: no such file',
    );
    await panel.screenshot('dataset-not-pulled-error');
  });

  it('shows hostile column names and values as text and runs none of them', async () => {
    const panel = await open('dark');
    const page = panel.page;
    const profile = hostileProfile();
    await panel.post({
      type: 'profile',
      profile,
      versions: [{ ...sampleVersions[0], label: '<script>window.__pwned=5</script>' }, sampleVersions[1]],
      facts: { updateFrequency: '<img src=x onerror="window.__pwned=6">' },
      violations: [{ column: HOSTILE_NAMES[0], rule: 'pattern', message: HOSTILE_NAMES[1], rows: [1], count: 1 }],
      cached: true,
    });
    await panel.waitForPosted('rendered');
    const names = await page.locator('.ds-columns tbody td.ds-name').allTextContents();
    assert.deepEqual(names, HOSTILE_NAMES);
    assert.equal(await page.locator('.ds-path').textContent(), 'data/<b>evil</b>.csv');
    await page.locator('.ds-columns tbody tr').first().click();
    await panel.waitForPosted('rendered');
    const top = await cells(page, '.ds-detail table[aria-label="Top values"]');
    assert.equal(top[0]?.[0], HOSTILE_NAMES[1]);
    assert.equal(top[1]?.[0], '<iframe src="javascript:window.__pwned=4">');
    await page.locator('#ds-copy').click();
    const copied = await panel.waitForPosted('copyMarkdown');
    assert.ok(!/<img|<script|<svg|<iframe/i.test(copied.markdown), copied.markdown);
    await page.waitForTimeout(300);
    const facts = await page.evaluate(() => ({
      images: document.querySelectorAll('img').length,
      svgs: document.querySelectorAll('svg[onload]').length,
      iframes: document.querySelectorAll('iframe').length,
      bold: document.querySelectorAll('b').length,
      scripts: Array.from(document.querySelectorAll('script'), (s) => s.src.split('/').pop()),
      pwned: (window as unknown as { __pwned?: number }).__pwned,
    }));
    assert.deepEqual(facts, {
      images: 0,
      svgs: 0,
      iframes: 0,
      bold: 0,
      scripts: ['fakeVscodeApi.js', 'dataset.js'],
      pwned: undefined,
    });
    await panel.screenshot('dataset-injection-as-text');
  });
});
