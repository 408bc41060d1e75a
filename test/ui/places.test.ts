// The walkthrough "Get started with MLOps Workbench" and the notebook status item, in the dark and the light theme.
// In the development run this also takes the walkthrough's step pictures from the real UI (media/walkthrough/*.png),
// then opens the walkthrough with them.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { root } from '../harness/paths';
import {
  demoWorkspace,
  openMlopsContainer,
  runCommand,
  uiMode,
  updateMedia,
  useWorkbench,
  viewPane,
  webviewFrame,
  type Workbench,
} from './workbench';

const THEMES = [
  { name: 'dark', theme: 'Default Dark Modern' },
  { name: 'light', theme: 'Default Light Modern' },
];
const MEDIA = path.join(root, 'media', 'walkthrough');

/** A step picture: the whole window at the walkthrough's size; written to media/ only when asked (MLOPS_UPDATE_MEDIA=1). */
async function stepPicture(wb: Workbench, step: string, theme: string): Promise<void> {
  await runCommand(wb.page, 'Notifications: Clear All Notifications');
  await wb.page.mouse.move(1, 1);
  await wb.page.waitForTimeout(800);
  const shot = await wb.screenshot(`walkthrough-${step}-${theme}`);
  const size = fs.statSync(shot).size;
  assert.ok(size > 10_000 && size < 200_000, `${step} (${theme}) is ${size} bytes`);
  if (updateMedia()) {
    fs.mkdirSync(MEDIA, { recursive: true });
    fs.copyFileSync(shot, path.join(MEDIA, `${step}-${theme}.png`));
  }
}

async function quickOpen(page: Page, file: string): Promise<void> {
  await page.keyboard.press('Control+P');
  await page.locator('.quick-input-widget input').fill(file);
  await page
    .locator('.quick-input-widget .quick-input-list .monaco-list-row')
    .filter({ hasText: file })
    .first()
    .waitFor({ timeout: 30_000 });
  await page.keyboard.press('Enter');
}

/** The notebook status item, by its text. */
const notebookStatus = (page: Page, text: RegExp) => page.locator('.statusbar-item').filter({ hasText: text });

