// Pipeline checks on the demo, as a user sees them: the status bar entry, the Pipeline Checks panel (groups,
// filters, documentation, jump to a finding), and the quick-fix menu on a finding in mlops.yaml; dark and light.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  demoWorkspace,
  iconsLoaded,
  openMlopsContainer,
  openWorkbench,
  runCommand,
  uiMode,
  webviewFrame,
  type Workbench,
} from './workbench';

const THEMES = [
  { name: 'dark', theme: 'Default Dark Modern' },
  { name: 'light', theme: 'Default Light Modern' },
];

for (const { name, theme } of THEMES) {
  describe(`Pipeline checks in the workbench, ${name} theme (${uiMode()})`, function () {
    this.timeout(300_000);
    let wb: Workbench;
    let folder: string;

    before(async () => {
      folder = demoWorkspace();
      wb = await openWorkbench(folder, { theme });
    });

    after(async () => {
      await wb?.close();
      fs.rmSync(folder, { recursive: true, force: true });
    });

    it('counts the findings in the status bar once the workspace is loaded; a click opens the panel', async () => {
      const page = wb.page;
      // The first run starts when the explorer loads the workspace.
      await openMlopsContainer(page);
      const entry = page.locator('[aria-label^="Pipeline checks: 1 error, 9 warnings, 0 info; 50 passed"]').first();
      await entry.waitFor({ timeout: 90_000 }).catch(async (err: unknown) => {
        await wb.screenshot(`checks-status-missing-${name}`);
        throw err;
      });
      assert.equal(
        (await entry.innerText()).replace(/\s+/g, ' ').trim(),
        '1 9',
        'error and warning counts next to their icons',
      );
      await entry.click();
      const frame = webviewFrame(page);
      await frame
        .locator('.ck-summary')
        .filter({ hasText: /1 error, 9 warnings, 0 info · 50 passed, 3 skipped · 14 checks at/ })
        .waitFor({ timeout: 60_000 });
    });

    it('groups the findings by check with their documentation, filters by severity and text, and by model', async () => {
      const page = wb.page;
      const frame = webviewFrame(page);
      const headings = async () =>
        frame.locator('vscode-collapsible').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('heading') ?? ''));
      // Passed results are hidden at first: six checks have findings.
      assert.deepEqual(await headings(), [
        'Paths follow the naming convention',
        'Notebooks are clean and free of secrets',
        'Models declare existing datasets and metrics',
        'Datasets have not drifted (retraining trigger)',
        'Deployed model versions meet their service-level objectives',
        'Logged model inputs have not drifted from the training data (retraining trigger)',
      ]);
      assert.equal(await frame.locator('.ck-result').count(), 10);
      assert.equal(await frame.locator('#ck-show-warning').getAttribute('label'), 'Warnings (9)');
      assert.equal(await frame.locator('#ck-show-passed').getAttribute('label'), 'Passed (53)');
      // Findings with a quick fix have a Fix button (the same fixes as the light bulb in the editor).
      assert.deepEqual(await frame.locator('.ck-result-actions vscode-button').allInnerTexts(), ['Rename…', 'Rename…']);
      // The documentation of a check type: a summary, a link, and more on demand.
      assert.equal(
        await frame.locator('vscode-collapsible').first().getAttribute('description'),
        'model-naming · 2 findings',
      );
      const doc = frame.locator('.ck-doc').first();
      assert.match(
        (await doc.innerText()).replace(/\s+/g, ' '),
        /^naming-convention Checks that model, dataset or notebook paths .* Documentation of naming-convention More about this check$/,
      );

      // Passed on: every check is listed, those without findings folded.
      await frame.locator('#ck-show-passed').click();
      await frame.locator('vscode-collapsible').nth(13).waitFor();
      assert.equal((await headings()).length, 14);
      await page.mouse.move(2, 2);
      await iconsLoaded(frame);
      await wb.screenshot(`checks-panel-${name}`);

      // Text filter (from the keyboard): only the ONNX model's findings and passes.
      await frame.locator('#ck-show-passed').click();
      await frame.locator('#ck-text').click();
      await page.keyboard.type('onnx');
      await frame
        .locator('.ck-status')
        .filter({ hasText: '2 results shown in 2 groups.' })
        .waitFor({ timeout: 10_000 });
      // By model.
      await frame.locator('vscode-radio[value="model"]').click();
      await frame.locator('vscode-collapsible[heading="Model fraud-classifier-onnx"]').waitFor({ timeout: 10_000 });
      assert.deepEqual(await headings(), ['Model fraud-classifier-onnx']);
      await iconsLoaded(frame);
      await wb.screenshot(`checks-panel-by-model-${name}`);
      // Clear the filter and go back to groups by check.
      await frame.locator('#ck-text').click();
      await page.keyboard.press('Control+A');
      await page.keyboard.press('Backspace');
      await frame.locator('vscode-radio[value="check"]').click();
      await frame
        .locator('.ck-status')
        .filter({ hasText: '10 results shown in 6 groups.' })
        .waitFor({ timeout: 10_000 });
    });

    it('opens a finding at its line and column, and offers the rename quick fix there', async () => {
      const page = wb.page;
      const frame = webviewFrame(page);
      await frame
        .locator('button.ck-open')
        .filter({ hasText: 'models/fraud-classifier/model.pkl should be named' })
        .click();
      const cursor = page
        .locator('.statusbar-item')
        .filter({ hasText: /Ln \d+, Col \d+/ })
        .first();
      await cursor.filter({ hasText: 'Ln 6, Col 5' }).waitFor({ timeout: 30_000 });
      await page.locator('.tab.active').filter({ hasText: 'mlops.yaml' }).waitFor();
      if (name !== 'dark') return;
      // The light bulb menu on the finding (Ctrl+.).
      await page
        .locator('.monaco-editor .view-lines')
        .first()
        .click({ position: { x: 5, y: 5 } });
      await page.keyboard.press('Control+G');
      await page.keyboard.type('6:12');
      await page.keyboard.press('Enter');
      await cursor.filter({ hasText: 'Ln 6, Col 12' }).waitFor({ timeout: 10_000 });
      await page.keyboard.press('Control+.');
      const menu = page.locator('.action-widget');
      await menu
        .filter({ hasText: 'Rename to models/fraud-classifier/fraud-classifier-v2.0.0.pkl' })
        .waitFor({ timeout: 30_000 });
      assert.match(await menu.innerText(), /Rename to the naming convention…/);
      await wb.screenshot('checks-quick-fix-menu');
      await page.keyboard.press('Escape');
    });

    it('says what is wrong with mlops.yaml, where, and opens it there', async () => {
      if (name !== 'dark') return;
      const page = wb.page;
      const config = path.join(folder, 'mlops.yaml');
      const original = fs.readFileSync(config, 'utf8');
      // The bad value is on the second line after the end of the file: `checks:`, then the entry.
      const line = original.split('\n').length + 1;
      try {
        fs.writeFileSync(config, `${original}checks:\n  - { id: lineage, type: lineag }\n`);
        await page.locator('.tab').filter({ hasText: 'Pipeline Checks' }).click();
        const frame = webviewFrame(page);
        const problem = frame.locator('.ck-problem');
        await problem.waitFor({ timeout: 60_000 });
        assert.match(
          await problem.innerText(),
          /mlops\.yaml cannot be used, so the checks did not run[\s\S]*checks\[0\]\.type must be one of metric-threshold/,
        );
        const open = problem.locator('vscode-button').filter({ hasText: `Open mlops.yaml:${line}:26` });
        await open.waitFor();
        await iconsLoaded(frame);
        await wb.screenshot('checks-panel-config-error');
        await open.click();
        await page
          .locator('.statusbar-item')
          .filter({ hasText: `Ln ${line}, Col 26` })
          .first()
          .waitFor({ timeout: 30_000 });
      } finally {
        fs.writeFileSync(config, original);
      }
      await page.locator('.tab').filter({ hasText: 'Pipeline Checks' }).click();
      await webviewFrame(page)
        .locator('.ck-summary')
        .filter({ hasText: /1 error, 9 warnings/ })
        .waitFor({ timeout: 60_000 });
      assert.equal(await webviewFrame(page).locator('.ck-problem').count(), 0);
    });
  });
}

