// Follows the walkthrough "Get started with MLOps Workbench" on the demo, as a new user would, in the dark and the
// light theme: a window without a folder first (nothing ticked), then the demo opened, then each step's action. After
// each action the walkthrough shows that step ticked, and only the steps done so far.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import {
  demoWorkspace,
  openFolder,
  openMlopsContainer,
  openWorkbench,
  runCommand,
  uiMode,
  viewPane,
  webviewFrame,
  type Workbench,
} from './workbench';

const THEMES = [
  { name: 'dark', theme: 'Default Dark Modern' },
  { name: 'light', theme: 'Default Light Modern' },
];
const STEPS = ['openProject', 'seeModels', 'chartMetric', 'runChecks', 'notebookFilter', 'addCi'] as const;
type Step = (typeof STEPS)[number];

/**
 * Runs a palette command; again if the palette closed under the typing (the walkthrough page takes the focus a moment
 * after it opens, and the palette closes when it loses it).
 */
async function command(page: Page, title: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await runCommand(page, title);
      return;
    } catch (err) {
      if (attempt === 3) throw err;
      await page.keyboard.press('Escape');
      await page.waitForTimeout(1000);
    }
  }
}

/** Opens the walkthrough from the palette ("MLOps: Get Started") on a fresh editor. */
async function openWalkthrough(page: Page): Promise<void> {
  await command(page, 'View: Close All Editors');
  // Not runCommand: the palette ranks "MLOps: Focus on Getting Started View" first; click our row.
  const row = page.locator('.quick-input-list .monaco-list-row').filter({ hasText: /^MLOps: Get Started/ });
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('F1');
    await page.locator('.quick-input-widget input').fill('>MLOps: Get Started');
    try {
      await row.first().waitFor({ timeout: 20_000 });
      break;
    } catch (err) {
      if (attempt === 3) throw err;
      await page.keyboard.press('Escape');
    }
  }
  await row.first().click();
  const container = page.locator('.gettingStartedContainer');
  await container.getByText('Get started with MLOps Workbench').first().waitFor({ timeout: 60_000 });
  await container.locator('.getting-started-step[data-step-id$="#addCi"]').first().waitFor({ timeout: 30_000 });
  // The page moves the focus to its first open step after a moment; let it, before anything else is typed.
  await page.waitForTimeout(1500);
}

/** Each step's tick as the walkthrough page shows it (the step's checkbox and its button agree). */
async function ticks(page: Page): Promise<Record<Step, boolean>> {
  const shown = await page.evaluate(() =>
    Array.from(document.querySelectorAll('.gettingStartedContainer .getting-started-step[data-step-id]')).map(
      (step) => [
        step.getAttribute('data-step-id') ?? '',
        step.getAttribute('aria-checked') === 'true' &&
          step.querySelector('.codicon[role="checkbox"]')?.getAttribute('aria-checked') === 'true' &&
          step.querySelector('.codicon.complete') !== null,
      ],
    ),
  );
  const result = {} as Record<Step, boolean>;
  for (const step of STEPS) {
    const found = shown.find(([id]) => typeof id === 'string' && id.endsWith(`#mlops.getStarted#${step}`));
    assert.ok(found, `the walkthrough shows the step ${step}`);
    result[step] = found[1] === true;
  }
  return result;
}

/** The ticks expected once the first `done` steps are done. */
const firstDone = (done: number): Record<Step, boolean> =>
  Object.fromEntries(STEPS.map((step, index) => [step, index < done])) as Record<Step, boolean>;

/**
 * Reopens the walkthrough and waits (up to 20 s) until it shows exactly the first `done` steps ticked; closes it again
 * unless asked to keep it open.
 */
