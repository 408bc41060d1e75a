// Naming patterns of mlops.yaml `conventions` (and of a naming check's `options.pattern`): placeholders `{name}`,
// `{version}`, `{date}` (YYYY-MM-DD), `{ext}`, `*` (one path segment or part of it) and `**` (any folders). The one
// compiler of these patterns: the explorer (which captures name and version from a path) and the naming check
// (which tells whether a path follows a pattern) both come through `namingRegExp`, so they agree on every path.

/** A pattern uses a placeholder that does not exist. */
export class NamingPatternError extends Error {
  constructor(
    message: string,
    readonly source: string,
  ) {
    super(message);
    this.name = 'NamingPatternError';
  }
}

export interface ConventionValues {
  /** The entry's name; when absent `{name}` matches any lower-case word with `-` or `_`. */
  name?: string;
  version?: string;
  date?: string;
  ext?: string;
}

/** `{version}`: one to three numeric parts without leading zeros (1, 1.2, 1.2.3), then an optional -pre-release and +build. */
const VERSION = '(?:0|[1-9]\\d*)(?:\\.(?:0|[1-9]\\d*)){0,2}(?:-[0-9A-Za-z.-]+)?(?:\\+[0-9A-Za-z.-]+)?';
/** A full semantic version, which the rename suggestion takes from a file name (`churn_1.4.0.pkl`). */
const SEMVER_IN_NAME = '(?:0|[1-9]\\d*)\\.(?:0|[1-9]\\d*)\\.(?:0|[1-9]\\d*)(?:-[0-9A-Za-z.-]+)?(?:\\+[0-9A-Za-z.-]+)?';
const DATE = '\\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\\d|3[01])';
const ANY_NAME = '[A-Za-z0-9][A-Za-z0-9_-]*';
const EXT = '[A-Za-z0-9]+(?:\\.[A-Za-z0-9]+)?';
const PLACEHOLDERS = ['name', 'version', 'date', 'ext'];

type Token =
  | { kind: 'literal'; text: string }
  | { kind: 'placeholder'; name: string }
  | { kind: 'star' }
  | { kind: 'globstar' };

function tokenize(pattern: string, source: string): Token[] {
  const tokens: Token[] = [];
  let literal = '';
  const flush = (): void => {
    if (literal) tokens.push({ kind: 'literal', text: literal });
    literal = '';
  };
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '{') {
      const end = pattern.indexOf('}', i);
      const name = end === -1 ? '' : pattern.slice(i + 1, end);
      if (!PLACEHOLDERS.includes(name)) {
        throw new NamingPatternError(
          `${source}: unknown placeholder '${pattern.slice(i, end === -1 ? undefined : end + 1)}' in '${pattern}'. Use {name}, {version}, {date}, {ext} or *.`,
          source,
        );
      }
      flush();
      tokens.push({ kind: 'placeholder', name });
      i = end;
    } else if (c === '*') {
      flush();
      if (pattern[i + 1] === '*') {
        tokens.push({ kind: 'globstar' });
        i++;
        if (pattern[i + 1] === '/') i++;
      } else tokens.push({ kind: 'star' });
    } else literal += c;
  }
  flush();
  return tokens;
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A regular expression for a naming pattern; each placeholder is a named group (`(?<version>...)`), and one used twice
 * must match the same text both times. `source` names the setting in error messages. Throws NamingPatternError.
 */
export function conventionRegExp(pattern: string, values: ConventionValues = {}, source = 'conventions'): RegExp {
  let body = '';
  const seen = new Set<string>();
  for (const token of tokenize(normalizePath(pattern), source)) {
    if (token.kind === 'literal') body += escapeRegExp(token.text);
    else if (token.kind === 'star') body += '[^/]*';
    else if (token.kind === 'globstar') body += '(?:[^/]+/)*';
    else if (seen.has(token.name)) body += `\\k<${token.name}>`;
    else {
      seen.add(token.name);
      const given = values[token.name as keyof ConventionValues];
      const inner =
        given !== undefined
          ? escapeRegExp(given)
          : token.name === 'name'
            ? ANY_NAME
            : token.name === 'version'
              ? VERSION
              : token.name === 'date'
                ? DATE
                : EXT;
      body += `(?<${token.name}>${inner})`;
    }
  }
  return new RegExp(`^${body}$`);
}

export interface ConventionMatch {
  name?: string;
  version?: string;
  date?: string;
  ext?: string;
}

/**
 * Compiles a naming pattern to a matcher that captures its placeholders from a path relative to the workspace
 * folder. A pattern with an unknown placeholder matches nothing (the mlops.yaml validator reports it).
 */
export function compileConvention(pattern: string): (relativePath: string) => ConventionMatch | undefined {
  let regex: RegExp;
  try {
    regex = conventionRegExp(pattern);
  } catch (err) {
    if (err instanceof NamingPatternError) return () => undefined;
    throw err;
  }
  return (relativePath) => {
    const m = regex.exec(normalizePath(relativePath));
    if (!m) return undefined;
    const out: ConventionMatch = {};
    for (const [key, value] of Object.entries(m.groups ?? {}))
      if (value !== undefined) out[key as keyof ConventionMatch] = value;
    return out;
  };
}

