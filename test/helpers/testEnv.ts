// Loaded by mocha before any test (.mocharc.json): the listing cache of the command line and the stores the tests
// read lives in a folder of this test process, never in the user's cache folder.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

if (!process.env.MLOPS_CACHE_DIR) {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-test-cache-'));
  process.env.MLOPS_CACHE_DIR = folder;
  process.on('exit', () => fs.rmSync(folder, { recursive: true, force: true }));
}
