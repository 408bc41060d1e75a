import assert from 'node:assert/strict';
import { crc32c, maskCrc, maskedCrc32c } from '../../../../src/core/formats/tensorboard/crc32c';
import { seededRandom } from '../../../helpers/prng';
import { referenceCrc32c, referenceMask } from './write';

describe('CRC-32C', () => {
  it('matches the published check values', () => {
    assert.equal(crc32c(Buffer.from('123456789')), 0xe3069283);
    assert.equal(crc32c(Buffer.alloc(32, 0)), 0x8a9136aa);
    assert.equal(crc32c(Buffer.alloc(32, 0xff)), 0x62a8ab43);
    assert.equal(crc32c(Buffer.from(Array.from({ length: 32 }, (_, i) => i))), 0x46dd794e);
    assert.equal(crc32c(Buffer.from(Array.from({ length: 32 }, (_, i) => 31 - i))), 0x113fdb5c);
    assert.equal(crc32c(Buffer.alloc(0)), 0);
  });

  it('agrees with a bitwise reference on every length, offset and split point', () => {
    const next = seededRandom(3);
    const data = Buffer.from(Array.from({ length: 300 }, () => Math.floor(next() * 256)));
    for (let start = 0; start < 9; start++) {
      for (let end = start; end <= data.length; end += 1 + Math.floor(next() * 7)) {
        const want = referenceCrc32c(data.subarray(start, end));
        assert.equal(crc32c(data, start, end), want, `[${start}, ${end})`);
        const middle = start + Math.floor((end - start) / 2);
        assert.equal(crc32c(data, middle, end, crc32c(data, start, middle)), want, `continued at ${middle}`);
      }
    }
  });

  it('masks like TFRecord', () => {
    for (const crc of [0, 1, 0xffffffff, 0xe3069283, 0x80000000]) assert.equal(maskCrc(crc), referenceMask(crc));
    assert.equal(maskCrc(0), 0xa282ead8);
    const bytes = Buffer.from('event data');
    assert.equal(maskedCrc32c(bytes), referenceMask(referenceCrc32c(bytes)));
  });
});
