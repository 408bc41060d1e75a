// The Model Dashboard in the real workbench on the demo, opened from the palette: the stage board, the versions table
// with key metrics, A/B compare of staging against production, and the lineage graph; a model whose name is markup
// renders as text. In the dark and the light theme, with a screenshot of each part.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { FrameLocator } from 'playwright-core';
import { demoWorkspace, iconsLoaded, runCommand, uiMode, useWorkbench, webviewFrame } from './workbench';

const HOSTILE = '<img src=x onerror=alert(1)>';

/** The demo with one more model in mlops.yaml whose name is markup. */
function demoWithHostileModel(): string {
  const dir = demoWorkspace();
  const file = path.join(dir, 'mlops.yaml');
  const text = fs.readFileSync(file, 'utf8');
  const entry = `models:\n  - name: "${HOSTILE}"\n    path: models/fraud-classifier/model.pkl\n    description: "<b>bold</b> & <script>alert(2)</script>"\n`;
  assert.ok(text.includes('models:\n'), 'the demo has a models: section');
  fs.writeFileSync(file, text.replace('models:\n', entry));
  return dir;
}

async function tableRows(frame: FrameLocator, selector: string): Promise<string[][]> {
  return frame
    .locator(`${selector} tbody tr`)
    .evaluateAll((trs) =>
      trs.map((tr) =>
        Array.from(tr.querySelectorAll('td,th'), (td) => (td.textContent ?? '').replace(/\s+/g, ' ').trim()),
      ),
    );
}

for (const { name, theme } of [
  { name: 'dark', theme: 'Default Dark Modern' },
  { name: 'light', theme: 'Default Light Modern' },
]) {
  describe(`Model Dashboard in the workbench, ${name} theme (${uiMode()})`, function () {
    this.timeout(300_000);
    const session = useWorkbench(demoWithHostileModel, { theme }, name);
    const dialogs: string[] = [];

    before(() => {
      session.wb.page.on('dialog', (dialog) => {
        dialogs.push(dialog.message());
        void dialog.dismiss();
      });
    });

    it('shows the stage board, the versions table, A/B compare and the lineage graph', async () => {
      const page = session.wb.page;
      await runCommand(page, 'MLOps: Show Model Dashboard');
      await page.locator('.tab', { hasText: 'Model Dashboard' }).first().waitFor({ timeout: 60_000 });
      const frame = webviewFrame(page);

      // The stage board: the version each stage holds.
      await frame.locator('.md-card').first().waitFor({ timeout: 90_000 });
      assert.deepEqual(await frame.locator('.md-column h3').allTextContents(), ['staging', 'production']);
      const cards = await frame
        .locator('.md-column')
        .evaluateAll((cols) =>
          cols.map((c) => Array.from(c.querySelectorAll('.md-card'), (card) => card.textContent ?? '')),
        );
      assert.deepEqual(cards, [['fraud-classifier' + 'v2.0.0'], ['fraud-classifier' + 'v1.2.0']]);

      // The versions table, once the metrics at each version are read.
      const header = frame.locator('.md-versions-table thead');
      await header.filter({ hasText: 'test.f1' }).waitFor({ timeout: 90_000 });
      const versions = await tableRows(frame, '.md-versions-table');
      assert.deepEqual(
        versions.map((r) => r[0]),
        ['v2.0.0', 'v1.2.0', 'v1.1.0', 'v1.0.0deregistered'],
      );
      assert.deepEqual(
        versions.map((r) => r[3]),
        ['staging', 'production', '', ''],
      );
      const headings = await frame.locator('.md-versions-table thead th').allTextContents();
      assert.deepEqual(headings.slice(4, 8), ['test.f1', 'test.precision', 'test.recall', 'test.roc_auc']);
      assert.equal(versions[0]?.[4], '0.8368 +0.0667', "v2.0.0's test f1 and its gain over v1.2.0");
      assert.equal((await frame.locator('.md-versions-table .md-better').count()) > 0, true, 'deltas coloured by goal');
      await iconsLoaded(frame);
      await session.wb.screenshot(`model-dashboard-board-${name}`);

      // A/B compare: production (v1.2.0) against staging (v2.0.0), the default pair.
      await frame.locator('.md-compare-bar vscode-button', { hasText: 'Compare' }).click();
      await frame.locator('.md-compare h2').filter({ hasText: 'fraud-classifier: v1.2.0 → v2.0.0' }).waitFor({
        timeout: 60_000,
      });
      const compare = await tableRows(frame, '.md-compare table');
      assert.ok(
        compare.some((r) => r.slice(0, 3).join('|') === 'test.f1|0.7701|0.8368'),
        JSON.stringify(compare.slice(0, 5)),
      );
      assert.ok(compare.some((r) => r.join('|') === 'train.model|random_forest|gradient_boosting'));
      assert.ok(compare.some((r) => r[0] === 'transactions (data/transactions.csv)' && r[1] === 'changed'));
      await frame.locator('.md-compare h2').scrollIntoViewIfNeeded();
      await session.wb.screenshot(`model-dashboard-compare-${name}`);

      // Lineage: the DVC pipeline as a graph; train and evaluate need a rerun.
      const nodes = frame.locator('.md-lineage svg text');
      await nodes.filter({ hasText: /^train$/ }).waitFor({ timeout: 60_000 });
      const texts = await nodes.allTextContents();
      for (const node of ['prepare', 'train', 'evaluate', 'data/transactions.csv', 'metrics/eval.json'])
        assert.ok(texts.includes(node), `the lineage graph shows ${node}`);
      assert.equal(texts.filter((t) => t === 'needs rerun').length, 2);
      await frame.locator('.md-lineage').scrollIntoViewIfNeeded();
      await session.wb.screenshot(`model-dashboard-lineage-${name}`);
    });

    it('renders a model whose name is markup as text', async () => {
      const page = session.wb.page;
      const frame = webviewFrame(page);
      const options = await frame.locator('#md-model vscode-option').allTextContents();
      assert.ok(options.includes(HOSTILE), `the model picker lists the name as text: ${options.join(' | ')}`);
      await frame.locator('#md-model').evaluate((select, value) => {
        (select as HTMLElement & { value: string }).value = value;
        select.dispatchEvent(new Event('change'));
      }, HOSTILE);
      await frame.locator('.md-model h2').filter({ hasText: HOSTILE }).waitFor({ timeout: 30_000 });
      assert.equal(await frame.locator('.md-model h2').textContent(), HOSTILE);
      assert.equal(
        await frame.locator('.md-model .md-subtitle').textContent(),
        '<b>bold</b> & <script>alert(2)</script>',
      );
      const made = await frame.locator('body').evaluate(() => ({
        elements: document.querySelectorAll('img, b, [onerror]').length,
        scripts: Array.from(document.scripts).filter((s) => (s.textContent ?? '').includes('alert')).length,
      }));
      assert.deepEqual(made, { elements: 0, scripts: 0 }, 'no element made from the name or the description');
      await frame.locator('.md-model').scrollIntoViewIfNeeded();
      await session.wb.screenshot(`model-dashboard-hostile-${name}`);
      assert.deepEqual(dialogs, [], 'no dialog opened');
    });
  });
}
