#!/usr/bin/env node
// `npm run bench [id...]`: builds (the production bundles, as the VSIX ships them), runs every benchmark in out/test/bench/*.bench.js (or the ids given), prints a
// table and writes test-results/bench.json (one object per measure).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
execFileSync('node', [path.join(root, 'scripts', 'build.mjs'), '--production'], { stdio: 'inherit' });
execFileSync('node', [path.join(root, 'scripts', 'build.mjs'), '--tests'], { stdio: 'inherit' });

const wanted = process.argv.slice(2);
const benchDir = path.join(root, 'out', 'test', 'bench');
const all = fs
  .readdirSync(benchDir)
  .filter((f) => f.endsWith('.bench.js'))
  .sort()
  .flatMap((f) => require(path.join(benchDir, f)).benchmarks ?? []);
const selected = wanted.length ? all.filter((b) => wanted.includes(b.id)) : all;
const unknown = wanted.filter((id) => !all.some((b) => b.id === id));
if (unknown.length) {
  console.error(`Unknown benchmark id(s): ${unknown.join(', ')}. Known: ${all.map((b) => b.id).join(', ')}`);
  process.exit(2);
}
const venvPython = path.join(root, '.cache', 'venv', 'bin', 'python');
const measures = [];
for (const bench of selected) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `mlops-bench-${bench.id}-`));
  console.log(`\n▶ ${bench.id}: ${bench.title}`);
  try {
    const result = await bench.run({
      tmp,
      python: fs.existsSync(venvPython) ? venvPython : undefined,
      log: (m) => console.log(`  ${m}`),
    });
    measures.push(...(Array.isArray(result) ? result : [result]));
  } catch (err) {
    console.error(`  ${bench.id} failed: ${err instanceof Error ? err.stack : String(err)}`);
    measures.push({
      id: bench.id,
      value: NaN,
      unit: '',
      baseline: '',
      baselineValue: null,
      ratio: null,
      target: '',
      notes: `failed: ${err instanceof Error ? err.message : String(err)}`,
    });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

const fmt = (n) =>
  n === null || n === undefined
    ? '—'
    : Number.isFinite(n)
      ? Math.abs(n) >= 100
        ? n.toFixed(0)
        : Math.abs(n) >= 1
          ? n.toFixed(2)
          : n.toPrecision(3)
      : String(n);
const rows = measures.map((m) => [
  m.id,
  `${fmt(m.value)} ${m.unit}`,
  m.baseline || '—',
  m.baselineValue === null ? '—' : `${fmt(m.baselineValue)} ${m.unit}`,
  m.ratio === null ? '—' : `${fmt(m.ratio)}x`,
  m.target || '—',
  m.met === undefined ? '' : m.met ? 'met' : 'MISSED',
]);
const header = ['id', 'ours', 'baseline', 'baseline value', 'ratio', 'target', ''];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells) => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
console.log(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
for (const r of rows) console.log(line(r));
fs.mkdirSync(path.join(root, 'test-results'), { recursive: true });
const file = path.join(root, 'test-results', 'bench.json');
// Keep measures of benchmarks not run this time, so `npm run bench id` updates one row.
let previous;
try {
  previous = JSON.parse(fs.readFileSync(file, 'utf8')).filter((m) => !measures.some((n) => n.id === m.id));
} catch {
  previous = [];
}
fs.writeFileSync(
  file,
  JSON.stringify([...previous, ...measures], (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2) +
    '\n',
);
console.log(`\nWrote ${path.relative(root, file)}`);
