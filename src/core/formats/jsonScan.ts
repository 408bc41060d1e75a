// A small JSON scanner that reports where each value starts, with its path. The JSON readers give values but no
// positions; the checks need the line of a metric key or of a notebook cell to point at it.

export type JsonPath = readonly (string | number)[];

/**
 * Called for every value: its path, the offset where the value starts and, inside an object, the offset of its
 * key. Return true to stop scanning. The path array is reused: copy it to keep it.
 */
export type JsonVisitor = (path: JsonPath, valueOffset: number, keyOffset: number | undefined) => boolean | void;

const MAX_DEPTH = 512;

/** Thrown to unwind: `byVisitor` when the visitor asked to stop, otherwise the text was malformed. */
class Stop extends Error {
  constructor(readonly byVisitor = false) {
    super('stop');
  }
}

/**
 * Scans `text` (which should already have parsed with JSON.parse) and calls `visit` for each value. Returns
 * false when the text is not JSON the scanner understands (it then stops silently: positions are a nicety).
 */
export function scanJson(text: string, visit: JsonVisitor): boolean {
  return scan(text, visit).ok;
}

function scan(text: string, visit: JsonVisitor): { ok: boolean; offset: number } {
  const path: (string | number)[] = [];
  let i = 0;

  const skipSpace = (): void => {
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0xfeff) i++;
      else break;
    }
  };

  /** Skips a string starting at i (a quote); returns its raw content bounds. */
  const skipString = (): [number, number] => {
    const start = i + 1;
    let j = start;
    for (;;) {
      const q = text.indexOf('"', j);
      if (q === -1) throw new Stop();
      let backslashes = 0;
      for (let k = q - 1; k >= start && text.charCodeAt(k) === 0x5c; k--) backslashes++;
      if (backslashes % 2 === 0) {
        i = q + 1;
        return [start, q];
      }
      j = q + 1;
    }
  };

  const value = (keyOffset: number | undefined, depth: number): void => {
    if (depth > MAX_DEPTH) throw new Stop();
    skipSpace();
    if (visit(path, i, keyOffset) === true) throw new Stop(true);
    const c = text[i];
    if (c === '{') {
      i++;
      skipSpace();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        skipSpace();
        if (text[i] !== '"') throw new Stop();
        const keyAt = i;
        const [start, end] = skipString();
        const raw = text.slice(start, end);
        const key = raw.includes('\\') ? decodeKey(raw) : raw;
        skipSpace();
        if (text[i] !== ':') throw new Stop();
        i++;
        path.push(key);
        value(keyAt, depth + 1);
        path.pop();
        skipSpace();
        if (text[i] === ',') i++;
        else if (text[i] === '}') {
          i++;
          return;
        } else throw new Stop();
      }
    }
    if (c === '[') {
      i++;
      skipSpace();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (let index = 0; ; index++) {
        path.push(index);
        value(undefined, depth + 1);
        path.pop();
        skipSpace();
        if (text[i] === ',') i++;
        else if (text[i] === ']') {
          i++;
          return;
        } else throw new Stop();
      }
    }
    if (c === '"') {
      skipString();
      return;
    }
    const start = i;
    while (i < text.length && !',}] \n\r\t'.includes(text.charAt(i))) i++;
    if (i === start) throw new Stop();
  };

  try {
    value(undefined, 0);
    skipSpace();
    return { ok: i >= text.length, offset: i };
  } catch (err) {
    if (err instanceof Stop) return { ok: err.byVisitor, offset: i };
    throw err;
  }
}

function decodeKey(raw: string): string {
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    throw new Stop();
  }
}
