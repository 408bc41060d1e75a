// A new user on the demo: "MLOps: Show Metric History…" from the palette, f1/precision/recall over the commits
// with the releases and the threshold marked, per-step curves, two versions compared, CSV exported through
// VS Code's own save dialog; in the dark and the light theme.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { demoWorkspace, runCommand, uiMode, useWorkbench, webviewFrame } from './workbench';

const THEMES = [
  { name: 'dark', theme: 'Default Dark Modern' },
  { name: 'light', theme: 'Default Light Modern' },
];

/** Clicks the quick-pick row whose label is exactly `label` (toggles it in a multi-select pick). */
async function toggleRow(page: Page, label: string): Promise<void> {
  const name = page
    .locator('.quick-input-list .monaco-list-row .label-name')
    .filter({ hasText: new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) });
  if (!(await name.count())) {
    const texts = await page.locator('.quick-input-list .monaco-list-row').allTextContents();
    throw new Error(`no quick-pick row "${label}"; rows: ${texts.join(' | ')}`);
  }
  await name.first().click();
}

async function canvasData(frame: FrameLocator): Promise<Record<string, string>> {
  return frame
    .locator('canvas')
    .first()
    .evaluate((c) => ({ ...(c as HTMLCanvasElement).dataset }) as Record<string, string>);
}

