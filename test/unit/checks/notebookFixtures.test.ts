// notebook-hygiene on notebooks written by nbformat and stripped by nbstripout (test/fixtures/checks/notebooks,
// regenerated and compared by the interop test).
import assert from 'node:assert/strict';
import path from 'node:path';
import { hygieneByNotebook, removeTempDirs } from './helpers';

const FIXTURES = path.resolve(__dirname, '../../../..', 'test', 'fixtures', 'checks', 'notebooks');

describe('notebook-hygiene on nbformat and nbstripout notebooks', () => {
  after(removeTempDirs);

  it('flags what nbstripout would strip, and passes what it wrote', async () => {
    assert.deepEqual(await hygieneByNotebook(FIXTURES), {
      'no-kernel.ipynb': { failed: ['kernel'], passed: ['execution-order', 'outputs', 'secrets'] },
      'out-of-order.ipynb': { failed: ['execution-order'], passed: ['kernel', 'outputs', 'secrets'] },
      'stripped.ipynb': { failed: [], passed: ['execution-order', 'kernel', 'outputs', 'secrets'] },
      'with-outputs.ipynb': { failed: ['outputs'], passed: ['execution-order', 'kernel', 'secrets'] },
    });
  });
});