/** Whether a relative path follows a convention pattern. */
export function matchesConvention(
  pattern: string,
  relativePath: string,
  values: ConventionValues = {},
  source?: string,
): boolean {
  return conventionRegExp(pattern, values, source).test(normalizePath(relativePath));
}

const MULTI_EXTENSIONS = [
  'tar.gz',
  'tar.bz2',
  'tar.xz',
  'tar.zst',
  'csv.gz',
  'json.gz',
  'jsonl.gz',
  'parquet.gz',
  'pt.gz',
];

/** The extension of a file name without the dot (`model.pkl` -> `pkl`, `data.tar.gz` -> `tar.gz`), or ''. */
export function fileExtension(relativePath: string): string {
  const base = normalizePath(relativePath).split('/').pop() ?? '';
  const lower = base.toLowerCase();
  for (const multi of MULTI_EXTENSIONS)
    if (lower.endsWith(`.${multi}`) && lower.length > multi.length + 1) return base.slice(-multi.length);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1) : '';
}

function stem(relativePath: string): string {
  const base = normalizePath(relativePath).split('/').pop() ?? '';
  const ext = fileExtension(base);
  return ext ? base.slice(0, -(ext.length + 1)) : base;
}

function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'name'
  );
}

/**
 * The path a file should have under a convention: placeholders filled from `values`, else from the current
 * path (its extension, a semver or date already in its name), else left as `<version>`, `<date>`, `<ext>`.
 * A `*` takes the current path's segment at the same depth when the depths agree.
 * Example: (`models/{name}/{name}-v{version}.{ext}`, `models/fraud-classifier/model.pkl`, { name:
 * 'fraud-classifier' }) -> `models/fraud-classifier/fraud-classifier-v<version>.pkl`.
 */
export function suggestConventionalPath(pattern: string, currentPath: string, values: ConventionValues = {}): string {
  const current = normalizePath(currentPath);
  const base = current.split('/').pop() ?? '';
  const version = values.version ?? new RegExp(SEMVER_IN_NAME).exec(base)?.[0];
  const date = values.date ?? new RegExp(DATE).exec(base)?.[0];
  const ext = values.ext ?? fileExtension(current);
  const name =
    values.name ??
    slug(
      stem(current)
        .replace(new RegExp(`[-_]?v?${SEMVER_IN_NAME}`), '')
        .replace(new RegExp(`[-_]?${DATE}[-_]?`), ''),
    );
  const patternSegments = normalizePath(pattern).split('/');
  const currentSegments = current.split('/');
  const sameDepth = patternSegments.length === currentSegments.length;
  const segments = patternSegments.map((segment, index) => {
    if (segment === '**') return '';
    let out = '';
    for (const token of tokenize(segment, 'conventions')) {
      if (token.kind === 'literal') out += token.text;
      else if (token.kind === 'star') out += sameDepth && segment === '*' ? currentSegments[index] : '';
      else if (token.kind === 'globstar') out += '';
      else if (token.name === 'name') out += name;
      else if (token.name === 'version') out += version ?? '<version>';
      else if (token.name === 'date') out += date ?? '<date>';
      else out += ext || '<ext>';
    }
    return out;
  });
  return segments.filter((s, index) => s !== '' || index === segments.length - 1).join('/');
}

function normalizePath(p: string): string {
  return p.replace(/\\/g, '/').replace(/^\.\//, '');
}

/** `classifier-v1.2.0` -> name `classifier`, version `1.2.0`; a file stem without a version gives only a name. */
export function splitVersion(stem: string): { name: string; version?: string } {
  const m =
    /^(.+?)[-_@.]v(\d+(?:\.\d+){0,2}(?:[-+][0-9A-Za-z.]+)?)$/i.exec(stem) ??
    /^(.+?)[-_@](\d+\.\d+(?:\.\d+)?(?:[-+][0-9A-Za-z.]+)?)$/.exec(stem);
  if (m && /[A-Za-z0-9]$/.test(m[1])) return { name: m[1], version: m[2] };
  return { name: stem };
}

/** Orders versions numerically part by part (`1.10.0` after `1.9.2`), then as text. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.+-]/);
  const pb = b.split(/[.+-]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? '';
    const y = pb[i] ?? '';
    // A pre-release part (`1.0.0-rc1`) sorts before the release (`1.0.0`).
    if (x === '' || y === '') return x === '' ? (/^\d+$/.test(y) ? -1 : 1) : /^\d+$/.test(x) ? 1 : -1;
    const nx = /^\d+$/.test(x) ? Number(x) : NaN;
    const ny = /^\d+$/.test(y) ? Number(y) : NaN;
    if (!Number.isNaN(nx) && !Number.isNaN(ny)) {
      if (nx !== ny) return nx - ny;
    } else if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}
