// Metrics files by their conventional name are found without dvc.yaml or mlops.yaml, by `mlops metrics show` and the
// Experiments view alike (both read the same list).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { type CliIo } from '../../../src/cli/registry';
import { conventionalMetricsFiles } from '../../../src/core/metrics/conventional';

const repoRoot = path.resolve(__dirname, '..', '..', '..', '..');

describe('conventional metrics files (no dvc.yaml, no mlops.yaml)', () => {
  let tmp: string;
  let main: (argv: string[], io: CliIo) => Promise<number>;

  before(() => {
    const outPackage = path.resolve(__dirname, '..', '..', '..', 'package.json');
    if (!fs.existsSync(outPackage)) fs.copyFileSync(path.join(repoRoot, 'package.json'), outPackage);
    ({ main } = createRequire(__filename)('../../../src/cli/main') as { main: typeof main });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-conventional-'));
    const files: Record<string, string> = {
      'metrics.json': '{"acc": 0.91}',
      'eval/metrics.yaml': 'f1: 0.5\n',
      'results/metrics.yml': 'loss: 0.25\n',
      'metrics/metrics.json': '{"auc": 0.7}',
      'other/metrics.json': '{"ignored": 1}',
      'results/scores.json': '{"ignored": 2}',
    };
    for (const [f, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(tmp, f)), { recursive: true });
      fs.writeFileSync(path.join(tmp, f), text);
    }
    fs.mkdirSync(path.join(tmp, 'eval', 'metrics.json'));
  });
  after(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('lists metrics.json|yaml|yml at the root and in metrics/, eval/, results/ (files only)', () => {
    assert.deepEqual(conventionalMetricsFiles(tmp), [
      'metrics.json',
      'metrics/metrics.json',
      'eval/metrics.yaml',
      'results/metrics.yml',
    ]);
    assert.deepEqual(conventionalMetricsFiles(path.join(tmp, 'other')), ['metrics.json']);
  });

  it('mlops metrics show reads them', async () => {
    let stdout = '';
    let stderr = '';
    const code = await main(['metrics', 'show', '--json'], {
      cwd: tmp,
      isTty: false,
      stdout: (t) => (stdout += t),
      stderr: (t) => (stderr += t),
    });
    assert.equal(code, 0, stderr);
    const { files } = JSON.parse(stdout) as { files: Record<string, Record<string, number>> };
    assert.deepEqual(files, {
      'metrics.json': { acc: 0.91 },
      'metrics/metrics.json': { auc: 0.7 },
      'eval/metrics.yaml': { f1: 0.5 },
      'results/metrics.yml': { loss: 0.25 },
    });
  });
});
