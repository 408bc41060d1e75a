import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openMlopsContainer, openWorkbench, uiMode, type Workbench } from './workbench';

describe(`MLOps container and welcome view (${uiMode()})`, function () {
  this.timeout(180_000);
  let wb: Workbench;
  let folder: string;

  before(async () => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-ui-empty-'));
    fs.writeFileSync(path.join(folder, 'train.py'), 'print("hello")\n');
    wb = await openWorkbench(folder);
  });

  after(async () => {
    await wb?.close();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('opens the MLOps container from the activity bar and shows the welcome text and buttons', async () => {
    await openMlopsContainer(wb.page);
    const welcome = wb.page
      .locator('.welcome-view-content')
      .filter({ hasText: 'brings DevOps practice to machine-learning work' });
    await welcome.waitFor({ timeout: 60_000 });
    const create = welcome.getByRole('button', { name: 'Create mlops.yaml' });
    const openLog = welcome.getByRole('button', { name: 'Open Log' });
    assert.ok(await create.isVisible(), 'Create mlops.yaml button visible');
    assert.ok(await openLog.isVisible(), 'Open Log button visible');
    const shot = await wb.screenshot('welcome');
    assert.ok(fs.statSync(shot).size > 10_000, 'a real screenshot was written');
  });

  it('creates mlops.yaml from the welcome button, opens it, and hides the welcome view', async () => {
    await wb.page
      .locator('.welcome-view-content')
      .filter({ hasText: 'brings DevOps practice' })
      .getByRole('button', { name: 'Create mlops.yaml' })
      .click();
    await wb.page.locator('.tabs-container .tab').filter({ hasText: 'mlops.yaml' }).waitFor({ timeout: 30_000 });
    const text = fs.readFileSync(path.join(folder, 'mlops.yaml'), 'utf8');
    assert.match(text, /^# MLOps Workbench team configuration/);
    assert.match(text, /^version: 1$/m);
    await wb.page
      .locator('.welcome-view-content')
      .filter({ hasText: 'brings DevOps practice' })
      .waitFor({ state: 'detached', timeout: 30_000 });
    await wb.screenshot('after-create-config');
  });
});
