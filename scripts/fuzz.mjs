#!/usr/bin/env node
// `npm run fuzz -- [--n 100000] [--seed 1] [--start 0] [--time-limit-ms 2000] [--max-rss-mb 1024] [--jobs 1] [target...]`
// Feeds every parser of untrusted input (test/fuzz/targets.ts) mutated copies of valid files, each target in its
// own process: an input that throws anything but the parser's typed error, takes longer than the time limit, hangs
// (no progress for 5 x the limit, at least 10 s: the process is killed) or crashes the process is a failure, and so
// is a peak resident memory over the limit. Inputs depend only on the seed, the target and their index, so
// `--seed S --start I --n 1 target` reproduces input I. Prints one line per target; exits 1 on any failure.
import { execFileSync, fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

function parseArgs(argv) {
  const options = {
    n: 100_000,
    seed: 1,
    start: 0,
    timeLimitMs: 2000,
    maxRssMb: 1024,
    jobs: 1,
    targets: [],
    build: true,
  };
  const numbers = {
    '--n': 'n',
    '--seed': 'seed',
    '--start': 'start',
    '--time-limit-ms': 'timeLimitMs',
    '--max-rss-mb': 'maxRssMb',
    '--jobs': 'jobs',
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? arg.split(/=(.*)/s) : [arg, undefined];
    if (flag in numbers) {
      const value = Number(inline ?? argv[++i]);
      if (!Number.isInteger(value) || value < 0) throw new Error(`${flag} needs a whole number, e.g. ${flag} 1000`);
      options[numbers[flag]] = value;
    } else if (flag === '--no-build') options.build = false;
    else if (flag === '--help' || flag === '-h') options.help = true;
    else if (flag.startsWith('-')) throw new Error(`unknown option ${flag}; run npm run fuzz -- --help`);
    else options.targets.push(flag);
  }
  return options;
}

let options;
try {
  options = parseArgs(process.argv.slice(2));
} catch (err) {
  console.error(`fuzz: ${err.message}`);
  process.exit(2);
}
if (options.help) {
  const head = fs
    .readFileSync(fileURLToPath(import.meta.url), 'utf8')
    .split('\n')
    .slice(1, 8);
  console.log(head.map((l) => l.replace(/^\/\/ ?/, '')).join('\n'));
  process.exit(0);
}

if (options.build) execFileSync('node', [path.join(root, 'scripts', 'build.mjs'), '--tests'], { stdio: 'inherit' });
const childJs = path.join(root, 'out', 'test', 'fuzz', 'child.js');
const { fuzzTargets } = require(path.join(root, 'out', 'test', 'fuzz', 'targets.js'));
const known = fuzzTargets(root).map((t) => t.name);
const unknown = options.targets.filter((t) => !known.includes(t));
if (unknown.length) {
  console.error(`fuzz: unknown target(s) ${unknown.join(', ')}. Known: ${known.join(', ')}`);
  process.exit(2);
}
const selected = options.targets.length ? known.filter((t) => options.targets.includes(t)) : known;
const hangMs = Math.max(10_000, 5 * options.timeLimitMs);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-fuzz-'));

/** Runs inputs [start, end) of one target, restarting its process after a hang or a crash. */
async function fuzzTarget(name) {
  const total = {
    inputs: 0,
    parsed: 0,
    typedErrors: 0,
    failures: [],
    worstMs: 0,
    worstIndex: -1,
    peakRssMb: 0,
    restarts: 0,
  };
  const progressFile = path.join(tmp, `${name.replace(/[^\w.-]/g, '_')}.progress`);
  const end = options.start + options.n;
  let start = options.start;
  const started = performance.now();
  while (start < end) {
    fs.rmSync(progressFile, { force: true });
    const outcome = await new Promise((resolve) => {
      const child = fork(
        childJs,
        [
          JSON.stringify({
            root,
            target: name,
            seed: options.seed,
            start,
            count: end - start,
            timeLimitMs: options.timeLimitMs,
            progressFile,
          }),
        ],
        {
          stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
          execArgv: ['--max-old-space-size=4096', ...(process.env.FUZZ_SOURCE_MAPS ? ['--enable-source-maps'] : [])],
        },
      );
      let stderr = '';
      child.stderr.on('data', (c) => (stderr = (stderr + c.toString()).slice(-4000)));
      let result;
      let hung = false;
      let lastBeat = Date.now();
      const watchdog = setInterval(() => {
        if (Date.now() - lastBeat > hangMs) {
          hung = true;
          child.kill('SIGKILL');
        }
      }, 250);
      child.on('message', (message) => {
        lastBeat = Date.now();
        total.peakRssMb = Math.max(total.peakRssMb, message.maxRssKb / 1024);
        if (message.type === 'result') result = message.stats;
      });
      child.on('exit', (code, signal) => {
        clearInterval(watchdog);
        resolve({ result, hung, code, signal, stderr });
      });
    });
    if (outcome.result) {
      const s = outcome.result;
      total.inputs += s.inputs;
      total.parsed += s.parsed;
      total.typedErrors += s.typedErrors;
      for (const f of s.failures.slice(0, Math.max(0, 1000 - total.failures.length))) total.failures.push(f);
      if (s.worstMs > total.worstMs) {
        total.worstMs = s.worstMs;
        total.worstIndex = s.worstIndex;
      }
      break;
    }
    // Hung or crashed: the progress file names the input it was on; go on after it.
    const at = Number.parseInt(fs.existsSync(progressFile) ? fs.readFileSync(progressFile, 'latin1') : '', 10);
    const index = Number.isInteger(at) ? at : start;
    total.failures.push({
      index,
      kind: outcome.hung ? 'hang' : 'crash',
      message: outcome.hung
        ? `no progress for ${hangMs / 1000} s`
        : `process exited (${outcome.signal ?? `code ${outcome.code}`}): ${outcome.stderr.trim().split('\n').slice(-3).join(' | ')}`,
    });
    if (outcome.hung && index + 1 - start > 0) total.worstMs = Math.max(total.worstMs, hangMs);
    total.inputs += index + 1 - start;
    total.restarts++;
    start = index + 1;
    if (total.restarts > 20) {
      total.failures.push({ index: start, kind: 'crash', message: 'more than 20 restarts: giving up on this target' });
      break;
    }
  }
  if (total.peakRssMb > options.maxRssMb)
    total.failures.push({
      index: -1,
      kind: 'memory',
      message: `peak resident memory ${total.peakRssMb.toFixed(0)} MB is over --max-rss-mb ${options.maxRssMb}`,
    });
  total.seconds = (performance.now() - started) / 1000;
  return total;
}

const pad = (value, width) => String(value).padStart(width);
console.log(
  `fuzz: seed ${options.seed}, inputs ${options.start}..${options.start + options.n - 1} per target, time limit ${options.timeLimitMs} ms per input\n`,
);
console.log(
  `${'target'.padEnd(18)} ${pad('inputs', 8)} ${pad('parsed', 8)} ${pad('typed', 8)} ${pad('failures', 8)} ${pad('worst ms', 9)} ${pad('worst #', 8)} ${pad('peak RSS', 9)} ${pad('time', 8)}`,
);
const line = (name, r) =>
  `${name.padEnd(18)} ${pad(r.inputs, 8)} ${pad(r.parsed, 8)} ${pad(r.typedErrors, 8)} ${pad(r.failures.length, 8)} ${pad(r.worstMs.toFixed(1), 9)} ${pad(r.worstIndex, 8)} ${pad(`${r.peakRssMb.toFixed(0)} MB`, 9)} ${pad(`${r.seconds.toFixed(1)} s`, 8)}`;
const results = [];
const allStarted = performance.now();
// --jobs targets at a time (each in its own process); a line per target as it finishes, then the table in order.
const queue = [...selected];
await Promise.all(
  Array.from({ length: Math.max(1, options.jobs) }, async () => {
    while (queue.length) {
      const name = queue.shift();
      const r = await fuzzTarget(name);
      results[selected.indexOf(name)] = { target: name, ...r };
      console.log(line(name, r));
    }
  }),
);
if (options.jobs > 1 && selected.length > 1) {
  console.log('');
  for (const r of results) console.log(line(r.target, r));
}
const failures = results.flatMap((r) => r.failures.map((f) => ({ target: r.target, ...f })));
const totalSeconds = (performance.now() - allStarted) / 1000;
console.log(
  `\n${results.reduce((s, r) => s + r.inputs, 0)} inputs, ${failures.length} failure${failures.length === 1 ? '' : 's'} in ${totalSeconds.toFixed(1)} s`,
);
for (const f of failures.slice(0, 50)) {
  console.log(`\n✖ ${f.target} input ${f.index}: ${f.kind}\n  ${f.message.split('\n').slice(0, 6).join('\n  ')}`);
  if (f.index >= 0)
    console.log(`  reproduce: npm run fuzz -- --seed ${options.seed} --start ${f.index} --n 1 ${f.target}`);
}
fs.mkdirSync(path.join(root, 'test-results'), { recursive: true });
fs.writeFileSync(
  path.join(root, 'test-results', 'fuzz.json'),
  `${JSON.stringify({ seed: options.seed, start: options.start, n: options.n, timeLimitMs: options.timeLimitMs, totalSeconds, results }, null, 2)}\n`,
);
fs.rmSync(tmp, { recursive: true, force: true });
process.exit(failures.length ? 1 : 0);
