import assert from 'node:assert/strict';
import fs from 'node:fs';
import { demoWorkspace, openMlopsContainer, openWorkbench, treeRowHover, uiMode, type Workbench } from './workbench';

describe(`Restricted Mode (untrusted workspace) (${uiMode()})`, function () {
  this.timeout(180_000);
  let wb: Workbench;
  let folder: string;

  before(async () => {
    folder = demoWorkspace();
    wb = await openWorkbench(folder, { workspaceTrust: true });
    await openMlopsContainer(wb.page);
  });

  after(async () => {
    await wb?.close();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('lists discovered files but reads no git state, and says why', async () => {
    await wb.page
      .locator('.statusbar-item')
      .filter({ hasText: /Restricted Mode/ })
      .first()
      .waitFor({ timeout: 60_000 });
    await wb.page
      .locator('.pane-body .monaco-list-row')
      .filter({ hasText: 'transactions' })
      .first()
      .waitFor({ timeout: 60_000 });
    const text = await treeRowHover(wb.page, 'transactions', /Git:/);
    assert.match(text, /Git:\s*Trust this workspace to see git state/);
    assert.doesNotMatch(text, /Last commit:/);
    // Content hashes only read files, so they still appear.
    assert.match(text, /data\/transactions\.csv/);
    await wb.screenshot('untrusted-tooltip');
  });
});
