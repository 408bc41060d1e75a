import assert from 'node:assert/strict';
import fs from 'node:fs';
import { demoWorkspace, openMlopsContainer, openWorkbench, treeRowHover, uiMode, type Workbench } from './workbench';

describe(`Explorer views on the demo (${uiMode()})`, function () {
  this.timeout(180_000);
  let wb: Workbench;
  let folder: string;

  before(async () => {
    folder = demoWorkspace();
    wb = await openWorkbench(folder);
    await openMlopsContainer(wb.page);
  });

  after(async () => {
    await wb?.close();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('shows Models, Datasets and Notebooks populated, without the Getting Started view', async () => {
    const row = (name: string) => wb.page.locator('.pane-body .monaco-list-row').filter({ hasText: name }).first();
    for (const name of [
      'fraud-classifier-onnx',
      'transactions',
      'holdout',
      '01-explore-transactions',
      '02-evaluate-model',
    ]) {
      await row(name).waitFor({ timeout: 60_000 });
    }
    const headers = await wb.page.locator('.pane-header h3.title').allInnerTexts();
    assert.deepEqual(
      headers
        .map((h) => h.trim().toUpperCase())
        .filter((h) => ['MODELS', 'DATASETS', 'NOTEBOOKS', 'GETTING STARTED'].includes(h)),
      ['MODELS', 'DATASETS', 'NOTEBOOKS'],
    );
    // The description carries the size (or version), stage and the relative time of the last commit.
    await wb.page
      .locator('.monaco-list-row')
      .filter({ hasText: 'transactions' })
      .locator('.label-description')
      .filter({ hasText: /MB · .*ago/ })
      .first()
      .waitFor({ timeout: 30_000 });
    await wb.screenshot('explorer-sidebar');
  });

  it('shows a rich tooltip with path, hash, git state and last commit', async () => {
    // Wait until the background hash is in (the tooltip says "computing…" before).
    const text = await treeRowHover(wb.page, 'transactions', /sha256:\s*[0-9a-f]{64}/);
    assert.match(text, /data\/transactions\.csv/);
    assert.match(text, /sha256:\s*[0-9a-f]{64}/);
    assert.match(text, /Git:\s*tracked/);
    assert.match(text, /Last commit:\s*Add transactions snapshot v3/);
    await wb.screenshot('explorer-tooltip');
  });
});
