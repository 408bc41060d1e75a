import * as assert from 'node:assert/strict';
import { parseIsoDateTime } from '../../../src/core/data/datetime';

/** What the profile read before the fast parser: Date.parse, with UTC for a timestamp without an offset. */
function reference(s: string): number {
  return Date.parse(s.length === 10 || /Z|[+-]\d{2}:?\d{2}$/.test(s) ? s : s.replace(' ', 'T') + 'Z');
}

function same(s: string): void {
  const got = parseIsoDateTime(s);
  const want = reference(s);
  assert.ok(!Number.isNaN(want), `${s} is a valid timestamp`);
  assert.equal(got, want, s);
}

describe('ISO-8601 timestamp parser', () => {
  it('equals Date.parse on dates, minutes, seconds, fractions and offsets', () => {
    for (const s of [
      '2024-01-01',
      '2024-02-29',
      '1970-01-01',
      '1969-12-31T23:59:59',
      '1900-03-01 00:00',
      '2000-02-29T12:00:00.5',
      '2026-01-15T12:34:56.123456Z',
      '2026-01-15T12:34:56.1Z',
      '2026-01-15T12:34:56+05:30',
      '2026-01-15T12:34:56-0800',
      '2026-01-15 12:34:56-08:00',
      '2026-01-15T12:34Z',
      '0001-01-01',
      '1600-02-29',
      '9999-12-31T23:59:59.999Z',
    ])
      same(s);
    assert.equal(parseIsoDateTime('2026-01-15T12:34:56+05:30'), Date.UTC(2026, 0, 15, 7, 4, 56));
    assert.equal(parseIsoDateTime('2026-01-15 12:34:56.250'), Date.UTC(2026, 0, 15, 12, 34, 56, 250));
  });

  it('leaves the ranges Date.parse rolls over to it: hour 24, a day past the month end', () => {
    for (const s of ['2024-01-01T24:00:00Z', '2024-02-30', '2023-02-29', '2024-04-31T10:00']) same(s);
    assert.equal(parseIsoDateTime('2023-02-29'), Date.UTC(2023, 2, 1));
  });

  it('is NaN for text that is no ISO timestamp', () => {
    for (const s of [
      '',
      '2024',
      '2024-1-01',
      '2024-13-01',
      '2024-00-10',
      '2024-01-00',
      '2024-01-01T',
      '2024-01-01T1:00',
      '2024-01-01x',
      '2024-01-01T12:00:60',
      '2024-01-01T12:60',
      '2024-01-01T12:00:00.',
      '2024-01-01T12:00:00+5:30',
      '2024-01-01T12:00:00Zx',
      '20240101',
      'abcd-ef-gh',
    ])
      assert.ok(Number.isNaN(parseIsoDateTime(s)), s);
  });

  it('equals Date.parse on 50,000 random instants in five layouts', () => {
    let x = 0x2545f491;
    let checked = 0;
    for (let k = 0; k < 10_000; k++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      const iso = new Date(((x >>> 0) / 4294967296) * 8e12 - 4e12).toISOString();
      for (const s of [iso, iso.slice(0, 10), iso.slice(0, 19), iso.slice(0, 16).replace('T', ' '), iso.slice(0, 23)]) {
        assert.equal(parseIsoDateTime(s), reference(s), s);
        checked++;
      }
    }
    assert.equal(checked, 50_000);
  });
});
