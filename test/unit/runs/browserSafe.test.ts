// The Runs panel imports the table's model, filter, sort, columns and exporter in the webview: they must bundle for
// the browser with no Node built-in anywhere in what they import.
import assert from 'node:assert/strict';
import path from 'node:path';
import * as esbuild from 'esbuild';

const ROOT = path.resolve(__dirname, '../../../..');

describe('runs table modules are browser-safe', function () {
  this.timeout(60_000);
  for (const name of ['model', 'filter', 'sort', 'columns', 'export']) {
    it(`src/core/runs/${name}.ts bundles for the browser`, async () => {
      const result = await esbuild.build({
        entryPoints: [path.join(ROOT, 'src', 'core', 'runs', `${name}.ts`)],
        bundle: true,
        platform: 'browser',
        format: 'esm',
        write: false,
        logLevel: 'silent',
        metafile: true,
      });
      assert.deepEqual(result.errors, []);
      const inputs = Object.keys(result.metafile.inputs);
      assert.deepEqual(
        inputs.filter((i) => !i.startsWith('src/core/')),
        [],
        'only core modules',
      );
      assert.deepEqual(
        inputs.filter((i) => /node:|atomicWrite|\/git\//.test(i)),
        [],
      );
    });
  }
});
