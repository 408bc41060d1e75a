import assert from 'node:assert/strict';
import { contrastRatio, lchToHex, normalizeHex, seriesPalette } from '../../../src/core/chart/palette';

describe('chart palette', () => {
  it('starts with the theme colours, then generates distinct valid colours for many series', () => {
    const base = ['#3794FF', '#f14c4c', 'rgb(137, 209, 133)', 'not a colour'];
    const colours = seriesPalette(150, base, 'dark');
    assert.equal(colours.length, 150);
    assert.deepEqual(colours.slice(0, 3), ['#3794ff', '#f14c4c', '#89d185']);
    assert.equal(new Set(colours).size, 150, 'all distinct');
    for (const c of colours) assert.match(c, /^#[0-9a-f]{6}$/);
  });

  it('keeps generated colours readable on the theme background', () => {
    for (const [theme, background] of [
      ['dark', '#1e1e1e'],
      ['light', '#ffffff'],
    ] as const) {
      const generated = seriesPalette(40, [], theme);
      const worst = Math.min(...generated.map((c) => contrastRatio(c, background)));
      assert.ok(worst >= 2.5, `${theme}: lowest contrast ${worst.toFixed(2)}`);
    }
  });

  it('converts LCh and normalises colour notations', () => {
    assert.equal(lchToHex(100, 0, 0), '#ffffff');
    assert.equal(lchToHex(0, 0, 0), '#000000');
    assert.equal(normalizeHex('#ABC'), '#aabbcc');
    assert.equal(normalizeHex('#11223344'), '#112233');
    assert.equal(normalizeHex('rgba(1, 2, 3, 0.5)'), '#010203');
    assert.equal(normalizeHex('blue'), undefined);
  });
});
