// Series colours: the theme's chart colours first, then hues spaced by the golden angle in CIE LCh, so any number
// of series stay distinguishable and equally bright on the theme's background.

export type ThemeKind = 'light' | 'dark' | 'high-contrast' | 'high-contrast-light';

const GOLDEN_ANGLE = 137.50776405003785;

/** `count` colours as `#rrggbb`: `base` (the theme's colours, in order) first, then generated ones. */
export function seriesPalette(count: number, base: readonly string[], theme: ThemeKind): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const colour of base) {
    if (out.length >= count) break;
    const hex = normalizeHex(colour);
    if (hex && !seen.has(hex)) {
      seen.add(hex);
      out.push(hex);
    }
  }
  const lightness = theme === 'light' || theme === 'high-contrast-light' ? 45 : theme === 'high-contrast' ? 78 : 68;
  for (let i = 0; out.length < count; i++) {
    // Alternate two lightness levels and a slowly varying chroma so neighbouring hues differ in more than hue.
    const l = lightness + (i % 2 === 0 ? 0 : theme === 'light' || theme === 'high-contrast-light' ? 10 : -10);
    const c = 55 - 10 * (Math.floor(i / 2) % 3);
    const hex = lchToHex(l, c, (20 + i * GOLDEN_ANGLE) % 360);
    if (!seen.has(hex)) {
      seen.add(hex);
      out.push(hex);
    }
  }
  return out;
}

/** `#abc`, `#aabbcc`, `#aabbccdd` or `rgb(r, g, b)` to lower-case `#rrggbb`; undefined for anything else. */
export function normalizeHex(colour: string): string | undefined {
  const text = colour.trim().toLowerCase();
  let m = /^#([0-9a-f])([0-9a-f])([0-9a-f])$/.exec(text);
  if (m) return `#${m[1]}${m[1]}${m[2]}${m[2]}${m[3]}${m[3]}`;
  m = /^#([0-9a-f]{6})(?:[0-9a-f]{2})?$/.exec(text);
  if (m) return `#${m[1]}`;
  m = /^rgba?\(\s*(\d{1,3})[\s,]+(\d{1,3})[\s,]+(\d{1,3})/.exec(text);
  if (m) return rgbToHex(Number(m[1]), Number(m[2]), Number(m[3]));
  return undefined;
}

/** CIE LCh(ab) (D65) to sRGB hex; the chroma is reduced until the colour fits in sRGB. */
export function lchToHex(lightness: number, chroma: number, hue: number): string {
  for (let c = chroma; c >= 0; c -= 2) {
    const rgb = labToRgb(lightness, c * Math.cos((hue * Math.PI) / 180), c * Math.sin((hue * Math.PI) / 180));
    if (rgb.every((v) => v >= -0.5 && v <= 255.5)) return rgbToHex(rgb[0], rgb[1], rgb[2]);
  }
  const grey = labToRgb(lightness, 0, 0);
  return rgbToHex(grey[0], grey[1], grey[2]);
}

function labToRgb(l: number, a: number, b: number): [number, number, number] {
  const fy = (l + 16) / 116;
  const fx = fy + a / 500;
  const fz = fy - b / 200;
  const inverse = (t: number) => (t > 6 / 29 ? t ** 3 : 3 * (6 / 29) ** 2 * (t - 4 / 29));
  const x = 0.95047 * inverse(fx);
  const y = 1.0 * inverse(fy);
  const z = 1.08883 * inverse(fz);
  const gamma = (v: number) => 255 * (v <= 0.0031308 ? 12.92 * v : 1.055 * v ** (1 / 2.4) - 0.055);
  return [
    gamma(3.2404542 * x - 1.5371385 * y - 0.4985314 * z),
    gamma(-0.969266 * x + 1.8760108 * y + 0.041556 * z),
    gamma(0.0556434 * x - 0.2040259 * y + 1.0572252 * z),
  ];
}

function rgbToHex(r: number, g: number, b: number): string {
  const part = (v: number) =>
    Math.max(0, Math.min(255, Math.round(v)))
      .toString(16)
      .padStart(2, '0');
  return `#${part(r)}${part(g)}${part(b)}`;
}

/** Relative luminance (WCAG) of a `#rrggbb` colour, 0 (black) to 1 (white). */
export function luminance(hex: string): number {
  const n = normalizeHex(hex) ?? '#000000';
  const channel = (i: number) => {
    const v = parseInt(n.slice(1 + 2 * i, 3 + 2 * i), 16) / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2);
}

/** WCAG contrast ratio of two colours (1 to 21). */
export function contrastRatio(a: string, b: string): number {
  const [first, second] = [luminance(a), luminance(b)];
  return (Math.max(first, second) + 0.05) / (Math.min(first, second) + 0.05);
}
