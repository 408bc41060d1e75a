// Things done in one place, kept there: settings are read through src/platform/config.ts, files are replaced
// through the one atomic write (src/core/atomicWrite.ts, with its thin vscode.workspace.fs variant), and git is
// started only by the process helpers of src/core/git (the lint rule covers imports; this covers the calls).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..');

function sources(folder: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) out.push(...sources(full));
    else if (entry.name.endsWith('.ts')) out.push(full);
  }
  return out;
}

/** `relative:line` of every line of src/ that matches, outside the allowed files. */
function offenders(pattern: RegExp, allowed: string[]): string[] {
  const found: string[] = [];
  for (const file of sources(path.join(ROOT, 'src'))) {
    const relative = path.relative(ROOT, file).split(path.sep).join('/');
    if (allowed.includes(relative)) continue;
    fs.readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, index) => {
        if (pattern.test(line)) found.push(`${relative}:${index + 1}`);
      });
  }
  return found;
}

describe('boundaries: one place for settings, atomic writes and git processes', () => {
  it('reads and writes settings only through src/platform/config.ts', () => {
    assert.deepEqual(offenders(/\bgetConfiguration\s*\(/, ['src/platform/config.ts']), []);
  });

  it('replaces files only through the atomic write helpers', () => {
    assert.deepEqual(
      offenders(/\.rename(Sync)?\s*\(|\.linkSync\s*\(/, ['src/core/atomicWrite.ts', 'src/platform/fsWrite.ts']),
      [],
    );
  });

  it('starts processes only in the git process helpers', () => {
    assert.deepEqual(
      offenders(/(?<![.\w])(spawn|spawnSync|execFile|execFileSync|execSync|fork)\s*\(|child_process/, [
        'src/core/git/gitProcess.ts',
        'src/core/git/catFile.ts',
      ]),
      [],
    );
  });
});