describe(`Pipeline checks in Restricted Mode (untrusted workspace) (${uiMode()})`, function () {
  this.timeout(300_000);
  let wb: Workbench;
  let folder: string;

  before(async () => {
    folder = demoWorkspace();
    wb = await openWorkbench(folder, { workspaceTrust: true });
  });

  after(async () => {
    await wb?.close();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('runs the checks that need no git, and says why the others were skipped', async () => {
    const page = wb.page;
    await page
      .locator('.statusbar-item')
      .filter({ hasText: /Restricted Mode/ })
      .first()
      .waitFor({ timeout: 60_000 });
    // The extension's contributions are in once its activity-bar entry is.
    await page.getByRole('tab', { name: /^MLOps/ }).waitFor({ timeout: 60_000 });
    await runCommand(page, 'MLOps: Show Pipeline Checks');
    const frame = webviewFrame(page);
    await frame
      .locator('.ck-summary')
      .filter({ hasText: /1 error, 6 warnings, 0 info · \d+ passed, \d+ skipped/ })
      .waitFor({ timeout: 90_000 });
    const notice = frame.locator('.ck-notice');
    assert.match(
      await notice.innerText(),
      /not trusted, so MLOps Workbench runs no git process: the checks that read git history were skipped/,
    );
    await notice.locator('vscode-button').filter({ hasText: 'Manage Workspace Trust' }).waitFor();
    await frame.locator('#ck-show-passed').click();
    const skipped = await frame.locator('.ck-result.ck-skipped .ck-message').allInnerTexts();
    assert.deepEqual(
      skipped.map((t) => /^Skipped: '([\w-]+)' reads git history/.exec(t)?.[1]).filter((id) => id !== undefined),
      ['metric-regression', 'large-files', 'staleness', 'data-drift'],
    );
    // The same findings as in a trusted workspace: they only read files.
    await frame.locator('#ck-show-passed').click();
    // They include the SLO breach and the prediction-drift episode: telemetry is read from files, not git.
    assert.equal(await frame.locator('.ck-result').count(), 7);
    assert.equal(await frame.locator('.ck-result-actions').count(), 0, 'no fixes: they write files');
    await iconsLoaded(frame);
    await wb.screenshot('checks-panel-untrusted');
  });
});
