// Issue 11, case 6: a metrics file with 200,000 columns (a million in the report) is shown and diffed without "Maximum call stack size
// exceeded" (no spread of an unbounded array into call arguments).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { type CliIo } from '../../../src/cli/registry';
import { diffToText, type MetricsDiff } from '../../../src/core/metrics/diff';
import { repoRoot } from '../git/historyRepos';

const COLUMNS = 200_000;

describe('a metrics file with 200,000 columns', function () {
  this.timeout(120_000);
  let tmp = '';

  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-wide-'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('mlops metrics show --source wide.csv lists every column', async () => {
    const names: string[] = [];
    const values: string[] = [];
    for (let i = 0; i < COLUMNS; i++) {
      names.push(`m${i}`);
      values.push(String(i % 10));
    }
    fs.writeFileSync(path.join(tmp, 'wide.csv'), `${names.join(',')}\n${values.join(',')}\n`);
    const outPackage = path.resolve(__dirname, '..', '..', '..', 'package.json');
    if (!fs.existsSync(outPackage)) fs.copyFileSync(path.join(repoRoot, 'package.json'), outPackage);
    const { main } = createRequire(__filename)('../../../src/cli/main') as {
      main: (argv: string[], io: CliIo) => Promise<number>;
    };
    let stdout = '';
    let stderr = '';
    const code = await main(['metrics', 'show', '--source', 'wide.csv'], {
      cwd: tmp,
      isTty: false,
      stdout: (t) => (stdout += t),
      stderr: (t) => (stderr += t),
    });
    assert.equal(code, 0, stderr);
    const lines = stdout.trimEnd().split('\n');
    assert.equal(lines.length, COLUMNS + 1);
    assert.match(lines[0], /^Path\s+Metric\s+Value$/);
    assert.match(lines[COLUMNS], /^wide\.csv\s+m199999\s+9$/);
  });

  it('diffToText aligns 200,000 rows', () => {
    const entries: MetricsDiff['entries'] = [];
    for (let i = 0; i < COLUMNS; i++)
      entries.push({ key: `m${i}`, baseKey: `m${i}`, status: 'changed', old: 0, new: i, change: i });
    const text = diffToText({ a: { label: 'HEAD' }, b: { label: 'workspace' }, entries }, { all: true });
    const lines = text.trimEnd().split('\n');
    assert.equal(lines.length, COLUMNS + 1);
    assert.match(lines[COLUMNS], /^\s+m199999\s+0\s+199999\s+▲ \+199999$/);
  });
});
