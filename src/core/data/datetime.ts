// ISO-8601 timestamps of text cells as epoch milliseconds, without a regular expression or an allocation per cell.
// Shapes: YYYY-MM-DD, then optionally [T ]HH:MM, :SS, .fraction (any digits, milliseconds kept, as Date.parse), and
// Z or ±HH:MM or ±HHMM. A timestamp without an offset is read as UTC. Values out of the ordinary ranges (hour 24,
// a day past the month's end, which Date.parse accepts and rolls over) go to Date.parse, so every value equals
// Date.parse of the same text (with 'T' for ' ' and 'Z' added when there is no offset).

const DAYS_BEFORE_MONTH = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];

function digit(s: string, i: number): number {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : -1;
}

function two(s: string, i: number): number {
  const a = digit(s, i);
  const b = digit(s, i + 1);
  return a < 0 || b < 0 ? -1 : a * 10 + b;
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/** Days from 1970-01-01 to y-m-d (proleptic Gregorian, m 1-12). */
function daysFromCivil(y: number, m: number, d: number): number {
  const y1 = y - 1;
  const leapDays =
    Math.floor(y1 / 4) - Math.floor(y1 / 100) + Math.floor(y1 / 400) - (1969 / 4 - 1969 / 100 + 1969 / 400);
  let days = (y - 1970) * 365 + Math.round(leapDays) + (DAYS_BEFORE_MONTH[m - 1] as number) + d - 1;
  if (m > 2 && isLeap(y)) days++;
  return days;
}

/** The epoch milliseconds of an ISO-8601 date or timestamp, NaN when `s` has none of the shapes above. */
export function parseIsoDateTime(s: string): number {
  const n = s.length;
  if (n < 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return NaN;
  const y1 = two(s, 0);
  const y2 = two(s, 2);
  const mo = two(s, 5);
  const d = two(s, 8);
  if (y1 < 0 || y2 < 0 || mo < 0 || d < 0) return NaN;
  const y = y1 * 100 + y2;
  let ordinary = mo >= 1 && mo <= 12 && d >= 1;
  if (ordinary) {
    const last = mo === 2 ? (isLeap(y) ? 29 : 28) : mo === 4 || mo === 6 || mo === 9 || mo === 11 ? 30 : 31;
    if (d > last) ordinary = false;
  }
  let h = 0;
  let mi = 0;
  let sec = 0;
  let ms = 0;
  let offset = 0;
  let i = 10;
  if (i < n) {
    const sep = s.charCodeAt(i);
    if (sep !== 84 && sep !== 32) return NaN; // T or space
    if (n < i + 6 || s.charCodeAt(i + 3) !== 58) return NaN;
    h = two(s, i + 1);
    mi = two(s, i + 4);
    if (h < 0 || mi < 0) return NaN;
    i += 6;
    if (i < n && s.charCodeAt(i) === 58) {
      sec = two(s, i + 1);
      if (sec < 0) return NaN;
      i += 3;
      if (i < n && s.charCodeAt(i) === 46) {
        i++;
        const start = i;
        let scale = 100;
        while (i < n) {
          const f = digit(s, i);
          if (f < 0) break;
          if (scale >= 1) ms += f * scale;
          scale /= 10;
          i++;
        }
        if (i === start) return NaN;
      }
    }
    if (i < n) {
      const z = s.charCodeAt(i);
      if (z === 90) {
        if (i + 1 !== n) return NaN;
      } else if (z === 43 || z === 45) {
        const oh = two(s, i + 1);
        let om: number;
        if (n === i + 6 && s.charCodeAt(i + 3) === 58) om = two(s, i + 4);
        else if (n === i + 5) om = two(s, i + 3);
        else return NaN;
        if (oh < 0 || om < 0) return NaN;
        if (oh > 23 || om > 59) return NaN;
        offset = (z === 43 ? 1 : -1) * (oh * 60 + om);
      } else return NaN;
    }
    if (h > 23 || mi > 59 || sec > 59) ordinary = false;
  }
  if (!ordinary) return slowParse(s);
  return (daysFromCivil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + sec - offset * 60) * 1000 + ms;
}

/** Date.parse of a shape the fast path leaves to it (ranges it rolls over or rejects). */
function slowParse(s: string): number {
  const hasOffset = s.length > 10 && (s.endsWith('Z') || /[+-]\d{2}:?\d{2}$/.test(s));
  return Date.parse(s.length === 10 || hasOffset ? s : s.replace(' ', 'T') + 'Z');
}
