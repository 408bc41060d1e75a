// A training run logged with the real DVCLive (as Ultralytics' DVCLive callback does): metrics, params, a model
// artifact DVCLive caches (`dvclive/artifacts/best.pt` with its `.dvc` and an `artifacts:` entry in dvc.yaml), and
// the plot images the user adds to DVC (`dvc add dvclive/plots/images`). The model is listed; the plot images are
// DVCLive's output, not a dataset (a repository of this shape had its images counted as a dataset by every check).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { discoverWorkspace } from '../../src/core/workspace/discovery';
import { dvcTool, interopPython, runTool } from '../helpers/pythonTools';

const LOG = `
import os
from dvclive import Live
with Live(dir="dvclive", dvcyaml="dvc.yaml", save_dvc_exp=False) as live:
    live.log_param("epochs", 2)
    for step in range(2):
        live.log_metric("train/loss", 1.0 / (step + 1))
        live.next_step()
    os.makedirs("dvclive/plots/images", exist_ok=True)
    with open("dvclive/plots/images/val_batch0.png", "wb") as f:
        f.write(b"\\x89PNG\\r\\n\\x1a\\n" + bytes(32))
    with open("best.pt", "wb") as f:
        f.write(b"weights")
    live.log_artifact("best.pt", type="model", name="best", copy=True)
`;

describe('DVCLive outputs in the workspace (the real dvclive and dvc)', function () {
  this.timeout(180_000);
  let dir: string;

  before(() => {
    const python = interopPython();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-interop-dvclive-'));
    runTool(dir, 'git', ['init', '-q', '-b', 'main']);
    dvcTool(dir, ['init', '-q']);
    runTool(dir, 'git', ['commit', '-q', '-m', 'Init DVC']);
    runTool(dir, python, ['-c', LOG]);
    dvcTool(dir, ['add', '-q', 'dvclive/plots/images']);
    fs.rmSync(path.join(dir, 'best.pt'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('DVCLive and dvc wrote the model artifact and the plot images with their .dvc files', () => {
    for (const file of ['dvclive/artifacts/best.pt.dvc', 'dvclive/plots/images.dvc', 'dvclive/metrics.json'])
      assert.ok(fs.existsSync(path.join(dir, file)), file);
    assert.match(
      fs.readFileSync(path.join(dir, 'dvc.yaml'), 'utf8'),
      /artifacts:\n {2}best:\n {4}path: dvclive\/artifacts\/best\.pt/,
    );
  });

  it('lists the model artifact, and no dataset for the plots DVCLive wrote', async () => {
    const { items } = await discoverWorkspace({ root: dir });
    assert.deepEqual(
      items.map((i) => `${i.kind}:${i.relativePath}:${i.name}`),
      ['model:dvclive/artifacts/best.pt:best'],
    );
  });
});
