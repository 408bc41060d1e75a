// Names from a repository (file names, metric keys, check ids) are untrusted: a line break followed by `::warning`
// in a file name would be a GitHub Actions workflow command in a CI log, and an escape sequence can repaint a
// terminal. Text reports pass every such name through escapeControlCharacters.

/**
 * C0 and C1 controls, DEL, the Unicode line and paragraph separators and the bidirectional overrides and
 * isolates (which can make a name read differently from what it is).
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** `text` with every control character written as a visible escape (`\n`, `\x1b`, `\u2028`); the rest unchanged. */
export function escapeControlCharacters(text: string): string {
  return text.replace(UNSAFE, (character) => {
    const named = NAMED[character];
    if (named !== undefined) return named;
    const code = character.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
