import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseDotEnv, readDotEnv } from '../../../src/core/formats/dotEnv';

describe('.env files', () => {
  it('reads plain, exported, quoted and commented assignments; a later one wins', () => {
    assert.deepEqual(
      parseDotEnv(
        [
          '# tracking',
          'MLFLOW_TRACKING_URI=sqlite:///mlruns.db',
          'export A = bare value  # a comment',
          "B='single # kept'",
          'C="double \\"quoted\\"\\nline" # comment',
          'D=',
          'not an assignment',
          '  E=1\r',
          'A=second',
        ].join('\n'),
      ),
      {
        MLFLOW_TRACKING_URI: 'sqlite:///mlruns.db',
        A: 'second',
        B: 'single # kept',
        C: 'double "quoted"\nline',
        D: '',
        E: '1',
      },
    );
  });

  it('gives nothing for a missing file, a folder or a file too big to be settings', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dotenv-'));
    try {
      assert.deepEqual(readDotEnv(path.join(tmp, '.env')), {});
      fs.mkdirSync(path.join(tmp, 'dir'));
      assert.deepEqual(readDotEnv(path.join(tmp, 'dir')), {});
      fs.writeFileSync(path.join(tmp, 'big'), `X=1\n${'#'.repeat(300 * 1024)}\n`);
      assert.deepEqual(readDotEnv(path.join(tmp, 'big')), {});
      fs.writeFileSync(path.join(tmp, 'small'), 'X=1\n');
      assert.deepEqual(readDotEnv(path.join(tmp, 'small')), { X: '1' });
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
