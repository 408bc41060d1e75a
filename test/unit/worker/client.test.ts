import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { walkFiles } from '../../../src/core/checks/defaults/files';
import { CheckCancelledError } from '../../../src/core/checks/types';
import type { Logger } from '../../../src/core/logging';
import { InThreadWork, WorkerWork } from '../../../src/core/worker/client';
import {
  WorkCancelledError,
  WorkerCrashedError,
  type CheckFolderRequest,
  type HashProgress,
  type WorkRequestOf,
} from '../../../src/core/worker/protocol';
import { lowerThreadPriority, pollingSignal } from '../../../src/core/worker/worker';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
/** The worker entry transpiled with the tests (the extension ships the same code bundled as dist/worker.js). */
const WORKER = path.join(ROOT, 'out', 'src', 'core', 'worker', 'worker.js');
const CRASHING_WORKER = path.join(__dirname, 'crashingWorker.js');
/** A fixed clock, so the staleness check reads the same time in both threads. */
const NOW = Date.UTC(2026, 5, 1);

interface Recorded extends Logger {
  lines: string[];
}

function recordingLogger(): Recorded {
  const lines: string[] = [];
  const record =
    (level: string) =>
    (message: string | Error): void => {
      lines.push(`${level}: ${String(message)}`);
    };
  return {
    lines,
    trace: record('trace'),
    debug: record('debug'),
    info: record('info'),
    warn: record('warn'),
    error: record('error'),
  };
}

/** Timings differ between any two runs; everything else must not. */
function withoutTimings<T>(value: T): T {
  const strip = (v: unknown): unknown => {
    if (v instanceof Map) return new Map([...v].map(([k, x]) => [k, strip(x)]));
    if (Array.isArray(v)) return v.map(strip);
    if (v && typeof v === 'object')
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, k === 'durationMs' ? 0 : strip(x)]));
    return v;
  };
  return strip(value) as T;
}

/** Rejects when `promise` neither settles nor rejects within `ms` (a hang fails the test with a clear message). */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

