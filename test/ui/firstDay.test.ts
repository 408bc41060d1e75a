// The first day on real repositories without mlops.yaml, as a new user meets them in the workbench: a DVC project on a
// fresh clone (data, model and metrics DVC-tracked, not pulled), a DVC project with experiments, and an MLflow project
// with a registered model. Fixtures are written by the real dvc and mlflow (see test/interop). The views say what is
// true ("not pulled", with the sizes DVC recorded), the Pipeline Checks panel shows the findings the default checks
// make, and Metric History charts the DVC experiments as points of their own, one chart per metric.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { root } from '../harness/paths';
import { cloneFixture } from '../unit/checks/helpers';
import { git, restoreFixture } from '../unit/formats/dvc/oracle';
import {
  iconsLoaded,
  openMlopsContainer,
  runCommand,
  uiMode,
  useWorkbench,
  viewPane,
  webviewFrame,
  widenSidebar,
} from './workbench';

const fixtures = path.join(root, 'test', 'fixtures');
const notPulled = path.join(fixtures, 'dvc-not-pulled');

interface Out {
  path: string;
  md5: string;
  size: number;
}
const expected = JSON.parse(fs.readFileSync(path.join(notPulled, 'expected', 'clone.json'), 'utf8')) as {
  lockOuts: Out[];
  dotDvcOuts: Out[];
  experiments: { name: string }[];
};
const lockOut = (p: string): Out => {
  const out = expected.lockOuts.find((o) => o.path === p);
  if (!out) throw new Error(`${p} is not an out of the fixture's dvc.lock`);
  return out;
};

/** The not-pulled project as `git clone` leaves it: commits, tags and experiment refs, no DVC cache. */
function freshClone(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-ui-fresh-clone-'));
  git(dir, ['init', '-q', '-b', 'main']);
  git(dir, ['fetch', '-q', '--update-head-ok', path.join(notPulled, 'project.bundle'), 'refs/*:refs/*']);
  git(dir, ['checkout', '-q', '-f', 'main']);
  return dir;
}

/** The DVC project with DVCLive curves and three experiments on its last commit. */
function experimentsProject(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-ui-dvc-exps-'));
  return restoreFixture(path.join(fixtures, 'dvc'), dir);
}

function row(page: Page, view: string, text: string | RegExp): Locator {
  return viewPane(page, view).locator('.monaco-list-row').filter({ hasText: text }).first();
}