for (const { name, theme } of THEMES) {
  describe(`Metric History panel in the workbench, ${name} theme (${uiMode()})`, function () {
    this.timeout(300_000);
    const session = useWorkbench(demoWorkspace, { theme }, name);

    it('charts f1, precision and recall over the commits from the palette, with releases and thresholds marked', async () => {
      const page = session.wb.page;
      await runCommand(page, 'MLOps: Show Metric History…');
      // 1/2: sources, all ticked.
      const title = page.locator('.quick-input-widget .quick-input-title');
      await title.filter({ hasText: 'Show Metric History (1/2): sources' }).waitFor({ timeout: 60_000 });
      const rows = page.locator('.quick-input-list .monaco-list-row .label-name');
      assert.equal(await rows.count(), 2, 'git history and the workspace');
      // Named by folder and kind, not by the workspace's absolute path.
      const labels = (await rows.allTextContents()).sort();
      assert.deepEqual(labels, [
        `${path.basename(session.folder)} · DVC workspace`,
        `${path.basename(session.folder)} · git history`,
      ]);
      await page.keyboard.press('Enter');
      // 2/2: metrics; the defined ones are ticked: keep f1, precision and recall.
      await title.filter({ hasText: 'Show Metric History (2/2): metrics' }).waitFor({ timeout: 60_000 });
      for (const key of ['fraud_loss_prevented_usd', 'loss', 'roc_auc']) await toggleRow(page, key);
      await page.keyboard.press('Enter');

      const frame = webviewFrame(page);
      const status = frame.locator('.mh-status');
      // The three DVC experiments of the demo are points of their own beside HEAD.
      await status
        .filter({ hasText: /40 revisions · 3 experiments \(▲\) · 9 of 9 series/ })
        .waitFor({ timeout: 60_000 });
      assert.match((await frame.locator('vscode-label[for="mh-keys"]').textContent()) ?? '', /f1, precision, recall/);
      // Only the test split: untick train and validation.
      await frame.locator('#mh-splits').click();
      for (const split of ['Train', 'Validation'])
        await frame.locator('#mh-splits').getByRole('option', { name: split, exact: true }).click();
      await page.keyboard.press('Escape');
      await status
        .filter({ hasText: /40 revisions · 3 experiments \(▲\) · 3 of 3 series · 129 points/ })
        .waitFor({ timeout: 30_000 });
      const legend = await frame.locator('.mh-legend-label').allTextContents();
      assert.deepEqual([...legend].sort(), ['test.f1', 'test.precision', 'test.recall']);
      // One chart per metric, each with its threshold; the releases marked on each.
      assert.deepEqual(await frame.locator('.mh-panel-title').allTextContents(), ['f1', 'precision', 'recall']);
      const drawn = await canvasData(frame);
      assert.equal(drawn.tags, '4', 'the four fraud-classifier releases are marked');
      assert.equal(drawn.thresholds, '1', 'f1 at 0.75 (precision and recall at 0.7 on their charts)');
      assert.equal(drawn.experiments, '3', 'the three experiments linked to HEAD');
      assert.match((await frame.locator('.mh-legend-note').textContent()) ?? '', /DVC experiments \(3\)/);
      await page.mouse.move(5, 5);
      await session.wb.screenshot(`metric-history-versions-${name}`);
    });

    it('switches to per-step curves of the workspace, releases and experiments', async () => {
      const frame = webviewFrame(session.wb.page);
      await frame.locator('vscode-tab-header').filter({ hasText: 'Across steps' }).click();
      const status = frame.locator('.mh-status');
      await status.filter({ hasText: /^9 runs · \d+ of \d+ series/ }).waitFor({ timeout: 60_000 });
      const legend = await frame.locator('.mh-legend-label').allTextContents();
      assert.ok(
        legend.some((l) => l.startsWith('workspace')),
        legend.join(' | '),
      );
      assert.ok(legend.some((l) => l.startsWith('lean-trees')));
      assert.ok(legend.some((l) => l.includes('fraud-classifier@v2.0.0')));
      await session.wb.page.mouse.move(5, 5);
      await session.wb.screenshot(`metric-history-steps-${name}`);
    });

    it('compares two released versions in the table', async () => {
      const page = session.wb.page;
      const frame = webviewFrame(page);
      await frame.locator('vscode-tab-header').filter({ hasText: 'Across versions' }).click();
      await frame
        .locator('.mh-status')
        .filter({ hasText: /40 revisions · 3 experiments \(▲\) · 3 of 3 series/ })
        .waitFor({ timeout: 60_000 });
      await frame.locator('#mh-show-table').click();
      const table = frame.locator('.mh-data-table');
      await table.waitFor();
      for (const tag of ['fraud-classifier@v1.0.0', 'fraud-classifier@v2.0.0']) {
        await table.locator('tbody tr').filter({ hasText: tag }).locator('input[type="checkbox"]').check();
      }
      const compare = frame.locator('.mh-compare-table');
      await compare.waitFor();
      assert.equal(await compare.locator('tbody tr').count(), 2);
      assert.deepEqual(await compare.locator('thead th').allTextContents(), [
        'Selected',
        'test.f1',
        'test.precision',
        'test.recall',
      ]);
      const eval1 = JSON.parse(
        execFileSync('git', ['show', 'fraud-classifier@v1.0.0:metrics/eval.json'], { cwd: session.folder }).toString(),
      ) as { test: Record<string, number> };
      const eval2 = JSON.parse(
        execFileSync('git', ['show', 'fraud-classifier@v2.0.0:metrics/eval.json'], { cwd: session.folder }).toString(),
      ) as { test: Record<string, number> };
      const newer = ((await compare.locator('tbody tr').nth(1).textContent()) ?? '').replace(/\s+/g, ' ');
      assert.ok(newer.includes(String(eval2.test.f1)), `the newer row shows test.f1 ${eval2.test.f1}: ${newer}`);
      assert.equal(
        await compare.locator('td.verdict-improved').count(),
        ['f1', 'precision', 'recall'].filter((k) => eval2.test[k] > eval1.test[k]).length,
      );
      await compare.scrollIntoViewIfNeeded();
      await page.mouse.move(5, 5);
      await session.wb.screenshot(`metric-history-compare-${name}`);
    });

    it('exports the plotted data as CSV through the save dialog', async () => {
      const page = session.wb.page;
      const frame = webviewFrame(page);
      const target = path.join(session.folder, `history-${name}.csv`);
      await frame.getByText('Export CSV').click();
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ timeout: 30_000 });
      // The simple dialog fills in the suggested path asynchronously: wait for it, then type ours over it.
      for (let i = 0; i < 50 && !(await input.inputValue()).endsWith('metric-history-versions.csv'); i++)
        await page.waitForTimeout(100);
      await input.fill(target);
      for (let i = 0; i < 20 && (await input.inputValue()) !== target; i++) {
        await page.waitForTimeout(100);
        await input.fill(target);
      }
      await page.keyboard.press('Enter');
      const deadline = Date.now() + 30_000;
      while (!fs.existsSync(target) && Date.now() < deadline) await page.waitForTimeout(200);
      assert.ok(fs.existsSync(target), `${target} was written`);
      const rows = fs.readFileSync(target, 'utf8').trim().split(/\r?\n/);
      assert.equal(rows[0], 'series,key,split,source,file,revision,tags,subject,author,date,value');
      assert.equal(rows.length, 1 + 3 * 43, 'three metrics at 40 revisions and 3 experiments');
      const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: session.folder }).toString().trim();
      const f1 = JSON.parse(fs.readFileSync(path.join(session.folder, 'metrics', 'eval.json'), 'utf8')) as {
        test: { f1: number };
      };
      assert.ok(
        rows.some((r) => r.startsWith('test.f1,') && r.includes(head) && r.endsWith(`,${f1.test.f1}`)),
        'the HEAD revision has its test.f1',
      );
      await page
        .locator('.notifications-toasts')
        .filter({ hasText: `Exported history-${name}.csv` })
        .waitFor({ timeout: 30_000 });
    });
  });
}
