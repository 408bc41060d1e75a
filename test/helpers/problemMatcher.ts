// Reads task output the way VS Code's problem collector applies a contributed problem matcher: a buffer as long as the
// longest pattern, the multi-line patterns tried before shorter ones at each new line, the buffer cleared after a
// match; `message` joined across the lines of a match with a newline, the other fields taken from the first line that
// has them; values trimmed of spaces. Enough of it to check `$mlops` against the CLI's output in plain Node.
import fs from 'node:fs';
import path from 'node:path';

export interface PatternPart {
  regexp: string;
  file?: number;
  line?: number;
  column?: number;
  severity?: number;
  code?: number;
  message?: number;
}

export interface MatcherContribution {
  name: string;
  source?: string;
  pattern: PatternPart | PatternPart[];
}

export interface MatchedProblem {
  file?: string;
  line?: string;
  column?: string;
  severity?: string;
  code?: string;
  message?: string;
}

const FIELDS = ['file', 'line', 'column', 'severity', 'code'] as const;

/** The problem matchers package.json contributes. */
export function contributedMatchers(root: string): MatcherContribution[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    contributes: { problemMatchers: MatcherContribution[] };
  };
  return manifest.contributes.problemMatchers;
}

export function matchProblems(matcher: MatcherContribution, output: string): MatchedProblem[] {
  const parts = Array.isArray(matcher.pattern) ? matcher.pattern : [matcher.pattern];
  const regexps = parts.map((p) => new RegExp(p.regexp));
  const found: MatchedProblem[] = [];
  let buffer: string[] = [];
  for (const line of output.split('\n')) {
    buffer.push(line);
    if (buffer.length > parts.length) buffer.shift();
    if (buffer.length < parts.length) continue;
    const problem: MatchedProblem = {};
    const matched = parts.every((part, i) => {
      const m = regexps[i].exec(buffer[i]);
      if (!m) return false;
      for (const field of FIELDS) {
        const index = part[field];
        const value = index === undefined ? undefined : m[index];
        if (problem[field] === undefined && value !== undefined) problem[field] = value.trim();
      }
      if (part.message !== undefined) {
        const value = (m[part.message] ?? '').trim();
        problem.message = problem.message === undefined ? value : `${problem.message}\n${value}`;
      }
      return true;
    });
    if (matched && problem.file && problem.line && problem.message) {
      found.push(problem);
      buffer = [];
    }
  }
  return found;
}