/** The text of a tree row: its label and description. */
async function rowText(page: Page, view: string, text: string | RegExp): Promise<string> {
  const r = row(page, view, text);
  await r.waitFor({ timeout: 60_000 });
  return ((await r.textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

async function headerTitles(page: Page): Promise<string[]> {
  return (await page.locator('.pane-header h3.title').allInnerTexts()).map((t) => t.trim().toUpperCase());
}

/** Opens the Pipeline Checks panel and waits for a summary matching `summary`. */
async function showChecks(page: Page, summary: RegExp): Promise<FrameLocator> {
  await runCommand(page, 'MLOps: Show Pipeline Checks');
  const frame = webviewFrame(page);
  await frame.locator('.ck-summary').filter({ hasText: summary }).waitFor({ timeout: 90_000 });
  return frame;
}

async function findingTexts(frame: FrameLocator): Promise<string[]> {
  return (await frame.locator('.ck-result .ck-message').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
}

describe(`First day: a DVC repository on a fresh clone, no mlops.yaml (${uiMode()})`, function () {
  this.timeout(300_000);
  const session = useWorkbench(freshClone, {}, 'dvc-fresh-clone');

  it('lists the model, the data and the metrics as not pulled, with what DVC recorded', async () => {
    const page = session.wb.page;
    await openMlopsContainer(page);
    await widenSidebar(page, 760);
    const model = lockOut('models/model.pkl');
    const raw = expected.dotDvcOuts[0];
    assert.ok(raw, 'the fixture has data/raw.csv.dvc');
    assert.match(await rowText(page, 'Models', 'model'), new RegExp(`not pulled \\(${model.size} B\\)`));
    assert.match(await rowText(page, 'Datasets', 'raw.csv'), new RegExp(`not pulled \\(${raw.size} B\\)`));
    // Git history: the two commits and the three experiments dvc exp show lists.
    assert.equal(expected.experiments.length, 3);
    assert.match(await rowText(page, 'Experiments', /^Git history/), /2 revisions · 3 experiments$/);
    // The workspace has no metric values, and says why rather than showing an empty source.
    const metrics = lockOut('metrics/eval.json');
    const why = `metrics/eval.json: declared in dvc.yaml, DVC-tracked (md5 ${metrics.md5.slice(0, 8)}, ${metrics.size} B), not in git: run "dvc pull metrics/eval.json".`;
    assert.match(await rowText(page, 'Experiments', /^Workspace/), /0 runs$/);
    assert.equal(await rowText(page, 'Experiments', 'metrics/eval.json: declared in dvc.yaml'), why);
    const headers = await headerTitles(page);
    assert.ok(!headers.includes('GETTING STARTED'), `content was found: ${headers.join(', ')}`);
    await page.mouse.move(5, 5);
    await session.wb.screenshot('first-day-dvc-fresh-clone-views');

    // The releases have no values either, and say so.
    for (const tag of ['model@v1.0.0', 'model@v1.1.0'])
      assert.match(await rowText(page, 'Experiments', tag), /no metric values$/, tag);
  });

  it('runs the default checks on what it found; the panel shows only real findings', async () => {
    const page = session.wb.page;
    const frame = await showChecks(page, /0 errors, 1 warning, 0 info · 2 passed, 5 skipped/);
    assert.match(
      (await frame.locator('.ck-notice').innerText()).replace(/\s+/g, ' '),
      /No mlops\.yaml: the default checks ran on what was found \(1 model, 1 dataset, 0 notebooks\)/,
    );
    // The outputs DVC keeps in its cache are not "missing": the one finding is the model card.
    assert.deepEqual(await findingTexts(frame), [
      "models has none of model_card.md, MODEL_CARD.md, README.md (model 'model').",
    ]);
    await page.mouse.move(5, 5);
    await iconsLoaded(frame);
    await session.wb.screenshot('first-day-dvc-fresh-clone-checks');
  });
});

describe(`First day: a DVC project with experiments, no mlops.yaml (${uiMode()})`, function () {
  this.timeout(300_000);
  const session = useWorkbench(experimentsProject, {}, 'dvc-experiments');

  it('charts the commits and the DVC experiments as named points, one chart per metric', async () => {
    const page = session.wb.page;
    await page.setViewportSize({ width: 1400, height: 1000 });
    await runCommand(page, 'MLOps: Show Metric History…');
    const title = page.locator('.quick-input-widget .quick-input-title');
    await title.filter({ hasText: 'Show Metric History (1/2): sources' }).waitFor({ timeout: 60_000 });
    await page.keyboard.press('Enter');
    // The metrics most runs have are ticked; counters (step, epochs) are not.
    await title.filter({ hasText: 'Show Metric History (2/2): metrics' }).waitFor({ timeout: 60_000 });
    const ticked = await page
      .locator('.quick-input-list .monaco-list-row[aria-checked="true"] .label-name')
      .allTextContents();
    assert.ok(ticked.length >= 2, `ticked: ${ticked.join(', ')}`);
    assert.ok(!ticked.some((k) => /(^|[./])(step|epochs?)$/.test(k)), `no counter ticked: ${ticked.join(', ')}`);
    await page.keyboard.press('Enter');

    const frame = webviewFrame(page);
    const status = frame.locator('.mh-status');
    await status.filter({ hasText: /· 3 experiments \(▲\) ·/ }).waitFor({ timeout: 60_000 });
    const panels = await frame.locator('.mh-panel-title').allTextContents();
    const charts = await frame.locator('.mh-panel canvas').count();
    assert.equal(charts, panels.length, 'one canvas per panel');
    assert.equal(new Set(panels).size, panels.length, `one chart per metric: ${panels.join(', ')}`);
    assert.ok(panels.length >= 2, `several metrics, each on its own chart: ${panels.join(', ')}`);
    assert.ok(!panels.some((p) => /^(step|epochs?)$/.test(p)), `no counter charted: ${panels.join(', ')}`);
    assert.match((await frame.locator('.mh-legend-note').textContent()) ?? '', /DVC experiments \(3\)/);
    const drawn = await frame
      .locator('.mh-panel canvas')
      .evaluateAll((cs) => cs.map((c) => Number((c as HTMLCanvasElement).dataset.experiments ?? 0)));
    assert.ok(
      drawn.some((n) => n === 3),
      `the three experiments linked to their baseline: ${drawn.join(', ')}`,
    );
    console.log(`      charts: ${panels.join(', ')}; status: ${await status.textContent()}`);
    await page.mouse.move(5, 5);
    await session.wb.screenshot('first-day-dvc-experiments-metric-history');
  });

  it('across steps, offers the step and the counters the runs log as the x axis', async () => {
    const page = session.wb.page;
    const frame = webviewFrame(page);
    await frame.locator('vscode-tab-header').filter({ hasText: 'Across steps' }).click();
    await frame
      .locator('.mh-status')
      .filter({ hasText: /^\d+ runs · / })
      .waitFor({ timeout: 60_000 });
    const picker = frame.locator('#mh-step-axis');
    const options = await picker.evaluate((e) =>
      Array.from(e.querySelectorAll('vscode-option'), (o) => o.textContent ?? ''),
    );
    assert.equal(options[0], 'Step', options.join(' | '));
    assert.ok(
      options.slice(1).every((o) => /^(step|epochs?|iterations?)\b/.test(o.split('/').pop() ?? o)),
      `only counters besides the step: ${options.join(' | ')}`,
    );
    // Without a counter in the curves, the picker shows the step and says why there is nothing else to choose.
    assert.equal(
      await picker.evaluate((e) => (e as HTMLElement & { disabled: boolean }).disabled),
      options.length === 1,
    );
    if (options.length === 1)
      assert.equal(await picker.getAttribute('title'), 'The runs log no counter (epoch, iteration, …) to plot against');
    const xTitle = await frame.locator('.mh-panel canvas').first().getAttribute('aria-label');
    console.log(`      x-axis choices: ${options.join(' | ')}; chart: ${xTitle}`);
    await page.mouse.move(5, 5);
    await session.wb.screenshot('first-day-dvc-experiments-steps');
  });
});

describe(`First day: an MLflow project with a registered model, no mlops.yaml (${uiMode()})`, function () {
  this.timeout(300_000);
  const session = useWorkbench(() => cloneFixture('mlflow'), {}, 'mlflow');

  it('lists the registered model and the run of its mlflow.db', async () => {
    const page = session.wb.page;
    await openMlopsContainer(page);
    await widenSidebar(page, 600);
    // Version 1, dated when MLflow registered it (not when the database file was copied into the clone).
    const registered = await rowText(page, 'Models', 'churn-classifier');
    assert.match(registered, /^churn-classifier ?v1 · /);
    assert.doesNotMatch(registered, /just now$/);
    assert.match(await rowText(page, 'Experiments', /MLflow/), /1 run$/);
    assert.match(await rowText(page, 'Experiments', /^baseline/), /churn/);
    const headers = await headerTitles(page);
    assert.ok(!headers.includes('GETTING STARTED'), `content was found: ${headers.join(', ')}`);
    await page.mouse.move(5, 5);
    await session.wb.screenshot('first-day-mlflow-views');
  });

  it('runs the default checks and shows the unpinned requirement and the missing model card', async () => {
    const page = session.wb.page;
    // The fixture's only commit is months old: the retraining alert (info) is a real finding too.
    const frame = await showChecks(page, /0 errors, 2 warnings, 1 info · 2 passed, 1 skipped/);
    assert.match(
      (await frame.locator('.ck-notice').innerText()).replace(/\s+/g, ' '),
      /No mlops\.yaml: the default checks ran on what was found \(1 model, 0 datasets, 0 notebooks\)/,
    );
    const texts = (await findingTexts(frame)).sort();
    assert.equal(texts.length, 3, texts.join(' | '));
    assert.match(
      texts[0],
      /^Model 'model' was last updated on \d{4}-\d{2}-\d{2}, \d+ days ago \(limit 90\): time to retrain\.$/,
    );
    assert.deepEqual(texts.slice(1), [
      "models has none of model_card.md, MODEL_CARD.md, README.md (model 'model').",
      "requirements.txt:2: 'scikit-learn' is not pinned to an exact version.",
    ]);
    await page.mouse.move(5, 5);
    await iconsLoaded(frame);
    await session.wb.screenshot('first-day-mlflow-checks');
  });
});
