// A `.env` file (the `KEY=value` lines python-dotenv, docker compose and many shells read): what a project commits
// to name its settings, such as `MLFLOW_TRACKING_URI=sqlite:///mlruns.db`. Only plain assignments are read: no
// variable expansion, no command substitution.
import { readFileSync } from 'node:fs';

/** The largest `.env` file read; a bigger one is not a settings file. */
const MAX_BYTES = 256 * 1024;

const LINE = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(.*)$/;

/**
 * The assignments of a `.env` text: `KEY=value`, `export KEY=value`, values in single quotes (as they are), double
 * quotes (with `\n`, `\"` and `\\` escapes) or bare (up to a ` #` comment, trimmed). A later assignment wins.
 */
export function parseDotEnv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const match = LINE.exec(line);
    const key = match?.[1];
    if (!match || key === undefined) continue;
    const raw = (match[2] ?? '').trim();
    const quote = raw[0];
    if ((quote === "'" || quote === '"') && raw.indexOf(quote, 1) > 0) {
      const inner = raw.slice(1, raw.indexOf(quote, 1));
      out[key] =
        quote === '"'
          ? raw
              .slice(1)
              .replace(/^((?:[^"\\]|\\.)*)".*$/, '$1')
              .replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c))
          : inner;
    } else out[key] = raw.replace(/\s+#.*$/, '').trim();
  }
  return out;
}

/** The assignments of a `.env` file; empty when it is missing, unreadable or too big to be one. */
export function readDotEnv(file: string): Record<string, string> {
  let text: string;
  try {
    const buffer = readFileSync(file);
    if (buffer.length > MAX_BYTES) return {};
    text = buffer.toString('utf8');
  } catch {
    return {};
  }
  return parseDotEnv(text);
}
