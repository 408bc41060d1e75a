// One reader per format: the parsers of external formats (yaml, smol-toml, sql.js, JSON.parse) are used under
// src/core/formats only. The few other uses are listed with the reason; a new one fails here with its place.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { root } from '../../harness/paths';

/** Files outside src/core/formats that may still parse, and why. */
const ALLOWED: Record<string, string> = {
  'src/core/httpRequest.ts': "a server answer's JSON body, for the server clients under src/core/formats",
  'src/core/workspace/hash.ts': "the extension's own hash cache",
  'src/core/listingCache.ts': "the listing cache's own files",
  'src/platform/revisionUri.ts': "the extension's own revision URIs",
};

const PARSERS = /from '(yaml|smol-toml|sql\.js)'|require\('(yaml|smol-toml|sql\.js)'\)|JSON\.parse\(/;

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

describe('one reader per format', () => {
  it('parses external formats only under src/core/formats', () => {
    const offenders: string[] = [];
    for (const file of sourceFiles(path.join(root, 'src'))) {
      const relative = path.relative(root, file).split(path.sep).join('/');
      if (relative.startsWith('src/core/formats/') || relative in ALLOWED) continue;
      fs.readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, index) => {
          if (PARSERS.test(line) && !line.trimStart().startsWith('//') && !line.trimStart().startsWith('*'))
            offenders.push(`${relative}:${index + 1}: ${line.trim()}`);
        });
    }
    assert.deepEqual(offenders, [], 'read the format through its module under src/core/formats');
  });

  it('still finds a parser where it is used (the scan is not blind)', () => {
    const parse = fs.readFileSync(path.join(root, 'src', 'core', 'formats', 'metricsFiles', 'parse.ts'), 'utf8');
    assert.ok(parse.split('\n').some((line) => PARSERS.test(line)));
  });
});
