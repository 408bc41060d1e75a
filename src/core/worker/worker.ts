// The entry of the worker thread (bundled as dist/worker.js): runs requests with the same core code the CLI runs and
// answers with results, progress and log lines (see protocol.ts). Cancel messages arrive on a separate control port
// that the worker also reads synchronously whenever the work asks `signal.aborted`, so even a synchronous file walk
// stops at the next folder or file it checks.
import fs from 'node:fs';
import os from 'node:os';
import { parentPort, receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { errorMessage, type Logger } from '../logging';
import type { ControlMessage, HostMessage, LogLevel, WorkerMessage, WorkerStartData } from './protocol';
import type * as TasksModule from './tasks';

type Tasks = typeof TasksModule;

const abortedDescriptor = Object.getOwnPropertyDescriptor(AbortSignal.prototype, 'aborted');

/**
 * Makes `signal.aborted` read pending control messages first (a synchronous receive), so work that never yields
 * to the event loop still sees a cancel. The signal stays a real AbortSignal for listeners.
 */
export function pollingSignal(controller: AbortController, poll: () => void): AbortSignal {
  const signal = controller.signal;
  if (!abortedDescriptor?.get) return signal;
  Object.defineProperty(signal, 'aborted', {
    configurable: true,
    get: () => {
      poll();
      return abortedDescriptor.get?.call(signal) === true;
    },
  });
  return signal;
}

/**
 * Lowers this thread's scheduling priority (and so that of the git processes it starts), so that on a busy machine
 * the editor's thread is scheduled first. Linux only: there a thread has its own nice value, found through
 * /proc/thread-self; elsewhere the thread keeps the default priority.
 */
export function lowerThreadPriority(): number | undefined {
  try {
    const tid = Number(/\/task\/(\d+)$/.exec(fs.readlinkSync('/proc/thread-self'))?.[1]);
    if (!tid || tid === process.pid) return undefined;
    os.setPriority(tid, Math.max(os.getPriority(tid), os.constants.priority.PRIORITY_BELOW_NORMAL));
    return os.getPriority(tid);
  } catch {
    return undefined;
  }
}

function serve(port: MessagePort, control: MessagePort, { isCancellation, WorkTasks }: Tasks): void {
  const post = (message: WorkerMessage) => port.postMessage(message);
  const log =
    (level: LogLevel) =>
    (message: string | Error): void =>
      post({ type: 'log', level, message: errorMessage(message) });
  const logger: Logger = {
    trace: log('trace'),
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
  };
  const tasks = new WorkTasks();
  const running = new Map<number, AbortController>();
  const onControl = (message: ControlMessage) => {
    if (message.type === 'cancel') running.get(message.id)?.abort();
  };
  const poll = () => {
    for (let m = receiveMessageOnPort(control); m; m = receiveMessageOnPort(control))
      onControl(m.message as ControlMessage);
  };
  control.on('message', onControl);
  port.on('message', (message: HostMessage) => {
    if (message.type !== 'request') return;
    const { id, request } = message;
    const controller = new AbortController();
    running.set(id, controller);
    const signal = pollingSignal(controller, poll);
    void (async () => {
      try {
        const result = await tasks.run(request, {
          signal,
          logger,
          progress: (progress) => post({ type: 'progress', id, progress }),
        });
        // A result that cannot be cloned throws here and is reported like any failure.
        post({ type: 'result', id, result });
      } catch (err) {
        if (isCancellation(err, signal)) post({ type: 'cancelled', id });
        else
          post({
            type: 'failed',
            id,
            error: { name: err instanceof Error ? err.name : 'Error', message: errorMessage(err) },
          });
      } finally {
        running.delete(id);
      }
    })();
  });
  post({ type: 'ready' });
}

if (parentPort) {
  // First the priority, then the checks engine and the readers (most of this bundle), at the lower priority.
  lowerThreadPriority();
  const port = parentPort;
  const { control } = workerData as WorkerStartData;
  void import('./tasks.js').then((tasks: Tasks) => serve(port, control as MessagePort, tasks));
}
