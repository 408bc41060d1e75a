import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { demoWorkspace, openWorkbench, runCommand, uiMode, type Workbench } from './workbench';

describe(`Notebook versioning in the workbench (${uiMode()})`, function () {
  this.timeout(240_000);
  let wb: Workbench;
  let folder: string;

  before(async () => {
    folder = demoWorkspace();
    wb = await openWorkbench(folder);
  });

  after(async () => {
    await wb?.close();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('shows the tags and commits of a notebook with semantic summaries, then opens the notebook diff editor', async () => {
    const page = wb.page;
    // The extension's contributions are in once its activity-bar entry is.
    await page.getByRole('tab', { name: /^MLOps/ }).waitFor({ timeout: 90_000 });
    await runCommand(page, 'MLOps: Diff Notebook with Revision…');
    // No notebook is active: the command asks which one.
    const rows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
    await rows
      .filter({ hasText: '02-evaluate-model' })
      .first()
      .waitFor({ timeout: 60_000 })
      .catch(async (err: unknown) => {
        await wb.screenshot('debug-notebook-pick');
        throw err;
      });
    await page.locator('.quick-input-widget input').fill('02-evaluate');
    await page.keyboard.press('Enter');

    // The revision pick: tags first, then commits; summaries fill in as they are computed.
    await rows.filter({ hasText: 'fraud-classifier@v2.0.0' }).first().waitFor({ timeout: 60_000 });
    // The title counts "comparing n/m" until every summary is in.
    await page.waitForFunction(
      () => {
        const title = document.querySelector('.quick-input-widget .quick-input-title')?.textContent ?? '';
        const list = document.querySelector('.quick-input-widget .quick-input-list')?.textContent ?? '';
        return title.startsWith('Diff ') && !title.includes('comparing') && !list.includes('comparing…');
      },
      undefined,
      { timeout: 60_000 },
    );
    const text = await page.locator('.quick-input-widget .quick-input-list').innerText();
    assert.match(text, /fraud-classifier@v2\.0\.0/);
    assert.match(text, /vs working copy: [^\n]*outputs only in \d+/);
    assert.match(text, /Refresh evaluation notebook|Release fraud-classifier v2\.0\.0/);
    const title = await page.locator('.quick-input-widget .quick-input-title').innerText();
    assert.equal(title.trim(), 'Diff 02-evaluate-model.ipynb with a revision');
    await wb.screenshot('notebook-revision-pick');

    // The next entry (the tag before the newest) opens VS Code's notebook diff editor.
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    const tab = page
      .locator('.tabs-container .tab')
      .filter({ hasText: /02-evaluate-model\.ipynb \([0-9a-f]{7}\) ↔ Working Tree/ });
    await tab.first().waitFor({ timeout: 60_000 });
    await page.locator('.notebook-text-diff-editor').first().waitFor({ timeout: 60_000 });
    await page.waitForTimeout(5000);
    // By default (the extension's configuration defaults) re-run noise is hidden: outputs and execution counts in
    // metadata; the one real change, the markdown cell with the new figure, stays.
    const visible = (text: string) =>
      page.locator('.notebook-text-diff-editor').getByText(text).filter({ visible: true }).count();
    assert.equal(await visible('Outputs changed'), 0, 'outputs are hidden by default');
    assert.equal(await visible('Metadata changed'), 0, 'metadata is hidden by default');
    assert.equal(await visible('Input changed'), 1, 'the one real change: the markdown cell with the new figure');
    await wb.screenshot('notebook-diff-editor');

    // The toggle shows outputs and metadata for this workspace.
    await runCommand(page, 'MLOps: Toggle Notebook Diff Outputs');
    await page
      .locator('.notebook-text-diff-editor')
      .getByText('Outputs changed')
      .first()
      .waitFor({ state: 'visible', timeout: 30_000 });
    await page.waitForTimeout(1500);
    assert.ok((await visible('Outputs changed')) > 0);
    const settings = JSON.parse(fs.readFileSync(path.join(folder, '.vscode', 'settings.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    assert.equal(settings['notebook.diff.ignoreOutputs'], false);
    assert.equal(settings['notebook.diff.ignoreMetadata'], false);
    await wb.screenshot('notebook-diff-editor-with-outputs');
  });

  it('puts Diff with Revision and History on the notebook toolbar', async () => {
    const page = wb.page;
    await page.keyboard.press('Control+P');
    await page.locator('.quick-input-widget input').fill('01-explore-transactions.ipynb');
    await page
      .locator('.quick-input-widget .quick-input-list .monaco-list-row')
      .filter({ hasText: '01-explore-transactions.ipynb' })
      .first()
      .waitFor({ timeout: 30_000 });
    await page.keyboard.press('Enter');
    const toolbar = page.locator('.notebook-toolbar-container').filter({ visible: true }).first();
    await toolbar.getByText('Diff with Revision').waitFor({ timeout: 90_000 });
    assert.ok(await toolbar.getByText('History').isVisible());
    await page
      .locator('.notebookOverlay .cell-editor-container .view-lines')
      .filter({ hasText: 'describe()' })
      .first()
      .waitFor({ timeout: 60_000 });
    await page.waitForTimeout(1000);
    await wb.screenshot('notebook-toolbar');
    await toolbar.getByText('History').click();
    const rows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
    await rows.first().waitFor({ timeout: 30_000 });
    // The title says "comparing n/m" only once the first summary lands, so wait on the rows themselves: every
    // shown commit's "comparing…" placeholder replaced by its summary against the previous commit.
    await page.waitForFunction(
      () => {
        const list = document.querySelector('.quick-input-widget .quick-input-list')?.textContent ?? '';
        return list.includes('vs previous: ') && !list.includes('comparing…');
      },
      undefined,
      { timeout: 120_000 },
    );
    const text = await page.locator('.quick-input-widget .quick-input-list').innerText();
    assert.match(text, /vs previous: /);
    assert.match(text, /Refresh evaluation notebook|Release fraud-classifier/);
    assert.doesNotMatch(text, /fraud-classifier@v/, 'history lists commits only');
    await wb.screenshot('notebook-history-pick');
    await page.keyboard.press('Escape');
  });
});
