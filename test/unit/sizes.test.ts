import assert from 'node:assert/strict';
import { exceedsLimitMB, formatBytes, parseSize } from '../../src/core/sizes';

describe('sizes', () => {
  it('parses and formats sizes in units of 1024', () => {
    assert.equal(parseSize('10MB'), 10 * 1024 * 1024);
    assert.equal(parseSize(' 1.5 kb '), 1536);
    assert.equal(parseSize(2048), 2048);
    assert.equal(parseSize('10 parsecs'), undefined);
    assert.equal(formatBytes(512), '512 B');
    assert.equal(formatBytes(10 * 1024 * 1024), '10.0 MB');
  });

  it('formats every size with one set of units: B, KB, MB, GB', () => {
    const cases: [number, string][] = [
      [0, '0 B'],
      [946, '946 B'],
      [1023, '1023 B'],
      [1024, '1.0 KB'],
      [1126, '1.1 KB'],
      [99.94 * 1024, '99.9 KB'],
      [99.96 * 1024, '100 KB'],
      [512 * 1024, '512 KB'],
      [1024 * 1024 - 1, '1.0 MB'],
      [1.1 * 1024 * 1024, '1.1 MB'],
      [12.34 * 1024 ** 2, '12.3 MB'],
      [1.5 * 1024 ** 3, '1.5 GB'],
      [2 * 1024 ** 4, '2.0 TB'],
    ];
    for (const [bytes, text] of cases) assert.equal(formatBytes(bytes), text, `${bytes} bytes`);
  });

  it('says it does not know a size that is not one', () => {
    assert.equal(formatBytes(Number.NaN), '? B');
    assert.equal(formatBytes(-1), '? B');
  });

  it('reads back what it writes, within the rounding', () => {
    for (const bytes of [946, 1536, 10 * 1024 * 1024, 3 * 1024 ** 3]) {
      const back = parseSize(formatBytes(bytes).replace(' ', ''));
      assert.ok(back !== undefined && Math.abs(back - bytes) / bytes < 0.05, `${bytes} -> ${formatBytes(bytes)}`);
    }
  });

  it('compares a size with a limit in megabytes; 0 or no number means no limit', () => {
    const mb = 1024 ** 2;
    assert.equal(exceedsLimitMB(1024 * mb, 1024), false, 'exactly the limit is not over it');
    assert.equal(exceedsLimitMB(1024 * mb + 1, 1024), true);
    assert.equal(exceedsLimitMB(1.5 * mb, 1), true);
    assert.equal(exceedsLimitMB(0.5 * mb, 0.75), false, 'fractional limits count');
    assert.equal(exceedsLimitMB(10 * 1024 * mb, 0), false, '0 never asks');
    assert.equal(exceedsLimitMB(10 * mb, -1), false);
    assert.equal(exceedsLimitMB(10 * mb, Number.NaN), false);
  });
});