async function expectTicked(page: Page, done: number, keepOpen = false): Promise<void> {
  await openWalkthrough(page);
  const expected = firstDone(done);
  let last = await ticks(page);
  for (let i = 0; i < 40 && JSON.stringify(last) !== JSON.stringify(expected); i++) {
    await page.waitForTimeout(500);
    last = await ticks(page);
  }
  assert.deepEqual(last, expected);
  if (!keepOpen) await command(page, 'View: Close All Editors');
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

for (const { name, theme } of THEMES) {
  describe(`The walkthrough ticks each step after the user's action, ${name} theme (${uiMode()})`, function () {
    this.timeout(600_000);
    let wb: Workbench | undefined;
    let folder: string | undefined;
    const page = () => wb!.page;

    before(async () => {
      folder = demoWorkspace();
      wb = await openWorkbench(undefined, { theme });
      await wb.page.setViewportSize({ width: 1280, height: 800 });
    });
    afterEach(async function () {
      if (this.currentTest?.state === 'failed' && wb)
        await wb.screenshot(`failed-walkthrough-${this.currentTest.title.replace(/\W+/g, '-').slice(0, 50)}-${name}`);
    });
    after(async () => {
      await wb?.close();
      if (folder) fs.rmSync(folder, { recursive: true, force: true });
    });

    it('in a window without a folder, no step is ticked', async () => {
      await expectTicked(page(), 0, true);
      await page().setViewportSize({ width: 1280, height: 1100 });
      await page().waitForTimeout(800);
      await wb!.screenshot(`walkthrough-empty-window-${name}`);
      await page().setViewportSize({ width: 1280, height: 800 });
    });

    it('opening the demo ticks "Open a project"', async () => {
      await openFolder(wb!, folder!);
      await expectTicked(page(), 1);
    });

    it('showing the MLOps views ticks "See models and runs"', async () => {
      await openMlopsContainer(page());
      await viewPane(page(), 'Models')
        .locator('.monaco-list-row')
        .filter({ hasText: 'fraud-classifier' })
        .first()
        .waitFor({ timeout: 90_000 });
      await expectTicked(page(), 2);
    });

    it('charting a metric ticks "Chart a metric"', async () => {
      await command(page(), 'MLOps: Show Metric History…');
      const title = page().locator('.quick-input-widget .quick-input-title');
      await title.filter({ hasText: '(1/2): sources' }).waitFor({ timeout: 60_000 });
      await page().keyboard.press('Enter');
      await title.filter({ hasText: '(2/2): metrics' }).waitFor({ timeout: 60_000 });
      await page().keyboard.press('Enter');
      await webviewFrame(page())
        .locator('.mh-status')
        .filter({ hasText: /\d+ revisions/ })
        .waitFor({ timeout: 60_000 });
      await expectTicked(page(), 3);
    });

    it('running the checks ticks "Run the checks"', async () => {
      await command(page(), 'MLOps: Show Pipeline Checks');
      await webviewFrame(page())
        .locator('.ck-summary')
        .filter({ hasText: /1 error, 9 warnings/ })
        .waitFor({ timeout: 90_000 });
      await expectTicked(page(), 4);
    });

    it('setting up the notebook filter from the notebook’s status item ticks "Set up the notebook filter"', async () => {
      await quickOpen(page(), '02-evaluate-model.ipynb');
      await page().locator('.notebookOverlay .cell-editor-container .view-lines').first().waitFor({ timeout: 90_000 });
      const item = page()
        .locator('.statusbar-item')
        .filter({ hasText: /Outputs will be committed/ })
        .first();
      await item.waitFor({ timeout: 60_000 });
      await item.click();
      await page()
        .locator('.statusbar-item')
        .filter({ hasText: /Outputs stripped on commit/ })
        .first()
        .waitFor({ timeout: 60_000 });
      assert.match(fs.readFileSync(path.join(folder!, '.gitattributes'), 'utf8'), /^\*\.ipynb filter=\S+/m);
      await expectTicked(page(), 5);
    });

    it('adding the CI workflow ticks "Add the CI workflow": every step is ticked', async () => {
      await command(page(), 'MLOps: Add CI Workflow…');
      const github = page().locator('.quick-input-list .monaco-list-row').filter({ hasText: 'GitHub' }).first();
      await github.waitFor({ timeout: 30_000 });
      await github.click();
      await page()
        .locator('.tab.active')
        .filter({ hasText: /\.ya?ml/ })
        .first()
        .waitFor({ timeout: 60_000 });
      assert.equal(fs.readdirSync(path.join(folder!, '.github', 'workflows')).length, 1);
      await command(page(), 'Notifications: Clear All Notifications');
      await expectTicked(page(), 6, true);
      // All six steps in view: no side bar, a taller window.
      await command(page(), 'View: Toggle Primary Side Bar Visibility');
      await page().setViewportSize({ width: 1280, height: 1100 });
      await page().mouse.move(1, 1);
      await page().waitForTimeout(800);
      const shot = await wb!.screenshot(`walkthrough-all-ticked-${name}`);
      assert.ok(fs.statSync(shot).size > 10_000);
    });
  });
}
