// The mocha entry the extension host calls (`extensionTestsPath`): runs every *.test.js in one folder and writes
// the counts to MLOPS_TEST_RESULT_FILE so the runner outside the host can report them.
import fs from 'node:fs';
import path from 'node:path';
import Mocha from 'mocha';

export function runFolder(folder: string): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec' });
  const grep = process.env.MLOPS_TEST_GREP;
  if (grep) mocha.grep(grep);
  for (const file of fs.readdirSync(folder).sort()) {
    if (file.endsWith('.test.js')) mocha.addFile(path.join(folder, file));
  }
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const stats = runner.stats ?? { passes: 0, failures };
      const resultFile = process.env.MLOPS_TEST_RESULT_FILE;
      if (resultFile) fs.writeFileSync(resultFile, JSON.stringify({ passes: stats.passes, failures: stats.failures }));
      if (failures > 0) reject(new Error(`${failures} test(s) failed.`));
      else resolve();
    });
  });
}
