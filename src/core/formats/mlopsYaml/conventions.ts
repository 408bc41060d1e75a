// Naming patterns of mlops.yaml `conventions`: `models/{name}/{name}-v{version}.{ext}` and the like. A pattern is
// matched against a path relative to the workspace folder; the placeholders it captures name and version a file.

export interface ConventionMatch {
  name?: string;
  version?: string;
  date?: string;
  ext?: string;
}

const PLACEHOLDERS: Record<string, string> = {
  name: '[^/]+?',
  version: '\\d+(?:\\.\\d+){0,2}(?:[-+][0-9A-Za-z.-]+)?',
  date: '\\d{4}-\\d{2}-\\d{2}',
  ext: '[^/]+',
};

/** Compiles a naming pattern to a matcher; a placeholder used twice must match the same text both times. */
export function compileConvention(pattern: string): (relativePath: string) => ConventionMatch | undefined {
  let source = '';
  const groups: string[] = [];
  const token = /\{(name|version|date|ext)\}|\*\*\/|\*\*|\*|\?|[^{}*?]+|[{}]/g;
  for (const match of pattern.matchAll(token)) {
    const [whole, placeholder] = match;
    if (placeholder) {
      const earlier = groups.indexOf(placeholder);
      if (earlier >= 0) source += `\\k<${placeholder}>`;
      else {
        groups.push(placeholder);
        source += `(?<${placeholder}>${PLACEHOLDERS[placeholder]})`;
      }
    } else if (whole === '**/') source += '(?:[^/]+/)*';
    else if (whole === '**') source += '.*';
    else if (whole === '*') source += '[^/]*';
    else if (whole === '?') source += '[^/]';
    else source += whole.replace(/[.+^$()|[\]\\{}]/g, '\\$&');
  }
  const regex = new RegExp(`^${source}$`);
  return (relativePath) => {
    const m = regex.exec(relativePath);
    if (!m) return undefined;
    const out: ConventionMatch = {};
    for (const g of groups) out[g as keyof ConventionMatch] = m.groups?.[g];
    return out;
  };
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
