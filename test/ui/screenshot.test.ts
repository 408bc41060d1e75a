import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { root } from '../harness/paths';
import { demoWorkspace, openMlopsContainer, openWorkbench, uiMode, updateMedia, type Workbench } from './workbench';

/** The README's picture: the populated workbench on the demo, written to media/screenshots/workbench.png. */
describe(`README screenshot of the populated workbench (${uiMode()})`, function () {
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

  it('shows Models, Datasets, Notebooks and Experiments filled, without Getting Started', async () => {
    const page = wb.page;
    await page.setViewportSize({ width: 1280, height: 800 });
    await openMlopsContainer(page);
    const pane = (name: string) =>
      page.locator('.pane').filter({ has: page.locator('.pane-header', { hasText: name }) });
    const row = (view: string, text: string) =>
      pane(view).locator('.monaco-list-row').filter({ hasText: text }).first();
    await row('Models', 'fraud-classifier').waitFor({ timeout: 90_000 });
    await row('Datasets', 'transactions').waitFor({ timeout: 60_000 });
    await row('Notebooks', '02-evaluate-model').waitFor({ timeout: 60_000 });
    await row('Experiments', 'Git history').waitFor({ timeout: 60_000 });
    // Discovery found content, so Getting Started is gone.
    await page.locator('.pane-header', { hasText: 'Getting Started' }).waitFor({ state: 'detached', timeout: 30_000 });
    // A wider sidebar, so descriptions (versions, stages, sizes, dates) are not cut.
    const sidebar = await page.locator('.part.sidebar').boundingBox();
    if (sidebar) {
      const x = sidebar.x + sidebar.width;
      await page.mouse.move(x + 1, sidebar.y + 300);
      await page.mouse.down();
      await page.mouse.move(x + 180, sidebar.y + 300, { steps: 10 });
      await page.mouse.up();
    }
    await row('Experiments', 'workspace').click();
    await page.keyboard.press('ArrowRight');
    await page.waitForTimeout(1500);
    await page.mouse.move(1000, 700);
    const shot = await wb.screenshot('workbench');
    const target = path.join(root, 'media', 'screenshots', 'workbench.png');
    fs.mkdirSync(path.dirname(target), { recursive: true });
    // Replaced only when asked (MLOPS_UPDATE_MEDIA=1, development run): a test run leaves the repository unchanged.
    if (updateMedia()) fs.copyFileSync(shot, target);
    const size = fs.statSync(shot).size;
    assert.ok(size > 20_000 && size < 400_000, `workbench.png is ${size} bytes`);
  });
});
