// The VSIX takes only what .vscodeignore lets back in: every bundle and file the build writes to dist/ (but source
// maps) must be let back in, or the installed extension misses it (the CLI entry without the bundle it loads, say).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';

const ROOT = path.resolve(__dirname, '..', '..', '..');

/** Whether .vscodeignore's rules (last match wins, `!` lets back in) keep `file` in the package. */
function packaged(rules: string[], file: string): boolean {
  let kept = true;
  for (const rule of rules) {
    const negated = rule.startsWith('!');
    if (picomatch(negated ? rule.slice(1) : rule, { dot: true })(file)) kept = negated;
  }
  return kept;
}

describe('packaging', () => {
  it('puts every file the build writes to dist/ in the VSIX, and no source map', function () {
    this.timeout(60_000);
    const dist = path.join(ROOT, 'dist');
    if (!fs.existsSync(path.join(dist, 'cli-main.js')))
      execFileSync('node', [path.join(ROOT, 'scripts', 'build.mjs')], { stdio: 'ignore' });
    const rules = fs
      .readFileSync(path.join(ROOT, '.vscodeignore'), 'utf8')
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else files.push(path.relative(ROOT, full).split(path.sep).join('/'));
      }
    };
    walk(dist);
    for (const name of ['dist/cli.js', 'dist/cli-main.js', 'dist/sql-wasm.wasm', 'dist/telemetryWorker.js'])
      assert.ok(files.includes(name), `the build writes ${name}`);
    const left = files.filter((f) => !f.endsWith('.map') && !packaged(rules, f));
    assert.deepEqual(left, [], 'built but not packaged');
    const maps = files.filter((f) => f.endsWith('.map') && packaged(rules, f));
    assert.deepEqual(maps, [], 'source maps packaged');
    assert.equal(packaged(rules, 'src/cli/main.ts'), false, 'sources stay out');
  });
});