for (const { name, theme } of THEMES) {
  describe(`MLOps Workbench in VS Code's own places, ${name} theme (${uiMode()})`, function () {
    this.timeout(400_000);
    const session = useWorkbench(demoWorkspace, { theme }, name);

    before(async () => {
      await session.wb.page.setViewportSize({ width: 1024, height: 640 });
    });

    it('takes the pictures of the walkthrough steps from the real UI', async () => {
      const { wb } = session;
      const page = wb.page;
      // Open a project: the demo in the Explorer, mlops.yaml open.
      await quickOpen(page, 'mlops.yaml');
      await page
        .locator('.editor-instance .view-lines')
        .filter({ hasText: 'models' })
        .first()
        .waitFor({ timeout: 60_000 });
      await page.keyboard.press('Control+Shift+E');
      await page.locator('.explorer-folders-view .monaco-list-row').filter({ hasText: 'notebooks' }).first().waitFor();
      await stepPicture(wb, 'openProject', name);

      // See models and runs.
      await openMlopsContainer(page);
      await viewPane(page, 'Models')
        .locator('.monaco-list-row')
        .filter({ hasText: 'fraud-classifier' })
        .first()
        .waitFor({ timeout: 90_000 });
      await viewPane(page, 'Experiments')
        .locator('.monaco-list-row')
        .filter({ hasText: 'Git history' })
        .first()
        .waitFor({ timeout: 60_000 });
      await stepPicture(wb, 'seeModels', name);

      // Chart a metric: the defaults of both picks.
      await runCommand(page, 'MLOps: Show Metric History…');
      const title = page.locator('.quick-input-widget .quick-input-title');
      await title.filter({ hasText: '(1/2): sources' }).waitFor({ timeout: 60_000 });
      await page.keyboard.press('Enter');
      await title.filter({ hasText: '(2/2): metrics' }).waitFor({ timeout: 60_000 });
      await page.keyboard.press('Enter');
      await webviewFrame(page)
        .locator('.mh-status')
        .filter({ hasText: /\d+ revisions/ })
        .waitFor({ timeout: 60_000 });
      // The charts below the controls: scrolled into view.
      await webviewFrame(page).locator('canvas').first().scrollIntoViewIfNeeded();
      await page.waitForTimeout(1500);
      await stepPicture(wb, 'chartMetric', name);

      // Run the checks.
      await runCommand(page, 'MLOps: Show Pipeline Checks');
      await webviewFrame(page)
        .locator('.ck-summary')
        .filter({ hasText: /1 error, 9 warnings/ })
        .waitFor({ timeout: 90_000 });
      await stepPicture(wb, 'runChecks', name);

      // Add the CI workflow (GitHub Actions): written into this copy of the demo and opened.
      await runCommand(page, 'MLOps: Add CI Workflow…');
      const github = page.locator('.quick-input-list .monaco-list-row').filter({ hasText: 'GitHub' }).first();
      await github.waitFor({ timeout: 30_000 });
      await github.click();
      await page
        .locator('.tab.active')
        .filter({ hasText: /\.ya?ml/ })
        .first()
        .waitFor({ timeout: 60_000 });
      await page
        .locator('.editor-instance .view-lines')
        .filter({ hasText: 'mlops' })
        .first()
        .waitFor({ timeout: 30_000 });
      const workflows = fs.readdirSync(path.join(session.folder, '.github', 'workflows'));
      assert.equal(workflows.length, 1, `one workflow written: ${workflows.join(', ')}`);
      await stepPicture(wb, 'addCi', name);
    });

    it('shows whether an open notebook’s outputs will be committed, and its size; one click sets up the filter', async () => {
      const { wb } = session;
      const page = wb.page;
      await page.keyboard.press('Control+K');
      await page.keyboard.press('W');
      await quickOpen(page, '02-evaluate-model.ipynb');
      await page.locator('.notebookOverlay .cell-editor-container .view-lines').first().waitFor({ timeout: 90_000 });
      const size = fs.statSync(path.join(session.folder, 'notebooks', '02-evaluate-model.ipynb')).size;
      const before = notebookStatus(page, /Outputs will be committed · [\d.]+ KB/).first();
      await before.waitFor({ timeout: 60_000 });
      assert.match(await before.innerText(), new RegExp(`Outputs will be committed · ${(size / 1024).toFixed(1)} KB`));
      const shot = await wb.screenshot(`notebook-status-before-${name}`);
      assert.ok(fs.statSync(shot).size > 10_000);
      await before.click();
      const after = notebookStatus(page, /Outputs stripped on commit · [\d.]+ KB/).first();
      await after.waitFor({ timeout: 60_000 });
      const attributes = fs.readFileSync(path.join(session.folder, '.gitattributes'), 'utf8');
      assert.match(attributes, /^\*\.ipynb filter=\S+/m, 'the filter line was added');
      await page.keyboard.press('Escape');
      await stepPicture(wb, 'notebookFilter', name);
    });

    it('opens the walkthrough from the palette, with its six steps and their pictures', async () => {
      const page = session.wb.page;
      // Not runCommand: the palette ranks "MLOps: Focus on Getting Started View" first; click our row.
      await page.keyboard.press('F1');
      await page.locator('.quick-input-widget input').fill('>MLOps: Get Started');
      const row = page.locator('.quick-input-list .monaco-list-row').filter({ hasText: /^MLOps: Get Started/ });
      await row.first().waitFor({ timeout: 30_000 });
      await row.first().click();
      const container = page.locator('.gettingStartedContainer');
      await container.getByText('Get started with MLOps Workbench').first().waitFor({ timeout: 60_000 });
      const steps = container.locator('.getting-started-step .step-title');
      await steps.first().waitFor();
      const titles = (await steps.allTextContents()).map((t) => t.trim()).filter(Boolean);
      assert.deepEqual(titles, [
        'Open a project',
        'See models and runs',
        'Chart a metric',
        'Run the checks',
        'Set up the notebook filter',
        'Add the CI workflow',
      ]);
      await container
        .locator('.getting-started-step')
        .filter({ hasText: 'Set up the notebook filter' })
        .first()
        .click();
      // The step's picture for this theme, loaded (the media element is re-rendered as the step opens: poll).
      const shown = await page.waitForFunction(
        (file) =>
          Array.from(document.querySelectorAll('.gettingStartedContainer .getting-started-media img')).some(
            (img) =>
              img instanceof HTMLImageElement && img.complete && img.naturalWidth > 0 && img.currentSrc.includes(file),
          ),
        `notebookFilter-${name}.png`,
        { timeout: 30_000 },
      );
      assert.equal(await shown.jsonValue(), true);
      await page.waitForTimeout(500);
      await session.wb.screenshot(`walkthrough-${name}`);
    });
  });
}