describe('background worker', function () {
  this.timeout(60_000);
  let tmp = '';
  let demo = '';
  const opened: WorkerWork[] = [];
  const open = (script = WORKER, logger: Logger = recordingLogger()) => {
    const work = new WorkerWork({ script, logger });
    opened.push(work);
    return work;
  };

  before(() => {
    tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-worker-')));
    demo = path.join(tmp, 'demo');
    execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'demo', 'generate.mjs'), demo], { stdio: 'ignore' });
  });
  afterEach(() => {
    for (const work of opened.splice(0)) work.dispose();
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('runs the checks of the demo workspace with the results of an in-thread run, trusted and untrusted', async () => {
    const work = open();
    for (const trusted of [true, false]) {
      const request: CheckFolderRequest = { root: demo, trusted, now: NOW };
      const progress: number[] = [];
      const inWorker = await work.run(
        { kind: 'checkFolder', ...request },
        { onProgress: (p) => progress.push(p.completed) },
      );
      const inThread = await new InThreadWork(recordingLogger()).run({ kind: 'checkFolder', ...request });
      assert.equal(work.fellBack, false);
      assert.equal(inWorker.status, 'ok');
      assert.ok(inWorker.results.length >= 20, `only ${inWorker.results.length} results`);
      assert.deepEqual(withoutTimings(inWorker), withoutTimings(inThread));
      // Progress from the worker: before each check that ran, then once at the end.
      const ran = inWorker.checks.filter(
        (c) => !inWorker.results.some((r) => r.checkId === c.id && r.key === 'untrusted'),
      ).length;
      assert.ok(ran >= 5);
      assert.deepEqual(
        progress,
        Array.from({ length: ran + 1 }, (_, i) => i),
      );
      if (trusted) {
        // The rename fix of the misnamed model gets the version of its newest release tag, through git in the worker.
        assert.deepEqual(
          inWorker.renameTargets.map((t) => t.to),
          ['models/fraud-classifier/fraud-classifier-v2.0.0.pkl'],
        );
      } else {
        assert.ok(inWorker.notice?.includes('not trusted'));
        assert.ok(inWorker.results.some((r) => r.key === 'untrusted'));
      }
    }
  });

  it('discovers and hashes the demo workspace as the in-thread code does, and updates the index it keeps', async () => {
    const work = open();
    const inThread = new InThreadWork(recordingLogger());
    const scan: WorkRequestOf<'scanFolder'> = {
      kind: 'scanFolder',
      key: 'demo',
      root: demo,
      exclude: [],
      respectGitignore: true,
    };
    const [a, b] = [await work.run(scan), await inThread.run(scan)];
    assert.ok(a.items.length >= 5 && a.itemStats.size === a.items.length && a.config?.exists === true);
    assert.deepEqual(withoutTimings(a), withoutTimings(b));
    const files = a.items
      .filter((i) => !i.isDirectory && !i.missing)
      .map((i) => ({ path: i.absolutePath, algorithm: 'sha256' as const }));
    const progressed: string[] = [];
    const hashes = await work.run(
      { kind: 'hashFiles', files },
      { onProgress: (p) => p.result && progressed.push(p.file) },
    );
    assert.deepEqual(hashes, await inThread.run({ kind: 'hashFiles', files }));
    assert.deepEqual(
      progressed,
      files.map((f) => f.path),
    );
    const added = path.join(demo, 'models', 'extra.onnx');
    fs.writeFileSync(added, 'onnx');
    try {
      const update = await work.run({
        kind: 'updateFolder',
        key: 'demo',
        changes: [{ path: added, type: 'created' }],
        reloadConfig: false,
      });
      assert.equal(update?.added, 1);
      assert.ok(update?.items.some((i) => i.absolutePath === added));
      assert.equal(
        await work.run({ kind: 'updateFolder', key: 'unknown', changes: [], reloadConfig: false }),
        null,
        'a folder the worker never scanned',
      );
    } finally {
      fs.rmSync(added);
    }
  });

  it('stops hashing between files when cancelled and keeps serving requests', async () => {
    const folder = path.join(tmp, 'big');
    fs.mkdirSync(folder);
    const files = Array.from({ length: 40 }, (_, i) => {
      const file = path.join(folder, `part${i}.bin`);
      fs.writeFileSync(file, Buffer.alloc(2 * 1024 * 1024, i));
      return { path: file, algorithm: 'sha256' as const };
    });
    const work = open();
    const controller = new AbortController();
    const finished: HashProgress[] = [];
    const run = work.run(
      { kind: 'hashFiles', files },
      {
        signal: controller.signal,
        onProgress: (p) => {
          if (!p.result) return;
          finished.push(p);
          controller.abort();
        },
      },
    );
    await assert.rejects(within(run, 20_000, 'the cancelled hashing'), WorkCancelledError);
    assert.ok(finished.length >= 1 && finished.length < files.length, `${finished.length} files hashed`);
    const again = await work.run({ kind: 'hashFiles', files: files.slice(0, 2) });
    assert.deepEqual(
      again.map((r) => r.status),
      ['hashed', 'hashed'],
    );
  });

  it('cancels the checks: the caller gets a WorkCancelledError', async () => {
    const work = open();
    const controller = new AbortController();
    const run = work.run(
      { kind: 'checkFolder', root: demo, trusted: true, now: NOW },
      { signal: controller.signal, onProgress: () => controller.abort() },
    );
    await assert.rejects(within(run, 20_000, 'the cancelled checks'), WorkCancelledError);
    controller.abort();
    await assert.rejects(
      work.run({ kind: 'checkFolder', root: demo, trusted: true }, { signal: controller.signal }),
      WorkCancelledError,
      'an already cancelled signal',
    );
  });

  it('lets a synchronous file walk see a cancel message without yielding to the event loop', () => {
    // The walk looks at its signal every 64 folders.
    const tree = path.join(tmp, 'tree');
    for (let i = 0; i < 300; i++) {
      fs.mkdirSync(path.join(tree, `folder${i}`), { recursive: true });
      fs.writeFileSync(path.join(tree, `folder${i}`, 'file.py'), '');
    }
    assert.equal(walkFiles(tree).length, 300);
    const { port1, port2 } = new MessageChannel();
    const controller = new AbortController();
    let polls = 0;
    const signal = pollingSignal(controller, () => {
      polls++;
      // What the worker does: read pending control messages synchronously.
      for (let m = receiveMessageOnPort(port2); m; m = receiveMessageOnPort(port2))
        if ((m.message as { type: string }).type === 'cancel') controller.abort();
    });
    try {
      assert.equal(signal.aborted, false);
      port1.postMessage({ type: 'cancel', id: 1 });
      // No await between the message and the walk: only the synchronous read can see it.
      assert.throws(() => walkFiles(tree, {}, signal), CheckCancelledError);
      assert.ok(polls >= 2);
    } finally {
      port1.close();
      port2.close();
    }
  });

  it('runs the worker thread at a lower priority than the calling thread, which keeps its own', async () => {
    // Called on the main thread it changes nothing: only a worker thread lowers itself.
    assert.equal(lowerThreadPriority(), undefined);
    const before = os.getPriority();
    const work = open();
    await work.run({ kind: 'updateFolder', key: 'none', changes: [], reloadConfig: false });
    assert.equal(os.getPriority(), before, 'the calling thread keeps its priority');
    if (process.platform !== 'linux') return; // Elsewhere threads have no nice value of their own.
    /** The nice value of each thread of this process (field 19 of /proc/self/task/<tid>/stat). */
    const niceValues = fs.readdirSync('/proc/self/task').map((tid) => {
      const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
    });
    assert.ok(niceValues.includes(Math.max(before, 10)), JSON.stringify(niceValues));
  });

  it('reports a worker that exits during a request as a WorkerCrashedError, and starts a new one for the next', async () => {
    const logger = recordingLogger();
    const work = open(CRASHING_WORKER, logger);
    const first = work.run({ kind: 'checkFolder', root: 'exit', trusted: true });
    const error = await within(first, 10_000, 'the request to a dying worker').then(
      () => assert.fail('a request to a dying worker resolved'),
      (err: unknown) => err,
    );
    assert.ok(error instanceof WorkerCrashedError, String(error));
    assert.equal(error.exitCode, 3);
    assert.ok(logger.lines.some((l) => l.startsWith('error: The background worker stopped with exit code 3')));
    // The next request gets a fresh worker (which breaks too, differently).
    await assert.rejects(
      within(work.run({ kind: 'checkFolder', root: 'throw', trusted: true }), 10_000, 'the second request'),
      (err: unknown) => err instanceof WorkerCrashedError && err.message.includes('the worker broke on purpose'),
    );
    assert.equal(work.fellBack, false);
  });

  it('runs the work in the calling thread, with a log line, when the worker cannot start', async () => {
    const logger = recordingLogger();
    const work = open(path.join(tmp, 'no-such-worker.js'), logger);
    const outcome = await within(
      work.run({ kind: 'checkFolder', root: demo, trusted: false, now: NOW }),
      20_000,
      'the fallback',
    );
    assert.equal(work.fellBack, true);
    assert.equal(outcome.status, 'ok');
    const expected = await new InThreadWork(recordingLogger()).run({
      kind: 'checkFolder',
      root: demo,
      trusted: false,
      now: NOW,
    });
    assert.deepEqual(withoutTimings(outcome), withoutTimings(expected));
    assert.equal(
      logger.lines.filter((l) => l.startsWith('warn: The background worker could not start')).length,
      1,
      logger.lines.join('\n'),
    );
  });

  it('rejects requests still running when disposed, and every later one', async () => {
    const work = open();
    // Disposed while the worker runs the checks (at the first progress message).
    const run = work.run({ kind: 'checkFolder', root: demo, trusted: true }, { onProgress: () => work.dispose() });
    await assert.rejects(within(run, 10_000, 'a request of a disposed worker'), WorkCancelledError);
    await assert.rejects(work.run({ kind: 'checkFolder', root: demo, trusted: true }), WorkCancelledError);
  });
});
